/* SPDX-License-Identifier: Apache-2.0 */
#include "sql.h"
#include "obj_cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * sql, with its "kind=?1" terms made the literal kind, prepared. Why: the
 * partial indexes (migrations.c, "WHERE kind='…'") make SQLite's plan
 * depend on the value bound to kind, and SQLite then prepares the
 * statement again each time that value changes (sqlite3Reprepare: a fifth
 * of token validation's time). With the kind in the text, each kind has
 * its own kept statement, planned once. Kinds are the store's own names;
 * one that is not a plain word keeps the bound form (?1 is bound all the
 * same, so the callers bind as before).
 */
static sqlite3_stmt *prepare_kind(struct cp_db *db, const char *sql, const char *kind)
{
	static const char term[] = "kind=?1";
	char text[1024];
	size_t n = 0, klen = strlen(kind);
	const char *p = sql, *hit;

	if (klen == 0 || klen > 40 || strspn(kind, "abcdefghijklmnopqrstuvwxyz_") != klen)
		return cp_db_prepare(db, sql);
	while ((hit = strstr(p, term)) != NULL) {
		int w = snprintf(text + n, sizeof(text) - n, "%.*skind='%s'", (int)(hit - p), p, kind);

		if (w < 0 || (size_t)w >= sizeof(text) - n)
			return cp_db_prepare(db, sql);
		n += (size_t)w;
		p = hit + sizeof(term) - 1;
	}
	if (snprintf(text + n, sizeof(text) - n, "%s", p) >= (int)(sizeof(text) - n))
		return cp_db_prepare(db, sql);
	return cp_db_prepare(db, text);
}

int cp_obj_put(struct cp_db *db, const char *kind, json_t *body, const char *project_id,
	const char *parent_id, bool public_)
{
	int64_t rev = cp_db_tx_revision(db);
	sqlite3_stmt *st;
	char *text;
	int rc = -EIO;

	if (rev < 0)
		return (int)rev;
	cp_db_note_object_write(db, kind);
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
	cp_db_finish(db, st);
	free(text);
	return rc;
}

static json_t *row_body(sqlite3_stmt *st, int col)
{
	const char *text = (const char *)sqlite3_column_text(st, col);

	return text ? cp_obj_cache_load(text, (size_t)sqlite3_column_bytes(st, col)) : NULL;
}

json_t *cp_obj_get(struct cp_db *db, const char *kind, const char *id)
{
	sqlite3_stmt *st = prepare_kind(db, "SELECT body FROM objects WHERE kind=?1 AND id=?2", kind);
	json_t *body = NULL;

	if (!st)
		return NULL;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		body = row_body(st, 0);
	cp_db_finish(db, st);
	return body;
}

int cp_obj_rewrite(struct cp_db *db, const char *kind, const json_t *body)
{
	sqlite3_stmt *st = prepare_kind(db, "UPDATE objects SET body=?2 WHERE kind=?1 AND id=?3", kind);
	char *text = json_dumps(body, JSON_COMPACT);
	int rc = -EIO;

	cp_db_note_object_write(db, kind);
	if (st && text) {
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(body, "id")), -1,
			SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_DONE)
			rc = sqlite3_changes(cp_db_handle(db)) ? 0 : -ENOENT;
	}
	cp_db_finish(db, st);
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
	cp_db_note_object_write(db, kind);
	st = prepare_kind(db, "INSERT INTO tombstones (kind, id, rev, parent_id) "
			       "SELECT kind, id, ?2, parent_id FROM objects WHERE kind=?1 AND id=?3", kind);
	if (st) {
		sqlite3_bind_int64(st, 2, rev);
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	}
	cp_db_finish(db, st);
	if (rc)
		return rc;
	st = prepare_kind(db, "DELETE FROM objects WHERE kind=?1 AND id=?2", kind);
	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? (sqlite3_changes(cp_db_handle(db)) ? 0 : -ENOENT) : -EIO;
	cp_db_finish(db, st);
	return rc;
}

static json_t *collect_bodies(struct cp_db *db, sqlite3_stmt *st)
{
	json_t *out = json_array();

	while (st && sqlite3_step(st) == SQLITE_ROW) {
		json_t *body = row_body(st, 0);

		if (body)
			json_array_append_new(out, body);
	}
	cp_db_finish(db, st);
	return out;
}

