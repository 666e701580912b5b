/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A volume backend driver: what the volume service asks of the storage,
 * and nothing else. The service (volume.c, snapshot.c) keeps the rows, the
 * status machine and the quotas; a driver only makes, changes and removes
 * the bytes, and says how a node reaches them (connection). The volume
 * service calls nothing of a driver's but these ops.
 *
 * Which driver: a new volume takes its type's extra spec
 * "volume_backend_name" (the default type's is "file"), or its source's
 * driver when it is made from a volume or a snapshot (a copy-on-write
 * clone cannot cross backends, as in Cinder). The volume row keeps it in
 * Cinder's "os-vol-host-attr:host", "virga@<backend>#<backend>"
 * (host@backend#pool), so an existing volume finds its driver again
 * whatever its type says now; a snapshot uses its volume's driver.
 *
 * Each op gets the controller's volume store (its state directory for
 * volumes: the file driver's files, any other driver's configuration) and
 * returns 0 or a negative errno. The ops that make something make it whole
 * or not at all: on failure nothing is left. delete and snapshot_delete
 * of what is not there are 0, so a retry after a crash finishes the work.
 * Every op runs inside the request, on a control thread, and may block
 * (a copy, a qemu-img convert): a driver that is slow asks the service for
 * "creating" (not needed yet: the file driver's copies are sparse).
 */
#ifndef CP_VOLUME_DRIVER_H
#define CP_VOLUME_DRIVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct cp_volume_image;

struct cp_volume_driver {
	const char *name; /* its volume_backend_name */
	/* A new volume id of gb GiB: empty (zeros), a copy of volume src_id or of
	 * snapshot snap_id (gb at least their size), or an image's bytes. */
	int (*create)(const char *store, const char *id, uint64_t gb);
	int (*create_from_volume)(const char *store, const char *id, const char *src_id,
			uint64_t gb);
	int (*create_from_snapshot)(const char *store, const char *id, const char *snap_id,
			uint64_t gb);
	int (*create_from_image)(const char *store, const char *id,
			const struct cp_volume_image *image, uint64_t gb);
	/* To gb GiB, more than now; allowed while attached (the node then tells
	 * its guest, see agents/compute/volumes.c). */
	int (*extend)(const char *store, const char *id, uint64_t gb);
	int (*delete)(const char *store, const char *id);
	/* A point-in-time copy snap_id of volume vol_id (gb GiB). */
	int (*snapshot_create)(const char *store, const char *snap_id, const char *vol_id,
			uint64_t gb);
	int (*snapshot_delete)(const char *store, const char *snap_id);
	/* What a node attaches, as Cinder's initialize_connection answers it:
	 * {"driver_volume_type", "data": {...}} (a new reference), NULL when out
	 * of memory. The agent picks how to attach by driver_volume_type. */
	json_t *(*connection)(const char *store, const char *id);
};

/* The built drivers, by volume_backend_name; NULL when none is built. NULL
 * or "" names the default backend ("file"). */
const struct cp_volume_driver *cp_volume_driver_named(const char *backend);
/* A volume type's driver: its extra spec volume_backend_name, else the
 * default; NULL when the type names a backend that is not built. */
const struct cp_volume_driver *cp_volume_driver_for_type(const json_t *type);
/* The driver of a volume row, from its "os-vol-host-attr:host"; NULL when
 * that names a backend that is not built (the default when it has none). */
const struct cp_volume_driver *cp_volume_driver_of(const json_t *volume);
/* The host a volume of driver d shows: "virga@file#file". */
void cp_volume_driver_host(const struct cp_volume_driver *d, char *out, size_t len);

/* The file driver (volume_file.c). */
extern const struct cp_volume_driver cp_volume_file_driver;

#endif
