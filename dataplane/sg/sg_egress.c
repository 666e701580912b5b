/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sg_egress: frames from a port with a security group, after port security
 * passed them. bridge_input chose where each goes (meta sg_next) and sent it
 * here first; what the port's filter allows goes on there, the rest to its
 * drop (sg/dp_sg_filter.h says what passes). A frame switched to a local port
 * with a stateful filter in the same network tells the check that port, so a
 * new connection records both ends and the receiver's ingress check (in
 * sg_ingress, next) fills its half.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "engine/dp_tables.h"
#include "ct/dp_ct.h"
#include "l2/dp_l2.h"
#include "pkt/dp_mbuf.h"
#include "dp_sg_filter.h"
#include "dp_sg_nodes.h"

void dp_sg_egress_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	const struct dp_port *ports[RTE_GRAPH_BURST_SIZE];
	struct rte_mbuf *chk[RTE_GRAPH_BURST_SIZE];
	uint16_t peers[RTE_GRAPH_BURST_SIZE], verdicts[RTE_GRAPH_BURST_SIZE];
	uint16_t at[RTE_GRAPH_BURST_SIZE], k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
		const struct dp_port *in = dp_port_get(m->port), *out;
		uint16_t peer = DP_CT_NO_PORT;

		next[i] = meta->sg_next;
		/* The filter went since bridge_input looked: nothing to check. */
		if (unlikely(in == NULL || in->sg == NULL))
			continue;
		if (meta->sg_next == DP_L2_SG_INGRESS && (out = dp_port_get(meta->out_port)) != NULL &&
				out->sg != NULL && out->sg_stateful && out->net_id == in->net_id)
			peer = out->port_id;
		chk[k] = m;
		ports[k] = in;
		peers[k] = peer;
		at[k++] = i;
	}
	if (k == 0)
		return;
	dp_sg_filter_burst(w, "sg_egress", DP_SG_EGRESS, chk, ports, peers, k, verdicts);
	for (uint16_t j = 0; j < k; j++)
		if (verdicts[j] != DP_SG_PASS)
			next[at[j]] = DP_L2_EDGE_DROP(verdicts[j]);
}

static uint16_t sg_egress_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	uint16_t next[RTE_GRAPH_BURST_SIZE];

	/* Several stages feed this one in a walk: a call may hold more than a burst. */
	if (likely(n <= RTE_GRAPH_BURST_SIZE)) {
		dp_sg_egress_burst(w, (struct rte_mbuf **)objs, n, next);
		dp_node_enqueue_burst(graph, node, objs, next, n);
		return n;
	}
	for (uint16_t off = 0; off < n; off += RTE_GRAPH_BURST_SIZE) {
		uint16_t k = RTE_MIN((uint16_t)(n - off), (uint16_t)RTE_GRAPH_BURST_SIZE);

		dp_sg_egress_burst(w, (struct rte_mbuf **)objs + off, k, next);
		dp_node_enqueue_burst(graph, node, objs + off, next, k);
	}
	return n;
}

int dp_sg_egress_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	/* Never taken: bridge_input never stores it, and rte_graph refuses a loop. */
	edges[DP_L2_SG_EGRESS] = dp_drop_node_name(DP_DROP_SG_DENIED_EGRESS);
	return dp_node_register("sg_egress", sg_egress_process, edges, RTE_DIM(edges));
}
