/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service catalog as Keystone keeps it: regions, services and endpoints
 * are objects (openstack region/service/endpoint list|create|delete), and a
 * token's catalog is built from the enabled ones. Every start makes sure the
 * services this controller serves are there, under one address devstack
 * style, with the URLs of the address it listens on now (as keystone-manage
 * bootstrap does): Neutron at /network (the SDK discovers v2.0 from its
 * version list); compute, image and volume whose version documents answer.
 */
#include "identity.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Keystone substitutes these in an endpoint's URL for the token's scope. */
#define PROJECT_VAR "$(project_id)s"
#define TENANT_VAR "$(tenant_id)s"

static const struct {
	const char *type, *name, *path;
} builtin[] = {
	{"identity", "keystone", "/identity"},
	{"network", "neutron", "/network"},
	{"compute", "nova", "/compute/v2.1"},
	{"image", "glance", "/image"},
	{"block-storage", "cinder", "/volume/v3/" PROJECT_VAR},
	{"volumev3", "cinderv3", "/volume/v3/" PROJECT_VAR},
};

static const char *const interfaces[] = {"public", "internal", "admin"};

static int region_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	const char *parent = cp_json_str(obj, "parent_region_id");
	json_t *p;

	if (!old) {
		json_t *dup = cp_obj_get(ctx->db, "region", cp_json_str(obj, "id"));

		json_decref(dup);
		if (dup)
			return cp_fail(&ctx->err, -EEXIST, "Conflict",
				"Conflict occurred attempting to store region - Duplicate ID, %s.",
				cp_json_str(obj, "id"));
	}
	if (!parent)
		return 0;
	if (strcmp(parent, cp_json_str(obj, "id")) == 0)
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"The specified parent region %s would create a circular region hierarchy.",
			parent);
	p = cp_obj_get(ctx->db, "region", parent);
	json_decref(p);
	return p ? 0
		 : cp_fail(&ctx->err, -EINVAL, "ValidationError",
			   "Could not find region: %s.", parent);
}

static int region_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	const char *id = cp_json_str(obj, "id");

	/* Keystone refuses to orphan child regions or endpoints. */
	if (cp_res_exists(ctx, &cp_kind_region, "parent_region_id", id, NULL, NULL, NULL) ||
		cp_res_exists(ctx, &cp_kind_endpoint, "region_id", id, NULL, NULL, NULL))
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"Unable to delete region %s because it or its child regions have "
			"associated endpoints.",
			id);
	return 0;
}

static const struct cp_attr region_attrs[] = {
	{"id", CP_T_STR, CP_A_POST, NULL, 255},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"parent_region_id", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_region = {
	.name = "region",
	.not_found = "Not Found",
	.attrs = region_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = region_prepare,
	.before_delete = region_before_delete,
};

static int service_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	json_t *eps = cp_obj_list(ctx->db, "endpoint", NULL, false, NULL, 0), *e;
	size_t i;
	int rc = 0;

	/* Keystone deletes a service's endpoints with it. */
	json_array_foreach(eps, i, e)
		if (rc == 0 && strcmp(cp_json_str(e, "service_id") ?: "", cp_json_str(obj, "id")) == 0)
			rc = cp_obj_del(ctx->db, "endpoint", cp_json_str(e, "id"));
	json_decref(eps);
	return rc;
}

