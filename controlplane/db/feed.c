/* SPDX-License-Identifier: Apache-2.0 */
#include "feed.h"
#include "feed_dhcp.h"
#include "feed_dvr.h"
#include "feed_l2pop.h"
#include "feed_ports.h"
#include "feed_servers.h"
#include "feed_sgs.h"
#include "feed_text.h"
#include "../compute/server.h"
#include "../network/network.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t rev_of(const json_t *o)
{
	return json_integer_value(json_object_get(o, "revision_number"));
}

/* An array the feed sends and the ids it holds, so that a dependency is
 * added once at the cost of a hash lookup: scanning the array for each one
 * made a poll quadratic in the networks (thousands on a network node). */
struct feed_list {
	json_t *arr;
	json_t *ids; /* id -> true */
	/* For the subnets' list: network id -> whether add_subnets was done for
	 * it forced (true) or not (false); each of a network's ports asked
	 * again, reading the network's subnets once more each time. */
	json_t *parents;
};

static struct feed_list list_new(json_t *arr)
{
	return (struct feed_list){arr, json_object(), json_object()};
}

/* Gives the array away (the caller owns it now) and frees the index. */
static json_t *list_end(struct feed_list *l)
{
	json_decref(l->ids);
	json_decref(l->parents);
	return l->arr;
}

/*
 * Routers for the agents that instantiate them: a Neutron router interface
 * is a port owned by the router (device_owner below, device_id the router)
 * and bound to no host, so the feed reads a router's ports by the device_id
 * index and embeds them in each router it sends. Updating such a port, or
 * its subnet, does not write the router: the router is sent again then too.
 */
#define ROUTER_INTERFACE "network:router_interface"
/* A router's gateway port is bound to the gateway node (--gateway-node) but
 * is no VM port: it reaches the agents as the router's "gateway". */
#define ROUTER_GATEWAY "network:router_gateway"

struct feed_routers {
	json_t *ports;	 /* router id -> its interface ports (router_load) */
	json_t *gateways; /* router id -> its gateway port, or null (router_load) */
	json_t *touched; /* router id -> true: an interface port or its subnet changed */
	json_t *csnat;	 /* router id -> its centralized SNAT ports */
	json_t *subnets; /* subnet id -> subnet: those changed after since, then a cache */
};

/* Adds port, an interface or centralized SNAT port (router_csnat.c: the
 * gateway node's own interface of the router on its subnet, where the
 * router's instances on other nodes route their external traffic) of the
 * router its device_id names, to that router's list in by_router; touches
 * the router when the port or one of its subnets changed after since. */
