/* SPDX-License-Identifier: Apache-2.0 */
#include "image.h"
#include "image_format.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Attributes the server owns: a create that names them is refused (Glance:
 * "Attribute 'x' is read-only"). */
static const char *const read_only[] = {"id", "status", "size", "virtual_size", "checksum",
                "os_hash_algo", "os_hash_value", "created_at", "updated_at", "file", "self",
                "schema", "owner", "direct_url", "locations"};

static bool is_read_only(const char *key)
{
	for (size_t i = 0; i < sizeof(read_only) / sizeof(read_only[0]); i++)
		if (strcmp(key, read_only[i]) == 0)
			return true;
	return false;
}

static bool visibility_ok(const char *v)
{
	return strcmp(v, "public") == 0 || strcmp(v, "private") == 0 || strcmp(v, "shared") == 0 ||
	       strcmp(v, "community") == 0;
}

static bool row_public(const json_t *img)
{
	const char *v = cp_json_str(img, "visibility");

	return v && (strcmp(v, "public") == 0 || strcmp(v, "community") == 0);
}

static int check_fields(struct cp_ctx *ctx, const json_t *req)
{
	const char *key, *df, *cf, *vis;
	const json_t *v;

	json_object_foreach((json_t *)req, key, v)
	{
		if (is_read_only(key))
			return cp_fail(&ctx->err, -EPERM, "Forbidden",
			                "Attribute '%s' is read-only.", key);
		if (strlen(key) > 255 || (json_is_string(v) && json_string_length(v) > 255))
			return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			                "Attribute '%s' is longer than 255 characters", key);
	}
	df = cp_json_str(req, "disk_format");
	cf = cp_json_str(req, "container_format");
	vis = cp_json_str(req, "visibility");
	if (json_object_get(req, "disk_format") && (!df || !cp_image_disk_format_known(df)))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Invalid disk format '%s' for image.", df ? df : "");
	if (json_object_get(req, "container_format") &&
	                (!cf || (strcmp(cf, "bare") && strcmp(cf, "ovf") && strcmp(cf, "ova") &&
	                                        strcmp(cf, "aki") && strcmp(cf, "ari") &&
	                                        strcmp(cf, "ami") && strcmp(cf, "docker") &&
	                                        strcmp(cf, "compressed"))))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Invalid container format '%s' for image.", cf ? cf : "");
	if (json_object_get(req, "visibility") && (!vis || !visibility_ok(vis)))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest", "Invalid visibility value: %s",
		                vis ? vis : "");
	if (vis && strcmp(vis, "public") == 0 && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "You are not authorized to complete publicize_image action.");
	if ((v = json_object_get(req, "protected")) && !json_is_boolean(v))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest", "Invalid value for protected");
	if ((v = json_object_get(req, "tags")) && !json_is_array(v))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest", "Invalid value for tags");
	for (const char *const *k = (const char *const[]){"min_disk", "min_ram", NULL}; *k; k++)
		if ((v = json_object_get(req, *k)) &&
		                (!json_is_integer(v) || json_integer_value(v) < 0))
			return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			                "Invalid value for %s: a non-negative integer", *k);
	return 0;
}

int cp_image_create(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	char id[CP_ID_LEN], now[32];
	json_t *img;
	int rc;

	if (!ctx->caller->project_id[0])
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "A project-scoped token is required.");
	if (!json_is_object(req))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest", "Body must be a JSON object.");
	if ((rc = check_fields(ctx, req)))
		return rc;
	cp_uuid(id, true);
	cp_time_iso(now, cp_now());
	img = json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:[], "
	                "s:s, s:s, s:s, s:s}",
	                "id", id, "status", "queued", "visibility", "shared", "protected", 0,
	                "min_disk", 0, "min_ram", 0, "name", "disk_format", "container_format",
	                "size", "virtual_size", "checksum", "os_hash_algo", "tags", "owner",
	                ctx->caller->project_id, "created_at", now, "updated_at", now,
	                "os_hash_value", "");
	json_object_set_new(img, "os_hash_value", json_null());
	json_object_update(img, (json_t *)req);
	rc = cp_db_begin(ctx->db, true);
	if (rc == 0) {
		rc = cp_obj_put(ctx->db, "image", img, ctx->caller->project_id, NULL,
		                row_public(img));
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc)
			cp_db_rollback(ctx->db);
	}
	if (rc) {
		json_decref(img);
		return cp_fail(&ctx->err, -EIO, "InternalError", "could not store the image");
	}
	json_object_del(img, "revision_number");
	*out = img;
	return 0;
}

