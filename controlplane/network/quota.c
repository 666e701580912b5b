/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Quotas: Neutron's defaults, the limits an admin set (table "quotas", a
 * row only where a project differs from the default) and the check that
 * cp_res_create runs. Usage is counted, never stored: a count over the
 * (kind, project_id) index inside the creating transaction cannot drift
 * from the objects, and the write lock makes check-then-insert atomic.
 */
#include "quota.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Neutron's defaults (neutron/conf/quota.py); subnetpool has none of its
 * own and takes default_quota, -1. Virga has no RBAC policies yet: they
 * are listed because clients show them, and count 0. */
static const struct {
	const char *name;
	json_int_t dflt;
} resources[] = {
	{"network", 100},
	{"subnet", 100},
	{"subnetpool", -1},
	{"port", 500},
	{"router", 10},
	{"floatingip", 50},
	{"rbac_policy", 10},
	{"security_group", 10},
	{"security_group_rule", 100},
};

#define N_RESOURCES (sizeof(resources) / sizeof(resources[0]))

int cp_quota_default(const char *resource, json_int_t *limit)
{
	for (size_t i = 0; i < N_RESOURCES; i++)
		if (strcmp(resources[i].name, resource) == 0) {
			*limit = resources[i].dflt;
			return 0;
		}
	return -ENOENT;
}

/* Neutron converts with int(): numbers and numeric strings, not booleans,
 * fractions or null. Out-of-range integers are reported as such. */
static int to_limit(const char *key, const json_t *v, json_int_t *n, struct cp_err *err)
{
	char shown[64];
	char *end;

	if (json_is_integer(v)) {
		*n = json_integer_value(v);
	} else if (json_is_string(v) && json_string_value(v)[0]) {
		errno = 0;
		*n = strtoll(json_string_value(v), &end, 10);
		if (*end)
			return cp_fail(err, -EINVAL, "InvalidInput",
				"Invalid input for %s. Reason: '%.40s' is not an integer.", key,
				json_string_value(v));
	} else {
		char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

		snprintf(shown, sizeof(shown), "%.40s", text ? text : "?");
		free(text);
		return cp_fail(err, -EINVAL, "InvalidInput",
			"Invalid input for %s. Reason: '%s' is not an integer.", key, shown);
	}
	if (*n < -1)
		return cp_fail(err, -EINVAL, "InvalidInput",
			"Invalid input for %s. Reason: '%lld' is too small - must be at least "
			"'-1'.",
			key, (long long)*n);
	if (*n > CP_QUOTA_MAX)
		return cp_fail(err, -EINVAL, "InvalidInput",
			"Invalid input for %s. Reason: '%lld' is too large - must be no larger "
			"than '%d'.",
			key, (long long)*n, CP_QUOTA_MAX);
	return 0;
}

int cp_quota_parse(const json_t *req, json_t **limits, bool *check_limit, struct cp_err *err)
{
	const char *key;
	const json_t *v;
	json_t *out;

	*limits = NULL;
	*check_limit = false;
	if (!json_is_object(req))
		return cp_fail(err, -EINVAL, "HTTPBadRequest",
			"Resource body required and must be an object");
	out = json_object();
	json_object_foreach((json_t *)req, key, v) {
		json_int_t n;
		int rc;

		/* force is what Neutron does anyway (limits below the usage are
		 * allowed); check_limit asks for the opposite. */
		if (strcmp(key, "force") == 0)
			continue;
		if (strcmp(key, "check_limit") == 0) {
			*check_limit = cp_json_truthy(v);
			continue;
		}
		rc = cp_quota_default(key, &n)
			? cp_fail(err, -EINVAL, "HTTPBadRequest", "Unrecognized attribute(s) '%s'",
				  key)
			: to_limit(key, v, &n, err);
		if (rc) {
			json_decref(out);
			return rc;
		}
		json_object_set_new(out, key, json_integer(n));
	}
	*limits = out;
	return 0;
}

static int db_error(struct cp_ctx *ctx)
{
	return cp_fail(&ctx->err, -EIO, "InternalError", "quota storage unavailable");
}

static json_t *defaults(void)
{
	json_t *out = json_object();

	for (size_t i = 0; i < N_RESOURCES; i++)
		json_object_set_new(out, resources[i].name, json_integer(resources[i].dflt));
	return out;
}

static int override_limit(const char *resource, int64_t limit, void *limits)
{
	/* A resource a later version dropped stays out of the answer. */
	if (json_object_get(limits, resource))
		json_object_set_new(limits, resource, json_integer(limit));
	return 0;
}

/* Overrides the defaults in limits with project_id's own. */
static int read_limits(struct cp_ctx *ctx, const char *project_id, json_t *limits)
{
	return cp_store_quota_limits(ctx->db, project_id, override_limit, limits) ? db_error(ctx)
										   : 0;
}

/* Neutron's details: limit, objects counted now, and no reservations
 * (a create here checks and inserts in one transaction). */
static int add_usage(struct cp_ctx *ctx, const char *project_id, json_t *limits)
{
	const char *key;
	json_t *v;

	json_object_foreach(limits, key, v) {
		int used = cp_obj_count_owned(ctx->db, key, project_id);

		if (used < 0)
			return db_error(ctx);
		json_object_set_new(limits, key, json_pack("{s:I, s:i, s:i}", "limit",
							 json_integer_value(v), "used", used,
							 "reserved", 0));
	}
	return 0;
}

