/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From a frame to what connection tracking needs: the canonical key of its
 * connection (ct/dp_ct.h) and its L4 facts (TCP flags, ICMP type and code),
 * with the lengths and header fields checked on the way, so that nothing past
 * the frame or the IP datagram is ever read. Multi-segment mbufs are read
 * with rte_pktmbuf_read (a copy only when a header straddles segments).
 *
 * Packet path: no allocation, no logging; every function here may be called
 * by workers and by the control thread alike.
 *
 * Not checked: IP and L4 checksums (the receiving host checks them, and
 * computing them here would cost more than the whole lookup), IPv4 options'
 * contents, the order of IPv6 extension headers (RFC 8200 4.1 is a
 * recommendation to senders).
 */
#ifndef VIRGA_DP_CT_PARSE_H
#define VIRGA_DP_CT_PARSE_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_ct.h"

/* What dp_ct_parse found, when it is not an error (negative errno). */
enum dp_ct_parse_rc {
	DP_CT_PARSE_TRACKED = 0, /* look the key up / create it */
	/*
	 * An ICMP or ICMPv6 error (destination unreachable, time exceeded,
	 * parameter problem; packet too big): dp_ct_parse_related gives the key
	 * of the connection it is about.
	 */
	DP_CT_PARSE_ICMP_ERROR,
	/*
	 * ICMP neither echo nor one of those errors (ICMPv6 neighbour discovery,
	 * MLD, router advertisements, ICMPv4 redirects...): not tracked, for the
	 * caller's stateless rules.
	 */
	DP_CT_PARSE_UNTRACKED,
	/*
	 * A fragment other than the first: no L4 header to find its connection by
	 * (there is no reassembly here). The caller decides; dropping is what a
	 * strict firewall does (RFC 1858 explains what fragments can hide).
	 */
	DP_CT_PARSE_FRAGMENT,
};

/*
 * Parses the IP packet at l3_off of frame m (ethertype in host byte order, as
 * found after any VLAN tags) into p, for network `zone`. Returns an enum
 * dp_ct_parse_rc, or
 *  -EAFNOSUPPORT: neither IPv4 nor IPv6;
 *  -EBADMSG: malformed, truncated, or a header pointing past the datagram
 *   (map it to a "malformed" drop reason).
 * For every non-negative return p->key holds at least addresses and protocol
 * (ports 0 unless tracked), p->l4_off the L4 header and p->end the end of the
 * datagram.
 */
int dp_ct_parse(const struct rte_mbuf *m, uint16_t l3_off, uint16_t ethertype, uint16_t zone,
		struct dp_ct_pkt *p);

/*
 * For an ICMP error parsed into `err` (DP_CT_PARSE_ICMP_ERROR), builds into
 * `rel` the key of the connection of the packet the error quotes (RFC 792:
 * its IP header and first 8 bytes; RFC 4443 2.4: as much as fits), with
 * rel->related set, rel->icmp_type/code the error's, and rel->side the
 * quoted packet's destination: the error travels back to the quoted packet's
 * sender as a reply from its peer would, so dp_ct_dir_of(rel->side) is the
 * error's direction within the connection. Returns DP_CT_PARSE_TRACKED, or
 *  DP_CT_PARSE_UNTRACKED / DP_CT_PARSE_FRAGMENT: the quoted packet would not
 *   be tracked (an ICMP informational message, a non-first fragment);
 *  -EBADMSG: the quoted header is truncated or malformed, or is itself an
 *   ICMP error (RFC 1122 3.2.2: never sent about an error);
 *  -EINVAL: the error is not addressed to the quoted packet's sender.
 */
int dp_ct_parse_related(
		const struct rte_mbuf *m, const struct dp_ct_pkt *err, struct dp_ct_pkt *rel);

