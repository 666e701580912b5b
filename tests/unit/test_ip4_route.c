/* SPDX-License-Identifier: Apache-2.0 */
/* ip4_route on crafted frames: ARP and echo for the gateway, forwarding with
 * TTL and checksum, ARP resolution with a waiting queue, and ICMP errors. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "ctl/dp_ctl.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l3/dp_icmp.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t pa, pb;
static struct rte_ether_addr gw_left, gw_right;
static const struct rte_ether_addr host_a = {{2, 0, 0, 0, 0, 0xa}}, host_b = {{2, 0, 0, 0, 0, 0xb}};

static void route(const char *prefix, uint8_t len, const char *via)
{
	struct dp_route_req r = {.router = "r1", .prefixlen = len};

	inet_pton(AF_INET, prefix, r.prefix);
	inet_pton(AF_INET, via, r.nexthop);
	assert_int_equal(dp_conf_route_add(&r), 0);
}

/* Router r1 between "left" (10.1.0.1/24, host a 10.1.0.10 on port a) and "right"
 * (10.2.0.1/24, MTU 1000, host b 10.2.0.5 on port b); 10.9.0.0/16 via 10.2.0.254. */
static int setup(void **state)
{
	struct dp_router_req r = {.name = "r1"};

	(void)state;
	test_env_reset();
	test_network("left", DP_NET_FLAT, "", 0, 1500);
	test_network("right", DP_NET_FLAT, "", 0, 1000);
	pa = test_port("a");
	pb = test_port("b");
	test_attach("a", "left");
	test_attach("b", "right");
	test_security_off("a");
	test_security_off("b");
	assert_int_equal(dp_conf_router_add(&r), 0);
	test_router_if("r1", "left", "10.1.0.1", 24);
	test_router_if("r1", "right", "10.2.0.1", 24);
	route("10.9.0.0", 16, "10.2.0.254");
	gw_left = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[0].mac;
	gw_right = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[1].mac;
	return 0;
}

static struct rte_mbuf *from_a(const char *dst_ip, uint16_t payload)
{
	struct pkt_spec s = {.src = host_a, .dst = gw_left, .vlan = NO_VLAN, .in_port = pa};

	return pkt_ipv4_udp(test_pool, &s, "10.1.0.10", dst_ip, payload);
}

static const struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
}

static const struct rte_icmp_hdr *icmp_of(struct rte_mbuf *m)
{
	return (const struct rte_icmp_hdr *)(ip_of(m) + 1);
}

/* host b is known on the right: its MAC is learned from an ARP reply to the router. */
static void teach_host_b(void)
{
	dp_neigh_learn(test_worker, dp_conf_net_by_name("right"), test_ip("10.2.0.5"), &host_b);
}

static void arp_for_the_gateway_is_answered_by_the_router(void **state)
{
	struct pkt_spec s = {.src = host_a, .vlan = NO_VLAN, .in_port = pa};
	struct rte_arp_hdr *arp;
	struct test_routed r;

	(void)state;
	memset(&s.dst, 0xff, 6);
	r = test_route_frame(pkt_arp_request(test_pool, &s, NULL, "10.1.0.10", "10.1.0.1"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(r.m[0])->out_port, pa);
	arp = dp_arp_parse(r.m[0]);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &gw_left));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.1.0.1"));
	test_routed_free(&r);
}

static void echo_to_the_gateway_is_answered(void **state)
{
	struct pkt_spec s = {.src = host_a, .dst = gw_left, .vlan = NO_VLAN, .in_port = pa};
	struct test_routed r;

	(void)state;
	r = test_route_frame(pkt_icmp_echo(test_pool, &s, "10.1.0.10", "10.2.0.1", 32));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_TX);
	assert_int_equal(icmp_of(r.m[0])->icmp_type, RTE_IP_ICMP_ECHO_REPLY);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("10.2.0.1"));
	assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("10.1.0.10"));
	assert_int_equal(rte_raw_cksum(ip_of(r.m[0]), 20), 0xffff);
	assert_int_equal(rte_raw_cksum(icmp_of(r.m[0]), sizeof(struct rte_icmp_hdr) + 32), 0xffff);
	test_routed_free(&r);
}

