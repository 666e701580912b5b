/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's SQLite side, for the files of controlplane/db/ only: they are
 * built with CP_STORE_INTERNAL (controlplane/meson.build), and every other
 * file reaches the database through db.h's and store.h's functions, which
 * name no table, no SQL and no sqlite3 type (tests/check_store_sql.sh).
 * Control threads only, inside the connection lock (cp_db_begin).
 */
#ifndef CP_SQL_H
#define CP_SQL_H

#include "db.h"

#include <sqlite3.h>

sqlite3 *cp_db_handle(struct cp_db *db);
/* Runs one statement with no result rows; returns 0 or -EIO. */
int cp_db_exec(struct cp_db *db, const char *sql);
/* A statement for sql, ready to bind and step; NULL on error (logged).
 * Statements are kept and reused (stmt_cache.c): give it back with
 * cp_db_finish, never sqlite3_finalize. */
sqlite3_stmt *cp_db_prepare(struct cp_db *db, const char *sql);
/* Done with a statement from cp_db_prepare (NULL is fine). */
void cp_db_finish(struct cp_db *db, sqlite3_stmt *st);

/* cp_db_prepare, with ?1..?n bound to texts[0..n-1] (NULL binds NULL). */
sqlite3_stmt *cp_db_prepare_bound(struct cp_db *db, const char *sql, int n,
	const char *const texts[]);
/* Steps st, a statement without result rows, and finishes it: 0, or -EIO
 * (logged) when it failed or st is NULL. */
int cp_db_step_done(struct cp_db *db, sqlite3_stmt *st);
/* Runs sql, a statement without result rows, with its parameters ?1..?n
 * bound to texts[0..n-1] (NULL binds NULL): the rows it changed, or -EIO
 * (logged). -EEXIST when it broke a constraint (a key already there). */
int cp_db_run(struct cp_db *db, const char *sql, int n, const char *const texts[]);

/* The numbered schema migrations (migrations.c). */
int cp_db_migrate(sqlite3 *h);

#endif
