/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password authentication and tokens. A token is 32 random bytes (hex); the
 * database keeps only its BLAKE2b hash, its owner, scope, expiry and a
 * revocation flag, and the methods it was made with when not password
 * alone (token_methods: a token made from a token keeps its parent's, and
 * Keystone lists ["token", "password"]). Roles are resolved at validation,
 * so removing an assignment takes effect at once, as in Keystone; what a
 * validation resolved is kept until any of it may have changed
 * (token_cache.h).
 */
#include "identity.h"
#include "token_cache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

static void token_hash(const char *token, char out[CP_TOKEN_LEN])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), (const uint8_t *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, CP_TOKEN_LEN, h, sizeof(h));
}

static int unauthorized(struct cp_ctx *ctx)
{
	return cp_fail(&ctx->err, -EKEYREJECTED, "Unauthorized",
		"The request you have made requires authentication.");
}

/* The object of kind named name (in domain dom_id when given). */
static json_t *find_named(struct cp_ctx *ctx, const char *kind, const char *name,
	const char *dom_id)
{
	json_t *all = cp_obj_list_by(ctx->db, kind, "name", name), *o, *found = NULL;
	size_t i;

	json_array_foreach(all, i, o)
		if (!found && (!dom_id || strcmp(cp_json_str(o, "domain_id") ?: "", dom_id) == 0))
			found = json_incref(o);
	json_decref(all);
	return found;
}

/* Finds an object of kind by {"id"} or {"name", "domain": {"id"|"name"}}. */
static json_t *find_by_ref(struct cp_ctx *ctx, const char *kind, const json_t *ref)
{
	const char *id = cp_json_str(ref, "id"), *name = cp_json_str(ref, "name");
	const json_t *dref = json_object_get(ref, "domain");
	const char *dom_id = cp_json_str(dref, "id"), *dom_name = cp_json_str(dref, "name");
	json_t *d, *found;

	if (id)
		return cp_obj_get(ctx->db, kind, id);
	if (!name)
		return NULL;
	if (dom_id || !dom_name)
		return find_named(ctx, kind, name, dom_id);
	d = find_named(ctx, "domain", dom_name, NULL);
	if (!d)
		return NULL;
	found = find_named(ctx, kind, name, cp_json_str(d, "id"));
	json_decref(d);
	return found;
}

static json_t *ref_of(struct cp_ctx *ctx, const json_t *obj)
{
	const char *dom_id = cp_json_str(obj, "domain_id");
	json_t *d = dom_id ? cp_obj_get(ctx->db, "domain", dom_id) : NULL;
	json_t *ref = json_pack("{s:O, s:O, s:{s:s, s:s}}", "id", json_object_get(obj, "id"), "name",
		json_object_get(obj, "name"), "domain", "id", dom_id ?: "", "name",
		d ? cp_json_str(d, "name") : "");

	json_decref(d);
	return ref;
}

#define METHODS_LEN CP_STORE_METHODS_LEN

/* The methods column ("token,password") as the document's array. */
static json_t *methods_array(const char *methods)
{
	char buf[METHODS_LEN], *m, *save = NULL;
	json_t *arr = json_array();

	snprintf(buf, sizeof(buf), "%s", methods);
	for (m = strtok_r(buf, ",", &save); m; m = strtok_r(NULL, ",", &save))
		json_array_append_new(arr, json_string(m));
	return arr;
}

/* What a token's document says: cred is the application credential it
 * was made with, or NULL. */
struct token_facts {
	const json_t *user, *project, *cred;
	json_t *roles;
	int64_t issued, expires;
	const char *audit_id, *methods;
};

