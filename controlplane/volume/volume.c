/* SPDX-License-Identifier: Apache-2.0 */
/* Cinder v3 volumes on the file driver: see volume.h. */
#include "volume.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIND "volume"
#define GIB (1ull << 30)
#define DEFAULT_TYPE_ID "0d6a7f3c-3b1e-4c8a-9a0e-5f0c1c1a0b01"

json_t *cp_volume_default_type(void)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:{}, s:n, s:n}", "id", DEFAULT_TYPE_ID, "name",
			"__DEFAULT__", "description", "Default Volume Type", "is_public", 1,
			"extra_specs", "qos_specs_id", "os-volume-type-access:is_public");
}

static void file_of(char *out, size_t len, const char *store, const char *id)
{
	snprintf(out, len, "%s/%s.raw", store, id);
}

/* The file at the volume's length, created (O_EXCL) or grown; 0 or -errno. */
static int size_file(const char *store, const char *id, uint64_t gb, bool create)
{
	char path[PATH_MAX];
	int fd, rc = 0;

	if (create && mkdir(store, 0700) != 0 && errno != EEXIST)
		return -errno;
	file_of(path, sizeof(path), store, id);
	fd = open(path, O_WRONLY | (create ? O_CREAT | O_EXCL : 0) | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)(gb * GIB)) != 0 || fsync(fd) != 0)
		rc = -errno;
	close(fd);
	if (rc && create)
		unlink(path);
	return rc;
}

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Volume %s could not be found.", id);
}

static json_t *load(struct cp_ctx *ctx, const char *id)
{
	json_t *v;
	const char *owner;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	v = cp_obj_get(ctx->db, KIND, id);
	cp_db_commit(ctx->db);
	owner = v ? cp_json_str(v, "os-vol-tenant-attr:tenant_id") : NULL;
	if (v && !ctx->caller->is_admin && (!owner || strcmp(owner, ctx->caller->project_id))) {
		json_decref(v);
		return NULL;
	}
	if (v)
		json_object_del(v, "revision_number");
	return v;
}

/* Writes v (the caller's transaction is open). */
static int store_row(struct cp_ctx *ctx, json_t *v)
{
	int rc = cp_obj_put(ctx->db, KIND, v, cp_json_str(v, "os-vol-tenant-attr:tenant_id"),
			NULL, false);

	json_object_del(v, "revision_number");
	return rc;
}

/* The project's volumes and gigabytes with `add` more: past Cinder's defaults,
 * -EMSGSIZE, which errors.c answers 413, as Cinder answers an exceeded quota
 * (Neutron's OverQuota, -EDQUOT, is 409). */