static void routed_frame_has_ttl_decremented_and_macs_rewritten(void **state)
{
	struct rte_ether_hdr *eth;
	struct test_routed r;

	(void)state;
	teach_host_b();
	r = test_route_frame(from_a("10.2.0.5", 40));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_FLOOD); /* b's MAC is not in the MAC table yet */
	eth = rte_pktmbuf_mtod(r.m[0], struct rte_ether_hdr *);
	assert_true(rte_is_same_ether_addr(&eth->dst_addr, &host_b));
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &gw_right));
	assert_int_equal(ip_of(r.m[0])->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(ip_of(r.m[0]), 20), 0xffff);
	assert_int_equal(dp_mbuf_meta(r.m[0])->net_id, dp_conf_net_by_name("right"));
	test_routed_free(&r);
}

static void ttl_1_sends_time_exceeded(void **state)
{
	struct rte_mbuf *m = from_a("10.2.0.5", 40);
	struct test_routed r;

	(void)state;
	pkt_ipv4_set(m, 1, 0);
	r = test_route_frame(m);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.next[0], DP_L2_TX); /* the error, back to a */
	assert_int_equal(r.next[1], DP_L2_EDGE_DROP(DP_DROP_TTL_EXCEEDED));
	assert_int_equal(icmp_of(r.m[0])->icmp_type, DP_ICMP_TIME_EXCEEDED);
	assert_int_equal(icmp_of(r.m[0])->icmp_code, 0);
	assert_int_equal(ip_of(r.m[0])->src_addr, test_ip("10.1.0.1"));
	assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("10.1.0.10"));
	/* It quotes the original header. */
	assert_int_equal(((const struct rte_ipv4_hdr *)(icmp_of(r.m[0]) + 1))->dst_addr,
			test_ip("10.2.0.5"));
	test_routed_free(&r);
}

static void no_route_sends_net_unreachable(void **state)
{
	struct test_routed r = test_route_frame(from_a("172.16.0.1", 40));

	(void)state;
	assert_int_equal(r.n, 2);
	assert_int_equal(icmp_of(r.m[0])->icmp_type, DP_ICMP_DEST_UNREACH);
	assert_int_equal(icmp_of(r.m[0])->icmp_code, DP_ICMP_NET_UNREACH);
	assert_int_equal(r.next[1], DP_L2_EDGE_DROP(DP_DROP_NO_ROUTE));
	test_routed_free(&r);
}

static void df_over_egress_mtu_sends_frag_needed_with_the_mtu(void **state)
{
	struct rte_mbuf *m = from_a("10.2.0.5", 1200);
	struct test_routed r;

	(void)state;
	teach_host_b();
	pkt_ipv4_set(m, 64, 1);
	r = test_route_frame(m);
	assert_int_equal(r.n, 2);
	assert_int_equal(icmp_of(r.m[0])->icmp_type, DP_ICMP_DEST_UNREACH);
	assert_int_equal(icmp_of(r.m[0])->icmp_code, DP_ICMP_FRAG_NEEDED);
	assert_int_equal(rte_be_to_cpu_16(icmp_of(r.m[0])->icmp_seq_nb), 1000);
	assert_int_equal(r.next[1], DP_L2_EDGE_DROP(DP_DROP_FRAG_NEEDED));
	test_routed_free(&r);
}

static void learn_mac(uint16_t net_id, const struct rte_ether_addr *mac, uint16_t port_id);

/* RFC 1812 5.2.7: without DF the router fragments for the egress MTU (1000 on the right). */
static void no_df_over_egress_mtu_leaves_in_fragments(void **state)
{
	struct rte_mbuf *m = from_a("10.2.0.5", 1200);
	uint8_t sent[1208], got[1208];
	struct test_routed r;

	(void)state;
	teach_host_b();
	learn_mac(dp_conf_net_by_name("right"), &host_b, pb);
	memcpy(sent, rte_pktmbuf_mtod_offset(m, const uint8_t *, 34), sizeof(sent));
	r = test_route_frame(m);
	assert_int_equal(r.n, 2);
	for (uint16_t i = 0; i < 2; i++) {
		const struct rte_ipv4_hdr *ip = ip_of(r.m[i]);

		assert_int_equal(r.next[i], DP_L2_TX);
		assert_int_equal(dp_mbuf_meta(r.m[i])->out_port, pb);
		assert_true(rte_is_same_ether_addr(
				&rte_pktmbuf_mtod(r.m[i], struct rte_ether_hdr *)->dst_addr, &host_b));
		assert_int_equal(ip->time_to_live, 63);
		assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
		assert_int_equal(rte_pktmbuf_pkt_len(r.m[i]), 14 + rte_be_to_cpu_16(ip->total_length));
	}
	/* 976 bytes (the most a 1000-byte MTU takes in 8-byte units), then the other 232. */
	assert_int_equal(rte_be_to_cpu_16(ip_of(r.m[0])->total_length), 996);
	assert_int_equal(rte_be_to_cpu_16(ip_of(r.m[0])->fragment_offset), RTE_IPV4_HDR_MF_FLAG);
	assert_int_equal(rte_be_to_cpu_16(ip_of(r.m[1])->total_length), 252);
	assert_int_equal(rte_be_to_cpu_16(ip_of(r.m[1])->fragment_offset), 976 / 8);
	assert_int_equal(ip_of(r.m[0])->packet_id, ip_of(r.m[1])->packet_id);
	memcpy(got, ip_of(r.m[0]) + 1, 976);
	memcpy(got + 976, ip_of(r.m[1]) + 1, 232);
	assert_memory_equal(got, sent, sizeof(sent));
	test_routed_free(&r);
}