static json_t *token_document(struct cp_ctx *ctx, const struct token_facts *f)
{
	const json_t *user = f->user, *project = f->project;
	json_t *roles = f->roles;
	int64_t issued = f->issued, expires = f->expires;
	const char *audit_id = f->audit_id, *methods = f->methods;

	char iss[32], exp[32];
	json_t *t, *u = ref_of(ctx, user);

	cp_time_iso(iss, issued);
	cp_time_iso(exp, expires);
	/* Keystone prints microseconds; clients parse either. */
	json_object_set_new(u, "password_expires_at", json_null());
	t = json_pack("{s:o, s:o, s:[s], s:s, s:s}", "methods", methods_array(methods), "user", u,
		"audit_ids", audit_id, "issued_at", iss, "expires_at", exp);
	if (project) {
		json_object_set_new(t, "project", ref_of(ctx, project));
		json_object_set_new(t, "is_domain", json_false());
		json_object_set(t, "roles", roles);
		json_object_set_new(t, "catalog",
			cp_identity_catalog(ctx, cp_json_str(project, "id")));
	}
	if (f->cred)
		json_object_set_new(t, "application_credential",
			json_pack("{s:O, s:O, s:b}", "id", json_object_get(f->cred, "id"), "name",
				json_object_get(f->cred, "name"), "restricted",
				!cp_json_bool(f->cred, "unrestricted", false)));
	return json_pack("{s:o}", "token", t);
}

static bool has_role(const json_t *roles, const char *name)
{
	size_t i;
	const json_t *r;

	json_array_foreach(roles, i, r)
		if (strcmp(cp_json_str(r, "name") ?: "", name) == 0)
			return true;
	return false;
}

/* No scope asked for: as Keystone, the user's default project when it is
 * enabled and the user has a role there, else an unscoped token. */
static void default_scope(struct cp_ctx *ctx, const json_t *user, json_t **project,
	json_t **roles)
{
	const char *dp = cp_json_str(user, "default_project_id");
	json_t *p = dp ? cp_obj_get(ctx->db, "project", dp) : NULL, *r;

	if (!p || !cp_json_bool(p, "enabled", true)) {
		json_decref(p);
		return;
	}
	r = cp_identity_effective_roles(ctx, cp_json_str(user, "id"), dp);
	if (json_array_size(r) == 0) {
		json_decref(r);
		json_decref(p);
		return;
	}
	json_decref(*roles);
	*roles = r;
	*project = p;
}

/* Resolves the scope of an auth request to an enabled project with roles. */
static int resolve_scope(struct cp_ctx *ctx, const json_t *scope, const json_t *user,
	json_t **project, json_t **roles)
{
	const json_t *pref = json_object_get(scope, "project");

	*project = NULL;
	*roles = json_array();
	/* "unscoped" asks for an unscoped token explicitly. */
	if (json_is_string(scope) && strcmp(json_string_value(scope), "unscoped") == 0)
		return 0;
	if (!scope || json_is_null(scope)) {
		default_scope(ctx, user, project, roles);
		return 0;
	}
	if (!json_is_object(pref))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Only project scope is supported.");
	*project = find_by_ref(ctx, "project", pref);
	if (!*project || !cp_json_bool(*project, "enabled", true))
		return unauthorized(ctx);
	json_decref(*roles);
	*roles = cp_identity_effective_roles(ctx, cp_json_str(user, "id"),
		cp_json_str(*project, "id"));
	if (json_array_size(*roles) == 0)
		return unauthorized(ctx);
	return 0;
}

