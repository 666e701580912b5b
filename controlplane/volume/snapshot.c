/* SPDX-License-Identifier: Apache-2.0 */
/* Cinder v3 snapshots, made by their volume's driver (see volume.h, volume_driver.h). */
#include "volume.h"
#include "volume_driver.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define KIND "volume_snapshot"
#define OWNER "os-extended-snapshot-attributes:project_id"

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Snapshot %s could not be found.", id);
}

int cp_snapshot_create(struct cp_ctx *ctx, const json_t *req, const char *store, json_t **out)
{
	const char *vol_id = cp_json_str(req, "volume_id"), *name = cp_json_str(req, "name");
	const json_t *meta = json_object_get(req, "metadata");
	const struct cp_volume_driver *drv;
	char id[CP_ID_LEN], now[32];
	json_int_t gb;
	json_t *vol, *s;
	int rc;

	if (!vol_id)
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "volume_id is required");
	if ((name && strlen(name) > 255) || (meta && !json_is_object(meta)))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: a name of at most 255 characters, metadata an object");
	vol = cp_volume_load(ctx, "volume", vol_id);
	if (vol == NULL)
		return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Volume %s could not be found.",
				vol_id);
	if (strcmp(cp_json_str(vol, "status"), "available") != 0) {
		json_decref(vol);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume %s status must be available.", vol_id);
	}
	rc = cp_volume_driver_check(ctx, vol, &drv);
	if (rc) {
		json_decref(vol);
		return rc;
	}
	gb = json_integer_value(json_object_get(vol, "size"));
	cp_uuid(id, true);
	cp_time_iso(now, cp_now());
	s = json_pack("{s:s, s:O?, s:O?, s:s, s:I, s:s, s:s, s:n, s:o, s:s, s:s}", "id", id, "name",
			json_object_get(req, "name"), "description", json_object_get(req, "description"),
			"volume_id", vol_id, "size", gb, "status", "available", "created_at", now,
			"updated_at", "metadata", meta ? json_incref((json_t *)meta) : json_object(),
			"progress", "100%", OWNER, cp_json_str(vol, "os-vol-tenant-attr:tenant_id"));
	json_decref(vol);
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = cp_volume_quota(ctx, cp_json_str(s, OWNER), 0, 1, gb, NULL);
		if (rc == 0 && cp_obj_put(ctx->db, KIND, s, cp_json_str(s, OWNER), vol_id, false))
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the snapshot");
		if (rc == 0 && drv->snapshot_create(store, id, vol_id, (uint64_t)gb) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not copy the volume");
		if (rc == 0 && cp_db_commit(ctx->db) != 0) {
			drv->snapshot_delete(store, id);
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the snapshot");
		}
		if (rc)
			cp_db_rollback(ctx->db);
	} else {
		rc = cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	}
	json_object_del(s, "revision_number");
	if (rc) {
		json_decref(s);
		return rc;
	}
	*out = s;
	return 0;
}

int cp_snapshot_list(struct cp_ctx *ctx, bool all_tenants, json_t **out)
{
	return cp_volume_list_kind(ctx, KIND, all_tenants, out);
}

int cp_snapshot_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = cp_volume_load(ctx, KIND, id);
	return *out ? 0 : not_found(ctx, id);
}

int cp_snapshot_delete(struct cp_ctx *ctx, const char *id, const char *store)
{
	const struct cp_volume_driver *drv;
	json_t *s = cp_volume_load(ctx, KIND, id), *vol;
	int rc;

	if (s == NULL)
		return not_found(ctx, id);
	/* Its volume's driver made it (the volume stays while it has snapshots). */
	vol = cp_volume_load(ctx, "volume", cp_json_str(s, "volume_id") ?: "");
	json_decref(s);
	rc = cp_volume_driver_check(ctx, vol, &drv);
	json_decref(vol);
	if (rc)
		return rc;
	rc = cp_obj_del_tx(ctx->db, KIND, id);
	if (rc)
		return cp_fail(&ctx->err, -EIO, "computeFault", "could not delete the snapshot");
	drv->snapshot_delete(store, id); /* after the commit, as a volume's delete */
	return 0;
}
