/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From frames to connection keys: IPv4 and IPv6 (with extension headers), the
 * lengths and fields that must hold, fragments, ICMP echo, and ICMP errors
 * related to the connection they quote. Frames are crafted byte by byte.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "ct/dp_ct_parse.h"
#include "ct_test.h"

#define ETH_LEN 14
#define ET_IP4 0x0800
#define ET_IP6 0x86dd

static struct rte_mempool *pool;
static uint8_t frame[512];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ethernet header; returns where L3 goes. */
static uint8_t *eth(uint16_t etype)
{
	memset(frame, 0, sizeof(frame));
	put16(frame + 12, etype);
	return frame + ETH_LEN;
}

/* IPv4 header carrying `payload` bytes; returns where they go. */
static uint8_t *ip4(uint8_t *h, uint8_t proto, const char *src, const char *dst, uint16_t payload)
{
	h[0] = 0x45;
	put16(h + 2, 20 + payload);
	h[8] = 64;
	h[9] = proto;
	assert_int_equal(inet_pton(AF_INET, src, h + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, h + 16), 1);
	return h + 20;
}

static uint8_t *ip6(uint8_t *h, uint8_t nh, const char *src, const char *dst, uint16_t payload)
{
	h[0] = 0x60;
	put16(h + 4, payload);
	h[6] = nh;
	h[7] = 64;
	assert_int_equal(inet_pton(AF_INET6, src, h + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, h + 24), 1);
	return h + 40;
}

static uint8_t *tcph(uint8_t *h, uint16_t sport, uint16_t dport, uint8_t flags)
{
	put16(h, sport);
	put16(h + 2, dport);
	h[12] = 5 << 4;
	h[13] = flags;
	return h + 20;
}

static uint8_t *udph(uint8_t *h, uint16_t sport, uint16_t dport, uint16_t len)
{
	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, len);
	return h + 8;
}

static uint8_t *icmph(uint8_t *h, uint8_t type, uint8_t code, uint16_t id)
{
	h[0] = type;
	h[1] = code;
	put16(h + 4, id);
	return h + 8;
}

/* The frame's first len bytes in an mbuf, split into two segments at `split` (0: one). */
static struct rte_mbuf *mbuf_of(size_t len, size_t split)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *m2;

	assert_non_null(m);
	if (split == 0)
		split = len;
	memcpy(rte_pktmbuf_append(m, split), frame, split);
	if (split < len) {
		m2 = rte_pktmbuf_alloc(pool);
		memcpy(rte_pktmbuf_append(m2, len - split), frame + split, len - split);
		assert_int_equal(rte_pktmbuf_chain(m, m2), 0);
	}
	return m;
}

static int parse_split(const uint8_t *end, size_t split, uint16_t etype, struct dp_ct_pkt *p)
{
	struct rte_mbuf *m = mbuf_of(end - frame, split);
	int rc = dp_ct_parse(m, ETH_LEN, etype, 1, p);

	rte_pktmbuf_free(m);
	return rc;
}

static int parse(const uint8_t *end, uint16_t etype, struct dp_ct_pkt *p)
{
	return parse_split(end, 0, etype, p);
}

/* An ICMP error frame: parsed, then the connection it quotes. */
static int parse_related(const uint8_t *end, uint16_t etype, struct dp_ct_pkt *rel)
{
	struct rte_mbuf *m = mbuf_of(end - frame, 0);
	struct dp_ct_pkt err;
	int rc = dp_ct_parse(m, ETH_LEN, etype, 1, &err);

	if (rc == DP_CT_PARSE_ICMP_ERROR)
		rc = dp_ct_parse_related(m, &err, rel);
	else
		rc = rc < 0 ? rc : -ENOTSUP; /* not an error: the test is wrong */
	rte_pktmbuf_free(m);
	return rc;
}

static const uint8_t *ipv4_tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
		uint8_t flags)
{
	return tcph(ip4(eth(ET_IP4), IPPROTO_TCP, src, dst, 20), sport, dport, flags);
}

