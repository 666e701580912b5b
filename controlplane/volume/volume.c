/* SPDX-License-Identifier: Apache-2.0 */
/* Cinder v3 volumes, their bytes kept by a driver: see volume.h, volume_driver.h. */
#include "volume.h"
#include "volume_driver.h"
#include "volume_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "volume"
#define DEFAULT_TYPE_ID "0d6a7f3c-3b1e-4c8a-9a0e-5f0c1c1a0b01"

json_t *cp_volume_default_type(void)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:{s:s}, s:n, s:n}", "id", DEFAULT_TYPE_ID, "name",
			"__DEFAULT__", "description", "Default Volume Type", "is_public", 1,
			"extra_specs", "volume_backend_name", "file", "qos_specs_id",
			"os-volume-type-access:is_public");
}

int cp_volume_driver_check(struct cp_ctx *ctx, const json_t *v,
		const struct cp_volume_driver **drv)
{
	/* No row (a snapshot's volume gone): the default driver, the one there was. */
	*drv = v ? cp_volume_driver_of(v) : cp_volume_driver_named(NULL);
	if (*drv)
		return 0;
	return cp_fail(&ctx->err, -EINVAL, "badRequest",
			"Invalid volume: %s is on host %s, whose backend this controller does not "
			"run.",
			cp_json_str(v, "id") ?: "?", cp_json_str(v, "os-vol-host-attr:host") ?: "?");
}

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Volume %s could not be found.", id);
}

json_t *cp_volume_load(struct cp_ctx *ctx, const char *kind, const char *id)
{
	json_t *v;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	v = cp_obj_get(ctx->db, kind, id);
	cp_db_commit(ctx->db);
	if (v && !cp_volume_visible(ctx, v)) {
		json_decref(v);
		return NULL;
	}
	if (v)
		json_object_del(v, "revision_number");
	return v;
}

static json_t *load(struct cp_ctx *ctx, const char *id)
{
	return cp_volume_load(ctx, KIND, id);
}

/* Writes v (the caller's transaction is open). */
static int store_row(struct cp_ctx *ctx, json_t *v)
{
	int rc = cp_obj_put(ctx->db, KIND, v, cp_json_str(v, "os-vol-tenant-attr:tenant_id"),
			NULL, false);

	json_object_del(v, "revision_number");
	return rc;
}

/* The project's volumes, snapshots and gigabytes with add_* more: past Cinder's
 * defaults, -EMSGSIZE, which errors.c answers 413, as Cinder answers an
 * exceeded quota (Neutron's OverQuota, -EDQUOT, is 409). Snapshots' sizes
 * count in the gigabytes, as Cinder counts them. */
int cp_volume_quota(struct cp_ctx *ctx, const char *project, json_int_t add_volumes,
		json_int_t add_snapshots, json_int_t add_gb, const char *except_id)
{
	json_int_t n[2] = {add_volumes, add_snapshots}, gb = add_gb;
	static const char *const kinds[2] = {KIND, "volume_snapshot"};

	for (int k = 0; k < 2; k++) {
		json_t *all = cp_obj_list(ctx->db, kinds[k], project, false, NULL, 0), *v;
		size_t i;

		json_array_foreach(all, i, v)
		{
			if (except_id && strcmp(cp_json_str(v, "id"), except_id) == 0)
				continue;
			n[k]++;
			gb += json_integer_value(json_object_get(v, "size"));
		}
		json_decref(all);
	}
	if (n[0] > CP_VOLUME_QUOTA_VOLUMES)
		return cp_fail(&ctx->err, -EMSGSIZE, "overLimit",
				"VolumeLimitExceeded: Maximum number of volumes allowed (%d) "
				"exceeded",
				CP_VOLUME_QUOTA_VOLUMES);
	if (n[1] > CP_VOLUME_QUOTA_SNAPSHOTS)
		return cp_fail(&ctx->err, -EMSGSIZE, "overLimit",
				"SnapshotLimitExceeded: Maximum number of snapshots allowed (%d) "
				"exceeded",
				CP_VOLUME_QUOTA_SNAPSHOTS);
	if (gb > CP_VOLUME_QUOTA_GIGABYTES)
		return cp_fail(&ctx->err, -EMSGSIZE, "overLimit",
				"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot "
				"exceeds allowed gigabytes quota. Requested %lldG, quota is %dG.",
				(long long)add_gb, CP_VOLUME_QUOTA_GIGABYTES);
	return 0;
}

