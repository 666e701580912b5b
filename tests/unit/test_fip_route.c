/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Floating IPs in ip4_route: stateless 1:1 rewrites both ways for TCP, UDP and
 * ICMP, their checksums compared to a recomputation from scratch; the ARP
 * proxy for a fip on the gateway's network; a moved fip; a deleted one.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "engine/dp_neigh.h"
#include "checksums.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l3/dp_fip.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t px, pv;
static struct rte_ether_addr gw_ext, gw_lan;
static const struct rte_ether_addr outside = {{2, 0, 0, 0, 0, 0x0e}}, vm = {{2, 0, 0, 0, 0, 0x05}};

static int fip_add(const char *f, const char *fixed, uint8_t exist_ok)
{
	struct dp_fip_req q = {.router = "r1", .exist_ok = exist_ok};

	inet_pton(AF_INET, f, q.fip);
	inet_pton(AF_INET, fixed, q.fixed_ip);
	return dp_conf_fip_add(&q);
}

/* Drops what the control thread injected (the announcements: test_fip_conf checks them). */
/* Router r1: gateway on "ext" 203.0.113.1/24 (port x, the outside host .50), "lan"
 * 10.0.0.1/24 (port v, the VM 10.0.0.5); fip 203.0.113.10 -> 10.0.0.5. */
static int setup(void **state)
{
	struct dp_router_gw_req gw = {.snat = 1};

	(void)state;
	test_env_reset();
	test_gateway_router(&gw, &px, &pv, &gw_ext, &gw_lan);
	dp_neigh_learn(test_worker, dp_conf_net_by_name("ext"), test_ip("203.0.113.50"), &outside);
	dp_neigh_learn(test_worker, dp_conf_net_by_name("lan"), test_ip("10.0.0.5"), &vm);
	dp_neigh_learn(test_worker, dp_conf_net_by_name("lan"), test_ip("10.0.0.6"), &vm);
	assert_int_equal(fip_add("203.0.113.10", "10.0.0.5", 0), 0);
	test_forget_injected();
	return 0;
}

static struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
}

static struct rte_mbuf *from_outside(uint8_t proto, const char *dst)
{
	struct pkt_spec s = {.src = outside, .dst = gw_ext, .vlan = NO_VLAN, .in_port = px};

	if (proto == IPPROTO_ICMP)
		return pkt_icmp_echo(test_pool, &s, "203.0.113.50", dst, 32);
	return pkt_l4(test_pool, &s, proto, "203.0.113.50", 40000, dst, 22, 0x02, 32);
}

static struct rte_mbuf *from_vm(uint8_t proto, const char *src)
{
	struct pkt_spec s = {.src = vm, .dst = gw_lan, .vlan = NO_VLAN, .in_port = pv};

	if (proto == IPPROTO_ICMP)
		return pkt_icmp_echo(test_pool, &s, src, "203.0.113.50", 32);
	return pkt_l4(test_pool, &s, proto, src, 22, "203.0.113.50", 40000, 0x12, 32);
}

/* The one frame routed left for host mac in network net behind port: sent to that
 * port, or flooded into net while the switch has not learned the host yet. */
static void assert_to(
                struct test_routed r, const struct rte_ether_addr *mac, const char *net, uint16_t port)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(r.m[0], const struct rte_ether_hdr *);

	assert_true(r.next[0] == DP_L2_TX || r.next[0] == DP_L2_FLOOD);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, mac));
	if (r.next[0] == DP_L2_TX)
		assert_int_equal(dp_mbuf_meta(r.m[0])->out_port, port);
	else
		assert_int_equal(dp_mbuf_meta(r.m[0])->net_id, dp_conf_net_by_name(net));
}

/* r1's fip's translations so far: [0] inbound, [1] outbound. */
static uint64_t counted(const char *f, int way)
{
	uint16_t id = (uint16_t)dp_conf_router_by_name("r1");
	const struct dp_fip *e = dp_fip_by_fip(dp_fip_get(id), test_ip(f));
	uint64_t n[2];

	assert_non_null(e);
	dp_conf_fip_packets(id, e, n);
	return n[way];
}

static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};

static void inbound_to_the_fip_goes_to_the_fixed_address(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(protos); i++) {
		struct test_routed r = test_route_frame(from_outside(protos[i], "203.0.113.10"));

		assert_int_equal(r.n, 1);
		assert_to(r, &vm, "lan", pv);
		assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("10.0.0.5"));
		assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.50"));
		test_assert_checksums_fresh(r.m[0]);
		test_routed_free(&r);
	}
	assert_int_equal(counted("203.0.113.10", 0), RTE_DIM(protos));
	assert_int_equal(counted("203.0.113.10", 1), 0);
}

