/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SNAT in ip4_route (nat/dp_snat.h), through the real stages and connection
 * table: TCP, UDP and ICMP echo leave from the gateway's address and a port
 * of the range, with checksums equal to a computation from scratch, and
 * their replies come back translated; an ICMP error from outside reaches the
 * inside host with the quoted header translated; a frame to the interface's
 * second MAC (ROUTER_IF_MAC_SET) is translated too; the range used up refuses
 * (counted) and the ports come back when the connections go; a hairpin to a
 * floating IP from behind the router, and to a host's own; the pool's
 * claims alone (kept port, per-worker offsets, 90% crossings); the folded
 * checksum update against the one-change-at-a-time one.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ct/dp_ct.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "engine/dp_neigh.h"
#include "engine/dp_tables.h"
#include "checksums.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l3/dp_fip.h"
#include "l3/dp_router_conf.h"
#include "nat/dp_nat_rewrite.h"
#include "nat/dp_snat_pool.h"
#include "pkt_builder.h"

#define PORT_MIN 50000
#define PORT_MAX 50003

static uint16_t px, pv, router_id;
static struct rte_ether_addr gw_ext, gw_lan;
static const struct rte_ether_addr outside = {{2, 0, 0, 0, 0, 0x0e}}, vm = {{2, 0, 0, 0, 0, 0x05}};

/* Router r1: gateway on "ext" 203.0.113.1/24 with SNAT over PORT_MIN..PORT_MAX (the
 * outside host .50 on port x), "lan" 10.0.0.1/24 (port v, the VM 10.0.0.5). */
static int setup(void **state)
{
	struct dp_router_gw_req gw = {.snat = 1, .port_min = PORT_MIN, .port_max = PORT_MAX};

	(void)state;
	test_env_reset();
	test_gateway_router(&gw, &px, &pv, &gw_ext, &gw_lan);
	router_id = (uint16_t)dp_conf_router_by_name("r1");
	dp_neigh_learn(test_worker, dp_conf_net_by_name("ext"), test_ip("203.0.113.50"), &outside);
	dp_neigh_learn(test_worker, dp_conf_net_by_name("lan"), test_ip("10.0.0.5"), &vm);
	test_forget_injected();
	return 0;
}

static struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
}

/* The L4 source and destination ports (ICMP echo: the identifier twice). */
static void ports_of(struct rte_mbuf *m, uint16_t *sport, uint16_t *dport)
{
	struct rte_ipv4_hdr *ip = ip_of(m);
	const uint16_t *l4 = (const uint16_t *)(ip + 1);

	if (ip->next_proto_id == IPPROTO_ICMP) {
		*sport = *dport = rte_be_to_cpu_16(((const struct rte_icmp_hdr *)l4)->icmp_ident);
		return;
	}
	*sport = rte_be_to_cpu_16(l4[0]);
	*dport = rte_be_to_cpu_16(l4[1]);
}

static struct rte_mbuf *from_vm(uint8_t proto, uint16_t sport)
{
	struct pkt_spec s = {.src = vm, .dst = gw_lan, .vlan = NO_VLAN, .in_port = pv};

	if (proto == IPPROTO_ICMP)
		return pkt_icmp_echo(test_pool, &s, "10.0.0.5", "203.0.113.50", 32);
	return pkt_l4(test_pool, &s, proto, "10.0.0.5", sport, "203.0.113.50", 80, 0x02, 32);
}

/* The outside host's reply to a frame that left as `left` (its addresses and ports swapped). */
static struct rte_mbuf *reply_to(struct rte_mbuf *left)
{
	struct pkt_spec s = {.src = outside, .dst = gw_ext, .vlan = NO_VLAN, .in_port = px};
	uint8_t proto = ip_of(left)->next_proto_id;
	uint16_t sport, dport;
	struct rte_mbuf *m;

	ports_of(left, &sport, &dport);
	if (proto != IPPROTO_ICMP)
		return pkt_l4(test_pool, &s, proto, "203.0.113.50", dport, "203.0.113.1", sport,
				0x12, 32);
	m = pkt_icmp_echo(test_pool, &s, "203.0.113.50", "203.0.113.1", 32);
	{
		struct rte_ipv4_hdr *ip = ip_of(m);
		struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);

		icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		icmp->icmp_ident = rte_cpu_to_be_16(sport);
		icmp->icmp_cksum = 0;
		icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, sizeof(*icmp) + 32);
	}
	return m;
}