static bool str_or_null(const json_t *req, const char *key)
{
	const json_t *v = json_object_get(req, key);

	return v == NULL || json_is_null(v) || (json_is_string(v) && json_string_length(v) <= 255);
}

int cp_volume_create(struct cp_ctx *ctx, const json_t *req, const char *store,
		const char *image_dir, json_t **out)
{
	const json_t *size = json_object_get(req, "size"), *meta = json_object_get(req, "metadata");
	const char *type = cp_json_str(req, "volume_type");
	char id[CP_ID_LEN], now[32];
	json_int_t gb;
	json_t *v;
	int rc;
	const char *snap_id = cp_json_str(req, "snapshot_id"), *src_id = cp_json_str(req, "source_volid"),
		   *image_id = cp_json_str(req, "imageRef");
	struct cp_volume_image image;
	const struct cp_volume_driver *drv = NULL;
	bool from_source = image_id || snap_id || src_id;
	char host[128];
	json_int_t min_gb = 1;

	if (image_id && (snap_id || src_id))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: one source at most (image, snapshot or volume).");
	if (image_id) {
		rc = cp_volume_image_source(ctx, image_id, image_dir, &image);
		if (rc)
			return rc;
		min_gb = (json_int_t)((image.virtual_bytes + (1ull << 30) - 1) >> 30);
		if (min_gb < 1)
			min_gb = 1;
	}
	for (const char *const *k = (const char *const[]){"backup_id", NULL}; *k; k++)
		if (json_object_get(req, *k) && !json_is_null(json_object_get(req, *k)))
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
					"Creating a volume from %s is not supported yet.", *k);
	if (snap_id || src_id) {
		/* A copy of an available snapshot or volume of the caller's, at least its
		 * size, by the source's driver (a clone stays on its backend). */
		json_t *src = cp_volume_load(ctx, snap_id ? "volume_snapshot" : KIND,
				snap_id ? snap_id : src_id), *of;

		if (src == NULL)
			return cp_fail(&ctx->err, -EINVAL, "badRequest", "Invalid input: %s %s not found.",
					snap_id ? "snapshot" : "volume", snap_id ? snap_id : src_id);
		if (strcmp(cp_json_str(src, "status"), "available") != 0) {
			json_decref(src);
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
					"Invalid input: the source must be available.");
		}
		min_gb = json_integer_value(json_object_get(src, "size"));
		of = snap_id ? cp_volume_load(ctx, KIND, cp_json_str(src, "volume_id") ?: "") :
			       json_incref(src);
		json_decref(src);
		rc = cp_volume_driver_check(ctx, of, &drv);
		json_decref(of);
		if (rc)
			return rc;
	}
	if (json_is_string(size))
		gb = strtoll(json_string_value(size), NULL, 10);
	else if ((size == NULL || json_is_null(size)) && from_source)
		gb = min_gb; /* Cinder: the source's size */
	else
		gb = json_is_integer(size) ? json_integer_value(size) : 0;
	if (from_source && gb < min_gb)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: Volume size %lldGB cannot be smaller than "
				"the source's size %lldGB.",
				(long long)gb, (long long)min_gb);
	if (gb < 1 || gb > CP_VOLUME_MAX_GB)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: Volume size '%s' must be an integer and "
				"greater than 0 (at most %d).",
				size && json_is_integer(size) ? "given" : "missing", CP_VOLUME_MAX_GB);
	if (!str_or_null(req, "name") || !str_or_null(req, "description") ||
			(meta && !json_is_object(meta)))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: name and description are strings of at most 255 "
				"characters, metadata an object.");
	if (type && strcmp(type, "__DEFAULT__") && strcmp(type, DEFAULT_TYPE_ID))
		return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Volume type %s could not be found.",
				type);
	if (drv == NULL) {
		json_t *t = cp_volume_default_type();

		drv = cp_volume_driver_for_type(t);
		json_decref(t);
		if (drv == NULL)
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
					"Invalid input: no valid backend for the volume type.");
	}
	cp_volume_driver_host(drv, host, sizeof(host));
	cp_uuid(id, true);
	cp_time_iso(now, cp_now());
	v = json_pack("{s:s, s:O?, s:O?, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:[], s:o, s:s, s:n, "
		      "s:s, s:s, s:n, s:n, s:n, s:n, s:s}",
			"id", id, "name", json_object_get(req, "name"), "description",
			json_object_get(req, "description"), "size", gb, "status", "available",
			"volume_type", "__DEFAULT__", "availability_zone", "nova", "bootable", "false",
			"encrypted", 0, "multiattach", 0, "attachments", "metadata",
			meta ? json_incref((json_t *)meta) : json_object(), "created_at", now, "updated_at",
			"os-vol-tenant-attr:tenant_id", ctx->caller->project_id, "user_id",
			ctx->caller->user_id, "snapshot_id", "source_volid", "consistencygroup_id",
			"replication_status", "os-vol-host-attr:host", host);
	if (v == NULL)
		return cp_fail(&ctx->err, -ENOMEM, "computeFault", "out of memory");
	if (image_id) {
		json_object_set_new(v, "bootable", json_string("true"));
		json_object_set_new(v, "volume_image_metadata",
				json_pack("{s:s}", "image_id", image_id));
	}
	if (snap_id)
		json_object_set_new(v, "snapshot_id", json_string(snap_id));
	if (src_id)
		json_object_set_new(v, "source_volid", json_string(src_id));
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = cp_volume_quota(ctx, ctx->caller->project_id, 1, 0, gb, NULL);
		if (rc == 0 && (rc = store_row(ctx, v)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
		/* The bytes last, inside the transaction: a refused or failed create
		 * leaves neither a row nor the driver's volume. */
		if (rc == 0) {
			uint64_t size_gb = (uint64_t)gb;

			rc = image_id ? drv->create_from_image(store, id, &image, size_gb) :
			     snap_id  ? drv->create_from_snapshot(store, id, snap_id, size_gb) :
			     src_id   ? drv->create_from_volume(store, id, src_id, size_gb) :
					drv->create(store, id, size_gb);
			if (rc)
				rc = cp_fail(&ctx->err, -EIO, "computeFault",
						"could not make the volume on backend %s", drv->name);
		}
		if (rc == 0 && (rc = cp_db_commit(ctx->db)) != 0) {
			drv->delete(store, id);
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
		}
		if (rc)
			cp_db_rollback(ctx->db);
	} else {
		rc = cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	}
	if (rc) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

int cp_volume_list_kind(struct cp_ctx *ctx, const char *kind, bool all_tenants, json_t **out)
{
	json_t *all;
	size_t i;
	json_t *v;

	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	all = cp_obj_list(ctx->db, kind,
			all_tenants && ctx->caller->is_admin ? NULL : ctx->caller->project_id, false,
			NULL, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, v) json_object_del(v, "revision_number");
	*out = all;
	return 0;
}

int cp_volume_list(struct cp_ctx *ctx, bool all_tenants, json_t **out)
{
	return cp_volume_list_kind(ctx, KIND, all_tenants, out);
}

int cp_volume_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = load(ctx, id);
	return *out ? 0 : not_found(ctx, id);
}

