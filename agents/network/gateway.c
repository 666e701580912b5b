/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A router's external gateway, as Neutron's DVR snat node hosts it: only
 * the node the controller bound the gateway port to (--gateway-node) has
 * it. There it is an ordinary router interface on the external network
 * (the gateway port's address and MAC) and a default route via the
 * external subnet's gateway_ip, so that traffic leaves the router towards
 * the outside; other nodes route for their own ports only, as before.
 * GW_SET then marks the interface as the gateway, with SNAT as the
 * router's enable_snat; the agent remembers what it set (per dataplane
 * boot), as it does for ports, since the dataplane lists no gateways.
 *
 * The feed sends the external network to the gateway node only; the
 * network still needs the node's uplink of its physnet, as any network:
 * without it the reconcile leaves the network, and so the interface, out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/routers.h"

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
	if (out->n_rifs == before)
		return false;
	snprintf(out->gw_network, sizeof(out->gw_network), "%s", net.id);
	out->gw_snat = json_is_true(json_object_get(gw, "enable_snat"));
	return true;
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

static void gw_key(char *key, size_t cap, const char *router)
{
	snprintf(key, cap, "gw:%s", router);
}

void ag_gateway_forget(struct ag_dp *dp, const char *router)
{
	char key[AG_ID_LEN + 8];

	gw_key(key, sizeof(key), router);
	json_object_del(dp->applied, key);
}

bool ag_gateway_is_set(const struct ag_dp *dp, const char *router)
{
	char key[AG_ID_LEN + 8];

	gw_key(key, sizeof(key), router);
	return json_object_get(dp->applied, key) != NULL;
}

/* The dataplane's answer to a gateway message: -EOPNOTSUPP (a dataplane
 * built before gateways) is said once and is no failure of the agent. */
static int gw_call(struct ag_dp *dp, enum dp_msg_type type, const struct dp_router_gw_req *req)
{
	int rc = dp_client_call(dp->client, type, req, sizeof(*req), NULL, 0, NULL);

	if (rc == -EOPNOTSUPP) {
		if (ag_once("gateway/eopnotsupp", 0))
			ag_log(AG_WARN,
			                "the dataplane has no router gateways (%s): routing "
			                "through the gateway interface only, no SNAT",
			                dp_msg_type_name(type));
		return 1;
	}
	if (rc < 0)
		ag_log(AG_ERR, "dataplane %s %s: %s", dp_msg_type_name(type), req->router,
		                strerror(-rc));
	return rc;
}

void ag_gateway_ensure(struct ag_dp *dp, const struct ag_router *r, bool ready,
                struct ag_reconcile_stats *st)
{
	struct dp_router_gw_req req = {0};
	char key[AG_ID_LEN + 8];
	const json_t *have;
	int rc;

	gw_key(key, sizeof(key), r->id);
	have = json_object_get(dp->applied, key);
	snprintf(req.router, sizeof(req.router), "%s", r->id);
	if (r->gw_network[0] == '\0' || !ready) {
		if (have == NULL)
			return;
		req.missing_ok = 1;
		rc = gw_call(dp, DP_MSG_ROUTER_GW_CLEAR, &req);
		if (rc < 0) {
			st->failed++;
			return;
		}
		json_object_del(dp->applied, key);
		if (rc == 0) {
			ag_log(AG_INFO, "router %s: gateway cleared", r->id);
			st->removed++;
		}
		return;
	}
	if (have != NULL && json_integer_value(have) == r->gw_snat)
		return;
	snprintf(req.network, sizeof(req.network), "%s", r->gw_network);
	req.snat = r->gw_snat;
	req.exist_ok = 1;
	rc = gw_call(dp, DP_MSG_ROUTER_GW_SET, &req);
	if (rc < 0) {
		st->failed++;
		return;
	}
	json_object_set_new(dp->applied, key, json_integer(r->gw_snat));
	if (rc == 0) {
		ag_log(AG_INFO, "router %s: gateway on network %s, SNAT %s", r->id, r->gw_network,
		                r->gw_snat ? "on" : "off");
		st->added++;
	}
}