static bool visible(const struct cp_caller *c, const json_t *img)
{
	const char *owner = cp_json_str(img, "owner");

	return c->is_admin || row_public(img) || (owner && strcmp(owner, c->project_id) == 0);
}

static json_t *load(struct cp_ctx *ctx, const char *id)
{
	json_t *img;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	img = cp_obj_get(ctx->db, "image", id);
	cp_db_commit(ctx->db);
	if (img && !visible(ctx->caller, img)) {
		json_decref(img);
		return NULL;
	}
	if (img)
		json_object_del(img, "revision_number");
	return img;
}

int cp_image_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = load(ctx, id);
	if (!*out)
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	return 0;
}

int cp_image_list(struct cp_ctx *ctx, json_t **out)
{
	json_t *all, *img, *res = json_array();
	size_t i;

	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	all = cp_obj_list(ctx->db, "image", NULL, false, NULL, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, img) if (visible(ctx->caller, img))
	{
		json_object_del(img, "revision_number");
		json_array_append(res, img);
	}
	json_decref(all);
	*out = res;
	return 0;
}

int cp_image_delete(struct cp_ctx *ctx, const char *id, const char *store_dir)
{
	json_t *img = load(ctx, id);
	char path[PATH_MAX];
	const char *owner;
	int rc;

	if (!img)
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	owner = cp_json_str(img, "owner");
	if (!ctx->caller->is_admin && !(owner && strcmp(owner, ctx->caller->project_id) == 0))
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "You are not permitted to delete image %s.", id);
	else if (cp_json_bool(img, "protected", false))
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "Image %s is protected and cannot be deleted.", id);
	else if ((rc = cp_db_begin(ctx->db, true)) == 0) {
		rc = cp_obj_del(ctx->db, "image", id);
		rc = rc ? rc : cp_db_commit(ctx->db);
		if (rc)
			cp_db_rollback(ctx->db);
		if (rc)
			rc = cp_fail(&ctx->err, -EIO, "InternalError",
			                "could not delete the image");
		else if (cp_image_path(store_dir, id, path) == 0)
			unlink(path);
	}
	json_decref(img);
	return rc;
}

/* Writes img back (its status or digest changed). */
static int store(struct cp_ctx *ctx, json_t *img)
{
	char now[32];
	int rc;

	cp_time_iso(now, cp_now());
	json_object_set_new(img, "updated_at", json_string(now));
	if ((rc = cp_db_begin(ctx->db, true)))
		return rc;
	rc = cp_obj_put(ctx->db, "image", img, cp_json_str(img, "owner"), NULL, row_public(img));
	rc = rc ? rc : cp_db_commit(ctx->db);
	if (rc)
		cp_db_rollback(ctx->db);
	json_object_del(img, "revision_number");
	return rc;
}

static int set_status(struct cp_ctx *ctx, const char *id, const char *status)
{
	json_t *img = load(ctx, id);
	int rc;

	if (!img)
		return -ENOENT;
	json_object_set_new(img, "status", json_string(status));
	rc = store(ctx, img);
	json_decref(img);
	return rc;
}

int cp_image_upload_start(struct cp_ctx *ctx, const char *id, const char *store_dir,
                struct cp_image_upload *u)
{
	json_t *img = load(ctx, id);
	const char *owner, *status, *df;
	int rc;

	u->fd = -1;
	u->tmp_path[0] = '\0';
	if (!img)
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	owner = cp_json_str(img, "owner");
	status = cp_json_str(img, "status");
	df = cp_json_str(img, "disk_format");
	if (!ctx->caller->is_admin && !(owner && strcmp(owner, ctx->caller->project_id) == 0))
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "You are not permitted to upload data for image %s.", id);
	else if (!status || strcmp(status, "queued") != 0)
		rc = cp_fail(&ctx->err, -EBUSY, "Conflict",
		                "Image status transition from %s to saving is not allowed",
		                status ? status : "?");
	else if (!df || !json_is_string(json_object_get(img, "container_format")))
		rc = cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Properties disk_format, container_format must be set prior to "
		                "saving data.");
	else if ((rc = cp_image_upload_begin(u, store_dir, id, df)))
		rc = cp_fail(&ctx->err, rc, "InternalError", "cannot open the image store");
	else {
		json_object_set_new(img, "status", json_string("saving"));
		if ((rc = store(ctx, img))) {
			cp_image_upload_abort(u);
			rc = cp_fail(&ctx->err, -EIO, "InternalError", "could not store the image");
		}
	}
	json_decref(img);
	return rc;
}

