/* SPDX-License-Identifier: Apache-2.0 */
/* bridge_input on crafted frames: next edge, rewritten headers, MAC table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_ether.h>

#include "engine/dp_conf.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"

static uint16_t pa, pb, pc, up;

/* A flat network "red" with ports a and b, and a VLAN network "green" (VLAN 100
 * on physnet1) with access port c and the physnet's uplink. */
static int setup(void **state)
{
	(void)state;
	test_env_reset();
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	test_network("blue", DP_NET_FLAT, "", 0, 1500);
	test_network("green", DP_NET_VLAN, "physnet1", 100, 1500);
	pa = test_port("a");
	pb = test_port("b");
	pc = test_port("c");
	up = test_port("up");
	test_attach("a", "red");
	test_attach("b", "red");
	test_attach("c", "green");
	test_uplink("up", "physnet1");
	test_security_off("a");
	test_security_off("b");
	test_security_off("c");
	return 0;
}

static uint16_t run1(struct rte_mbuf *m)
{
	uint16_t next;

	dp_bridge_input_burst(test_worker, &m, 1, &next);
	return next;
}

static void free_if_dropped(struct rte_mbuf *m, uint16_t next)
{
	if (next >= DP_L2_DROP)
		rte_pktmbuf_free(m);
}

static struct rte_mbuf *udp_from(uint16_t port, uint8_t src, uint8_t dst, uint16_t vlan)
{
	struct pkt_spec s = {.src = mac_of(src), .dst = mac_of(dst), .vlan = vlan, .in_port = port};

	return pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.2", 18);
}

static void unknown_unicast_is_flooded(void **state)
{
	struct rte_mbuf *m = udp_from(pa, 0xa, 0xb, NO_VLAN);

	(void)state;
	assert_int_equal(run1(m), DP_L2_FLOOD);
	assert_int_equal(dp_mbuf_meta(m)->net_id, dp_conf_net_by_name("red"));
	rte_pktmbuf_free(m);
}

static void learned_mac_is_forwarded_to_its_port(void **state)
{
	struct rte_mbuf *m1 = udp_from(pa, 0xa, 0xb, NO_VLAN);
	struct rte_mbuf *m2 = udp_from(pb, 0xb, 0xa, NO_VLAN);

	(void)state;
	assert_int_equal(run1(m1), DP_L2_FLOOD); /* learns 0xa on a */
	assert_int_equal(run1(m2), DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(m2)->out_port, pa);
	rte_pktmbuf_free(m1);
	rte_pktmbuf_free(m2);
}

static void macs_are_learned_per_network(void **state)
{
	/* 0xa is learned in red; the same MAC looked up from green is unknown. */
	struct rte_mbuf *m1 = udp_from(pa, 0xa, 0xb, NO_VLAN);
	struct rte_mbuf *m2 = udp_from(pc, 0xc, 0xa, NO_VLAN);

	(void)state;
	run1(m1);
	assert_int_equal(run1(m2), DP_L2_FLOOD);
	assert_int_equal(dp_mbuf_meta(m2)->net_id, dp_conf_net_by_name("green"));
	rte_pktmbuf_free(m1);
	rte_pktmbuf_free(m2);
}

static void broadcast_is_flooded_even_when_known(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .in_port = pa};
	struct rte_mbuf *m;

	(void)state;
	memset(&s.dst, 0xff, sizeof(s.dst));
	s.vlan = NO_VLAN;
	m = pkt_arp_request(test_pool, &s, NULL, "10.0.0.1", "10.0.0.2");
	assert_int_equal(run1(m), DP_L2_FLOOD);
	rte_pktmbuf_free(m);
}

static void frame_to_its_own_port_is_dropped(void **state)
{
	struct rte_mbuf *m1 = udp_from(pa, 0xa, 0xb, NO_VLAN);
	struct rte_mbuf *m2 = udp_from(pa, 0xc, 0xa, NO_VLAN);
	uint16_t next;

	(void)state;
	run1(m1);
	next = run1(m2);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_SAME_PORT));
	rte_pktmbuf_free(m1);
	free_if_dropped(m2, next);
}

