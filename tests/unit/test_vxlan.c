/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN: encapsulation bytes, decapsulation checks, ARP for the VTEP, and the
 * switching decisions around remote VTEPs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_arp.h>

#include "core/dp_conf.h"
#include "core/dp_neigh.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_vxlan.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t vm, under;
static const struct rte_ether_addr peer_mac = {{0x02, 0xee, 0, 0, 0, 0x02}};

/* Node 10.0.0.1/24 on underlay port "u"; VXLAN network "blue" (VNI 5000) with
 * local port "vm" and remote VTEP 10.0.0.2, whose MAC is already known. */
static int setup(void **state)
{
	(void)state;
	test_env_reset();
	vm = test_port("vm");
	under = test_port("u");
	test_network("blue", DP_NET_VXLAN, "", 5000, 0);
	test_attach("vm", "blue");
	test_security_off("vm");
	test_vtep("u", "10.0.0.1", 24, true);
	test_peer("blue", "10.0.0.2");
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.2"), &peer_mac);
	return 0;
}

static struct rte_mbuf *inner_frame(uint8_t src, uint8_t dst)
{
	struct pkt_spec s = {.src = mac_of(src), .dst = mac_of(dst), .vlan = NO_VLAN, .in_port = vm};

	return pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.2", 18);
}

static void encap_builds_outer_headers_field_by_field(void **state)
{
	struct rte_mbuf *m = inner_frame(0xa, 0xb);
	uint8_t inner[128];
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	const struct dp_vtep *v = dp_vtep_get();
	const uint8_t *p;
	uint16_t sport;

	(void)state;
	memcpy(inner, rte_pktmbuf_mtod(m, void *), inner_len);
	sport = dp_vxlan_src_port(m);
	assert_int_equal(dp_vxlan_encap(test_worker, m, v, 5000, test_ip("10.0.0.2")),
			DP_DROP_REASON_MAX);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(m), inner_len + 50);
	/* Ethernet: to the peer's MAC, from the underlay port's, IPv4. */
	assert_memory_equal(p, &peer_mac, 6);
	assert_memory_equal(p + 6, &v->mac, 6);
	assert_int_equal(p[12], 0x08);
	assert_int_equal(p[13], 0x00);
	/* IPv4: version 4, IHL 5, total length, DF, TTL 64, UDP, 10.0.0.1 -> 10.0.0.2. */
	assert_int_equal(p[14], 0x45);
	assert_int_equal(p[16] << 8 | p[17], inner_len + 36);
	assert_int_equal(p[20], 0x40);
	assert_int_equal(p[22], 64);
	assert_int_equal(p[23], 17);
	static const uint8_t src_ip[4] = {10, 0, 0, 1}, dst_ip[4] = {10, 0, 0, 2};
	static const uint8_t vxlan_hdr[8] = {0x08, 0, 0, 0, 0x00, 0x13, 0x88, 0};

	assert_memory_equal(p + 26, src_ip, 4);
	assert_memory_equal(p + 30, dst_ip, 4);
	/* A header whose checksum is right sums to 0xffff (RFC 1071). */
	assert_int_equal(rte_raw_cksum(p + 14, 20), 0xffff);
	/* UDP: hashed source port in 49152-65535, 4789, length, no checksum. */
	assert_int_equal(p[34] << 8 | p[35], sport);
	assert_true(sport >= 49152);
	assert_int_equal(p[36] << 8 | p[37], 4789);
	assert_int_equal(p[38] << 8 | p[39], inner_len + 16);
	assert_int_equal(p[40] << 8 | p[41], 0);
	/* VXLAN: I flag, VNI 5000 = 0x001388 in bytes 4-6. */
	assert_memory_equal(p + 42, vxlan_hdr, 8);
	/* The inner frame, untouched. */
	assert_memory_equal(p + 50, inner, inner_len);
	rte_pktmbuf_free(m);
}

