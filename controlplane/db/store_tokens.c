/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's issued tokens: the tokens table (migration 2) by
 * the token's hash, and token_methods beside it (migration 9) for the few
 * tokens not made by password alone, and token_app_creds (migration 10)
 * for those made with an application credential, so that the common row
 * stays narrow; triggers drop both with their token.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The text of column col, "" for NULL, into out[size]. */
static void column_text(sqlite3_stmt *st, int col, char *out, size_t size)
{
	const unsigned char *text = sqlite3_column_text(st, col);

	snprintf(out, size, "%s", text ? (const char *)text : "");
}

static int sqlite_token_put(struct cp_db *db, const char *hash, const struct cp_stored_token *t)
{
	const char *const texts[] = {hash, t->user_id, t->project_id[0] ? t->project_id : NULL,
		t->audit_id};
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"INSERT INTO tokens (hash, user_id, project_id, audit_id, issued_at, expires_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)", 4, texts);
	int rc;

	if (st) {
		sqlite3_bind_int64(st, 5, t->issued_at);
		sqlite3_bind_int64(st, 6, t->expires_at);
	}
	rc = cp_db_step_done(db, st);
	/* Password tokens, nearly all, need no row: "password" is the default. */
	if (rc == 0 && strcmp(t->methods, "password") != 0) {
		const char *const args[] = {hash, t->methods};

		if (cp_db_run(db, "INSERT INTO token_methods (hash, methods) VALUES (?1, ?2)", 2,
			    args) < 0)
			rc = -EIO;
	}
	/* Likewise a credential's tokens alone have a row of token_app_creds. */
	if (rc == 0 && t->app_cred_id[0]) {
		const char *const args[] = {hash, t->app_cred_id};

		if (cp_db_run(db, "INSERT INTO token_app_creds (hash, app_cred_id) VALUES (?1, ?2)",
			    2, args) < 0)
			rc = -EIO;
	}
	return rc;
}

static int sqlite_token_get(struct cp_db *db, const char *hash, struct cp_stored_token *t)
{
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"SELECT user_id, project_id, issued_at, expires_at, audit_id, revoked,"
		" coalesce(m.methods, 'password'), a.app_cred_id"
		" FROM tokens t LEFT JOIN token_methods m USING (hash)"
		" LEFT JOIN token_app_creds a USING (hash) WHERE hash=?1", 1, &hash);
	int rc = -EIO, step;

	memset(t, 0, sizeof(*t));
	if (!st)
		return -EIO;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		column_text(st, 0, t->user_id, sizeof(t->user_id));
		column_text(st, 1, t->project_id, sizeof(t->project_id));
		t->issued_at = sqlite3_column_int64(st, 2);
		t->expires_at = sqlite3_column_int64(st, 3);
		column_text(st, 4, t->audit_id, sizeof(t->audit_id));
		t->revoked = sqlite3_column_int(st, 5) != 0;
		column_text(st, 6, t->methods, sizeof(t->methods));
		column_text(st, 7, t->app_cred_id, sizeof(t->app_cred_id));
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = -ENOENT;
	}
	cp_db_finish(db, st);
	return rc;
}

static int sqlite_token_revoke(struct cp_db *db, const char *hash, const char *user_id,
	bool any_user)
{
	const char *const args[] = {hash, user_id, any_user ? "1" : "0"};
	int n = cp_db_run(db, "UPDATE tokens SET revoked=1 WHERE hash=?1 AND revoked=0 AND"
			      " (user_id=?2 OR ?3 = '1')", 3, args);

	return n < 0 ? -EIO : n == 0 ? -ENOENT : 0;
}

static int sqlite_tokens_revoke_user(struct cp_db *db, const char *user_id)
{
	return cp_db_run(db, "UPDATE tokens SET revoked=1 WHERE user_id=?1", 1, &user_id) < 0 ?
		-EIO : 0;
}

static int sqlite_tokens_drop_user(struct cp_db *db, const char *user_id)
{
	return cp_db_run(db, "DELETE FROM tokens WHERE user_id=?1", 1, &user_id) < 0 ? -EIO : 0;
}

static int sqlite_tokens_sweep(struct cp_db *db, int64_t expired_before)
{
	sqlite3_stmt *st = cp_db_prepare(db, "DELETE FROM tokens WHERE expires_at < ?1");

	if (st)
		sqlite3_bind_int64(st, 1, expired_before);
	return cp_db_step_done(db, st);
}

const struct cp_store_token_ops cp_sqlite_tokens = {
	.put = sqlite_token_put,
	.get = sqlite_token_get,
	.revoke = sqlite_token_revoke,
	.revoke_user = sqlite_tokens_revoke_user,
	.drop_user = sqlite_tokens_drop_user,
	.sweep = sqlite_tokens_sweep,
};
