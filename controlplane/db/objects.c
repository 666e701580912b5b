/* SPDX-License-Identifier: Apache-2.0 */
#include "db.h"

#include <errno.h>
#include <stdlib.h>

int cp_obj_put(struct cp_db *db, const char *kind, json_t *body, const char *project_id,
	const char *parent_id, bool public_)
{
	int64_t rev = cp_db_tx_revision(db);
	sqlite3_stmt *st;
	char *text;
	int rc = -EIO;

	if (rev < 0)
		return (int)rev;
	json_object_set_new(body, "revision_number", json_integer(rev));
	text = json_dumps(body, JSON_COMPACT);
	st = cp_db_prepare(db, "INSERT OR REPLACE INTO objects "
			       "(kind, id, project_id, parent_id, public, rev, body) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (st && text) {
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(body, "id")), -1,
			SQLITE_STATIC);
		sqlite3_bind_text(st, 3, project_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, parent_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, public_);
		sqlite3_bind_int64(st, 6, rev);
		sqlite3_bind_text(st, 7, text, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	}
	sqlite3_finalize(st);
	free(text);
	return rc;
}

static json_t *row_body(sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);

	return text ? json_loads(text, 0, NULL) : NULL;
}

json_t *cp_obj_get(struct cp_db *db, const char *kind, const char *id)
{
	sqlite3_stmt *st = cp_db_prepare(db, "SELECT body FROM objects WHERE kind=? AND id=?");
	json_t *body = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		body = row_body(st, 0);
	sqlite3_finalize(st);
	return body;
}

int cp_obj_rewrite(struct cp_db *db, const char *kind, const json_t *body)
{
	sqlite3_stmt *st = cp_db_prepare(db, "UPDATE objects SET body=? WHERE kind=? AND id=?");
	char *text = json_dumps(body, JSON_COMPACT);
	int rc = -EIO;

	if (st && text) {
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(body, "id")), -1,
			SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = sqlite3_changes(cp_db_handle(db)) ? 0 : -ENOENT;
	}
	sqlite3_finalize(st);
	free(text);
	return rc;
}

int cp_obj_del(struct cp_db *db, const char *kind, const char *id)
{
	int64_t rev = cp_db_tx_revision(db);
	sqlite3_stmt *st;
	int rc = -EIO;

	if (rev < 0)
		return (int)rev;
	st = cp_db_prepare(db, "INSERT INTO tombstones (kind, id, rev, parent_id) "
			       "SELECT kind, id, ?, parent_id FROM objects WHERE kind=? AND id=?");
	if (st) {
		sqlite3_bind_int64(st, 1, rev);
		sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	st = cp_db_prepare(db, "DELETE FROM objects WHERE kind=? AND id=?");
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? (sqlite3_changes(cp_db_handle(db)) ? 0 : -ENOENT) : -EIO;
	sqlite3_finalize(st);
	return rc;
}

json_t *cp_obj_list(struct cp_db *db, const char *kind, const char *project_id, bool with_public,
	const char *parent_id, int64_t since_rev)
{
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT body FROM objects WHERE kind=?1"
		" AND (?2 IS NULL OR project_id=?2 OR (?3 AND public))"
		" AND (?4 IS NULL OR parent_id=?4) AND rev > ?5 ORDER BY rowid");
	json_t *out = json_array();

	if (!st)
		return out;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, with_public);
	sqlite3_bind_text(st, 4, parent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, since_rev);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *body = row_body(st, 0);

		if (body)
			json_array_append_new(out, body);
	}
	sqlite3_finalize(st);
	return out;
}

int cp_obj_count_owned(struct cp_db *db, const char *kind, const char *project_id)
{
	/* Answered from the (kind, project_id) index, without reading bodies. */
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT count(*) FROM objects WHERE kind=?1 AND project_id=?2");
	int n = -EIO;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

json_t *cp_obj_deleted_since(struct cp_db *db, int64_t since_rev)
{
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT kind, id, rev FROM tombstones WHERE rev > ? ORDER BY rev");
	json_t *out = json_array();

	if (!st)
		return out;
	sqlite3_bind_int64(st, 1, since_rev);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "kind",
						 (const char *)sqlite3_column_text(st, 0), "id",
						 (const char *)sqlite3_column_text(st, 1), "revision",
						 (json_int_t)sqlite3_column_int64(st, 2)));
	sqlite3_finalize(st);
	return out;
}

int cp_obj_put_tx(struct cp_db *db, const char *kind, json_t *body, const char *project_id,
	const char *parent_id, bool public_)
{
	int rc = cp_db_begin(db, true);

	if (rc)
		return rc;
	rc = cp_obj_put(db, kind, body, project_id, parent_id, public_);
	rc = rc ? rc : cp_db_commit(db);
	if (rc)
		cp_db_rollback(db);
	return rc;
}

int cp_obj_del_tx(struct cp_db *db, const char *kind, const char *id)
{
	int rc = cp_db_begin(db, true);

	if (rc)
		return rc;
	rc = cp_obj_del(db, kind, id);
	rc = rc ? rc : cp_db_commit(db);
	if (rc)
		cp_db_rollback(db);
	return rc;
}
