/* SPDX-License-Identifier: Apache-2.0 */
/* Port security in bridge_input: what a VM port may and may not send. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_arp.h>

#include "engine/dp_conf.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "pkt_builder.h"

static uint16_t vm;

/* Port "vm" on network "red", MAC ...:0a, address 10.0.0.10. */
static int setup(void **state)
{
	struct rte_ether_addr mac = mac_of(0xa);

	(void)state;
	test_env_reset();
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	vm = test_port("vm");
	test_port("peer");
	test_attach("vm", "red");
	test_attach("peer", "red");
	test_security("vm", &mac, "10.0.0.10");
	return 0;
}

static uint16_t run1(struct rte_mbuf *m)
{
	uint16_t next;

	dp_bridge_input_burst(test_worker, &m, 1, &next);
	rte_pktmbuf_free(m);
	return next;
}

static struct pkt_spec from_vm(uint8_t src)
{
	struct pkt_spec s = {.src = mac_of(src), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = vm};

	return s;
}

static void port_sends_from_its_own_mac_and_ip(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "10.0.0.10", "10.0.0.11", 10)),
			DP_L2_FLOOD);
}

static void spoofed_source_mac_is_dropped(void **state)
{
	struct pkt_spec s = from_vm(0x66);

	(void)state;
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "10.0.0.10", "10.0.0.11", 10)),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_SRC_MAC));
}

static void spoofed_source_ip_is_dropped(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "10.0.0.99", "10.0.0.11", 10)),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_SRC_IP));
}

static void dhcp_discover_from_zero_address_passes(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	memset(&s.dst, 0xff, sizeof(s.dst));
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "0.0.0.0", "255.255.255.255", 10)),
			DP_L2_FLOOD);
}

static void arp_claiming_another_ip_is_dropped(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	assert_int_equal(run1(pkt_arp_request(test_pool, &s, NULL, "10.0.0.11", "10.0.0.1")),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_ARP));
}

static void arp_with_foreign_sender_mac_is_dropped(void **state)
{
	struct pkt_spec s = from_vm(0xa);
	struct rte_ether_addr other = mac_of(0x77);

	(void)state;
	assert_int_equal(run1(pkt_arp_request(test_pool, &s, &other, "10.0.0.10", "10.0.0.1")),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_ARP));
}

static void own_arp_passes(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	assert_int_equal(run1(pkt_arp_request(test_pool, &s, NULL, "10.0.0.10", "10.0.0.1")),
			DP_L2_FLOOD);
}

static void non_ip_ethertype_is_denied(void **state)
{
	struct pkt_spec s = from_vm(0xa);

	(void)state;
	assert_int_equal(run1(pkt_raw(test_pool, &s, 0x88cc, 60)),
			DP_L2_EDGE_DROP(DP_DROP_ETHERTYPE_DENIED));
}

/* An IPv4 frame from the VM's own MAC and address, for a test to break. */
static struct rte_mbuf *own_ipv4(uint16_t payload)
{
	struct pkt_spec s = from_vm(0xa);

	return pkt_ipv4_udp(test_pool, &s, "10.0.0.10", "10.0.0.11", payload);
}

static struct rte_ipv4_hdr *ipv4_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
}

/* Port security reads the source address only from a header that RFC 791 3.1 allows:
 * a receiver would read a malformed one differently, or not at all. */
static void ipv4_header_length_below_20_bytes_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv4(10);

	(void)state;
	ipv4_of(m)->version_ihl = 0x44;
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void ipv4_version_other_than_4_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv4(10);

	(void)state;
	ipv4_of(m)->version_ihl = 0x65;
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void ipv4_header_longer_than_the_frame_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv4(10); /* 38 bytes of IPv4 */

	(void)state;
	ipv4_of(m)->version_ihl = 0x4f; /* 60 bytes of header */
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void ipv4_total_length_beyond_the_frame_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv4(10);

	(void)state;
	ipv4_of(m)->total_length = rte_cpu_to_be_16(39);
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void ipv4_total_length_shorter_than_its_header_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv4(10);

	(void)state;
	ipv4_of(m)->total_length = rte_cpu_to_be_16(19);
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void frame_too_short_for_an_ipv4_header_is_a_runt(void **state)
{
	struct pkt_spec s = from_vm(0xa);
	struct rte_mbuf *m = pkt_raw(test_pool, &s, RTE_ETHER_TYPE_IPV4, 14 + 19);

	(void)state;
	ipv4_of(m)->version_ihl = RTE_IPV4_VHL_DEF;
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_RUNT_FRAME));
}

/* Ethernet pads short frames to 60 bytes (IEEE 802.3 4.2.3.3): more than the total length. */
static void ipv4_padded_to_the_ethernet_minimum_passes(void **state)
{
	struct rte_mbuf *m = own_ipv4(2);
	uint16_t pad = 60 - rte_pktmbuf_pkt_len(m);

	(void)state;
	memset(rte_pktmbuf_append(m, pad), 0, pad);
	assert_int_equal(run1(m), DP_L2_FLOOD);
}

static void ipv4_with_options_passes(void **state)
{
	struct pkt_spec s = from_vm(0xa);
	struct rte_mbuf *m = pkt_raw(test_pool, &s, RTE_ETHER_TYPE_IPV4, 14 + 24 + 8);
	struct rte_ipv4_hdr *ip = ipv4_of(m);

	(void)state;
	ip->version_ihl = 0x46; /* 4 bytes of options (zeros: end of option list) */
	ip->total_length = rte_cpu_to_be_16(24 + 8);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = test_ip("10.0.0.10");
	ip->dst_addr = test_ip("10.0.0.11");
	assert_int_equal(run1(m), DP_L2_FLOOD);
}