/* GW_SET marks one interface of the router as its gateway, in the snapshot workers
 * read; the interface must exist first, and its deletion takes the gateway along. */
static void gateway_is_one_existing_interface_and_goes_with_it(void **state)
{
	struct dp_router_gw_req gw = {.router = "r1", .network = "right", .snat = 1};
	struct dp_router_if_req del = {.router = "r1", .network = "right"};
	const struct dp_router *r;

	(void)state;
	r = dp_router_get(dp_conf_router_by_name("r1"));
	assert_int_equal(r->gw_rif, DP_NO_GW_RIF);
	snprintf(gw.network, sizeof(gw.network), "nosuch");
	assert_int_equal(dp_conf_router_gw_set(&gw), -ENOENT);
	test_network("far", DP_NET_FLAT, "", 0, 1500);
	snprintf(gw.network, sizeof(gw.network), "far"); /* no interface of r1 there */
	assert_int_equal(dp_conf_router_gw_set(&gw), -ENOENT);
	snprintf(gw.network, sizeof(gw.network), "right");
	gw.port_min = 2000; /* and no max */
	assert_int_equal(dp_conf_router_gw_set(&gw), -EINVAL);
	gw.port_max = 2001;
	assert_int_equal(dp_conf_router_gw_set(&gw), 0);
	r = dp_router_get(dp_conf_router_by_name("r1"));
	assert_int_equal(r->rifs[r->gw_rif].ip, test_ip("10.2.0.1"));
	assert_int_equal(r->gw_snat, 1);
	assert_int_equal(r->gw_port_min, 2000);
	assert_int_equal(r->gw_port_max, 2001);
	assert_int_equal(dp_conf_router_gw_set(&gw), -EEXIST);
	gw.exist_ok = 1;
	gw.snat = 0;
	gw.port_min = gw.port_max = 0; /* the default range */
	assert_int_equal(dp_conf_router_gw_set(&gw), 0);
	r = dp_router_get(dp_conf_router_by_name("r1"));
	assert_int_equal(r->gw_snat, 0);
	assert_int_equal(r->gw_port_min, 1024);
	assert_int_equal(r->gw_port_max, 65535);
	snprintf(gw.network, sizeof(gw.network), "left"); /* another interface */
	assert_int_equal(dp_conf_router_gw_set(&gw), -EBUSY);
	assert_int_equal(dp_conf_router_if_del(&del), 0);
	assert_int_equal(dp_router_get(dp_conf_router_by_name("r1"))->gw_rif, DP_NO_GW_RIF);
	assert_int_equal(dp_conf_router_gw_clear(&gw), -ENOENT);
	gw.missing_ok = 1;
	assert_int_equal(dp_conf_router_gw_clear(&gw), 0);
	assert_int_equal(dp_conf_router_gw_set(&gw), 0); /* now "left" may be it */
	assert_int_equal(dp_conf_router_gw_clear(&gw), 0);
	assert_int_equal(dp_router_get(dp_conf_router_by_name("r1"))->gw_rif, DP_NO_GW_RIF);
}

static void bad_header_checksum_is_dropped(void **state)
{
	struct rte_mbuf *m = from_a("10.2.0.5", 40);
	struct test_routed r;

	(void)state;
	rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14)->hdr_checksum ^= 0x1;
	r = test_route_frame(m);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_EDGE_DROP(DP_DROP_IP_BAD_HEADER));
	test_routed_free(&r);
}

