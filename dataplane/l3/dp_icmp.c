/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_ether.h>

#include "engine/dp_tables.h"
#include "dp_icmp.h"
#include "pkt/dp_mbuf.h"

/* RFC 1812 4.3.2.8: a router limits the rate of the ICMP errors it sends. */
static bool within_rate(struct dp_worker *w)
{
	if (w->icmp_sec != w->now_sec) {
		w->icmp_sec = w->now_sec;
		w->icmp_sent = 0;
	}
	return w->icmp_sent++ < DP_ICMP_ERRORS_PER_SEC;
}

/* RFC 1122 3.2.2: never an error about an error, a non-first fragment, or a packet
 * to a group address, or from an address that is not one host's. */
static bool may_answer(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	uint32_t hl = rte_ipv4_hdr_len(ip);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + hl);
	uint32_t src = rte_be_to_cpu_32(ip->src_addr), dst = rte_be_to_cpu_32(ip->dst_addr);

	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return false;
	if ((dst >> 28) == 0xe || dst == 0xffffffff || src == 0 || (src >> 28) >= 0xe)
		return false;
	if (ip->next_proto_id == IPPROTO_ICMP && l3_len >= hl + sizeof(*icmp))
		return icmp->icmp_type == RTE_IP_ICMP_ECHO_REQUEST ||
		       icmp->icmp_type == RTE_IP_ICMP_ECHO_REPLY;
	return true;
}

struct rte_mbuf *dp_icmp_error(struct dp_worker *w, struct rte_mbuf *orig, const struct dp_rif *rif,
		uint8_t type, uint8_t code, uint16_t mtu)
{
	const struct rte_ether_hdr *oeth = rte_pktmbuf_mtod(orig, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *oip = (const struct rte_ipv4_hdr *)(oeth + 1);
	uint32_t l3_len = rte_pktmbuf_data_len(orig) - sizeof(*oeth);
	/* The original header and the first 8 bytes of its payload (RFC 792). */
	uint32_t quote = RTE_MIN(l3_len, rte_ipv4_hdr_len(oip) + 8u);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_icmp_hdr *icmp;
	struct rte_mbuf *m;

	if (!may_answer(oip, l3_len) || !within_rate(w))
		return NULL;
	m = rte_pktmbuf_alloc(dp_tables.pool);
	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m,
			sizeof(*eth) + sizeof(*ip) + sizeof(*icmp) + quote);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	icmp = (struct rte_icmp_hdr *)(ip + 1);
	eth->dst_addr = oeth->src_addr;
	eth->src_addr = rif->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*icmp) + quote);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->src_addr = rif->ip;
	ip->dst_addr = oip->src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	icmp->icmp_cksum = 0;
	/* The "unused" word; for fragmentation needed its low half is the next-hop MTU. */
	icmp->icmp_ident = 0;
	icmp->icmp_seq_nb = type == DP_ICMP_DEST_UNREACH && code == DP_ICMP_FRAG_NEEDED ?
			rte_cpu_to_be_16(mtu) : 0;
	memcpy(icmp + 1, oip, quote);
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + quote);
	m->port = DP_SRC_ROUTER;
	return m;
}

void dp_icmp_echo_reply(struct rte_mbuf *m, const struct rte_ether_addr *mac, uint32_t ip_addr)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + rte_ipv4_hdr_len(ip));
	uint32_t sum;

	eth->dst_addr = eth->src_addr;
	eth->src_addr = *mac;
	ip->dst_addr = ip->src_addr;
	ip->src_addr = ip_addr;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	/* Type 8 -> 0 changes one 16-bit word by 0x0800: adjust the sum (RFC 1624). */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	sum = (uint16_t)~icmp->icmp_cksum + (uint16_t)~RTE_BE16(0x0800);
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = ~(uint16_t)((sum & 0xffff) + (sum >> 16));
	m->port = DP_SRC_ROUTER;
}