/* The sender addresses sit where RFC 826 puts them only for Ethernet/IPv4 ARP. */
static void arp_with_other_address_lengths_is_dropped(void **state)
{
	struct pkt_spec s = from_vm(0xa);
	struct rte_mbuf *m = pkt_arp_request(test_pool, &s, NULL, "10.0.0.10", "10.0.0.1");
	struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, RTE_ETHER_HDR_LEN);

	(void)state;
	arp->arp_plen = 16;
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static struct rte_mbuf *own_ipv6(void)
{
	struct pkt_spec s = from_vm(0xa);

	return pkt_ipv6_udp(test_pool, &s, "fe80::a", "ff02::1:2", 10);
}

static struct rte_ipv6_hdr *ipv6_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, sizeof(struct rte_ether_hdr));
}

static void link_local_ipv6_passes(void **state)
{
	(void)state;
	assert_int_equal(run1(own_ipv6()), DP_L2_FLOOD);
}

/* RFC 8200 3: the fixed header's version is 6 and its payload follows it in the frame. */
static void ipv6_version_other_than_6_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv6();

	(void)state;
	ipv6_of(m)->vtc_flow = rte_cpu_to_be_32(4u << 28);
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void ipv6_payload_length_beyond_the_frame_is_dropped(void **state)
{
	struct rte_mbuf *m = own_ipv6();

	(void)state;
	ipv6_of(m)->payload_len = rte_cpu_to_be_16(19);
	assert_int_equal(run1(m), DP_L2_EDGE_DROP(DP_DROP_INVALID_IP_HEADER));
}

static void allowed_address_pair_passes_with_its_mac(void **state)
{
	struct dp_port_security_req req = {.enabled = 1, .n_addrs = 1, .n_pairs = 1};
	struct pkt_spec s = from_vm(0xc);
	struct rte_ether_addr mac = mac_of(0xa), pair_mac = mac_of(0xc);

	(void)state;
	snprintf(req.port, sizeof(req.port), "vm");
	memcpy(req.mac, &mac, 6);
	req.addrs[0] = (struct dp_ip_prefix){.family = AF_INET, .prefixlen = 32};
	inet_pton(AF_INET, "10.0.0.10", req.addrs[0].addr);
	memcpy(req.pairs[0].mac, &pair_mac, 6);
	req.pairs[0].ip = (struct dp_ip_prefix){.family = AF_INET, .prefixlen = 24};
	inet_pton(AF_INET, "192.168.5.0", req.pairs[0].ip.addr);
	assert_int_equal(dp_conf_port_security(&req), 0);

	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "192.168.5.77", "10.0.0.11", 10)),
			DP_L2_FLOOD);
	/* The pair's address with the port's own MAC is not what the pair allows. */
	s = from_vm(0xa);
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "192.168.5.77", "10.0.0.11", 10)),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_SRC_IP));
}

static void new_port_is_secure_until_its_mac_is_known(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xb), .dst = mac_of(0xa), .vlan = NO_VLAN};

	(void)state;
	s.in_port = dp_conf_port_by_name("peer");
	assert_int_equal(run1(pkt_ipv4_udp(test_pool, &s, "10.0.0.11", "10.0.0.10", 10)),
			DP_L2_EDGE_DROP(DP_DROP_SPOOFED_SRC_MAC));
}

static void security_with_empty_mac_is_refused(void **state)
{
	struct dp_port_security_req req = {.enabled = 1};

	(void)state;
	snprintf(req.port, sizeof(req.port), "vm");
	assert_int_equal(dp_conf_port_security(&req), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(port_sends_from_its_own_mac_and_ip, setup),
		cmocka_unit_test_setup(spoofed_source_mac_is_dropped, setup),
		cmocka_unit_test_setup(spoofed_source_ip_is_dropped, setup),
		cmocka_unit_test_setup(dhcp_discover_from_zero_address_passes, setup),
		cmocka_unit_test_setup(arp_claiming_another_ip_is_dropped, setup),
		cmocka_unit_test_setup(arp_with_foreign_sender_mac_is_dropped, setup),
		cmocka_unit_test_setup(own_arp_passes, setup),
		cmocka_unit_test_setup(non_ip_ethertype_is_denied, setup),
		cmocka_unit_test_setup(ipv4_header_length_below_20_bytes_is_dropped, setup),
		cmocka_unit_test_setup(ipv4_version_other_than_4_is_dropped, setup),
		cmocka_unit_test_setup(ipv4_header_longer_than_the_frame_is_dropped, setup),
		cmocka_unit_test_setup(ipv4_total_length_beyond_the_frame_is_dropped, setup),
		cmocka_unit_test_setup(ipv4_total_length_shorter_than_its_header_is_dropped, setup),
		cmocka_unit_test_setup(frame_too_short_for_an_ipv4_header_is_a_runt, setup),
		cmocka_unit_test_setup(ipv4_padded_to_the_ethernet_minimum_passes, setup),
		cmocka_unit_test_setup(ipv4_with_options_passes, setup),
		cmocka_unit_test_setup(arp_with_other_address_lengths_is_dropped, setup),
		cmocka_unit_test_setup(link_local_ipv6_passes, setup),
		cmocka_unit_test_setup(ipv6_version_other_than_6_is_dropped, setup),
		cmocka_unit_test_setup(ipv6_payload_length_beyond_the_frame_is_dropped, setup),
		cmocka_unit_test_setup(allowed_address_pair_passes_with_its_mac, setup),
		cmocka_unit_test_setup(new_port_is_secure_until_its_mac_is_known, setup),
		cmocka_unit_test_setup(security_with_empty_mac_is_refused, setup),
	};

	if (test_env_init("security") < 0)
		return 1;
	return cmocka_run_group_tests_name("port_security", tests, NULL, NULL);
}