static void unresolved_next_hop_waits_for_arp_then_goes(void **state)
{
	struct pkt_spec s = {.src = host_b, .dst = gw_right, .vlan = NO_VLAN, .in_port = pb};
	struct rte_mbuf *req = NULL;
	struct rte_arp_hdr *arp;
	struct test_routed r;

	(void)state;
	/* To 10.9.1.1: via 10.2.0.254, unknown. The frame waits; an ARP request goes out,
	 * flooded into the next hop's network. */
	r = test_route_frame(from_a("10.9.1.1", 40));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_FLOOD);
	assert_int_equal(dp_mbuf_meta(r.m[0])->net_id, dp_conf_net_by_name("right"));
	assert_int_equal(test_worker->arp_wait.n, 1);
	test_pipeline(r.m, r.next, r.n);
	assert_int_equal(test_port_drain(pb, &req, 1), 1);
	arp = dp_arp_parse(req);
	assert_int_equal(arp->arp_data.arp_tip, test_ip("10.2.0.254"));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.2.0.1"));
	rte_pktmbuf_free(req);

	/* The gateway answers (from port b); the waiting frame leaves towards it. */
	s.src = mac_of(0xfe);
	r = test_route_frame(pkt_arp_reply(test_pool, &s, "10.2.0.254", "10.2.0.1"));
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(ip_of(r.m[0])->dst_addr, test_ip("10.9.1.1"));
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(r.m[0], struct rte_ether_hdr *)->dst_addr,
			&(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xfe}}));
	assert_int_equal(r.next[1], DP_L2_EDGE_DROP(DP_DROP_ARP_CONSUMED));
	test_routed_free(&r);
}

/* Nobody answers for 10.2.0.254: the worker's tick asks again each second while the
 * frame waits (not twice in one second), then gives the frame up and counts it. */
static void unanswered_next_hop_is_asked_again_each_second_then_given_up(void **state)
{
	struct test_routed r;

	(void)state;
	r = test_route_frame(from_a("10.9.1.1", 40));
	assert_int_equal(r.n, 1); /* the request */
	test_pipeline(r.m, r.next, r.n);
	assert_int_equal(test_arp_requests(pb, "10.2.0.254"), 1);
	dp_worker_tick(test_worker);
	assert_int_equal(test_arp_requests(pb, "10.2.0.254"), 0);
	for (int sec = 1; sec <= DP_ARP_WAIT_SEC; sec++) {
		assert_int_equal(test_next_second(pb, "10.2.0.254"), 1);
		assert_int_equal(test_worker->arp_wait.n, 1);
	}
	assert_int_equal(test_next_second(pb, "10.2.0.254"), 0);
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_worker->drops[DP_DROP_NEIGH_UNRESOLVED], 1);
}

/* Resolved elsewhere (here: made permanent by the control plane; in the engine also an
 * answer heard by another worker): the waiting frame is handed back for routing. */
static void waiting_frame_is_released_when_its_neighbour_resolves_elsewhere(void **state)
{
	const struct rte_ether_addr gw = {{2, 0, 0, 0, 0, 0xfe}};
	struct rte_mbuf *m[DP_ARP_WAIT_READY_MAX], *waiting = from_a("10.9.1.1", 40);
	uint8_t to[DP_ARP_WAIT_READY_MAX];
	uint32_t gen = dp_tables.neigh_gen;
	struct test_routed r;

	(void)state;
	r = test_route_frame(waiting);
	assert_int_equal(r.n, 1); /* the request */
	test_routed_free(&r);
	assert_int_equal(dp_arp_wait_take_ready(test_worker, m, to, RTE_DIM(m)), 0);
	assert_int_equal(test_worker->arp_wait.n, 1);
	assert_int_equal(dp_neigh_add_permanent(dp_conf_net_by_name("right"), test_ip("10.2.0.254"),
				 &gw, false),
			0);
	assert_int_not_equal(dp_tables.neigh_gen, gen); /* what tells port_rx to look */
	assert_int_equal(dp_arp_wait_take_ready(test_worker, m, to, RTE_DIM(m)), 1);
	assert_ptr_equal(m[0], waiting);
	assert_int_equal(to[0], DP_READY_ROUTE);
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_worker->arp_wait.seen_gen, dp_tables.neigh_gen);
	/* Routed again, it now leaves towards the gateway. */
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(1)];
	uint16_t next[RTE_DIM(out)];

	assert_int_equal(dp_ip4_route_burst(test_worker, m, 1, out, next), 1);
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(out[0], struct rte_ether_hdr *)->dst_addr,
			&gw));
	rte_pktmbuf_free(out[0]);
}