/* The caller's volume into *vp, or the 404 (for a change the caller then stores). */
static int load_or_fail(struct cp_ctx *ctx, const char *id, json_t **vp)
{
	json_t *v = load(ctx, id);

	if (v == NULL)
		return not_found(ctx, id);
	*vp = v;
	return 0;
}

int cp_volume_metadata(struct cp_ctx *ctx, const char *id, const json_t *set, bool replace,
		const char *unset, json_t **out)
{
	const char *key;
	const json_t *val;
	json_t *v = NULL, *meta, *req;
	int rc;

	if (set != NULL) {
		if (!json_is_object(set))
			return cp_fail(&ctx->err, -EINVAL, "badRequest", "Malformed metadata");
		json_object_foreach((json_t *)set, key, val)
			if (!*key || strlen(key) > 255 || !json_is_string(val) ||
					json_string_length(val) > 255)
				return cp_fail(&ctx->err, -EINVAL, "badRequest",
						"Invalid metadata: keys and values are strings of 1 "
						"to 255 characters.");
	}
	rc = load_or_fail(ctx, id, &v);
	if (rc)
		return rc;
	meta = json_deep_copy(json_object_get(v, "metadata"));
	json_decref(v);
	if (!json_is_object(meta)) {
		json_decref(meta);
		meta = json_object();
	}
	if (replace)
		json_object_clear(meta);
	if (set)
		json_object_update(meta, (json_t *)set);
	if (unset && json_object_del(meta, unset) != 0) {
		json_decref(meta);
		return cp_fail(&ctx->err, -ENOENT, "itemNotFound",
				"Volume %s has no metadata with key %s.", id, unset);
	}
	req = json_pack("{s:o}", "metadata", meta);
	rc = cp_volume_update(ctx, id, req, &v);
	if (rc == 0) {
		*out = json_incref(json_object_get(v, "metadata"));
		json_decref(v);
	}
	json_decref(req);
	return rc;
}

