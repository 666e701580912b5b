/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Centralized SNAT ports, as Neutron's DVR makes them (device_owner
 * network:router_centralized_snat, device_id the router): a router is
 * instantiated on every node with a port on one of its networks (feed_dvr.c)
 * but its external gateway lives on one node, and the router's instances
 * all share one MAC and address per network, so an instance elsewhere
 * cannot name the gateway node's as a next hop. The csnat port gives that
 * instance an address and MAC of its own on each subnet: the gateway node
 * takes frames to that MAC into the router, and the other nodes route their
 * external traffic to it (the feed and agents/network/gateway.c).
 *
 * One per IPv4 subnet of the router's interfaces on VXLAN networks, bound to
 * the node of the gateway port, while the router has a gateway. A VLAN or
 * flat network has no l2pop, so no permanent neighbour for the port on the
 * other nodes, and the router there would have to ARP for it: those keep
 * routing only for the nodes with their ports, and reach the outside only
 * from the gateway node, as before.
 *
 * Created and deleted in the write transaction that changes the gateway or
 * an interface, so the feed never sees a router without the ports its
 * gateway needs. Users cannot delete them (cp_port_managed).
 */
#include "network.h"

#include <errno.h>
#include <string.h>

/* subnet id -> network id of the subnets that should have a csnat port. */
static json_t *wanted_subnets(struct cp_ctx *ctx, const char *rid)
{
	json_t *ifaces = cp_ports_of(ctx, rid, "network:router_interface"), *p, *f;
	json_t *out = json_object();
	size_t i, j;

	json_array_foreach(ifaces, i, p) {
		const char *nid = cp_json_str(p, "network_id") ?: "";
		json_t *net = cp_obj_get(ctx->db, "network", nid);
		bool vxlan = strcmp(cp_json_str(net, "provider:network_type") ?: "", "vxlan") == 0;

		json_decref(net);
		if (!vxlan)
			continue;
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f) {
			const char *sid = cp_json_str(f, "subnet_id");
			json_t *s = sid ? cp_obj_get(ctx->db, "subnet", sid) : NULL;

			if (s && json_integer_value(json_object_get(s, "ip_version")) == 4)
				json_object_set_new(out, sid, json_string(nid));
			json_decref(s);
		}
	}
	json_decref(ifaces);
	return out;
}

int cp_router_sync_csnat(struct cp_ctx *ctx, const json_t *router)
{
	const char *rid = cp_json_str(router, "id") ?: "";
	const json_t *gw = json_object_get(router, "external_gateway_info");
	json_t *gw_ports = cp_ports_of(ctx, rid, "network:router_gateway");
	const char *host = cp_json_str(json_array_get(gw_ports, 0), "binding:host_id");
	json_t *have = cp_ports_of(ctx, rid, CP_OWNER_ROUTER_SNAT), *p, *nid;
	json_t *wanted = json_is_object(gw) && cp_json_str(gw, "network_id") &&
				 json_array_size(gw_ports)
			 ? wanted_subnets(ctx, rid)
			 : json_object();
	const char *sid;
	size_t i;
	int rc = 0;

	/* Kept when still wanted and bound where the gateway is; one of two
	 * on a subnet goes too (the second is not wanted any more). */
	json_array_foreach(have, i, p) {
		sid = cp_json_str(json_array_get(json_object_get(p, "fixed_ips"), 0), "subnet_id");
		if (rc == 0 && sid && json_is_string(json_object_get(wanted, sid)) &&
			strcmp(cp_json_str(p, "binding:host_id") ?: "", host ?: "") == 0) {
			json_object_set_new(wanted, sid, json_true());
			continue;
		}
		if (rc == 0)
			rc = cp_port_delete_internal(ctx, p);
	}
	json_object_foreach(wanted, sid, nid) {
		json_t *fixed, *port = NULL;

		if (rc || !json_is_string(nid))
			continue;
		fixed = json_pack("[{s:s}]", "subnet_id", sid);
		rc = cp_port_create_internal(ctx, json_string_value(nid), cp_res_owner(router), rid,
			CP_OWNER_ROUTER_SNAT, fixed, host, &port);
		json_decref(fixed);
		json_decref(port);
	}
	json_decref(wanted);
	json_decref(have);
	json_decref(gw_ports);
	return rc;
}
