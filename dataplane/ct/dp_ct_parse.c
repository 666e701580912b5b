/* SPDX-License-Identifier: Apache-2.0 */
/* Frame -> connection key: see ct/dp_ct_parse.h. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_ct_parse.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define IPV6_MAX_EXT 8  /* more extension headers than this in a row: malformed */
#define QUOTED_L4_LEN 8 /* what an ICMP error quotes after the IP header (RFC 792) */
#define ICMP_HDR_LEN 8

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_DSTOPTS_ 60

/* The L3 header of a packet, the outer one or one an ICMP error quotes. */
struct l3 {
	uint8_t family;
	uint8_t proto; /* after IPv6 extension headers */
	bool later_fragment;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t l4_off;
	uint32_t end; /* just past what may be read of this datagram */
};

/* len bytes at off, or NULL when they do not lie before end. */
static inline const uint8_t *peek(
		const struct rte_mbuf *m, uint32_t off, uint32_t len, uint32_t end, void *buf)
{
	if (off + len > end)
		return NULL;
	return rte_pktmbuf_read(m, off, len, buf);
}

/*
 * IPv4 at off, within limit. A quoted header (an ICMP error's) is followed by
 * 8 bytes only, so its total length says how long the original was, not what
 * is here: then limit bounds the reads.
 */
