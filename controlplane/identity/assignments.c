/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Role assignments (actor has role on target) and group membership, stored
 * as objects with deterministic ids so granting twice is idempotent.
 */
#include "identity.h"
#include "../core/policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int need_object(struct cp_ctx *ctx, const char *kind, const char *id)
{
	json_t *o;

	/* The system is one target, "all" (Keystone's system scope). */
	if (strcmp(kind, "system") == 0)
		return strcmp(id, "all") == 0
			? 0
			: cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find system: %s.", id);
	o = cp_obj_get(ctx->db, kind, id);

	if (!o)
		return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find %s: %s.", kind, id);
	json_decref(o);
	return 0;
}

static int admin_only(struct cp_ctx *ctx, const char *kind, enum cp_action action)
{
	return cp_policy_check(ctx->caller, kind, action, NULL, NULL, &ctx->err);
}

static void assignment_id(char *out, size_t len, const char *target_id, const char *actor_id,
	const char *role_id)
{
	snprintf(out, len, "%s:%s:%s", target_id, actor_id, role_id);
}

int cp_identity_assign(struct cp_ctx *ctx, const char *target_type, const char *target_id,
	const char *actor_type, const char *actor_id, const char *role_id, bool grant)
{
	char id[3 * CP_ID_LEN + 4];
	int rc = admin_only(ctx, "role_assignment", grant ? CP_CREATE : CP_DELETE);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = need_object(ctx, target_type, target_id);
	if (rc == 0)
		rc = need_object(ctx, actor_type, actor_id);
	if (rc == 0)
		rc = need_object(ctx, "role", role_id);
	assignment_id(id, sizeof(id), target_id, actor_id, role_id);
	if (rc == 0 && grant) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", id, "role_id", role_id,
			"actor_type", actor_type, "actor_id", actor_id, "target_type", target_type,
			"target_id", target_id);
		rc = cp_obj_put(ctx->db, "role_assignment", o, NULL, NULL, false);
		json_decref(o);
	} else if (rc == 0) {
		rc = cp_obj_del(ctx->db, "role_assignment", id);
		if (rc == -ENOENT)
			cp_fail(&ctx->err, rc, "Not Found", "Could not find role assignment.");
	}
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

int cp_identity_check_assignment(struct cp_ctx *ctx, const char *target_type,
	const char *target_id, const char *actor_type, const char *actor_id, const char *role_id)
{
	char id[3 * CP_ID_LEN + 4];
	json_t *o;
	int rc = admin_only(ctx, "role_assignment", CP_READ);

	(void)target_type;
	(void)actor_type;
	if (rc)
		return rc;
	assignment_id(id, sizeof(id), target_id, actor_id, role_id);
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	o = cp_obj_get(ctx->db, "role_assignment", id);
	cp_db_commit(ctx->db);
	if (!o)
		return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find role assignment.");
	json_decref(o);
	return 0;
}

/* Group ids user_id belongs to (in a transaction). */
static json_t *groups_of(struct cp_ctx *ctx, const char *user_id)
{
	json_t *all = cp_obj_list_by(ctx->db, "group_membership", "user_id", user_id), *o;
	json_t *out = json_array();
	size_t i;

	json_array_foreach(all, i, o)
		json_array_append(out, json_object_get(o, "group_id"));
	json_decref(all);
	return out;
}