static void ipv4_tcp_segment_gives_the_canonical_key_and_its_flags(void **state)
{
	struct dp_ct_pkt p, r;
	uint8_t a[4] = {10, 0, 0, 9};

	(void)state;
	assert_int_equal(parse(ipv4_tcp("10.0.0.9", 40000, "10.0.0.2", 22, SYN), ET_IP4, &p),
			DP_CT_PARSE_TRACKED);
	assert_int_equal(p.l4, DP_CT_L4_TCP);
	assert_int_equal(p.tcp_flags, SYN);
	assert_int_equal(p.key.family, AF_INET);
	assert_int_equal(p.key.proto, IPPROTO_TCP);
	assert_int_equal(p.key.zone, 1);
	assert_int_equal(p.side, 1); /* 10.0.0.9 sorts after 10.0.0.2 */
	assert_memory_equal(p.key.addr[1], a, 4);
	assert_int_equal(p.key.port[1], htons(40000));
	assert_int_equal(p.key.port[0], htons(22));
	assert_int_equal(p.l4_off, ETH_LEN + 20);
	assert_int_equal(p.end, ETH_LEN + 40);
	assert_false(p.related);

	assert_int_equal(parse(ipv4_tcp("10.0.0.2", 22, "10.0.0.9", 40000, SYN | ACK), ET_IP4, &r),
			DP_CT_PARSE_TRACKED);
	assert_memory_equal(&p.key, &r.key, sizeof(p.key));
	assert_int_equal(r.side, 0);
	assert_int_equal(r.tcp_flags, SYN | ACK);
}

static void ipv4_header_fields_that_lie_are_malformed(void **state)
{
	struct dp_ct_pkt p;
	uint8_t *ip = frame + ETH_LEN;
	const uint8_t *end;

	(void)state;
#define BROKEN(mutation, len)                                                                      \
	do {                                                                                       \
		end = ipv4_tcp("10.0.0.1", 1, "10.0.0.2", 2, SYN);                                 \
		mutation;                                                                          \
		assert_int_equal(parse(frame + (len), ET_IP4, &p), -EBADMSG);                      \
	} while (0)
	BROKEN(ip[0] = 0x55, end - frame);	       /* version 5 */
	BROKEN(ip[0] = 0x44, end - frame);	       /* IHL 4 words */
	BROKEN(ip[0] = 0x4f, end - frame);	       /* IHL 60 bytes, more than the total length */
	BROKEN(put16(ip + 2, 100), end - frame); /* total length past the frame */
	BROKEN(put16(ip + 2, 16), end - frame);  /* total length shorter than the header */
	BROKEN((void)0, ETH_LEN + 10);	       /* frame ends inside the header */
	BROKEN(ip[32] = 4 << 4, end - frame);    /* TCP data offset 4 words */
	BROKEN(ip[32] = 6 << 4, end - frame);    /* TCP header longer than the segment */
	BROKEN(put16(ip + 2, 32), ETH_LEN + 32); /* TCP header cut short */
#undef BROKEN
	/* Without an L4 header to trip on, the IHL alone must be refused. */
	end = ip4(eth(ET_IP4), 47, "10.0.0.1", "10.0.0.2", 20) + 20;
	assert_int_equal(parse(end, ET_IP4, &p), DP_CT_PARSE_TRACKED);
	ip[0] = 0x44;
	assert_int_equal(parse(end, ET_IP4, &p), -EBADMSG);

	end = ipv4_tcp("10.0.0.1", 1, "10.0.0.2", 2, SYN);
	assert_int_equal(parse(end, 0x0806, &p), -EAFNOSUPPORT);
	assert_int_equal(parse(end, ET_IP4, &p), DP_CT_PARSE_TRACKED);
}

static void udp_length_must_fit_its_datagram_and_padding_is_not_read(void **state)
{
	uint8_t *l4 = ip4(eth(ET_IP4), IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 12);
	struct dp_ct_pkt p;

	(void)state;
	udph(l4, 5353, 53, 7);
	assert_int_equal(parse(l4 + 12, ET_IP4, &p), -EBADMSG);
	udph(l4, 5353, 53, 13);
	assert_int_equal(parse(l4 + 12, ET_IP4, &p), -EBADMSG);
	udph(l4, 5353, 53, 12);
	/* 60-byte frame: Ethernet padding after the 32-byte datagram. */
	assert_int_equal(parse(frame + 60, ET_IP4, &p), DP_CT_PARSE_TRACKED);
	assert_int_equal(p.end, ETH_LEN + 32);
	assert_int_equal(p.l4, DP_CT_L4_UDP);
	assert_int_equal(p.key.port[p.side], htons(5353));
}