static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP};

static void leaves_from_the_gateway_and_replies_come_back(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < RTE_DIM(protos); i++) {
		struct rte_mbuf *m = from_vm(protos[i], 1234);
		struct test_routed out, back;
		uint16_t sport, dport, ident;

		ports_of(m, &ident, &dport);
		out = test_route_frame(m);
		assert_int_equal(out.n, 1);
		assert_true(out.next[0] == DP_L2_TX || out.next[0] == DP_L2_FLOOD);
		assert_int_equal(ip_of(out.m[0])->src_addr, test_ip("203.0.113.1"));
		assert_int_equal(ip_of(out.m[0])->dst_addr, test_ip("203.0.113.50"));
		ports_of(out.m[0], &sport, &dport);
		assert_in_range(sport, PORT_MIN, PORT_MAX);
		test_assert_checksums_fresh(out.m[0]);

		back = test_route_frame(reply_to(out.m[0]));
		assert_int_equal(back.n, 1);
		assert_true(back.next[0] == DP_L2_TX || back.next[0] == DP_L2_FLOOD);
		assert_int_equal(ip_of(back.m[0])->dst_addr, test_ip("10.0.0.5"));
		assert_int_equal(ip_of(back.m[0])->src_addr, test_ip("203.0.113.50"));
		ports_of(back.m[0], &sport, &dport);
		if (protos[i] != IPPROTO_ICMP)
			assert_int_equal(dport, 1234);
		else /* the request's own identifier, as pkt_icmp_echo makes it */
			assert_int_equal(dport, ident);
		test_assert_checksums_fresh(back.m[0]);
		test_routed_free(&out);
		test_routed_free(&back);
	}
}

/* ROUTER_IF_MAC_SET on r1's interface on "lan" (zeros: none). */
static int set_mac2(const struct rte_ether_addr *mac)
{
	struct dp_router_if_req req = {.router = "r1", .network = "lan"};

	memcpy(req.mac, mac, 6);
	return dp_conf_router_if_mac_set(&req);
}

/* Whether bridge_input hands a VM's frame to dst to the router (freed either way). */
static bool routed_to(const struct rte_ether_addr *dst)
{
	struct pkt_spec s = {.src = vm, .dst = *dst, .vlan = NO_VLAN, .in_port = pv};
	struct rte_mbuf *m = pkt_icmp_echo(test_pool, &s, "10.0.0.5", "203.0.113.50", 32);
	uint16_t edge;

	dp_bridge_input_burst(test_worker, &m, 1, &edge);
	rte_pktmbuf_free(m);
	return edge == DP_L2_ROUTE;
}

/* As the gateway node's router takes its csnat port's MAC (agents/network/csnat.c):
 * what the router's other nodes route to it leaves translated like the rest. */
static void a_frame_to_the_interfaces_second_mac_is_translated_too(void **state)
{
	static const struct rte_ether_addr csnat = {{0xfa, 0x16, 0x3e, 0, 0, 0x33}};
	struct dp_router_if_req del = {.router = "r1", .network = "lan"};
	struct pkt_spec s = {.src = vm, .dst = csnat, .vlan = NO_VLAN, .in_port = pv};
	struct test_routed out;

	(void)state;
	assert_false(routed_to(&csnat));
	assert_int_equal(set_mac2(&csnat), 0);
	assert_int_equal(set_mac2(&csnat), 0); /* again: nothing to change */
	assert_int_equal(set_mac2(&gw_lan), -EINVAL); /* the interface's own */
	out = test_route_frame(pkt_l4(test_pool, &s, IPPROTO_UDP, "10.0.0.5", 1234,
			"203.0.113.50", 80, 0, 32));
	assert_int_equal(out.n, 1);
	assert_int_equal(ip_of(out.m[0])->src_addr, test_ip("203.0.113.1"));
	assert_int_equal(ip_of(out.m[0])->dst_addr, test_ip("203.0.113.50"));
	test_assert_checksums_fresh(out.m[0]);
	test_routed_free(&out);
	assert_true(routed_to(&gw_lan)); /* the interface's own MAC still is */

	assert_int_equal(set_mac2(&(struct rte_ether_addr){{0}}), 0);
	assert_false(routed_to(&csnat));
	/* The interface going takes it along: back, the interface has none. */
	assert_int_equal(set_mac2(&csnat), 0);
	assert_int_equal(dp_conf_router_if_del(&del), 0);
	assert_int_equal(set_mac2(&csnat), -ENOENT);
}

