/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Why a packet was dropped. Each reason is its own graph node named
 * "drop_<name>" that counts and frees what reaches it (engine/dp_drop_nodes.c),
 * so every drop is counted and named without code in the stage that decided it.
 *
 * Counters live in each worker (struct dp_worker.drops) and are summed by the
 * control thread on read: no atomics on the packet path.
 */
#ifndef VIRGA_DP_DROP_H
#define VIRGA_DP_DROP_H

#include <stdint.h>

enum dp_drop_reason {
	DP_DROP_RUNT_FRAME,	   /* shorter than an Ethernet (or VLAN) header */
	DP_DROP_INVALID_SRC_MAC,   /* multicast/broadcast source address (IEEE 802.3 4.2.3.1.1) */
	DP_DROP_BAD_VLAN,	   /* tagged frame on an access port, or QinQ */
	DP_DROP_NO_NETWORK,	   /* port not attached, or no network for this VLAN on the uplink */
	DP_DROP_SPOOFED_SRC_MAC,   /* port security: source MAC not the port's */
	DP_DROP_SPOOFED_SRC_IP,	   /* port security: source IP not the port's */
	DP_DROP_SPOOFED_ARP,	   /* port security: ARP sender MAC/IP not the port's */
	DP_DROP_ETHERTYPE_DENIED,  /* port security: only IPv4, ARP and IPv6 leave a VM */
	DP_DROP_MTU_EXCEEDED,	   /* payload larger than the network's or a port's MTU */
	DP_DROP_SAME_PORT,	   /* destination is behind the port it came from */
	DP_DROP_NO_MBUF,	   /* flooding could not copy the frame */
	DP_DROP_TX_QUEUE_FULL,	   /* the device did not take the frame */
	DP_DROP_PORT_GONE,	   /* egress port removed while the frame was in flight */
	DP_DROP_PORT_DOWN,	   /* egress vhost-user port has no device connected (yet) */
	DP_DROP_VXLAN_BAD_HEADER,  /* outer IPv4/UDP/VXLAN header malformed (RFC 7348 5) */
	DP_DROP_VXLAN_NOT_FOR_US,  /* underlay frame not VXLAN to our VTEP address and port */
	DP_DROP_VXLAN_UNKNOWN_VNI, /* no network carries this VNI here */
	DP_DROP_VXLAN_NO_VTEP,	   /* VXLAN network, but no VTEP configured */
	DP_DROP_UNDERLAY_MTU,	   /* inner frame + 50 bytes of VXLAN does not fit the underlay */
	DP_DROP_NEIGH_UNRESOLVED,  /* next hop's MAC still unknown when its ARP wait ran out */
	DP_DROP_ARP_CONSUMED,	   /* not an error: an ARP packet the dataplane answered or learned */
	DP_DROP_IP_BAD_HEADER,	   /* IPv4 header fails RFC 1812 5.2.2 checks */
	DP_DROP_TTL_EXCEEDED,	   /* TTL would reach 0: ICMP time exceeded sent (RFC 792) */
	DP_DROP_NO_ROUTE,	   /* no route: ICMP destination unreachable sent */
	DP_DROP_FRAG_NEEDED,	   /* DF set and the egress MTU too small: ICMP frag needed sent (RFC 1191) */
	DP_DROP_FRAG_NO_ROOM,	   /* too big without DF, and its fragments would pass the burst's
				    * room for them (DP_IP4_ROUTE_FRAG_ROOM) */
	DP_DROP_IP_LOCAL,	   /* to a router address and not an echo request */
	DP_DROP_NEIGH_QUEUE_FULL,  /* waiting for ARP, but the wait queue is full */
	DP_DROP_INVALID_IP_HEADER, /* port security: IPv4/IPv6/ARP header malformed or cut short */
	DP_DROP_BAD_IP_CHECKSUM,   /* outer IPv4 header checksum wrong (RFC 1122 3.2.1.2) */
	DP_DROP_VXLAN_UNKNOWN_PEER, /* learning off: from a VTEP that is no peer of the network */
	DP_DROP_SG_DENIED_INGRESS, /* security group: no rule of the receiving port allows it */
	DP_DROP_SG_DENIED_EGRESS,  /* security group: no rule of the sending port allows it */
	DP_DROP_CT_INVALID,	   /* stateful filter: fits no connection (a bare ACK, a bad
				    * TCP state, an ICMP error about nothing, a later fragment) */
	DP_DROP_CT_TABLE_FULL,	   /* a new connection, but the connection table is full */
	DP_DROP_CT_PORT_LIMIT,	   /* a new connection, but a port is at its connection limit */
	DP_DROP_SNAT_PORTS_EXHAUSTED, /* a new connection to SNAT, but its router's range is in use */
	DP_DROP_SNAT_UNTRACKABLE,  /* leaving through SNAT with nothing to find its connection by
				      (a later fragment, an ICMP message of no connection) */
	/* DHCP requests the engine answers for a port (dhcp/dp_dhcp.h), and why one got none: */
	DP_DROP_DHCP_CONSUMED,	   /* not an error: answered, or a RELEASE/DECLINE, or a choice
				    * of another server, taken in (as arp_consumed) */
	DP_DROP_DHCP_TRUNCATED,	   /* IP/UDP/BOOTP cut short, or an option past the end */
	DP_DROP_DHCP_BAD_OP,	   /* not a BOOTREQUEST */
	DP_DROP_DHCP_BAD_HTYPE,	   /* hardware type not Ethernet */
	DP_DROP_DHCP_BAD_HLEN,	   /* hardware address length not 6 */
	DP_DROP_DHCP_BAD_COOKIE,   /* no DHCP magic cookie (RFC 2131 3) */
	DP_DROP_DHCP_BAD_OPTION,   /* message type, requested IP or server id of a wrong length */
	DP_DROP_DHCP_BAD_MSG_TYPE, /* no message type, or one a client does not send */
	DP_DROP_DHCP_UNKNOWN_MAC,  /* chaddr is not the MAC the port's entry answers */
	DP_DROP_DHCP_NO_ENTRY,	   /* from a port without an entry, on a network the engine serves */
	DP_DROP_DHCP_RATE_LIMITED, /* over the port's DHCP rate */
	DP_DROP_REASON_MAX,
};

/* "runt_frame" for DP_DROP_RUNT_FRAME. */
const char *dp_drop_reason_name(enum dp_drop_reason r);

/* The node name for a reason, "drop_runt_frame": for next_nodes tables. */
const char *dp_drop_node_name(enum dp_drop_reason r);

#endif
