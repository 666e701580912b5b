/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A server's volumes, brought to the feed's "volumes" (see compute.h):
 * "attach" plugs the volume into the domain as a virtio disk, through the
 * connector its connection_info's driver_volume_type names
 * (volume_connector.h; "file": volume_file.c, "rbd": volume_rbd.c),
 * "detach" unplugs it, and
 * each result goes back to the controller, which moves the volume's status
 * (in-use, available; an attach that failed gives it back, available, with
 * the fault logged here and there).
 *
 *   PUT /internal/v1/nodes/{node}/servers/{id}/volumes/{volume}
 *       {"attachment_id", "status": "attached"|"detached"|"error", "fault"?,
 *        "size"?}
 *
 * Live and persistent: a running domain gets the disk with
 * VIR_DOMAIN_AFFECT_LIVE|CONFIG (it stays across a power off), a shut-off
 * one in its definition only. A disk is known by its serial, the volume
 * id's first 20 characters (what virtio-blk keeps; the guest sees it in
 * /sys/block/vdX/serial, and Nova sets the same).
 *
 * Extended while attached (Cinder 3.42): the entry's "size" grows; a
 * running domain's disk is resized live to it (virDomainBlockResize: QEMU
 * tells the guest, which sees the new size at once), and the "attached"
 * report then says the size ("size", GiB), with the fault if libvirt
 * refused. A domain that is not running reads the size at its start.
 *
 * A live detach needs the guest to let go (ACPI hot-unplug): libvirt asks,
 * waits a little and returns; until the disk is gone from the live domain
 * the volume stays detaching, asked again every DETACH_ASK_MS, and after
 * DETACH_GIVE_UP_MS the detach is reported failed (the volume is in-use
 * again: the guest still has it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "common/log.h"
#include "common/parse.h"
#include "compute/compute.h"
#include "compute/volume_connector.h"

#define SERIAL_CHARS AG_VOLUME_SERIAL_CHARS
#define GIB (1ull << 30)
#define DETACH_ASK_MS 10000
#define DETACH_GIVE_UP_MS 60000

struct ag_volumes {
	json_t *reported; /* "server/volume" -> the last report the controller took */
	json_t *failed;   /* "server/volume" -> {"attachment_id", "fault"} of an attach that failed */
	json_t *asked;    /* "server/volume" -> {"first", "last"}: when a detach was asked (ms) */
};

struct ag_volumes *ag_volumes_new(void)
{
	struct ag_volumes *vs = calloc(1, sizeof(*vs));

	if (vs == NULL)
		return NULL;
	vs->reported = json_object();
	vs->failed = json_object();
	vs->asked = json_object();
	return vs;
}

void ag_volumes_free(struct ag_volumes *vs)
{
	if (vs == NULL)
		return;
	json_decref(vs->reported);
	json_decref(vs->failed);
	json_decref(vs->asked);
	free(vs);
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int ag_volume_parse(const json_t *o, struct ag_volume *v, const char **why)
{
	const json_t *conn = json_object_get(o, "connection_info"), *size = json_object_get(o, "size");
	const json_t *data = json_object_get(conn, "data");
	const char *action = jstr(o, "action"), *dev = jstr(o, "device"), *fmt = jstr(data, "format");

	memset(v, 0, sizeof(*v));
	v->volume_id = jstr(o, "volume_id");
	v->attachment_id = jstr(o, "attachment_id");
	v->driver = jstr(conn, "driver_volume_type");
	v->data = data;
	v->path = jstr(data, "path");
	v->size_gb = json_is_integer(size) ? json_integer_value(size) : 0;
	v->attach = action != NULL && strcmp(action, "attach") == 0;
	v->boot = json_is_true(json_object_get(o, "boot"));
	if (dev != NULL && strncmp(dev, "/dev/", 5) == 0)
		dev += 5;
	v->device = dev;
	v->format = fmt != NULL && strcmp(fmt, "qcow2") == 0 ? "qcow2" : "raw";
	*why = NULL;
	/* The ids and the device go into XML and file names: checked, not escaped. */
	if (v->volume_id == NULL || !ag_is_uuid(v->volume_id) || v->attachment_id == NULL ||
	                !ag_is_uuid(v->attachment_id))
		*why = "no volume or attachment id";
	else if (action == NULL || (!v->attach && strcmp(action, "detach") != 0))
		*why = "neither attach nor detach";
	else if (dev == NULL || strlen(dev) != 3 || strncmp(dev, "vd", 2) != 0 || dev[2] < 'a' ||
	                dev[2] > 'z' || (dev[2] == 'a') != v->boot)
		*why = "no virtio device name (vda for the boot volume, else vdb to vdz)";
	else if (ag_volume_connector(v->driver) == NULL)
		*why = "a driver_volume_type this node cannot attach (file or rbd)";
	else if ((*why = ag_volume_connector(v->driver)->check(v)) != NULL)
		;
	else if (size != NULL && (v->size_gb < 1 || v->size_gb > (1 << 20)))
		*why = "a size that is no number of GiB";
	else if (fmt != NULL && strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
		*why = "a volume format other than raw or qcow2";
	return *why ? -EINVAL : 0;
}

const struct ag_volume_connector *ag_volume_connector(const char *driver_volume_type)
{
	static const struct ag_volume_connector *const all[] = {&ag_volume_file_connector,
	                &ag_volume_rbd_connector};

	for (size_t i = 0; driver_volume_type != NULL && i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(all[i]->type, driver_volume_type) == 0)
			return all[i];
	return NULL;
}

const json_t *ag_volume_boot_entry(const json_t *volumes)
{
	const json_t *o;
	size_t i;

	json_array_foreach(volumes, i, o)
		if (json_is_true(json_object_get(o, "boot")))
			return o;
	return NULL;
}

/* Whether the domain's XML (NULL: none) has the volume's disk. */
static bool has_disk(const char *xml, const struct ag_volume *v)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "<serial>%.*s</serial>", SERIAL_CHARS, v->volume_id);
	return xml != NULL && strstr(xml, tag) != NULL;
}

/* An "attached" report of an extended volume says the size given to the
 * guest, or with a fault the size it could not be given. */
static void report(struct ag_volumes *vs, struct ag_compute *c, const char *server_id,
                const char *key, const struct ag_volume *v, const char *status, const char *fault)
{
	json_t *body = json_pack("{s:s, s:s, s:s?}", "attachment_id", v->attachment_id, "status",
	                status, "fault", fault);
	char what[64];

	if (body != NULL && v->size_gb > 0 && strcmp(status, "attached") == 0)
		json_object_set_new(body, "size", json_integer(v->size_gb));
	if (body == NULL || json_equal(json_object_get(vs->reported, key), body)) {
		json_decref(body);
		return;
	}
	snprintf(what, sizeof(what), "volumes/%s", v->volume_id);
	if (ag_compute_put(c, server_id, what, body)) {
		ag_log(AG_INFO, "server %s: volume %s %s%s%s", server_id, v->volume_id, status,
		                fault ? ": " : "", fault ? fault : "");
		json_object_set_new(vs->reported, key, body);
	} else {
		json_decref(body);
	}
}

/*
 * Extended while attached: the running domain's disk to the entry's size,
 * once per size (the last report says which, and whether it failed: a
 * failure is not tried again for that size, as a failed attach). Resized
 * unasked rather than compared with virDomainGetBlockInfo first: QEMU's
 * idea of a raw file's length is what the guest sees, and resizing to the
 * same length is a no-op. false with fault when libvirt refuses.
 */
static bool resize_live(struct ag_volumes *vs, virDomainPtr dom, const char *server_id,
                const char *key, const struct ag_volume *v, char *fault, size_t cap)
{
	const json_t *was = json_object_get(vs->reported, key);

	if (v->size_gb == 0)
		return true;
	if (json_integer_value(json_object_get(was, "size")) == v->size_gb) {
		if (jstr(was, "fault") == NULL)
			return true;
		snprintf(fault, cap, "%s", jstr(was, "fault"));
		return false;
	}
	if (virDomainBlockResize(dom, v->device, (unsigned long long)v->size_gb * GIB,
	                    VIR_DOMAIN_BLOCK_RESIZE_BYTES) < 0) {
		snprintf(fault, cap, "cannot resize %s to %lld GiB: %s", v->device,
		                (long long)v->size_gb, virGetLastErrorMessage());
		ag_log(AG_ERR, "server %s: volume %s: %s", server_id, v->volume_id, fault);
		return false;
	}
	ag_log(AG_INFO, "server %s: volume %s resized to %lld GiB (live)", server_id, v->volume_id,
	                (long long)v->size_gb);
	return true;
}

static void attach(struct ag_volumes *vs, struct ag_compute *c, virDomainPtr dom,
                const char *server_id, const char *key, const struct ag_volume *v,
                bool in_live, bool in_conf, bool active)
{
	const struct ag_volume_connector *conn = ag_volume_connector(v->driver);
	const json_t *was = json_object_get(vs->failed, key);
	char fault[512];
	unsigned flags = 0;
	char *xml;

	/* Failed once: not tried again; reported until the controller takes it
	 * (and gives the volume back). */
	if (strcmp(jstr(was, "attachment_id") ?: "", v->attachment_id) == 0) {
		report(vs, c, server_id, key, v, "error", jstr(was, "fault"));
		return;
	}
	if (active && !in_live)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (!in_conf)
		flags |= VIR_DOMAIN_AFFECT_CONFIG;
	if (flags != 0) {
		if (conn->connect(server_id, v, fault, sizeof(fault)) < 0)
			xml = NULL;
		else if ((xml = conn->disk_xml(server_id, v)) == NULL)
			snprintf(fault, sizeof(fault), "out of memory");
		if (xml != NULL && virDomainAttachDeviceFlags(dom, xml, flags) < 0) {
			snprintf(fault, sizeof(fault), "%s", virGetLastErrorMessage());
			free(xml);
			xml = NULL;
		}
		if (xml == NULL) {
			ag_log(AG_ERR, "server %s: cannot attach volume %s: %s", server_id,
			                v->volume_id, fault);
			json_object_set_new(vs->failed, key,
			                json_pack("{s:s, s:s}", "attachment_id", v->attachment_id,
			                                "fault", fault));
			report(vs, c, server_id, key, v, "error", fault);
			return;
		}
		free(xml);
		ag_log(AG_INFO, "server %s: volume %s attached as %s%s", server_id, v->volume_id,
		                v->device, flags & VIR_DOMAIN_AFFECT_LIVE ? " (live)" : "");
	}
	if (active && !resize_live(vs, dom, server_id, key, v, fault, sizeof(fault))) {
		report(vs, c, server_id, key, v, "attached", fault);
		return;
	}
	report(vs, c, server_id, key, v, "attached", NULL);
}

static void detach(struct ag_volumes *vs, struct ag_compute *c, virDomainPtr dom,
                const char *server_id, const char *key, const struct ag_volume *v,
                bool in_live, bool in_conf)
{
	const struct ag_volume_connector *conn = ag_volume_connector(v->driver);
	json_t *asked = json_object_get(vs->asked, key);
	int64_t now = ag_compute_now_ms(), first = json_integer_value(json_object_get(asked, "first"));
	char *xml;
	unsigned flags = (in_live ? VIR_DOMAIN_AFFECT_LIVE : 0) |
	                 (in_conf ? VIR_DOMAIN_AFFECT_CONFIG : 0);
	int rc;

	if (flags != 0 && asked != NULL && now - first >= DETACH_GIVE_UP_MS) {
		json_object_del(vs->asked, key);
		report(vs, c, server_id, key, v, "error",
		                "the guest did not release the disk (no ACPI hot-unplug?)");
		return;
	}
	if (flags != 0 && (asked == NULL ||
	                           now - json_integer_value(json_object_get(asked, "last")) >=
	                                           DETACH_ASK_MS)) {
		if ((xml = conn->disk_xml(server_id, v)) == NULL)
			return;
		rc = virDomainDetachDeviceFlags(dom, xml, flags);
		free(xml);
		/* Asked before: libvirt says the unplug is under way; wait for the guest. */
		if (rc < 0 && asked == NULL) {
			ag_log(AG_ERR, "server %s: cannot detach volume %s: %s", server_id,
			                v->volume_id, virGetLastErrorMessage());
			report(vs, c, server_id, key, v, "error", virGetLastErrorMessage());
			return;
		}
		json_object_set_new(vs->asked, key,
		                json_pack("{s:I, s:I}", "first", (json_int_t)(asked ? first : now),
		                                "last", (json_int_t)now));
		if (rc == 0) {
			char *live = virDomainGetXMLDesc(dom, 0);

			in_live = in_live && has_disk(live, v);
			free(live);
			in_conf = false;
		}
	}
	if (in_live || in_conf)
		return; /* the guest lets go in its own time: the next pass looks again */
	conn->disconnect(server_id, v);
	json_object_del(vs->asked, key);
	report(vs, c, server_id, key, v, "detached", NULL);
}

/* Drops what is kept for the server's volumes that are not in keep (NULL: all). */
static void prune(struct ag_volumes *vs, const char *server_id, const json_t *keep)
{
	json_t *maps[] = {vs->reported, vs->failed, vs->asked}, *val;
	size_t n = strlen(server_id);
	const char *key;
	void *tmp;

	for (size_t m = 0; m < sizeof(maps) / sizeof(maps[0]); m++)
		json_object_foreach_safe(maps[m], tmp, key, val)
		{
			if (strncmp(key, server_id, n) == 0 && key[n] == '/' &&
			                (keep == NULL || json_object_get(keep, key) == NULL))
				json_object_del(maps[m], key);
		}
}

void ag_volumes_forget(struct ag_volumes *vs, const char *server_id)
{
	prune(vs, server_id, NULL);
}

void ag_volumes_reconcile(struct ag_volumes *vs, struct ag_compute *c, virDomainPtr dom,
                const struct ag_server *s)
{
	bool active;
	char *live, *conf, key[128];
	json_t *keep, *o;
	struct ag_volume v;
	const char *why;
	size_t i;

	/* Most servers have none: no need to read their domain's XML each pass. */
	if (json_array_size(s->volumes) == 0) {
		prune(vs, s->id, NULL);
		return;
	}
	active = virDomainIsActive(dom) == 1;
	live = active ? virDomainGetXMLDesc(dom, 0) : NULL;
	conf = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	keep = json_object();
	json_array_foreach(s->volumes, i, o)
	{
		if (ag_volume_parse(o, &v, &why) < 0) {
			if (v.volume_id != NULL && ag_is_uuid(v.volume_id) && v.attachment_id != NULL &&
			                ag_is_uuid(v.attachment_id)) {
				snprintf(key, sizeof(key), "%s/%s", s->id, v.volume_id);
				json_object_set_new(keep, key, json_true());
				report(vs, c, s->id, key, &v, "error", why);
			}
			continue;
		}
		snprintf(key, sizeof(key), "%s/%s", s->id, v.volume_id);
		json_object_set_new(keep, key, json_true());
		if (v.attach)
			attach(vs, c, dom, s->id, key, &v, has_disk(live, &v), has_disk(conf, &v),
			                active);
		else
			detach(vs, c, dom, s->id, key, &v, has_disk(live, &v), has_disk(conf, &v));
	}
	prune(vs, s->id, keep);
	json_decref(keep);
	free(live);
	free(conf);
}

int ag_volume_connect_boot(const struct ag_server *s, char *fault, size_t cap)
{
	struct ag_volume v;
	const char *why;

	if (ag_volume_parse(s->boot_volume, &v, &why) < 0) {
		snprintf(fault, cap, "boot volume: %s", why);
		return -EINVAL;
	}
	return ag_volume_connector(v.driver)->connect(s->id, &v, fault, cap);
}

char *ag_volume_boot_disk_xml(const struct ag_server *s)
{
	struct ag_volume v;
	const char *why;

	if (ag_volume_parse(s->boot_volume, &v, &why) < 0)
		return NULL;
	return ag_volume_connector(v.driver)->disk_xml(s->id, &v);
}
