/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cinder v3 volumes on the node's file driver (the first of the issue's
 * backend drivers): a volume is an object row of kind "volume" holding
 * Cinder's volume document, and a sparse raw file <store>/<id>.raw of its
 * size. Creation and extension only allocate the file's length (sparse), so
 * they finish inside the request: a volume is "available" when the create
 * returns (Cinder passes through "creating", which a driver this quick has
 * no use for). Deleting removes the row and the file.
 *
 * Not yet: attachments (they need servers), snapshots, volumes from an
 * image, a snapshot or another volume.
 *
 * Quotas as Cinder's defaults, per project: 10 volumes, 1,000 GiB
 * (413 overLimit). Volume types: the one default type.
 * Control threads only; each call runs its own transaction.
 */
#ifndef CP_VOLUME_H
#define CP_VOLUME_H

#include "../core/resource.h"

#define CP_VOLUME_QUOTA_VOLUMES 10
#define CP_VOLUME_QUOTA_GIGABYTES 1000
#define CP_VOLUME_MAX_GB 16384

/* The default volume type, as Cinder's __DEFAULT__ (a new reference). */
json_t *cp_volume_default_type(void);

int cp_volume_create(struct cp_ctx *ctx, const json_t *req, const char *store, json_t **out);
/* Every volume of the caller's project, oldest first (an admin's: all with all_tenants). */
int cp_volume_list(struct cp_ctx *ctx, bool all_tenants, json_t **out);
int cp_volume_show(struct cp_ctx *ctx, const char *id, json_t **out);
/* name, description, metadata. */
int cp_volume_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out);
/* Its metadata: merged with set (replaced by it when replace), or key unset
 * (-ENOENT when absent); *out the metadata after (a new reference). */
int cp_volume_metadata(struct cp_ctx *ctx, const char *id, const json_t *set, bool replace,
		const char *unset, json_t **out);
/* To new_gb, larger than its size (else -EINVAL); an available volume only. */
int cp_volume_extend(struct cp_ctx *ctx, const char *id, json_int_t new_gb, const char *store);
int cp_volume_delete(struct cp_ctx *ctx, const char *id, const char *store);

#endif
