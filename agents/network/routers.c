/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron routers in the node's dataplane: one dataplane router per Neutron
 * router the node routes for (desired.c says which, DVR style), named by
 * its UUID, with an interface on each of the node's networks it is attached
 * to, its extra routes, and permanent neighbours for the ports on those
 * networks, the node's and remote ones (neighbours.c).
 *
 * As for ports, the dataplane is the record of what is installed. Its
 * router list names the routers; its route list shows each interface as
 * the connected route of its subnet (network, prefix, length) and every
 * static route whole. An interface's own address and MAC are not listed:
 * like port security they are re-sent (exist_ok, which the dataplane
 * accepts for the same address) once per agent start and dataplane boot,
 * and after that only when they change, `applied` remembering a hash under
 * "rif:ROUTER:NETWORK". So a restarted agent leaves a working router alone.
 *
 * Order: an interface needs its network (reconcile.c adds networks
 * first), the dataplane refuses to delete a network with an interface on
 * it, and a router with interfaces, so interfaces go first and come last.
 * Removing an interface takes the routes through it along (as in Linux):
 * routes are reconciled after interfaces, from a fresh list.
 *
 * Only routers named by a UUID are touched: a router added by hand under
 * another name is never changed or removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "common/log.h"
#include "common/parse.h"
#include "network/routers.h"

struct rview {
	struct dp_router_info *routers;
	size_t n_routers;
	struct dp_route_info *routes; /* connected ones (interfaces) included */
	size_t n_routes;
	struct dp_neigh_info *neighs; /* learned ones included */
	size_t n_neighs;
};

static void rview_free(struct rview *v)
{
	free(v->routers);
	free(v->routes);
	free(v->neighs);
	memset(v, 0, sizeof(*v));
}

static int rview_load_routes(struct ag_dp *dp, struct rview *v)
{
	int rc;

	free(v->routes);
	v->routes = NULL;
	v->n_routes = 0;
	rc = ag_dp_list(dp, DP_MSG_ROUTE_LIST, sizeof(*v->routes), (void **)&v->routes,
	                &v->n_routes);
	for (size_t i = 0; i < v->n_routes; i++) {
		v->routes[i].router[sizeof(v->routes[i].router) - 1] = '\0';
		v->routes[i].network[sizeof(v->routes[i].network) - 1] = '\0';
	}
	return rc;
}

static int rview_load(struct ag_dp *dp, struct rview *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	rc = ag_dp_list(dp, DP_MSG_ROUTER_LIST, sizeof(*v->routers), (void **)&v->routers,
	                &v->n_routers);
	for (size_t i = 0; i < v->n_routers; i++)
		v->routers[i].name[sizeof(v->routers[i].name) - 1] = '\0';
	if (rc == 0)
		rc = rview_load_routes(dp, v);
	if (rc == 0)
		rc = ag_dp_list(dp, DP_MSG_NEIGH_LIST, sizeof(*v->neighs), (void **)&v->neighs,
		                &v->n_neighs);
	for (size_t i = 0; i < v->n_neighs; i++)
		v->neighs[i].scope[sizeof(v->neighs[i].scope) - 1] = '\0';
	if (rc < 0) {
		ag_log(AG_ERR, "cannot list the dataplane's routers: %s", strerror(-rc));
		rview_free(v);
	}
	return rc;
}

static bool rview_has_router(const struct rview *v, const char *name)
{
	for (size_t i = 0; i < v->n_routers; i++)
		if (strcmp(v->routers[i].name, name) == 0)
			return true;
	return false;
}

/* The connected route of router's interface on network: how the interface shows. */
static const struct dp_route_info *rview_rif(
                const struct rview *v, const char *router, const char *network)
{
	for (size_t i = 0; i < v->n_routes; i++)
		if (v->routes[i].connected && strcmp(v->routes[i].router, router) == 0 &&
		                strcmp(v->routes[i].network, network) == 0)
			return &v->routes[i];
	return NULL;
}

