/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's password hashes: the passwords table (migration 2),
 * one row a user, kept out of the users' JSON so that no listing can show
 * one.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>
#include <stdio.h>

static int sqlite_password_put(struct cp_db *db, const char *user_id, const char *hash)
{
	const char *const args[] = {user_id, hash};

	return cp_db_run(db, "INSERT OR REPLACE INTO passwords (user_id, hash) VALUES (?1, ?2)", 2,
		       args) < 0 ? -EIO : 0;
}

static int sqlite_password_get(struct cp_db *db, const char *user_id, char *hash, size_t size)
{
	sqlite3_stmt *st = cp_db_prepare_bound(db, "SELECT hash FROM passwords WHERE user_id=?1", 1,
		&user_id);
	int rc = -EIO, step;

	hash[0] = '\0';
	if (!st)
		return -EIO;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(hash, size, "%s", (const char *)sqlite3_column_text(st, 0));
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = 0;
	cp_db_finish(db, st);
	return rc;
}

static int sqlite_password_drop(struct cp_db *db, const char *user_id)
{
	return cp_db_run(db, "DELETE FROM passwords WHERE user_id=?1", 1, &user_id) < 0 ? -EIO : 0;
}

const struct cp_store_password_ops cp_sqlite_passwords = {
	.put = sqlite_password_put,
	.get = sqlite_password_get,
	.drop = sqlite_password_drop,
};