int cp_image_upload_done(struct cp_ctx *ctx, const char *id, struct cp_image_upload *u)
{
	struct cp_image_digest d;
	json_t *img;
	int rc = cp_image_upload_finish(u, &d);

	if (rc == -EINVAL) {
		set_status(ctx, id, "queued");
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Image data does not match disk_format %s", u->disk_format);
	}
	if (rc) {
		set_status(ctx, id, "queued");
		return cp_fail(&ctx->err, rc == -ENOSPC ? -EMSGSIZE : -EIO, "InternalError",
		                "could not write the image data");
	}
	img = load(ctx, id);
	if (!img) { /* deleted while uploading: its file must not outlive it */
		unlink(u->final_path);
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	}
	json_object_set_new(img, "status", json_string("active"));
	json_object_set_new(img, "size", json_integer((json_int_t)d.size));
	json_object_set_new(img, "checksum", json_string(d.checksum));
	json_object_set_new(img, "os_hash_algo", json_string("sha512"));
	json_object_set_new(img, "os_hash_value", json_string(d.os_hash_value));
	rc = store(ctx, img);
	json_decref(img);
	return rc ? cp_fail(&ctx->err, -EIO, "InternalError", "could not store the image") : 0;
}

void cp_image_upload_fail(struct cp_ctx *ctx, const char *id, struct cp_image_upload *u)
{
	cp_image_upload_abort(u);
	set_status(ctx, id, "queued");
}

int cp_image_file(struct cp_ctx *ctx, const char *id, const char *store_dir, char *path)
{
	json_t *img = load(ctx, id);
	const char *status = cp_json_str(img, "status");
	int rc = 0;

	if (!img)
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	if (!status || strcmp(status, "active") != 0)
		rc = cp_fail(&ctx->err, -ENOENT, "NotFound", "The requested image has no data.");
	else if (cp_image_path(store_dir, id, path))
		rc = cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	json_decref(img);
	return rc;
}

/* One JSON-patch operation (RFC 6902, as Glance's v2.1 media type uses it:
 * add/replace/remove on top-level "/attr"). */
static int apply_op(struct cp_ctx *ctx, json_t *img, const json_t *op)
{
	const char *kind = cp_json_str(op, "op"), *path = cp_json_str(op, "path");
	const json_t *value = json_object_get(op, "value");
	json_t *one;
	int rc;

	if (!kind || !path || path[0] != '/' || !path[1] || strchr(path + 1, '/'))
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Invalid JSON pointer for this resource");
	path++;
	if (is_read_only(path))
		return cp_fail(&ctx->err, -EPERM, "Forbidden", "Attribute '%s' is read-only.",
		                path);
	if (strcmp(kind, "remove") == 0) {
		if (!json_object_get(img, path))
			return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			                "Property %s does not exist.", path);
		json_object_del(img, path);
		return 0;
	}
	if ((strcmp(kind, "add") && strcmp(kind, "replace")) || !value)
		return cp_fail(&ctx->err, -EINVAL, "BadRequest", "Invalid operation: %s", kind);
	one = json_pack("{s:O}", path, value);
	rc = check_fields(ctx, one);
	json_decref(one);
	if (rc)
		return rc;
	json_object_set(img, path, (json_t *)value);
	return 0;
}

int cp_image_update(struct cp_ctx *ctx, const char *id, const json_t *ops, json_t **out)
{
	json_t *img = load(ctx, id);
	const json_t *op;
	const char *owner;
	size_t i;
	int rc = 0;

	if (!img)
		return cp_fail(&ctx->err, -ENOENT, "NotFound", "No image found with ID %s", id);
	owner = cp_json_str(img, "owner");
	if (!ctx->caller->is_admin && !(owner && strcmp(owner, ctx->caller->project_id) == 0))
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
		                "You are not permitted to modify image %s.", id);
	else if (!json_is_array(ops))
		rc = cp_fail(&ctx->err, -EINVAL, "BadRequest",
		                "Request body must be a JSON array of operation objects.");
	json_array_foreach(ops, i, op) if (!rc) rc =
	                json_is_object(op) ? apply_op(ctx, img, op)
	                                   : cp_fail(&ctx->err, -EINVAL, "BadRequest",
	                                                     "Operations must be JSON objects.");
	if (!rc && store(ctx, img))
		rc = cp_fail(&ctx->err, -EIO, "InternalError", "could not store the image");
	if (rc) {
		json_decref(img);
		return rc;
	}
	*out = img;
	return 0;
}
