/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Frames waiting for a neighbour: per worker, a small queue of frames whose
 * next hop's MAC is not known yet, held until ARP answers (as Linux holds
 * them on a neighbour's arp_queue) instead of being dropped, so the first
 * frame of a flow over a cold path arrives. Two kinds wait, each released by
 * the stage that hears its answer:
 *
 *  - DP_WAIT_ROUTED: a routed frame whose next hop in a network (scope: the
 *    network id) is unresolved. ip4_route looks it up and routes it again
 *    when the router's interface learns the address.
 *  - DP_WAIT_ENCAP: a frame for a remote VTEP (from vxlan_output, or a
 *    head-end replication copy from l2_flood) whose underlay next hop is
 *    unresolved (scope DP_NEIGH_SCOPE_UNDERLAY). underlay_input hands it back
 *    to vxlan_output, its meta (out_port = DP_PEER_BASE + peer, net_id) as it
 *    was, when ARP on the underlay port teaches the address.
 *
 * A router's request into a VXLAN network is itself flooded to the remote
 * VTEPs, so on a cold overlay it waits as DP_WAIT_ENCAP behind the underlay's
 * resolution while the routed frame waits as DP_WAIT_ROUTED behind it.
 *
 * Contract
 *  - Per worker, no sharing: only the owning lcore parks, takes and ticks.
 *    An answer heard by another worker, or a permanent entry from the
 *    control plane, releases these on this worker's next loop: every new
 *    reachable neighbour bumps dp_tables.neigh_gen, and port_rx then takes
 *    what is resolved (dp_arp_wait_take_resolved).
 *  - Bounded: DP_ARP_WAIT_MAX frames of both kinds together (a frame beyond
 *    is dropped as neigh_queue_full by its stage), each for DP_ARP_WAIT_SEC
 *    whole clock seconds at most; dp_arp_wait_tick then frees it and counts
 *    it as neigh_unresolved.
 *  - Asking: a request goes out when a frame parks, and again once per clock
 *    second for every address still waited for (Linux's retrans_time), on
 *    the paths the stages use: flooded into the network from the router's
 *    interface (l2_flood), or sent on the underlay port from the VTEP
 *    (port_tx). dp_neigh_solicit keeps it to one request per address per
 *    second, however many wait. Requests travel the graph like any frame: the
 *    parking stage sends its own on its edges; those of the per-second tick,
 *    which runs outside any node, wait in the queue's outbox for port_rx,
 *    which hands them on (with the resolved frames) on its next run, in the
 *    same loop.
 *  - Frames waiting for one address leave in the order they came.
 *
 * Packet path, on the owning worker's lcore.
 */
#ifndef VIRGA_DP_ARP_WAIT_H
#define VIRGA_DP_ARP_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#define DP_ARP_WAIT_MAX 64 /* frames waiting, of both kinds, per worker */
#define DP_ARP_WAIT_SEC 2  /* how long one may wait, in whole clock seconds */

enum dp_wait_kind {
	DP_WAIT_ROUTED, /* for a router's next hop: ip4_route releases it */
	DP_WAIT_ENCAP,	/* for a remote VTEP's underlay next hop: underlay_input releases it */
};

struct dp_arp_waiter {
	struct rte_mbuf *m;
	uint32_t ip;	/* the address asked for, network byte order */
	uint32_t since; /* the worker's now_sec when the frame parked */
	uint16_t scope; /* of ip: a network id, or DP_NEIGH_SCOPE_UNDERLAY */
	uint8_t kind;	/* enum dp_wait_kind */
	uint8_t rif;	/* DP_WAIT_ROUTED: the asking interface of router meta(m)->router_id */
};

/* Where a frame the queue hands back goes next (port_rx has an edge for each). */
enum dp_wait_ready {
	DP_READY_ROUTE, /* a routed frame whose next hop answered: ip4_route routes it again */
	DP_READY_VXLAN, /* a frame for a remote VTEP whose underlay next hop answered: vxlan_output */
	DP_READY_FLOOD, /* a router's request asked again: l2_flood into meta net_id */
	DP_READY_TX,	/* the VTEP's request asked again: port_tx, meta out_port the underlay port */
};

struct dp_arp_wait {
	uint16_t n;
	uint16_t n_asks;   /* requests the tick asked again, for port_rx to send */
	uint32_t seen_gen; /* dp_tables.neigh_gen when the queue was last looked over */
	struct dp_arp_waiter q[DP_ARP_WAIT_MAX];
	/* One request per waiter at most, and port_rx empties it in the loop that filled it. */
	struct rte_mbuf *asks[DP_ARP_WAIT_MAX];
	uint8_t ask_to[DP_ARP_WAIT_MAX]; /* enum dp_wait_ready */
};

struct dp_worker;

/*
 * Parks m until (scope, ip) answers and asks for it (ROUTED: from interface
 * `rif` of router meta(m)->router_id; ENCAP: from the VTEP, rif unused).
 * 0: the queue owns m. -ENOSPC: the queue is full, m is still the caller's.
 * Either way *req is the request for the caller to send, or NULL (asked this
 * second already, or no mbuf): ROUTED, a frame for l2_flood (meta net_id =
 * scope, from DP_SRC_ROUTER); ENCAP, a frame for port_tx (meta out_port = the
 * underlay port).
 */
int dp_arp_wait_park(struct dp_worker *w, struct rte_mbuf *m, enum dp_wait_kind kind,
		uint16_t scope, uint32_t ip, uint8_t rif, struct rte_mbuf **req);

/* The oldest frame of `kind` waiting for (scope, ip), taken off the queue; NULL if none. */
struct rte_mbuf *dp_arp_wait_take(struct dp_worker *w, enum dp_wait_kind kind, uint16_t scope,
		uint32_t ip);

/* Room that dp_arp_wait_take_ready needs to take everything there is. */
#define DP_ARP_WAIT_READY_MAX (2 * DP_ARP_WAIT_MAX)

/* Whether dp_arp_wait_take_ready has anything: requests the tick asked again, or
 * frames waiting while a neighbour became reachable somewhere. Cheap: port_rx asks
 * on every run. */
static inline bool dp_arp_wait_ready(const struct dp_arp_wait *q, uint32_t neigh_gen)
{
	return q->n_asks || (q->n && neigh_gen != q->seen_gen);
}

/*
 * What goes on into the graph, taken off the queue in order: the requests the
 * tick asked again, then the frames whose neighbour has become reachable
 * since they parked, however it did (an answer on another worker, a permanent
 * entry from the control plane). Up to `max` into out[], where each goes into
 * to[] (enum dp_wait_ready). Returns how many. Called by port_rx when
 * dp_arp_wait_ready; it hands each to the stage `to` names.
 */
uint16_t dp_arp_wait_take_ready(struct dp_worker *w, struct rte_mbuf **out, uint8_t *to,
		uint16_t max);

/* Once per clock second: frees and counts what waited too long, asks again for the
 * rest. The requests wait in the outbox for dp_arp_wait_take_ready. */
void dp_arp_wait_tick(struct dp_worker *w);

#endif