static const struct ag_router *desired_router(const struct ag_desired *d, const char *id)
{
	for (size_t i = 0; i < d->n_routers; i++)
		if (strcmp(d->routers[i].id, id) == 0)
			return &d->routers[i];
	return NULL;
}

bool ag_router_has_rif(const struct ag_router *r, const char *network)
{
	for (size_t i = 0; r != NULL && i < r->n_rifs; i++)
		if (strcmp(r->rifs[i].network, network) == 0)
			return true;
	return false;
}

/* Whether the dataplane's static route e is rt. */
static bool same_route(const struct ag_route *rt, const struct dp_route_info *e)
{
	return !e->connected && memcmp(rt->prefix, e->prefix, 4) == 0 &&
	       rt->prefixlen == e->prefixlen && memcmp(rt->nexthop, e->nexthop, 4) == 0;
}

static bool desired_route(const struct ag_router *r, const struct dp_route_info *e)
{
	for (size_t i = 0; r != NULL && i < r->n_routes; i++)
		if (same_route(&r->routes[i], e))
			return true;
	return false;
}

static void rif_key(char *key, size_t cap, const char *router, const char *network)
{
	snprintf(key, cap, "rif:%s:%s", router, network);
}

static json_int_t rif_hash(const struct ag_rif *rif)
{
	uint64_t h = ag_fnv1a(AG_FNV1A_INIT, rif->ip, sizeof(rif->ip));

	h = ag_fnv1a(h, &rif->prefixlen, sizeof(rif->prefixlen));
	h = ag_fnv1a(h, rif->mac, sizeof(rif->mac));
	return (json_int_t)(h >> 1);
}

static int rif_del(struct ag_dp *dp, const char *router, const char *network)
{
	struct dp_router_if_req req = {.missing_ok = 1};
	char key[2 * AG_ID_LEN + 8];
	int rc;

	snprintf(req.router, sizeof(req.router), "%s", router);
	snprintf(req.network, sizeof(req.network), "%s", network);
	rc = ag_dp_call(dp, DP_MSG_ROUTER_IF_DEL, router, &req, sizeof(req), NULL, 0);
	if (rc == 0) {
		rif_key(key, sizeof(key), router, network);
		json_object_del(dp->applied, key);
		ag_csnat_forget(dp, router, network);
		ag_log(AG_INFO, "router %s: removed its interface on network %s", router, network);
	}
	return rc;
}

static int rif_add(struct ag_dp *dp, const char *router, const struct ag_rif *rif)
{
	struct dp_router_if_req req = {.prefixlen = rif->prefixlen, .exist_ok = 1};
	int rc;

	snprintf(req.router, sizeof(req.router), "%s", router);
	snprintf(req.network, sizeof(req.network), "%s", rif->network);
	memcpy(req.ip, rif->ip, sizeof(req.ip));
	memcpy(req.mac, rif->mac, sizeof(req.mac));
	/* -EEXIST is the caller's to handle: another address is on that network. */
	rc = dp_client_call(dp->client, DP_MSG_ROUTER_IF_ADD, &req, sizeof(req), NULL, 0, NULL);
	if (rc < 0 && rc != -EEXIST)
		ag_log(AG_ERR, "dataplane %s %s on %s: %s", dp_msg_type_name(DP_MSG_ROUTER_IF_ADD),
		                router, rif->network, strerror(-rc));
	return rc;
}

static bool net_ready(const struct ag_desired *d, const bool *net_ok, const char *network)
{
	for (size_t i = 0; i < d->n_nets; i++)
		if (strcmp(d->nets[i].id, network) == 0)
			return net_ok[i];
	return false;
}

/*
 * Permanent neighbours (neighbours.c says which): the agent owns the
 * permanent entries in networks named by a UUID; they go before their
 * network does (they never age, and a network's id is reused).
 */
static bool neigh_wanted(const struct ag_desired *d, const struct dp_neigh_info *e)
{
	for (size_t i = 0; i < d->n_neighs; i++)
		if (strcmp(d->neighs[i].network, e->scope) == 0 &&
		                memcmp(d->neighs[i].ip, e->ip, 4) == 0 &&
		                memcmp(d->neighs[i].mac, e->mac, 6) == 0)
			return true;
	return false;
}

