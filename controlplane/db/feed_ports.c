/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed's reads of ports, by the indexes of migration 11. Each
 * expression below is written as the index writes it, word for word:
 * SQLite uses an index on an expression only for the same expression, and
 * a partial one (WHERE kind='port') only for a query that says so too.
 *
 * Why these and not a typed column: the objects table is the store's, one
 * JSON document a row, and every port write goes through cp_obj_put; an
 * index on the document's own attributes stays right whoever writes the
 * row, with nothing to keep in step. What it costs: each port write
 * computes four more index keys (a json_extract each).
 */
#include "feed_ports.h"
#include "../network/network.h"

#include <stdlib.h>
#include <string.h>

#define HOST "json_extract(body, '$.\"binding:host_id\"')"
#define OWNER "json_extract(body, '$.device_owner')"
#define GROUPS "json_extract(body, '$.security_groups')"
#define GATEWAY "'network:router_gateway'"

static json_t *bodies(struct cp_db *db, sqlite3_stmt *st)
{
	json_t *out = json_array(), *o;

	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);

		if (text && (o = json_loads(text, 0, NULL)))
			json_array_append_new(out, o);
	}
	cp_db_finish(db, st);
	return out;
}

/* The part of a port the feed's rules look at, from SQLite's JSON reading
 * (no tree of the whole document), for the columns of ports_read. */
static json_t *summary(sqlite3_stmt *st)
{
	static const char *const keys[] = {"id", "network_id", "revision_number",
		"binding:host_id", "device_owner", "device_id", "security_groups", "fixed_ips"};
	json_t *out = json_object(), *v;

	for (int c = 1; c <= 8; c++) {
		const char *text = (const char *)sqlite3_column_text(st, c);

		if (!text)
			continue;
		if (c == 3)
			v = json_integer(sqlite3_column_int64(st, c));
		else if (c >= 7)
			v = json_loads(text, JSON_DECODE_ANY, NULL);
		else
			v = json_string(text);
		if (v)
			json_object_set_new(out, keys[c - 1], v);
	}
	return out;
}

/* Its fixed IPs only for a router's interface or csnat port: note_router_port
 * is their one reader. */
#define PORT_COLUMNS                                                                          \
	"body, id, json_extract(body, '$.network_id'),"                                        \
	" json_extract(body, '$.revision_number'), " HOST ", " OWNER ","                    \
	" json_extract(body, '$.device_id'), " GROUPS ","                                      \
	" CASE WHEN " OWNER " IN ('network:router_interface', '" CP_OWNER_ROUTER_SNAT "')"   \
	" THEN json_extract(body, '$.fixed_ips') END"

json_t *cp_feed_ports_read(struct cp_db *db, const char *node, int64_t since, json_t **texts)
{
	json_t *out = json_array();
	sqlite3_stmt *st;

	*texts = json_array();
	if (since > 0) {
		/* objects_rev: the few rows written after since, of any kind
		 * (without statistics SQLite would rather read every port). */
		st = cp_db_prepare(db, "SELECT " PORT_COLUMNS " FROM objects INDEXED BY objects_rev"
				       " WHERE kind='port' AND rev > ?1 ORDER BY rowid");
		if (st)
			sqlite3_bind_int64(st, 1, since);
	} else {
		st = cp_db_prepare(db, "SELECT " PORT_COLUMNS " FROM objects"
				       " INDEXED BY objects_port_binding WHERE kind='port' AND " HOST
				       "=?1 ORDER BY rowid");
		if (st)
			sqlite3_bind_text(st, 1, node, -1, SQLITE_STATIC);
	}
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		json_array_append_new(out, summary(st));
		/* Unchecked: the store wrote it with json_dumps, and checking
		 * its UTF-8 was a third of a first sync. */
		json_array_append_new(*texts,
			json_stringn_nocheck((const char *)sqlite3_column_text(st, 0),
				(size_t)sqlite3_column_bytes(st, 0)));
	}
	cp_db_finish(db, st);
	return out;
}

/* Adds the ids of groups (a JSON array's text) to set. */
static void add_groups(json_t *set, const char *groups)
{
	json_t *arr = groups ? json_loads(groups, 0, NULL) : NULL, *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (json_is_string(v))
			json_object_set_new(set, json_string_value(v), json_true());
	json_decref(arr);
}

