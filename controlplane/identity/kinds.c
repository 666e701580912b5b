/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's objects as generic resource kinds: schemas, name uniqueness,
 * passwords moved out of the document, and cascades on delete.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#define NAME_ATTR {"name", CP_T_STR, CP_A_RW | CP_A_REQ, NULL}
/* Keystone allows 64 characters for domain, project and group names. */
#define SHORT_NAME_ATTR {"name", CP_T_STR, CP_A_RW | CP_A_REQ, NULL, 64}
#define DESC_ATTR {"description", CP_T_STR, CP_A_RW | CP_A_NULL, "\"\""}
#define ENABLED_ATTR {"enabled", CP_T_BOOL, CP_A_RW, "true"}
#define DOMAIN_ATTR {"domain_id", CP_T_STR, CP_A_POST, "\"" CP_DEFAULT_DOMAIN "\""}
#define OPTIONS_ATTR {"options", CP_T_OBJ, CP_A_RW, "{}"}

static int unique_name(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj,
	const char *scope_attr)
{
	const char *name = cp_json_str(obj, "name");

	if (!name || !name[0])
		return cp_fail(&ctx->err, -EINVAL, "ValidationError", "name must not be empty");
	if (cp_res_exists(ctx, k, "name", name, scope_attr,
		    scope_attr ? (cp_json_str(obj, scope_attr) ?: "") : NULL, cp_json_str(obj, "id")))
		return cp_fail(&ctx->err, -EEXIST, "Conflict",
			"Conflict occurred attempting to store %s - Duplicate entry.", k->name);
	return 0;
}

static int need_domain(struct cp_ctx *ctx, const json_t *obj)
{
	const char *dom = cp_json_str(obj, "domain_id");
	json_t *d;

	if (!dom)
		return 0;
	d = cp_obj_get(ctx->db, "domain", dom);
	/* Keystone's DomainNotFound: 404, as tempest and the CLI expect. */
	if (!d)
		return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find domain: %s.", dom);
	json_decref(d);
	return 0;
}

/* Removes the role assignments, memberships, credentials, application
 * credentials and access rules whose field is id. */
static int drop_references(struct cp_ctx *ctx, const char *field, const char *id)
{
	static const char *const kinds[] = {"role_assignment", "group_membership", "credential",
		"application_credential", "access_rule"};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		json_t *all = cp_obj_list_by(ctx->db, kinds[k], field, id), *o;
		size_t i;
		int rc = 0;

		json_array_foreach(all, i, o)
			if ((rc = cp_obj_del(ctx->db, kinds[k], cp_json_str(o, "id"))))
				break;
		json_decref(all);
		if (rc)
			return rc;
	}
	return 0;
}

static int domain_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	(void)old;
	return unique_name(ctx, &cp_kind_domain, obj, NULL);
}

/* Keystone deletes a domain's projects, users and groups with it (each
 * with its own cascade: assignments, memberships, passwords, tokens), and
 * its configuration. */
static int delete_members(struct cp_ctx *ctx, const char *domain_id)
{
	const struct cp_kind *const kinds[] = {&cp_kind_project, &cp_kind_user, &cp_kind_group};
	int rc = 0;

	for (size_t k = 0; rc == 0 && k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		json_t *all = cp_obj_list_by(ctx->db, kinds[k]->name, "domain_id", domain_id), *o;
		size_t i;

		json_array_foreach(all, i, o)
			if (rc == 0)
				rc = cp_res_remove(ctx, kinds[k], o);
		json_decref(all);
	}
	return rc;
}

static int domain_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	int rc;

	if (cp_json_bool(obj, "enabled", true))
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"Cannot delete a domain that is enabled, please disable it first.");
	rc = delete_members(ctx, cp_json_str(obj, "id"));
	if (rc == 0)
		rc = cp_domain_config_forget(ctx, cp_json_str(obj, "id"));
	return rc ? rc : drop_references(ctx, "target_id", cp_json_str(obj, "id"));
}

