/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pipeline, in the order a frame meets it. Frames move only along these
 * edges, and every frame that leaves the engine leaves through port_tx:
 * copies, encapsulated frames and the ARP requests the engine makes itself
 * included, so the trace and the counters see all of them.
 *
 *   port_rx -> bridge_input -> port_tx
 *     |            |       \-> l2_flood -> port_tx (a copy per port: shared data, own meta)
 *     |            |       |            \-> vxlan_output (a copy per remote VTEP)
 *     |            |       \-> vxlan_output (encapsulates; underlay ARP requests) -> port_tx
 *     |            |       \-> drop_<reason>
 *     |            \-> underlay_input (ARP for the VTEP, VXLAN decap) -> the same edges
 *     |            \-> ip4_route (ARP, ICMP, forwarding; its ARP requests to l2_flood)
 *     |                    -> the same edges
 *     |            \-> sg_egress (from a port with a security group) -> the edge
 *     |                    bridge_input chose, or drop_<reason>
 *     |      what goes to a port with a security group, from any of these:
 *     |         -> sg_ingress -> port_tx, or drop_<reason>
 *     \-> first, what the ARP wait queue has ready (engine/dp_arp_wait.h): frames
 *         whose next hop answered to ip4_route / vxlan_output, and the requests
 *         the per-second tick asked again to l2_flood / port_tx
 *
 * Every stage but port_rx, sg_ingress and port_tx takes enum dp_l2_edge
 * (l2/dp_l2.h).
 */
#include "core/dp_drop.h"
#include "dp_pipeline.h"
#include "engine/dp_worker.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_vxlan.h"
#include "l3/dp_ip4_route.h"
#include "port/dp_port_nodes.h"
#include "sg/dp_sg_nodes.h"

int dp_pipeline_register(void)
{
	int rc;

	/* In the order of the picture's depth, though any order works: edges are node
	 * names until the graphs are created. */
	if ((rc = dp_drop_nodes_register()) < 0 || (rc = dp_port_tx_node_register()) < 0 ||
			(rc = dp_sg_ingress_node_register()) < 0 ||
			(rc = dp_vxlan_output_node_register()) < 0 || (rc = dp_flood_node_register()) < 0 ||
			(rc = dp_underlay_input_node_register()) < 0 ||
			(rc = dp_ip4_route_node_register()) < 0 || (rc = dp_sg_egress_node_register()) < 0 ||
			(rc = dp_bridge_node_register()) < 0 ||
			(rc = dp_port_rx_node_register()) < 0)
		return rc;
	return 0;
}
