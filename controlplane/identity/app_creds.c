/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application credentials (Keystone's /v3/users/{id}/application_credentials)
 * and their access rules (/v3/users/{id}/access_rules).
 *
 * An application credential lets a program authenticate as its user, on
 * one project, with at most the roles the user had there when it was made
 * (and still has: a token's roles are the credential's roles the user
 * still holds, resolved at each validation as for password tokens). The
 * secret is shown once, at creation, and kept only as an argon2id hash,
 * as passwords are (password.c). Deleting the credential ends its tokens
 * at once: a validation reads it, and its deletion ends the kept
 * validations (token_cache.h). A restricted one (the default) cannot make
 * or delete application credentials.
 *
 * Access rules are kept and shown as Keystone keeps them: one object per
 * distinct (service, method, path) of a user, shared by the credentials
 * that name it, not deletable while one does. A token of a credential
 * with rules serves only requests one of them matches, as
 * keystonemiddleware enforces them in each service: the service's type,
 * the method, and the path as the service sees it, where "*" stands for
 * one segment and "**" for any number.
 *
 * Control threads only. Each public function runs its own transactions
 * except where identity.h says otherwise.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#define KIND CP_APP_CRED_KIND
#define RULE_KIND "access_rule"
#define NAME_MAX_LEN 255
#define SECRET_MAX_LEN 4096

static int not_found(struct cp_ctx *ctx, const char *id)
{
	return cp_fail(&ctx->err, -ENOENT, "Not Found",
		"Could not find application credential: %s.", id);
}

static int forbidden(struct cp_ctx *ctx, const char *action)
{
	return cp_fail(&ctx->err, -EPERM, "Forbidden",
		"You are not authorized to perform the requested action: identity:%s.", action);
}

static int invalid(struct cp_ctx *ctx, const char *what)
{
	return cp_fail(&ctx->err, -EINVAL, "ValidationError", "Invalid input for field '%s'.",
		what);
}

/* Seconds since the epoch of an ISO 8601 time as Keystone takes it
 * ("2026-12-04T05:00:00", with optional fraction and "Z" or "+00:00");
 * -1 when it is not one. */
static int64_t parse_time(const char *s)
{
	struct tm tm = {0};
	int n = 0, oh = 0, om = 0;
	char sign;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		s += strspn(s, "0123456789");
	}
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && sscanf(s, "%c%2d:%2d%n", &sign, &oh, &om, &n) == 3)
		s += n;
	if (*s || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || oh > 23 || om > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) - (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
}

int64_t cp_identity_app_cred_expiry(const json_t *cred)
{
	const char *at = cp_json_str(cred, "expires_at");

	return at ? parse_time(at) : 0;
}

/* The roles named by req (each {"id"} or {"name"}) out of held; all of held
 * when req is absent. -ENOENT (err filled) when one is not held. */
static int pick_roles(struct cp_ctx *ctx, const json_t *req, const json_t *held, json_t **out)
{
	const json_t *want, *h;
	size_t i, j;

	if (!req || json_is_null(req)) {
		*out = json_deep_copy(held);
		return 0;
	}
	if (!json_is_array(req))
		return invalid(ctx, "roles");
	*out = json_array();
	json_array_foreach(req, i, want) {
		const char *id = cp_json_str(want, "id"), *name = cp_json_str(want, "name");
		const json_t *found = NULL;

		if (!json_is_object(want) || (!id && !name)) {
			json_decref(*out);
			return invalid(ctx, "roles");
		}
		json_array_foreach(held, j, h)
			if (id ? strcmp(cp_json_str(h, "id") ?: "", id) == 0
			       : strcmp(cp_json_str(h, "name") ?: "", name) == 0)
				found = h;
		if (!found) {
			json_decref(*out);
			return cp_fail(&ctx->err, -ENOENT, "Not Found",
				"Could not find role assignment with role: %s, user or group: %s, "
				"project, domain, or system: %s.",
				id ?: name, ctx->caller->user_id, ctx->caller->project_id);
		}
		json_array_append_new(*out, json_deep_copy(found));
	}
	return 0;
}