static void ipv4_first_fragment_is_tracked_and_later_ones_are_not(void **state)
{
	uint8_t *ip = frame + ETH_LEN;
	const uint8_t *end;
	struct dp_ct_pkt p;
	uint32_t idx;

	(void)state;
	end = ipv4_tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN);
	ip[6] = 0x20; /* more fragments, offset 0 */
	assert_int_equal(parse(end, ET_IP4, &p), DP_CT_PARSE_TRACKED);
	assert_int_equal(p.key.port[p.side], htons(1234));
	put16(ip + 6, 0x2000 | 185); /* offset 1480 */
	assert_int_equal(parse(end, ET_IP4, &p), DP_CT_PARSE_FRAGMENT);
	assert_int_equal(p.key.port[0] | p.key.port[1], 0);
	assert_int_equal(p.l4, DP_CT_L4_MAX);
	/* And such a packet cannot open a connection. */
	assert_int_equal(dp_ct_create(ct, &p, &no_rec, &no_rec, T0, &idx), -EINVAL);
}

/* IPv6 -> hop-by-hop (8) -> destination options (16) -> fragment (first) -> UDP. */
static const uint8_t *ipv6_with_extensions(uint16_t frag)
{
	uint8_t *x = ip6(eth(ET_IP6), 0, "2001:db8::1", "2001:db8::2", 8 + 16 + 8 + 8);

	x[0] = 60;
	x += 8;
	x[0] = 44;
	x[1] = 1;
	x += 16;
	x[0] = IPPROTO_UDP;
	put16(x + 2, frag);
	x += 8;
	return udph(x, 546, 547, 8);
}

static void ipv6_extension_headers_are_walked_to_the_l4_header(void **state)
{
	uint8_t *ip = frame + ETH_LEN;
	struct dp_ct_pkt p;
	uint8_t *x;

	(void)state;
	assert_int_equal(parse(ipv6_with_extensions(1), ET_IP6, &p), DP_CT_PARSE_TRACKED);
	assert_int_equal(p.key.family, AF_INET6);
	assert_int_equal(p.key.proto, IPPROTO_UDP);
	assert_int_equal(p.key.port[p.side], htons(546));
	assert_int_equal(p.l4_off, ETH_LEN + 40 + 32);
	assert_int_equal(parse(ipv6_with_extensions(8 | 1), ET_IP6, &p), DP_CT_PARSE_FRAGMENT);

	/* Destination options claiming 24 bytes more than there are. */
	ipv6_with_extensions(1);
	ip[40 + 8 + 1] = 4;
	assert_int_equal(parse(frame + ETH_LEN + 80, ET_IP6, &p), -EBADMSG);
	/* The last one overshooting, with nothing after it that would trip (no next header). */
	x = ip6(eth(ET_IP6), 60, "2001:db8::1", "2001:db8::2", 16);
	x[0] = 59;
	assert_int_equal(parse(x + 16, ET_IP6, &p), DP_CT_PARSE_TRACKED);
	x[1] = 2;
	assert_int_equal(parse(x + 16, ET_IP6, &p), -EBADMSG);
	/* Payload length past the frame, or 0 (a jumbogram). */
	ipv6_with_extensions(1);
	put16(ip + 4, 41);
	assert_int_equal(parse(frame + ETH_LEN + 80, ET_IP6, &p), -EBADMSG);
	put16(ip + 4, 0);
	assert_int_equal(parse(frame + ETH_LEN + 80, ET_IP6, &p), -EBADMSG);

	/* Nine destination options headers in a row. */
	x = ip6(eth(ET_IP6), 60, "2001:db8::1", "2001:db8::2", 9 * 8 + 8);
	for (int i = 0; i < 9; i++, x += 8)
		x[0] = i < 8 ? 60 : IPPROTO_UDP;
	assert_int_equal(parse(udph(x, 1, 2, 8), ET_IP6, &p), -EBADMSG);

	/* An authentication header (RFC 4302: length in words, minus 2) then TCP. */
	x = ip6(eth(ET_IP6), 51, "2001:db8::1", "2001:db8::2", 24 + 20);
	x[0] = IPPROTO_TCP;
	x[1] = 4;
	assert_int_equal(parse(tcph(x + 24, 443, 50000, ACK), ET_IP6, &p), DP_CT_PARSE_TRACKED);
	assert_int_equal(p.key.port[p.side], htons(443));
	assert_int_equal(p.tcp_flags, ACK);
}

