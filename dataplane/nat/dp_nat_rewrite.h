/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NAT rewrites: an IPv4 address changed in place, with the checksums that
 * cover it patched incrementally (RFC 1624: HC' = ~(~HC + ~m + m')) instead
 * of recomputed, so the cost does not grow with the payload.
 *
 * Covered: the IP header checksum; TCP's and UDP's, whose pseudo-header holds
 * the addresses (a UDP checksum of 0, "none", stays 0); ICMP's covers no
 * address and is left as it is. Only a first (or unfragmented) datagram
 * carries the L4 header: a later fragment gets the IP checksum alone.
 *
 * Packet path; m's IPv4 header is intact and its L4 header, if it has one, in
 * the first segment (the caller checked the header; l4 bounds checked here).
 */
#ifndef VIRGA_DP_NAT_REWRITE_H
#define VIRGA_DP_NAT_REWRITE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

/* ~(~sum + ~old + new) over the two 16-bit halves of a 32-bit word that changed. */
static inline uint16_t dp_nat_csum_update32(uint16_t sum, uint32_t old, uint32_t new_)
{
	uint32_t s = (uint16_t)~sum;

	s += (uint16_t) ~(old & 0xffff) + (uint16_t) ~(old >> 16);
	s += (new_ & 0xffff) + (new_ >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The same for a 16-bit field. */
static inline uint16_t dp_nat_csum_update16(uint16_t sum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~sum + (uint16_t)~old + new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * The same as a sum of changes, for a header whose change several checksums
 * cover: ~old + new of each changed word, added up unfolded (a 32-bit word
 * adds as its two halves do, 2^16 being 1 modulo 0xffff), then folded into
 * each checksum once. An address and a port rewritten under the IP and UDP
 * checksums cost three dp_nat_csum_update* calls, each folding twice
 * (callgrind, virga-stagebench --path snat: 72 instructions a frame against
 * 53). The result is the one dp_nat_csum_update32/16 in turn give: the same
 * value modulo 0xffff, and 0 only when every term is.
 */
static inline uint64_t dp_nat_csum_delta32(uint32_t old, uint32_t new_)
{
	return (uint64_t)(uint32_t)~old + new_;
}

static inline uint64_t dp_nat_csum_delta16(uint16_t old, uint16_t new_)
{
	return (uint64_t)(uint16_t)~old + new_;
}

/*
 * ~(~sum + delta), delta a sum of a few dp_nat_csum_delta* terms. Each fold
 * adds a word to itself rotated by half its width: the upper half is then the
 * halves' sum with its end-around carry (as Linux's csum_fold), three
 * instructions where masking and shifting takes more and must be done twice.
 */
static inline uint16_t dp_nat_csum_apply(uint16_t sum, uint64_t delta)
{
	uint64_t s = (uint16_t)~sum + delta;
	uint32_t t = (uint32_t)((s + (s >> 32 | s << 32)) >> 32);

	return (uint16_t) ~((t + (t >> 16 | t << 16)) >> 16);
}

/*
 * Replaces the source (src) or destination port of a TCP or UDP datagram at ip
 * (network order), or the identifier of an ICMP echo request or reply (either
 * side: an echo has one), with its checksum. Nothing for other protocols and
 * later fragments.
 */
static inline void dp_nat_rewrite_ip4_port(
                struct rte_ipv4_hdr *ip, uint32_t l3_len, bool src, uint16_t port)
{
	uint32_t hl = rte_ipv4_hdr_len(ip);
	uint8_t *l4 = (uint8_t *)ip + hl;
	uint16_t *field, *sum, old;

	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return;
	if (ip->next_proto_id == IPPROTO_TCP && l3_len >= hl + sizeof(struct rte_tcp_hdr)) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		field = src ? &tcp->src_port : &tcp->dst_port;
		sum = &tcp->cksum;
	} else if (ip->next_proto_id == IPPROTO_UDP && l3_len >= hl + sizeof(struct rte_udp_hdr)) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;

		field = src ? &udp->src_port : &udp->dst_port;
		old = *field;
		*field = port;
		if (udp->dgram_cksum != 0) {
			udp->dgram_cksum = dp_nat_csum_update16(udp->dgram_cksum, old, port);
			if (udp->dgram_cksum == 0)
				udp->dgram_cksum = 0xffff;
		}
		return;
	} else if (ip->next_proto_id == IPPROTO_ICMP && l3_len >= hl + sizeof(struct rte_icmp_hdr)) {
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

		if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST &&
		                icmp->icmp_type != RTE_IP_ICMP_ECHO_REPLY)
			return;
		field = &icmp->icmp_ident;
		sum = &icmp->icmp_cksum;
	} else {
		return;
	}
	old = *field;
	*field = port;
	*sum = dp_nat_csum_update16(*sum, old, port);
}

