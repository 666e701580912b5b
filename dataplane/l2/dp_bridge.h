/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge_input: the L2 switching stage, one fat node on the hot path.
 * For each frame: parse Ethernet/VLAN, find the network from the ingress
 * port (access port, or uplink VLAN id), enforce MTU and port security,
 * learn the source MAC, look up the destination, pop/push the VLAN tag for
 * the egress port, and pick the next edge. Unknown, broadcast and multicast
 * destinations go to l2_flood.
 */
#ifndef VIRGA_DP_BRIDGE_H
#define VIRGA_DP_BRIDGE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "core/dp_drop.h"
#include "core/dp_worker.h"

enum dp_bridge_edge {
	DP_BRIDGE_TX,	 /* port_tx, to dp_mbuf_meta(m)->out_port */
	DP_BRIDGE_FLOOD, /* l2_flood, in dp_mbuf_meta(m)->net_id */
	DP_BRIDGE_DROP,	 /* + enum dp_drop_reason: drop_<reason> */
};

#define DP_BRIDGE_EDGE_DROP(reason) ((uint16_t)(DP_BRIDGE_DROP + (reason)))

/*
 * Packet path: decides the next edge of each of n frames (n <= RTE_GRAPH_BURST_SIZE).
 * Frames are rewritten in place (VLAN tags); their metadata is filled.
 */
void dp_bridge_input_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/* "port_tx", "l2_flood", "drop_<reason>": the node an edge leads to. */
const char *dp_bridge_edge_name(uint16_t edge);

/* Start-up: registers the bridge_input node (after the drop nodes). */
int dp_bridge_node_register(void);

#endif
