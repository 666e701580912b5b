/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bridge_input: the L2 switching stage, one fat node on the hot path.
 * For each frame: parse Ethernet/VLAN, find the network from the ingress
 * port (access port, or uplink VLAN id), enforce MTU and port security,
 * learn the source MAC, look up the destination, pop/push the VLAN tag for
 * the egress port, and pick the next edge. Unknown, broadcast and multicast
 * destinations go to l2_flood. Edges: enum dp_l2_edge (dp_l2.h).
 */
#ifndef VIRGA_DP_BRIDGE_H
#define VIRGA_DP_BRIDGE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "core/dp_drop.h"
#include "engine/dp_worker.h"
#include "dp_l2.h"

/*
 * Packet path: decides the next edge of each of n frames (n <= RTE_GRAPH_BURST_SIZE).
 * Frames are rewritten in place (VLAN tags); their metadata is filled.
 */
void dp_bridge_input_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/* Start-up: registers the bridge_input node (after the drop nodes). */
int dp_bridge_node_register(void);

#endif