static int parse_ipv4(
		const struct rte_mbuf *m, uint32_t off, uint32_t limit, bool quoted, struct l3 *o)
{
	uint8_t buf[IPV4_HDR_LEN];
	const uint8_t *h = peek(m, off, IPV4_HDR_LEN, limit, buf);
	uint32_t ihl, tot;

	if (h == NULL || (h[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (h[0] & 0xf) * 4u;
	tot = (uint32_t)h[2] << 8 | h[3];
	/* RFC 791: IHL counts 32-bit words, 5 at least; the total length covers it. */
	if (ihl < IPV4_HDR_LEN || tot < ihl || off + ihl > limit)
		return -EBADMSG;
	if (!quoted && off + tot > limit)
		return -EBADMSG;
	o->family = AF_INET;
	o->proto = h[9];
	/* Fragment offset (13 bits, in 8-byte units) not 0: no L4 header here. */
	o->later_fragment = ((h[6] & 0x1f) | h[7]) != 0;
	memset(o->src, 0, sizeof(o->src));
	memset(o->dst, 0, sizeof(o->dst));
	memcpy(o->src, h + 12, 4);
	memcpy(o->dst, h + 16, 4);
	o->l4_off = off + ihl;
	o->end = quoted ? limit : off + tot;
	return 0;
}

/* IPv6 at off and its extension headers (RFC 8200 4), within limit. */
static int parse_ipv6(
		const struct rte_mbuf *m, uint32_t off, uint32_t limit, bool quoted, struct l3 *o)
{
	uint8_t buf[IPV6_HDR_LEN];
	const uint8_t *h = peek(m, off, IPV6_HDR_LEN, limit, buf);
	uint32_t plen, at;
	uint8_t nh;

	if (h == NULL || (h[0] >> 4) != 6)
		return -EBADMSG;
	plen = (uint32_t)h[4] << 8 | h[5];
	/* Payload length 0 is a jumbogram (RFC 2675): not for a virtual network. */
	if (!quoted && (plen == 0 || off + IPV6_HDR_LEN + plen > limit))
		return -EBADMSG;
	o->family = AF_INET6;
	o->later_fragment = false;
	memcpy(o->src, h + 8, 16);
	memcpy(o->dst, h + 24, 16);
	o->end = quoted ? limit : off + IPV6_HDR_LEN + plen;
	nh = h[6];
	at = off + IPV6_HDR_LEN;
	for (int i = 0;; i++) {
		uint8_t eb[8];
		const uint8_t *x;

		if (nh != IPPROTO_HOPOPTS_ && nh != IPPROTO_ROUTING_ && nh != IPPROTO_DSTOPTS_ &&
				nh != IPPROTO_FRAGMENT_ && nh != IPPROTO_AH_)
			break;
		if (i == IPV6_MAX_EXT)
			return -EBADMSG;
		x = peek(m, at, sizeof(eb), o->end, eb);
		if (x == NULL)
			return -EBADMSG;
		if (nh == IPPROTO_FRAGMENT_) {
			/* Offset (13 bits) not 0: a later fragment, the L4 header is in the first.
			 */
			if ((((uint32_t)x[2] << 8 | x[3]) & 0xfff8) != 0) {
				o->later_fragment = true;
				o->proto = x[0];
				o->l4_off = at + 8;
				return 0;
			}
			at += 8;
		} else if (nh == IPPROTO_AH_) {
			at += (x[1] + 2u) * 4; /* RFC 4302 2.2: 32-bit words, minus 2 */
		} else {
			at += (x[1] + 1u) * 8; /* 8-octet units, not counting the first 8 */
		}
		nh = x[0];
		if (at > o->end)
			return -EBADMSG;
	}
	o->proto = nh;
	o->l4_off = at;
	return 0;
}

static int parse_l3(const struct rte_mbuf *m, uint32_t off, uint8_t family, uint32_t limit,
		bool quoted, struct l3 *o)
{
	return family == AF_INET ? parse_ipv4(m, off, limit, quoted, o)
				 : parse_ipv6(m, off, limit, quoted, o);
}

enum icmp_kind {
	ICMP_REQUEST,
	ICMP_REPLY,
	ICMP_ERROR,
	ICMP_OTHER,
};

static enum icmp_kind icmp_kind(uint8_t family, uint8_t type)
{
	if (family == AF_INET) {
		switch (type) {
		case 8: /* echo request */
			return ICMP_REQUEST;
		case 0:
			return ICMP_REPLY;
		case 3:  /* destination unreachable */
		case 11: /* time exceeded */
		case 12: /* parameter problem */
			return ICMP_ERROR;
		default:
			return ICMP_OTHER;
		}
	}
	switch (type) {
	case 128:
		return ICMP_REQUEST;
	case 129:
		return ICMP_REPLY;
	case 1: /* destination unreachable */
	case 2: /* packet too big */
	case 3: /* time exceeded */
	case 4: /* parameter problem */
		return ICMP_ERROR;
	default:
		return ICMP_OTHER;
	}
}

static inline bool is_icmp(const struct l3 *l)
{
	return (l->family == AF_INET && l->proto == IPPROTO_ICMP) ||
	       (l->family == AF_INET6 && l->proto == IPPROTO_ICMPV6);
}

static void key_3tuple(struct dp_ct_pkt *p, const struct l3 *l, uint16_t zone, uint8_t l4)
{
	dp_ct_key_set(p, zone, l->family, l->proto, l->src, l->dst, 0, 0);
	p->l4 = l4;
}

/*
 * The L4 part of the key. A quoted packet has 8 bytes of L4 header: its
 * ports, an ICMP identifier, but no TCP flags.
 */
static int parse_l4(const struct rte_mbuf *m, const struct l3 *l, uint16_t zone, bool quoted,
		struct dp_ct_pkt *p)
{
	uint32_t room = l->end - l->l4_off;
	uint8_t buf[20];
	const uint8_t *h;
	uint16_t sport, dport;

	p->l4_off = l->l4_off;
	p->end = l->end;
	p->tcp_flags = 0;
	p->icmp_type = 0;
	p->icmp_code = 0;
	if (l->later_fragment) {
		key_3tuple(p, l, zone, DP_CT_L4_MAX);
		return DP_CT_PARSE_FRAGMENT;
	}
	/* From here a header that does not fit is malformed, in a first fragment
	 * too: one too short for its L4 header hides it (RFC 1858 3.1, RFC 7112). */
	switch (l->proto) {
	case IPPROTO_TCP:
		h = peek(m, l->l4_off, quoted ? QUOTED_L4_LEN : 20, l->end, buf);
		/* Data offset: 32-bit words, 5 at least, within the segment (RFC 9293 3.1). */
		if (h == NULL || (!quoted && ((h[12] >> 4) < 5 || (h[12] >> 4) * 4u > room)))
			return -EBADMSG;
		p->tcp_flags = quoted ? 0 : h[13];
		memcpy(&sport, h, 2);
		memcpy(&dport, h + 2, 2);
		dp_ct_key_set(p, zone, l->family, l->proto, l->src, l->dst, sport, dport);
		p->l4 = DP_CT_L4_TCP;
		return DP_CT_PARSE_TRACKED;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		h = peek(m, l->l4_off, 8, l->end, buf);
		if (h == NULL)
			return -EBADMSG;
		if (l->proto == IPPROTO_UDP && !quoted) {
			uint32_t ulen = (uint32_t)h[4] << 8 | h[5];

			/* RFC 768: the length counts the header, and cannot exceed the datagram. */
			if (ulen < 8 || ulen > room)
				return -EBADMSG;
		}
		/* SCTP's common header is 12 bytes (RFC 9260 3.1); a quote has 8. */
		if (l->proto == IPPROTO_SCTP && !quoted && room < 12)
			return -EBADMSG;
		memcpy(&sport, h, 2);
		memcpy(&dport, h + 2, 2);
		dp_ct_key_set(p, zone, l->family, l->proto, l->src, l->dst, sport, dport);
		p->l4 = l->proto == IPPROTO_UDP ? DP_CT_L4_UDP : DP_CT_L4_SCTP;
		return DP_CT_PARSE_TRACKED;
	default:
		break;
	}
	if (!is_icmp(l)) {
		key_3tuple(p, l, zone, DP_CT_L4_OTHER);
		return DP_CT_PARSE_TRACKED;
	}

	h = peek(m, l->l4_off, ICMP_HDR_LEN, l->end, buf);
	if (h == NULL)
		return -EBADMSG;
	p->icmp_type = h[0];
	p->icmp_code = h[1];
	switch (icmp_kind(l->family, h[0])) {
	case ICMP_REQUEST:
	case ICMP_REPLY: {
		uint16_t id, zero = 0;
		bool request = icmp_kind(l->family, h[0]) == ICMP_REQUEST;

		/* The requester's port is the identifier: see struct dp_ct_key. */
		memcpy(&id, h + 4, 2);
		dp_ct_key_set(p, zone, l->family, l->proto, l->src, l->dst, request ? id : zero,
				request ? zero : id);
		p->l4 = DP_CT_L4_ICMP;
		return DP_CT_PARSE_TRACKED;
	}
	case ICMP_ERROR:
		key_3tuple(p, l, zone, DP_CT_L4_ICMP);
		/* An error about an error is never sent (RFC 1122 3.2.2, RFC 4443 2.4 e.1). */
		return quoted ? -EBADMSG : DP_CT_PARSE_ICMP_ERROR;
	default:
		key_3tuple(p, l, zone, DP_CT_L4_ICMP);
		return DP_CT_PARSE_UNTRACKED;
	}
}

int dp_ct_parse(const struct rte_mbuf *m, uint16_t l3_off, uint16_t ethertype, uint16_t zone,
		struct dp_ct_pkt *p)
{
	struct l3 l;
	int rc;

	p->related = false;
	if (ethertype == RTE_ETHER_TYPE_IPV4)
		rc = parse_ipv4(m, l3_off, rte_pktmbuf_pkt_len(m), false, &l);
	else if (ethertype == RTE_ETHER_TYPE_IPV6)
		rc = parse_ipv6(m, l3_off, rte_pktmbuf_pkt_len(m), false, &l);
	else
		return -EAFNOSUPPORT;
	if (rc < 0)
		return rc;
	return parse_l4(m, &l, zone, false, p);
}

int dp_ct_parse_related(
		const struct rte_mbuf *m, const struct dp_ct_pkt *err, struct dp_ct_pkt *rel)
{
	size_t alen = err->key.family == AF_INET ? 4 : 16;
	struct l3 l;
	int rc;

	if (err->key.proto != (err->key.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6) ||
			icmp_kind(err->key.family, err->icmp_type) != ICMP_ERROR)
		return -EINVAL;
	/* The quote follows the 8-byte ICMP header and must hold its IP header
	 * and 8 bytes more (RFC 792); ICMPv4 quotes IPv4, ICMPv6 quotes IPv6. */
	rc = parse_l3(m, err->l4_off + ICMP_HDR_LEN, err->key.family, err->end, true, &l);
	if (rc < 0)
		return rc;
	if (!l.later_fragment && l.l4_off + QUOTED_L4_LEN > l.end)
		return -EBADMSG;
	/* Errors go back to the source of the packet that caused them. */
	if (memcmp(l.src, err->key.addr[!err->side], alen) != 0)
		return -EINVAL;
	rc = parse_l4(m, &l, err->key.zone, true, rel);
	if (rc < 0)
		return rc;
	rel->related = true;
	/* The error travels back towards the quoted packet's sender, as its peer's reply would. */
	rel->side = !rel->side;
	rel->icmp_type = err->icmp_type;
	rel->icmp_code = err->icmp_code;
	rel->end = err->end;
	return rc;
}
