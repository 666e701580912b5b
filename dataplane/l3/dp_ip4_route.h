/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_IP4_ROUTE_H
#define VIRGA_DP_IP4_ROUTE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "engine/dp_arp_wait.h"
#include "engine/dp_worker.h"

/*
 * Fragments one burst may add beyond its frames: a burst of 1500-byte
 * datagrams into a 1450 network makes one more frame each. A datagram whose
 * fragments no longer fit is dropped (frag_no_room) rather than the burst
 * growing without bound.
 */
#define DP_IP4_ROUTE_FRAG_ROOM 256
/* Each frame and an ICMP error or ARP request for each, twice over for those
 * released from waiting, and the fragments. */
#define DP_IP4_ROUTE_OUT_MAX(n) (2 * ((n) + DP_ARP_WAIT_MAX) + DP_IP4_ROUTE_FRAG_ROOM)

/*
 * Packet path: routes n frames (n <= RTE_GRAPH_BURST_SIZE; metadata
 * router_id/rif/net_id set by the L2 stage). Writes what leaves and its edge
 * (enum dp_l2_edge) to out/next and returns how many: frames waiting for ARP
 * are held back; ICMP errors, the router's ARP requests (edge DP_L2_FLOOD,
 * into the next hop's network), frames released from waiting and the
 * fragments of datagrams too big for their egress network are added.
 * out/next must have room for DP_IP4_ROUTE_OUT_MAX(n) entries.
 */
uint16_t dp_ip4_route_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		struct rte_mbuf **out, uint16_t *next);

/* Start-up: registers the ip4_route node. */
int dp_ip4_route_node_register(void);

#endif
