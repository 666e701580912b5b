/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's --state-dir, and what both halves keep in it (state_dir.h):
 * the network half makes a VM's engine port connect to a socket there,
 * the compute half hands the same path to QEMU. Here, not in compute/, so
 * that the network half does not depend on the compute one.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/state_dir.h"

static char state_dir[PATH_MAX / 2] = "/var/lib/virga";

void ag_state_dir_set(const char *dir)
{
	snprintf(state_dir, sizeof(state_dir), "%s", dir);
}

const char *ag_state_dir(void)
{
	return state_dir;
}

bool ag_port_is_vm(const json_t *port)
{
	const char *owner = json_string_value(json_object_get(port, "device_owner"));

	return owner != NULL && strncmp(owner, "compute:", 8) == 0;
}

int ag_vhost_socket(const char *dp_name, char *buf, size_t cap)
{
	return (size_t)snprintf(buf, cap, "%s/vhost/%s.sock", state_dir, dp_name) < cap
	                       ? 0
	                       : -ENAMETOOLONG;
}

int ag_dir_with_mode(const char *path, mode_t mode)
{
	if (mkdir(path, mode) < 0 && errno != EEXIST)
		return -errno;
	return chmod(path, mode) < 0 ? -errno : 0;
}

int ag_state_dir_searchable(void)
{
	struct stat st;

	if (mkdir(state_dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	if (stat(state_dir, &st) < 0)
		return -errno;
	if ((st.st_mode & 0001) == 0 && chmod(state_dir, (st.st_mode & 07777) | 0711) < 0)
		return -errno;
	return 0;
}

int ag_vhost_dir_ensure(void)
{
	static bool done;
	char path[PATH_MAX];
	const struct group *g;
	int rc;

	if (done)
		return 0;
	rc = ag_state_dir_searchable();
	snprintf(path, sizeof(path), "%s/vhost", state_dir);
	if (rc == 0)
		rc = ag_dir_with_mode(path, 01777);
	/* Only libvirt's QEMU need write here: its group, when there is one. */
	g = getgrnam("libvirt-qemu");
	if (rc == 0 && g != NULL && chown(path, 0, g->gr_gid) == 0)
		rc = chmod(path, 0770) < 0 ? -errno : 0;
	if (rc < 0) {
		ag_log(AG_ERR, "cannot make %s: %s", path, strerror(-rc));
		return rc;
	}
	done = true;
	return 0;
}
