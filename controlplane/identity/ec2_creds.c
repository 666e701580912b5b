/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's OS-EC2 credentials (/v3/users/{id}/credentials/OS-EC2): an
 * access key and secret for a user on a project, for services with an
 * EC2-style API to check signatures against. Kept as Keystone keeps them:
 * a credential of type "ec2" whose id is the SHA-256 of the access key and
 * whose blob is {"access", "secret", "trust_id"}, so the credentials API
 * (/v3/credentials) shows the same objects. Virga serves no EC2 API and no
 * /v3/ec2tokens: the keys are kept for those who do.
 *
 * The user's own, or an admin's; the project must be one the user has a
 * role on. Each call its own transaction.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#define KIND "credential"

static void id_of(const char *access, char out[CP_ID_LEN * 2])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const uint8_t *)access, strlen(access));
	sodium_bin2hex(out, CP_ID_LEN * 2, h, sizeof(h));
}

/* The EC2 view of credential c, or NULL when c is not an EC2 one of user_id. */
static json_t *view(const json_t *c, const char *user_id)
{
	json_t *blob, *v;

	if (!c || strcmp(cp_json_str(c, "type") ?: "", "ec2") != 0 ||
		strcmp(cp_json_str(c, "user_id") ?: "", user_id) != 0)
		return NULL;
	blob = json_loads(cp_json_str(c, "blob") ?: "", 0, NULL);
	v = cp_json_str(blob, "access") ? json_pack("{s:s, s:O, s:O, s:O, s:O}", "user_id", user_id,
						  "tenant_id", json_object_get(c, "project_id"),
						  "access", json_object_get(blob, "access"),
						  "secret", json_object_get(blob, "secret"),
						  "trust_id", json_object_get(blob, "trust_id") ?: json_null())
					: NULL;
	json_decref(blob);
	return v;
}

static int not_found(struct cp_ctx *ctx, const char *access)
{
	return cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find credential: %s.",
		access ?: "");
}

static bool allowed(struct cp_ctx *ctx, const char *user_id)
{
	return strcmp(ctx->caller->user_id, user_id) == 0 || ctx->caller->is_admin;
}

static int forbidden(struct cp_ctx *ctx, const char *what)
{
	return cp_fail(&ctx->err, -EPERM, "Forbidden",
		"You are not authorized to perform the requested action: identity:ec2_%s_credential.",
		what);
}

int cp_identity_ec2_create(struct cp_ctx *ctx, const char *user_id, const json_t *req,
	json_t **out)
{
	const char *project_id = cp_json_str(req, "tenant_id");
	char access[33], secret[33], id[CP_ID_LEN * 2], *text;
	uint8_t raw[16];
	json_t *roles, *c, *blob, *user;
	int rc = 0;

	if (!allowed(ctx, user_id))
		return forbidden(ctx, "create");
	if (!json_is_object(req) || !project_id)
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting to find tenant_id in request body.");
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(access, sizeof(access), raw, sizeof(raw));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(secret, sizeof(secret), raw, sizeof(raw));
	id_of(access, id);
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	user = cp_obj_get(ctx->db, "user", user_id);
	roles = user ? cp_identity_effective_roles(ctx, user_id, project_id) : json_array();
	if (!user)
		rc = cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find user: %s.", user_id);
	else if (json_array_size(roles) == 0)
		rc = cp_fail(&ctx->err, -EPERM, "Forbidden",
			"The user has no role on project %s.", project_id);
	json_decref(user);
	json_decref(roles);
	blob = json_pack("{s:s, s:s, s:n}", "access", access, "secret", secret, "trust_id");
	text = json_dumps(blob, JSON_COMPACT);
	c = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "user_id", user_id, "project_id",
		project_id, "type", "ec2", "blob", text ?: "{}");
	if (rc == 0)
		rc = cp_obj_put(ctx->db, KIND, c, NULL, NULL, false);
	if (rc == 0)
		*out = view(c, user_id);
	free(text);
	json_decref(blob);
	json_decref(c);
	sodium_memzero(secret, sizeof(secret));
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	rc = cp_db_commit(ctx->db);
	if (rc)
		json_decref(*out);
	return rc;
}

int cp_identity_ec2_list(struct cp_ctx *ctx, const char *user_id, json_t **out)
{
	json_t *all, *c, *v;
	size_t i;

	if (!allowed(ctx, user_id))
		return forbidden(ctx, "list");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	all = cp_obj_list_by(ctx->db, KIND, "user_id", user_id);
	cp_db_commit(ctx->db);
	*out = json_array();
	json_array_foreach(all, i, c)
		if ((v = view(c, user_id)))
			json_array_append_new(*out, v);
	json_decref(all);
	return 0;
}

int cp_identity_ec2_show(struct cp_ctx *ctx, const char *user_id, const char *access,
	bool delete_it, json_t **out)
{
	char id[CP_ID_LEN * 2];
	json_t *c, *v;
	int rc = 0;

	if (!allowed(ctx, user_id))
		return forbidden(ctx, delete_it ? "delete" : "get");
	id_of(access, id);
	if (cp_db_begin(ctx->db, delete_it))
		return -EIO;
	c = cp_obj_get(ctx->db, KIND, id);
	v = view(c, user_id);
	/* The access key itself, not only its hash: the view names it. */
	if (!v || strcmp(cp_json_str(v, "access") ?: "", access) != 0)
		rc = not_found(ctx, access);
	else if (delete_it)
		rc = cp_obj_del(ctx->db, KIND, id);
	json_decref(c);
	if (rc || delete_it)
		json_decref(v);
	else
		*out = v;
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}