/* The user's access rule equal to rule ({service, method, path}, or {id} of
 * one of the user's), created when new; its id into id. In the write
 * transaction. */
static int rule_id(struct cp_ctx *ctx, const char *user_id, const json_t *rule, char id[CP_ID_LEN])
{
	const char *want_id = cp_json_str(rule, "id");
	const char *svc = cp_json_str(rule, "service"), *method = cp_json_str(rule, "method");
	const char *path = cp_json_str(rule, "path");
	json_t *mine = cp_obj_list_by(ctx->db, RULE_KIND, "user_id", user_id), *r, *o;
	size_t i;
	int rc;

	json_array_foreach(mine, i, r)
		if (want_id ? strcmp(cp_json_str(r, "id"), want_id) == 0
			    : (svc && method && path && strcmp(cp_json_str(r, "service"), svc) == 0 &&
				      strcmp(cp_json_str(r, "method"), method) == 0 &&
				      strcmp(cp_json_str(r, "path"), path) == 0)) {
			snprintf(id, CP_ID_LEN, "%s", cp_json_str(r, "id"));
			json_decref(mine);
			return 0;
		}
	json_decref(mine);
	if (want_id)
		return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find access rule: %s.",
			want_id);
	if (!svc || !method || !path || strlen(svc) > 255 || strlen(path) > 225 ||
		strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(method) || !method[0] ||
		strlen(method) > 16)
		return invalid(ctx, "access_rules");
	cp_uuid(id, false);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "user_id", user_id, "service", svc,
		"method", method, "path", path);
	rc = cp_obj_put(ctx->db, RULE_KIND, o, NULL, NULL, false);
	json_decref(o);
	return rc;
}

static json_t *rule_view(const json_t *r)
{
	return json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(r, "id"), "service",
		json_object_get(r, "service"), "method", json_object_get(r, "method"), "path",
		json_object_get(r, "path"));
}

/* The credential as the API shows it: no secret hash, its rules whole. */
static json_t *view(struct cp_ctx *ctx, const json_t *cred)
{
	json_t *v = json_deep_copy(cred), *rules = json_array(), *id;
	size_t i;

	json_object_del(v, "secret_hash");
	json_object_del(v, "revision_number");
	json_array_foreach(json_object_get(cred, "access_rules"), i, id) {
		json_t *r = cp_obj_get(ctx->db, RULE_KIND, json_string_value(id));

		if (r)
			json_array_append_new(rules, rule_view(r));
		json_decref(r);
	}
	json_object_set_new(v, "access_rules", rules);
	return v;
}

/* Whether the caller may read user_id's credentials: the user or an admin. */
static bool may_read(struct cp_ctx *ctx, const char *user_id)
{
	return strcmp(ctx->caller->user_id, user_id) == 0 || ctx->caller->is_admin;
}

/* Checks a create request's own fields; the secret into secret (made when
 * not given: 64 URL-safe characters, as Keystone makes 86). */