static bool neigh_present(const struct rview *v, const char *network, const uint8_t ip[4],
                const uint8_t mac[6])
{
	for (size_t i = 0; i < v->n_neighs; i++)
		if (v->neighs[i].state == DP_NEIGH_PERMANENT &&
		                strcmp(v->neighs[i].scope, network) == 0 &&
		                memcmp(v->neighs[i].ip, ip, 4) == 0 &&
		                memcmp(v->neighs[i].mac, mac, 6) == 0)
			return true;
	return false;
}

/* NEIGH_ADD or NEIGH_DEL; 1 when there was nothing to delete. */
static int neigh_call(struct ag_dp *dp, enum dp_msg_type type, const char *network,
                const uint8_t ip[4], const uint8_t mac[6])
{
	struct dp_neigh_req req = {.exist_ok = 1};
	char addr[INET_ADDRSTRLEN], mac_s[18];
	int rc;

	snprintf(req.scope, sizeof(req.scope), "%s", network);
	memcpy(req.ip, ip, 4);
	memcpy(req.mac, mac, 6);
	inet_ntop(AF_INET, ip, addr, sizeof(addr));
	snprintf(mac_s, sizeof(mac_s), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	                mac[3], mac[4], mac[5]);
	/* Not missing_ok: a listed entry whose network has gone (-ENOENT) cannot be
	 * deleted by name any more, and must not be said removed every pass. */
	rc = dp_client_call(dp->client, type, &req, sizeof(req), NULL, 0, NULL);
	if (rc == -ENOENT && type == DP_MSG_NEIGH_DEL)
		return 1;
	if (rc < 0)
		ag_log(AG_ERR, "dataplane %s %s %s in %s: %s", dp_msg_type_name(type), addr, mac_s,
		                network, strerror(-rc));
	else
		ag_log(AG_INFO, "network %s: %s the permanent neighbour %s at %s", network,
		                type == DP_MSG_NEIGH_ADD ? "added" : "removed", addr, mac_s);
	return rc;
}

static void prune_neighs(struct ag_dp *dp, const struct ag_desired *d, const struct rview *v,
                struct ag_reconcile_stats *st)
{
	for (size_t i = 0; i < v->n_neighs; i++) {
		const struct dp_neigh_info *e = &v->neighs[i];
		int rc;

		if (e->state != DP_NEIGH_PERMANENT || !ag_is_uuid(e->scope) || neigh_wanted(d, e))
			continue;
		rc = neigh_call(dp, DP_MSG_NEIGH_DEL, e->scope, e->ip, e->mac);
		if (rc < 0)
			st->failed++;
		else if (rc == 0)
			st->removed++;
	}
}

static void ensure_neighs(struct ag_dp *dp, const struct ag_desired *d, const bool *net_ok,
                const struct rview *v, struct ag_reconcile_stats *st)
{
	for (size_t i = 0; i < d->n_neighs; i++) {
		const struct ag_neigh *n = &d->neighs[i];

		if (!net_ready(d, net_ok, n->network) ||
		                neigh_present(v, n->network, n->ip, n->mac))
			continue;
		if (neigh_call(dp, DP_MSG_NEIGH_ADD, n->network, n->ip, n->mac) < 0)
			st->failed++;
		else
			st->added++;
	}
}

