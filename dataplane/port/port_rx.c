/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_rx: the source node. Polls every (port, queue) of this worker's poll
 * list and hands the frames to bridge_input as one stream.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_tables.h"
#include "port/dp_port_nodes.h"

enum { RX_NEXT_BRIDGE, RX_NEXT_ROUTE, RX_NEXT_VXLAN };

/*
 * Frames waiting for ARP whose neighbour became reachable elsewhere (another
 * worker heard the answer, or the control plane made it permanent): back to
 * the stage that parked them, which looks again (core/dp_arp_wait.h).
 */
static void release_resolved(struct dp_worker *w, struct rte_graph *graph, struct rte_node *node)
{
	struct rte_mbuf *m[DP_ARP_WAIT_MAX];
	uint8_t kinds[DP_ARP_WAIT_MAX];
	uint16_t n = dp_arp_wait_take_resolved(w, m, kinds, RTE_DIM(m));

	for (uint16_t i = 0; i < n; i++)
		rte_node_enqueue_x1(graph, node,
				kinds[i] == DP_WAIT_ROUTED ? RX_NEXT_ROUTE : RX_NEXT_VXLAN, m[i]);
}

static uint16_t port_rx_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n_objs)
{
	struct dp_worker *w = dp_node_worker(node);
	const struct dp_rxq_list *l = __atomic_load_n(&w->rxq_list, __ATOMIC_ACQUIRE);
	struct rte_mbuf **stream;
	uint16_t total = 0;

	RTE_SET_USED(objs);
	RTE_SET_USED(n_objs);
	if (unlikely(w->arp_wait.n) &&
			__atomic_load_n(&dp_tables.neigh_gen, __ATOMIC_RELAXED) != w->arp_wait.seen_gen)
		release_resolved(w, graph, node);
	if (l == NULL || l->n == 0)
		return 0;
	stream = (struct rte_mbuf **)rte_node_next_stream_get(graph, node, RX_NEXT_BRIDGE,
			RTE_GRAPH_BURST_SIZE);
	for (uint16_t i = 0; i < l->n; i++) {
		const struct dp_rxq *q = &l->q[i];
		uint16_t room = RTE_GRAPH_BURST_SIZE - total;
		struct dp_port_counters *pc = &w->port[q->port_id];
		struct rte_mbuf **pkts;
		uint16_t n;

		if (room == 0)
			break;
		pkts = stream + total;
		n = rte_eth_rx_burst(q->port_id, q->queue_id, pkts, RTE_MIN(room, DP_RX_BURST));
		if (n == 0)
			continue;
		pc->rx_packets += n;
		for (uint16_t k = 0; k < n; k++)
			pc->rx_bytes += rte_pktmbuf_pkt_len(pkts[k]);
		total += n;
	}
	if (total)
		rte_node_next_stream_put(graph, node, RX_NEXT_BRIDGE, total);
	w->packets += total;
	return total;
}

int dp_port_rx_node_register(void)
{
	static const char *const edges[] = {[RX_NEXT_BRIDGE] = "bridge_input",
			[RX_NEXT_ROUTE] = "ip4_route", [RX_NEXT_VXLAN] = "vxlan_output"};

	return dp_node_register_full("port_rx", port_rx_process, RTE_NODE_SOURCE_F, 0, edges,
			RTE_DIM(edges));
}