static void an_icmp_error_from_outside_reaches_the_inside_host(void **state)
{
	struct pkt_spec s = {.src = outside, .dst = gw_ext, .vlan = NO_VLAN, .in_port = px};
	struct test_routed out, err;
	const struct rte_ipv4_hdr *in;
	const uint16_t *ports;

	(void)state;
	out = test_route_frame(from_vm(IPPROTO_UDP, 4321));
	assert_int_equal(out.n, 1);
	/* Port unreachable about the datagram as it left (from 203.0.113.1:500xx). */
	err = test_route_frame(pkt_icmp_error(test_pool, &s, "203.0.113.50", 3, 3, out.m[0]));
	assert_int_equal(err.n, 1);
	assert_true(err.next[0] == DP_L2_TX || err.next[0] == DP_L2_FLOOD);
	assert_int_equal(ip_of(err.m[0])->dst_addr, test_ip("10.0.0.5"));
	in = (const struct rte_ipv4_hdr *)((const uint8_t *)(ip_of(err.m[0]) + 1) + 8);
	ports = (const uint16_t *)(in + 1);
	assert_int_equal(in->src_addr, test_ip("10.0.0.5"));
	assert_int_equal(rte_be_to_cpu_16(ports[0]), 4321);
	assert_int_equal(in->dst_addr, test_ip("203.0.113.50"));
	test_assert_checksums_fresh(err.m[0]);
	test_routed_free(&out);
	test_routed_free(&err);
}

static uint32_t used(enum dp_snat_proto p)
{
	return dp_snat_pool_get(router_id)->proto[p].used;
}

static void the_range_used_up_refuses_and_comes_back(void **state)
{
	uint16_t seen[PORT_MAX - PORT_MIN + 1] = {0};
	struct test_routed r;

	(void)state;
	for (uint16_t i = 0; i <= PORT_MAX - PORT_MIN; i++) {
		uint16_t sport, dport;

		r = test_route_frame(from_vm(IPPROTO_UDP, (uint16_t)(2000 + i)));
		assert_int_equal(r.n, 1);
		ports_of(r.m[0], &sport, &dport);
		assert_in_range(sport, PORT_MIN, PORT_MAX);
		assert_int_equal(seen[sport - PORT_MIN]++, 0); /* each its own */
		test_routed_free(&r);
	}
	assert_int_equal(used(DP_SNAT_UDP), PORT_MAX - PORT_MIN + 1);
	assert_int_equal(dp_snat_pool_get(router_id)->proto[DP_SNAT_UDP].over_90, 1);
	/* A fifth connection: no port. */
	r = test_route_frame(from_vm(IPPROTO_UDP, 3000));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_EDGE_DROP(DP_DROP_SNAT_PORTS_EXHAUSTED));
	test_routed_free(&r);
	assert_int_equal(dp_snat_pool_get(router_id)->proto[DP_SNAT_UDP].exhausted, 1);
	/* ... while a packet of an existing one still leaves. */
	r = test_route_frame(from_vm(IPPROTO_UDP, 2000));
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.1"));
	test_routed_free(&r);
	/* The connections gone, their ports are free again. */
	assert_int_equal(dp_ct_flush_zone(dp_tables.ct, DP_CT_ZONE_ROUTER | router_id), 4);
	assert_int_equal(used(DP_SNAT_UDP), 0);
	r = test_route_frame(from_vm(IPPROTO_UDP, 3000));
	assert_int_not_equal(r.next[0], DP_L2_EDGE_DROP(DP_DROP_SNAT_PORTS_EXHAUSTED));
	test_routed_free(&r);
}

static void a_cleared_gateway_ends_its_translations(void **state)
{
	struct dp_router_gw_req gw = {.router = "r1"};
	struct test_routed r = test_route_frame(from_vm(IPPROTO_TCP, 1234));
	struct dp_ct_stats st;

	(void)state;
	test_routed_free(&r);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.in_use, 2); /* the connection and its alias */
	assert_int_equal(dp_conf_router_gw_clear(&gw), 0);
	assert_null(dp_snat_pool_get(router_id));
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.in_use, 0);
}

