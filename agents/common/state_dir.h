/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's --state-dir (the full layout is in compute/compute.h), and
 * the one thing in it that both halves must agree on: a VM's port. The
 * network half gives the engine a vhost-user port, named as Neutron names
 * the port's tap, that connects to DIR/vhost/<tap name>.sock; the compute
 * half puts the same path in the domain, and QEMU listens on it.
 *
 * Control thread only.
 */
#ifndef AG_COMMON_STATE_DIR_H
#define AG_COMMON_STATE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/* Neutron names a port's tap device "tap" + the first 11 chars of its id. */
#define AG_PORT_ID_CHARS 11

/* Where the VM port sockets and the instances live: DIR/vhost, DIR/instances
 * (/var/lib/virga until set; kept, copied). */
void ag_state_dir_set(const char *dir);
const char *ag_state_dir(void);
/* Makes the state directory searchable by others (QEMU opens files below it). */
int ag_state_dir_searchable(void);
/* mkdir of one level, and mode: QEMU runs as libvirt's user and must pass
 * through (or, for the sockets, write into) what we make. 0 or -errno. */
int ag_dir_with_mode(const char *path, mode_t mode);

/* Whether a Neutron port (the feed's object) is a VM's: device_owner "compute:*". */
bool ag_port_is_vm(const json_t *port);
/* The vhost-user socket of the engine's port dp_name; -ENAMETOOLONG. */
int ag_vhost_socket(const char *dp_name, char *buf, size_t cap);
/* Makes the socket directory, once: QEMU (libvirt's user) creates the sockets in it. */
int ag_vhost_dir_ensure(void);

#endif /* AG_COMMON_STATE_DIR_H */
