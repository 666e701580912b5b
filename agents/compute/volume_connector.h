/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the node attaches a volume, by its connection_info's
 * driver_volume_type, as os-brick's connectors do for Nova: check refuses
 * connection data that cannot go into the domain (why, or NULL: what goes
 * into XML is checked, not escaped), connect makes the volume reachable
 * by QEMU (0, or -errno with fault saying why),
 * disk_xml is the <disk> libvirt attaches and detaches (NULL: no memory),
 * and disconnect undoes connect once the disk has left the domain. Each is
 * idempotent: the agent's pass calls them again after a restart.
 * Compute thread only.
 */
#ifndef AG_VOLUME_CONNECTOR_H
#define AG_VOLUME_CONNECTOR_H

#include <stddef.h>

struct ag_volume;

/* What virtio-blk keeps of a serial: the volume id's first 20 characters. */
#define AG_VOLUME_SERIAL_CHARS 20

struct ag_volume_connector {
	const char *type; /* driver_volume_type */
	const char *(*check)(const struct ag_volume *v);
	int (*connect)(const char *server_id, const struct ag_volume *v, char *fault, size_t cap);
	char *(*disk_xml)(const char *server_id, const struct ag_volume *v);
	void (*disconnect)(const char *server_id, const struct ag_volume *v);
};

/* The connector for driver_volume_type, NULL when this node has none. */
const struct ag_volume_connector *ag_volume_connector(const char *driver_volume_type);

extern const struct ag_volume_connector ag_volume_file_connector; /* volume_file.c */
extern const struct ag_volume_connector ag_volume_rbd_connector;  /* volume_rbd.c */

#endif
