/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frames the control thread makes and the dataplane must send (gratuitous
 * ARPs for a floating IP or a router's gateway address): they enter the graph
 * like every other frame (DESIGN.md: frames move only along graph edges), so
 * they leave through port_tx, counted, with its tx buffers and its per-queue
 * ownership, instead of being written to a port by a thread that owns no tx
 * queue.
 *
 * Contract
 *  - Writer: the control thread only (one producer). dp_inject_flood hands a
 *    frame to worker 0's ring (single producer, single consumer: no CAS on
 *    either side); one worker is enough, since each frame must leave once.
 *  - Reader: the owning worker only, in port_rx before it polls its ports
 *    (dp_inject_ready is one load when nothing waits; dp_inject_take empties
 *    up to a burst), which hands each frame to l2_flood in its meta net_id,
 *    from DP_SRC_ROUTER, as the router's own requests are sent.
 *  - Full: never blocks. A frame that finds the ring full (or no worker) is
 *    freed and counted in dp_inject_stats.ring_full (the writer's own counter,
 *    read by the control thread: no atomics). Gratuitous ARPs are advisory, a
 *    lost one costs a peer's stale cache until it asks again.
 *
 * The ring's mbufs are the worker's once dequeued; frames still in a ring when
 * the workers are freed are freed with it.
 */
#ifndef VIRGA_DP_INJECT_H
#define VIRGA_DP_INJECT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#define DP_INJECT_RING_SIZE 256 /* a power of two; holds DP_INJECT_RING_SIZE - 1 frames */
#define DP_INJECT_BURST 32      /* frames port_rx takes per run */

struct dp_inject_stats {
	uint64_t sent;      /* handed to a worker */
	uint64_t ring_full; /* freed: the ring was full, or there was no worker */
};

/* The control thread's own counters (its only writer). */
extern struct dp_inject_stats dp_inject_stats;

struct dp_worker;

/* Control thread, from dp_workers_init: the worker's ring. 0 or -ENOMEM. */
int dp_inject_ring_create(struct dp_worker *w);
/* Control thread, from dp_workers_fini: frees what is left in it, then the ring. */
void dp_inject_ring_free(struct dp_worker *w);

/*
 * Control thread: sends m (an Ethernet frame) flooded into network net_id from
 * the router, through worker 0's graph: to the network's ports, and unless
 * node_only to its uplink and remote VTEPs too. Takes m either way. 0, or
 * -ENOBUFS (ring full or no worker; counted in dp_inject_stats.ring_full).
 */
int dp_inject_flood(struct rte_mbuf *m, uint16_t net_id, bool node_only);

/* Control thread: a gratuitous ARP request (sender = target = ip, from mac) for
 * network net_id, through dp_inject_flood. -ENOMEM when no mbuf is free. */
int dp_inject_garp(uint16_t net_id, const struct rte_ether_addr *mac, uint32_t ip, bool node_only);

/* Packet path, the owning worker: whether its ring holds frames. */
static inline bool dp_inject_ready(const struct rte_ring *r)
{
	return r != NULL && !rte_ring_empty(r);
}

/* Packet path, the owning worker: up to max frames out of its ring, in order. */
static inline uint16_t dp_inject_take(struct rte_ring *r, struct rte_mbuf **out, uint16_t max)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(r, (void **)out, max, NULL);
}

#endif
