/* SPDX-License-Identifier: Apache-2.0 */
/* Routers on the control thread: interfaces, routes, next hops, snapshots. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "dp_router_conf.h"

struct dp_router_conf dp_router_confs[DP_MAX_ROUTERS];

int dp_conf_router_by_name(const char *name)
{
	for (int i = 0; i < DP_MAX_ROUTERS; i++)
		if (dp_router_confs[i].used && strcmp(dp_router_confs[i].name, name) == 0)
			return i;
	return -ENOENT;
}

int dp_conf_publish_router(uint16_t id)
{
	const struct dp_router_conf *c = &dp_router_confs[id];
	struct dp_router *r;

	if (!c->used) {
		dp_tables_publish_router(id, NULL);
		return 0;
	}
	r = rte_zmalloc("router", sizeof(*r), RTE_CACHE_LINE_SIZE);
	if (r == NULL)
		return -ENOMEM;
	r->id = id;
	r->fib = c->fib;
	r->nh = c->nh;
	r->default_nh = c->default_nh;
	r->n_rifs = c->n_rifs;
	r->gw_rif = c->gw_rif;
	r->gw_snat = c->gw_snat;
	r->gw_port_min = c->gw_port_min;
	r->gw_port_max = c->gw_port_max;
	memcpy(r->rifs, c->rifs, sizeof(r->rifs));
	dp_tables_publish_router(id, r);
	return 0;
}

/* Every router interface on net_id, as the network's snapshot lists them. */
uint8_t dp_conf_net_rifs(uint16_t net_id, struct dp_net_rif *out)
{
	uint8_t n = 0;

	for (uint16_t id = 0; id < DP_MAX_ROUTERS; id++) {
		const struct dp_router_conf *c = &dp_router_confs[id];

		for (uint8_t i = 0; c->used && i < c->n_rifs && n < DP_MAX_NET_RIFS; i++) {
			if (c->rifs[i].net_id != net_id)
				continue;
			out[n++] = (struct dp_net_rif){.mac = c->rifs[i].mac, .router_id = id,
					.ip = c->rifs[i].ip, .rif = i};
		}
	}
	return n;
}

int dp_conf_router_add(const struct dp_router_req *req)
{
	uint32_t max_routes = req->max_routes ? req->max_routes : 1024;
	/* Prefixes longer than /24 take a group per /24; few tables need many. */
	uint32_t n_groups = RTE_MIN(RTE_MAX(max_routes / 8, 256u), DP_FIB_MAX_GROUPS);
	struct dp_router_conf *c;
	int id;

	if (!dp_conf_name_ok(req->name, sizeof(req->name), true) || max_routes > (1u << 24))
		return -EINVAL;
	id = dp_conf_router_by_name(req->name);
	if (id >= 0)
		return req->exist_ok ? 0 : -EEXIST;
	for (id = 0; id < DP_MAX_ROUTERS && dp_router_confs[id].used; id++)
		;
	if (id == DP_MAX_ROUTERS)
		return -ENOSPC;
	c = &dp_router_confs[id];
	memset(c, 0, sizeof(*c));
	c->fib = dp_fib_create_lazy(max_routes, n_groups);
	c->nh = rte_zmalloc("nexthops", DP_MAX_NEXTHOPS * sizeof(*c->nh), RTE_CACHE_LINE_SIZE);
	if (c->fib == NULL || c->nh == NULL) {
		dp_fib_free(c->fib);
		rte_free(c->nh);
		c->fib = NULL;
		c->nh = NULL;
		return -ENOMEM;
	}
	c->used = true;
	c->max_routes = max_routes;
	c->default_nh = DP_NO_NEXTHOP;
	c->gw_rif = DP_NO_GW_RIF;
	snprintf(c->name, sizeof(c->name), "%s", req->name);
	DP_LOG(INFO, "router %s added (id %d, %u routes)", c->name, id, max_routes);
	return dp_conf_publish_router(id);
}

int dp_conf_router_del(const struct dp_router_req *req)
{
	int id = dp_conf_router_by_name(req->name);
	struct dp_router_conf *c;

	if (id < 0)
		return req->missing_ok ? 0 : id;
	c = &dp_router_confs[id];
	for (uint8_t i = 0; i < c->n_rifs; i++)
		if (c->rifs[i].net_id)
			return -EBUSY; /* interfaces first, as Neutron asks */
	c->used = false;
	dp_conf_publish_router(id);
	/* Workers may still be looking up in its table until they pass a quiescent state. */
	dp_tables_synchronize();
	dp_fib_free(c->fib);
	rte_free(c->nh);
	free(c->routes);
	memset(c, 0, sizeof(*c));
	return 0;
}
