/* SPDX-License-Identifier: Apache-2.0 */
/* Router interfaces and routes on the control thread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "dp_router_conf.h"

static uint32_t mask_of(uint8_t prefixlen)
{
	return prefixlen ? rte_cpu_to_be_32(~0u << (32 - prefixlen)) : 0;
}

/* A next hop slot for (gateway, rif), shared by every route through it. */
static int nexthop_get(struct dp_router_conf *c, uint32_t gateway, uint8_t rif)
{
	int free_slot = -1;

	/* Slots above nh_high were never used: a router with few next hops scans few. */
	for (int i = 0; i < (int)c->nh_high; i++) {
		if (c->nh_refs[i] > 0 && c->nh[i].gateway == gateway && c->nh[i].rif == rif) {
			c->nh_refs[i]++;
			return i;
		}
		if (c->nh_refs[i] == 0 && !c->nh_retired[i] && free_slot < 0)
			free_slot = i;
	}
	/* Full: a longer array before reusing retired slots, which costs a grace period
	 * each time; growing costs one per doubling. */
	if (free_slot < 0 && c->nh_high == c->nh_cap && c->nh_cap < DP_MAX_NEXTHOPS) {
		int rc = dp_conf_router_nh_grow(c, c->nh_cap + 1);

		if (rc < 0)
			return rc;
	}
	if (free_slot < 0 && c->nh_high < c->nh_cap)
		free_slot = c->nh_high++;
	if (free_slot < 0) {
		/* Only retired slots left: once no worker can hold one, they are free. */
		dp_tables_synchronize();
		for (uint32_t i = 0; i < c->nh_cap; i++)
			c->nh_retired[i] = false;
		for (int i = 0; i < (int)c->nh_cap && free_slot < 0; i++)
			if (c->nh_refs[i] == 0)
				free_slot = i;
		if (free_slot < 0)
			return -ENOSPC;
	}
	/* Written before any route points at it. */
	c->nh[free_slot] = (struct dp_nexthop){.gateway = gateway, .rif = rif};
	c->nh_refs[free_slot] = 1;
	return free_slot;
}

static void nexthop_put(struct dp_router_conf *c, uint16_t i)
{
	if (--c->nh_refs[i] == 0)
		c->nh_retired[i] = true;
}

/* The route's index in the list, from its FIB rule's cookie (or default_route). */
static int route_find(const struct dp_router_conf *c, uint32_t prefix, uint8_t len)
{
	uint32_t i;

	if (len == 0)
		return c->default_nh != DP_NO_NEXTHOP ? (int)c->default_route : -ENOENT;
	return dp_fib_find(c->fib, prefix, len, NULL, &i) ? (int)i : -ENOENT;
}

static bool route_present(const struct dp_router_conf *c, uint32_t prefix, uint8_t len)
{
	return route_find(c, prefix, len) >= 0;
}

/* Puts (prefix/len -> gateway via rif) in the table. */
static int route_insert(struct dp_router_conf *c, uint32_t prefix, uint8_t len, uint32_t gateway,
		uint8_t rif, bool connected)
{
	int nh, rc;

	if (route_present(c, prefix, len))
		return -EEXIST;
	if (c->n_routes == c->max_routes)
		return -ENOSPC;
	if (c->n_routes == c->cap_routes) {
		uint32_t cap = c->cap_routes ? 2 * c->cap_routes : 64;
		struct dp_route_entry *r = realloc(c->routes, cap * sizeof(*r));

		if (r == NULL)
			return -ENOMEM;
		c->routes = r;
		c->cap_routes = cap;
	}
	nh = nexthop_get(c, gateway, rif);
	if (nh < 0)
		return nh;
	if (len == 0) {
		c->default_nh = nh;
		c->default_route = c->n_routes;
		rc = dp_conf_publish_router(c->id);
	} else {
		rc = dp_fib_add(c->fib, prefix, len, nh, c->n_routes);
	}
	if (rc < 0) {
		if (len == 0)
			c->default_nh = DP_NO_NEXTHOP; /* workers kept the old snapshot */
		nexthop_put(c, nh);
		return rc;
	}
	c->routes[c->n_routes++] = (struct dp_route_entry){
		.prefix = prefix, .prefixlen = len, .connected = connected, .nh = nh};
	return 0;
}

static void route_remove(struct dp_router_conf *c, uint32_t i)
{
	struct dp_route_entry *e = &c->routes[i];

	if (e->prefixlen == 0) {
		c->default_nh = DP_NO_NEXTHOP;
		dp_conf_publish_router(c->id);
	} else {
		dp_fib_del(c->fib, e->prefix, e->prefixlen);
	}
	nexthop_put(c, e->nh);
	*e = c->routes[--c->n_routes];
	if (i == c->n_routes)
		return;
	/* The last route moved into the hole: what finds it must follow. */
	if (e->prefixlen == 0)
		c->default_route = i;
	else
		dp_fib_set_cookie(c->fib, e->prefix, e->prefixlen, i);
}

