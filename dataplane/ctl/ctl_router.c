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

FORWARD_HANDLER(dp_ctl_router_if_mac_set, dp_conf_router_if_mac_set)

FORWARD_HANDLER(dp_ctl_route_add, dp_conf_route_add)

FORWARD_HANDLER(dp_ctl_route_del, dp_conf_route_del)

FORWARD_HANDLER(dp_ctl_router_gw_set, dp_conf_router_gw_set)

FORWARD_HANDLER(dp_ctl_router_gw_clear, dp_conf_router_gw_clear)

HANDLER(dp_ctl_router_list)
{
	const struct dp_list_req *r = req;
	struct dp_router_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id;

	RTE_SET_USED(req_len);
	out->count = 0;
	/* The cursor is the next router id to look at. */
	for (id = r->cursor; id < DP_MAX_ROUTERS && out->count < page; id++) {
		const struct dp_router_conf *c = dp_router_confs[id];
		struct dp_router_info *e;

		if (c == NULL)
			continue;
		e = &out->entries[out->count++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", c->name);
		e->id = id;
		for (uint8_t i = 0; i < c->n_rifs; i++)
			e->n_interfaces += c->rifs[i].net_id != 0;
		e->n_routes = c->n_routes;
		e->max_routes = c->max_routes;
		e->mem_kib = (uint32_t)RTE_MIN((dp_conf_router_bytes(c) + 1023) / 1024, UINT32_MAX);
	}
	out->next_cursor = id < DP_MAX_ROUTERS ? id : 0;
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

/*
 * Route list cursor: router id in the top 13 bits, route index / CURSOR_STEP in the
 * low 19 (a router has at most 1 << 24 routes). A page ends only where a router
 * starts or at a multiple of CURSOR_STEP, which it gives back the entries past.
 */
#define CURSOR_STEP 32u
#define CURSOR(router, index) ((uint32_t)(router) << 19 | (index) / CURSOR_STEP)
_Static_assert(DP_MAX_ROUTERS <= 1u << 13 && (1u << 24) / CURSOR_STEP <= 1u << 19,
		"a router id and a route step fit a cursor");

HANDLER(dp_ctl_route_list)
{
	const struct dp_list_req *r = req;
	struct dp_route_list_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id = r->cursor >> 19, i = (r->cursor & 0x7ffff) * CURSOR_STEP;
	int only;
	int rc = dp_ctl_router_filter(r->filter, sizeof(r->filter), &only);

	RTE_SET_USED(req_len);
	RTE_BUILD_BUG_ON(DP_CTL_PAGE(sizeof(out->entries[0])) <= CURSOR_STEP);
	if (rc < 0)
		return rc;
	out->count = 0;
	out->next_cursor = 0;
	for (; id < DP_MAX_ROUTERS; id++, i = 0) {
		const struct dp_router_conf *c = dp_router_confs[id];

		if (c == NULL || (only >= 0 && (int)id != only))
			continue;
		for (; i < c->n_routes; i++) {
			const struct dp_route_entry *re = &c->routes[i];
			const struct dp_nexthop *nh = &c->nh[re->nh];
			struct dp_route_info *e;
			uint32_t prefix = rte_cpu_to_be_32(re->prefix);

			if (out->count == page) {
				/* Back to the step below i: still past where this page began in
				 * this router (a cursor is a step, a router starts at 0). */
				out->count -= i % CURSOR_STEP;
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
