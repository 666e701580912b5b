/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A router's external gateway, as Neutron's DVR snat node hosts it: only
 * the node the controller bound the gateway port to (--gateway-node) has
 * it. There it is an ordinary router interface on the external network
 * (the gateway port's address and MAC) and a default route via the
 * external subnet's gateway_ip, so that traffic leaves the router towards
 * the outside; other nodes route for their own ports only, as before.
 *
 * The feed sends the external network to the gateway node only; the
 * network still needs the node's uplink of its physnet, as any network:
 * without it the reconcile leaves the network, and so the interface, out.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "ag.h"

static const char *gw_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

bool ag_gateway_rif(const struct ag_feed *f, const json_t *r, struct ag_desired *d,
                struct ag_router *out)
{
	const json_t *gw = json_object_get(r, "gateway");
	const char *net_id = gw_str(gw, "network_id");
	const json_t *n = json_object_get(f->networks, net_id);
	size_t before = out->n_rifs;
	struct ag_net net;
	char key[192];

	if (!json_is_object(gw) || strcmp(gw_str(gw, "host"), f->node) != 0)
		return false; /* another node (or none) hosts this gateway */
	if (n == NULL || ag_desired_build_net(n, &net) < 0) {
		snprintf(key, sizeof(key), "gateway/%s/%s", gw_str(r, "id"), net_id);
		if (ag_once(key, 0))
			ag_log(AG_WARN,
			                "router %s: external network %s is not in the feed or "
			                "of a type this dataplane lacks: gateway not programmed",
			                gw_str(r, "id"), net_id);
		return false;
	}
	if (ag_desired_find_net(d, net.id) == NULL)
		d->nets[d->n_nets++] = net; /* ag_desired_build left room for it */
	ag_desired_build_rif(r, gw, d, out);
	return out->n_rifs > before;
}

void ag_gateway_route(const json_t *r, struct ag_router *out)
{
	const json_t *gw = json_object_get(r, "gateway");
	struct ag_route *e = &out->routes[out->n_routes];
	struct dp_ip_prefix hop;

	if (ag_parse_prefix(gw_str(gw, "gateway_ip"), &hop) < 0 || hop.family != AF_INET)
		return; /* an external subnet without a gateway: no way out */
	memset(e, 0, sizeof(*e));
	memcpy(e->nexthop, hop.addr, 4);
	out->n_routes++;
}