static void outbound_from_the_fixed_address_leaves_from_the_fip(void **state)
{
	struct test_routed in;

	(void)state;
	/* The switch learns the outside host's port from it, so the first frame out fills
	 * the router's adjacency and the next ones take the fast path (route_fast). */
	in = test_route_frame(from_outside(IPPROTO_UDP, "203.0.113.10"));
	test_routed_free(&in);
	for (unsigned int i = 0; i < RTE_DIM(protos); i++) {
		struct test_routed r = test_route_frame(from_vm(protos[i], "10.0.0.5"));

		assert_int_equal(r.n, 1);
		assert_to(r, &outside, "ext", px);
		assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.10"));
		assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("203.0.113.50"));
		test_assert_checksums_fresh(r.m[0]);
		test_routed_free(&r);
	}
	assert_int_equal(counted("203.0.113.10", 1), RTE_DIM(protos));
	/* Another address behind the router has no fip: the router's SNAT takes it
	 * (its gateway's address), not the fip. */
	{
		struct test_routed r = test_route_frame(from_vm(IPPROTO_UDP, "10.0.0.6"));

		assert_int_equal(r.n, 1);
		assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.1"));
		test_routed_free(&r);
	}
}

static void arp_for_the_fip_is_answered_with_the_gateway_mac(void **state)
{
	struct pkt_spec s = {.src = outside, .vlan = NO_VLAN, .in_port = px};
	const struct rte_arp_hdr *arp;
	struct test_routed r;

	(void)state;
	memset(&s.dst, 0xff, 6);
	r = test_route_frame(pkt_arp_request(test_pool, &s, NULL, "203.0.113.50", "203.0.113.10"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(r.m[0])->out_port, px);
	arp = dp_arp_parse(r.m[0]);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &gw_ext));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("203.0.113.10"));
	test_routed_free(&r);
}

static void a_moved_fip_reaches_its_new_address(void **state)
{
	struct test_routed r;

	(void)state;
	assert_int_equal(fip_add("203.0.113.10", "10.0.0.6", 1), 0);
	test_forget_injected();
	r = test_route_frame(from_outside(IPPROTO_TCP, "203.0.113.10"));
	assert_int_equal(r.n, 1);
	assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("10.0.0.6"));
	test_assert_checksums_fresh(r.m[0]);
	test_routed_free(&r);
	r = test_route_frame(from_vm(IPPROTO_TCP, "10.0.0.5"));
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("10.0.0.5"));
	test_routed_free(&r);
}

static void a_deleted_fip_translates_nothing(void **state)
{
	struct dp_fip_req q = {.router = "r1"};
	struct pkt_spec s = {.src = outside, .vlan = NO_VLAN, .in_port = px};
	struct rte_mbuf *m;
	uint16_t edge;
	struct test_routed r;

	(void)state;
	inet_pton(AF_INET, "203.0.113.10", q.fip);
	assert_int_equal(dp_conf_fip_del(&q), 0);
	/* Outbound leaves through the router's SNAT (the fip's rewrite is gone). */
	r = test_route_frame(from_vm(IPPROTO_UDP, "10.0.0.5"));
	assert_int_equal(r.n, 1);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.1"));
	test_routed_free(&r);
	/* ARP for it no longer reaches the router: it is flooded like any other. */
	memset(&s.dst, 0xff, 6);
	m = pkt_arp_request(test_pool, &s, NULL, "203.0.113.50", "203.0.113.10");
	dp_bridge_input_burst(test_worker, &m, 1, &edge);
	assert_int_not_equal(edge, DP_L2_ROUTE);
	rte_pktmbuf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test_setup(inbound_to_the_fip_goes_to_the_fixed_address, setup),
	                cmocka_unit_test_setup(
	                                outbound_from_the_fixed_address_leaves_from_the_fip, setup),
	                cmocka_unit_test_setup(
	                                arp_for_the_fip_is_answered_with_the_gateway_mac, setup),
	                cmocka_unit_test_setup(a_moved_fip_reaches_its_new_address, setup),
	                cmocka_unit_test_setup(a_deleted_fip_translates_nothing, setup),
	};

	if (test_env_init("fip_route") < 0)
		return 1;
	return cmocka_run_group_tests_name("fip_route", tests, NULL, NULL);
}