int cp_volume_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out)
{
	const json_t *meta = json_object_get(req, "metadata");
	char now[32];
	json_t *v = NULL;
	int rc;

	if (!str_or_null(req, "name") || !str_or_null(req, "description") ||
			(meta && !json_is_object(meta)))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: name and description are strings of at most 255 "
				"characters, metadata an object.");
	if (!str_or_null(req, "display_name") || !str_or_null(req, "display_description"))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: names and descriptions are strings of at most 255 "
				"characters.");
	rc = load_or_fail(ctx, id, &v);
	if (rc)
		return rc;
	/* Cinder takes the v1 names too, as cinderclient still sends them. */
	for (const char *const *k = (const char *const[]){"name", "description", NULL}; *k; k++) {
		char v1[32];

		snprintf(v1, sizeof(v1), "display_%s", *k);
		if (json_object_get(req, *k))
			json_object_set(v, *k, json_object_get(req, *k));
		else if (json_object_get(req, v1))
			json_object_set(v, *k, json_object_get(req, v1));
	}
	if (meta)
		json_object_set(v, "metadata", (json_t *)meta);
	cp_time_iso(now, cp_now());
	json_object_set_new(v, "updated_at", json_string(now));
	rc = cp_obj_put_tx(ctx->db, KIND, v, cp_json_str(v, "os-vol-tenant-attr:tenant_id"), NULL,
			false);
	json_object_del(v, "revision_number");
	if (rc) {
		json_decref(v);
		return cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
	}
	*out = v;
	return 0;
}

