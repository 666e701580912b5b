/* SPDX-License-Identifier: Apache-2.0 */
/* dp_ip4_fragment on crafted datagrams: sizes and offsets, MF of a datagram that
 * was a fragment already, options copied or not (RFC 791), and what it refuses. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_ip.h>

#include "dp_test_env.h"
#include "l3/dp_ip4_frag.h"
#include "pkt_builder.h"

#define L2 14

static struct rte_mbuf *udp(uint16_t payload)
{
	struct pkt_spec s = {.src = mac_of(1), .dst = mac_of(2), .vlan = NO_VLAN};

	return pkt_ipv4_udp(test_pool, &s, "10.1.0.10", "10.2.0.5", payload);
}

static struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, L2);
}

static uint16_t frag_field(struct rte_mbuf *m)
{
	return rte_be_to_cpu_16(ip_of(m)->fragment_offset);
}

/* Inserts `len` bytes of options (a multiple of 4) after the 20-byte header. */
static void add_options(struct rte_mbuf *m, const uint8_t *opt, uint8_t len)
{
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);
	struct rte_ipv4_hdr *ip = ip_of(m);
	uint8_t *l4 = (uint8_t *)(ip + 1);

	assert_non_null(p);
	memmove(l4 + len, l4, rte_be_to_cpu_16(ip->total_length) - sizeof(*ip));
	memcpy(l4, opt, len);
	ip->version_ihl = (uint8_t)(0x40 | (20 + len) / 4);
	ip->total_length = rte_cpu_to_be_16(rte_be_to_cpu_16(ip->total_length) + len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = ~rte_raw_cksum(ip, 20 + len);
}

/* Every piece: a valid header checksum, a frame as long as its datagram, payloads that
 * join into the original's at the offsets they claim. Returns the total payload. */
static uint32_t check_pieces(struct rte_mbuf **pieces, int n, const uint8_t *payload,
		uint16_t base_offset)
{
	uint32_t total = 0;

	for (int i = 0; i < n; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(pieces[i]);
		uint32_t hl = rte_ipv4_hdr_len(ip), len = rte_be_to_cpu_16(ip->total_length) - hl;
		uint32_t at = (frag_field(pieces[i]) & RTE_IPV4_HDR_OFFSET_MASK) * 8u -
				base_offset * 8u;

		assert_int_equal(rte_raw_cksum(ip, hl), 0xffff);
		assert_int_equal(rte_pktmbuf_pkt_len(pieces[i]), L2 + hl + len);
		assert_int_equal(rte_pktmbuf_data_len(pieces[i]), rte_pktmbuf_pkt_len(pieces[i]));
		assert_int_equal(at, total);
		assert_memory_equal((const uint8_t *)ip + hl, payload + at, len);
		if (i < n - 1)
			assert_int_equal(len % 8, 0);
		total += len;
	}
	return total;
}

static void free_all(struct rte_mbuf **pieces, int n)
{
	for (int i = 0; i < n; i++)
		rte_pktmbuf_free(pieces[i]);
}

static void a_datagram_that_fits_is_left_alone(void **state)
{
	struct rte_mbuf *m = udp(972), *more[4]; /* 1000 bytes of IP */

	(void)state;
	assert_int_equal(dp_ip4_fragment(m, L2, 1000, test_pool, more, 4), 0);
	assert_int_equal(frag_field(m), 0);
	assert_int_equal(rte_pktmbuf_pkt_len(m), L2 + 1000);
	rte_pktmbuf_free(m);
}