static void same_flow_gets_same_source_port_and_others_spread(void **state)
{
	struct rte_mbuf *a = inner_frame(0xa, 0xb), *b = inner_frame(0xa, 0xb);
	struct rte_mbuf *c = inner_frame(0xc, 0xb);

	(void)state;
	assert_int_equal(dp_vxlan_src_port(a), dp_vxlan_src_port(b));
	assert_int_not_equal(dp_vxlan_src_port(a), dp_vxlan_src_port(c));
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(c);
}

static void encap_to_unresolved_peer_sends_arp_request(void **state)
{
	struct rte_mbuf *m = inner_frame(0xa, 0xb), *req = NULL;
	struct rte_arp_hdr *arp;

	(void)state;
	assert_int_equal(dp_vxlan_encap(test_worker, m, dp_vtep_get(), 5000, test_ip("10.0.0.3")),
			DP_DROP_NEIGH_UNRESOLVED);
	rte_pktmbuf_free(m);
	dp_tx_flush(test_worker);
	assert_int_equal(test_port_drain(under, &req, 1), 1);
	arp = dp_arp_parse(req);
	assert_non_null(arp);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REQUEST));
	assert_int_equal(arp->arp_data.arp_tip, test_ip("10.0.0.3"));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.0.0.1"));
	rte_pktmbuf_free(req);
}

static void inner_frame_too_big_for_underlay_is_dropped(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = vm};
	/* 1451 bytes of IP + 14 + 50 - 14 = 1501 > the underlay's 1500. */
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.2", 1451 - 28);

	(void)state;
	assert_int_equal(dp_vxlan_encap(test_worker, m, dp_vtep_get(), 5000, test_ip("10.0.0.2")),
			DP_DROP_UNDERLAY_MTU);
	rte_pktmbuf_free(m);
}

/* An encapsulated frame as the peer 10.0.0.2 would send it to us. */
static struct rte_mbuf *from_peer(uint32_t vni, uint8_t src, uint8_t dst)
{
	struct rte_mbuf *m = inner_frame(src, dst);
	struct dp_vtep v = *dp_vtep_get();
	struct dp_vxlan_outer *o;

	/* Build it with our own encap, addresses swapped, then address it to us. */
	v.local_ip = test_ip("10.0.0.2");
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.1"), &v.mac);
	assert_int_equal(dp_vxlan_encap(test_worker, m, &v, vni, test_ip("10.0.0.1")),
			DP_DROP_REASON_MAX);
	o = rte_pktmbuf_mtod(m, struct dp_vxlan_outer *);
	o->eth.src_addr = peer_mac;
	m->port = under;
	return m;
}

static uint16_t underlay1(struct rte_mbuf *m)
{
	uint16_t next;

	dp_underlay_input_burst(test_worker, &m, 1, &next);
	return next;
}

static void decap_switches_inner_frame_and_learns_its_source_behind_the_peer(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	struct rte_mbuf *reply = inner_frame(0xa, 0xe);
	uint16_t next;

	(void)state;
	assert_int_equal(underlay1(m), DP_L2_FLOOD); /* 0xa is not known yet */
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 20 + 8 + 18);
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr,
			&(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xe}}));
	/* The reply to 0xe goes back to the VTEP it came from. */
	dp_bridge_input_burst(test_worker, &reply, 1, &next);
	assert_int_equal(next, DP_L2_VXLAN);
	assert_int_equal(dp_mbuf_meta(reply)->out_port,
			DP_PEER_BASE + dp_conf_peer_by_ip(test_ip("10.0.0.2")));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(reply);
}

static void decap_with_unknown_vni_is_dropped(void **state)
{
	struct rte_mbuf *m = from_peer(5001, 0xe, 0xa);
	uint16_t next = underlay1(m);

	(void)state;
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_UNKNOWN_VNI));
	rte_pktmbuf_free(m);
}

static void decap_to_another_udp_port_is_not_for_us(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->udp.dst_port = RTE_BE16(4790);
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_NOT_FOR_US));
	rte_pktmbuf_free(m);
}

static void decap_without_the_vni_flag_is_a_bad_header(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->vxlan.flags = 0;
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_BAD_HEADER));
	rte_pktmbuf_free(m);
}