void ag_routers_prune(struct ag_dp *dp, const struct ag_desired *d, struct ag_reconcile_stats *st)
{
	struct rview v;

	if (rview_load(dp, &v) < 0) {
		st->failed++;
		return;
	}
	prune_neighs(dp, d, &v, st);
	for (size_t i = 0; i < v.n_routes; i++) {
		const struct dp_route_info *e = &v.routes[i];

		if (!e->connected || !ag_is_uuid(e->router) ||
		                ag_router_has_rif(desired_router(d, e->router), e->network))
			continue;
		if (rif_del(dp, e->router, e->network) < 0)
			st->failed++;
		else
			st->removed++;
	}
	for (size_t i = 0; i < v.n_routers; i++) {
		const char *name = v.routers[i].name;
		struct dp_router_req del = {.missing_ok = 1};

		if (!ag_is_uuid(name) || desired_router(d, name) != NULL)
			continue;
		snprintf(del.name, sizeof(del.name), "%s", name);
		if (ag_dp_call(dp, DP_MSG_ROUTER_DEL, name, &del, sizeof(del), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		ag_log(AG_INFO, "removed router %s", name);
		st->removed++;
	}
	rview_free(&v);
}

enum rif_outcome { RIF_KEPT, RIF_ADDED, RIF_REPLACED, RIF_FAILED };

/* Whether the interface shown as connected route have is on rif's subnet. */
static bool same_subnet(const struct dp_route_info *have, const struct ag_rif *rif)
{
	uint32_t ip, prefix, mask = htonl(~0u << (32 - rif->prefixlen)); /* prefixlen 1..30 */

	memcpy(&ip, rif->ip, 4);
	memcpy(&prefix, have->prefix, 4);
	return have->prefixlen == rif->prefixlen && (ip & mask) == prefix;
}

/*
 * Brings one interface to what rif says. A replaced interface lost the
 * routes through it: the caller lists routes again.
 */
static enum rif_outcome ensure_rif(struct ag_dp *dp, const struct rview *v, const char *router,
                const struct ag_rif *rif)
{
	const struct dp_route_info *have = rview_rif(v, router, rif->network);
	json_int_t hash = rif_hash(rif);
	char key[2 * AG_ID_LEN + 8];
	const json_t *sent;
	int rc = -EEXIST;

	rif_key(key, sizeof(key), router, rif->network);
	sent = json_object_get(dp->applied, key);
	if (have != NULL && sent != NULL && json_integer_value(sent) == hash)
		return RIF_KEPT;
	/* Missing, or there since before this agent (or dataplane boot) and maybe
	 * the same: exist_ok says. Otherwise its subnet, address or MAC changed. */
	if (have == NULL || (sent == NULL && same_subnet(have, rif)))
		rc = rif_add(dp, router, rif);
	if (rc == -EEXIST) {
		if (rif_del(dp, router, rif->network) < 0 || rif_add(dp, router, rif) < 0)
			return RIF_FAILED;
		ag_log(AG_INFO, "router %s: replaced its interface on network %s", router,
		                rif->network);
		json_object_set_new(dp->applied, key, json_integer(hash));
		return RIF_REPLACED;
	}
	if (rc < 0)
		return RIF_FAILED;
	json_object_set_new(dp->applied, key, json_integer(hash));
	if (have != NULL)
		return RIF_KEPT; /* the same interface, re-sent after a restart */
	ag_log(AG_INFO, "router %s: added an interface on network %s", router, rif->network);
	return RIF_ADDED;
}

/* Adds the router if missing, then its interfaces; returns whether routes must be listed again. */
static bool ensure_router(struct ag_dp *dp, const struct ag_desired *d, const bool *net_ok,
                const struct rview *v, const struct ag_router *r, struct ag_reconcile_stats *st)
{
	bool relist = false, changed = false;

	if (!rview_has_router(v, r->id)) {
		struct dp_router_req add = {.exist_ok = 1};

		snprintf(add.name, sizeof(add.name), "%s", r->id);
		if (ag_dp_call(dp, DP_MSG_ROUTER_ADD, r->id, &add, sizeof(add), NULL, 0) < 0) {
			st->failed++;
			return false;
		}
		ag_log(AG_INFO, "added router %s", r->id);
		ag_gateway_forget(dp, r->id);
		st->added++;
		changed = true;
	}
	for (size_t i = 0; i < r->n_rifs; i++) {
		if (!net_ready(d, net_ok, r->rifs[i].network))
			continue;
		switch (ensure_rif(dp, v, r->id, &r->rifs[i])) {
		case RIF_KEPT:
			break;
		case RIF_ADDED:
			st->added++;
			changed = true;
			break;
		case RIF_REPLACED:
			st->updated++;
			changed = relist = true;
			break;
		case RIF_FAILED:
			st->failed++;
			changed = true;
			continue;
		}
		switch (ag_csnat_ensure(dp, r->id, &r->rifs[i])) {
		case 0:
			break;
		case 1:
			st->updated++;
			changed = true;
			break;
		default:
			st->failed++;
			changed = true;
		}
	}
	if (!changed)
		st->kept++;
	return relist;
}

static void route_req(struct dp_route_req *req, const char *router, const uint8_t prefix[4],
                uint8_t prefixlen, const uint8_t nexthop[4])
{
	memset(req, 0, sizeof(*req));
	snprintf(req->router, sizeof(req->router), "%s", router);
	memcpy(req->prefix, prefix, 4);
	req->prefixlen = prefixlen;
	memcpy(req->nexthop, nexthop, 4);
}

static void log_route(const char *did, const struct dp_route_req *req)
{
	char prefix[INET_ADDRSTRLEN], hop[INET_ADDRSTRLEN];

	ag_log(AG_INFO, "router %s: %s route %s/%u via %s", req->router, did,
	                inet_ntop(AF_INET, req->prefix, prefix, sizeof(prefix)), req->prefixlen,
	                inet_ntop(AF_INET, req->nexthop, hop, sizeof(hop)));
}

/* The extra routes: those no longer wanted go first, so a changed next hop can take their place. */
static void ensure_routes(struct ag_dp *dp, const struct ag_desired *d, const struct rview *v,
                struct ag_reconcile_stats *st)
{
	struct dp_route_req req;

	for (size_t i = 0; i < v->n_routes; i++) {
		const struct dp_route_info *e = &v->routes[i];
		const struct ag_router *r = desired_router(d, e->router);

		/* Routers that are not ours, or that prune left (their removal failed). */
		if (e->connected || r == NULL || desired_route(r, e))
			continue;
		route_req(&req, e->router, e->prefix, e->prefixlen, e->nexthop);
		req.missing_ok = 1;
		if (ag_dp_call(dp, DP_MSG_ROUTE_DEL, e->router, &req, sizeof(req), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		log_route("removed", &req);
		st->removed++;
	}
	for (size_t i = 0; i < d->n_routers; i++) {
		const struct ag_router *r = &d->routers[i];

		for (size_t j = 0; j < r->n_routes; j++) {
			const struct ag_route *rt = &r->routes[j];
			bool have = false;

			for (size_t k = 0; k < v->n_routes && !have; k++)
				have = strcmp(v->routes[k].router, r->id) == 0 &&
				       same_route(rt, &v->routes[k]);
			if (have)
				continue;
			route_req(&req, r->id, rt->prefix, rt->prefixlen, rt->nexthop);
			req.exist_ok = 1;
			if (ag_dp_call(dp, DP_MSG_ROUTE_ADD, r->id, &req, sizeof(req), NULL, 0) <
			                0) {
				st->failed++;
				continue;
			}
			log_route("added", &req);
			st->added++;
		}
	}
}

void ag_routers_ensure(struct ag_dp *dp, const struct ag_desired *d, const bool *net_ok,
                struct ag_reconcile_stats *st)
{
	struct rview v;
	bool relist = false;

	if (d->n_routers == 0)
		return; /* prune removed every router of ours */
	if (rview_load(dp, &v) < 0) {
		st->failed++;
		return;
	}
	for (size_t i = 0; i < d->n_routers; i++)
		relist |= ensure_router(dp, d, net_ok, &v, &d->routers[i], st);
	for (size_t i = 0; i < d->n_routers; i++) {
		const struct ag_router *r = &d->routers[i];

		ag_gateway_ensure(
		                dp, r, r->gw_network[0] && net_ready(d, net_ok, r->gw_network), st);
	}
	ensure_neighs(dp, d, net_ok, &v, st);
	if (relist && rview_load_routes(dp, &v) < 0) {
		ag_log(AG_ERR, "cannot list the dataplane's routes again");
		st->failed++;
	} else {
		ensure_routes(dp, d, &v, st);
	}
	rview_free(&v);
}
