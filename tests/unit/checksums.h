/* SPDX-License-Identifier: Apache-2.0 */
/*
 * For cmocka tests of translations (include after cmocka.h): asserts that the
 * IPv4 frame m's checksums are what a computation from scratch makes them
 * (IP; TCP/UDP with the pseudo-header; ICMP over its message, and for an ICMP
 * error the quoted IP header's own).
 */
#ifndef VIRGA_TEST_CHECKSUMS_H
#define VIRGA_TEST_CHECKSUMS_H

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

static inline void test_assert_checksums_fresh(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip =
	                rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	struct rte_ipv4_hdr copy = *ip;
	void *l4 = ip + 1;
	uint16_t have;

	copy.hdr_checksum = 0;
	assert_int_equal(ip->hdr_checksum, rte_ipv4_cksum(&copy));
	if (ip->next_proto_id == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = l4;

		have = tcp->cksum;
		tcp->cksum = 0;
		assert_int_equal(have, rte_ipv4_udptcp_cksum(ip, tcp));
		tcp->cksum = have;
	} else if (ip->next_proto_id == IPPROTO_UDP) {
		struct rte_udp_hdr *udp = l4;

		have = udp->dgram_cksum;
		udp->dgram_cksum = 0;
		assert_int_equal(have, rte_ipv4_udptcp_cksum(ip, udp));
		udp->dgram_cksum = have;
	} else {
		const struct rte_icmp_hdr *icmp = l4;

		assert_int_equal(ip->next_proto_id, IPPROTO_ICMP);
		assert_int_equal(
		                rte_raw_cksum(l4, rte_be_to_cpu_16(ip->total_length) - sizeof(*ip)),
		                0xffff);
		if (icmp->icmp_type == 3 || icmp->icmp_type == 11) {
			const struct rte_ipv4_hdr *in = (const struct rte_ipv4_hdr *)(icmp + 1);

			assert_int_equal(rte_raw_cksum(in, rte_ipv4_hdr_len(in)), 0xffff);
		}
	}
}

#endif