static void icmp_echo_gives_one_key_per_identifier_and_requester(void **state)
{
	struct dp_ct_pkt req, rep, other, theirs, v6req, v6rep;

	(void)state;
	parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 8), 8, 0, 77), ET_IP4,
			&req);
	parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.2", "10.0.0.1", 8), 0, 0, 77), ET_IP4,
			&rep);
	parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 8), 8, 0, 78), ET_IP4,
			&other);
	assert_int_equal(parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.2", "10.0.0.1", 8), 8,
					       0, 77),
					 ET_IP4, &theirs),
			DP_CT_PARSE_TRACKED);
	assert_int_equal(req.l4, DP_CT_L4_ICMP);
	assert_int_equal(req.icmp_type, 8);
	assert_memory_equal(&req.key, &rep.key, sizeof(req.key));
	assert_int_not_equal(req.side, rep.side);
	assert_memory_not_equal(&req.key, &other.key, sizeof(req.key));
	assert_memory_not_equal(&req.key, &theirs.key, sizeof(req.key));

	parse(icmph(ip6(eth(ET_IP6), IPPROTO_ICMPV6, "2001:db8::1", "2001:db8::2", 8), 128, 0, 5),
			ET_IP6, &v6req);
	parse(icmph(ip6(eth(ET_IP6), IPPROTO_ICMPV6, "2001:db8::2", "2001:db8::1", 8), 129, 0, 5),
			ET_IP6, &v6rep);
	assert_int_equal(v6req.l4, DP_CT_L4_ICMP);
	assert_memory_equal(&v6req.key, &v6rep.key, sizeof(v6req.key));
}

static void icmp_neither_echo_nor_error_is_untracked(void **state)
{
	const uint8_t v6[] = {133, 134, 135, 136, 130};
	const uint8_t v4[] = {5, 13, 9};
	struct dp_ct_pkt p;

	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(v6); i++)
		assert_int_equal(parse(icmph(ip6(eth(ET_IP6), IPPROTO_ICMPV6, "fe80::1", "ff02::1", 8),
						     v6[i], 0, 0),
						 ET_IP6, &p),
				DP_CT_PARSE_UNTRACKED);
	for (unsigned int i = 0; i < RTE_DIM(v4); i++)
		assert_int_equal(parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 8),
						     v4[i], 0, 0),
						 ET_IP4, &p),
				DP_CT_PARSE_UNTRACKED);
	/* An ICMP header cut short is malformed, whatever its type. */
	assert_int_equal(parse(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.1", "10.0.0.2", 4) + 4, ET_IP4,
					 &p),
			-EBADMSG);
}

/*
 * Router 192.0.2.1 tells 10.0.0.1 that its packet to 203.0.113.5 died (ICMP
 * type/code), quoting `quote` bytes of that packet: IPv4 header, then the L4
 * header built by the caller at the returned pointer.
 */
static uint8_t *icmp4_error(uint8_t type, uint8_t code, uint8_t proto, uint16_t quote)
{
	uint8_t *icmp = ip4(eth(ET_IP4), IPPROTO_ICMP, "192.0.2.1", "10.0.0.1", 8 + quote);

	return ip4(icmph(icmp, type, code, 0), proto, "10.0.0.1", "203.0.113.5", 1400);
}

