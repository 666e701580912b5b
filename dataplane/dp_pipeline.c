/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pipeline, in the order a frame meets it:
 *   port_rx -> bridge_input -> port_tx
 *                  |       \-> l2_flood (sends itself, VXLAN copies included)
 *                  |       \-> vxlan_output (encapsulates, sends itself)
 *                  |       \-> drop_<reason>
 *                  \-> underlay_input (ARP for the VTEP, VXLAN decap) -> the same edges
 *                  \-> ip4_route (to a router interface: ARP, ICMP, forwarding) -> the same edges
 */
#include "core/dp_drop.h"
#include "dp_pipeline.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_vxlan.h"
#include "l3/dp_ip4_route.h"
#include "port/dp_port_nodes.h"
#include "sg/dp_sg_nodes.h"

int dp_pipeline_register(void)
{
	int rc;

	/* Nodes must exist before the nodes whose edges name them. */
	if ((rc = dp_drop_nodes_register()) < 0 || (rc = dp_port_tx_node_register()) < 0 ||
			(rc = dp_sg_ingress_node_register()) < 0 ||
			(rc = dp_flood_node_register()) < 0 || (rc = dp_vxlan_output_node_register()) < 0 ||
			(rc = dp_underlay_input_node_register()) < 0 ||
			(rc = dp_ip4_route_node_register()) < 0 || (rc = dp_sg_egress_node_register()) < 0 ||
			(rc = dp_bridge_node_register()) < 0 ||
			(rc = dp_port_rx_node_register()) < 0)
		return rc;
	return 0;
}
