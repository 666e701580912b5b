/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_FLOOD_H
#define VIRGA_DP_FLOOD_H

#include <rte_mbuf.h>

#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "pkt/dp_mbuf.h"

/* Copies of one frame at most: every port of a network, its uplink, its remote VTEPs. */
#define DP_FLOOD_MAX_COPIES (DP_MAX_PORTS + 1 + DP_MAX_NET_PEERS)

/*
 * Packet path: l2_flood's work on one frame m of network meta(m)->net_id: its
 * copies for every other port of the network and for its remote VTEPs, written
 * with their edges (enum dp_l2_edge: DP_L2_TX, meta out_port the port; DP_L2_VXLAN,
 * meta out_port DP_PEER_BASE + peer) to out/next, which have room for
 * DP_FLOOD_MAX_COPIES. Returns how many. m itself is one of them, or freed; what
 * could not be copied is counted (no_mbuf, mtu_exceeded, vxlan_no_vtep). While
 * tracing, each copy gets a line saying where it went.
 */
uint16_t dp_flood_one(struct dp_worker *w, struct rte_mbuf *m, struct rte_mbuf **out,
		uint16_t *next);

/* Packet path: makes m, a frame a router made (an ARP request from one of its
 * interfaces), a frame for l2_flood into network net_id: to its ports, and to its
 * uplink and remote VTEPs unless node_only (DP_SRC_ROUTER_LOCAL). */
static inline void dp_flood_from_router(struct rte_mbuf *m, uint16_t net_id, bool node_only)
{
	dp_mbuf_meta(m)->net_id = net_id;
	m->port = node_only ? DP_SRC_ROUTER_LOCAL : DP_SRC_ROUTER;
}

/* Start-up: registers the l2_flood node. */
int dp_flood_node_register(void);

#endif