static int check_request(struct cp_ctx *ctx, const json_t *req, char *secret, size_t len)
{
	const char *name = cp_json_str(req, "name"), *given = cp_json_str(req, "secret");
	const json_t *desc = json_object_get(req, "description");
	const json_t *exp = json_object_get(req, "expires_at");
	const json_t *unres = json_object_get(req, "unrestricted");
	const json_t *rules = json_object_get(req, "access_rules");

	if (!json_is_object(req))
		return invalid(ctx, "application_credential");
	if (!name || !name[0] || strlen(name) > NAME_MAX_LEN)
		return invalid(ctx, "name");
	if (desc && !json_is_null(desc) && !json_is_string(desc))
		return invalid(ctx, "description");
	if (exp && !json_is_null(exp) &&
		(!json_is_string(exp) || parse_time(json_string_value(exp)) < 0))
		return invalid(ctx, "expires_at");
	if (exp && json_is_string(exp) && parse_time(json_string_value(exp)) <= cp_now())
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"The expiration time of an application credential must be in the future.");
	if (unres && !json_is_boolean(unres))
		return invalid(ctx, "unrestricted");
	if (rules && !json_is_null(rules) && !json_is_array(rules))
		return invalid(ctx, "access_rules");
	if (json_object_get(req, "secret") && (!given || !given[0] || strlen(given) > SECRET_MAX_LEN))
		return invalid(ctx, "secret");
	if (given) {
		snprintf(secret, len, "%s", given);
	} else {
		uint8_t raw[48];

		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(secret, len, raw, sizeof(raw),
			sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	return 0;
}

/* Fills cred (the new object) in the write transaction: roles, rules, name. */
static int fill(struct cp_ctx *ctx, const char *user_id, const json_t *req, json_t *cred)
{
	json_t *held, *roles = NULL, *mine, *o, *ids = json_array();
	const json_t *rule;
	const char *name = cp_json_str(req, "name");
	char id[CP_ID_LEN];
	size_t i;
	int rc = 0;

	mine = cp_obj_list_by(ctx->db, KIND, "user_id", user_id);
	json_array_foreach(mine, i, o)
		if (strcmp(cp_json_str(o, "name") ?: "", name) == 0)
			rc = cp_fail(&ctx->err, -EEXIST, "Conflict",
				"Conflict occurred attempting to store application_credential - "
				"Duplicate entry found with name %s.",
				name);
	json_decref(mine);
	held = cp_identity_effective_roles(ctx, user_id, ctx->caller->project_id);
	if (rc == 0)
		rc = pick_roles(ctx, json_object_get(req, "roles"), held, &roles);
	json_decref(held);
	if (rc == 0 && json_array_size(roles) == 0)
		rc = cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"An application credential needs at least one role.");
	json_array_foreach(json_object_get(req, "access_rules"), i, rule) {
		if (rc == 0 && !json_is_object(rule))
			rc = invalid(ctx, "access_rules");
		if (rc == 0)
			rc = rule_id(ctx, user_id, rule, id);
		if (rc == 0)
			json_array_append_new(ids, json_string(id));
	}
	json_object_set_new(cred, "roles", roles ? roles : json_array());
	json_object_set_new(cred, "access_rules", ids);
	return rc;
}

int cp_identity_app_cred_create(struct cp_ctx *ctx, const char *user_id, const json_t *req,
	json_t **out)
{
	char secret[SECRET_MAX_LEN + 1], hash[128], id[CP_ID_LEN];
	const json_t *desc = json_object_get(req, "description"), *exp;
	json_t *cred;
	int rc;

	if (strcmp(ctx->caller->user_id, user_id) != 0)
		return forbidden(ctx, "create_application_credential");
	if (ctx->caller->app_cred_restricted)
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"Using method 'application_credential' is not allowed for managing "
			"additional application credentials.");
	if (!ctx->caller->project_id[0])
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"An application credential is made from a project-scoped token.");
	rc = check_request(ctx, req, secret, sizeof(secret));
	if (rc == 0)
		rc = cp_identity_hash_secret(ctx, secret, hash);
	if (rc)
		return rc;
	cp_uuid(id, false);
	exp = json_object_get(req, "expires_at");
	cred = json_pack("{s:s, s:O, s:O, s:s, s:s, s:b, s:O, s:s}", "id", id, "name",
		json_object_get(req, "name"), "description", desc ? desc : json_null(), "user_id",
		user_id, "project_id", ctx->caller->project_id, "unrestricted",
		cp_json_bool(req, "unrestricted", false), "expires_at", exp ? exp : json_null(),
		"secret_hash", hash);
	if (cp_db_begin(ctx->db, true)) {
		json_decref(cred);
		return -EIO;
	}
	rc = fill(ctx, user_id, req, cred);
	if (rc == 0)
		rc = cp_obj_put(ctx->db, KIND, cred, NULL, NULL, false);
	if (rc == 0) {
		*out = view(ctx, cred);
		json_object_set_new(*out, "secret", json_string(secret));
	}
	sodium_memzero(secret, sizeof(secret));
	json_decref(cred);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	rc = cp_db_commit(ctx->db);
	if (rc)
		json_decref(*out);
	return rc;
}