static int store_token(struct cp_ctx *ctx, const char *token, const char *user_id,
	const char *project_id, int64_t issued, int64_t expires, const char *audit_id,
	const char *methods, const char *app_cred_id)
{
	char hash[CP_TOKEN_LEN];
	struct cp_stored_token t = {.issued_at = issued, .expires_at = expires};
	int rc;

	snprintf(t.user_id, sizeof(t.user_id), "%s", user_id);
	snprintf(t.project_id, sizeof(t.project_id), "%s", project_id ?: "");
	snprintf(t.audit_id, sizeof(t.audit_id), "%s", audit_id);
	snprintf(t.methods, sizeof(t.methods), "%s", methods);
	snprintf(t.app_cred_id, sizeof(t.app_cred_id), "%s", app_cred_id ?: "");
	token_hash(token, hash);
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = cp_store_token_put(ctx->db, hash, &t);
	/* Expired tokens are dead weight: sweep those a day past expiry while
	 * we hold the lock (a day: "expired", not "unknown", for a while). */
	if (rc == 0)
		cp_store_tokens_sweep(ctx->db, cp_now() - 86400);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

/* The document as compact JSON text, the form it is kept and sent in. */
static int document_text(struct cp_ctx *ctx, const struct token_facts *f, char **out)
{
	json_t *doc = token_document(ctx, f);

	*out = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	return *out ? 0 : -ENOMEM;
}

/* cp_identity_validate, also giving the token's expiry and (methods not
 * NULL) the methods it was made with, which the cache does not keep. */
static int validate(struct cp_ctx *ctx, const char *token, struct cp_caller *caller, char **out,
	int64_t *expires_out, char methods[METHODS_LEN])
{
	char hash[CP_TOKEN_LEN];
	int64_t expires = 0;
	int rc;
	json_t *user = NULL, *project = NULL, *roles = NULL, *cred = NULL;
	struct cp_token_stamp stamp;
	struct cp_stored_token t;

	memset(caller, 0, sizeof(*caller));
	if (!token || strlen(token) != CP_TOKEN_LEN - 1)
		return cp_fail(&ctx->err, -ENOKEY, "Unauthorized", "The token is not valid.");
	token_hash(token, hash);
	if (!methods && cp_token_cache_get(ctx->db, hash, caller, &expires, out) == 0) {
		if (expires_out)
			*expires_out = expires;
		return 0;
	}
	cp_token_cache_stamp(ctx->db, &stamp);
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	rc = cp_store_token_get(ctx->db, hash, &t);
	expires = t.expires_at;
	if (rc)
		rc = cp_fail(&ctx->err, -ENOKEY, "Unauthorized", "The token is not valid.");
	else if (t.revoked)
		rc = cp_fail(&ctx->err, -EKEYREVOKED, "Unauthorized", "The token has been revoked.");
	else if (expires <= cp_now())
		rc = cp_fail(&ctx->err, -EKEYEXPIRED, "Unauthorized", "The token has expired.");
	if (rc == 0) {
		user = cp_obj_get(ctx->db, "user", t.user_id);
		project = t.project_id[0] ? cp_obj_get(ctx->db, "project", t.project_id) : NULL;
		if (!user || !cp_json_bool(user, "enabled", true) ||
			(t.project_id[0] && (!project || !cp_json_bool(project, "enabled", true))))
			rc = cp_fail(&ctx->err, -ENOKEY, "Unauthorized",
				"The token's user or project is gone or disabled.");
	}
	/* A token of an application credential lives while it does. */
	if (rc == 0 && t.app_cred_id[0] &&
		!(cred = cp_obj_get(ctx->db, CP_APP_CRED_KIND, t.app_cred_id)))
		rc = cp_fail(&ctx->err, -ENOKEY, "Unauthorized",
			"The token's application credential is gone.");
	if (rc == 0) {
		roles = project ? cp_identity_effective_roles(ctx, t.user_id, t.project_id)
				: json_array();
		if (cred) {
			json_t *held = roles;

			roles = cp_identity_app_cred_roles(cred, held);
			json_decref(held);
			snprintf(caller->app_cred_id, sizeof(caller->app_cred_id), "%s", t.app_cred_id);
			caller->app_cred_restricted = !cp_json_bool(cred, "unrestricted", false);
			caller->app_cred_rules = json_array_size(json_object_get(cred, "access_rules")) > 0;
		}
		snprintf(caller->user_id, sizeof(caller->user_id), "%s", t.user_id);
		snprintf(caller->user_name, sizeof(caller->user_name), "%s",
			cp_json_str(user, "name") ?: "");
		snprintf(caller->project_id, sizeof(caller->project_id), "%s", t.project_id);
		snprintf(caller->domain_id, sizeof(caller->domain_id), "%s",
			cp_json_str(user, "domain_id") ?: "");
		snprintf(caller->project_domain_id, sizeof(caller->project_domain_id), "%s",
			cp_json_str(project, "domain_id") ?: "");
		caller->is_admin = project && has_role(roles, "admin");
		if (project && json_array_size(roles) == 0)
			rc = cp_fail(&ctx->err, -ENOKEY, "Unauthorized",
				"The token's user has no role on its project any more.");
		if (rc == 0 && out) {
			struct token_facts f = {user, project, cred, roles, t.issued_at, expires,
				t.audit_id, t.methods};

			rc = document_text(ctx, &f, out);
		}
	}
	cp_db_commit(ctx->db);
	if (rc == 0)
		cp_token_cache_put(ctx->db, &stamp, hash, caller, expires, out ? *out : NULL);
	json_decref(user);
	json_decref(project);
	json_decref(roles);
	json_decref(cred);
	if (rc == 0 && expires_out)
		*expires_out = expires;
	if (rc == 0 && methods)
		memcpy(methods, t.methods, METHODS_LEN);
	return rc;
}

int cp_identity_validate(struct cp_ctx *ctx, const char *token, struct cp_caller *caller,
	char **out)
{
	return validate(ctx, token, caller, out, NULL, NULL);
}

/* Makes a token for f (issued, expires and methods set; the audit id is
 * made here), stores it and gives its document. */
static int issue(struct cp_ctx *ctx, struct token_facts *f, char *token, json_t **out)
{
	char audit[CP_ID_LEN];
	uint8_t raw[32];
	int rc;

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, CP_TOKEN_LEN, raw, sizeof(raw));
	cp_uuid(audit, false);
	audit[22] = '\0';
	f->audit_id = audit;
	rc = store_token(ctx, token, cp_json_str(f->user, "id"),
		f->project ? cp_json_str(f->project, "id") : NULL, f->issued, f->expires, audit,
		f->methods, f->cred ? cp_json_str(f->cred, "id") : NULL);
	if (rc == 0) {
		cp_db_begin(ctx->db, false);
		*out = token_document(ctx, f);
		cp_db_commit(ctx->db);
	}
	return rc;
}