/*
 * dp_ct_parse for the common case, inline: IPv4 without options, not a later
 * fragment, TCP or UDP, headers in the first segment, every length as
 * dp_ct_parse checks it. The same key and facts as dp_ct_parse; false for
 * anything else, which dp_ct_parse then parses (and judges) itself. Saves
 * about half the parse's cost (virga-ctbench --established).
 */
static inline bool dp_ct_parse_fast4(const struct rte_mbuf *m, uint16_t l3, uint16_t zone,
		struct dp_ct_pkt *p)
{
	const struct rte_ipv4_hdr *ip;
	const uint8_t *l4;
	uint32_t tot, room;
	uint16_t sport, dport;

	uint32_t in_seg = rte_pktmbuf_data_len(m);

	if (unlikely(in_seg < (uint32_t)l3 + 20 + 8))
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, l3);
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ip->version_ihl != RTE_IPV4_VHL_DEF || tot < 20 ||
			    l3 + tot > rte_pktmbuf_pkt_len(m) ||
			    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK))))
		return false;
	l4 = (const uint8_t *)(ip + 1);
	room = tot - 20;
	if (ip->next_proto_id == IPPROTO_UDP) {
		uint32_t ulen = (uint32_t)l4[4] << 8 | l4[5];

		if (unlikely(room < 8 || ulen < 8 || ulen > room))
			return false;
		p->l4 = DP_CT_L4_UDP;
		p->tcp_flags = 0;
	} else if (ip->next_proto_id == IPPROTO_TCP) {
		if (unlikely(room < 20 || in_seg < (uint32_t)l3 + 40 || (l4[12] >> 4) < 5 ||
				    (l4[12] >> 4) * 4u > room))
			return false;
		p->l4 = DP_CT_L4_TCP;
		p->tcp_flags = l4[13];
	} else {
		return false;
	}
	memcpy(&sport, l4, 2);
	memcpy(&dport, l4 + 2, 2);
	/* dp_ct_key_set's canonical order, without its memcmp call: four address bytes
	 * compare as a big-endian number. */
	{
		uint32_t a = rte_be_to_cpu_32(ip->src_addr), b = rte_be_to_cpu_32(ip->dst_addr);
		uint8_t side = a > b || (a == b && sport > dport);
		uint32_t lo = side ? ip->dst_addr : ip->src_addr, hi = side ? ip->src_addr : ip->dst_addr;
		/* Stores at fixed offsets, the endpoints picked by selects: a store
		 * per field at an offset computed from side cost 22 instructions a
		 * frame more (callgrind, virga-stagebench --path snat). The two ports
		 * are the first word of the L4 header; rotating it by 16 swaps them,
		 * in either byte order. */
		uint32_t ports;

		memcpy(&ports, l4, 4);
		if (side)
			ports = ports >> 16 | ports << 16;
		memset(&p->key, 0, sizeof(p->key));
		memcpy(p->key.addr[0], &lo, 4);
		memcpy(p->key.addr[1], &hi, 4);
		memcpy(p->key.port, &ports, 4);
		p->key.zone = zone;
		p->key.family = AF_INET;
		p->key.proto = ip->next_proto_id;
		p->side = side;
	}
	p->icmp_type = 0;
	p->icmp_code = 0;
	p->related = false;
	p->l4_off = l3 + 20;
	p->end = l3 + tot;
	return true;
}

/*
 * dp_ct_parse with dp_ct_parse_fast4 in front: the inline parse for plain IPv4
 * TCP/UDP, the full one for anything else. What the stages that track call.
 */
static inline int dp_ct_parse_any(const struct rte_mbuf *m, uint16_t l3, uint16_t ethertype,
		uint16_t zone, struct dp_ct_pkt *p)
{
	if (ethertype == RTE_ETHER_TYPE_IPV4 && dp_ct_parse_fast4(m, l3, zone, p))
		return DP_CT_PARSE_TRACKED;
	return dp_ct_parse(m, l3, ethertype, zone, p);
}

#endif
