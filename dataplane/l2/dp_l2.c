/* SPDX-License-Identifier: Apache-2.0 */
#include "dp_l2.h"

const char *dp_l2_edge_name(uint16_t edge)
{
	static const char *const names[DP_L2_DROP] = {
		[DP_L2_TX] = "port_tx",
		[DP_L2_FLOOD] = "l2_flood",
		[DP_L2_VXLAN] = "vxlan_output",
		[DP_L2_UNDERLAY] = "underlay_input",
		[DP_L2_ROUTE] = "ip4_route",
		[DP_L2_SG_EGRESS] = "sg_egress",
		[DP_L2_SG_INGRESS] = "sg_ingress",
	};

	if (edge < DP_L2_DROP)
		return names[edge];
	if (edge < DP_L2_EDGE_MAX)
		return dp_drop_node_name(edge - DP_L2_DROP);
	return "?";
}

void dp_l2_edges(const char *edges[DP_L2_EDGE_MAX])
{
	for (uint16_t e = 0; e < DP_L2_EDGE_MAX; e++)
		edges[e] = dp_l2_edge_name(e);
}
