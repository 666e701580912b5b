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
 * Cost per poll: one indexed read of the router interfaces of each network
 * the node has ports on, and one of the interfaces of each router found;
 * the feed reads every port of the cloud per poll already.
 */
#include "feed_dvr.h"

#include <string.h>

#define ROUTER_INTERFACE "network:router_interface"

json_t *cp_feed_dvr_networks(struct cp_ctx *ctx, const json_t *local, const json_t *touched,
	int64_t since)
{
	json_t *routers = json_object(); /* router id -> forced */
	json_t *out = json_object(), *changed, *ifs, *p, *forced;
	const char *nid, *rid;
	size_t i;

	json_object_foreach((json_t *)local, nid, changed) {
		ifs = cp_obj_router_interfaces(ctx->db, nid);
		json_array_foreach(ifs, i, p) {
			if (!(rid = cp_json_str(p, "device_id")) || !rid[0])
				continue;
			json_object_set_new(routers, rid, json_boolean(since == 0 ||
				json_is_true(changed) || json_object_get(touched, rid) ||
				json_is_true(json_object_get(routers, rid))));
		}
		json_decref(ifs);
	}
	json_object_foreach(routers, rid, forced) {
		ifs = cp_obj_list_by(ctx->db, "port", "device_id", rid);
		json_array_foreach(ifs, i, p) {
			nid = cp_json_str(p, "network_id");
			if (!nid || json_object_get(local, nid) ||
				strcmp(cp_json_str(p, "device_owner") ?: "", ROUTER_INTERFACE) != 0)
				continue;
			json_object_set_new(out, nid, json_boolean(json_is_true(forced) ||
				json_is_true(json_object_get(out, nid))));
		}
		json_decref(ifs);
	}
	json_decref(routers);
	return out;
}