static void runt_frame_is_dropped(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .in_port = pa};
	struct rte_mbuf *m = pkt_raw(test_pool, &s, 0x0800, 10);
	uint16_t next = run1(m);

	(void)state;
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_RUNT_FRAME));
	free_if_dropped(m, next);
}

static void multicast_source_is_dropped(void **state)
{
	struct rte_mbuf *m = udp_from(pa, 0xb, 0xb, NO_VLAN);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr.addr_bytes[0] = 0x01;
	next = run1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_INVALID_SRC_MAC));
	free_if_dropped(m, next);
}

static void tagged_frame_on_access_port_is_dropped(void **state)
{
	struct rte_mbuf *m = udp_from(pa, 0xa, 0xb, 100);
	uint16_t next = run1(m);

	(void)state;
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_BAD_VLAN));
	free_if_dropped(m, next);
}

static void uplink_frame_with_unknown_vlan_is_dropped(void **state)
{
	struct rte_mbuf *m = udp_from(up, 0xe, 0xc, 200);
	uint16_t next = run1(m);

	(void)state;
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_NO_NETWORK));
	free_if_dropped(m, next);
}

static void uplink_vlan_frame_reaches_access_port_untagged(void **state)
{
	struct rte_mbuf *learn = udp_from(pc, 0xc, 0xe, NO_VLAN);
	struct rte_mbuf *m = udp_from(up, 0xe, 0xc, 100);
	uint16_t len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eth;

	(void)state;
	run1(learn);
	assert_int_equal(run1(m), DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(m)->out_port, pc);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	assert_int_equal(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xe}}));
	assert_int_equal(rte_pktmbuf_pkt_len(m), len - 4);
	rte_pktmbuf_free(learn);
	rte_pktmbuf_free(m);
}

static void access_frame_to_uplink_gets_the_network_vlan_tag(void **state)
{
	struct rte_mbuf *learn = udp_from(up, 0xe, 0xc, 100);
	struct rte_mbuf *m = udp_from(pc, 0xc, 0xe, NO_VLAN);
	uint16_t len = rte_pktmbuf_pkt_len(m);
	struct rte_ether_hdr *eth;
	struct rte_vlan_hdr *vh;

	(void)state;
	run1(learn);
	assert_int_equal(run1(m), DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(m)->out_port, up);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	vh = (struct rte_vlan_hdr *)(eth + 1);
	assert_int_equal(eth->ether_type, rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN));
	assert_int_equal(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, 100);
	assert_int_equal(vh->eth_proto, rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xe}}));
	assert_int_equal(rte_pktmbuf_pkt_len(m), len + 4);
	rte_pktmbuf_free(learn);
	rte_pktmbuf_free(m);
}

static void frame_over_network_mtu_is_dropped(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = pa};
	struct rte_mbuf *ok, *big;
	uint16_t next;

	(void)state;
	test_network("small", DP_NET_FLAT, "", 0, 1000);
	test_attach("a", "small");
	/* 1000 bytes of IP: exactly the MTU; 1001: one too many. */
	ok = pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.2", 1000 - 28);
	big = pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.2", 1001 - 28);
	assert_int_equal(run1(ok), DP_L2_FLOOD);
	next = run1(big);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_MTU_EXCEEDED));
	rte_pktmbuf_free(ok);
	free_if_dropped(big, next);
}

static void detached_port_loses_its_macs_at_once(void **state)
{
	struct rte_mbuf *m1 = udp_from(pa, 0xa, 0xb, NO_VLAN);
	struct rte_mbuf *m2 = udp_from(pb, 0xb, 0xa, NO_VLAN);

	(void)state;
	run1(m1);
	assert_int_equal(dp_conf_port_detach("a"), 0);
	test_attach("a", "red");
	/* 0xa's entry carries the old epoch of port a: unknown again, so flooded. */
	assert_int_equal(run1(m2), DP_L2_FLOOD);
	rte_pktmbuf_free(m1);
	rte_pktmbuf_free(m2);
}