static bool in_list(const json_t *arr, const char *s)
{
	size_t i;
	const json_t *v;

	json_array_foreach(arr, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

struct held_roles {
	const char *actor_type;
	json_t *ids;
};

static int add_held_role(const char *role_id, const char *actor_type, void *arg)
{
	struct held_roles *h = arg;

	if (strcmp(actor_type, h->actor_type) == 0 && !in_list(h->ids, role_id))
		json_array_append_new(h->ids, json_string(role_id));
	return 0;
}

/* Appends to ids the roles an actor of actor_type holds directly on
 * target, reading only that actor's assignments there (store_assignments.c). */
static void roles_on(struct cp_ctx *ctx, const char *target, const char *actor_type,
	const char *actor, json_t *ids)
{
	struct held_roles h = {actor_type, ids};

	cp_store_assignments_of(ctx->db, target, actor, add_held_role, &h);
}

json_t *cp_identity_effective_roles(struct cp_ctx *ctx, const char *user_id,
	const char *project_id)
{
	/* Only the user's and its groups' assignments on the project: token
	 * validation must not grow with the assignments in the database. */
	json_t *groups = groups_of(ctx, user_id), *all, *o;
	json_t *ids = json_array(), *roles = json_array();
	size_t i;

	roles_on(ctx, project_id, "user", user_id, ids);
	json_array_foreach(groups, i, o)
		roles_on(ctx, project_id, "group", json_string_value(o), ids);
	/* Implied roles count; domain-specific roles do not go into tokens
	 * (Keystone): only the global roles they imply do. */
	all = cp_identity_expand_roles(ctx, ids);
	json_array_foreach(all, i, o) {
		json_t *role = cp_obj_get(ctx->db, "role", json_string_value(o));

		if (role && !cp_json_str(role, "domain_id"))
			json_array_append_new(roles, json_pack("{s:O, s:O}", "id",
							     json_object_get(role, "id"), "name",
							     json_object_get(role, "name")));
		json_decref(role);
	}
	json_decref(ids);
	json_decref(all);
	json_decref(groups);
	return roles;
}

/* Adds "name" (and "domain" for users, groups and projects) to ref. */
static void add_name(struct cp_ctx *ctx, json_t *ref, const char *kind)
{
	json_t *obj = cp_obj_get(ctx->db, kind, cp_json_str(ref, "id"));
	const char *dom = cp_json_str(obj, "domain_id");

	if (!obj)
		return;
	json_object_set(ref, "name", json_object_get(obj, "name"));
	if (dom && strcmp(kind, "role") != 0) {
		json_t *d = cp_obj_get(ctx->db, "domain", dom);

		json_object_set_new(ref, "domain", json_pack("{s:s, s:s}", "id", dom, "name",
							   d ? cp_json_str(d, "name") : ""));
		json_decref(d);
	}
	json_decref(obj);
}

static json_t *shape_assignment(struct cp_ctx *ctx, const json_t *o, const char *user_override,
	bool names)
{
	const char *actor_type = user_override ? "user" : cp_json_str(o, "actor_type");
	const char *actor = user_override ? user_override : cp_json_str(o, "actor_id");
	const char *target_type = cp_json_str(o, "target_type");
	json_t *a = json_pack("{s:{s:O}, s:{s:s}, s:{s:{s:s}}, s:{}}", "role", "id",
		json_object_get(o, "role_id"), actor_type, "id", actor, "scope", target_type, "id",
		cp_json_str(o, "target_id"), "links");

	if (a && strcmp(target_type, "system") == 0) {
		/* Keystone's system scope is {"all": true}, not an object's id. */
		json_object_set_new(json_object_get(a, "scope"), "system",
			json_pack("{s:b}", "all", true));
		if (names) {
			add_name(ctx, json_object_get(a, "role"), "role");
			add_name(ctx, json_object_get(a, actor_type), actor_type);
		}
		return a;
	}
	if (a && names) {
		add_name(ctx, json_object_get(a, "role"), "role");
		add_name(ctx, json_object_get(a, actor_type), actor_type);
		add_name(ctx, json_object_get(json_object_get(a, "scope"), target_type), target_type);
	}
	return a;
}

static bool filter_ok(const json_t *filters, const char *key, const char *value)
{
	const json_t *want = json_object_get(filters, key);

	if (!want || !json_array_size(want))
		return true;
	return value && in_list(want, value);
}

static bool assignment_matches(const json_t *a, const json_t *filters)
{
	const json_t *scope = json_object_get(a, "scope");
	const json_t *proj = json_object_get(scope, "project"), *dom = json_object_get(scope, "domain");

	return filter_ok(filters, "user.id", cp_json_str(json_object_get(a, "user"), "id")) &&
		filter_ok(filters, "group.id", cp_json_str(json_object_get(a, "group"), "id")) &&
		filter_ok(filters, "role.id", cp_json_str(json_object_get(a, "role"), "id")) &&
		filter_ok(filters, "scope.project.id", cp_json_str(proj, "id")) &&
		filter_ok(filters, "scope.domain.id", cp_json_str(dom, "id")) &&
		filter_ok(filters, "scope.system", json_object_get(scope, "system") ? "all" : NULL);
}

/* Appends a to res, or (effective) one copy per role it gives: the role and
 * all it implies, domain-specific roles left out as tokens leave them. */
static void append_effective(struct cp_ctx *ctx, json_t *res, json_t *a, bool effective)
{
	json_t *direct, *ids, *v;
	size_t i;

	if (!effective) {
		json_array_append_new(res, a);
		return;
	}
	direct = json_pack("[O]", json_object_get(json_object_get(a, "role"), "id"));
	ids = cp_identity_expand_roles(ctx, direct);
	json_decref(direct);
	json_array_foreach(ids, i, v) {
		json_t *role = cp_obj_get(ctx->db, "role", json_string_value(v));

		if (role && !cp_json_str(role, "domain_id")) {
			json_t *copy = json_deep_copy(a);

			json_object_set(json_object_get(copy, "role"), "id", v);
			if (json_object_get(json_object_get(a, "role"), "name"))
				json_object_set(json_object_get(copy, "role"), "name",
					json_object_get(role, "name"));
			json_array_append_new(res, copy);
		}
		json_decref(role);
	}
	json_decref(ids);
	json_decref(a);
}

int cp_identity_list_assignments(struct cp_ctx *ctx, const json_t *filters, bool effective,
	bool names, json_t **out)
{
	json_t *all, *o, *res = json_array();
	size_t i;
	int rc = admin_only(ctx, "role_assignment", CP_READ);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	all = cp_obj_list(ctx->db, "role_assignment", NULL, false, NULL, 0);
	json_array_foreach(all, i, o) {
		if (effective && strcmp(cp_json_str(o, "actor_type"), "group") == 0) {
			json_t *members = cp_obj_list_by(ctx->db, "group_membership", "group_id",
				cp_json_str(o, "actor_id")), *m;
			size_t j;

			json_array_foreach(members, j, m)
				append_effective(ctx, res,
					shape_assignment(ctx, o, cp_json_str(m, "user_id"), names), true);
			json_decref(members);
			continue;
		}
		append_effective(ctx, res, shape_assignment(ctx, o, NULL, names), effective);
	}
	json_decref(all);
	cp_db_commit(ctx->db);
	*out = json_array();
	json_array_foreach(res, i, o)
		if (assignment_matches(o, filters))
			json_array_append(*out, o);
	json_decref(res);
	return 0;
}

int cp_identity_list_roles_on(struct cp_ctx *ctx, const char *target_type, const char *target_id,
	const char *actor_type, const char *actor_id, json_t **out)
{
	json_t *all, *o;
	size_t i;
	int rc = admin_only(ctx, "role_assignment", CP_READ);

	(void)target_type;
	(void)actor_type;
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	*out = json_array();
	all = cp_obj_list_by(ctx->db, "role_assignment", "target_id", target_id);
	json_array_foreach(all, i, o) {
		json_t *role;

		if (strcmp(cp_json_str(o, "actor_id"), actor_id) != 0)
			continue;
		role = cp_obj_get(ctx->db, "role", cp_json_str(o, "role_id"));
		if (role)
			json_array_append_new(*out, role);
	}
	json_decref(all);
	cp_db_commit(ctx->db);
	return 0;
}

int cp_identity_membership(struct cp_ctx *ctx, const char *group_id, const char *user_id, int op)
{
	char id[2 * CP_ID_LEN + 2];
	json_t *o;
	int rc = admin_only(ctx, "group_membership", op > 0 ? CP_CREATE : op < 0 ? CP_DELETE
										: CP_READ);

	if (rc)
		return rc;
	snprintf(id, sizeof(id), "%s:%s", group_id, user_id);
	if (cp_db_begin(ctx->db, op != 0))
		return -EIO;
	rc = need_object(ctx, "group", group_id);
	if (rc == 0)
		rc = need_object(ctx, "user", user_id);
	if (rc == 0 && op > 0) {
		o = json_pack("{s:s, s:s, s:s}", "id", id, "group_id", group_id, "user_id", user_id);
		rc = cp_obj_put(ctx->db, "group_membership", o, NULL, NULL, false);
		json_decref(o);
	} else if (rc == 0 && op < 0) {
		rc = cp_obj_del(ctx->db, "group_membership", id);
	} else if (rc == 0) {
		o = cp_obj_get(ctx->db, "group_membership", id);
		rc = o ? 0 : -ENOENT;
		json_decref(o);
	}
	if (rc == -ENOENT && !ctx->err.code)
		cp_fail(&ctx->err, rc, "Not Found", "User %s is not a member of group %s.", user_id,
			group_id);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return op ? cp_db_commit(ctx->db) : (cp_db_commit(ctx->db), 0);
}

static int members(struct cp_ctx *ctx, const char *match_key, const char *match,
	const char *out_key, const char *out_kind, json_t **out)
{
	json_t *all, *o;
	size_t i;
	int rc = admin_only(ctx, "group_membership", CP_READ);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	*out = json_array();
	all = cp_obj_list_by(ctx->db, "group_membership", match_key, match);
	json_array_foreach(all, i, o) {
		json_t *x = cp_obj_get(ctx->db, out_kind, cp_json_str(o, out_key));

		if (x)
			json_array_append_new(*out, x);
	}
	json_decref(all);
	cp_db_commit(ctx->db);
	return 0;
}

int cp_identity_group_users(struct cp_ctx *ctx, const char *group_id, json_t **out)
{
	return members(ctx, "group_id", group_id, "user_id", "user", out);
}

int cp_identity_user_groups(struct cp_ctx *ctx, const char *user_id, json_t **out)
{
	return members(ctx, "user_id", user_id, "group_id", "group", out);
}

int cp_identity_user_targets(struct cp_ctx *ctx, const char *user_id, const char *kind,
	json_t **out)
{
	json_t *projects;
	size_t i;
	json_t *p;

	/* Users may list their own projects and domains; others' need admin. */
	if (strcmp(user_id, ctx->caller->user_id) != 0 && admin_only(ctx, kind, CP_READ))
		return ctx->err.code;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	*out = json_array();
	projects = cp_obj_list(ctx->db, kind, NULL, false, NULL, 0);
	json_array_foreach(projects, i, p) {
		json_t *roles = cp_identity_effective_roles(ctx, user_id, cp_json_str(p, "id"));

		if (json_array_size(roles))
			json_array_append(*out, p);
		json_decref(roles);
	}
	json_decref(projects);
	cp_db_commit(ctx->db);
	return 0;
}