json_t *cp_obj_list(struct cp_db *db, const char *kind, const char *project_id, bool with_public,
	const char *parent_id, int64_t since_rev)
{
	/* One text per combination of filters, each term a plain equality, so
	 * SQLite searches objects_parent or objects_project on (kind, x): a
	 * "?2 IS NULL OR project_id=?2" term can use neither and reads every
	 * row of the kind. Equal keys come in rowid order: no sort either. */
	static const char *const sql[2][3] = {
		{"SELECT body FROM objects WHERE kind=?1 AND rev > ?5 ORDER BY rowid",
			"SELECT body FROM objects WHERE kind=?1 AND project_id=?2 AND rev > ?5"
			" ORDER BY rowid",
			/* Two searches merged in rowid order: SQLite makes no
			 * union of (project_id=?2 OR public=?3) on its own. */
			"SELECT body, rowid AS r FROM objects WHERE kind=?1 AND project_id=?2"
			" AND rev > ?5 UNION ALL SELECT body, rowid FROM objects WHERE kind=?1"
			" AND public=?3 AND project_id IS NOT ?2 AND rev > ?5 ORDER BY r"},
		{"SELECT body FROM objects WHERE kind=?1 AND parent_id=?4 AND rev > ?5"
			" ORDER BY rowid",
			"SELECT body FROM objects WHERE kind=?1 AND parent_id=?4 AND project_id=?2"
			" AND rev > ?5 ORDER BY rowid",
			"SELECT body FROM objects WHERE kind=?1 AND parent_id=?4"
			" AND (project_id=?2 OR public=?3) AND rev > ?5 ORDER BY rowid"},
	};
	sqlite3_stmt *st = prepare_kind(db,
		sql[parent_id != NULL][project_id ? 1 + with_public : 0], kind);

	if (!st)
		return json_array();
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, 1);
	sqlite3_bind_text(st, 4, parent_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, since_rev);
	return collect_bodies(db, st);
}

/* The attributes looked up by value on request paths, each with a partial
 * expression index of migration 6 (objects_<kind>_<attr>). The SQL names
 * kind and path as literals: SQLite uses an expression index only for the
 * same expression, and a partial one only when the query implies its
 * WHERE. Any other pair is answered the same, by reading the kind. */
static const char *const indexed[][2] = {
	{"role_assignment", "actor_id"},
	{"role_assignment", "target_id"},
	{"group_membership", "user_id"},
	{"group_membership", "group_id"},
	{"user", "name"},
	{"project", "name"},
	{"domain", "name"},
	{"port", "device_id"},
	{"port", "mac_address"},
};

json_t *cp_obj_list_by(struct cp_db *db, const char *kind, const char *attr, const char *value)
{
	char sql[256];
	sqlite3_stmt *st;

	for (size_t i = 0; i < sizeof(indexed) / sizeof(indexed[0]); i++)
		if (strcmp(indexed[i][0], kind) == 0 && strcmp(indexed[i][1], attr) == 0) {
			snprintf(sql, sizeof(sql),
				"SELECT body FROM objects WHERE kind='%s'"
				" AND json_extract(body, '$.%s')=?1 ORDER BY rowid",
				kind, attr);
			st = cp_db_prepare(db, sql);
			if (!st)
				return json_array();
			sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
			return collect_bodies(db, st);
		}
	/* Not indexed: the path is bound, so any attribute name is safe. */
	snprintf(sql, sizeof(sql), "$.\"%s\"", attr);
	st = prepare_kind(db, "SELECT body FROM objects WHERE kind=?1"
			       " AND json_extract(body, ?2)=?3 ORDER BY rowid", kind);
	if (!st)
		return json_array();
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sql, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	return collect_bodies(db, st);
}

json_t *cp_obj_list_but(struct cp_db *db, const char *kind, const char *attr, const char *value,
	int64_t since_rev)
{
	sqlite3_stmt *st = prepare_kind(db, "SELECT body FROM objects WHERE kind=?1"
					     " AND (json_extract(body, ?2) IS NOT ?3 OR rev > ?4)"
					     " ORDER BY rowid", kind);
	char path[128];

	if (!st)
		return json_array();
	snprintf(path, sizeof(path), "$.\"%s\"", attr);
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, since_rev);
	return collect_bodies(db, st);
}

json_t *cp_obj_router_interfaces(struct cp_db *db, const char *network_id)
{
	/* The terms repeat the partial index's (migration 8) word for word, as
	 * SQLite uses a partial index only for a query that implies its WHERE;
	 * INDEXED BY because without statistics it costs objects_parent the
	 * same and takes that, which reads every port of the network. */
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT body FROM objects INDEXED BY objects_port_router_interface"
		" WHERE kind='port' AND parent_id=?1 AND"
		" json_extract(body, '$.device_owner')='network:router_interface' ORDER BY rowid");

	if (!st)
		return json_array();
	sqlite3_bind_text(st, 1, network_id, -1, SQLITE_STATIC);
	return collect_bodies(db, st);
}

json_t *cp_obj_router_ports(struct cp_db *db, const char *router_id)
{
	json_t *all = cp_obj_list_by(db, "port", "device_id", router_id), *out = json_array(), *p;
	size_t i;

	json_array_foreach(all, i, p) {
		const json_t *owner = json_object_get(p, "device_owner");

		if (json_is_string(owner) &&
			strcmp(json_string_value(owner), "network:router_interface") == 0)
			json_array_append(out, p);
	}
	json_decref(all);
	return out;
}

int cp_obj_count_owned(struct cp_db *db, const char *kind, const char *project_id)
{
	/* Answered from the (kind, project_id) index, without reading bodies. */
	sqlite3_stmt *st = prepare_kind(db,
		"SELECT count(*) FROM objects WHERE kind=?1 AND project_id=?2", kind);
	int n = -EIO;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, project_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	cp_db_finish(db, st);
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
	cp_db_finish(db, st);
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