static const struct cp_attr service_attrs[] = {
	{"type", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW | CP_A_NULL, "\"\""},
	{"enabled", CP_T_BOOL, CP_A_RW, "true"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_service = {
	.name = "service",
	.not_found = "Not Found",
	.attrs = service_attrs,
	.keystone = true,
	.extra_attrs = true,
	.before_delete = service_before_delete,
};

static int endpoint_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	const char *iface = cp_json_str(obj, "interface") ?: "", *region;
	json_t *ref;
	bool known = false, legacy = false;

	/* The legacy "region" names the region too; a region_id given with
	 * it wins (the stored document keeps only region_id). */
	if (json_is_string(json_object_get(obj, "region")) &&
		(old ? json_equal(json_object_get(obj, "region_id"), json_object_get(old, "region_id"))
		     : !json_is_string(json_object_get(obj, "region_id")))) {
		json_object_set(obj, "region_id", json_object_get(obj, "region"));
		legacy = true;
	}
	json_object_del(obj, "region");
	for (size_t i = 0; i < sizeof(interfaces) / sizeof(interfaces[0]); i++)
		known |= strcmp(iface, interfaces[i]) == 0;
	if (!known)
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Invalid input for field 'interface': '%s' is not one of public, internal, "
			"admin.",
			iface);
	ref = cp_obj_get(ctx->db, "service", cp_json_str(obj, "service_id"));
	json_decref(ref);
	if (!ref)
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Could not find service: %s.", cp_json_str(obj, "service_id"));
	region = cp_json_str(obj, "region_id");
	if (!region) {
		json_object_set_new(obj, "region_id", json_null());
		return 0;
	}
	ref = cp_obj_get(ctx->db, "region", region);
	json_decref(ref);
	if (ref)
		return 0;
	/* Keystone makes the region a legacy "region" names, for the clients
	 * that still speak v2's catalog; a region_id must exist. */
	if (legacy) {
		json_t *r = json_pack("{s:s}", "id", region);
		int rc = cp_res_insert(ctx, &cp_kind_region, r, NULL);

		json_decref(r);
		return rc;
	}
	return cp_fail(&ctx->err, -EINVAL, "ValidationError", "Could not find region: %s.",
		region);
}

static void endpoint_render(struct cp_ctx *ctx, json_t *obj)
{
	(void)ctx;
	json_object_set(obj, "region", json_object_get(obj, "region_id"));
}

