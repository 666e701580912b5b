/* SPDX-License-Identifier: Apache-2.0 */
/* Nova's keypairs: see compute.h. */
#include "compute.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND "keypair"

/* The row of (user, name): one id, so a name is unique per user. */
static void row_id(char *out, size_t len, const char *user_id, const char *name)
{
	snprintf(out, len, "%s/%s", user_id, name);
}

static int not_found(struct cp_ctx *ctx, const char *name)
{
	return cp_fail(&ctx->err, -ENOENT, "itemNotFound", "Keypair %s not found for user %s",
			name, ctx->caller->user_id);
}

/* Nova's rule for names: 1-255 of letters, digits, '-', '_', ' ', '.', '@'. */
static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || name[0] == ' ' || name[n - 1] == ' ')
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
				    (*c >= '0' && *c <= '9') || strchr("-_ .@", *c)))
			return false;
	return true;
}

static json_t *load(struct cp_ctx *ctx, const char *name)
{
	char id[CP_ID_LEN + 300];
	json_t *k;

	row_id(id, sizeof(id), ctx->caller->user_id, name);
	if (cp_db_begin(ctx->db, false))
		return NULL;
	k = cp_obj_get(ctx->db, KIND, id);
	cp_db_commit(ctx->db);
	return k;
}

/* What Nova shows of a keypair (list entries hold less). */
static json_t *shown(const json_t *row, bool full)
{
	json_t *k = json_pack("{s:O, s:O, s:O, s:O}", "name", json_object_get(row, "name"),
			"public_key", json_object_get(row, "public_key"), "fingerprint",
			json_object_get(row, "fingerprint"), "type", json_object_get(row, "type"));

	if (full) {
		json_t *more = json_pack("{s:O, s:O, s:b, s:n, s:n, s:O}", "user_id",
				json_object_get(row, "user_id"), "created_at",
				json_object_get(row, "created_at"), "deleted", 0, "deleted_at",
				"updated_at", "id", json_object_get(row, "key_id"));

		json_object_update(k, more);
		json_decref(more);
	}
	return k;
}

int cp_keypair_create(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	const char *name = cp_json_str(req, "name"), *pub = cp_json_str(req, "public_key"),
		   *type = cp_json_str(req, "type");
	unsigned char pk[32], sk[64];
	char fp[48], id[CP_ID_LEN + 300], now[32], *gen_pub = NULL, *gen_priv = NULL;
	json_t *row, *old;
	int rc;

	if (!name || !name_ok(name))
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Keypair name contains unsafe characters or is not 1 to 255 long");
	if (type && strcmp(type, "ssh") != 0)
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Invalid input for field/attribute type: only ssh keys");
	if (json_object_get(req, "public_key") && !pub)
		return cp_fail(&ctx->err, -EINVAL, "badRequest", "public_key must be a string");
	if (!pub) {
		/* Generated here (Nova made RSA keys; an Ed25519 key is what ssh-keygen
		 * makes by default today). */
		crypto_sign_keypair(pk, sk);
		gen_pub = cp_ssh_ed25519_public(pk, "Generated-by-Virga");
		gen_priv = cp_ssh_ed25519_private(pk, sk, "Generated-by-Virga");
		sodium_memzero(sk, sizeof(sk));
		if (!gen_pub || !gen_priv) {
			free(gen_pub);
			free(gen_priv);
			return cp_fail(&ctx->err, -ENOMEM, "computeFault", "out of memory");
		}
		pub = gen_pub;
	}
	if (strlen(pub) > 16384 || cp_ssh_fingerprint(pub, fp) < 0) {
		free(gen_pub);
		free(gen_priv);
		return cp_fail(&ctx->err, -EINVAL, "badRequest",
				"Keypair data is invalid: failed to generate fingerprint");
	}
	old = load(ctx, name);
	if (old) {
		json_decref(old);
		free(gen_pub);
		free(gen_priv);
		return cp_fail(&ctx->err, -EEXIST, "conflictingRequest",
				"Key pair '%s' already exists.", name);
	}
	row_id(id, sizeof(id), ctx->caller->user_id, name);
	cp_time_iso(now, cp_now());
	row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id, "name", name,
			"public_key", pub, "fingerprint", fp, "type", "ssh", "user_id",
			ctx->caller->user_id, "created_at", now, "key_id",
			(json_int_t)(randombytes_random() & 0x7fffffff));
	rc = cp_obj_put_tx(ctx->db, KIND, row, NULL, ctx->caller->user_id, false);
	if (rc == 0) {
		*out = shown(row, false);
		json_object_set_new(*out, "user_id", json_string(ctx->caller->user_id));
		if (gen_priv)
			json_object_set_new(*out, "private_key", json_string(gen_priv));
	}
	json_decref(row);
	free(gen_pub);
	if (gen_priv) {
		sodium_memzero(gen_priv, strlen(gen_priv));
		free(gen_priv);
	}
	return rc ? cp_fail(&ctx->err, -EIO, "computeFault", "could not store the keypair") : 0;
}

int cp_keypair_list(struct cp_ctx *ctx, json_t **out)
{
	json_t *all, *k, *res = json_array();
	size_t i;

	if (cp_db_begin(ctx->db, false))
		return cp_fail(&ctx->err, -EIO, "computeFault", "database unavailable");
	all = cp_obj_list(ctx->db, KIND, NULL, false, ctx->caller->user_id, 0);
	cp_db_commit(ctx->db);
	json_array_foreach(all, i, k)
		json_array_append_new(res, json_pack("{s:o}", "keypair", shown(k, false)));
	json_decref(all);
	*out = res;
	return 0;
}

int cp_keypair_show(struct cp_ctx *ctx, const char *name, json_t **out)
{
	json_t *k = load(ctx, name);

	if (k == NULL)
		return not_found(ctx, name);
	*out = shown(k, true);
	json_decref(k);
	return 0;
}

int cp_keypair_delete(struct cp_ctx *ctx, const char *name)
{
	char id[CP_ID_LEN + 300];
	json_t *k = load(ctx, name);
	int rc;

	if (k == NULL)
		return not_found(ctx, name);
	json_decref(k);
	row_id(id, sizeof(id), ctx->caller->user_id, name);
	rc = cp_obj_del_tx(ctx->db, KIND, id);
	return rc ? cp_fail(&ctx->err, -EIO, "computeFault", "could not delete the keypair") : 0;
}
