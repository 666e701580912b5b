/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The drop_<reason> nodes (core/dp_drop.h names them): each counts what reaches
 * it in its worker's counters and frees it, so a stage drops a frame by giving
 * it that edge and nothing else.
 */
#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "core/dp_drop.h"
#include "core/dp_node.h"
#include "dp_worker.h"

static uint16_t drop_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	uint32_t reason = dp_node_arg(node);

	RTE_SET_USED(graph);
	w->drops[reason] += n;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		/* Frames the dataplane made itself carry no ingress port. */
		if (reason != DP_DROP_ARP_CONSUMED && m->port < DP_MAX_PORTS)
			w->port[m->port].rx_dropped++;
	}
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

int dp_drop_nodes_register(void)
{
	for (unsigned int r = 0; r < DP_DROP_REASON_MAX; r++) {
		int rc = dp_node_register_full(dp_drop_node_name(r), drop_process, 0, r, NULL, 0);
		if (rc < 0)
			return rc;
	}
	return 0;
}