static void icmp_error_relates_to_the_connection_it_quotes(void **state)
{
	struct dp_ct_pkt syn, rel, udp, ping;
	enum dp_ct_dir dir;
	uint32_t idx;
	uint8_t *x;

	(void)state;
	parse(ipv4_tcp("10.0.0.1", 1234, "203.0.113.5", 80, SYN), ET_IP4, &syn);
	idx = create(&syn);
	/* Time exceeded, quoting the SYN's IP header and 8 bytes of TCP. */
	x = icmp4_error(11, 0, IPPROTO_TCP, 28);
	put16(x, 1234);
	put16(x + 2, 80);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), DP_CT_PARSE_TRACKED);
	assert_memory_equal(&rel.key, &syn.key, sizeof(syn.key));
	assert_true(rel.related);
	assert_int_equal(rel.icmp_type, 11);
	assert_int_not_equal(rel.side, syn.side); /* it goes back to the opener */
	assert_int_equal(lookup(&rel), idx);
	assert_int_equal(dp_ct_update(ct, idx, &rel, T0, &dir), OK);
	assert_int_equal(dir, R);
	assert_int_equal(state_of(idx), DP_CT_TCP_SYN_SENT);
	/* It cannot open a connection of its own. */
	rel.key.zone = 9;
	assert_int_equal(dp_ct_create(ct, &rel, &no_rec, &no_rec, T0, &idx), -EINVAL);

	/* Port unreachable about UDP. */
	parse(udph(ip4(eth(ET_IP4), IPPROTO_UDP, "10.0.0.1", "203.0.113.5", 8), 5353, 53, 8), ET_IP4,
			&udp);
	x = icmp4_error(3, 3, IPPROTO_UDP, 28);
	udph(x, 5353, 53, 1380);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), DP_CT_PARSE_TRACKED);
	assert_memory_equal(&rel.key, &udp.key, sizeof(udp.key));

	/* Time exceeded about an echo request (traceroute with ICMP). */
	parse(icmph(ip4(eth(ET_IP4), IPPROTO_ICMP, "10.0.0.1", "203.0.113.5", 8), 8, 0, 99), ET_IP4,
			&ping);
	x = icmp4_error(11, 0, IPPROTO_ICMP, 28);
	icmph(x, 8, 0, 99);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), DP_CT_PARSE_TRACKED);
	assert_memory_equal(&rel.key, &ping.key, sizeof(ping.key));
}

static void icmpv6_packet_too_big_relates_through_extension_headers(void **state)
{
	struct dp_ct_pkt conn, rel;
	uint8_t *x;

	(void)state;
	x = ip6(eth(ET_IP6), 0, "2001:db8::1", "2001:db8:1::5", 8 + 20);
	x[0] = IPPROTO_TCP;
	parse(tcph(x + 8, 40000, 443, ACK), ET_IP6, &conn);
	/* The router's error: ICMPv6 header (MTU), then as much of the packet as fits. */
	x = ip6(eth(ET_IP6), IPPROTO_ICMPV6, "2001:db8:ff::1", "2001:db8::1", 8 + 40 + 8 + 20);
	x = icmph(x, 2, 0, 0);
	x = ip6(x, 0, "2001:db8::1", "2001:db8:1::5", 1452);
	x[0] = IPPROTO_TCP;
	assert_int_equal(parse_related(tcph(x + 8, 40000, 443, ACK), ET_IP6, &rel),
			DP_CT_PARSE_TRACKED);
	assert_memory_equal(&rel.key, &conn.key, sizeof(conn.key));
	assert_int_equal(rel.icmp_type, 2);
	assert_int_not_equal(rel.side, conn.side);
}

static void icmp_error_with_a_truncated_or_broken_quote_is_refused(void **state)
{
	struct dp_ct_pkt rel;
	uint8_t *x, *ip;

	(void)state;
	/* IP header and 4 bytes of UDP: RFC 792 says 8. */
	x = icmp4_error(3, 3, IPPROTO_UDP, 24);
	assert_int_equal(parse_related(x + 4, ET_IP4, &rel), -EBADMSG);
	/* Same for a protocol whose L4 header is never read. */
	x = icmp4_error(3, 2, 47, 24);
	assert_int_equal(parse_related(x + 4, ET_IP4, &rel), -EBADMSG);
	x = icmp4_error(3, 2, 47, 28);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), DP_CT_PARSE_TRACKED);
	/* Less than an IPv4 header. */
	x = icmp4_error(3, 3, IPPROTO_UDP, 12);
	assert_int_equal(parse_related(x - 8, ET_IP4, &rel), -EBADMSG);
	/* A quoted IHL of 4 words. */
	x = icmp4_error(3, 3, IPPROTO_UDP, 28);
	ip = x - 20;
	ip[0] = 0x44;
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), -EBADMSG);
	/* A quoted IPv4 header with options running past the quote. */
	ip[0] = 0x47;
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), -EBADMSG);
	/* IPv6 quoted header cut at 30 bytes. */
	x = ip6(eth(ET_IP6), IPPROTO_ICMPV6, "2001:db8:ff::1", "2001:db8::1", 8 + 30);
	x = icmph(x, 1, 4, 0);
	ip6(x, IPPROTO_UDP, "2001:db8::1", "2001:db8:1::5", 100);
	assert_int_equal(parse_related(x + 30, ET_IP6, &rel), -EBADMSG);
	/* IPv6 quote whose extension header runs past the quote. */
	x = ip6(eth(ET_IP6), IPPROTO_ICMPV6, "2001:db8:ff::1", "2001:db8::1", 8 + 40 + 16);
	x = icmph(x, 1, 4, 0);
	x = ip6(x, 60, "2001:db8::1", "2001:db8:1::5", 100);
	x[0] = IPPROTO_UDP;
	x[1] = 2;
	assert_int_equal(parse_related(x + 16, ET_IP6, &rel), -EBADMSG);
}