static const struct cp_attr endpoint_attrs[] = {
	{"interface", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"service_id", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"url", CP_T_STR, CP_A_RW | CP_A_REQ, NULL, 2048},
	{"region_id", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{"region", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{"enabled", CP_T_BOOL, CP_A_RW, "true"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_endpoint = {
	.name = "endpoint",
	.not_found = "Not Found",
	.attrs = endpoint_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = endpoint_prepare,
	.render = endpoint_render,
};

/* Inserts obj (whose "id" is set) unless one with that id exists. */
static int ensure(struct cp_ctx *ctx, const struct cp_kind *k, json_t *obj)
{
	json_t *old = cp_obj_get(ctx->db, k->name, cp_json_str(obj, "id"));
	int rc = old ? 0 : cp_res_insert(ctx, k, obj, NULL);

	json_decref(old);
	json_decref(obj);
	return rc;
}

static int sync_services(struct cp_ctx *ctx, const struct cp_identity *id)
{
	int rc = ensure(ctx, &cp_kind_region, json_pack("{s:s}", "id", id->region));

	for (size_t s = 0; rc == 0 && s < sizeof(builtin) / sizeof(builtin[0]); s++) {
		rc = ensure(ctx, &cp_kind_service,
			json_pack("{s:s, s:s, s:s}", "id", builtin[s].name, "type", builtin[s].type,
				"name", builtin[s].name));
		for (size_t i = 0; rc == 0 && i < sizeof(interfaces) / sizeof(interfaces[0]); i++) {
			char eid[96], url[512];
			json_t *ep;

			snprintf(eid, sizeof(eid), "%s-%s", builtin[s].name, interfaces[i]);
			snprintf(url, sizeof(url), "%s%s", id->base_url, builtin[s].path);
			ep = cp_obj_get(ctx->db, "endpoint", eid);
			if (!ep) {
				rc = ensure(ctx, &cp_kind_endpoint,
					json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", eid, "interface",
						interfaces[i], "service_id", builtin[s].name,
						"region_id", id->region, "url", url));
			} else if (strcmp(cp_json_str(ep, "url") ?: "", url) != 0) {
				/* The controller listens elsewhere than last time. */
				json_object_set_new(ep, "url", json_string(url));
				rc = cp_res_store(ctx, &cp_kind_endpoint, ep);
			}
			json_decref(ep);
		}
	}
	return rc;
}

int cp_identity_catalog_sync(struct cp_db *db, const struct cp_identity *id)
{
	struct cp_caller root = {.is_admin = true};
	struct cp_ctx ctx = {.db = db, .caller = &root};
	int rc;

	if (cp_db_begin(db, true))
		return -EIO;
	rc = sync_services(&ctx, id);
	if (rc) {
		cp_db_rollback(db);
		return rc;
	}
	return cp_db_commit(db);
}

/* url with the scope's project substituted; NULL when it needs a project
 * and there is none (Keystone leaves such endpoints out). */
static json_t *endpoint_url(const char *url, const char *project_id)
{
	const char *vars[] = {PROJECT_VAR, TENANT_VAR};
	char out[2048];
	const char *at;

	for (size_t v = 0; v < 2; v++) {
		if (!(at = strstr(url, vars[v])))
			continue;
		if (!project_id || !project_id[0])
			return NULL;
		snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - url), url, project_id,
			at + strlen(vars[v]));
		return json_string(out);
	}
	return json_string(url);
}

/*
 * The services and endpoints as of a committed revision. Every token
 * validation renders the catalog, and reading and parsing these rows was
 * 40% of it (perf on virga-apibench --ops token); they change only when an
 * operator edits the catalog, and any such write moves the revision. A
 * write transaction reads around the cache: what it sees may be its own.
 */
static struct {
	pthread_mutex_t lock;
	const struct cp_db *db;
	int64_t rev;
	json_t *services, *eps;
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void catalog_rows(struct cp_db *db, json_t **services, json_t **eps)
{
	int64_t rev = cp_db_revision(db);
	bool cacheable = !cp_db_in_write(db);

	pthread_mutex_lock(&kept.lock);
	if (cacheable && kept.db == db && kept.rev == rev && kept.services) {
		*services = json_incref(kept.services);
		*eps = json_incref(kept.eps);
		pthread_mutex_unlock(&kept.lock);
		return;
	}
	pthread_mutex_unlock(&kept.lock);
	*services = cp_obj_list(db, "service", NULL, false, NULL, 0);
	*eps = cp_obj_list(db, "endpoint", NULL, false, NULL, 0);
	if (!cacheable)
		return;
	pthread_mutex_lock(&kept.lock);
	json_decref(kept.services);
	json_decref(kept.eps);
	kept.db = db;
	kept.rev = rev;
	kept.services = json_incref(*services);
	kept.eps = json_incref(*eps);
	pthread_mutex_unlock(&kept.lock);
}

json_t *cp_identity_catalog(struct cp_ctx *ctx, const char *project_id)
{
	json_t *services, *eps;
	json_t *cat = json_array(), *s, *e;
	size_t i, j;

	/* Shared with other threads from here on: read, never changed. */
	catalog_rows(ctx->db, &services, &eps);

	json_array_foreach(services, i, s) {
		json_t *list;

		if (!cp_json_bool(s, "enabled", true))
			continue;
		list = json_array();
		json_array_foreach(eps, j, e) {
			json_t *url;

			if (!cp_json_bool(e, "enabled", true) ||
				strcmp(cp_json_str(e, "service_id") ?: "", cp_json_str(s, "id")) != 0 ||
				!(url = endpoint_url(cp_json_str(e, "url") ?: "", project_id)))
				continue;
			json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O, s:o}", "id",
							    json_object_get(e, "id"), "interface",
							    json_object_get(e, "interface"), "region",
							    json_object_get(e, "region_id"), "region_id",
							    json_object_get(e, "region_id"), "url", url));
		}
		json_array_append_new(cat, json_pack("{s:O, s:O, s:s, s:o}", "id",
						   json_object_get(s, "id"), "type",
						   json_object_get(s, "type"), "name",
						   cp_json_str(s, "name") ?: "", "endpoints", list));
	}
	json_decref(services);
	json_decref(eps);
	return cat;
}
