/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups for the agents that enforce them. A node gets the groups
 * of its bound ports, each with its rules, and the groups those rules name
 * as remote_group_id ("remote groups") with their "members": an address of
 * every port in the group, on any node (fixed IPs and allowed address
 * pairs, a port's own included, as Neutron expands a remote group). A
 * group is sent again when
 *  - it or one of its rules changed, or one of its rules was deleted (the
 *    group's own revision does not move then);
 *  - a bound port using it changed (a newly bound port brings its groups);
 *  - it is a remote group whose membership changed: sg_membership says
 *    when, as a port that left a group, or was deleted, no longer says
 *    which groups it was in (cp_feed_note_members);
 *  - it is a remote group of a group sent (a rule may name it for the
 *    first time, and the agent may hold it without members).
 * Cost: every poll loads the node's groups and their remote groups with
 * their rules, and a membership change resends the whole member list of
 * the group to every node that expands it.
 *
 * A member list is the largest part of most polls (the default group
 * names itself as remote: every port of the project is in it), and is
 * the same from one poll to the next until a port joins or leaves it, or
 * its addresses change, which sg_membership records: so it is kept as
 * text for the membership revision it was read at (members_text), and
 * written into the document as kept (feed_text.c).
 */
#include "feed_sgs.h"
#include "feed_l2pop.h"
#include "feed_ports.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t rev_of(const json_t *o)
{
	return json_integer_value(json_object_get(o, "revision_number"));
}

void cp_feed_sgs_init(struct cp_feed_sgs *fs)
{
	fs->local = json_object();
	fs->lists = json_object();
}

void cp_feed_sgs_note_local(struct cp_feed_sgs *fs, const char *gid)
{
	if (!json_object_get(fs->local, gid))
		json_object_set_new(fs->local, gid, json_false());
}

void cp_feed_sgs_note_port(struct cp_feed_sgs *fs, const json_t *port, bool changed)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(port, "security_groups"), i, v) {
		const char *gid = json_string_value(v);

		if (gid)
			json_object_set_new(fs->local, gid,
				json_boolean(changed || json_is_true(json_object_get(fs->local, gid))));
	}
}

/* A group with its "security_group_rules"; *changed when it or a rule moved after since. */
static json_t *group_load(struct cp_ctx *ctx, const char *id, int64_t since, bool *changed)
{
	json_t *g = cp_obj_get(ctx->db, "security_group", id), *rules, *r;
	size_t i;

	if (!g)
		return NULL;
	*changed = rev_of(g) > since;
	rules = cp_obj_list(ctx->db, "security_group_rule", NULL, false, id, 0);
	json_array_foreach(rules, i, r)
		if (rev_of(r) > since)
			*changed = true;
	json_object_set_new(g, "security_group_rules", rules);
	return g;
}

static void add_member(json_t *out, const json_t *port, const json_t *addr)
{
	const char *ip = cp_json_str(addr, "ip_address");

	if (ip)
		json_array_append_new(out, json_pack("{s:O, s:s, s:s}", "port_id",
			json_object_get(port, "id"), "ip_address", ip, "ethertype",
			strchr(ip, ':') ? "IPv6" : "IPv4"));
}

/* [{port_id, ip_address (an address or a CIDR), ethertype}] of the group's
 * ports, on any node, as JSON text: read only for a group that is sent. */
