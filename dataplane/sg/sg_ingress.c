/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sg_ingress: frames about to be sent to a port with a security group,
 * whichever stage switched them there (bridge_input, a flood copy from
 * l2_flood, a routed frame from ip4_route, a decapsulated one from
 * underlay_input). What the port's filter allows goes on to port_tx, the rest
 * to its drop (sg/dp_sg_filter.h says what passes).
 */
#include <rte_graph_worker.h>

#include "core/dp_drop.h"
#include "core/dp_node.h"
#include "engine/dp_tables.h"
#include "pkt/dp_mbuf.h"
#include "dp_sg_filter.h"
#include "dp_sg_nodes.h"

void dp_sg_ingress_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_port *ports[RTE_GRAPH_BURST_SIZE];
	struct rte_mbuf *chk[RTE_GRAPH_BURST_SIZE];
	uint16_t verdicts[RTE_GRAPH_BURST_SIZE], at[RTE_GRAPH_BURST_SIZE], k = 0;

	for (uint16_t i = 0; i < n; i++) {
		const struct dp_port *out = dp_port_get(dp_mbuf_meta(pkts[i])->out_port);

		next[i] = DP_SG_IN_TX;
		/* No filter any more (or no port: port_tx counts that). */
		if (unlikely(out == NULL || out->sg == NULL))
			continue;
		chk[k] = pkts[i];
		ports[k] = out;
		at[k++] = i;
	}
	if (k == 0)
		return;
	dp_sg_filter_burst(w, "sg_ingress", DP_SG_INGRESS, chk, ports, NULL, k, verdicts);
	for (uint16_t j = 0; j < k; j++)
		if (verdicts[j] != DP_SG_PASS)
			next[at[j]] = DP_SG_IN_DROP + verdicts[j];
}

static uint16_t sg_ingress_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	uint16_t next[RTE_GRAPH_BURST_SIZE];

	/* Several stages feed this one in a walk: a call may hold more than a burst. */
	if (likely(n <= RTE_GRAPH_BURST_SIZE)) {
		dp_sg_ingress_burst(w, (struct rte_mbuf **)objs, n, next);
		dp_node_enqueue_burst(graph, node, objs, next, n);
		return n;
	}
	for (uint16_t off = 0; off < n; off += RTE_GRAPH_BURST_SIZE) {
		uint16_t k = RTE_MIN((uint16_t)(n - off), (uint16_t)RTE_GRAPH_BURST_SIZE);

		dp_sg_ingress_burst(w, (struct rte_mbuf **)objs + off, k, next);
		dp_node_enqueue_burst(graph, node, objs + off, next, k);
	}
	return n;
}

int dp_sg_ingress_node_register(void)
{
	const char *edges[DP_SG_IN_DROP + DP_DROP_REASON_MAX];

	edges[DP_SG_IN_TX] = "port_tx";
	for (uint16_t r = 0; r < DP_DROP_REASON_MAX; r++)
		edges[DP_SG_IN_DROP + r] = dp_drop_node_name(r);
	return dp_node_register("sg_ingress", sg_ingress_process, edges, RTE_DIM(edges));
}