static int quota(struct cp_ctx *ctx, const char *project, json_int_t add_volumes,
		json_int_t add_gb, const char *except_id)
{
	json_t *all = cp_obj_list(ctx->db, KIND, project, false, NULL, 0), *v;
	json_int_t n = add_volumes, gb = add_gb;
	size_t i;

	json_array_foreach(all, i, v)
	{
		if (except_id && strcmp(cp_json_str(v, "id"), except_id) == 0)
			continue;
		n++;
		gb += json_integer_value(json_object_get(v, "size"));
	}
	json_decref(all);
	if (n > CP_VOLUME_QUOTA_VOLUMES)
		return cp_fail(&ctx->err, -EMSGSIZE, "overLimit",
				"VolumeLimitExceeded: Maximum number of volumes allowed (%d) "
				"exceeded",
				CP_VOLUME_QUOTA_VOLUMES);
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

int cp_volume_create(struct cp_ctx *ctx, const json_t *req, const char *store, json_t **out)
{
	const json_t *size = json_object_get(req, "size"), *meta = json_object_get(req, "metadata");
	const char *type = cp_json_str(req, "volume_type");
	char id[CP_ID_LEN], now[32];
	json_int_t gb;
	json_t *v;
	int rc;

	for (const char *const *k = (const char *const[]){"snapshot_id", "source_volid", "imageRef",
				 "backup_id", NULL};
			*k; k++)
		if (json_object_get(req, *k) && !json_is_null(json_object_get(req, *k)))
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
					"Creating a volume from %s is not supported yet.", *k);
	if (json_is_string(size))
		gb = strtoll(json_string_value(size), NULL, 10);
	else
		gb = json_is_integer(size) ? json_integer_value(size) : 0;
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
			"replication_status", "os-vol-host-attr:host", "virga@file#file");
	if (v == NULL)
		return cp_fail(&ctx->err, -ENOMEM, "computeFault", "out of memory");
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = quota(ctx, ctx->caller->project_id, 1, gb, NULL);
		if (rc == 0 && (rc = store_row(ctx, v)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
		/* The file last, inside the transaction: a refused or failed create leaves
		 * neither a row nor a file. */
		if (rc == 0 && (rc = size_file(store, id, (uint64_t)gb, true)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not make the volume's file");
		if (rc == 0 && (rc = cp_db_commit(ctx->db)) != 0) {
			char path[PATH_MAX];

			file_of(path, sizeof(path), store, id);
			unlink(path);
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

int cp_volume_list(struct cp_ctx *ctx, bool all_tenants, json_t **out)
{
	json_t *all;
	size_t i;
	json_t *v;

	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	all = cp_obj_list(ctx->db, KIND,
			all_tenants && ctx->caller->is_admin ? NULL : ctx->caller->project_id, false,
			NULL, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, v) json_object_del(v, "revision_number");
	*out = all;
	return 0;
}

int cp_volume_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = load(ctx, id);
	return *out ? 0 : not_found(ctx, id);
}

/* Loads, changes and stores in one write transaction. */
static int modify(struct cp_ctx *ctx, const char *id, json_t **vp)
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
	rc = modify(ctx, id, &v);
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
	rc = modify(ctx, id, &v);
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
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = store_row(ctx, v);
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc)
			cp_db_rollback(ctx->db);
	}
	if (rc) {
		json_decref(v);
		return cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
	}
	*out = v;
	return 0;
}

int cp_volume_extend(struct cp_ctx *ctx, const char *id, json_int_t new_gb, const char *store)
{
	json_int_t size;
	json_t *v = NULL;
	int rc = modify(ctx, id, &v);

	if (rc)
		return rc;
	size = json_integer_value(json_object_get(v, "size"));
	if (strcmp(cp_json_str(v, "status"), "available") != 0)
		rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume status must be available to extend.");
	else if (new_gb <= size || new_gb > CP_VOLUME_MAX_GB)
		rc = cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input received: New size for extend must be greater than "
				"current size. (current: %lld, extended: %lld).",
				(long long)size, (long long)new_gb);
	if (rc == 0 && (rc = cp_db_begin(ctx->db, true)) == 0) {
		rc = quota(ctx, cp_json_str(v, "os-vol-tenant-attr:tenant_id"), 0, new_gb, id);
		json_object_set_new(v, "size", json_integer(new_gb));
		if (rc == 0 && (rc = store_row(ctx, v)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not store the volume");
		if (rc == 0 && (rc = size_file(store, id, (uint64_t)new_gb, false)) != 0)
			rc = cp_fail(&ctx->err, -EIO, "computeFault", "could not grow the volume");
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc) {
			cp_db_rollback(ctx->db);
			/* (A file grown before a failed commit is larger than its row says;
			 * the next extend sets it again.) */
		}
	}
	json_decref(v);
	return rc;
}

int cp_volume_delete(struct cp_ctx *ctx, const char *id, const char *store)
{
	char path[PATH_MAX];
	json_t *v = NULL;
	int rc = modify(ctx, id, &v);

	if (rc)
		return rc;
	if (json_array_size(json_object_get(v, "attachments")) > 0) {
		json_decref(v);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid volume: Volume status must be available or error or "
				"error_restoring or error_extending or error_managing and must not be "
				"migrating, attached, belong to a group, have snapshots, awaiting a "
				"transfer, or be disassociated from snapshots after volume transfer.");
	}
	json_decref(v);
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = cp_obj_del(ctx->db, KIND, id);
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc)
			cp_db_rollback(ctx->db);
	}
	if (rc)
		return cp_fail(&ctx->err, -EIO, "computeFault", "could not delete the volume");
	file_of(path, sizeof(path), store, id);
	unlink(path); /* after the commit: a crash in between leaves a file, never a row without one */
	return 0;
}
