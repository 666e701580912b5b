/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>

#include "l2/dp_flood.h"
#include "pkt/dp_arp.h"
#include "pkt/dp_mbuf.h"
#include "dp_inject.h"
#include "dp_tables.h"
#include "dp_worker.h"

struct dp_inject_stats dp_inject_stats;

int dp_inject_ring_create(struct dp_worker *w)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "inject%u", w->index);
	w->inject = rte_ring_create(name, DP_INJECT_RING_SIZE, rte_lcore_to_socket_id(w->lcore_id),
	                RING_F_SP_ENQ | RING_F_SC_DEQ);
	return w->inject == NULL ? -ENOMEM : 0;
}

void dp_inject_ring_free(struct dp_worker *w)
{
	struct rte_mbuf *m;

	if (w->inject == NULL)
		return;
	while (rte_ring_sc_dequeue(w->inject, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->inject);
	w->inject = NULL;
}

int dp_inject_flood(struct rte_mbuf *m, uint16_t net_id, bool node_only)
{
	struct dp_worker *w = dp_workers.n ? dp_workers.w[0] : NULL;

	dp_flood_from_router(m, net_id, node_only);
	if (w == NULL || w->inject == NULL || rte_ring_sp_enqueue(w->inject, m) != 0) {
		dp_inject_stats.ring_full++;
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	dp_inject_stats.sent++;
	return 0;
}

int dp_inject_garp(uint16_t net_id, const struct rte_ether_addr *mac, uint32_t ip, bool node_only)
{
	struct rte_mbuf *m;

	if (dp_tables.pool == NULL || dp_workers.n == 0) {
		dp_inject_stats.ring_full++; /* no worker to send it (the control tests) */
		return -ENOBUFS;
	}
	m = dp_arp_request(dp_tables.pool, mac, ip, ip);
	if (m == NULL)
		return -ENOMEM;
	return dp_inject_flood(m, net_id, node_only);
}
