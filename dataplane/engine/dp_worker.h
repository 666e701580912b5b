/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A worker: one lcore running one rte_graph (port_rx -> ... -> port_tx), and
 * once per clock second its own timers (dp_worker_tick), so what waits for an
 * answer is retried and given up on even when no frame arrives. It holds what
 * each layer keeps per worker (counters, the ARP wait queue, l3's adjacencies,
 * port_tx's buffers), so it lives in engine/, where the layers meet, and not
 * in core/, which includes none of them.
 *
 * Contract: everything in struct dp_worker is written only by its own lcore,
 * except `rxq_list` (published by the control thread under RCU), `stop`, and
 * the producer side of `inject` (engine/dp_inject.h).
 * The control thread reads the counters without locks; they are 64-bit and
 * naturally aligned, so a read is never torn, only a little stale.
 */
#ifndef VIRGA_DP_WORKER_H
#define VIRGA_DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_graph.h>
#include <rte_ring.h>

#include "core/dp_drop.h"
#include "dhcp/dp_dhcp.h"
#include "l3/dp_adj.h"
#include "l3/dp_fip.h"
#include "dp_arp_wait.h"

#define DP_MAX_WORKERS 32
#define DP_TX_BURST 64
#define DP_ICMP_ERRORS_PER_SEC 100 /* per worker (RFC 1812 4.3.2.8: rate-limit them) */

struct dp_rxq {
	uint16_t port_id;
	uint16_t queue_id;
};

/* A worker's poll list: immutable once published, replaced whole. Ethdev queues,
 * then vhost-user ports apart (port/dp_vhost.h), whose queues a worker picks itself
 * when a device connects. */
struct dp_rxq_list {
	uint16_t n;
	uint16_t n_vhost;
	struct dp_rxq q[RTE_MAX_ETHPORTS];
	uint16_t vhost[DP_MAX_PORTS - RTE_MAX_ETHPORTS];
};

struct dp_port_counters {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_dropped;
	uint64_t tx_dropped;
};

/* Frames waiting for one tx burst on one port: port_tx's alone (port/port_tx.c), empty
 * between its calls. */
struct dp_txbuf {
	uint16_t n;
	bool pending; /* listed in tx_pending */
	struct rte_mbuf *pkts[RTE_GRAPH_BURST_SIZE];
};

struct dp_worker {
	uint32_t index; /* 0..n_workers-1: rx/tx queue id and RCU thread id */
	uint32_t lcore_id;
	struct rte_graph *graph;
	char graph_name[RTE_GRAPH_NAMESIZE];
	struct dp_rxq_list *rxq_list; /* RCU: published by the control thread */
	volatile bool stop;
	/* Frames the control thread makes (gratuitous ARPs), for port_rx to send into
	 * the graph (engine/dp_inject.h). */
	struct rte_ring *inject;

	uint32_t now_sec; /* coarse clock (MAC aging, ARP waits), updated once per loop */
	uint64_t next_sec_tsc;
	bool trace;	  /* copy of the global trace switch, read once per loop */

	uint64_t busy_cycles;
	uint64_t idle_cycles;
	/* Adaptive polling (dp_worker.c), this worker's own. */
	uint64_t last_busy_tsc;
	uint64_t idle_spin_tsc;
	unsigned int idle_sleep_us; /* the next sleep */
	uint64_t packets;
	uint16_t vhost_next; /* port_rx: where in the poll list's vhost ports to start */
	uint64_t drops[DP_DROP_REASON_MAX];
	struct dp_port_counters port[DP_MAX_PORTS];

	/* Frames whose next hop's MAC is unknown, routed or to a remote VTEP: sent when
	 * ARP answers, asked for again each second by dp_worker_tick (engine/dp_arp_wait.h). */
	struct dp_arp_wait arp_wait;
	struct dp_adj adj[DP_ADJ_CACHE_SIZE]; /* routers' resolved next hops */
	/* DHCP answered by the engine, per port: counters and rate (dhcp/dp_dhcp.h). */
	struct dp_dhcp_worker dhcp[DP_MAX_PORTS];
	uint32_t icmp_sec;  /* the second icmp_sent counts */
	uint32_t icmp_sent;

	/* Ports with frames in txbuf, in the order they got their first: a list rather
	 * than a bit mask, since there are more ports than bits in a word. */
	uint16_t n_tx_pending;
	uint16_t tx_pending[DP_MAX_PORTS];
	struct dp_txbuf txbuf[DP_MAX_PORTS];
} __rte_cache_aligned;

struct dp_workers {
	uint32_t n;
	struct dp_worker *w[DP_MAX_WORKERS];
};

extern struct dp_workers dp_workers;

/* Control thread: allocates one worker per lcore of `lcores` (n of them). */
int dp_workers_init(const unsigned int *lcores, unsigned int n);
/* Control thread, before start: adaptive polling, a worker idle for a while sleeps
 * in growing steps of at most usec (0, the default, is pure polling). */
void dp_workers_set_idle_sleep(unsigned int usec);
/* Control thread: creates each worker's graph (all nodes registered by now). */
int dp_workers_create_graphs(void);
/* Control thread: launches each worker on its lcore; stops and joins them. */
int dp_workers_start(void);
void dp_workers_stop(void);
void dp_workers_fini(void);
/* Seconds since start, the clock of MAC table entries. Any thread. */
uint32_t dp_clock_sec(void);
/*
 * Packet path, on the worker's own lcore, once per clock second (the loop calls
 * it when now_sec moves on, before the walk; tests after moving it): frees
 * frames that waited for ARP too long and asks again for what the others wait
 * for. It runs outside any node, so the requests wait for port_rx, which sends
 * them into the graph first thing in the walk (engine/dp_arp_wait.h).
 */
void dp_worker_tick(struct dp_worker *w);

/* Control thread: rebuilds every worker's poll list from the configured ports. */
int dp_workers_publish_rxqs(void);

/* Start-up: registers the drop_<reason> graph nodes (engine/dp_drop_nodes.c), which
 * count into their worker; call once before creating graphs. */
int dp_drop_nodes_register(void);

/* Counts and frees one frame dropped outside a drop node (e.g. one flood copy). */
static inline void dp_drop_one(struct dp_worker *w, enum dp_drop_reason r, struct rte_mbuf *m)
{
	w->drops[r]++;
	rte_pktmbuf_free(m);
}

#endif
