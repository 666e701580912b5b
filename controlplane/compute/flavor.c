/* SPDX-License-Identifier: Apache-2.0 */
/* Nova's flavors and their extra specs: see compute.h. */
#include "compute.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KIND "flavor"

static int forbid(struct cp_ctx *ctx, const char *rule)
{
	return cp_fail(&ctx->err, -EPERM, "forbidden",
			"Policy doesn't allow os_compute_api:%s to be performed.", rule);
}

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Flavor %s could not be found.", id);
}

static bool flavor_public(const json_t *f)
{
	return json_is_true(json_object_get(f, "os-flavor-access:is_public"));
}

/* Writes f in a transaction of its own. */
static int put(struct cp_ctx *ctx, json_t *f)
{
	int rc = cp_obj_put_tx(ctx->db, KIND, f, NULL, NULL, flavor_public(f));

	json_object_del(f, "revision_number");
	return rc ? cp_fail(&ctx->err, -EIO, "computeFault", "could not store the flavor") : 0;
}

/* The flavor the caller may see, a new reference, or NULL. */
static json_t *load(struct cp_ctx *ctx, const char *id)
{
	json_t *f;

	if (cp_db_begin(ctx->db, false))
		return NULL;
	f = cp_obj_get(ctx->db, KIND, id);
	cp_db_commit(ctx->db);
	if (f && !flavor_public(f) && !ctx->caller->is_admin) {
		json_decref(f);
		return NULL;
	}
	if (f)
		json_object_del(f, "revision_number");
	return f;
}

/* A non-negative integer member of req (dflt when absent); -1 when malformed. */
static json_int_t count(const json_t *req, const char *key, json_int_t dflt)
{
	const json_t *v = json_object_get(req, key);

	/* Nova shows no swap as "", and clients send it back so. */
	if (v == NULL || (strcmp(key, "swap") == 0 && json_is_string(v) && json_string_length(v) == 0))
		return dflt;
	return cp_json_count(v); /* the client may send numbers as strings */
}

static json_t *flavor_doc(const char *id, const char *name, json_int_t ram, json_int_t vcpus,
		json_int_t disk, json_int_t ephemeral, json_int_t swap, double rxtx, bool public_)
{
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:f, s:b, s:b, s:{}}", "id", id,
			"name", name, "ram", ram, "vcpus", vcpus, "disk", disk,
			"OS-FLV-EXT-DATA:ephemeral", ephemeral, "swap",
			swap ? json_integer(swap) : json_string(""), "rxtx_factor", rxtx,
			"os-flavor-access:is_public", public_, "OS-FLV-DISABLED:disabled", 0,
			"extra_specs");
}

int cp_flavor_create(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	const char *name = cp_json_str(req, "name"), *id = cp_json_str(req, "id");
	json_int_t ram = count(req, "ram", -1), vcpus = count(req, "vcpus", -1),
		   disk = count(req, "disk", 0),
		   eph = count(req, "OS-FLV-EXT-DATA:ephemeral", 0), swap = count(req, "swap", 0);
	const json_t *pub = json_object_get(req, "os-flavor-access:is_public"),
		     *rxtx = json_object_get(req, "rxtx_factor");
	char uuid[CP_ID_LEN];
	json_t *f, *all;
	size_t i;
	int rc;

	if (!ctx->caller->is_admin)
		return forbid(ctx, "os-flavor-manage:create");
	if (!name || !*name || strlen(name) > 255)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input for field/attribute name.");
	if (ram < 1 || vcpus < 1 || disk < 0 || eph < 0 || swap < 0 || ram > INT32_MAX ||
			vcpus > INT32_MAX)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input: ram and vcpus must be positive integers, disk, "
				"ephemeral and swap non-negative.");
	if ((pub && !json_is_boolean(pub)) || (rxtx && !json_is_number(rxtx)))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input for os-flavor-access:is_public or rxtx_factor.");
	if (id == NULL || strcmp(id, "auto") == 0) {
		cp_uuid(uuid, true);
		id = uuid;
	} else if (!*id || strlen(id) > 255) {
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Invalid input for field id.");
	}
	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	all = cp_obj_list(ctx->db, KIND, NULL, true, NULL, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, f)
	{
		const char *other = cp_json_str(f, "name"), *oid = cp_json_str(f, "id");

		if ((other && strcmp(other, name) == 0) || (oid && strcmp(oid, id) == 0)) {
			json_decref(all);
			return cp_fail(&ctx->err, -EEXIST, "conflictingRequest",
					"Flavor with %s %s already exists.",
					other && strcmp(other, name) == 0 ? "name" : "ID",
					other && strcmp(other, name) == 0 ? name : id);
		}
	}
	json_decref(all);
	f = flavor_doc(id, name, ram, vcpus, disk, eph, swap,
			rxtx ? json_number_value(rxtx) : 1.0, pub ? json_is_true(pub) : true);
	rc = put(ctx, f);
	if (rc) {
		json_decref(f);
		return rc;
	}
	*out = f;
	return 0;
}

