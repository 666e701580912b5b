/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_tx: the one way out of the engine. Sends each frame to
 * dp_mbuf_meta(m)->out_port: every stage that sends, copies included, gives
 * its frames to this node, so its counters (and the trace of the stage
 * before) see all of them. When the whole call goes to one port (the common
 * case) the frames are sent as they are, one burst; otherwise they are
 * grouped per port in the worker's tx buffers, which only this file touches,
 * and sent with one burst per port at the end of the call.
 */
#include <rte_ethdev.h>
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "pkt/dp_mbuf.h"
#include "port/dp_port_nodes.h"
#include "port/dp_vhost.h"

/* Sends n frames of `bytes` bytes in all on port_id and counts them: sent, or
 * dropped as tx_queue_full (the device did not take them all), port_down (a
 * vhost-user port without a device) or port_gone. The
 * bytes are counted before the burst: a sent mbuf belongs to the driver, which may
 * have freed it (and another lcore reused it) by the time the burst returns. */
static void tx_burst(struct dp_worker *w, uint16_t port_id, struct rte_mbuf **pkts, uint16_t n,
		uint64_t bytes)
{
	struct dp_port_counters *pc = &w->port[port_id];
	uint16_t sent = 0;
	bool down = false;

	/* The port may have been deleted since the frame was switched: a worker sees
	 * the NULL snapshot before the control thread stops the device (it waits for
	 * a grace period in between), so checking here is enough. */
	if (likely(dp_port_get(port_id) != NULL)) {
		if (likely(!dp_port_is_vhost(port_id)))
			sent = rte_eth_tx_burst(port_id, w->index, pkts, n);
		else
			sent = dp_vhost_tx(w, port_id, pkts, n, &down);
	}
	for (uint16_t i = sent; i < n; i++)
		bytes -= rte_pktmbuf_pkt_len(pkts[i]);
	pc->tx_packets += sent;
	pc->tx_bytes += bytes;
	if (unlikely(sent < n)) {
		enum dp_drop_reason r = sent == 0 && dp_port_get(port_id) == NULL ?
				DP_DROP_PORT_GONE : down ? DP_DROP_PORT_DOWN : DP_DROP_TX_QUEUE_FULL;

		pc->tx_dropped += n - sent;
		w->drops[r] += n - sent;
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
	}
}

static void flush_port(struct dp_worker *w, uint16_t port_id)
{
	struct dp_txbuf *b = &w->txbuf[port_id];
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < b->n; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	tx_burst(w, port_id, b->pkts, b->n, bytes);
	b->n = 0;
}

static inline void buffer(struct dp_worker *w, uint16_t port_id, struct rte_mbuf *m)
{
	struct dp_txbuf *b = &w->txbuf[port_id];

	if (unlikely(b->n == RTE_DIM(b->pkts)))
		flush_port(w, port_id);
	b->pkts[b->n++] = m;
	if (!b->pending) {
		b->pending = true;
		w->tx_pending[w->n_tx_pending++] = port_id;
	}
}

/* A frame whose out_port names no port at all: a stage's mistake, counted. */
static void no_port(struct dp_worker *w, struct rte_mbuf *m)
{
	dp_drop_one(w, DP_DROP_PORT_GONE, m);
}

void dp_port_tx_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t port_id, i;

	if (n == 0)
		return;
	/* Speculatively one port for all, as DPDK's lib/node/ip4_lookup.c takes one edge. */
	port_id = dp_mbuf_meta(pkts[0])->out_port;
	for (i = 0; i < n; i++) {
		if (dp_mbuf_meta(pkts[i])->out_port != port_id)
			break;
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	}
	if (likely(i == n && port_id < DP_MAX_PORTS)) {
		tx_burst(w, port_id, pkts, n, bytes);
		return;
	}
	for (i = 0; i < n; i++) {
		port_id = dp_mbuf_meta(pkts[i])->out_port;
		if (likely(port_id < DP_MAX_PORTS))
			buffer(w, port_id, pkts[i]);
		else
			no_port(w, pkts[i]);
	}
	for (i = 0; i < w->n_tx_pending; i++) {
		port_id = w->tx_pending[i];
		w->txbuf[port_id].pending = false;
		flush_port(w, port_id);
	}
	w->n_tx_pending = 0;
}

static uint16_t port_tx_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	RTE_SET_USED(graph);
	dp_port_tx_burst(dp_node_worker(node), (struct rte_mbuf **)objs, n);
	return n;
}

int dp_port_tx_node_register(void)
{
	return dp_node_register("port_tx", port_tx_process, NULL, 0);
}
