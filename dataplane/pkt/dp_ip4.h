/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4 header checks and checksums shared by the stages that read one (RFC 791 3.1,
 * RFC 1071). Packet path, inline. */
#ifndef VIRGA_DP_IP4_H
#define VIRGA_DP_IP4_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/*
 * The header can be trusted field by field: version 4, a header length (IHL)
 * of at least 20 bytes that lies within the `contig` bytes readable at ip,
 * and a total length that covers the header and fits the `avail` bytes the
 * frame carries from ip on (more is Ethernet padding). RFC 1812 5.2.2's
 * checks but the checksum.
 */
static inline bool dp_ip4_hdr_valid(const struct rte_ipv4_hdr *ip, uint32_t contig, uint32_t avail)
{
	uint32_t hl, total;

	if (contig < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && hl <= contig && total >= hl && total <= avail;
}

/* The ones' complement sum of a 20-byte header, folded: 0xffff when it is intact.
 * Five 32-bit words summed in 64 bits fold to the same value as ten 16-bit ones,
 * in a few instructions where rte_raw_cksum's general loop takes dozens. */
static inline uint16_t dp_ip4_sum20(const struct rte_ipv4_hdr *ip)
{
	/* Loaded straight from the frame: the header sits 2 bytes off 4-byte alignment,
	 * which x86 loads take as they are (a copy to the stack first would stall on
	 * store forwarding). */
	typedef uint32_t __attribute__((aligned(1), may_alias)) u32_unaligned;
	const u32_unaligned *w = (const u32_unaligned *)ip;
	uint64_t s;

	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/*
 * Whether the outermost IPv4 header of a received frame, 20 bytes without
 * options, has a right checksum (RFC 1122 3.2.1.2): as the device found when
 * it checked (its rx flags), else computed. The IP flags of a frame whose
 * tunnel the device recognised (a tunnel packet_type) describe the inner
 * header: the outer one then has only RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD.
 */
static inline bool dp_ip4_rx_cksum20_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip)
{
	if (unlikely(m->ol_flags & RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD))
		return false;
	if (!(m->packet_type & RTE_PTYPE_TUNNEL_MASK)) {
		switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
		case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		case RTE_MBUF_F_RX_IP_CKSUM_NONE: /* a wrong field, but the header checked intact */
			return true;
		case RTE_MBUF_F_RX_IP_CKSUM_BAD:
			return false;
		}
	}
	return dp_ip4_sum20(ip) == 0xffff;
}

#endif
