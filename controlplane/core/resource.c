/* SPDX-License-Identifier: Apache-2.0 */
#include "resource.h"
#include "policy.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct cp_attr *find_attr(const struct cp_kind *k, const char *name)
{
	for (const struct cp_attr *a = k->attrs; a && a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

/* Characters (not bytes) of valid UTF-8, as Neutron and Keystone count. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static bool numeric(const char *s)
{
	char *end;

	errno = 0;
	(void)strtoll(s, &end, 10);
	return s[0] && !*end && errno == 0;
}

/* Integer attributes given as numeric strings become integers. */
static void normalize(const struct cp_kind *k, json_t *obj)
{
	for (const struct cp_attr *a = k->attrs; a && a->name; a++) {
		json_t *v = json_object_get(obj, a->name);

		if (a->type == CP_T_INT && json_is_string(v))
			json_object_set_new(obj, a->name,
				json_integer(strtoll(json_string_value(v), NULL, 10)));
	}
}

static bool type_ok(const struct cp_attr *a, const json_t *v)
{
	if (json_is_null(v))
		return a->flags & CP_A_NULL;
	switch (a->type) {
	case CP_T_STR:
		return json_is_string(v);
	case CP_T_BOOL:
		return json_is_boolean(v);
	case CP_T_INT:
		/* Neutron converts numeric strings ("101" from the CLI). */
		return json_is_integer(v) || (json_is_string(v) && numeric(json_string_value(v)));
	case CP_T_LIST:
		return json_is_array(v);
	case CP_T_OBJ:
		return json_is_object(v);
	case CP_T_ANY:
		return true;
	}
	return false;
}

/* Whether v's strings fit max_len and its lists/objects nest at most
 * depth levels (a scalar is depth 0). */
static bool within_bounds(const json_t *v, unsigned max_len, int depth)
{
	const char *key;
	const json_t *m;
	size_t i;

	if (json_is_string(v))
		return utf8_chars(json_string_value(v), json_string_length(v)) <= max_len;
	if (!json_is_array(v) && !json_is_object(v))
		return true;
	if (depth == 0)
		return false;
	json_array_foreach(v, i, m)
		if (!within_bounds(m, max_len, depth - 1))
			return false;
	json_object_foreach((json_t *)v, key, m)
		if (utf8_chars(key, strlen(key)) > max_len || !within_bounds(m, max_len, depth - 1))
			return false;
	return true;
}

static enum cp_action verb_action(unsigned verb)
{
	return verb == CP_A_POST ? CP_CREATE : CP_UPDATE;
}

const char *cp_res_owner(const json_t *obj)
{
	return cp_json_str(obj, "project_id");
}

/* Whether key may be stored as an extra attribute of kind k: the kind
 * keeps them (Keystone's additionalProperties), key is none of the
 * attributes the store itself writes, and the value fits the bounds. A
 * project_id is the owner only on owned kinds: on a Keystone user or
 * group it is an extra like any other (tempest creates both with one),
 * which no visibility or policy check reads. */
static bool extra_ok(const struct cp_kind *k, const char *key, const json_t *v)
{
	static const char *const stamped[] = {"id", "links", "revision_number", "created_at",
		"updated_at", "password_expires_at"};

	if (!k->extra_attrs || utf8_chars(key, strlen(key)) > CP_MAX_STR_LEN ||
		!within_bounds(v, CP_MAX_STR_LEN, CP_MAX_NESTING))
		return false;
	for (size_t i = 0; i < sizeof(stamped) / sizeof(stamped[0]); i++)
		if (strcmp(key, stamped[i]) == 0)
			return false;
	return !k->owned || (strcmp(key, "project_id") != 0 && strcmp(key, "tenant_id") != 0);
}

int cp_res_validate(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, unsigned verb)
{
	const char *key;
	const json_t *v;

	if (!json_is_object(req))
		return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Resource body required and must be an object");
	json_object_foreach((json_t *)req, key, v) {
		const struct cp_attr *a = find_attr(k, key);
		bool owner_key = k->owned && verb == CP_A_POST &&
			(strcmp(key, "project_id") == 0 || strcmp(key, "tenant_id") == 0);

		if (owner_key) {
			if (!json_is_string(v))
				return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
					"Invalid input for %s: not a string", key);
			if (strcmp(json_string_value(v), ctx->caller->project_id) != 0) {
				int rc = cp_policy_check(ctx->caller, k->name, CP_CREATE, key,
					NULL, &ctx->err);
				if (rc)
					return rc;
			}
			continue;
		}
		if (!a && extra_ok(k, key, v))
			continue;
		if (!a)
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"Unrecognized attribute(s) '%s'", key);
		if (!(a->flags & verb))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				verb == CP_A_PUT ? "Cannot update read-only attribute %s"
						 : "Attribute '%s' not allowed in POST",
				key);
		/* Network-owner rules need the object's network: the kind's
		 * prepare hook checks them. */
		if (cp_policy_rule(k->name, verb_action(verb), key) != CP_RULE_NET_OWNER &&
			cp_policy_check(ctx->caller, k->name, verb_action(verb), key, NULL,
				&ctx->err))
			return ctx->err.code;
	}
	/* Types after policy, so a refused attribute is 403 whatever the
	 * order of keys in the body. */
	json_object_foreach((json_t *)req, key, v) {
		const struct cp_attr *a = find_attr(k, key);

		if (a && !type_ok(a, v))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"Invalid input for %s: wrong type", key);
		if (a && !within_bounds(v, a->max_len ?: CP_MAX_STR_LEN, CP_MAX_NESTING))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"Invalid input for %s: strings may have at most %u characters and "
				"lists or objects nest at most %d deep",
				key, a->max_len ?: CP_MAX_STR_LEN, CP_MAX_NESTING);
	}
	if (verb == CP_A_POST)
		for (const struct cp_attr *a = k->attrs; a && a->name; a++)
			if ((a->flags & CP_A_REQ) && !json_object_get(req, a->name))
				return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
					"Failed to parse request. Required attribute '%s' not "
					"specified",
					a->name);
	return 0;
}