void cp_feed_bindings_read(struct cp_db *db, const char *node, struct cp_feed_bindings *out)
{
	/* The distinct (owner, network, groups) of the node's ports: the index
	 * holds all three, so no row is read; a node has few distinct ones
	 * (its networks times the group lists its ports use). */
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT DISTINCT " OWNER ", parent_id, " GROUPS " FROM objects"
		" INDEXED BY objects_port_binding WHERE kind='port' AND " HOST "=?1");

	out->networks = json_object();
	out->gateway_networks = json_object();
	out->csnat_networks = json_object();
	out->groups = json_object();
	if (!st)
		return;
	sqlite3_bind_text(st, 1, node, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *owner = (const char *)sqlite3_column_text(st, 0);
		const char *nid = (const char *)sqlite3_column_text(st, 1);
		bool gateway = owner && strcmp(owner, "network:router_gateway") == 0;
		bool csnat = owner && strcmp(owner, CP_OWNER_ROUTER_SNAT) == 0;

		if (nid)
			json_object_set_new(gateway ? out->gateway_networks
					    : csnat ? out->csnat_networks
						    : out->networks,
				nid, json_true());
		if (!gateway && !csnat)
			add_groups(out->groups, (const char *)sqlite3_column_text(st, 2));
	}
	cp_db_finish(db, st);
}

void cp_feed_bindings_free(struct cp_feed_bindings *b)
{
	json_decref(b->networks);
	json_decref(b->gateway_networks);
	json_decref(b->csnat_networks);
	json_decref(b->groups);
}

json_t *cp_feed_ports_elsewhere(struct cp_db *db, const char *nid, const char *node)
{
	/* objects_port_network_host: the node's own ports on nid are passed
	 * over in the index, never read. */
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT body FROM objects INDEXED BY objects_port_network_host"
		" WHERE kind='port' AND parent_id=?1 AND " HOST " > '' AND " HOST " <> ?2"
		" ORDER BY rowid");

	if (st) {
		sqlite3_bind_text(st, 1, nid, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, node, -1, SQLITE_STATIC);
	}
	return bodies(db, st);
}

/* memo: the distinct group lists of all ports (text -> true), read once a
 * poll from objects_port_security_groups (index entries only). */
static void group_lists(struct cp_db *db, json_t *memo)
{
	sqlite3_stmt *st;

	if (json_object_size(memo))
		return;
	json_object_set_new(memo, "", json_false()); /* read, even if there are none */
	st = cp_db_prepare(db, "SELECT DISTINCT " GROUPS " FROM objects"
			       " INDEXED BY objects_port_security_groups WHERE kind='port'");
	while (st && sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			json_object_set_new(memo, (const char *)sqlite3_column_text(st, 0),
				json_true());
	cp_db_finish(db, st);
}

/* The distinct group lists (JSON array texts) that name gid, as a JSON
 * array of strings: what the IN terms below take. */
static json_t *lists_naming(struct cp_db *db, const char *gid, json_t *memo)
{
	json_t *lists = json_array(), *v, *in, *g;
	const char *text;
	size_t i;

	group_lists(db, memo);
	json_object_foreach(memo, text, v) {
		if (!json_is_true(v))
			continue;
		in = json_loads(text, 0, NULL);
		json_array_foreach(in, i, g)
			if (json_is_string(g) && strcmp(json_string_value(g), gid) == 0) {
				json_array_append_new(lists, json_string(text));
				break;
			}
		json_decref(in);
	}
	return lists;
}

json_t *cp_feed_group_ports(struct cp_db *db, const char *gid, json_t *memo)
{
	json_t *lists = lists_naming(db, gid, memo), *out = json_array();
	sqlite3_stmt *st;

	/* Only the members' addresses leave SQLite, not their documents. */
	st = json_array_size(lists) ? cp_db_prepare(db,
		"SELECT id, json_extract(body, '$.fixed_ips'),"
		" json_extract(body, '$.allowed_address_pairs') FROM objects"
		" INDEXED BY objects_port_security_groups WHERE kind='port' AND " GROUPS
		" IN (SELECT value FROM json_each(?1)) AND " OWNER " IS NOT " GATEWAY
		" ORDER BY rowid") : NULL;
	if (st) {
		char *arg = json_dumps(lists, JSON_COMPACT);

		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
		free(arg);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *ips = (const char *)sqlite3_column_text(st, 1);
			const char *pairs = (const char *)sqlite3_column_text(st, 2);

			json_array_append_new(out, json_pack("{s:s, s:o, s:o}", "id",
				(const char *)sqlite3_column_text(st, 0), "fixed_ips",
				ips ? json_loads(ips, 0, NULL) ?: json_array() : json_array(),
				"allowed_address_pairs", pairs ? json_loads(pairs, 0, NULL) ?: json_array() : json_array()));
		}
		cp_db_finish(db, st);
	}
	json_decref(lists);
	return out;
}
