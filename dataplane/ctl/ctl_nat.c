/* SPDX-License-Identifier: Apache-2.0 */
/* Control socket handler for SNAT's port usage (nat/dp_snat_pool.h). */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "ctl_handlers.h"
#include "l3/dp_router_conf.h"
#include "nat/dp_snat_pool.h"

/* Cursor: router id << 2 | protocol. */
HANDLER(dp_ctl_nat_stats)
{
	static const uint8_t protos[DP_SNAT_N_PROTO] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};
	const struct dp_list_req *r = req;
	struct dp_nat_stats_reply *out = reply;
	const uint32_t page = DP_CTL_PAGE(sizeof(out->entries[0]));
	uint32_t id = r->cursor >> 2, proto = r->cursor & 3;
	int only, rc = dp_ctl_router_filter(r->filter, sizeof(r->filter), &only);

	RTE_SET_USED(req_len);
	if (rc < 0)
		return rc;
	out->count = 0;
	out->next_cursor = 0;
	for (; id < DP_MAX_ROUTERS; id++, proto = 0) {
		const struct dp_router_conf *c = dp_router_confs[id];
		const struct dp_snat_pool *p = dp_snat_pools[id];

		if (p == NULL || c == NULL || c->gw_rif >= DP_MAX_RIFS || (only >= 0 && (int)id != only))
			continue;
		for (; proto < DP_SNAT_N_PROTO; proto++) {
			const struct dp_snat_bits *b = &p->proto[proto];
			uint32_t range = __atomic_load_n(&p->range, __ATOMIC_RELAXED);
			struct dp_nat_stats_info *e;

			if (out->count == page) {
				out->next_cursor = id << 2 | proto;
				goto done;
			}
			e = &out->entries[out->count++];
			memset(e, 0, sizeof(*e));
			snprintf(e->router, sizeof(e->router), "%s", c->name);
			memcpy(e->gw_ip, &c->rifs[c->gw_rif].ip, 4);
			e->proto = protos[proto];
			e->snat = c->gw_snat;
			e->ports_total = (range >> 16) - (range & 0xffff) + 1;
			e->ports_used = __atomic_load_n(&b->used, __ATOMIC_RELAXED);
			e->exhausted = __atomic_load_n(&b->exhausted, __ATOMIC_RELAXED);
			e->over_90 = __atomic_load_n(&b->over_90, __ATOMIC_RELAXED);
		}
	}
done:
	*reply_len = sizeof(*out) + out->count * sizeof(out->entries[0]);
	return 0;
}