static bool visible(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj)
{
	const char *owner;

	if (!k->owned || ctx->caller->is_admin)
		return true;
	owner = cp_res_owner(obj);
	if (cp_policy_owns(ctx->caller, owner))
		return true;
	return k->is_public && k->is_public(obj);
}

int cp_res_load(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, json_t **out)
{
	json_t *obj = cp_obj_get(ctx->db, k->name, id);

	if (!obj || !visible(ctx, k, obj)) {
		json_decref(obj);
		return cp_fail(&ctx->err, -ENOENT, k->not_found, "%s %s could not be found.",
			k->name, id);
	}
	*out = obj;
	return 0;
}

int cp_res_load_owned(struct cp_ctx *ctx, const struct cp_kind *k, const char *id,
	enum cp_action action, json_t **out)
{
	json_t *obj;
	int rc = cp_res_load(ctx, k, id, &obj);

	if (rc)
		return rc;
	rc = cp_policy_check(ctx->caller, k->name, action, NULL,
		k->owned ? cp_res_owner(obj) : NULL, &ctx->err);
	if (rc) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

void cp_res_render(struct cp_ctx *ctx, const struct cp_kind *k, json_t *obj)
{
	const char *key;
	json_t *v;
	void *tmp;

	if (k->render)
		k->render(ctx, obj);
	if (ctx->caller->is_admin)
		return;
	json_object_foreach_safe(obj, tmp, key, v)
		if (cp_policy_rule(k->name, CP_READ, key) == CP_RULE_ADMIN)
			json_object_del(obj, key);
}

int cp_res_store(struct cp_ctx *ctx, const struct cp_kind *k, json_t *obj)
{
	const char *parent = k->parent_attr ? cp_json_str(obj, k->parent_attr) : NULL;
	bool public_ = k->is_public && k->is_public(obj);

	if (!k->keystone) {
		char now[32];

		cp_time_iso(now, cp_now());
		json_object_set_new(obj, "updated_at", json_string(now));
	}
	return cp_obj_put(ctx->db, k->name, obj, k->owned ? cp_res_owner(obj) : NULL, parent,
		public_);
}

int cp_res_remove(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj)
{
	int rc = k->before_delete ? k->before_delete(ctx, obj) : 0;

	if (rc)
		return rc;
	return cp_obj_del(ctx->db, k->name, cp_json_str(obj, "id"));
}

int cp_res_insert(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, json_t **out)
{
	json_t *obj = json_deep_copy(req);
	char id[CP_ID_LEN];
	int rc;

	normalize(k, obj);
	for (const struct cp_attr *a = k->attrs; a && a->name; a++)
		if (a->dflt && !json_object_get(obj, a->name))
			json_object_set_new(obj, a->name, json_loads(a->dflt, JSON_DECODE_ANY, NULL));
	if (!cp_json_str(obj, "id")) {
		cp_uuid(id, !k->keystone);
		json_object_set_new(obj, "id", json_string(id));
	}
	if (k->owned) {
		const char *p = cp_json_str(req, "project_id");

		if (!p)
			p = cp_json_str(req, "tenant_id");
		if (!p)
			p = ctx->caller->project_id;
		json_object_set_new(obj, "project_id", json_string(p));
		json_object_set_new(obj, "tenant_id", json_string(p));
	}
	if (!k->keystone) {
		char now[32];

		cp_time_iso(now, cp_now());
		json_object_set_new(obj, "created_at", json_string(now));
	}
	rc = k->prepare ? k->prepare(ctx, obj, NULL) : 0;
	if (rc == 0)
		rc = cp_res_store(ctx, k, obj);
	if (rc == 0 && k->after_create)
		rc = k->after_create(ctx, obj);
	if (rc) {
		json_decref(obj);
		return rc;
	}
	if (out)
		*out = obj;
	else
		json_decref(obj);
	return 0;
}

static int finish(struct cp_ctx *ctx, int rc, bool write)
{
	if (rc)
		cp_db_rollback(ctx->db);
	else if (write && cp_db_commit(ctx->db))
		rc = cp_fail(&ctx->err, -EIO, "InternalError", "commit failed");
	else if (!write)
		cp_db_commit(ctx->db);
	return rc;
}

int cp_res_check_kind(struct cp_ctx *ctx, const struct cp_kind *k, enum cp_action action)
{
	/* Neutron's objects belong to projects: a caller without a project
	 * scope (an unscoped token, the agents' service token) may not act
	 * on them, or it would act as the project "" that owns nothing. */
	if (k->owned && !ctx->caller->is_admin && !ctx->caller->project_id[0])
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"This request needs a project-scoped token.");
	if (k->before_use) {
		int rc = k->before_use(ctx);

		if (rc)
			return rc;
	}
	/* Kinds whose rule is admin-only refuse up front (403); owner rules
	 * are checked per object, where other projects' objects are 404. */
	if (cp_policy_rule(k->name, action, NULL) == CP_RULE_ADMIN && !ctx->caller->is_admin)
		return cp_policy_check(ctx->caller, k->name, action, NULL, NULL, &ctx->err);
	return 0;
}