static void icmp_error_about_an_error_or_sent_elsewhere_is_refused(void **state)
{
	struct dp_ct_pkt rel;
	uint8_t *x;

	(void)state;
	x = icmp4_error(3, 1, IPPROTO_ICMP, 28);
	icmph(x, 11, 0, 0);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), -EBADMSG);
	/* Addressed to 10.0.0.1, quoting a packet 10.0.0.7 sent: not its business. */
	x = icmp4_error(3, 3, IPPROTO_UDP, 28);
	assert_int_equal(inet_pton(AF_INET, "10.0.0.7", x - 8), 1);
	udph(x, 5353, 53, 100);
	assert_int_equal(parse_related(x + 8, ET_IP4, &rel), -EINVAL);
}

static void a_header_split_across_segments_parses_like_a_flat_frame(void **state)
{
	const uint8_t *end = ipv4_tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN | ACK);
	struct dp_ct_pkt flat, split;

	(void)state;
	assert_int_equal(parse(end, ET_IP4, &flat), DP_CT_PARSE_TRACKED);
	for (size_t at = 16; at < (size_t)(end - frame); at += 7) {
		assert_int_equal(parse_split(end, at, ET_IP4, &split), DP_CT_PARSE_TRACKED);
		assert_memory_equal(&flat.key, &split.key, sizeof(flat.key));
		assert_int_equal(split.tcp_flags, SYN | ACK);
	}
}

static void other_protocols_are_tracked_by_addresses_and_sctp_by_ports(void **state)
{
	struct dp_ct_pkt a, b;

	(void)state;
	assert_int_equal(parse(ip4(eth(ET_IP4), 47, "10.0.0.1", "10.0.0.2", 4) + 4, ET_IP4, &a),
			DP_CT_PARSE_TRACKED);
	parse(ip4(eth(ET_IP4), 47, "10.0.0.2", "10.0.0.1", 4) + 4, ET_IP4, &b);
	assert_int_equal(a.l4, DP_CT_L4_OTHER);
	assert_int_equal(a.key.port[0] | a.key.port[1], 0);
	assert_memory_equal(&a.key, &b.key, sizeof(a.key));

	assert_int_equal(
			parse(udph(ip4(eth(ET_IP4), IPPROTO_SCTP, "10.0.0.1", "10.0.0.2", 12), 38412,
					      38412, 0) + 4,
					ET_IP4, &a),
			DP_CT_PARSE_TRACKED);
	assert_int_equal(a.l4, DP_CT_L4_SCTP);
	assert_int_equal(a.key.port[0], htons(38412));
	/* SCTP's common header is 12 bytes. */
	assert_int_equal(parse(udph(ip4(eth(ET_IP4), IPPROTO_SCTP, "10.0.0.1", "10.0.0.2", 8), 1, 2,
					       0),
					 ET_IP4, &a),
			-EBADMSG);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(ipv4_tcp_segment_gives_the_canonical_key_and_its_flags),
		T(ipv4_header_fields_that_lie_are_malformed),
		T(udp_length_must_fit_its_datagram_and_padding_is_not_read),
		T(ipv4_first_fragment_is_tracked_and_later_ones_are_not),
		T(ipv6_extension_headers_are_walked_to_the_l4_header),
		T(icmp_echo_gives_one_key_per_identifier_and_requester),
		T(icmp_neither_echo_nor_error_is_untracked),
		T(icmp_error_relates_to_the_connection_it_quotes),
		T(icmpv6_packet_too_big_relates_through_extension_headers),
		T(icmp_error_with_a_truncated_or_broken_quote_is_refused),
		T(icmp_error_about_an_error_or_sent_elsewhere_is_refused),
		T(a_header_split_across_segments_parses_like_a_flat_frame),
		T(other_protocols_are_tracked_by_addresses_and_sctp_by_ports),
	};

	if (ct_test_init("ct_parse") < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("ct_parse", 256, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	if (pool == NULL)
		return 1;
	return cmocka_run_group_tests_name("ct_parse", tests, NULL, NULL);
}
