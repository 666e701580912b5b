/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_IP4_ROUTE_H
#define VIRGA_DP_IP4_ROUTE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "engine/dp_worker.h"

/*
 * Packet path: routes n frames (n <= RTE_GRAPH_BURST_SIZE; metadata
 * router_id/rif/net_id set by the L2 stage). Writes what leaves and its edge
 * (enum dp_l2_edge) to out/next and returns how many: frames waiting for ARP
 * are held back; ICMP errors, the router's ARP requests (edge DP_L2_FLOOD,
 * into the next hop's network) and frames released from waiting are added.
 * out/next must have room for 2 * (n + DP_ARP_WAIT_MAX) entries.
 */
uint16_t dp_ip4_route_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		struct rte_mbuf **out, uint16_t *next);

/* Start-up: registers the ip4_route node. */
int dp_ip4_route_node_register(void);

#endif
