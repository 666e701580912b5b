/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vxlan_output: frames switched to a MAC behind a remote VTEP get their
 * outer headers and leave through the underlay port, or wait for the
 * underlay next hop's ARP answer and come back here with it (from
 * underlay_input).
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "dp_l2.h"
#include "dp_vxlan.h"

enum { OUT_DROP }; /* + enum dp_drop_reason */

static const char *edge_name(uint16_t edge)
{
	return dp_drop_node_name(edge - OUT_DROP);
}

uint16_t dp_vxlan_output_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		struct rte_mbuf **dropped, uint16_t *next)
{
	const struct dp_vtep *v = dp_vtep_get();
	uint16_t n_drop = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
		const struct dp_network *net = dp_network_get(meta->net_id);
		unsigned int r = DP_DROP_VXLAN_NO_VTEP;

		if (likely(v != NULL && net != NULL)) {
			uint32_t peer_ip = dp_tables.peer_ip[meta->out_port - DP_PEER_BASE];

			if (unlikely(w->trace))
				dp_trace_note(w, "vxlan_output", DP_TRACE_VXLAN_ENCAP, peer_ip,
						rte_cpu_to_be_32(net->vni), net->id);
			r = dp_vxlan_encap(w, m, v, net->vni, peer_ip);
		}
		if (likely(r == DP_DROP_REASON_MAX)) {
			dp_tx_enqueue(w, v->port_id, m);
			continue;
		}
		if (r == DP_VXLAN_WAITING)
			continue; /* underlay_input sends it back here once ARP answers */
		next[n_drop] = OUT_DROP + r;
		dropped[n_drop++] = m;
	}
	if (unlikely(w->trace) && n_drop)
		dp_trace_burst(w, "vxlan_output", edge_name, dropped, next, n_drop);
	return n_drop;
}

static uint16_t vxlan_output_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	struct rte_mbuf *dropped[RTE_GRAPH_BURST_SIZE];
	uint16_t next[RTE_GRAPH_BURST_SIZE], n_drop;

	n_drop = dp_vxlan_output_burst(w, (struct rte_mbuf **)objs, n, dropped, next);
	dp_tx_flush(w); /* with the ARP requests for underlay next hops */
	dp_node_enqueue_burst(graph, node, (void **)dropped, next, n_drop);
	return n;
}

int dp_vxlan_output_node_register(void)
{
	const char *edges[DP_DROP_REASON_MAX];

	for (uint16_t r = 0; r < DP_DROP_REASON_MAX; r++)
		edges[OUT_DROP + r] = dp_drop_node_name(r);
	return dp_node_register("vxlan_output", vxlan_output_process, edges, RTE_DIM(edges));
}