int cp_volume_extend(struct cp_ctx *ctx, const char *id, json_int_t new_gb, const char *store,
		bool in_use_ok, char server_id[CP_ID_LEN])
{
	const struct cp_volume_driver *drv = NULL;
	const char *status;
	json_int_t size;
	json_t *v = NULL;
	int rc = load_or_fail(ctx, id, &v);

	if (rc)
		return rc;
	server_id[0] = '\0';
	size = json_integer_value(json_object_get(v, "size"));
	status = cp_json_str(v, "status") ?: "";
	if (strcmp(status, "available") != 0 && !(in_use_ok && strcmp(status, "in-use") == 0))
		rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume status must be %s to extend, currently %s.",
				in_use_ok ? "'available' or 'in-use'" : "available", status);
	else if (new_gb <= size || new_gb > CP_VOLUME_MAX_GB)
		rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: New size for extend must be greater than "
				"current size. (current: %lld, extended: %lld).",
				(long long)size, (long long)new_gb);
	if (rc == 0)
		rc = cp_volume_driver_check(ctx, v, &drv);
	if (rc == 0 && (rc = cp_db_begin(ctx->db, true)) == 0) {
		rc = cp_volume_quota(ctx, cp_json_str(v, "os-vol-tenant-attr:tenant_id"), 0, 0, new_gb,
				id);
		json_object_set_new(v, "size", json_integer(new_gb));
		if (rc == 0 && (rc = store_row(ctx, v)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
		if (rc == 0 && (rc = drv->extend(store, id, (uint64_t)new_gb)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not grow the volume");
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc) {
			cp_db_rollback(ctx->db);
			/* (A volume grown before a failed commit is larger than its row
			 * says; the next extend sets it again.) */
		}
	}
	/* Attached: whose guest is to see the new size (the caller tells its compute). */
	if (rc == 0 && strcmp(status, "in-use") == 0)
		snprintf(server_id, CP_ID_LEN, "%s",
				cp_json_str(json_array_get(json_object_get(v, "attachments"), 0),
						"server_id") ?: "");
	json_decref(v);
	return rc;
}

json_t *cp_volume_connection(struct cp_ctx *ctx, const char *id, const char *store)
{
	json_t *v = cp_obj_get(ctx->db, KIND, id), *conn = NULL;
	const struct cp_volume_driver *drv;

	if (v == NULL)
		not_found(ctx, id);
	else if (cp_volume_driver_check(ctx, v, &drv) == 0 &&
			(conn = drv->connection(store, id)) == NULL)
		cp_fail(&ctx->err, -ENOMEM, "computeFault", "out of memory");
	json_decref(v);
	return conn;
}

/* Inside a transaction: whether some snapshot is of volume id. */
static bool has_snapshots(struct cp_ctx *ctx, const char *id)
{
	json_t *all = cp_obj_list(ctx->db, "volume_snapshot", NULL, false, id, 0);
	bool any = json_array_size(all) > 0;

	json_decref(all);
	return any;
}

int cp_volume_delete(struct cp_ctx *ctx, const char *id, const char *store)
{
	const struct cp_volume_driver *drv;
	json_t *v = NULL;
	int rc = load_or_fail(ctx, id, &v);

	if (rc)
		return rc;
	/* Attaching and detaching too: the node may have the file open. */
	if (json_array_size(json_object_get(v, "attachments")) > 0 ||
			(strcmp(cp_json_str(v, "status"), "available") &&
					strcmp(cp_json_str(v, "status"), "error"))) {
		json_decref(v);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume status must be available or error or "
				"error_restoring or error_extending or error_managing and must not be "
				"migrating, attached, belong to a group, have snapshots, awaiting a "
				"transfer, or be disassociated from snapshots after volume transfer.");
	}
	rc = cp_volume_driver_check(ctx, v, &drv);
	json_decref(v);
	if (rc)
		return rc;
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0 && has_snapshots(ctx, id)) {
		cp_db_rollback(ctx->db);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume %s has snapshots: delete them first.", id);
	}
	if (rc == 0) {
		rc = cp_obj_del(ctx->db, KIND, id);
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc)
			cp_db_rollback(ctx->db);
	}
	if (rc)
		return cp_fail(&ctx->err, -EIO, "computeFault", "could not delete the volume");
	/* After the commit: a crash in between leaves the bytes, never a row without them. */
	drv->delete(store, id);
	return 0;
}
