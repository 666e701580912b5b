/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include <rte_graph.h>

#include "dp_drop.h"

static const char *const reason_names[DP_DROP_REASON_MAX] = {
	[DP_DROP_RUNT_FRAME] = "runt_frame",
	[DP_DROP_INVALID_SRC_MAC] = "invalid_src_mac",
	[DP_DROP_BAD_VLAN] = "bad_vlan",
	[DP_DROP_NO_NETWORK] = "no_network",
	[DP_DROP_SPOOFED_SRC_MAC] = "spoofed_src_mac",
	[DP_DROP_SPOOFED_SRC_IP] = "spoofed_src_ip",
	[DP_DROP_SPOOFED_ARP] = "spoofed_arp",
	[DP_DROP_ETHERTYPE_DENIED] = "ethertype_denied",
	[DP_DROP_MTU_EXCEEDED] = "mtu_exceeded",
	[DP_DROP_SAME_PORT] = "same_port",
	[DP_DROP_NO_MBUF] = "no_mbuf",
	[DP_DROP_TX_QUEUE_FULL] = "tx_queue_full",
	[DP_DROP_PORT_GONE] = "port_gone",
	[DP_DROP_PORT_DOWN] = "port_down",
	[DP_DROP_VXLAN_BAD_HEADER] = "vxlan_bad_header",
	[DP_DROP_VXLAN_NOT_FOR_US] = "vxlan_not_for_us",
	[DP_DROP_VXLAN_UNKNOWN_VNI] = "vxlan_unknown_vni",
	[DP_DROP_VXLAN_NO_VTEP] = "vxlan_no_vtep",
	[DP_DROP_UNDERLAY_MTU] = "underlay_mtu_exceeded",
	[DP_DROP_NEIGH_UNRESOLVED] = "neigh_unresolved",
	[DP_DROP_ARP_CONSUMED] = "arp_consumed",
	[DP_DROP_IP_BAD_HEADER] = "ip_bad_header",
	[DP_DROP_TTL_EXCEEDED] = "ttl_exceeded",
	[DP_DROP_NO_ROUTE] = "no_route",
	[DP_DROP_FRAG_NEEDED] = "frag_needed",
	[DP_DROP_FRAG_NO_ROOM] = "frag_no_room",
	[DP_DROP_IP_LOCAL] = "ip_local_unsupported",
	[DP_DROP_NEIGH_QUEUE_FULL] = "neigh_queue_full",
	[DP_DROP_INVALID_IP_HEADER] = "invalid_ip_header",
	[DP_DROP_BAD_IP_CHECKSUM] = "bad_ip_checksum",
	[DP_DROP_VXLAN_UNKNOWN_PEER] = "vxlan_unknown_peer",
	[DP_DROP_SG_DENIED_INGRESS] = "sg_denied_ingress",
	[DP_DROP_SG_DENIED_EGRESS] = "sg_denied_egress",
	[DP_DROP_CT_INVALID] = "ct_invalid",
	[DP_DROP_CT_TABLE_FULL] = "ct_table_full",
	[DP_DROP_CT_PORT_LIMIT] = "ct_port_limit",
	[DP_DROP_SNAT_PORTS_EXHAUSTED] = "snat_ports_exhausted",
	[DP_DROP_SNAT_UNTRACKABLE] = "snat_untrackable",
	[DP_DROP_DHCP_CONSUMED] = "dhcp_consumed",
	[DP_DROP_DHCP_TRUNCATED] = "dhcp_truncated",
	[DP_DROP_DHCP_BAD_OP] = "dhcp_bad_op",
	[DP_DROP_DHCP_BAD_HTYPE] = "dhcp_bad_htype",
	[DP_DROP_DHCP_BAD_HLEN] = "dhcp_bad_hlen",
	[DP_DROP_DHCP_BAD_COOKIE] = "dhcp_bad_cookie",
	[DP_DROP_DHCP_BAD_OPTION] = "dhcp_bad_option",
	[DP_DROP_DHCP_BAD_MSG_TYPE] = "dhcp_bad_msg_type",
	[DP_DROP_DHCP_UNKNOWN_MAC] = "dhcp_unknown_mac",
	[DP_DROP_DHCP_NO_ENTRY] = "dhcp_no_entry",
	[DP_DROP_DHCP_RATE_LIMITED] = "dhcp_rate_limited",
};

static char node_names[DP_DROP_REASON_MAX][RTE_NODE_NAMESIZE];

const char *dp_drop_reason_name(enum dp_drop_reason r)
{
	return r < DP_DROP_REASON_MAX ? reason_names[r] : "unknown";
}

const char *dp_drop_node_name(enum dp_drop_reason r)
{
	if (node_names[r][0] == '\0')
		snprintf(node_names[r], sizeof(node_names[r]), "drop_%s", reason_names[r]);
	return node_names[r];
}
