/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The file driver (cp_volume_file_driver, see volume_driver.h): a volume is
 * <store>/<id>.raw, a snapshot <store>/snap-<id>.raw, both sparse raw
 * files, and a node attaches the file itself ({"driver_volume_type":
 * "file", "data": {"path", "format": "raw"}}), so the store must be on the
 * node's file system (the all-in-one's; see agents/compute/volumes.c).
 *
 * A snapshot is a copy, not a qcow2 backing chain: with raw volumes a chain
 * would need a format change of the volume itself, and the copy keeps holes
 * (SEEK_DATA/SEEK_HOLE), so it costs the blocks the volume has written, at
 * the time of the snapshot.
 */
#ifndef CP_VOLUME_FILE_H
#define CP_VOLUME_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The file primitives, for the driver and volume_image.c. */

/* Creates (O_EXCL) or resizes path to gb GiB; 0 or -errno (a new file is removed on failure). */
int cp_volume_file_size(const char *store, const char *path, uint64_t gb, bool create);
/* A new file dst (O_EXCL) with src's bytes and holes, then sized to gb GiB; 0 or -errno. */
int cp_volume_file_copy(const char *store, const char *src, const char *dst, uint64_t gb);

#endif