static int fip_add(const char *f, const char *fixed)
{
	struct dp_fip_req q = {.router = "r1"};

	inet_pton(AF_INET, f, q.fip);
	inet_pton(AF_INET, fixed, q.fixed_ip);
	return dp_conf_fip_add(&q);
}

/* A frame on "lan" from src:sport to dst:dport, as a host behind the router sends it. */
static struct rte_mbuf *on_lan(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct pkt_spec s = {.src = vm, .dst = gw_lan, .vlan = NO_VLAN, .in_port = pv};

	return pkt_l4(test_pool, &s, IPPROTO_TCP, src, sport, dst, dport, 0x02, 32);
}

/* One frame through the router: where it went (lan) and as what. */
static void assert_hop(struct rte_mbuf *in, const char *src, uint16_t sport, const char *dst,
		uint16_t dport)
{
	struct test_routed r = test_route_frame(in);
	uint16_t sp, dp;

	assert_int_equal(r.n, 1);
	assert_true(r.next[0] == DP_L2_TX || r.next[0] == DP_L2_FLOOD);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip(src));
	assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip(dst));
	ports_of(r.m[0], &sp, &dp);
	if (sport)
		assert_int_equal(sp, sport);
	else
		assert_in_range(sp, PORT_MIN, PORT_MAX);
	assert_int_equal(dp, dport);
	test_assert_checksums_fresh(r.m[0]);
	test_routed_free(&r);
}

static void a_hairpin_reaches_a_floating_ip_from_behind_the_router(void **state)
{
	uint16_t nport;

	(void)state;
	dp_neigh_learn(test_worker, dp_conf_net_by_name("lan"), test_ip("10.0.0.6"), &vm);
	assert_int_equal(fip_add("203.0.113.20", "10.0.0.6"), 0);
	test_forget_injected();
	/* 10.0.0.5 has no fip: to B's fixed address, from the gateway's. */
	assert_hop(on_lan("10.0.0.5", 1234, "203.0.113.20", 80), "203.0.113.1", 0, "10.0.0.6", 80);
	nport = (uint16_t)PORT_MIN; /* the first of the range: the pool was empty */
	/* B's answer comes back to the router, and reaches A from the fip it asked. */
	assert_hop(on_lan("10.0.0.6", 80, "203.0.113.1", nport), "203.0.113.20", 80, "10.0.0.5", 1234);
	/* A host to its own fip: from that fip, port kept, and back. */
	assert_int_equal(fip_add("203.0.113.21", "10.0.0.5"), 0);
	test_forget_injected();
	assert_hop(on_lan("10.0.0.5", 2222, "203.0.113.21", 80), "203.0.113.21", 2222, "10.0.0.5", 80);
	assert_hop(on_lan("10.0.0.5", 80, "203.0.113.21", 2222), "203.0.113.21", 80, "10.0.0.5", 2222);
}

/* The frame m made the first fragment of a datagram (MF), and its next one: same
 * header, offset just past m's payload, 16 bytes of data, no L4 header. */
static struct rte_mbuf *fragments_of(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = ip_of(m), *ip2;
	uint16_t len = rte_be_to_cpu_16(ip->total_length) - sizeof(*ip);
	struct rte_mbuf *next = rte_pktmbuf_copy(m, test_pool, 0, UINT32_MAX);

	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ip2 = ip_of(next);
	ip2->fragment_offset = rte_cpu_to_be_16(len / 8);
	ip2->total_length = rte_cpu_to_be_16(sizeof(*ip) + 16);
	rte_pktmbuf_trim(next, (uint16_t)(len - 16));
	ip2->hdr_checksum = 0;
	ip2->hdr_checksum = rte_ipv4_cksum(ip2);
	return next;
}

static void later_fragments_follow_their_first(void **state)
{
	struct rte_mbuf *first = from_vm(IPPROTO_UDP, 1234), *later, *early;
	struct test_routed r;

	(void)state;
	/* A later fragment before any first: nothing to translate it by. */
	early = fragments_of(from_vm(IPPROTO_UDP, 999));
	r = test_route_frame(early);
	assert_int_equal(r.next[0], DP_L2_EDGE_DROP(DP_DROP_SNAT_UNTRACKABLE));
	test_routed_free(&r);
	/* The first, then the later one: both from the gateway. */
	later = fragments_of(first);
	r = test_route_frame(first);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.1"));
	test_routed_free(&r);
	r = test_route_frame(later);
	assert_int_equal(r.n, 1);
	assert_true(r.next[0] == DP_L2_TX || r.next[0] == DP_L2_FLOOD);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("203.0.113.1"));
	assert_int_equal(rte_raw_cksum(ip_of(r.m[0]), sizeof(struct rte_ipv4_hdr)), 0xffff);
	test_routed_free(&r);
}

