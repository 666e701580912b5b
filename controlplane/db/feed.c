/* SPDX-License-Identifier: Apache-2.0 */
#include "feed.h"

#include <errno.h>
#include <stdlib.h>
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

/*
 * Routers for the agents that instantiate them: a Neutron router interface
 * is a port owned by the router (device_owner below, device_id the router)
 * and bound to no host, so the feed gathers them from the port scan it does
 * anyway and embeds them in each router it sends. Updating such a port, or
 * its subnet, does not write the router: the router is sent again then too.
 */
#define ROUTER_INTERFACE "network:router_interface"

struct feed_routers {
	json_t *ports;	 /* router id -> its interface ports */
	json_t *touched; /* router id -> true: an interface port or its subnet changed */
	json_t *subnets; /* subnet id -> subnet: those changed after since, then a cache */
};

static void note_interface(struct feed_routers *fr, json_t *port, int64_t since)
{
	const char *rid = cp_json_str(port, "device_id") ?: "";
	json_t *ports = json_object_get(fr->ports, rid), *f;
	bool touched = rev_of(port) > since;
	size_t i;

	if (!rid[0])
		return;
	if (!ports) {
		ports = json_array();
		json_object_set_new(fr->ports, rid, ports);
	}
	json_array_append(ports, port);
	json_array_foreach(json_object_get(port, "fixed_ips"), i, f)
		if (json_object_get(fr->subnets, cp_json_str(f, "subnet_id") ?: ""))
			touched = true;
	if (touched)
		json_object_set_new(fr->touched, rid, json_true());
}

static const json_t *subnet_of(struct cp_ctx *ctx, struct feed_routers *fr, const char *id)
{
	json_t *s = json_object_get(fr->subnets, id);

	if (!s && (s = cp_obj_get(ctx->db, "subnet", id)))
		json_object_set_new(fr->subnets, id, s);
	return s;
}

/* One entry per fixed IP of the router's interface ports: what a dataplane
 * router interface needs (network, address, prefix length, MAC). */
static json_t *interfaces_of(struct cp_ctx *ctx, struct feed_routers *fr, const char *rid)
{
	json_t *out = json_array(), *p, *f;
	size_t i, j;

	json_array_foreach(json_object_get(fr->ports, rid), i, p)
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f) {
			const char *sid = cp_json_str(f, "subnet_id") ?: "";
			const json_t *s = subnet_of(ctx, fr, sid);
			const char *slash = s ? strchr(cp_json_str(s, "cidr") ?: "", '/') : NULL;

			if (!slash)
				continue;
			json_array_append_new(out, json_pack("{s:O, s:O, s:s, s:O, s:i, s:O}",
				"port_id", json_object_get(p, "id"), "network_id",
				json_object_get(p, "network_id"), "subnet_id", sid, "ip_address",
				json_object_get(f, "ip_address"), "prefixlen", atoi(slash + 1),
				"mac_address", json_object_get(p, "mac_address")));
		}
	return out;
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

static void routers_begin(struct cp_ctx *ctx, struct feed_routers *fr, int64_t since)
{
	json_t *changed = cp_obj_list(ctx->db, "subnet", NULL, false, NULL, since), *s;
	size_t i;

	fr->ports = json_object();
	fr->touched = json_object();
	fr->subnets = json_object();
	json_array_foreach(changed, i, s)
		json_object_set(fr->subnets, cp_json_str(s, "id"), s);
	json_decref(changed);
}

/* The routers changed after since or touched through their interfaces,
 * each with its "interfaces". */
static json_t *routers_end(struct cp_ctx *ctx, struct feed_routers *fr, int64_t since)
{
	json_t *routers = cp_obj_list(ctx->db, "router", NULL, false, NULL, since), *r;
	const char *rid;
	size_t i;

	json_object_foreach(fr->touched, rid, r)
		add_dep(ctx, routers, "router", rid, since, true);
	json_array_foreach(routers, i, r)
		json_object_set_new(r, "interfaces", interfaces_of(ctx, fr, cp_json_str(r, "id")));
	json_decref(fr->ports);
	json_decref(fr->touched);
	json_decref(fr->subnets);
	return routers;
}

int cp_feed_changes(struct cp_ctx *ctx, const char *node, int64_t since, json_t **out)
{
	json_t *ports, *p, *changed = json_array(), *nets = json_array(), *subnets = json_array();
	json_t *sgs = json_array(), *deleted = json_array(), *tomb, *t;
	json_t *unbound = json_array(), *routers, *fips;
	struct feed_routers fr;
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
	routers_begin(ctx, &fr, since);
	ports = cp_obj_list(ctx->db, "port", NULL, false, NULL, 0);
	json_array_foreach(ports, i, p) {
		bool port_changed;
		json_t *subs, *s, *v;

		if (strcmp(cp_json_str(p, "device_owner") ?: "", ROUTER_INTERFACE) == 0)
			note_interface(&fr, p, since);
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
	 * them, as Neutron's DVR): each agent gets all that changed and picks
	 * the interfaces on its own networks. */
	routers = routers_end(ctx, &fr, since);
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
