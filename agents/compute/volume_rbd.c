/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connector for driver_volume_type "rbd" (Ceph RBD, the driver planned
 * in controlplane/volume/volume.h), with Cinder's connection data:
 * {"name": "pool/image", "hosts": [...], "ports": [...], "auth_enabled",
 * "auth_username", "secret_type": "ceph", "secret_uuid"}. QEMU opens the
 * image itself through librbd: the disk is libvirt's network disk, so
 * nothing is mounted or linked here and connect and disconnect have
 * nothing to do.
 *
 * The cephx key is the node's, as Nova's rbd_secret_uuid is: a libvirt
 * secret of usage "ceph" with that uuid, defined on the node by its
 * operator (virsh secret-define, secret-set-value); the connection names
 * it only. Without it libvirt refuses the attach, and its reason is the
 * fault reported. Tried on a one-node cluster (tools/ceph/one_node.sh):
 * this disk attaches live to a running domain and virDomainBlockResize
 * grows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "compute/compute.h"
#include "compute/volume_connector.h"

#define MAX_HOSTS 8

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Whether s is 1 to 128 characters of [A-Za-z0-9] and extra: safe in XML. */
static bool plain(const char *s, const char *extra)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		                    (s[i] >= '0' && s[i] <= '9') || strchr(extra, s[i])))
			return false;
	return true;
}

/* A port as Cinder sends it (a string of digits) or an integer; 0 when neither. */
static long port_of(const json_t *p)
{
	const char *s = json_string_value(p);
	char *end;
	long n;

	if (json_is_integer(p)) {
		n = (long)json_integer_value(p);
	} else if (s != NULL && s[0] >= '0' && s[0] <= '9') {
		n = strtol(s, &end, 10);
		if (*end != '\0')
			n = 0;
	} else {
		n = 0;
	}
	return n > 0 && n < 65536 ? n : 0;
}

static bool auth_enabled(const struct ag_volume *v)
{
	return json_is_true(json_object_get(v->data, "auth_enabled"));
}

static const char *rbd_check(const struct ag_volume *v)
{
	const json_t *hosts = json_object_get(v->data, "hosts");
	const json_t *ports = json_object_get(v->data, "ports");
	const char *name = jstr(v->data, "name"), *slash = name ? strchr(name, '/') : NULL;
	size_t i, n = json_array_size(hosts);

	/* pool/image, and nothing more: no snapshot (@) nor options (:). */
	if (slash == NULL || slash == name || slash[1] == '\0' || !plain(name, "._-/") ||
	                strchr(slash + 1, '/'))
		return "no rbd image name pool/image";
	if (n == 0 || n > MAX_HOSTS || json_array_size(ports) != n)
		return "no monitor hosts with a port each";
	for (i = 0; i < n; i++)
		if (!plain(json_string_value(json_array_get(hosts, i)), ".:-") ||
		                port_of(json_array_get(ports, i)) == 0)
			return "a monitor host or port that is not one";
	if (auth_enabled(v) && (!plain(jstr(v->data, "auth_username"), "._-") ||
	                                       jstr(v->data, "secret_uuid") == NULL ||
	                                       !ag_is_uuid(jstr(v->data, "secret_uuid"))))
		return "cephx without a user name and a libvirt secret uuid";
	return NULL;
}

static int rbd_connect(const char *server_id, const struct ag_volume *v, char *fault, size_t cap)
{
	(void)server_id;
	(void)v;
	(void)fault;
	(void)cap;
	return 0;
}

static char *rbd_disk_xml(const char *server_id, const struct ag_volume *v)
{
	const json_t *hosts = json_object_get(v->data, "hosts");
	const json_t *ports = json_object_get(v->data, "ports");
	/* Every piece was checked by rbd_check: plain characters, at most 128
	 * each, MAX_HOSTS hosts; so these hold them. */
	char auth[384] = "", monitors[MAX_HOSTS * 192] = "", *xml = NULL;
	size_t i, len = 0;

	(void)server_id;
	if (auth_enabled(v))
		snprintf(auth, sizeof(auth),
		                "<auth username='%s'><secret type='ceph' uuid='%s'/></auth>",
		                jstr(v->data, "auth_username"), jstr(v->data, "secret_uuid"));
	for (i = 0; i < json_array_size(hosts) && i < MAX_HOSTS; i++)
		len += (size_t)snprintf(monitors + len, sizeof(monitors) - len,
		                "<host name='%s' port='%ld'/>",
		                json_string_value(json_array_get(hosts, i)),
		                port_of(json_array_get(ports, i)));
	if (asprintf(&xml,
	                    "<disk type='network' device='disk'><driver name='qemu' type='raw'/>%s"
	                    "<source protocol='rbd' name='%s'>%s</source>"
	                    "<target dev='%s' bus='virtio'/><serial>%.*s</serial></disk>",
	                    auth, jstr(v->data, "name"), monitors, v->device,
	                    AG_VOLUME_SERIAL_CHARS, v->volume_id) < 0)
		return NULL;
	return xml;
}

static void rbd_disconnect(const char *server_id, const struct ag_volume *v)
{
	(void)server_id;
	(void)v;
}

const struct ag_volume_connector ag_volume_rbd_connector = {
	.type = "rbd",
	.check = rbd_check,
	.connect = rbd_connect,
	.disk_xml = rbd_disk_xml,
	.disconnect = rbd_disconnect,
};
