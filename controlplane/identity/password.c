/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Password hashes: argon2id with OWASP's server parameters (19 MiB, two
 * passes, one lane), behind a gate that bounds how many hashes run at once.
 *
 * Why the gate: each argon2id run holds its memory for the whole run, so
 * memory grows with concurrent logins; unbounded, a few hundred wrong
 * passwords at once would take the controller down. At most
 * CP_PW_MAX_ACTIVE run together (memory bound: that many x 19 MiB);
 * CP_PW_MAX_WAITING more wait, each for at most CP_PW_WAIT_MS; anything
 * beyond is refused at once with -EAGAIN (HTTP 429), as Keystone behind a
 * rate limiter would.
 *
 * Why the dummy hash: an unknown or disabled user must cost the same time
 * as a wrong password, or response times tell which user names exist.
 *
 * Control threads only; thread-safe.
 */
#include "identity.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

/* OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
#define CP_PW_OPSLIMIT 2ull
#define CP_PW_MEMLIMIT (19u * 1024u * 1024u)

#define CP_PW_MAX_ACTIVE 4
#define CP_PW_MAX_WAITING 32
#define CP_PW_WAIT_MS 5000

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_active, gate_waiting;

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static int gate_enter(void)
{
	struct timespec deadline;
	int rc = 0;

	cp_deadline(&deadline, CP_PW_WAIT_MS);
	pthread_mutex_lock(&gate_lock);
	if (gate_active >= CP_PW_MAX_ACTIVE && gate_waiting >= CP_PW_MAX_WAITING) {
		pthread_mutex_unlock(&gate_lock);
		return -EAGAIN;
	}
	gate_waiting++;
	while (gate_active >= CP_PW_MAX_ACTIVE && rc == 0)
		rc = pthread_cond_timedwait(&gate_cond, &gate_lock, &deadline);
	gate_waiting--;
	if (gate_active >= CP_PW_MAX_ACTIVE) {
		pthread_mutex_unlock(&gate_lock);
		return -EAGAIN;
	}
	gate_active++;
	pthread_mutex_unlock(&gate_lock);
	return 0;
}

static void gate_leave(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_active--;
	pthread_cond_signal(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static int busy(struct cp_err *err)
{
	return cp_fail(err, -EAGAIN, "TooManyRequests",
		"Too many password checks in progress; retry later.");
}

/* Hashes password into out; -EAGAIN when the gate is full. */
static int hash_gated(const char *password, char out[crypto_pwhash_STRBYTES])
{
	int rc = gate_enter();

	if (rc)
		return rc;
	rc = crypto_pwhash_str(out, password, strlen(password), CP_PW_OPSLIMIT, CP_PW_MEMLIMIT)
		? -ENOMEM
		: 0;
	gate_leave();
	return rc;
}

static void make_dummy(void)
{
	uint8_t raw[16];
	char pw[33];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	/* Ungated: runs once, and every later check is gated anyway. */
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), CP_PW_OPSLIMIT, CP_PW_MEMLIMIT))
		dummy_hash[0] = '\0';
}

int cp_identity_set_password(struct cp_ctx *ctx, const char *user_id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = hash_gated(password, hash);

	if (rc == -EAGAIN)
		return busy(&ctx->err);
	if (rc)
		return cp_fail(&ctx->err, -ENOMEM, "InternalError", "password hashing failed");
	rc = cp_store_password_put(ctx->db, user_id, hash);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

/* The stored hash of user_id into hash ("" when none). Own transaction. */
static void stored_hash(struct cp_db *db, const char *user_id, char hash[crypto_pwhash_STRBYTES])
{
	hash[0] = '\0';
	if (!user_id || cp_db_begin(db, false))
		return;
	cp_store_password_get(db, user_id, hash, crypto_pwhash_STRBYTES);
	cp_db_commit(db);
}

/* A hash made with older (costlier) parameters is replaced after a
 * successful check, so the memory bound holds for every user. */
static void rehash_if_needed(struct cp_ctx *ctx, const char *user_id, const char *hash,
	const char *password)
{
	struct cp_ctx sub = *ctx; /* a failed rehash is not the caller's error */

	if (crypto_pwhash_str_needs_rehash(hash, CP_PW_OPSLIMIT, CP_PW_MEMLIMIT) == 0)
		return;
	if (cp_db_begin(ctx->db, true))
		return;
	if (cp_identity_set_password(&sub, user_id, password) == 0)
		cp_db_commit(ctx->db);
	else
		cp_db_rollback(ctx->db);
}

_Static_assert(crypto_pwhash_STRBYTES == 128, "identity.h names the hash's length");

int cp_identity_hash_secret(struct cp_ctx *ctx, const char *secret,
	char out[crypto_pwhash_STRBYTES])
{
	int rc = hash_gated(secret, out);

	if (rc == -EAGAIN)
		return busy(&ctx->err);
	return rc ? cp_fail(&ctx->err, -ENOMEM, "InternalError", "secret hashing failed") : 0;
}

int cp_identity_verify_secret(struct cp_ctx *ctx, const char *hash, const char *secret)
{
	bool ok;
	int rc;

	pthread_once(&dummy_once, make_dummy);
	rc = gate_enter();
	if (rc)
		return busy(&ctx->err);
	/* Verify outside the database lock (argon2id is slow on purpose), and
	 * against the dummy when there is no hash, so both cost the same. */
	ok = crypto_pwhash_str_verify(hash && hash[0] ? hash : dummy_hash, secret,
		     strlen(secret)) == 0 && hash && hash[0];
	gate_leave();
	if (!ok)
		return cp_fail(&ctx->err, -EKEYREJECTED, "Unauthorized",
			"The request you have made requires authentication.");
	return 0;
}

int cp_identity_check_password(struct cp_ctx *ctx, const char *user_id, const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc;

	stored_hash(ctx->db, user_id, hash);
	rc = cp_identity_verify_secret(ctx, hash, password);
	if (rc == 0)
		rehash_if_needed(ctx, user_id, hash, password);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int cp_identity_change_password(struct cp_ctx *ctx, const char *user_id, const json_t *body)
{
	const char *orig = cp_json_str(body, "original_password"), *pw = cp_json_str(body, "password");
	int rc;

	/* The original password is the proof: Keystone leaves this call
	 * unenforced. Virga keeps it to the user and admins (who may also
	 * set a password outright with PATCH), so a member cannot use it to
	 * guess another's password. */
	if (strcmp(user_id, ctx->caller->user_id) != 0 && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"You are not authorized to perform the requested action: "
			"identity:change_password.");
	if (!orig || !pw || strlen(pw) > 4096 || !pw[0])
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting user.original_password and a non-empty user.password of at most "
			"4096 characters.");
	rc = cp_identity_check_password(ctx, user_id, orig);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = cp_identity_set_password(ctx, user_id, pw);
	/* As Keystone, a new password ends every token issued with the old. */
	if (rc == 0)
		rc = cp_identity_revoke_user(ctx, user_id);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}
