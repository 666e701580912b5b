/* SPDX-License-Identifier: Apache-2.0 */
/*
 * North-south traffic of a distributed router's other nodes, through its
 * centralized SNAT ports (controlplane/network/router_csnat.c; the feed's
 * router "csnat_interfaces", one per subnet of its VXLAN networks, bound to
 * the gateway's node), as Neutron's DVR does:
 *  - on the node that hosts the gateway, each csnat port is a second MAC of
 *    the router's interface on that network (ROUTER_IF_MAC_SET): frames to
 *    it are routed like those to the interface's own MAC, so SNAT and the
 *    floating IPs apply as they leave through the gateway;
 *  - every other node with the router gets a default route via the csnat
 *    address of one of the router's networks there. The l2pop entry lists
 *    the csnat port as the gateway node's, so the neighbour is permanent
 *    (neighbours.c) and its MAC static behind that node's tunnel: the
 *    frame goes straight there, and never to the router's own shared MAC.
 * Replies and inbound floating-IP traffic need nothing: the gateway node's
 * router has every network of the router and a permanent neighbour for
 * each remote port, and routes them over the tunnel like east-west.
 *
 * The dataplane does not list second MACs: the agent re-sends one once per
 * agent start and dataplane boot, and after that when it changes,
 * `applied` remembering it under "rifmac2:ROUTER:NETWORK" (an interface
 * that goes takes its second MAC along: routers.c forgets it then). An
 * interface without one is not told so at start (ag_csnat_ensure says why).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/routers.h"

static const char *cs_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static struct ag_rif *rif_on(struct ag_router *out, const char *network)
{
	for (size_t i = 0; i < out->n_rifs; i++)
		if (strcmp(out->rifs[i].network, network) == 0)
			return &out->rifs[i];
	return NULL;
}

void ag_csnat_build(
                const struct ag_feed *f, const json_t *r, bool gateway_here, struct ag_router *out)
{
	const json_t *gw = json_object_get(r, "gateway"), *in;
	struct dp_ip_prefix ip;
	struct ag_rif *rif;
	size_t i;

	/* A gateway meant for this node but not programmed (its network
	 * missing here) is no reason to send the traffic elsewhere. */
	if (!json_is_object(gw) || cs_str(gw, "host")[0] == '\0' ||
	                (!gateway_here && strcmp(cs_str(gw, "host"), f->node) == 0))
		return; /* an unbound gateway: nowhere to send it (no l2pop entry either) */
	json_array_foreach(json_object_get(r, "csnat_interfaces"), i, in)
	{
		if ((rif = rif_on(out, cs_str(in, "network_id"))) == NULL)
			continue;
		if (gateway_here) {
			uint8_t mac[6];

			if (ag_parse_mac(cs_str(in, "mac_address"), mac) == 0)
				memcpy(rif->mac2, mac, 6);
			continue;
		}
		if (ag_parse_prefix(cs_str(in, "ip_address"), &ip) < 0 || ip.family != AF_INET ||
		                !ag_on_subnet(rif, ip.addr, 32))
			continue;
		/* One default route: the first network that has a csnat port. */
		memset(&out->routes[out->n_routes], 0, sizeof(out->routes[0]));
		memcpy(out->routes[out->n_routes].nexthop, ip.addr, 4);
		out->n_routes++;
		return;
	}
}

static void mac2_key(char *key, size_t cap, const char *router, const char *network)
{
	snprintf(key, cap, "rifmac2:%s:%s", router, network);
}

void ag_csnat_forget(struct ag_dp *dp, const char *router, const char *network)
{
	char key[2 * AG_ID_LEN + 16];

	mac2_key(key, sizeof(key), router, network);
	json_object_del(dp->applied, key);
}

int ag_csnat_ensure(struct ag_dp *dp, const char *router, const struct ag_rif *rif)
{
	struct dp_router_if_req req = {0};
	char key[2 * AG_ID_LEN + 16], mac[18];
	json_int_t want = 0;
	const json_t *have;
	int rc;

	for (int i = 0; i < 6; i++)
		want = want << 8 | rif->mac2[i];
	mac2_key(key, sizeof(key), router, rif->network);
	have = json_object_get(dp->applied, key);
	/* Nothing to set and nothing known set: noted, not a round trip per
	 * interface of every router at each agent start (a network node has
	 * thousands). What that leaves is a second MAC whose csnat port went
	 * while the agent was down, routed until the interface goes; no node
	 * sends to it, as their permanent neighbours for it went with the port. */
	if (have == NULL && want == 0) {
		json_object_set_new(dp->applied, key, json_integer(0));
		return 0;
	}
	if (have != NULL && json_integer_value(have) == want)
		return 0;
	snprintf(req.router, sizeof(req.router), "%s", router);
	snprintf(req.network, sizeof(req.network), "%s", rif->network);
	memcpy(req.mac, rif->mac2, 6);
	rc = ag_dp_call(dp, DP_MSG_ROUTER_IF_MAC_SET, router, &req, sizeof(req), NULL, 0);
	if (rc < 0)
		return rc;
	json_object_set_new(dp->applied, key, json_integer(want));
	if (have == NULL)
		return 0; /* re-sent after a start, or with its interface (which said so) */
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", rif->mac2[0], rif->mac2[1],
	                rif->mac2[2], rif->mac2[3], rif->mac2[4], rif->mac2[5]);
	if (want)
		ag_log(AG_INFO, "router %s: interface on network %s takes frames to %s too", router,
		                rif->network, mac);
	else
		ag_log(AG_INFO,
		                "router %s: interface on network %s takes frames to its own MAC "
		                "only",
		                router, rif->network);
	return 1;
}
