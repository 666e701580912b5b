/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connector for driver_volume_type "file" (the controller's file
 * driver): the volume is a file on this node, {"data": {"path", "format"}}.
 *
 * The feed's path is the controller's (its state directory, kept 0700: the
 * database and the service token live there), which QEMU, as libvirt-qemu,
 * cannot reach. connect links it (a hard link: the same inode, no copy)
 * into the server's instance directory, which QEMU reaches as it reaches
 * the root disk; libvirt's dynamic_ownership gives the file to QEMU while
 * attached and back afterwards, as for the root disk's overlay. The link
 * goes with disconnect, or with the instance directory when the server is
 * deleted. This needs the store and the node's state directory on one
 * file system, as the all-in-one has them; a second node needs a driver
 * whose volumes it reaches (see controlplane/volume/volume.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compute/compute.h"
#include "compute/volume_connector.h"

int ag_volume_link_path(const char *server_id, const struct ag_volume *v, char *buf, size_t cap)
{
	char dir[PATH_MAX];
	int rc = ag_instance_dir(server_id, dir, sizeof(dir));

	if (rc == 0 && (size_t)snprintf(buf, cap, "%s/volume-%s.raw", dir, v->volume_id) >= cap)
		rc = -ENAMETOOLONG;
	return rc;
}

char *ag_volume_disk_xml(const struct ag_volume *v, const char *source)
{
	char *xml = NULL;

	/* source is ag_volume_link_path's: our directory and checked ids only. */
	if (asprintf(&xml,
	                    "<disk type='file' device='disk'><driver name='qemu' type='%s'/>"
	                    "<source file='%s'/><target dev='%s' bus='virtio'/>"
	                    "<serial>%.*s</serial></disk>",
	                    v->format, source, v->device, AG_VOLUME_SERIAL_CHARS, v->volume_id) < 0)
		return NULL;
	return xml;
}

static const char *file_check(const struct ag_volume *v)
{
	if (v->path == NULL || v->path[0] != '/')
		return "no absolute path for the volume's file";
	/* It goes into the XML: a path of ours has none of XML's specials. */
	if (strpbrk(v->path, "'\"<>&") != NULL)
		return "a volume path with quotes or XML characters";
	return NULL;
}

static int file_connect(const char *server_id, const struct ag_volume *v, char *fault,
                size_t fcap)
{
	char link_path[PATH_MAX];
	struct stat want, have;

	if (ag_volume_link_path(server_id, v, link_path, sizeof(link_path)) < 0) {
		snprintf(fault, fcap, "the volume's link path is too long");
		return -ENAMETOOLONG;
	}
	if (stat(v->path, &want) < 0) {
		int rc = -errno;

		snprintf(fault, fcap, "volume file %.300s: %s (it must be on this node)", v->path,
		                strerror(-rc));
		return rc;
	}
	if (stat(link_path, &have) == 0 && have.st_ino == want.st_ino && have.st_dev == want.st_dev)
		return 0;
	unlink(link_path);
	if (link(v->path, link_path) < 0) {
		int rc = -errno;

		snprintf(fault, fcap, "cannot link %.200s to %.200s: %s%s", v->path, link_path,
		                strerror(-rc),
		                rc == -EXDEV ? " (the volume store and the node's state directory "
		                               "must share a file system)"
		                             : "");
		return rc;
	}
	return 0;
}

static char *file_disk_xml(const char *server_id, const struct ag_volume *v)
{
	char link_path[PATH_MAX];

	if (ag_volume_link_path(server_id, v, link_path, sizeof(link_path)) < 0)
		return NULL;
	return ag_volume_disk_xml(v, link_path);
}

static void file_disconnect(const char *server_id, const struct ag_volume *v)
{
	char link_path[PATH_MAX];

	if (ag_volume_link_path(server_id, v, link_path, sizeof(link_path)) == 0)
		unlink(link_path);
}

const struct ag_volume_connector ag_volume_file_connector = {
	.type = "file",
	.check = file_check,
	.connect = file_connect,
	.disk_xml = file_disk_xml,
	.disconnect = file_disconnect,
};