static bool has_method(const json_t *methods, const char *name)
{
	const json_t *m;
	size_t i;

	json_array_foreach(methods, i, m)
		if (json_is_string(m) && strcmp(json_string_value(m), name) == 0)
			return true;
	return false;
}

/* The application_credential method: a token of the credential's user on
 * its project, with its roles the user still holds, living no longer than
 * it. A scope may only name that project. */
static int by_app_cred(struct cp_ctx *ctx, const json_t *auth, char *token, json_t **out)
{
	const struct cp_identity *ident = ctx->svc;
	const json_t *ref = json_object_get(json_object_get(auth, "identity"),
		"application_credential");
	const json_t *uref = json_object_get(ref, "user");
	const json_t *scope = json_object_get(auth, "scope");
	const char *scope_pid = cp_json_str(json_object_get(scope, "project"), "id");
	json_t *user = NULL, *cred = NULL, *project = NULL, *held;
	int64_t now = cp_now(), until;
	struct token_facts f = {0};
	int rc;

	if (uref) {
		if (cp_db_begin(ctx->db, false))
			return -EIO;
		user = find_by_ref(ctx, "user", uref);
		cp_db_commit(ctx->db);
	}
	/* An unknown user's credential is looked for under no user: the
	 * secret is then checked against the dummy, in the same time. */
	rc = cp_identity_app_cred_check(ctx, ref, uref ? (user ? cp_json_str(user, "id") : "") : NULL,
		&cred);
	json_decref(user);
	user = NULL;
	if (rc)
		return rc == -EAGAIN || rc == -EINVAL ? rc : unauthorized(ctx);
	if (cp_db_begin(ctx->db, false)) {
		json_decref(cred);
		return -EIO;
	}
	user = cp_obj_get(ctx->db, "user", cp_json_str(cred, "user_id"));
	project = cp_obj_get(ctx->db, "project", cp_json_str(cred, "project_id"));
	if (!user || !cp_json_bool(user, "enabled", true) || !project ||
		!cp_json_bool(project, "enabled", true) ||
		(scope && !json_is_null(scope) &&
			strcmp(scope_pid ?: "", cp_json_str(project, "id")) != 0)) {
		rc = unauthorized(ctx);
	} else {
		held = cp_identity_effective_roles(ctx, cp_json_str(user, "id"),
			cp_json_str(project, "id"));
		f.roles = cp_identity_app_cred_roles(cred, held);
		json_decref(held);
		if (json_array_size(f.roles) == 0)
			rc = unauthorized(ctx);
	}
	cp_db_commit(ctx->db);
	if (rc == 0) {
		until = cp_identity_app_cred_expiry(cred);
		f.user = user;
		f.project = project;
		f.cred = cred;
		f.issued = now;
		f.expires = until && until < now + ident->token_ttl ? until : now + ident->token_ttl;
		f.methods = "application_credential";
		rc = issue(ctx, &f, token, out);
	}
	json_decref(f.roles);
	json_decref(user);
	json_decref(project);
	json_decref(cred);
	return rc;
}