static void pieces_carry_the_payload_in_8_byte_units(void **state)
{
	struct rte_mbuf *m = udp(1472), *pieces[8];
	uint8_t payload[1480];
	int n;

	(void)state;
	memcpy(payload, ip_of(m) + 1, sizeof(payload));
	n = dp_ip4_fragment(m, L2, 576, test_pool, pieces + 1, 7);
	assert_int_equal(n, 2); /* 552 + 552 + 376 */
	pieces[0] = m;
	assert_int_equal(check_pieces(pieces, n + 1, payload, 0), sizeof(payload));
	assert_int_equal(frag_field(pieces[0]), RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(frag_field(pieces[1]), RTE_IPV4_HDR_MF_FLAG | 552 / 8);
	assert_int_equal(frag_field(pieces[2]), 1104 / 8);
	for (int i = 1; i <= n; i++) {
		assert_int_equal(ip_of(pieces[i])->packet_id, ip_of(m)->packet_id);
		assert_int_equal(ip_of(pieces[i])->src_addr, ip_of(m)->src_addr);
		assert_memory_equal(rte_pktmbuf_mtod(pieces[i], void *), rte_pktmbuf_mtod(m, void *), L2);
	}
	free_all(pieces, n + 1);
}

/* A fragment fragmented again: offsets continue from its own, and only its last piece
 * keeps MF as the fragment had it. */
static void a_fragment_keeps_its_offset_and_mf(void **state)
{
	for (int mf = 0; mf <= 1; mf++) {
		struct rte_mbuf *m = udp(1192), *pieces[4];
		uint8_t payload[1200];
		struct rte_ipv4_hdr *ip = ip_of(m);
		int n;

		(void)state;
		ip->fragment_offset = rte_cpu_to_be_16((uint16_t)(100 | (mf ? RTE_IPV4_HDR_MF_FLAG : 0)));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = ~rte_raw_cksum(ip, 20);
		memcpy(payload, ip + 1, sizeof(payload));
		n = dp_ip4_fragment(m, L2, 1000, test_pool, pieces + 1, 3);
		assert_int_equal(n, 1);
		pieces[0] = m;
		assert_int_equal(check_pieces(pieces, 2, payload, 100), sizeof(payload));
		assert_int_equal(frag_field(pieces[0]), RTE_IPV4_HDR_MF_FLAG | 100);
		assert_int_equal(frag_field(pieces[1]), (mf ? RTE_IPV4_HDR_MF_FLAG : 0) | (100 + 976 / 8));
		free_all(pieces, 2);
	}
}

/* RFC 791: options with the copied flag go into every fragment, the others only the first. */
static void only_copied_options_reach_later_pieces(void **state)
{
	/* NOP, record route (not copied, 7 bytes), a copied option of 4 bytes (type 0x94:
	 * router alert, RFC 2113), end: 12 bytes. */
	static const uint8_t opt[12] = {1, 7, 7, 4, 0, 0, 0, 0, 0x94, 4, 0, 0};
	struct rte_mbuf *m = udp(1400), *pieces[4];
	uint8_t payload[1408];
	int n;

	(void)state;
	add_options(m, opt, sizeof(opt));
	memcpy(payload, (uint8_t *)(ip_of(m) + 1) + sizeof(opt), sizeof(payload));
	n = dp_ip4_fragment(m, L2, 1000, test_pool, pieces + 1, 3);
	assert_int_equal(n, 1);
	pieces[0] = m;
	assert_int_equal(rte_ipv4_hdr_len(ip_of(m)), 32);
	assert_memory_equal(ip_of(m) + 1, opt, sizeof(opt));
	assert_int_equal(rte_ipv4_hdr_len(ip_of(pieces[1])), 24);
	assert_memory_equal(ip_of(pieces[1]) + 1, opt + 8, 4);
	assert_int_equal(check_pieces(pieces, 2, payload, 0), sizeof(payload));
	free_all(pieces, 2);
}

static void what_it_refuses_leaves_the_frame_unchanged(void **state)
{
	struct rte_mbuf *m = udp(1472), *more[2];
	uint8_t before[1514];

	(void)state;
	memcpy(before, rte_pktmbuf_mtod(m, void *), sizeof(before));
	ip_of(m)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	assert_int_equal(dp_ip4_fragment(m, L2, 1000, test_pool, more, 2), -EINVAL);
	ip_of(m)->fragment_offset = 0;
	assert_int_equal(dp_ip4_fragment(m, L2, 27, test_pool, more, 2), -EINVAL); /* < 20 + 8 */
	assert_int_equal(dp_ip4_fragment(m, L2, 576, test_pool, more, 1), -ENOSPC);
	ip_of(m)->total_length = RTE_BE16(1600); /* beyond the frame */
	assert_int_equal(dp_ip4_fragment(m, L2, 576, test_pool, more, 2), -EINVAL);
	ip_of(m)->total_length = RTE_BE16(1500);
	assert_int_equal(rte_pktmbuf_pkt_len(m), sizeof(before));
	assert_memory_equal(rte_pktmbuf_mtod(m, void *), before, sizeof(before));
	rte_pktmbuf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_datagram_that_fits_is_left_alone),
		cmocka_unit_test(pieces_carry_the_payload_in_8_byte_units),
		cmocka_unit_test(a_fragment_keeps_its_offset_and_mf),
		cmocka_unit_test(only_copied_options_reach_later_pieces),
		cmocka_unit_test(what_it_refuses_leaves_the_frame_unchanged),
	};

	if (test_env_init("ip4_frag") < 0)
		return 1;
	return cmocka_run_group_tests_name("ip4_frag", tests, NULL, NULL);
}