/*
 * Both at once, as SNAT rewrites a connection's frames: the address (src or
 * destination) to addr and, with with_port, the port (or ICMP echo
 * identifier) on the same side to port. One pass over the headers for both
 * changes, where an address rewrite and then dp_nat_rewrite_ip4_port would
 * each find the L4 header (callgrind: 80 instructions a frame for the pair
 * on virga-stagebench --path snat).
 */
static inline void dp_nat_rewrite_ip4_addr_port(struct rte_ipv4_hdr *ip, uint32_t l3_len, bool src,
                uint32_t addr, bool with_port, uint16_t port)
{
	rte_be32_t *field = src ? &ip->src_addr : &ip->dst_addr;
	uint32_t old = *field, hl = rte_ipv4_hdr_len(ip);
	uint64_t delta = dp_nat_csum_delta32(old, addr);
	uint8_t *l4 = (uint8_t *)ip + hl;
	uint16_t *port_field, *sum;

	*field = addr;
	ip->hdr_checksum = dp_nat_csum_apply(ip->hdr_checksum, delta);
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))
		return;
	if (ip->next_proto_id == IPPROTO_UDP && l3_len >= hl + sizeof(struct rte_udp_hdr)) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;

		port_field = src ? &udp->src_port : &udp->dst_port;
		if (with_port) {
			delta += dp_nat_csum_delta16(*port_field, port);
			*port_field = port;
		}
		if (udp->dgram_cksum == 0) /* none: stays none */
			return;
		udp->dgram_cksum = dp_nat_csum_apply(udp->dgram_cksum, delta);
		if (udp->dgram_cksum == 0)
			udp->dgram_cksum = 0xffff;
		return;
	}
	if (ip->next_proto_id == IPPROTO_TCP && l3_len >= hl + sizeof(struct rte_tcp_hdr)) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		port_field = src ? &tcp->src_port : &tcp->dst_port;
		if (with_port) {
			delta += dp_nat_csum_delta16(*port_field, port);
			*port_field = port;
		}
		tcp->cksum = dp_nat_csum_apply(tcp->cksum, delta);
		return;
	}
	if (ip->next_proto_id == IPPROTO_ICMP && l3_len >= hl + sizeof(struct rte_icmp_hdr)) {
		/* ICMP's checksum covers no address: the identifier alone. */
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)l4;

		if (!with_port || (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST &&
		                                  icmp->icmp_type != RTE_IP_ICMP_ECHO_REPLY))
			return;
		port_field = &icmp->icmp_ident;
		sum = &icmp->icmp_cksum;
		*sum = dp_nat_csum_update16(*sum, *port_field, port);
		*port_field = port;
	}
}

/*
 * Replaces the source (src) or destination address of the IPv4 datagram at ip
 * (l3_len bytes from ip to the end of the segment) with addr (network order).
 */
static inline void dp_nat_rewrite_ip4_addr(
                struct rte_ipv4_hdr *ip, uint32_t l3_len, bool src, uint32_t addr)
{
	dp_nat_rewrite_ip4_addr_port(ip, l3_len, src, addr, false, 0);
}

#endif