static void note_router_port(struct feed_routers *fr, json_t *by_router, json_t *port,
	int64_t since)
{
	const char *rid = cp_json_str(port, "device_id") ?: "";
	json_t *ports = json_object_get(by_router, rid), *f;
	bool touched = rev_of(port) > since;
	size_t i;

	if (!rid[0])
		return;
	if (!ports) {
		ports = json_array();
		json_object_set_new(by_router, rid, ports);
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

/* Reads router rid's ports once a poll, by the device_id index: its
 * interfaces into fr->ports, its centralized SNAT ports into fr->csnat,
 * its gateway port (the last one, null for none) into fr->gateways. */
static void router_load(struct cp_ctx *ctx, struct feed_routers *fr, const char *rid)
{
	json_t *ports, *p, *ifs, *csnat, *gw = json_null();
	size_t i;

	if (json_object_get(fr->gateways, rid))
		return;
	ports = cp_obj_list_by(ctx->db, "port", "device_id", rid);
	ifs = json_array();
	csnat = json_array();
	json_array_foreach(ports, i, p) {
		const char *owner = cp_json_str(p, "device_owner") ?: "";

		if (strcmp(owner, ROUTER_INTERFACE) == 0)
			json_array_append(ifs, p);
		else if (strcmp(owner, CP_OWNER_ROUTER_SNAT) == 0)
			json_array_append(csnat, p);
		else if (strcmp(owner, ROUTER_GATEWAY) == 0)
			gw = p;
	}
	json_object_set_new(fr->ports, rid, ifs);
	json_object_set_new(fr->csnat, rid, csnat);
	json_object_set(fr->gateways, rid, gw);
	json_decref(ports);
}

static const json_t *gateway_port(struct cp_ctx *ctx, struct feed_routers *fr, const char *rid)
{
	const json_t *gw;

	router_load(ctx, fr, rid);
	gw = json_object_get(fr->gateways, rid);
	return json_is_object(gw) ? gw : NULL;
}

/* One entry per fixed IP of ports (a router's interface or csnat ports):
 * what a dataplane router interface needs (network, address, prefix length,
 * MAC). */
static json_t *interfaces_of(struct cp_ctx *ctx, struct feed_routers *fr, const json_t *ports)
{
	json_t *out = json_array(), *p, *f;
	size_t i, j;

	json_array_foreach(ports, i, p)
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

/* The router's gateway for the agent of its host: the first fixed IP of
 * its gateway port, with the external subnet's gateway_ip as the next hop
 * of the router's default route. null when it has none. */
static json_t *gateway_of(struct cp_ctx *ctx, struct feed_routers *fr, const json_t *r)
{
	const json_t *p = gateway_port(ctx, fr, cp_json_str(r, "id") ?: "");
	const json_t *info = json_object_get(r, "external_gateway_info");
	json_t *f = p ? json_array_get(json_object_get(p, "fixed_ips"), 0) : NULL;
	const json_t *s = f ? subnet_of(ctx, fr, cp_json_str(f, "subnet_id") ?: "") : NULL;
	const char *slash = s ? strchr(cp_json_str(s, "cidr") ?: "", '/') : NULL;

	if (!slash)
		return json_null();
	return json_pack("{s:O, s:O, s:O, s:i, s:O, s:s, s:s, s:b}", "port_id",
		json_object_get(p, "id"), "network_id", json_object_get(p, "network_id"),
		"ip_address", json_object_get(f, "ip_address"), "prefixlen", atoi(slash + 1),
		"mac_address", json_object_get(p, "mac_address"), "gateway_ip",
		cp_json_str(s, "gateway_ip") ?: "", "host", cp_json_str(p, "binding:host_id") ?: "",
		"enable_snat", cp_json_bool(info, "enable_snat", true));
}

/* Adds kind/id to out when it changed after since or force is set. */
static void add_dep(struct cp_ctx *ctx, struct feed_list *out, const char *kind, const char *id,
	int64_t since, bool force)
{
	json_t *o;

	if (!id || json_object_get(out->ids, id))
		return;
	o = cp_obj_get(ctx->db, kind, id);
	if (!o)
		return;
	if (force || rev_of(o) > since) {
		json_array_append(out->arr, o);
		json_object_set_new(out->ids, id, json_true());
	}
	json_decref(o);
}

/* add_dep for every subnet of network nid. */
static void add_subnets(struct cp_ctx *ctx, struct feed_list *out, const char *nid,
	int64_t since, bool force)
{
	json_t *done = nid ? json_object_get(out->parents, nid) : NULL, *subs, *s;
	size_t i;

	/* Forced adds them all; unforced only the changed ones: after a forced
	 * pass nothing is left to add, after an unforced one only a forced. */
	if (!nid || (done && (json_is_true(done) || !force)))
		return;
	json_object_set_new(out->parents, nid, json_boolean(force));
	subs = cp_obj_list(ctx->db, "subnet", NULL, false, nid, 0);
	json_array_foreach(subs, i, s)
		add_dep(ctx, out, "subnet", cp_json_str(s, "id"), since, force);
	json_decref(subs);
}

json_t *cp_feed_networks_since(struct cp_ctx *ctx, int64_t since)
{
	/* objects_rev: the rows written after since; by kind, SQLite would
	 * read the rev of every network. */
	return cp_feed_ids_since(ctx,
		"SELECT id FROM objects INDEXED BY objects_rev WHERE kind='network' AND rev > ?",
		since);
}

/* The ids in the first column of sql's rows (one parameter: since), as a set. */
json_t *cp_feed_ids_since(struct cp_ctx *ctx, const char *sql, int64_t since)
{
	sqlite3_stmt *st = cp_db_prepare(ctx->db, sql);
	json_t *out = json_object();

	if (!st)
		return out;
	sqlite3_bind_int64(st, 1, since);
	while (sqlite3_step(st) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			json_object_set_new(out, (const char *)sqlite3_column_text(st, 0), json_true());
	cp_db_finish(ctx->db, st);
	return out;
}


static void routers_begin(struct cp_ctx *ctx, struct feed_routers *fr, int64_t since)
{
	json_t *changed = cp_obj_list(ctx->db, "subnet", NULL, false, NULL, since), *s;
	size_t i;

	fr->ports = json_object();
	fr->gateways = json_object();
	fr->touched = json_object();
	fr->csnat = json_object();
	fr->subnets = json_object();
	json_array_foreach(changed, i, s)
		json_object_set(fr->subnets, cp_json_str(s, "id"), s);
	json_decref(changed);
}

/* Set once at start (before any request): see cp_feed_set_router_node. */
static char router_node[256];

void cp_feed_set_router_node(const char *node)
{
	snprintf(router_node, sizeof(router_node), "%s", node ? node : "");
}

/* The node that routes for all of router rid: its gateway's, else the router node ("": none). */
static const char *host_of(struct cp_ctx *ctx, struct feed_routers *fr, const char *rid)
{
	const json_t *gw = gateway_port(ctx, fr, rid);

	return gw ? cp_json_str(gw, "binding:host_id") ?: "" : router_node;
}

/* Touches the routers with an interface on a subnet changed after since
 * (fr->subnets, before routers_end caches more): the router interfaces of
 * the subnet's network, by their own index (an interface on a subnet is on
 * its network), not the subnet's address allocations, which name every
 * port on it. Not for a first sync, where routers_sent touches them all. */
static void touch_by_subnets(struct cp_ctx *ctx, struct feed_routers *fr, int64_t since)
{
	const char *sid;
	json_t *s, *ifs, *p, *f;
	size_t i, j;

	json_object_foreach(since ? fr->subnets : NULL, sid, s) {
		ifs = cp_obj_router_interfaces(ctx->db, cp_json_str(s, "network_id") ?: "");
		json_array_foreach(ifs, i, p)
			json_array_foreach(json_object_get(p, "fixed_ips"), j, f)
				if (strcmp(cp_json_str(f, "subnet_id") ?: "", sid) == 0 &&
					cp_json_str(p, "device_id"))
					json_object_set_new(fr->touched, cp_json_str(p, "device_id"),
						json_true());
		json_decref(ifs);
	}
}

/* The routers changed after since or touched through their interfaces,
 * each router's interface ports loaded into fr->ports. */
static struct feed_list routers_sent(struct cp_ctx *ctx, struct feed_routers *fr, int64_t since)
{
	struct feed_list routers = list_new(cp_obj_list(ctx->db, "router", NULL, false, NULL, since));
	const char *rid;
	json_t *r;
	size_t i;

	touch_by_subnets(ctx, fr, since);
	json_array_foreach(routers.arr, i, r) {
		json_object_set_new(routers.ids, cp_json_str(r, "id") ?: "", json_true());
		/* A first sync: every router and its ports are new to the node. */
		if (since == 0)
			json_object_set_new(fr->touched, cp_json_str(r, "id") ?: "", json_true());
	}
	json_object_foreach(fr->touched, rid, r)
		add_dep(ctx, &routers, "router", rid, since, true);
	/* By the device_id index: the interfaces of the routers sent, not every
	 * router's of the cloud. */
	json_array_foreach(routers.arr, i, r)
		router_load(ctx, fr, cp_json_str(r, "id") ?: "");
	return routers;
}

/* Whether network nid has an interface of a router that node hosts; memo caches the answer. */
static bool net_hosted(struct cp_ctx *ctx, struct feed_routers *fr, const char *node,
	const char *nid, json_t *memo)
{
	json_t *ports, *p;
	bool yes = false;
	size_t i;

	if ((p = json_object_get(memo, nid)))
		return json_is_true(p);
	ports = cp_obj_router_interfaces(ctx->db, nid);
	json_array_foreach(ports, i, p)
		if (strcmp(host_of(ctx, fr, cp_json_str(p, "device_id") ?: ""), node) == 0)
			yes = true;
	json_decref(ports);
	json_object_set_new(memo, nid, json_boolean(yes));
	return yes;
}

/*
 * The node that hosts a router (host_of) routes for all of it, as Neutron's
 * network node does: it gets each interface's network and its subnets,
 * whether a VM port of the node is there or not; otherwise a network node,
 * which has no VMs, would hold none of its tenants' routers. Other nodes
 * route for the routers of their ports (feed_dvr.c). They are sent whole when the
 * router was touched (an interface or gateway port, or an interface's
 * subnet, changed after since: a newly hosted router brings its networks),
 * and otherwise when they changed themselves. After routers_sent.
 */
static void routers_hosted(struct cp_ctx *ctx, struct feed_routers *fr, const char *node,
	int64_t since, struct feed_list *nets, struct feed_list *subnets)
{
	json_t *memo = json_object(); /* network id -> whether node hosts a router on it */
	json_t *changed, *p, *o, *v;
	const char *rid, *nid;
	size_t i;

	json_object_foreach(fr->touched, rid, v) {
		if (!node[0] || strcmp(host_of(ctx, fr, rid), node) != 0)
			continue;
		json_array_foreach(json_object_get(fr->ports, rid), i, p) {
			if (!(nid = cp_json_str(p, "network_id")))
				continue;
			add_dep(ctx, nets, "network", nid, since, true);
			add_subnets(ctx, subnets, nid, since, true);
		}
	}
	/* The rest changed on their own: few per poll, each checked by index. */
	changed = node[0] ? cp_obj_list(ctx->db, "network", NULL, false, NULL, since) : json_array();
	json_array_foreach(changed, i, o)
		if (net_hosted(ctx, fr, node, cp_json_str(o, "id") ?: "", memo))
			add_dep(ctx, nets, "network", cp_json_str(o, "id"), since, false);
	json_decref(changed);
	json_object_foreach(fr->subnets, rid, o) /* only the changed ones, before routers_end */
		if (node[0] && net_hosted(ctx, fr, node, cp_json_str(o, "network_id") ?: "", memo))
			add_dep(ctx, subnets, "subnet", rid, since, false);
	json_decref(memo);
}

/* The routers of routers_sent, each with its "interfaces", "gateway" and "host". */
static json_t *routers_end(struct cp_ctx *ctx, struct feed_routers *fr, struct feed_list *routers)
{
	json_t *r;
	size_t i;

	json_array_foreach(routers->arr, i, r)
	{
		const char *rid = cp_json_str(r, "id") ?: "";

		json_object_set_new(r, "interfaces",
			interfaces_of(ctx, fr, json_object_get(fr->ports, rid)));
		json_object_set_new(r, "csnat_interfaces",
			interfaces_of(ctx, fr, json_object_get(fr->csnat, rid)));
		json_object_set_new(r, "gateway", gateway_of(ctx, fr, r));
		json_object_set_new(r, "host", json_string(host_of(ctx, fr, rid)));
	}
	json_decref(fr->ports);
	json_decref(fr->csnat);
	json_decref(fr->gateways);
	json_decref(fr->touched);
	json_decref(fr->subnets);
	return list_end(routers);
}

/*
 * What the node's ports that did not change bring into a poll, from the
 * binding index (no port read): their networks and those of its gateway
 * ports, each sent when it changed, with its subnets that changed (all
 * of them when the network's DHCP port changed); their networks in local
 * (not changed); their groups in fs (not changed). Found from what
 * changed (moved networks, changed_subnets: routers_begin's), not by
 * reading each of the node's networks. Nothing for a first sync, where
 * every port is read and brings all of it.
 */
static void node_bindings(struct cp_ctx *ctx, const struct cp_feed_bindings *bind, int64_t since,
	const json_t *dhcp, const json_t *changed_subnets, struct feed_list *nets,
	struct feed_list *subnets, json_t *local, struct cp_feed_sgs *fs)
{
	json_t *moved, *v;
	const char *id;

	if (since == 0)
		return;
	moved = cp_feed_networks_since(ctx, since);
	json_object_foreach(bind->networks, id, v) {
		if (!json_object_get(local, id))
			json_object_set_new(local, id, json_false());
		if (json_object_get(moved, id))
			add_dep(ctx, nets, "network", id, since, false);
		if (cp_feed_dhcp_touched(dhcp, id))
			add_subnets(ctx, subnets, id, since, true);
	}
	json_object_foreach(bind->gateway_networks, id, v)
		if (json_object_get(moved, id))
			add_dep(ctx, nets, "network", id, since, false);
	json_object_foreach((json_t *)changed_subnets, id, v) {
		const char *nid = cp_json_str(v, "network_id") ?: "";

		if (json_object_get(bind->networks, nid) || json_object_get(bind->gateway_networks, nid))
			add_dep(ctx, subnets, "subnet", id, since, false);
	}
	json_object_foreach(bind->groups, id, v)
		cp_feed_sgs_note_local(fs, id);
	json_decref(moved);
}

int cp_feed_changes_text(struct cp_ctx *ctx, const char *node, int64_t since, char **out)
{
	json_t *ports, *texts, *p, *changed = json_array(), *members;
	struct feed_list nets = list_new(json_array()), subnets = list_new(json_array());
	json_t *deleted = json_array(), *tomb, *t;
	json_t *unbound = json_array(), *routers, *fips, *sgs, *dhcp, *l2pop, *servers, *rest;
	json_t *local = json_object(), *routed, *v; /* network id -> a port of the node on it changed */
	const char *nid;
	struct cp_feed_sgs fs;
	struct cp_feed_bindings bind;
	struct feed_routers fr;
	struct feed_list sent;
	sqlite3_stmt *st;
	int64_t rev = 0;
	size_t i;

	if (!ctx->caller->is_service && !ctx->caller->is_admin)
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"The change feed needs the service token or admin.");
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	st = cp_db_prepare(ctx->db, "SELECT value FROM meta WHERE key='revision'");
	if (st && sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	cp_db_finish(ctx->db, st);
	routers_begin(ctx, &fr, since);
	cp_feed_sgs_init(&fs);
	/* The ports changed after since one by one (the node's bound ones for
	 * a first sync); the node's other ports only by what the binding index
	 * says of them (node_bindings). Router interfaces carry no security
	 * groups, no binding and no DHCP: unchanged, nothing below needs
	 * them, and routers_sent reads those of the routers it sends. */
	ports = cp_feed_ports_read(ctx->db, node, since, &texts);
	dhcp = cp_feed_dhcp_begin(ports, since);
	json_array_foreach(ports, i, p) {
		bool port_changed = rev_of(p) > since;
		bool bound = strcmp(cp_json_str(p, "binding:host_id") ?: "", node) == 0;

		if (strcmp(cp_json_str(p, "device_owner") ?: "", ROUTER_INTERFACE) == 0)
			note_router_port(&fr, fr.ports, p, since);
		if (strcmp(cp_json_str(p, "device_owner") ?: "", CP_OWNER_ROUTER_SNAT) == 0) {
			/* Not a VM port either: the router carries it, and the
			 * l2pop entries (the scan below) say where it is. */
			note_router_port(&fr, fr.csnat, p, since);
			continue;
		}
		if (strcmp(cp_json_str(p, "device_owner") ?: "", ROUTER_GATEWAY) == 0) {
			/* Not a VM port: the router carries it (router_load); its
			 * host (the gateway node) gets the external network and
			 * subnets, all of them when it changed. */
			if (port_changed)
				json_object_set_new(fr.touched, cp_json_str(p, "device_id") ?: "",
					json_true());
			if (bound) {
				add_dep(ctx, &nets, "network", cp_json_str(p, "network_id"), since,
					port_changed);
				add_subnets(ctx, &subnets, cp_json_str(p, "network_id"), since,
					port_changed);
			}
			continue;
		}
		if (!bound) {
			/* A port bound away from (or never bound to) this node
			 * leaves no tombstone: name it, so an agent that had it
			 * removes it. Agents ignore ids they do not have. */
			if (port_changed)
				json_array_append(unbound, json_object_get(p, "id"));
			continue;
		}
		cp_feed_sgs_note_port(&fs, p, port_changed);
		if (port_changed) /* sent as stored, not parsed and dumped again */
			json_array_append(changed, json_array_get(texts, i));
		if ((nid = cp_json_str(p, "network_id")))
			json_object_set_new(local, nid, json_boolean(port_changed ||
				json_is_true(json_object_get(local, nid))));
		add_dep(ctx, &nets, "network", cp_json_str(p, "network_id"), since, port_changed);
		add_subnets(ctx, &subnets, cp_json_str(p, "network_id"), since,
			port_changed || cp_feed_dhcp_touched(dhcp, cp_json_str(p, "network_id")));
	}
	cp_feed_bindings_read(ctx->db, node, &bind);
	node_bindings(ctx, &bind, since, dhcp, fr.subnets, &nets, &subnets, local, &fs);
	sent = routers_sent(ctx, &fr, since);
	routers_hosted(ctx, &fr, node, since, &nets, &subnets);
	routed = cp_feed_dvr_networks(ctx, local, fr.touched, since);
	json_object_foreach(routed, nid, v) {
		add_dep(ctx, &nets, "network", nid, since, json_is_true(v));
		add_subnets(ctx, &subnets, nid, since, json_is_true(v));
	}
	cp_feed_dhcp_end(ctx->db, dhcp, subnets.arr);
	sgs = cp_feed_sgs_end(ctx, &fs, since, &members);
	l2pop = cp_feed_l2pop(ctx, ports, &bind, node, since, routed);
	cp_feed_bindings_free(&bind);
	json_decref(local);
	json_decref(routed);
	servers = cp_feed_servers(ctx->db, node, since);
	json_decref(ports);
	json_decref(texts);
	/* Routers and floating IPs are not per node: each agent gets all that
	 * changed. It instantiates a router with all its interfaces where it
	 * has a port on one of its networks (as Neutron's DVR: feed_dvr.c
	 * brings the others), and programs the floating IPs of the
	 * routers whose gateway it hosts (their "gateway" names the host, and a
	 * router is sent again when its gateway port moves). Not filtering by
	 * node means a floating IP moved to a router hosted elsewhere still
	 * reaches the node that must drop it. */
	routers = routers_end(ctx, &fr, &sent);
	fips = cp_obj_list(ctx->db, "floatingip", NULL, false, NULL, since);
	/* Deletions cannot be filtered by node any more: agents ignore ids
	 * they do not have. */
	tomb = cp_obj_deleted_since(ctx->db, since);
	json_array_foreach(tomb, i, t) {
		const char *k = cp_json_str(t, "kind");

		if (strcmp(k, "port") == 0 || strcmp(k, "network") == 0 ||
			strcmp(k, "subnet") == 0 || strcmp(k, "security_group") == 0 ||
			strcmp(k, "security_group_rule") == 0 || strcmp(k, "router") == 0 ||
			strcmp(k, "floatingip") == 0 || strcmp(k, CP_SERVER_KIND) == 0)
			json_array_append(deleted, t);
	}
	json_decref(tomb);
	cp_db_commit(ctx->db);
	rest = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "networks", list_end(&nets),
		"subnets", list_end(&subnets), "routers", routers, "floatingips", fips, "unbound",
		unbound, "deleted", deleted, "l2pop", l2pop, "servers", servers);
	*out = cp_feed_text(rev, changed, sgs, members, rest);
	json_decref(rest);
	json_decref(changed);
	json_decref(sgs);
	json_decref(members);
	return *out ? 0 : -ENOMEM;
}

int cp_feed_changes(struct cp_ctx *ctx, const char *node, int64_t since, json_t **out)
{
	char *text = NULL;
	int rc = cp_feed_changes_text(ctx, node, since, &text);

	if (rc)
		return rc;
	*out = json_loads(text, 0, NULL);
	free(text);
	return *out ? 0 : -ENOMEM;
}