static const struct cp_attr domain_attrs[] = {
	SHORT_NAME_ATTR, DESC_ATTR, ENABLED_ATTR, OPTIONS_ATTR,
	{"tags", CP_T_LIST, CP_A_RW, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_domain = {
	.name = "domain",
	.not_found = "Not Found",
	.attrs = domain_attrs,
	.keystone = true,
	.prepare = domain_prepare,
	.before_delete = domain_before_delete,
};

static int project_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	int rc = old ? 0 : need_domain(ctx, obj);

	if (!old && !json_object_get(obj, "parent_id"))
		json_object_set(obj, "parent_id", json_object_get(obj, "domain_id"));
	return rc ? rc : unique_name(ctx, &cp_kind_project, obj, "domain_id");
}

static int project_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	int rc = drop_references(ctx, "target_id", cp_json_str(obj, "id"));

	/* Keystone drops a project's credentials and application credentials
	 * with it. */
	return rc ? rc : drop_references(ctx, "project_id", cp_json_str(obj, "id"));
}

static const struct cp_attr project_attrs[] = {
	SHORT_NAME_ATTR, DESC_ATTR, ENABLED_ATTR, DOMAIN_ATTR, OPTIONS_ATTR,
	{"is_domain", CP_T_BOOL, CP_A_POST, "false"},
	{"parent_id", CP_T_STR, CP_A_POST | CP_A_NULL, NULL},
	{"tags", CP_T_LIST, CP_A_RW, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_project = {
	.name = "project",
	.not_found = "Not Found",
	.attrs = project_attrs,
	.keystone = true,
	.prepare = project_prepare,
	.before_delete = project_before_delete,
};

static int user_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	json_t *pw = json_incref(json_object_get(obj, "password"));
	int rc = old ? 0 : need_domain(ctx, obj);

	/* The clear password never reaches the stored document. */
	json_object_del(obj, "password");
	if (rc == 0)
		rc = unique_name(ctx, &cp_kind_user, obj, "domain_id");
	if (rc == 0 && json_is_string(pw))
		rc = cp_identity_set_password(ctx, cp_json_str(obj, "id"), json_string_value(pw));
	json_decref(pw);
	if (!json_object_get(obj, "password_expires_at"))
		json_object_set_new(obj, "password_expires_at", json_null());
	return rc;
}

static int user_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	const char *id = cp_json_str(obj, "id");
	int rc = drop_references(ctx, "actor_id", id);

	if (rc == 0)
		rc = drop_references(ctx, "user_id", id);
	if (rc == 0)
		rc = cp_store_password_drop(ctx->db, id);
	if (rc == 0)
		rc = cp_store_tokens_drop_user(ctx->db, id);
	return rc;
}

static const struct cp_attr user_attrs[] = {
	NAME_ATTR, DESC_ATTR, ENABLED_ATTR, DOMAIN_ATTR, OPTIONS_ATTR,
	{"password", CP_T_STR, CP_A_RW | CP_A_NULL, NULL, 4096}, /* max_password_length */
	{"email", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{"default_project_id", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_user = {
	.name = "user",
	.not_found = "Not Found",
	.attrs = user_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = user_prepare,
	.before_delete = user_before_delete,
};

static int group_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	int rc = old ? 0 : need_domain(ctx, obj);

	return rc ? rc : unique_name(ctx, &cp_kind_group, obj, "domain_id");
}

static int group_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	int rc = drop_references(ctx, "actor_id", cp_json_str(obj, "id"));

	return rc ? rc : drop_references(ctx, "group_id", cp_json_str(obj, "id"));
}

static const struct cp_attr group_attrs[] = {
	SHORT_NAME_ATTR, DESC_ATTR, DOMAIN_ATTR,
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_group = {
	.name = "group",
	.not_found = "Not Found",
	.attrs = group_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = group_prepare,
	.before_delete = group_before_delete,
};

static int role_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	(void)old;
	return unique_name(ctx, &cp_kind_role, obj, NULL);
}

static int role_before_delete(struct cp_ctx *ctx, const json_t *obj)
{
	int rc = drop_references(ctx, "role_id", cp_json_str(obj, "id"));

	return rc ? rc : cp_identity_drop_implications(ctx, cp_json_str(obj, "id"));
}

static const struct cp_attr role_attrs[] = {
	NAME_ATTR, OPTIONS_ATTR,
	{"description", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{"domain_id", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_role = {
	.name = "role",
	.not_found = "Not Found",
	.attrs = role_attrs,
	.keystone = true,
	.prepare = role_prepare,
	.before_delete = role_before_delete,
};
