/* SPDX-License-Identifier: Apache-2.0 */
/* ARP frames the dataplane answers or sends itself (RFC 826). Packet path. */
#ifndef VIRGA_DP_ARP_H
#define VIRGA_DP_ARP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

/* ARP for IPv4 over Ethernet (RFC 826): the only layout whose addresses are where
 * struct rte_arp_ipv4 reads them. */
static inline bool dp_arp_is_ether_ipv4(const struct rte_arp_hdr *arp)
{
	return arp->arp_hardware == RTE_BE16(RTE_ARP_HRD_ETHER) &&
	       arp->arp_protocol == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	       arp->arp_hlen == RTE_ETHER_ADDR_LEN && arp->arp_plen == 4;
}

/* The ARP header of an untagged frame, if it is a well-formed Ethernet/IPv4 ARP. */
static inline struct rte_arp_hdr *dp_arp_parse(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp) ||
			eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_ARP) ||
			!dp_arp_is_ether_ipv4(arp))
		return NULL;
	return arp;
}

/* Turns a request for one of our addresses into its reply, in place. */
static inline void dp_arp_reply_in_place(struct rte_mbuf *m, struct rte_arp_hdr *arp,
		const struct rte_ether_addr *our_mac)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint32_t our_ip = arp->arp_data.arp_tip;

	eth->dst_addr = arp->arp_data.arp_sha;
	eth->src_addr = *our_mac;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	arp->arp_data.arp_sha = *our_mac;
	arp->arp_data.arp_sip = our_ip;
}

/* A broadcast who-has `target` from (mac, ip); NULL when the pool is empty. */
static inline struct rte_mbuf *dp_arp_request(struct rte_mempool *mp,
		const struct rte_ether_addr *mac, uint32_t ip, uint32_t target)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, sizeof(*eth) + sizeof(*arp));
	arp = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = *mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = *mac;
	arp->arp_data.arp_sip = ip;
	memset(&arp->arp_data.arp_tha, 0, sizeof(arp->arp_data.arp_tha));
	arp->arp_data.arp_tip = target;
	return m;
}

#endif