int cp_quota_show(struct cp_ctx *ctx, const char *project_id, enum cp_quota_view view,
	json_t **out)
{
	json_t *limits;
	int rc = cp_policy_check(ctx->caller, "quota", CP_READ, NULL, project_id, &ctx->err);

	if (rc)
		return rc;
	limits = defaults();
	if (view != CP_QUOTA_DEFAULTS) {
		if (cp_db_begin(ctx->db, false)) {
			json_decref(limits);
			return db_error(ctx);
		}
		rc = read_limits(ctx, project_id, limits);
		if (rc == 0 && view == CP_QUOTA_DETAILS)
			rc = add_usage(ctx, project_id, limits);
		cp_db_commit(ctx->db);
	}
	if (rc) {
		json_decref(limits);
		return rc;
	}
	*out = limits;
	return 0;
}

int cp_quota_list(struct cp_ctx *ctx, json_t **out)
{
	json_t *list, *projects, *p;
	size_t i;
	int rc = cp_policy_check(ctx->caller, "quota", CP_READ, NULL, NULL, &ctx->err);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return db_error(ctx);
	projects = cp_store_quota_projects(ctx->db);
	if (!projects) {
		cp_db_commit(ctx->db);
		return db_error(ctx);
	}
	list = json_array();
	json_array_foreach(projects, i, p) {
		const char *project_id = json_string_value(p);
		json_t *q = defaults();

		if (rc == 0)
			rc = read_limits(ctx, project_id, q);
		json_object_set_new(q, "project_id", json_string(project_id));
		json_object_set_new(q, "tenant_id", json_string(project_id));
		json_array_append_new(list, q);
	}
	json_decref(projects);
	cp_db_commit(ctx->db);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

static int put_limit(struct cp_ctx *ctx, const char *project_id, const char *resource,
	json_int_t limit)
{
	return cp_store_quota_put(ctx->db, project_id, resource, limit) ? db_error(ctx) : 0;
}

/* Neutron's --check-limit: no limit below what the project already has. */
static int check_usage(struct cp_ctx *ctx, const char *project_id, const char *resource,
	json_int_t limit)
{
	int used = cp_obj_count_owned(ctx->db, resource, project_id);

	if (used < 0)
		return db_error(ctx);
	if (limit >= 0 && used > limit)
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Quota limit %lld for %s must be greater than or equal to already used %d",
			(long long)limit, resource, used);
	return 0;
}

int cp_quota_update(struct cp_ctx *ctx, const char *project_id, const json_t *req, json_t **out)
{
	json_t *limits, *v, *now = NULL;
	const char *key;
	bool check_limit;
	int rc = cp_policy_check(ctx->caller, "quota", CP_UPDATE, NULL, project_id, &ctx->err);

	if (rc == 0)
		rc = cp_quota_parse(req, &limits, &check_limit, &ctx->err);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true)) {
		json_decref(limits);
		return db_error(ctx);
	}
	json_object_foreach(limits, key, v) {
		if (rc == 0 && check_limit)
			rc = check_usage(ctx, project_id, key, json_integer_value(v));
		if (rc == 0)
			rc = put_limit(ctx, project_id, key, json_integer_value(v));
	}
	json_decref(limits);
	if (rc == 0) {
		now = defaults();
		rc = read_limits(ctx, project_id, now);
	}
	if (rc) {
		cp_db_rollback(ctx->db);
		json_decref(now);
		return rc;
	}
	if (cp_db_commit(ctx->db)) {
		json_decref(now);
		return db_error(ctx);
	}
	*out = now;
	return 0;
}

int cp_quota_reset(struct cp_ctx *ctx, const char *project_id)
{
	int rc = cp_policy_check(ctx->caller, "quota", CP_DELETE, NULL, project_id, &ctx->err);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return db_error(ctx);
	if (cp_store_quota_reset(ctx->db, project_id))
		rc = db_error(ctx);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db) ? db_error(ctx) : 0;
}

/* The limit on resource for project_id, its default unless a row says
 * otherwise. */
static int limit_of(struct cp_ctx *ctx, const char *project_id, const char *resource,
	json_int_t *limit)
{
	int64_t own;
	int rc;

	if (cp_quota_default(resource, limit))
		return -ENOENT;
	rc = cp_store_quota_get(ctx->db, project_id, resource, &own);
	if (rc == 0)
		*limit = own;
	return rc == 0 || rc == -ENOENT ? 0 : db_error(ctx);
}

int cp_quota_check(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj)
{
	const char *project_id = cp_res_owner(obj);
	json_int_t limit;
	int used, rc;

	/* Unowned objects (a router's gateway port) count for nobody. */
	if (!project_id || !project_id[0])
		return 0;
	rc = limit_of(ctx, project_id, k->name, &limit);
	if (rc == -ENOENT || (rc == 0 && limit < 0))
		return 0;
	if (rc)
		return rc;
	/* The new object is already in: over the limit, not at it. */
	used = cp_obj_count_owned(ctx->db, k->name, project_id);
	if (used < 0)
		return db_error(ctx);
	if (used > limit)
		return cp_fail(&ctx->err, -EDQUOT, "OverQuota",
			"Quota exceeded for resources: ['%s'].", k->name);
	return 0;
}