int cp_flavor_list(struct cp_ctx *ctx, const char *is_public, json_t **out)
{
	bool want_all = is_public && (strcasecmp(is_public, "none") == 0),
	     want_private = is_public && (strcasecmp(is_public, "false") == 0 ||
						  strcmp(is_public, "0") == 0);
	json_t *all, *f, *res = json_array();
	size_t i;

	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	all = cp_obj_list(ctx->db, KIND, NULL, true, NULL, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, f)
	{
		bool pub = flavor_public(f);

		/* Non-admins see the public ones whatever they ask (Nova's behaviour). */
		if (!ctx->caller->is_admin ? !pub : (!want_all && pub == want_private))
			continue;
		json_object_del(f, "revision_number");
		json_array_append(res, f);
	}
	json_decref(all);
	*out = res;
	return 0;
}

int cp_flavor_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = load(ctx, id);
	return *out ? 0 : not_found(ctx, id);
}

int cp_flavor_delete(struct cp_ctx *ctx, const char *id)
{
	json_t *f;
	int rc;

	if (!ctx->caller->is_admin)
		return forbid(ctx, "os-flavor-manage:delete");
	f = load(ctx, id);
	if (f == NULL)
		return not_found(ctx, id);
	json_decref(f);
	rc = cp_obj_del_tx(ctx->db, KIND, id);
	return rc ? cp_fail(&ctx->err, -EIO, "computeFault", "could not delete the flavor") : 0;
}

int cp_flavor_specs(struct cp_ctx *ctx, const char *id, json_t **out)
{
	json_t *f = load(ctx, id);

	if (f == NULL)
		return not_found(ctx, id);
	*out = json_incref(json_object_get(f, "extra_specs"));
	if (*out == NULL)
		*out = json_object();
	json_decref(f);
	return 0;
}

int cp_flavor_specs_set(struct cp_ctx *ctx, const char *id, const json_t *specs, json_t **out)
{
	const char *key;
	const json_t *v;
	json_t *f, *have;
	int rc;

	if (!ctx->caller->is_admin)
		return forbid(ctx, "os-flavor-extra-specs:create");
	if (!json_is_object(specs))
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "Invalid input: extra_specs");
	json_object_foreach((json_t *)specs, key, v)
	{
		if (!*key || strlen(key) > 255 || !json_is_string(v) || json_string_length(v) > 255)
			return cp_fail(&ctx->err, -EINVAL, "badRequest",
					"Invalid input for extra spec %s: keys and values are strings "
					"of 1 to 255 characters.",
					key);
	}
	f = load(ctx, id);
	if (f == NULL)
		return not_found(ctx, id);
	have = json_object_get(f, "extra_specs");
	if (!json_is_object(have)) {
		have = json_object();
		json_object_set_new(f, "extra_specs", have);
	}
	json_object_update(have, (json_t *)specs);
	rc = put(ctx, f);
	if (rc == 0)
		*out = json_incref((json_t *)specs);
	json_decref(f);
	return rc;
}

int cp_flavor_spec_unset(struct cp_ctx *ctx, const char *id, const char *key)
{
	json_t *f, *have;
	int rc;

	if (!ctx->caller->is_admin)
		return forbid(ctx, "os-flavor-extra-specs:delete");
	f = load(ctx, id);
	if (f == NULL)
		return not_found(ctx, id);
	have = json_object_get(f, "extra_specs");
	if (!json_is_object(have) || json_object_del(have, key) != 0) {
		json_decref(f);
		return cp_fail(&ctx->err, -ENOENT, "itemNotFound",
				"Flavor %s has no extra specs with key %s.", id, key);
	}
	rc = put(ctx, f);
	json_decref(f);
	return rc;
}

int cp_compute_bootstrap(struct cp_db *db)
{
	static const struct {
		const char *id, *name;
		int ram, vcpus, disk;
	} defaults[] = {
		/* devstack's m1.nano, and Nova's classic sizes. */
		{"42", "m1.nano", 128, 1, 1},
		{"1", "m1.tiny", 512, 1, 1},
		{"2", "m1.small", 2048, 1, 20},
		{"3", "m1.medium", 4096, 2, 40},
	};
	json_t *all;
	int rc;

	rc = cp_db_begin(db, true);
	if (rc)
		return rc;
	all = cp_obj_list(db, KIND, NULL, true, NULL, 0);
	for (size_t i = 0; rc == 0 && json_array_size(all) == 0 && i < sizeof(defaults) / sizeof(defaults[0]);
			i++) {
		json_t *f = flavor_doc(defaults[i].id, defaults[i].name, defaults[i].ram,
				defaults[i].vcpus, defaults[i].disk, 0, 0, 1.0, true);

		rc = cp_obj_put(db, KIND, f, NULL, NULL, true);
		json_decref(f);
	}
	json_decref(all);
	rc = rc ? rc : cp_db_commit(db);
	if (rc)
		cp_db_rollback(db);
	return rc;
}