static void mixed_burst_gets_one_edge_per_frame(void **state)
{
	struct rte_mbuf *m[3] = {udp_from(pa, 0xa, 0xb, NO_VLAN), udp_from(pa, 0xa, 0xb, 7),
			udp_from(pb, 0xb, 0xa, NO_VLAN)};
	uint16_t next[3];

	(void)state;
	dp_bridge_input_burst(test_worker, m, 3, next);
	assert_int_equal(next[0], DP_L2_FLOOD);
	assert_int_equal(next[1], DP_L2_EDGE_DROP(DP_DROP_BAD_VLAN));
	/* The second pass runs after the whole first: 0xa, learned from frame 0, is known. */
	assert_int_equal(next[2], DP_L2_TX);
	rte_pktmbuf_free(m[0]);
	rte_pktmbuf_free(m[1]);
	rte_pktmbuf_free(m[2]);
}

/* The operator's static entry for 0xa in red (MAC_ADD), on port b. */
static uint64_t key_0xa(void)
{
	struct rte_ether_addr mac = mac_of(0xa);

	return dp_fdb_key(dp_conf_net_by_name("red"), &mac);
}

static void operator_pins_0xa_to_b(void)
{
	uint64_t key = key_0xa();

	dp_kv_set(&dp_tables.fdb, key, dp_kv_hash(key),
			dp_fdb_val(pb, dp_port_epochs[pb], true, 0));
}

/* Static entries are the operator's word: a frame does not move them, even one being
 * learned at the moment the entry is added (its write held up as a page fault does). */
static void static_mac_added_while_a_frame_learns_it_stays(void **state)
{
	struct rte_mbuf *m = udp_from(pa, 0xa, 0xb, NO_VLAN);
	uint64_t v;

	(void)state;
	test_hold_next_write(&dp_tables.fdb, key_0xa(), operator_pins_0xa_to_b);
	assert_int_equal(run1(m), DP_L2_FLOOD);
	assert_int_equal(test_release_hold(), 1);
	rte_pktmbuf_free(m);
	assert_true(dp_kv_lookup(&dp_tables.fdb, key_0xa(), dp_kv_hash(key_0xa()), &v));
	assert_true(v & DP_FDB_VAL_STATIC);
	assert_int_equal(DP_FDB_VAL_PORT(v), pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(unknown_unicast_is_flooded, setup),
		cmocka_unit_test_setup(learned_mac_is_forwarded_to_its_port, setup),
		cmocka_unit_test_setup(macs_are_learned_per_network, setup),
		cmocka_unit_test_setup(broadcast_is_flooded_even_when_known, setup),
		cmocka_unit_test_setup(frame_to_its_own_port_is_dropped, setup),
		cmocka_unit_test_setup(runt_frame_is_dropped, setup),
		cmocka_unit_test_setup(multicast_source_is_dropped, setup),
		cmocka_unit_test_setup(tagged_frame_on_access_port_is_dropped, setup),
		cmocka_unit_test_setup(uplink_frame_with_unknown_vlan_is_dropped, setup),
		cmocka_unit_test_setup(uplink_vlan_frame_reaches_access_port_untagged, setup),
		cmocka_unit_test_setup(access_frame_to_uplink_gets_the_network_vlan_tag, setup),
		cmocka_unit_test_setup(frame_over_network_mtu_is_dropped, setup),
		cmocka_unit_test_setup(detached_port_loses_its_macs_at_once, setup),
		cmocka_unit_test_setup(mixed_burst_gets_one_edge_per_frame, setup),
		cmocka_unit_test_setup(static_mac_added_while_a_frame_learns_it_stays, setup),
	};

	if (test_env_init("bridge") < 0)
		return 1;
	return cmocka_run_group_tests_name("bridge_input", tests, NULL, NULL);
}
