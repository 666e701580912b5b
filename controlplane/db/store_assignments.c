/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's role assignments by their ids. Assignment ids are
 * "target:actor:role" (identity/assignments.c, bootstrap.c) and ids hold
 * no ':', so one actor's assignments on a target are one range of the
 * objects' primary key: resolving a token reads its user's and groups'
 * rows, however many others the project has.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>
#include <stdio.h>

static int sqlite_assignments_of(struct cp_db *db, const char *target, const char *actor,
	int (*each)(const char *role_id, const char *actor_type, void *arg), void *arg)
{
	char lo[2 * CP_ID_LEN + 4], hi[2 * CP_ID_LEN + 4];
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT json_extract(body, '$.role_id'), json_extract(body, '$.actor_type')"
		" FROM objects WHERE kind='role_assignment' AND id >= ?1 AND id < ?2"
		" ORDER BY rowid");
	int rc = 0, step;

	if (!st)
		return -EIO;
	snprintf(lo, sizeof(lo), "%s:%s:", target, actor);
	snprintf(hi, sizeof(hi), "%s:%s;", target, actor); /* ';' is the byte after ':' */
	sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);

		if (role && type)
			rc = each(role, type, arg);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = -EIO;
	cp_db_finish(db, st);
	return rc;
}

const struct cp_store_assignment_ops cp_sqlite_assignments = {
	.of = sqlite_assignments_of,
};