static void default_route_catches_what_nothing_else_does(void **state)
{
	const struct rte_ether_addr gw = {{2, 0, 0, 0, 0, 0xfe}};
	struct test_routed r;

	(void)state;
	route("0.0.0.0", 0, "10.2.0.254");
	dp_neigh_learn(test_worker, dp_conf_net_by_name("right"), test_ip("10.2.0.254"), &gw);
	r = test_route_frame(from_a("172.16.0.1", 40));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.next[0], DP_L2_FLOOD);
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(r.m[0], struct rte_ether_hdr *)->dst_addr,
			&gw));
	test_routed_free(&r);
}

static void a_burst_is_routed_frame_by_frame_after_one_bulk_lookup(void **state)
{
	struct rte_mbuf *in[3] = {from_a("10.2.0.5", 40), from_a("172.16.0.1", 40),
			from_a("10.2.0.5", 40)};
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(3)];
	uint16_t edge[3], next[RTE_DIM(out)], n;

	(void)state;
	teach_host_b();
	dp_bridge_input_burst(test_worker, in, 3, edge);
	for (int i = 0; i < 3; i++)
		assert_int_equal(edge[i], DP_L2_ROUTE);
	n = dp_ip4_route_burst(test_worker, in, 3, out, next);
	/* Frame 1 has no route: an ICMP error comes out ahead of it. */
	assert_int_equal(n, 4);
	assert_int_equal(next[0], DP_L2_FLOOD);
	assert_int_equal(ip_of(out[0])->time_to_live, 63);
	assert_int_equal(icmp_of(out[1])->icmp_type, DP_ICMP_DEST_UNREACH);
	assert_int_equal(next[2], DP_L2_EDGE_DROP(DP_DROP_NO_ROUTE));
	assert_int_equal(next[3], DP_L2_FLOOD);
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(out[i]);
}

static void permanent_neighbour_wins_over_arp(void **state)
{
	const struct rte_ether_addr fixed = {{2, 0, 0, 0, 0, 0x55}};
	struct rte_ether_addr mac;

	(void)state;
	assert_int_equal(dp_neigh_add_permanent(dp_conf_net_by_name("right"), test_ip("10.2.0.5"),
			&fixed, false), 0);
	assert_int_equal(dp_neigh_add_permanent(dp_conf_net_by_name("right"), test_ip("10.2.0.5"),
			&fixed, false), -EEXIST);
	teach_host_b(); /* ARP says otherwise */
	assert_true(dp_neigh_lookup(dp_conf_net_by_name("right"), test_ip("10.2.0.5"), &mac));
	assert_true(rte_is_same_ether_addr(&mac, &fixed));
	assert_int_equal(dp_neigh_age(100000), 0);
	assert_true(dp_neigh_lookup(dp_conf_net_by_name("right"), test_ip("10.2.0.5"), &mac));
}

static void routes_need_a_connected_next_hop_and_clean_prefixes(void **state)
{
	struct dp_route_req r = {.router = "r1", .prefixlen = 16};

	(void)state;
	inet_pton(AF_INET, "10.8.0.0", r.prefix);
	inet_pton(AF_INET, "192.168.7.1", r.nexthop);
	assert_int_equal(dp_conf_route_add(&r), -ENETUNREACH);
	inet_pton(AF_INET, "10.8.1.0", r.prefix); /* host bits set */
	inet_pton(AF_INET, "10.2.0.254", r.nexthop);
	assert_int_equal(dp_conf_route_add(&r), -EINVAL);
	inet_pton(AF_INET, "10.8.0.0", r.prefix);
	inet_pton(AF_INET, "10.2.0.1", r.nexthop); /* the router itself */
	assert_int_equal(dp_conf_route_add(&r), -EINVAL);
	inet_pton(AF_INET, "10.2.0.254", r.nexthop);
	inet_pton(AF_INET, "10.9.0.0", r.prefix);
	assert_int_equal(dp_conf_route_add(&r), -EEXIST);
	r.exist_ok = 1;
	assert_int_equal(dp_conf_route_add(&r), 0);
}