int cp_identity_app_cred_list(struct cp_ctx *ctx, const char *user_id, const char *name,
	json_t **out)
{
	json_t *all, *c;
	size_t i;

	if (!may_read(ctx, user_id))
		return forbidden(ctx, "list_application_credentials");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	all = cp_obj_list_by(ctx->db, KIND, "user_id", user_id);
	*out = json_array();
	json_array_foreach(all, i, c)
		if (!name || strcmp(cp_json_str(c, "name") ?: "", name) == 0)
			json_array_append_new(*out, view(ctx, c));
	cp_db_commit(ctx->db);
	json_decref(all);
	return 0;
}

/* user_id's credential id, in a transaction; NULL (err filled) if none. */
static json_t *load(struct cp_ctx *ctx, const char *user_id, const char *id)
{
	json_t *c = cp_obj_get(ctx->db, KIND, id);

	if (c && strcmp(cp_json_str(c, "user_id") ?: "", user_id) != 0) {
		json_decref(c);
		c = NULL;
	}
	if (!c)
		not_found(ctx, id);
	return c;
}

int cp_identity_app_cred_show(struct cp_ctx *ctx, const char *user_id, const char *id,
	json_t **out)
{
	json_t *c;

	if (!may_read(ctx, user_id))
		return forbidden(ctx, "get_application_credential");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	c = load(ctx, user_id, id);
	if (c)
		*out = view(ctx, c);
	cp_db_commit(ctx->db);
	json_decref(c);
	return c ? 0 : -ENOENT;
}

int cp_identity_app_cred_delete(struct cp_ctx *ctx, const char *user_id, const char *id)
{
	json_t *c;
	int rc;

	if (!may_read(ctx, user_id))
		return forbidden(ctx, "delete_application_credential");
	if (ctx->caller->app_cred_restricted)
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"Using method 'application_credential' is not allowed for managing "
			"additional application credentials.");
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	c = load(ctx, user_id, id);
	rc = c ? cp_obj_del(ctx->db, KIND, id) : -ENOENT;
	json_decref(c);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

/* Whether any of user_id's credentials names rule id. */
static bool rule_in_use(struct cp_ctx *ctx, const char *user_id, const char *id)
{
	json_t *all = cp_obj_list_by(ctx->db, KIND, "user_id", user_id), *c, *r;
	bool used = false;
	size_t i, j;

	json_array_foreach(all, i, c)
		json_array_foreach(json_object_get(c, "access_rules"), j, r)
			used = used || strcmp(json_string_value(r) ?: "", id) == 0;
	json_decref(all);
	return used;
}

int cp_identity_access_rules(struct cp_ctx *ctx, const char *user_id, const char *id,
	bool delete_it, json_t **out)
{
	json_t *r = NULL, *all, *o;
	size_t i;
	int rc = 0;

	if (!may_read(ctx, user_id))
		return forbidden(ctx, delete_it ? "delete_access_rule" : "get_access_rule");
	if (cp_db_begin(ctx->db, delete_it))
		return -EIO;
	if (!id) {
		all = cp_obj_list_by(ctx->db, RULE_KIND, "user_id", user_id);
		*out = json_array();
		json_array_foreach(all, i, o)
			json_array_append_new(*out, rule_view(o));
		json_decref(all);
		cp_db_commit(ctx->db);
		return 0;
	}
	r = cp_obj_get(ctx->db, RULE_KIND, id);
	if (!r || strcmp(cp_json_str(r, "user_id") ?: "", user_id) != 0)
		rc = cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find access rule: %s.", id);
	else if (delete_it && rule_in_use(ctx, user_id, id))
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
			"Cannot delete access rule %s: an application credential uses it.", id);
	else if (delete_it)
		rc = cp_obj_del(ctx->db, RULE_KIND, id);
	else
		*out = rule_view(r);
	json_decref(r);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

