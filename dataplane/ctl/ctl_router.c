/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handlers for routers, their interfaces and routes. */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "engine/dp_conf.h"
#include "ctl_handlers.h"
#include "l3/dp_router_conf.h"

FORWARD_HANDLER(dp_ctl_router_add, dp_conf_router_add)

FORWARD_HANDLER(dp_ctl_router_del, dp_conf_router_del)

FORWARD_HANDLER(dp_ctl_router_if_add, dp_conf_router_if_add)

FORWARD_HANDLER(dp_ctl_router_if_del, dp_conf_router_if_del)

FORWARD_HANDLER(dp_ctl_route_add, dp_conf_route_add)

FORWARD_HANDLER(dp_ctl_route_del, dp_conf_route_del)

FORWARD_HANDLER(dp_ctl_router_gw_set, dp_conf_router_gw_set)

FORWARD_HANDLER(dp_ctl_router_gw_clear, dp_conf_router_gw_clear)

HANDLER(dp_ctl_router_list)
{
	const struct dp_list_req *r = req;
	struct dp_router_list_reply *out = reply;
	uint32_t id;

	RTE_SET_USED(req_len);
	RTE_BUILD_BUG_ON(DP_CTL_PAGE(sizeof(out->entries[0])) < DP_MAX_ROUTERS);
	out->count = 0;
	for (id = r->cursor; id < DP_MAX_ROUTERS; id++) {
		const struct dp_router_conf *c = &dp_router_confs[id];
		struct dp_router_info *e;

		if (!c->used)
			continue;
		e = &out->entries[out->count++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", c->name);
		e->id = id;
		for (uint8_t i = 0; i < c->n_rifs; i++)
			e->n_interfaces += c->rifs[i].net_id != 0;
		e->n_routes = c->n_routes;
		e->max_routes = c->max_routes;
	}
	out->next_cursor = 0;
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}

int dp_ctl_router_filter(const char *filter, size_t size, int *only)
{
	*only = -1;
	if (!dp_conf_name_ok(filter, size, false))
		return -EINVAL;
	if (filter[0] == '\0')
		return 0;
	*only = dp_conf_router_by_name(filter);
	return *only < 0 ? *only : 0;
}

/* Route list cursor: router id in the top 8 bits, route index in the low 24. */
#define CURSOR(router, index) ((uint32_t)(router) << 24 | (index))

HANDLER(dp_ctl_route_list)
{
	const struct dp_list_req *r = req;
	struct dp_route_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id = r->cursor >> 24, i = r->cursor & 0xffffff;
	int only;
	int rc = dp_ctl_router_filter(r->filter, sizeof(r->filter), &only);

	RTE_SET_USED(req_len);
	if (rc < 0)
		return rc;
	out->count = 0;
	out->next_cursor = 0;
	for (; id < DP_MAX_ROUTERS; id++, i = 0) {
		const struct dp_router_conf *c = &dp_router_confs[id];

		if (!c->used || (only >= 0 && (int)id != only))
			continue;
		for (; i < c->n_routes; i++) {
			const struct dp_route_entry *re = &c->routes[i];
			const struct dp_nexthop *nh = &c->nh[re->nh];
			struct dp_route_info *e;
			uint32_t prefix = rte_cpu_to_be_32(re->prefix);

			if (out->count == page) {
				out->next_cursor = CURSOR(id, i);
				goto done;
			}
			e = &out->entries[out->count++];
			memset(e, 0, sizeof(*e));
			snprintf(e->router, sizeof(e->router), "%s", c->name);
			snprintf(e->network, sizeof(e->network), "%s",
					dp_net_confs[c->rifs[nh->rif].net_id].name);
			memcpy(e->prefix, &prefix, 4);
			e->prefixlen = re->prefixlen;
			e->connected = re->connected;
			memcpy(e->nexthop, &nh->gateway, 4);
		}
	}
done:
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}