static void learn_mac(uint16_t net_id, const struct rte_ether_addr *mac, uint16_t port_id)
{
	uint64_t key = dp_fdb_key(net_id, mac);

	dp_l2_learn(test_worker, key, dp_kv_hash(key), port_id, dp_port_get(port_id)->epoch);
}

static const struct rte_ether_addr *routed_to(void)
{
	static struct rte_ether_addr dst;
	struct test_routed r = test_route_frame(from_a("10.2.0.5", 40));
	struct rte_mbuf *m = r.m[r.n - 1];

	/* A stale next hop is asked to confirm itself: the router's request comes first,
	 * to flood into the network; it is sent on. */
	assert_true(r.n == 1 || (r.n == 2 && r.next[0] == DP_L2_FLOOD));
	assert_int_equal(r.next[r.n - 1], DP_L2_TX);
	assert_int_equal(dp_mbuf_meta(m)->out_port, pb);
	assert_int_equal(ip_of(m)->time_to_live, 63);
	assert_int_equal(rte_raw_cksum(ip_of(m), 20), 0xffff);
	dst = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr;
	test_pipeline(r.m, r.next, r.n - 1);
	rte_pktmbuf_free(m);
	return &dst;
}

/* The per-worker adjacency: used within the second it was filled, refreshed after it,
 * and dropped at once by any control message. */
static void next_hop_adjacency_is_cached_and_follows_changes(void **state)
{
	const struct rte_ether_addr moved = {{2, 0, 0, 0, 0, 0x5b}};
	uint16_t right = dp_conf_net_by_name("right");
	struct {
		struct dp_msg_hdr h;
		struct dp_neigh_req req;
	} msg = {.h = {.magic = DP_API_MAGIC, .version = DP_API_VERSION, .type = DP_MSG_NEIGH_ADD,
			 .len = sizeof(struct dp_neigh_req)},
		 .req = {.scope = "right"}};
	uint8_t reply[DP_MSG_MAX];

	(void)state;
	teach_host_b();
	learn_mac(right, &host_b, pb);
	learn_mac(right, &moved, pb);
	assert_true(rte_is_same_ether_addr(routed_to(), &host_b)); /* the full path, filling it */
	/* ARP says b moved to another MAC: this second the adjacency still stands... */
	dp_neigh_learn(test_worker, right, test_ip("10.2.0.5"), &moved);
	assert_true(rte_is_same_ether_addr(routed_to(), &host_b));
	/* ...the next second it is resolved again. */
	test_worker->now_sec++;
	assert_true(rte_is_same_ether_addr(routed_to(), &moved));
	/* The control plane pins b's MAC: the very next frame obeys. */
	memcpy(msg.req.mac, &host_b, 6);
	memcpy(msg.req.ip, &(uint32_t){test_ip("10.2.0.5")}, 4);
	dp_ctl_handle(&msg, sizeof(msg.h) + sizeof(msg.req), reply, sizeof(reply));
	assert_int_equal(((struct dp_reply_hdr *)reply)->status, 0);
	assert_true(rte_is_same_ether_addr(routed_to(), &host_b));
}

/* Two hosts of one connected subnet share its next hop, not their adjacency: each
 * frame reaches its own host's MAC on the fast path too. */
static void hosts_of_a_connected_subnet_each_get_their_own_mac(void **state)
{
	const struct rte_ether_addr host_c = {{2, 0, 0, 0, 0, 0x5c}};
	uint16_t right = dp_conf_net_by_name("right");

	(void)state;
	teach_host_b();
	dp_neigh_learn(test_worker, right, test_ip("10.2.0.6"), &host_c);
	learn_mac(right, &host_b, pb);
	learn_mac(right, &host_c, pb);
	for (int round = 0; round < 3; round++) {
		struct test_routed b = test_route_frame(from_a("10.2.0.5", 40));
		struct test_routed c = test_route_frame(from_a("10.2.0.6", 40));

		assert_true(rte_is_same_ether_addr(
				&rte_pktmbuf_mtod(b.m[b.n - 1], struct rte_ether_hdr *)->dst_addr,
				&host_b));
		assert_true(rte_is_same_ether_addr(
				&rte_pktmbuf_mtod(c.m[c.n - 1], struct rte_ether_hdr *)->dst_addr,
				&host_c));
		test_routed_free(&b);
		test_routed_free(&c);
	}
}