static int router_of(const char *name, struct dp_router_conf **c)
{
	int id;

	if (!dp_conf_name_ok(name, DP_NAME_LEN, true))
		return -EINVAL;
	id = dp_conf_router_by_name(name);
	if (id < 0)
		return id;
	*c = dp_router_confs[id];
	return id;
}

/* The interface whose subnet holds ip (network order), or -ENETUNREACH. */
static int rif_for(const struct dp_router_conf *c, uint32_t ip)
{
	for (int i = 0; i < c->n_rifs; i++)
		if (c->rifs[i].net_id && ((ip ^ c->rifs[i].ip) & c->rifs[i].mask) == 0)
			return i;
	return -ENETUNREACH;
}

int dp_conf_route_add(const struct dp_route_req *req)
{
	struct dp_router_conf *c;
	uint32_t prefix, gw, nh_index;
	int id = router_of(req->router, &c), rif, i;

	if (id < 0)
		return id;
	memcpy(&prefix, req->prefix, 4);
	memcpy(&gw, req->nexthop, 4);
	if (req->prefixlen > 32 || (prefix & ~mask_of(req->prefixlen)) != 0 || gw == 0)
		return -EINVAL;
	rif = rif_for(c, gw);
	if (rif < 0)
		return rif;
	/* The next hop is another host on that subnet: not us, its network or broadcast. */
	if (gw == c->rifs[rif].ip || (gw & ~c->rifs[rif].mask) == 0 ||
			(gw & ~c->rifs[rif].mask) == ~c->rifs[rif].mask)
		return -EINVAL;
	if (route_present(c, rte_be_to_cpu_32(prefix), req->prefixlen)) {
		i = route_find(c, rte_be_to_cpu_32(prefix), req->prefixlen);
		nh_index = c->routes[i].nh;
		return req->exist_ok && !c->routes[i].connected && c->nh[nh_index].gateway == gw ?
				0 : -EEXIST;
	}
	return route_insert(c, rte_be_to_cpu_32(prefix), req->prefixlen, gw, rif, false);
}

int dp_conf_route_del(const struct dp_route_req *req)
{
	struct dp_router_conf *c;
	uint32_t prefix;
	int id = router_of(req->router, &c), i;

	if (id < 0)
		return id == -ENOENT && req->missing_ok ? 0 : id;
	memcpy(&prefix, req->prefix, 4);
	if (req->prefixlen > 32)
		return -EINVAL;
	i = route_find(c, rte_be_to_cpu_32(prefix), req->prefixlen);
	if (i < 0 || c->routes[i].connected)
		return i < 0 && req->missing_ok ? 0 : i < 0 ? -ENOENT : -EPERM;
	route_remove(c, i);
	return 0;
}

static int rif_on(const struct dp_router_conf *c, uint16_t net_id)
{
	for (int i = 0; i < c->n_rifs; i++)
		if (c->rifs[i].net_id == net_id)
			return i;
	return -ENOENT;
}