int cp_res_create(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, json_t **out)
{
	int rc = cp_res_check_kind(ctx, k, CP_CREATE);

	*out = NULL;

	if (rc == 0)
		rc = cp_res_validate(ctx, k, req, CP_A_POST);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_insert(ctx, k, req, out);
	/* Counted once the object is in (its owner is settled then), under
	 * the write lock, so concurrent creates cannot overshoot. */
	if (rc == 0 && k->check_quota)
		rc = k->check_quota(ctx, k, *out);
	if (rc == 0)
		cp_res_render(ctx, k, *out);
	rc = finish(ctx, rc, true);
	if (rc && *out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cp_res_create_bulk(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *reqs,
	json_t **out)
{
	const json_t *req;
	size_t i;
	int rc = cp_res_check_kind(ctx, k, CP_CREATE);

	*out = NULL;
	if (rc == 0 && (!json_is_array(reqs) || json_array_size(reqs) == 0))
		rc = cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
			"Resources required: expected a non-empty list");
	json_array_foreach(reqs, i, req) {
		if (rc)
			break;
		rc = cp_res_validate(ctx, k, req, CP_A_POST);
	}
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	*out = json_array();
	/* One transaction: a later object sees the earlier ones (a subnet on
	 * a network of the same request, the quota counting both) and any
	 * failure rolls all of them back, as Neutron's bulk create does. */
	json_array_foreach(reqs, i, req) {
		json_t *obj = NULL;

		rc = cp_res_insert(ctx, k, req, &obj);
		if (rc == 0 && k->check_quota)
			rc = k->check_quota(ctx, k, obj);
		if (rc) {
			json_decref(obj);
			break;
		}
		json_array_append_new(*out, obj);
	}
	json_array_foreach(*out, i, req)
		if (rc == 0)
			cp_res_render(ctx, k, (json_t *)req);
	rc = finish(ctx, rc, true);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cp_res_show(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, json_t **out)
{
	int rc = cp_res_check_kind(ctx, k, CP_READ);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_load(ctx, k, id, out);
	if (rc == 0)
		cp_res_render(ctx, k, *out);
	return finish(ctx, rc, false);
}

int cp_res_update(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, const json_t *req,
	json_t **out)
{
	json_t *old = NULL, *obj = NULL;
	int rc = cp_res_check_kind(ctx, k, CP_UPDATE);

	if (rc == 0)
		rc = cp_res_validate(ctx, k, req, CP_A_PUT);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_load_owned(ctx, k, id, CP_UPDATE, &old);
	if (rc == 0) {
		obj = json_deep_copy(old);
		json_object_update(obj, (json_t *)req);
		normalize(k, obj);
		rc = k->prepare ? k->prepare(ctx, obj, old) : 0;
	}
	if (rc == 0)
		rc = cp_res_store(ctx, k, obj);
	if (rc == 0)
		cp_res_render(ctx, k, obj);
	json_decref(old);
	rc = finish(ctx, rc, true);
	if (rc) {
		json_decref(obj);
		return rc;
	}
	*out = obj;
	return 0;
}

int cp_res_delete(struct cp_ctx *ctx, const struct cp_kind *k, const char *id)
{
	json_t *obj = NULL;
	int rc = cp_res_check_kind(ctx, k, CP_DELETE);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_load_owned(ctx, k, id, CP_DELETE, &obj);
	if (rc == 0)
		rc = cp_res_remove(ctx, k, obj);
	json_decref(obj);
	return finish(ctx, rc, true);
}

/* Whether key names one of the kind's attributes or one every object carries. */
static bool known_attr(const struct cp_kind *k, const char *key)
{
	static const char *const common[] = {"id", "project_id", "tenant_id", "created_at",
		"updated_at", "revision_number", "status"};
	bool known = key && find_attr(k, key);

	for (size_t c = 0; key && !known && c < sizeof(common) / sizeof(common[0]); c++)
		known = strcmp(key, common[c]) == 0;
	return known;
}

int cp_res_check_filters(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *filters)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)filters, key, v)
		if (!known_attr(k, key) && !(cp_query_is_tag_filter(key) && find_attr(k, "tags")))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"[%.64s] is invalid attribute for filtering", key);
	return 0;
}

