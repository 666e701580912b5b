/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Distributed routers across nodes, as Neutron's DVR: a node with a port on
 * any network of a router routes for all of that router, so that traffic
 * from its ports to a port on another of the router's networks is routed
 * where it starts and goes straight to the destination's node over the
 * tunnel, never through a third (network) node. For that the node needs
 * the router's other networks and their subnets, which no port of its own
 * brings, and their l2pop entries (feed_l2pop.c): where the remote ports
 * are and their MACs and addresses, which its agent makes static MACs and
 * permanent neighbours so that the router never ARPs across the tunnel.
 * The router itself is sent to every node anyway (feed.c).
 *
 * Such a node has the network in its dataplane, so it is one of the
 * network's nodes for the others too: a VTEP peer in their entries, without
 * ports, as Neutron's l2pop lists the DVR hosts of a router's networks. A
 * network takes VXLAN only from its peers, and the routed frames come from
 * that node.
 *
 * Cost per poll: one indexed read of the router interfaces of each network
 * the node has ports on, and of each network whose entry is sent or
 * touched, and one of the interfaces of each router found.
 */
#include "feed_dvr.h"

#include <string.h>

/* Adds the networks of router rid's interfaces to out (network id -> value). */
static void router_networks(struct cp_ctx *ctx, const char *rid, json_t *out, json_t *value)
{
	json_t *ports = cp_obj_router_ports(ctx->db, rid), *p;
	const char *nid;
	size_t i;

	json_array_foreach(ports, i, p)
		if ((nid = cp_json_str(p, "network_id")))
			json_object_set(out, nid, value);
	json_decref(ports);
}

/* Adds the ids of the routers with an interface on network nid to out. */
static void routers_on(struct cp_ctx *ctx, const char *nid, json_t *out)
{
	json_t *ifs = cp_obj_router_interfaces(ctx->db, nid), *p;
	const char *rid;
	size_t i;

	json_array_foreach(ifs, i, p)
		if ((rid = cp_json_str(p, "device_id")) && rid[0])
			json_object_set_new(out, rid, json_true());
	json_decref(ifs);
}

json_t *cp_feed_dvr_networks(struct cp_ctx *ctx, const json_t *local, const json_t *touched,
	int64_t since)
{
	json_t *routers = json_object(); /* router id -> forced */
	json_t *out = json_object(), *changed, *mine, *forced, *v;
	const char *nid, *rid;

	json_object_foreach((json_t *)local, nid, changed) {
		mine = json_object();
		routers_on(ctx, nid, mine);
		json_object_foreach(mine, rid, v)
			json_object_set_new(routers, rid, json_boolean(since == 0 ||
				json_is_true(changed) || json_object_get(touched, rid) ||
				json_is_true(json_object_get(routers, rid))));
		json_decref(mine);
	}
	json_object_foreach(routers, rid, forced) {
		mine = json_object();
		router_networks(ctx, rid, mine, json_true());
		json_object_foreach(mine, nid, v)
			if (!json_object_get(local, nid))
				json_object_set_new(out, nid, json_boolean(json_is_true(forced) ||
					json_is_true(json_object_get(out, nid))));
		json_decref(mine);
	}
	json_decref(routers);
	return out;
}

json_t *cp_feed_dvr_around(struct cp_ctx *ctx, const char *nid)
{
	json_t *routers = json_object(), *out = json_object(), *v;
	const char *rid;

	routers_on(ctx, nid, routers);
	json_object_foreach(routers, rid, v)
		router_networks(ctx, rid, out, json_true());
	json_object_del(out, nid);
	json_decref(routers);
	return out;
}

void cp_feed_dvr_touch(struct cp_ctx *ctx, json_t *touched, int64_t since)
{
	json_t *routers = json_object(), *changed, *r, *v;
	const char *id;
	size_t i;

	if (since == 0) {
		json_decref(routers);
		return; /* every entry goes: nothing to find */
	}
	json_object_foreach(touched, id, v)
		routers_on(ctx, id, routers);
	/* One that lost an interface no longer says so through the network. */
	changed = cp_obj_list(ctx->db, "router", NULL, false, NULL, since);
	json_array_foreach(changed, i, r)
		json_object_set_new(routers, cp_json_str(r, "id") ?: "", json_true());
	json_decref(changed);
	json_object_foreach(routers, id, v)
		router_networks(ctx, id, touched, json_true());
	json_decref(routers);
}