int dp_conf_router_if_add(const struct dp_router_if_req *req)
{
	struct dp_net_rif on_net[DP_MAX_NET_RIFS];
	struct dp_router_conf *c;
	struct dp_rif *r;
	uint32_t ip, mask;
	int id = router_of(req->router, &c), net, slot, rc;

	if (id < 0)
		return id;
	if (!dp_conf_name_ok(req->network, sizeof(req->network), true))
		return -EINVAL;
	net = dp_conf_net_by_name(req->network);
	if (net < 0)
		return net;
	memcpy(&ip, req->ip, 4);
	mask = mask_of(req->prefixlen);
	if (req->prefixlen == 0 || req->prefixlen > 30 || ip == 0 || (ip & ~mask) == 0 ||
			(ip & ~mask) == ~mask)
		return -EINVAL; /* a host address on a subnet with room for another host */
	slot = rif_on(c, net);
	if (slot >= 0)
		return req->exist_ok && c->rifs[slot].ip == ip &&
				c->rifs[slot].prefixlen == req->prefixlen ? 0 : -EEXIST;
	for (int i = 0; i < c->n_rifs; i++) {
		const struct dp_rif *o = &c->rifs[i];
		uint32_t common = req->prefixlen < o->prefixlen ? mask : o->mask;

		if (o->net_id && ((ip ^ o->ip) & common) == 0)
			return -EADDRINUSE; /* overlaps another interface's subnet */
	}
	if (dp_conf_net_rifs(net, on_net) == DP_MAX_NET_RIFS)
		return -ENOSPC;
	for (slot = 0; slot < c->n_rifs && c->rifs[slot].net_id; slot++)
		;
	if (slot == DP_MAX_RIFS)
		return -ENOSPC;
	r = &c->rifs[slot];
	*r = (struct dp_rif){.net_id = net, .prefixlen = req->prefixlen, .ip = ip, .mask = mask};
	memcpy(&r->mac, req->mac, 6);
	if (rte_is_zero_ether_addr(&r->mac))
		/* Locally administered, and telling: 02:56:47 ("VG"), router, network; router
		 * ids past 255 flip bits of the 0x47 (network ids take 14 bits, ids 13). */
		r->mac = (struct rte_ether_addr){
				{0x02, 0x56, 0x47 ^ (id >> 8), id & 0xff, net >> 8, net & 0xff}};
	if (!rte_is_unicast_ether_addr(&r->mac)) {
		*r = (struct dp_rif){0};
		return -EINVAL;
	}
	if (slot == c->n_rifs)
		c->n_rifs++;
	rc = route_insert(c, rte_be_to_cpu_32(ip & mask), req->prefixlen, 0, slot, true);
	if (rc < 0) {
		*r = (struct dp_rif){0};
		return rc == -EEXIST ? -EADDRINUSE : rc;
	}
	dp_conf_publish_router(id);
	DP_LOG(INFO, "router %s: interface on %s", c->name, req->network);
	rc = dp_conf_publish_network(net);
	/* As Neutron's l3 agent announces a new qr- address: a host that asked for its
	 * gateway before the router was there holds a failed ARP entry, and waits out
	 * its probes otherwise (advisory: a lost one costs only that wait). To this
	 * node's ports only: a router interface is distributed, the same MAC and
	 * address on every node with the router (DP_SRC_ROUTER_LOCAL says why); a
	 * gateway, which lives on one node, announces itself on the wire (GW_SET). */
	if (rc == 0 && dp_inject_garp(net, &r->mac, ip, true) < 0)
		DP_LOG(DEBUG, "router %s: no gratuitous ARP for its interface on %s", c->name,
				req->network);
	return rc;
}

int dp_conf_router_if_del(const struct dp_router_if_req *req)
{
	struct dp_router_conf *c;
	int id = router_of(req->router, &c), net, slot;

	if (id < 0)
		return id == -ENOENT && req->missing_ok ? 0 : id;
	net = dp_conf_net_by_name(req->network);
	slot = net > 0 ? rif_on(c, net) : -ENOENT;
	if (slot < 0)
		return req->missing_ok ? 0 : slot;
	/* Its connected route and every route through it go with it, as in Linux. */
	for (uint32_t i = 0; i < c->n_routes;) {
		if (c->nh[c->routes[i].nh].rif == slot)
			route_remove(c, i);
		else
			i++;
	}
	dp_conf_router_gw_forget_rif(c, slot);
	c->rifs[slot] = (struct dp_rif){0};
	c->rif_mac2[slot] = (struct rte_ether_addr){0};
	dp_conf_publish_router(id);
	return dp_conf_publish_network(net);
}

int dp_conf_router_if_mac_set(const struct dp_router_if_req *req)
{
	struct dp_net_rif on_net[DP_MAX_NET_RIFS];
	struct dp_router_conf *c;
	struct rte_ether_addr mac;
	int id = router_of(req->router, &c), net, slot;

	if (id < 0)
		return id;
	net = dp_conf_name_ok(req->network, sizeof(req->network), true)
			? dp_conf_net_by_name(req->network)
			: -EINVAL;
	if (net < 0)
		return net;
	slot = rif_on(c, net);
	if (slot < 0)
		return slot;
	memcpy(&mac, req->mac, 6);
	if (rte_is_same_ether_addr(&mac, &c->rif_mac2[slot]))
		return 0;
	if (!rte_is_zero_ether_addr(&mac) &&
			(!rte_is_unicast_ether_addr(&mac) ||
					rte_is_same_ether_addr(&mac, &c->rifs[slot].mac)))
		return -EINVAL;
	/* A new one takes a place of the network's list; a replaced one keeps its own. */
	if (rte_is_zero_ether_addr(&c->rif_mac2[slot]) && !rte_is_zero_ether_addr(&mac) &&
			dp_conf_net_rifs(net, on_net) == DP_MAX_NET_RIFS)
		return -ENOSPC;
	c->rif_mac2[slot] = mac;
	DP_LOG(INFO, "router %s: interface on %s %s its second MAC", c->name, req->network,
			rte_is_zero_ether_addr(&mac) ? "lost" : "has");
	return dp_conf_publish_network(net);
}
