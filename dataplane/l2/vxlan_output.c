/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vxlan_output: frames switched to a MAC behind a remote VTEP, and flood
 * copies for each remote VTEP, get their outer headers and go to port_tx for
 * the underlay port, or wait for the underlay next hop's ARP answer (the
 * request goes to port_tx too) and come back here with it (from
 * underlay_input, or from port_rx when another worker heard it).
 * Edges: enum dp_l2_edge (dp_l2.h); only DP_L2_TX and the drops are taken.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "engine/dp_worker.h"
#include "dp_l2.h"
#include "dp_vxlan.h"

uint16_t dp_vxlan_output_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *next, struct rte_mbuf **reqs, uint16_t *n_reqs)
{
	const struct dp_vtep *v = dp_vtep_get();
	uint16_t n_out = 0;

	*n_reqs = 0;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *req = NULL;
		struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
		const struct dp_network *net = dp_network_get(meta->net_id);
		unsigned int r = DP_DROP_VXLAN_NO_VTEP;

		if (likely(v != NULL && net != NULL)) {
			uint32_t peer_ip = dp_tables.peer_ip[meta->out_port - DP_PEER_BASE];

			if (unlikely(w->trace))
				dp_trace_note("vxlan_output", DP_TRACE_VXLAN_ENCAP, peer_ip,
						rte_cpu_to_be_32(net->vni), net->id);
			r = dp_vxlan_encap(w, m, v, net->vni, peer_ip, &req);
		}
		if (likely(r == DP_DROP_REASON_MAX)) {
			meta->out_port = v->port_id;
			next[n_out] = DP_L2_TX;
			pkts[n_out++] = m;
			continue;
		}
		if (req != NULL)
			reqs[(*n_reqs)++] = req;
		if (r == DP_VXLAN_WAITING)
			continue; /* underlay_input sends it back here once ARP answers */
		next[n_out] = DP_L2_EDGE_DROP(r);
		pkts[n_out++] = m;
	}
	if (unlikely(w->trace)) {
		uint16_t tx[RTE_GRAPH_BURST_SIZE];

		dp_trace_burst("vxlan_output", dp_l2_edge_name, pkts, next, n_out);
		for (uint16_t i = 0; i < *n_reqs; i++)
			tx[i] = DP_L2_TX;
		dp_trace_burst("vxlan_output", dp_l2_edge_name, reqs, tx, *n_reqs);
	}
	return n_out;
}

static uint16_t vxlan_output_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	struct rte_mbuf *reqs[RTE_GRAPH_BURST_SIZE];
	uint16_t next[RTE_GRAPH_BURST_SIZE];

	/* Several stages feed this one, so a walk may bring more than a burst. */
	for (uint16_t done = 0; done < n;) {
		uint16_t chunk = RTE_MIN(n - done, (uint16_t)RTE_GRAPH_BURST_SIZE), n_reqs, n_out;

		n_out = dp_vxlan_output_burst(w, (struct rte_mbuf **)objs + done, chunk, next, reqs,
				&n_reqs);
		/* Encapsulated in place: the common case hands its stream to port_tx whole. */
		dp_node_enqueue_burst(graph, node, objs + done, next, n_out);
		if (unlikely(n_reqs))
			rte_node_enqueue(graph, node, DP_L2_TX, (void **)reqs, n_reqs);
		done += chunk;
	}
	return n;
}

int dp_vxlan_output_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	/* Never taken: rte_graph refuses a loop edge, and an encapsulated frame goes
	 * nowhere but the underlay port. */
	edges[DP_L2_VXLAN] = dp_drop_node_name(DP_DROP_VXLAN_NO_VTEP);
	edges[DP_L2_FLOOD] = dp_drop_node_name(DP_DROP_NO_NETWORK);
	edges[DP_L2_UNDERLAY] = dp_drop_node_name(DP_DROP_VXLAN_NOT_FOR_US);
	edges[DP_L2_ROUTE] = dp_drop_node_name(DP_DROP_IP_LOCAL);
	return dp_node_register("vxlan_output", vxlan_output_process, edges, RTE_DIM(edges));
}
