/* SPDX-License-Identifier: Apache-2.0 */
#include "feed.h"

#include <errno.h>
#include <string.h>

static int64_t rev_of(const json_t *o)
{
	return json_integer_value(json_object_get(o, "revision_number"));
}

static bool listed(const json_t *arr, const char *id)
{
	size_t i;
	const json_t *o;

	json_array_foreach(arr, i, o)
		if (strcmp(cp_json_str(o, "id") ?: "", id) == 0)
			return true;
	return false;
}

/* Adds kind/id to out when it changed after since or force is set. */
static void add_dep(struct cp_ctx *ctx, json_t *out, const char *kind, const char *id,
	int64_t since, bool force)
{
	json_t *o;

	if (!id || listed(out, id))
		return;
	o = cp_obj_get(ctx->db, kind, id);
	if (!o)
		return;
	if (strcmp(kind, "security_group") == 0) {
		json_t *rules = cp_obj_list(ctx->db, "security_group_rule", NULL, false, id, 0), *r;
		size_t i;

		json_array_foreach(rules, i, r)
			if (rev_of(r) > since)
				force = true;
		json_object_set_new(o, "security_group_rules", rules);
	}
	if (force || rev_of(o) > since)
		json_array_append(out, o);
	json_decref(o);
}

int cp_feed_changes(struct cp_ctx *ctx, const char *node, int64_t since, json_t **out)
{
	json_t *ports, *p, *changed = json_array(), *nets = json_array(), *subnets = json_array();
	json_t *sgs = json_array(), *deleted = json_array(), *tomb, *t;
	json_t *unbound = json_array(), *routers, *fips;
	sqlite3_stmt *st;
	int64_t rev = 0;
	size_t i, j;

	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"The change feed needs the service token or admin.");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	st = cp_db_prepare(ctx->db, "SELECT value FROM meta WHERE key='revision'");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	ports = cp_obj_list(ctx->db, "port", NULL, false, NULL, 0);
	json_array_foreach(ports, i, p) {
		bool port_changed;
		json_t *subs, *s, *v;

		if (strcmp(cp_json_str(p, "binding:host_id") ?: "", node) != 0) {
			/* A port bound away from (or never bound to) this node
			 * leaves no tombstone: name it, so an agent that had it
			 * removes it. Agents ignore ids they do not have. */
			if (rev_of(p) > since)
				json_array_append(unbound, json_object_get(p, "id"));
			continue;
		}
		port_changed = rev_of(p) > since;
		if (port_changed)
			json_array_append(changed, p);
		add_dep(ctx, nets, "network", cp_json_str(p, "network_id"), since, port_changed);
		subs = cp_obj_list(ctx->db, "subnet", NULL, false, cp_json_str(p, "network_id"), 0);
		json_array_foreach(subs, j, s)
			add_dep(ctx, subnets, "subnet", cp_json_str(s, "id"), since, port_changed);
		json_decref(subs);
		json_array_foreach(json_object_get(p, "security_groups"), j, v)
			add_dep(ctx, sgs, "security_group", json_string_value(v), since, port_changed);
	}
	json_decref(ports);
	/* Routers and floating IPs are not per node (every node forwards for
	 * them): each agent gets all that changed. */
	routers = cp_obj_list(ctx->db, "router", NULL, false, NULL, since);
	fips = cp_obj_list(ctx->db, "floatingip", NULL, false, NULL, since);
	/* Deletions cannot be filtered by node any more: agents ignore ids
	 * they do not have. */
	tomb = cp_obj_deleted_since(ctx->db, since);
	json_array_foreach(tomb, i, t) {
		const char *k = cp_json_str(t, "kind");

		if (strcmp(k, "port") == 0 || strcmp(k, "network") == 0 ||
			strcmp(k, "subnet") == 0 || strcmp(k, "security_group") == 0 ||
			strcmp(k, "security_group_rule") == 0 || strcmp(k, "router") == 0 ||
			strcmp(k, "floatingip") == 0)
			json_array_append(deleted, t);
	}
	json_decref(tomb);
	cp_db_commit(ctx->db);
	*out = json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "revision",
		(json_int_t)rev, "ports", changed, "networks", nets, "subnets", subnets,
		"security_groups", sgs, "routers", routers, "floatingips", fips, "unbound", unbound,
		"deleted", deleted);
	return 0;
}
