/* SPDX-License-Identifier: Apache-2.0 */
/*
 * VXLAN encapsulation and decapsulation (RFC 7348) on the packet path.
 *
 * Outer headers: Ethernet (14) + IPv4 (20, no options, DF set, TTL 64) +
 * UDP (8, checksum 0 as section 5 allows for IPv4) + VXLAN (8) = 50 bytes.
 * The UDP source port is a hash of the inner flow in 49152-65535, so an
 * ECMP underlay spreads flows (section 5) but keeps each one in order.
 *
 * The outer destination MAC is the underlay next hop's, from the neighbour
 * table. Until ARP on the underlay port has taught it, frames to that VTEP
 * wait in the worker's queue (engine/dp_arp_wait.h) rather than being dropped.
 */
#ifndef VIRGA_DP_VXLAN_H
#define VIRGA_DP_VXLAN_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "engine/dp_tables.h"
#include "engine/dp_worker.h"

#define DP_VXLAN_PORT 4789
#define DP_VXLAN_OVERHEAD 50
#define DP_VXLAN_FLAG_VNI 0x08 /* the I flag: the VNI is valid */

struct dp_vxlan_hdr {
	uint8_t flags;
	uint8_t reserved1[3];
	uint8_t vni[3];
	uint8_t reserved2;
};

/* 14 + 20 + 8 + 8 bytes with no padding: every member is 2-byte aligned. */
struct dp_vxlan_outer {
	struct rte_ether_hdr eth;
	struct rte_ipv4_hdr ip;
	struct rte_udp_hdr udp;
	struct dp_vxlan_hdr vxlan;
} __rte_aligned(2);

_Static_assert(sizeof(struct dp_vxlan_outer) == 50, "VXLAN outer headers are 50 bytes");

/* The UDP source port for the inner frame at the start of m. */
uint16_t dp_vxlan_src_port(const struct rte_mbuf *m);

/* dp_vxlan_encap: the frame waits for its underlay next hop and is no longer the caller's. */
#define DP_VXLAN_WAITING (DP_DROP_REASON_MAX + 1)

/*
 * Packet path: prepends the outer headers for `peer_ip` on network `vni`.
 * Returns DP_DROP_REASON_MAX on success (the frame is ready for the underlay
 * port); DP_VXLAN_WAITING when the underlay next hop (the peer, or the VTEP's
 * gateway) is unresolved: the worker's wait queue holds the frame
 * (engine/dp_arp_wait.h) and underlay_input hands it back to vxlan_output once
 * answered, so m's meta (out_port = DP_PEER_BASE + peer, net_id) must say
 * where it goes; else why it cannot be sent (neigh_queue_full: it could not
 * wait). When it is unresolved, *req is the ARP request to send on the
 * underlay (for port_tx, meta out_port set) or NULL (asked this second
 * already); otherwise NULL. m must not be shared.
 */
unsigned int dp_vxlan_encap(struct dp_worker *w, struct rte_mbuf *m, const struct dp_vtep *v,
		uint32_t vni, uint32_t peer_ip, struct rte_mbuf **req);

/*
 * Packet path: vxlan_output's work on n frames (n <= RTE_GRAPH_BURST_SIZE; meta
 * out_port = DP_PEER_BASE + peer, net_id). Each frame is encapsulated for port_tx (edge DP_L2_TX, meta
 * out_port the underlay port) or given its drop edge; a frame whose underlay
 * next hop is unresolved waits (see dp_vxlan_encap) and is taken out. So pkts
 * and next are compacted in place, in order: returns how many frames are left.
 * The ARP requests that asking for next hops made, for port_tx, go to reqs
 * (room for n); their count in *n_reqs.
 */
uint16_t dp_vxlan_output_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *next, struct rte_mbuf **reqs, uint16_t *n_reqs);

/*
 * Packet path: checks the outer headers of a frame that arrived on the
 * underlay (already known to be IPv4), its IPv4 checksum too (unless the
 * device vouched for it), strips them, and reports the VNI and the sender's
 * address. Returns DP_DROP_REASON_MAX or the drop reason.
 */
unsigned int dp_vxlan_decap(struct rte_mbuf *m, const struct dp_vtep *v, uint32_t *vni,
		uint32_t *src_ip);

/*
 * Packet path: underlay_input's decision for each of n frames (edges: enum
 * dp_l2_edge). ARP that teaches an underlay neighbour releases the frames this
 * worker held for it: written to `released` (room for DP_ARP_WAIT_MAX), all for
 * edge DP_L2_VXLAN; returns how many.
 */
uint16_t dp_underlay_input_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *next, struct rte_mbuf **released);

/* Registers vxlan_output (inner frames to remote VTEPs) and underlay_input. */
int dp_vxlan_output_node_register(void);
int dp_underlay_input_node_register(void);

#endif