/* A next hop not heard from for DP_NEIGH_STALE_SEC is still used, and asked to confirm
 * itself: its answer from a new MAC moves the route there. */
static void stale_next_hop_is_asked_to_confirm_while_still_used(void **state)
{
	const struct rte_ether_addr moved = {{2, 0, 0, 0, 0, 0x5b}};
	struct pkt_spec s = {.src = moved, .dst = gw_right, .vlan = NO_VLAN, .in_port = pb};
	uint16_t right = dp_conf_net_by_name("right");
	struct test_routed r;

	(void)state;
	teach_host_b();
	learn_mac(right, &host_b, pb);
	learn_mac(right, &moved, pb);
	assert_true(rte_is_same_ether_addr(routed_to(), &host_b));
	assert_int_equal(test_arp_requests(pb, "10.2.0.5"), 0); /* fresh: not asked */
	test_worker->now_sec += DP_NEIGH_STALE_SEC + 1;
	assert_true(rte_is_same_ether_addr(routed_to(), &host_b)); /* still used... */
	assert_int_equal(test_arp_requests(pb, "10.2.0.5"), 1);	   /* ...and asked */
	r = test_route_frame(pkt_arp_reply(test_pool, &s, "10.2.0.5", "10.2.0.1"));
	test_routed_free(&r);
	test_worker->now_sec++;
	assert_true(rte_is_same_ether_addr(routed_to(), &moved));
	assert_int_equal(test_arp_requests(pb, "10.2.0.5"), 0); /* confirmed: not asked */
}

/* A network's id is reused by the next one created: its neighbours go with it. */
static void deleting_a_network_forgets_its_neighbours(void **state)
{
	struct dp_router_if_req rif_req = {.router = "r1", .network = "right"};
	uint16_t right = dp_conf_net_by_name("right");
	struct rte_ether_addr mac;

	(void)state;
	teach_host_b();
	assert_true(dp_neigh_lookup(right, test_ip("10.2.0.5"), &mac));
	assert_int_equal(dp_conf_router_if_del(&rif_req), 0);
	assert_int_equal(dp_conf_port_del("b", false), 0);
	assert_int_equal(dp_conf_net_del("right", false), 0);
	assert_false(dp_neigh_lookup(right, test_ip("10.2.0.5"), &mac));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(arp_for_the_gateway_is_answered_by_the_router, setup),
		cmocka_unit_test_setup(echo_to_the_gateway_is_answered, setup),
		cmocka_unit_test_setup(routed_frame_has_ttl_decremented_and_macs_rewritten, setup),
		cmocka_unit_test_setup(ttl_1_sends_time_exceeded, setup),
		cmocka_unit_test_setup(no_route_sends_net_unreachable, setup),
		cmocka_unit_test_setup(no_df_over_egress_mtu_leaves_in_fragments, setup),
		cmocka_unit_test_setup(gateway_is_one_existing_interface_and_goes_with_it, setup),
		cmocka_unit_test_setup(df_over_egress_mtu_sends_frag_needed_with_the_mtu, setup),
		cmocka_unit_test_setup(bad_header_checksum_is_dropped, setup),
		cmocka_unit_test_setup(unresolved_next_hop_waits_for_arp_then_goes, setup),
		cmocka_unit_test_setup(unanswered_next_hop_is_asked_again_each_second_then_given_up,
				setup),
		cmocka_unit_test_setup(waiting_frame_is_released_when_its_neighbour_resolves_elsewhere,
				setup),
		cmocka_unit_test_setup(default_route_catches_what_nothing_else_does, setup),
		cmocka_unit_test_setup(a_burst_is_routed_frame_by_frame_after_one_bulk_lookup, setup),
		cmocka_unit_test_setup(permanent_neighbour_wins_over_arp, setup),
		cmocka_unit_test_setup(routes_need_a_connected_next_hop_and_clean_prefixes, setup),
		cmocka_unit_test_setup(next_hop_adjacency_is_cached_and_follows_changes, setup),
	                cmocka_unit_test_setup(hosts_of_a_connected_subnet_each_get_their_own_mac, setup),
		cmocka_unit_test_setup(deleting_a_network_forgets_its_neighbours, setup),
		cmocka_unit_test_setup(stale_next_hop_is_asked_to_confirm_while_still_used, setup),
	};

	if (test_env_init("route") < 0)
		return 1;
	return cmocka_run_group_tests_name("ip4_route", tests, NULL, NULL);
}