static void overlay_frame_is_never_sent_back_into_the_overlay(void **state)
{
	struct dp_mac_req r = {.network = "blue", .mac = {2, 0, 0, 0, 0, 0xf}};
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xf);
	uint64_t key = dp_fdb_key(dp_conf_net_by_name("blue"), (struct rte_ether_addr *)r.mac);
	uint16_t next;

	(void)state;
	/* 0xf lives behind the same peer (l2population), yet the peer sent us a frame for it. */
	dp_kv_set(&dp_tables.fdb, key, dp_kv_hash(key),
			dp_fdb_val(DP_PEER_BASE + dp_conf_peer_by_ip(test_ip("10.0.0.2")),
					dp_tables.peer_epoch[dp_conf_peer_by_ip(test_ip("10.0.0.2"))], true, 0));
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_SAME_PORT));
	rte_pktmbuf_free(m);
}

static void arp_for_the_vtep_address_is_answered(void **state)
{
	struct pkt_spec s = {.src = peer_mac, .vlan = NO_VLAN, .in_port = under};
	struct rte_mbuf *m;
	struct rte_arp_hdr *arp;
	struct rte_ether_addr mac;

	(void)state;
	memset(&s.dst, 0xff, 6);
	m = pkt_arp_request(test_pool, &s, NULL, "10.0.0.7", "10.0.0.1");
	assert_int_equal(underlay1(m), DP_L2_TX);
	arp = dp_arp_parse(m);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.0.0.1"));
	assert_int_equal(arp->arp_data.arp_tip, test_ip("10.0.0.7"));
	assert_true(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &dp_vtep_get()->mac));
	assert_int_equal(dp_mbuf_meta(m)->out_port, under);
	/* And the asker is now a known neighbour. */
	assert_true(dp_neigh_lookup(DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.7"), &mac));
	assert_true(rte_is_same_ether_addr(&mac, &peer_mac));
	rte_pktmbuf_free(m);
}

static void flood_replicates_to_each_peer_encapsulated(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .vlan = NO_VLAN, .in_port = vm};
	struct rte_mbuf *m, *out[4];
	uint16_t n;

	(void)state;
	test_peer("blue", "10.0.0.3");
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.3"), &peer_mac);
	memset(&s.dst, 0xff, 6);
	m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.255", 18);
	dp_mbuf_meta(m)->net_id = dp_conf_net_by_name("blue");
	dp_flood_one(test_worker, m);
	dp_tx_flush(test_worker);
	n = test_port_drain(under, out, 4);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_vxlan_outer *o = rte_pktmbuf_mtod(out[i], const struct dp_vxlan_outer *);

		assert_int_equal(o->udp.dst_port, RTE_BE16(4789));
		assert_true(o->ip.dst_addr == test_ip("10.0.0.2") || o->ip.dst_addr == test_ip("10.0.0.3"));
		rte_pktmbuf_free(out[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(encap_builds_outer_headers_field_by_field, setup),
		cmocka_unit_test_setup(same_flow_gets_same_source_port_and_others_spread, setup),
		cmocka_unit_test_setup(encap_to_unresolved_peer_sends_arp_request, setup),
		cmocka_unit_test_setup(inner_frame_too_big_for_underlay_is_dropped, setup),
		cmocka_unit_test_setup(decap_switches_inner_frame_and_learns_its_source_behind_the_peer,
				setup),
		cmocka_unit_test_setup(decap_with_unknown_vni_is_dropped, setup),
		cmocka_unit_test_setup(decap_to_another_udp_port_is_not_for_us, setup),
		cmocka_unit_test_setup(decap_without_the_vni_flag_is_a_bad_header, setup),
		cmocka_unit_test_setup(overlay_frame_is_never_sent_back_into_the_overlay, setup),
		cmocka_unit_test_setup(arp_for_the_vtep_address_is_answered, setup),
		cmocka_unit_test_setup(flood_replicates_to_each_peer_encapsulated, setup),
	};

	if (test_env_init("vxlan") < 0)
		return 1;
	return cmocka_run_group_tests_name("vxlan", tests, NULL, NULL);
}