/* Sorting is by the kind's attributes or the ones every object carries;
 * anything else is a client's mistake (400), as in Neutron. */
static int check_sort_keys(struct cp_ctx *ctx, const struct cp_kind *k,
	const struct cp_list_opts *opts)
{
	for (int i = 0; i < opts->n_sort; i++) {
		const char *key = opts->sort_keys[i];

		if (!known_attr(k, key))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"'%.64s' is an invalid attribute for sort_key", key ? key : "");
	}
	return 0;
}

int cp_res_list(struct cp_ctx *ctx, const struct cp_kind *k, const struct cp_list_opts *opts,
	json_t **out, bool *more)
{
	json_t *all, *matched, *obj, *filters;
	size_t i;
	int rc;

	if (k->list_filtered && cp_policy_rule(k->name, CP_READ, NULL) == CP_RULE_ADMIN &&
		!ctx->caller->is_admin) {
		*out = json_array();
		*more = false;
		return 0;
	}
	rc = cp_res_check_kind(ctx, k, CP_READ);
	if (rc == 0)
		rc = check_sort_keys(ctx, k, opts);
	if (rc)
		return rc;
	filters = k->convert_filters && opts->filters ? k->convert_filters(opts->filters)
						      : json_incref(opts->filters);
	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	all = cp_obj_list(ctx->db, k->name,
		(k->owned && !ctx->caller->is_admin) ? ctx->caller->project_id : NULL, true, NULL, 0);
	matched = json_array();
	json_array_foreach(all, i, obj) {
		cp_res_render(ctx, k, obj);
		if (cp_query_match(obj, filters))
			json_array_append(matched, obj);
	}
	cp_db_commit(ctx->db);
	json_decref(filters);
	json_decref(all);
	cp_query_sort(matched, opts);
	*out = cp_query_page(matched, opts, more);
	json_decref(matched);
	if (!*out)
		return cp_fail(&ctx->err, -ENOENT, "MarkerNotFound", "marker %s could not be found",
			opts->marker);
	return 0;
}

bool cp_res_exists(struct cp_ctx *ctx, const struct cp_kind *k, const char *attr,
	const char *value, const char *scope_attr, const char *scope, const char *except_id)
{
	json_t *all = cp_obj_list(ctx->db, k->name, NULL, false, NULL, 0), *obj;
	bool found = false;
	size_t i;

	json_array_foreach(all, i, obj) {
		const char *v = cp_json_str(obj, attr), *id = cp_json_str(obj, "id");

		if (!v || strcmp(v, value) != 0)
			continue;
		if (scope_attr && (!cp_json_str(obj, scope_attr) ||
					  strcmp(cp_json_str(obj, scope_attr), scope) != 0))
			continue;
		if (except_id && id && strcmp(id, except_id) == 0)
			continue;
		found = true;
		break;
	}
	json_decref(all);
	return found;
}