static char *members_of(struct cp_ctx *ctx, struct cp_feed_sgs *fs, const char *gid)
{
	json_t *out = json_array(), *ports = cp_feed_group_ports(ctx->db, gid, fs->lists), *p, *a;
	char *text;
	size_t i, j;

	json_array_foreach(ports, i, p) {
		json_array_foreach(json_object_get(p, "fixed_ips"), j, a)
			add_member(out, p, a);
		json_array_foreach(json_object_get(p, "allowed_address_pairs"), j, a)
			add_member(out, p, a);
	}
	json_decref(ports);
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

/*
 * The member lists kept: "<db>:<group id>" -> {"rev", "text"}, for every
 * database the process opens (tests open several). An entry stands while
 * the group's sg_membership revision is the one it was read at: every
 * port write that changes who is in a group or their addresses moves it
 * (cp_feed_note_members, from port.c's prepare and delete; the ports
 * written past prepare, router and DHCP ports, are in no group). A group
 * without a membership row (none of its ports was written since
 * migration 5) is read each time. Bounded: emptied when it outgrows
 * MEMBERS_KEPT. Polls of one database are serialised by its connection
 * lock; the mutex is for those of several.
 */
#define MEMBERS_KEPT 4096
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *kept;

/* The group's membership revision, or -1 when it has no row. */
static int64_t membership_rev(struct cp_db *db, const char *gid)
{
	sqlite3_stmt *st = cp_db_prepare(db, "SELECT rev FROM sg_membership WHERE group_id = ?");
	int64_t rev = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, gid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	cp_db_finish(db, st);
	return rev;
}

static json_t *members_text(struct cp_ctx *ctx, struct cp_feed_sgs *fs, const char *gid)
{
	int64_t rev = membership_rev(ctx->db, gid);
	json_t *entry, *text;
	char key[128], *fresh;

	if (rev < 0) {
		fresh = members_of(ctx, fs, gid);
		text = json_string(fresh ? fresh : "[]");
		free(fresh);
		return text;
	}
	snprintf(key, sizeof(key), "%p:%s", (void *)ctx->db, gid);
	pthread_mutex_lock(&kept_lock);
	entry = kept ? json_object_get(kept, key) : NULL;
	if (entry && json_integer_value(json_object_get(entry, "rev")) == rev) {
		text = json_incref(json_object_get(entry, "text"));
		pthread_mutex_unlock(&kept_lock);
		return text;
	}
	pthread_mutex_unlock(&kept_lock);
	fresh = members_of(ctx, fs, gid);
	text = json_string(fresh ? fresh : "[]");
	free(fresh);
	pthread_mutex_lock(&kept_lock);
	if (!kept || json_object_size(kept) >= MEMBERS_KEPT) {
		json_decref(kept);
		kept = json_object();
	}
	json_object_set_new(kept, key, json_pack("{s:I, s:O}", "rev", (json_int_t)rev, "text", text));
	pthread_mutex_unlock(&kept_lock);
	return text;
}

json_t *cp_feed_sgs_end(struct cp_ctx *ctx, struct cp_feed_sgs *fs, int64_t since,
	json_t **members)
{
	json_t *gone = cp_feed_ids_since(ctx,
		"SELECT parent_id FROM tombstones WHERE kind='security_group_rule' AND rev > ?",
		since);
	json_t *moved = cp_feed_ids_since(ctx, "SELECT group_id FROM sg_membership WHERE rev > ?", since);
	json_t *groups = json_object(), *send = json_object(), *remote = json_object();
	json_t *out = json_array(), *g, *v, *r;
	const char *id;
	bool changed;
	size_t i;

	*members = json_object();
	json_object_foreach(fs->local, id, v) {
		if (!(g = group_load(ctx, id, since, &changed)))
			continue;
		json_object_set_new(groups, id, g);
		if (changed || json_is_true(v) || json_object_get(gone, id))
			json_object_set_new(send, id, json_true());
	}
	/* remote: group id -> whether a group naming it is sent. */
	json_object_foreach(groups, id, g) {
		bool sent = json_object_get(send, id) != NULL;

		json_array_foreach(json_object_get(g, "security_group_rules"), i, r) {
			const char *rid = cp_json_str(r, "remote_group_id");

			if (rid)
				json_object_set_new(remote, rid, json_boolean(sent ||
					json_is_true(json_object_get(remote, rid))));
		}
	}
	json_object_foreach(remote, id, v) {
		if (!(g = json_object_get(groups, id))) {
			if (!(g = group_load(ctx, id, since, &changed)))
				continue; /* deleted: the rule expands to nothing */
			json_object_set_new(groups, id, g);
			if (changed || json_object_get(gone, id))
				json_object_set_new(send, id, json_true());
		}
		if (json_is_true(v) || json_object_get(moved, id))
			json_object_set_new(send, id, json_true());
		if (json_object_get(send, id))
			json_object_set_new(*members, id, members_text(ctx, fs, id));
	}
	json_object_foreach(groups, id, g)
		if (json_object_get(send, id))
			json_array_append(out, g);
	json_decref(gone);
	json_decref(moved);
	json_decref(groups);
	json_decref(send);
	json_decref(remote);
	json_decref(fs->local);
	json_decref(fs->lists);
	return out;
}

int cp_feed_note_members(struct cp_db *db, const json_t *port, const json_t *old)
{
	static const char *const addr_keys[] = {"fixed_ips", "allowed_address_pairs"};
	const json_t *sides[2] = {port, old}, *v;
	bool moved = !port || !old;
	json_t *in = json_object(); /* group id -> bit 1: in port, bit 2: in old */
	const char *id;
	int64_t rev;
	size_t i;
	int rc = 0;

	for (size_t k = 0; !moved && k < 2; k++)
		moved = !json_equal(json_object_get(port, addr_keys[k]),
			json_object_get(old, addr_keys[k]));
	for (int s = 0; s < 2; s++)
		json_array_foreach(json_object_get(sides[s], "security_groups"), i, v)
			if (json_string_value(v))
				json_object_set_new(in, json_string_value(v),
					json_integer(json_integer_value(json_object_get(in,
						json_string_value(v))) | (1 << s)));
	json_object_foreach(in, id, v) {
		sqlite3_stmt *st;

		/* Addresses that moved change every group of the port; otherwise
		 * only the groups it joined or left. */
		if (!moved && json_integer_value(v) == 3)
			continue;
		if ((rev = cp_db_tx_revision(db)) < 0 ||
			!(st = cp_db_prepare(db,
				  "INSERT OR REPLACE INTO sg_membership (group_id, rev) VALUES (?, ?)"))) {
			rc = -EIO;
			break;
		}
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, rev);
		rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
		cp_db_finish(db, st);
		if (rc)
			break;
	}
	json_decref(in);
	return rc;
}

int cp_feed_forget_group(struct cp_db *db, const char *group_id)
{
	sqlite3_stmt *st = cp_db_prepare(db, "DELETE FROM sg_membership WHERE group_id = ?");
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, group_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	cp_db_finish(db, st);
	return rc;
}
