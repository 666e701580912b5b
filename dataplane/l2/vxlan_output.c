/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vxlan_output: frames switched to a MAC behind a remote VTEP get their
 * outer headers and leave through the underlay port.
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

static uint16_t vxlan_output_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	const struct dp_vtep *v = dp_vtep_get();
	uint16_t next[RTE_GRAPH_BURST_SIZE], n_drop = 0;
	void *dropped[RTE_GRAPH_BURST_SIZE];

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
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
		next[n_drop] = OUT_DROP + r;
		dropped[n_drop++] = m;
	}
	if (unlikely(w->trace) && n_drop)
		dp_trace_burst(w, "vxlan_output", edge_name, (struct rte_mbuf **)dropped, next, n_drop);
	dp_tx_flush(w);
	dp_node_enqueue_burst(graph, node, dropped, next, n_drop);
	return n;
}

int dp_vxlan_output_node_register(void)
{
	const char *edges[DP_DROP_REASON_MAX];

	for (uint16_t r = 0; r < DP_DROP_REASON_MAX; r++)
		edges[OUT_DROP + r] = dp_drop_node_name(r);
	return dp_node_register("vxlan_output", vxlan_output_process, edges, RTE_DIM(edges));
}
