/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_tx: sends each frame to dp_mbuf_meta(m)->out_port. Frames are grouped
 * per port in the worker's tx buffers and sent with one burst per port at the
 * end of the call.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_tables.h"
#include "pkt/dp_mbuf.h"
#include "port/dp_port_nodes.h"

static uint16_t port_tx_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);

	RTE_SET_USED(graph);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		dp_tx_enqueue(w, dp_mbuf_meta(m)->out_port, m);
	}
	dp_tx_flush(w);
	return n;
}

void dp_tx_flush_port(struct dp_worker *w, uint16_t port_id)
{
	struct dp_txbuf *b = &w->txbuf[port_id];
	struct dp_port_counters *pc = &w->port[port_id];
	uint64_t bytes = 0;
	uint16_t sent = 0;

	w->tx_pending_mask &= ~(1u << port_id);
	if (b->n == 0)
		return;
	/* Counted before the burst: a sent mbuf belongs to the driver, which may have
	 * freed it (and another lcore reused it) by the time the burst returns. */
	for (uint16_t i = 0; i < b->n; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	/* The port may have been deleted since the frame was switched: a worker sees
	 * the NULL snapshot before the control thread stops the device (it waits for
	 * a grace period in between), so checking here is enough. */
	if (likely(dp_port_get(port_id) != NULL))
		sent = rte_eth_tx_burst(port_id, w->index, b->pkts, b->n);
	for (uint16_t i = sent; i < b->n; i++)
		bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
	pc->tx_packets += sent;
	pc->tx_bytes += bytes;
	if (unlikely(sent < b->n)) {
		enum dp_drop_reason r = sent == 0 && dp_port_get(port_id) == NULL ?
				DP_DROP_PORT_GONE : DP_DROP_TX_QUEUE_FULL;

		pc->tx_dropped += b->n - sent;
		w->drops[r] += b->n - sent;
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	b->n = 0;
}

void dp_tx_flush(struct dp_worker *w)
{
	while (w->tx_pending_mask) {
		uint16_t port_id = __builtin_ctz(w->tx_pending_mask);

		dp_tx_flush_port(w, port_id);
	}
}

int dp_port_tx_node_register(void)
{
	return dp_node_register("port_tx", port_tx_process, NULL, 0);
}