static void the_pool_keeps_ports_and_spreads_workers(void **state)
{
	struct dp_snat_pool *p = dp_snat_pool_new(1, 100, 199);

	(void)state;
	assert_non_null(p);
	/* Its own port, when in the range and free; else another. */
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_TCP, 150, 0, 2), 150);
	assert_int_not_equal(dp_snat_port_claim(p, DP_SNAT_TCP, 150, 0, 2), 150);
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_TCP, 150, 0, 2) >= 100, 1);
	/* Out of the range: not kept. The second worker starts half-way. */
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 5, 1, 2), 150);
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 5, 0, 2), 100);
	/* The other protocols' ports are their own. */
	assert_int_equal(p->proto[DP_SNAT_UDP].used, 2);
	assert_int_equal(p->proto[DP_SNAT_ICMP].used, 0);
	/* To the end: 100 ports, then none, then one given back. */
	for (int i = 0; i < 98; i++)
		assert_int_not_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 0, i % 2, 2), 0);
	assert_int_equal(p->proto[DP_SNAT_UDP].over_90, 1);
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 0, 0, 2), 0);
	assert_int_equal(p->proto[DP_SNAT_UDP].exhausted, 1);
	dp_snat_port_release(p, DP_SNAT_UDP, 177);
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 0, 1, 2), 177);
	/* A range changed later keeps the ports taken. */
	dp_snat_pool_set_range(p, 150, 160);
	assert_int_equal(dp_snat_port_claim(p, DP_SNAT_UDP, 0, 0, 2), 0);
	dp_snat_pool_free(p);
}

/* The folded sum of changes (dp_nat_csum_apply) against the updates one after the
 * other, on edge values (sums of 0 and 0xffff, nothing changed, everything
 * changed) and pseudo-random ones. */
static void the_folded_checksum_equals_the_updates_in_turn(void **state)
{
	static const uint32_t words[] = {0, 0xffffffff, 0xffff, 0xffff0000, 1, 0x80008000};
	uint32_t x = 0x12345678;

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint16_t sum, op, np;
		uint32_t oa, na;

		if (i < 6 * 6 * 6) {
			sum = (uint16_t)words[i % 6];
			oa = words[i / 6 % 6];
			na = words[i / 36 % 6];
			op = (uint16_t)(oa >> 3);
			np = (uint16_t)na;
		} else {
			x = x * 1103515245u + 12345u;
			sum = (uint16_t)(x >> 8);
			oa = x * 2654435761u;
			na = oa ^ (x << 7);
			op = (uint16_t)(x >> 16);
			np = (uint16_t)(na >> 5);
		}
		assert_int_equal(dp_nat_csum_apply(sum, dp_nat_csum_delta32(oa, na)),
				dp_nat_csum_update32(sum, oa, na));
		assert_int_equal(dp_nat_csum_apply(sum, dp_nat_csum_delta32(oa, na) +
								  dp_nat_csum_delta16(op, np)),
				dp_nat_csum_update16(dp_nat_csum_update32(sum, oa, na), op, np));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test_setup(leaves_from_the_gateway_and_replies_come_back, setup),
			cmocka_unit_test_setup(an_icmp_error_from_outside_reaches_the_inside_host, setup),
			cmocka_unit_test_setup(
					a_frame_to_the_interfaces_second_mac_is_translated_too, setup),
			cmocka_unit_test_setup(the_range_used_up_refuses_and_comes_back, setup),
			cmocka_unit_test_setup(a_cleared_gateway_ends_its_translations, setup),
			cmocka_unit_test_setup(a_hairpin_reaches_a_floating_ip_from_behind_the_router, setup),
			cmocka_unit_test_setup(later_fragments_follow_their_first, setup),
			cmocka_unit_test(the_pool_keeps_ports_and_spreads_workers),
			cmocka_unit_test(the_folded_checksum_equals_the_updates_in_turn),
	};

	if (test_env_init("snat") < 0)
		return 1;
	return cmocka_run_group_tests_name("snat", tests, NULL, NULL);
}