int cp_identity_authenticate(struct cp_ctx *ctx, const json_t *auth, char *token, json_t **out)
{
	const struct cp_identity *ident = ctx->svc;
	const json_t *identity = json_object_get(auth, "identity");
	const json_t *methods = json_object_get(identity, "methods");
	const json_t *pw_user = json_object_get(json_object_get(identity, "password"), "user");
	const char *password = cp_json_str(pw_user, "password");
	const char *old_token = cp_json_str(json_object_get(identity, "token"), "id");
	json_t *user = NULL, *project = NULL, *roles = NULL;
	char user_id[CP_ID_LEN] = "", made_with[METHODS_LEN + 8] = "password";
	int64_t now = cp_now(), expires = now + ident->token_ttl;
	int rc;

	if (!json_is_object(auth) || !json_is_array(methods) || !json_array_size(methods))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting to find identity.methods in auth.");
	if (has_method(methods, "application_credential"))
		return by_app_cred(ctx, auth, token, out);
	if (old_token) {
		/* Re-scoping with an existing token (the "token" method). The new
		 * token dies when the old one does, as in Keystone: a stolen
		 * token cannot be renewed forever. */
		struct cp_caller c;
		char parent[METHODS_LEN];

		rc = validate(ctx, old_token, &c, NULL, &expires, parent);
		if (rc)
			return rc;
		/* A token of an application credential cannot be rescoped
		 * into one that is not bound by it. */
		if (c.app_cred_id[0])
			return cp_fail(&ctx->err, -EPERM, "Forbidden",
				"A token made with an application credential cannot be rescoped.");
		/* Keystone's methods: this one and the parent's, each once. */
		if (strcmp(parent, "token") == 0 || strncmp(parent, "token,", 6) == 0)
			snprintf(made_with, sizeof(made_with), "%s", parent);
		else
			snprintf(made_with, sizeof(made_with), "token,%s", parent);
		snprintf(user_id, sizeof(user_id), "%s", c.user_id);
	} else if (!json_is_object(pw_user) || !password) {
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting to find identity.password.user with a password.");
	}
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	user = user_id[0] ? cp_obj_get(ctx->db, "user", user_id) : find_by_ref(ctx, "user", pw_user);
	cp_db_commit(ctx->db);
	/* The password is checked even for an unknown or disabled user (against
	 * a dummy hash), so the answer's timing does not tell them apart. */
	rc = old_token ? 0
		       : cp_identity_check_password(ctx, user ? cp_json_str(user, "id") : NULL,
				 password);
	if (rc == 0 && (!user || !cp_json_bool(user, "enabled", true)))
		rc = unauthorized(ctx);
	if (rc) {
		json_decref(user);
		return rc == -EAGAIN ? rc : unauthorized(ctx);
	}
	if (cp_db_begin(ctx->db, false)) {
		json_decref(user);
		return -EIO;
	}
	rc = resolve_scope(ctx, json_object_get(auth, "scope"), user, &project, &roles);
	cp_db_commit(ctx->db);
	if (rc == 0) {
		struct token_facts f = {user, project, NULL, roles, now, expires, NULL, made_with};

		rc = issue(ctx, &f, token, out);
	}
	json_decref(user);
	json_decref(project);
	json_decref(roles);
	return rc;
}

int cp_identity_revoke(struct cp_ctx *ctx, const char *token)
{
	char hash[CP_TOKEN_LEN];
	int rc;

	if (!token || strlen(token) != CP_TOKEN_LEN - 1)
		return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find token.");
	token_hash(token, hash);
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = cp_store_token_revoke(ctx->db, hash, ctx->caller->user_id, ctx->caller->is_admin);
	if (rc == -ENOENT)
		rc = cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find token.");
	if (rc == 0)
		cp_token_cache_revoked();
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

int cp_identity_revoke_user(struct cp_ctx *ctx, const char *user_id)
{
	int rc = cp_store_tokens_revoke_user(ctx->db, user_id);

	if (rc == 0)
		cp_token_cache_revoked();
	return rc;
}
