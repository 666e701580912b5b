/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's quota limits: the quotas table (migration 4), a row
 * only where a project's limit differs from the default, so that the
 * defaults can change without rewriting rows.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>

static int sqlite_quota_limits(struct cp_db *db, const char *project_id,
	int (*each)(const char *resource, int64_t limit, void *arg), void *arg)
{
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"SELECT resource, hard_limit FROM quotas WHERE project_id=?1", 1, &project_id);
	int rc = 0, step;

	if (!st)
		return -EIO;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			rc = each((const char *)sqlite3_column_text(st, 0),
				sqlite3_column_int64(st, 1), arg);
	if (rc == 0 && step != SQLITE_DONE)
		rc = -EIO;
	cp_db_finish(db, st);
	return rc;
}

static json_t *sqlite_quota_projects(struct cp_db *db)
{
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT DISTINCT project_id FROM quotas ORDER BY project_id");
	json_t *out;
	int step;

	if (!st)
		return NULL;
	out = json_array();
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			json_array_append_new(out,
				json_string((const char *)sqlite3_column_text(st, 0)));
	cp_db_finish(db, st);
	if (step != SQLITE_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int sqlite_quota_put(struct cp_db *db, const char *project_id, const char *resource,
	int64_t limit)
{
	const char *const key[] = {project_id, resource};
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"INSERT OR REPLACE INTO quotas (project_id, resource, hard_limit)"
		" VALUES (?1, ?2, ?3)", 2, key);

	if (st)
		sqlite3_bind_int64(st, 3, limit);
	return cp_db_step_done(db, st);
}

static int sqlite_quota_get(struct cp_db *db, const char *project_id, const char *resource,
	int64_t *limit)
{
	const char *const key[] = {project_id, resource};
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"SELECT hard_limit FROM quotas WHERE project_id=?1 AND resource=?2", 2, key);
	int rc = -EIO, step;

	if (!st)
		return -EIO;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*limit = sqlite3_column_int64(st, 0);
		rc = 0;
	} else if (step == SQLITE_DONE) {
		rc = -ENOENT;
	}
	cp_db_finish(db, st);
	return rc;
}

static int sqlite_quota_reset(struct cp_db *db, const char *project_id)
{
	return cp_db_run(db, "DELETE FROM quotas WHERE project_id=?1", 1, &project_id) < 0 ? -EIO
											    : 0;
}

const struct cp_store_quota_ops cp_sqlite_quotas = {
	.limits = sqlite_quota_limits,
	.projects = sqlite_quota_projects,
	.put = sqlite_quota_put,
	.get = sqlite_quota_get,
	.reset = sqlite_quota_reset,
};