int cp_identity_app_cred_check(struct cp_ctx *ctx, const json_t *ref, const char *user_id,
	json_t **cred)
{
	const char *id = cp_json_str(ref, "id"), *name = cp_json_str(ref, "name");
	const char *secret = cp_json_str(ref, "secret");
	json_t *c = NULL, *all, *o;
	int64_t exp;
	size_t i;
	int rc;

	*cred = NULL;
	if (!json_is_object(ref) || !secret || (!id && !(name && user_id)))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting identity.application_credential with a secret and an id, or a "
			"name and its user.");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	if (id) {
		c = cp_obj_get(ctx->db, KIND, id);
	} else {
		all = cp_obj_list_by(ctx->db, KIND, "user_id", user_id);
		json_array_foreach(all, i, o)
			if (!c && strcmp(cp_json_str(o, "name") ?: "", name) == 0)
				c = json_incref(o);
		json_decref(all);
	}
	cp_db_commit(ctx->db);
	/* Checked against the dummy when unknown: the same time either way. */
	rc = cp_identity_verify_secret(ctx, cp_json_str(c, "secret_hash"), secret);
	exp = cp_identity_app_cred_expiry(c);
	if (rc == 0 && exp && exp <= cp_now())
		rc = cp_fail(&ctx->err, -EKEYEXPIRED, "Unauthorized",
			"The application credential has expired.");
	if (rc) {
		json_decref(c);
		return rc;
	}
	*cred = c;
	return 0;
}

json_t *cp_identity_app_cred_roles(const json_t *cred, const json_t *held)
{
	json_t *out = json_array();
	const json_t *want, *h;
	size_t i, j;

	json_array_foreach(json_object_get(cred, "roles"), i, want)
		json_array_foreach(held, j, h)
			if (strcmp(cp_json_str(h, "id") ?: "", cp_json_str(want, "id") ?: "") == 0)
				json_array_append_new(out, json_deep_copy(h));
	return out;
}

/* Whether path matches pattern, "/"-separated, "*" one segment, "**" any. */
static bool path_fits(const char *pattern, const char *path)
{
	const char *pe, *se;
	size_t plen, slen;

	while (*pattern == '/')
		pattern++;
	while (*path == '/')
		path++;
	if (!*pattern)
		return !*path;
	pe = strchr(pattern, '/');
	plen = pe ? (size_t)(pe - pattern) : strlen(pattern);
	if (plen == 2 && strncmp(pattern, "**", 2) == 0) {
		for (;;) {
			if (path_fits(pattern + plen, path))
				return true;
			if (!*path)
				return false;
			se = strchr(path, '/');
			path = se ? se : path + strlen(path);
			while (*path == '/')
				path++;
		}
	}
	if (!*path)
		return false;
	se = strchr(path, '/');
	slen = se ? (size_t)(se - path) : strlen(path);
	if (!(plen == 1 && *pattern == '*') && (plen != slen || strncmp(pattern, path, plen) != 0))
		return false;
	return path_fits(pattern + plen, path + slen);
}

int cp_identity_app_cred_permits(struct cp_ctx *ctx, const char *cred_id,
	const char *const *services, const char *method, const char *path)
{
	json_t *cred, *id;
	bool ok = false;
	size_t i;

	if (cp_db_begin(ctx->db, false))
		return -EIO;
	cred = cp_obj_get(ctx->db, KIND, cred_id);
	json_array_foreach(json_object_get(cred, "access_rules"), i, id) {
		json_t *r = cp_obj_get(ctx->db, RULE_KIND, json_string_value(id));
		const char *svc = cp_json_str(r, "service") ?: "";

		for (const char *const *s = services; r && *s && !ok; s++)
			ok = strcmp(svc, *s) == 0 && strcmp(cp_json_str(r, "method") ?: "", method) == 0 &&
				path_fits(cp_json_str(r, "path") ?: "", path);
		json_decref(r);
	}
	cp_db_commit(ctx->db);
	json_decref(cred);
	return ok ? 0 : cp_fail(&ctx->err, -ENOKEY, "Unauthorized",
				"The application credential's access rules do not allow %s %s.", method,
				path);
}
