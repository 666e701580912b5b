/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_rx: the source node. Polls every (port, queue) of this worker's poll
 * list and hands the frames to bridge_input as one stream. Before that, it
 * hands what the worker's ARP wait queue has ready to the stage it goes to:
 * frames whose next hop answered, and the requests the per-second tick asked
 * again (engine/dp_arp_wait.h), so those too enter the graph; and the frames
 * the control thread made for it to send (engine/dp_inject.h), to l2_flood.
 * vhost-user ports (port/dp_vhost.h) are polled after the ethdevs, from where
 * the last walk stopped, so that hundreds of them share the burst's room.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "engine/dp_inject.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "port/dp_port_nodes.h"
#include "port/dp_vhost.h"

enum { RX_NEXT_BRIDGE, RX_NEXT_ROUTE, RX_NEXT_VXLAN, RX_NEXT_FLOOD, RX_NEXT_TX, RX_NEXT_MAX };

static const char *const edge_names[RX_NEXT_MAX] = {[RX_NEXT_BRIDGE] = "bridge_input",
		[RX_NEXT_ROUTE] = "ip4_route", [RX_NEXT_VXLAN] = "vxlan_output",
		[RX_NEXT_FLOOD] = "l2_flood", [RX_NEXT_TX] = "port_tx"};

static const char *edge_name(uint16_t edge)
{
	return edge < RX_NEXT_MAX ? edge_names[edge] : "?";
}

/*
 * What the ARP wait queue has ready (engine/dp_arp_wait.h): frames whose neighbour
 * became reachable elsewhere (another worker heard the answer, or the control
 * plane made it permanent), back to the stage that parked them, which looks
 * again; and the requests the tick asked again, to l2_flood or port_tx.
 */
static void release_ready(struct dp_worker *w, struct rte_graph *graph, struct rte_node *node)
{
	static const uint16_t edge_of[] = {[DP_READY_ROUTE] = RX_NEXT_ROUTE,
			[DP_READY_VXLAN] = RX_NEXT_VXLAN, [DP_READY_FLOOD] = RX_NEXT_FLOOD,
			[DP_READY_TX] = RX_NEXT_TX};
	struct rte_mbuf *m[DP_ARP_WAIT_READY_MAX];
	uint8_t to[DP_ARP_WAIT_READY_MAX];
	uint16_t next[DP_ARP_WAIT_READY_MAX];
	uint16_t n = dp_arp_wait_take_ready(w, m, to, RTE_DIM(m));

	for (uint16_t i = 0; i < n; i++)
		next[i] = edge_of[to[i]];
	if (unlikely(w->trace))
		dp_trace_burst("port_rx", edge_name, m, next, n);
	dp_node_enqueue_burst(graph, node, (void **)m, next, n);
}

/* The control thread's frames (gratuitous ARPs), flooded into their meta net_id. */
static void send_injected(struct dp_worker *w, struct rte_graph *graph, struct rte_node *node)
{
	struct rte_mbuf *m[DP_INJECT_BURST];
	uint16_t next[DP_INJECT_BURST];
	uint16_t n = dp_inject_take(w->inject, m, RTE_DIM(m));

	for (uint16_t i = 0; i < n; i++)
		next[i] = RX_NEXT_FLOOD;
	if (unlikely(w->trace))
		dp_trace_burst("port_rx", edge_name, m, next, n);
	dp_node_enqueue_burst(graph, node, (void **)m, next, n);
	w->packets += n;
}

static inline void count_rx(struct dp_port_counters *pc, struct rte_mbuf **pkts, uint16_t n)
{
	pc->rx_packets += n;
	for (uint16_t k = 0; k < n; k++)
		pc->rx_bytes += rte_pktmbuf_pkt_len(pkts[k]);
}

/* The vhost-user ports of the poll list into stream from total on, while it has room;
 * returns the new total. */
static uint16_t rx_vhost(struct dp_worker *w, const struct dp_rxq_list *l,
		struct rte_mbuf **stream, uint16_t total)
{
	uint16_t i = w->vhost_next < l->n_vhost ? w->vhost_next : 0;

	for (uint16_t polled = 0; polled < l->n_vhost && total < RTE_GRAPH_BURST_SIZE; polled++) {
		uint16_t port_id = l->vhost[i];
		struct rte_mbuf **pkts = stream + total;
		uint16_t n = dp_vhost_rx(w, port_id, dp_tables.pool, pkts,
				RTE_MIN(RTE_GRAPH_BURST_SIZE - total, DP_RX_BURST));

		if (++i == l->n_vhost)
			i = 0;
		if (n == 0)
			continue;
		count_rx(&w->port[port_id], pkts, n);
		total += n;
	}
	w->vhost_next = i;
	return total;
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
	if (unlikely(dp_arp_wait_ready(&w->arp_wait, &dp_tables.neigh_gen)))
		release_ready(w, graph, node);
	if (unlikely(dp_inject_ready(w->inject)))
		send_injected(w, graph, node);
	if (l == NULL || (l->n == 0 && l->n_vhost == 0))
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
		count_rx(pc, pkts, n);
		total += n;
	}
	if (unlikely(l->n_vhost != 0))
		total = rx_vhost(w, l, stream, total);
	if (total)
		rte_node_next_stream_put(graph, node, RX_NEXT_BRIDGE, total);
	w->packets += total;
	return total;
}

int dp_port_rx_node_register(void)
{
	return dp_node_register_full("port_rx", port_rx_process, RTE_NODE_SOURCE_F, 0, edge_names,
			RTE_DIM(edge_names));
}
