/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Robustness: tens of thousands of mutated and truncated frames through every
 * stage (bridge_input, underlay_input, ip4_route, l2_flood) with every
 * feature configured. Each frame must get a valid edge, and every mbuf must
 * come back to the pool: no crash, no leak, no frame left undecided.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include <rte_random.h>

#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_vxlan.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "pkt_builder.h"

#define ROUNDS 20000

static uint16_t pa, pup, punder;

static int setup(void **state)
{
	struct dp_router_req r = {.name = "r1"};
	struct dp_router_if_req i1 = {.router = "r1", .network = "red", .prefixlen = 24,
			.ip = {10, 1, 0, 1}};
	struct dp_router_if_req i2 = {.router = "r1", .network = "ov", .prefixlen = 24,
			.ip = {10, 2, 0, 1}};

	(void)state;
	test_env_reset();
	test_network("red", DP_NET_VLAN, "physnet1", 100, 1500);
	test_network("ov", DP_NET_VXLAN, "", 7000, 0);
	pa = test_port("a");
	pup = test_port("up");
	punder = test_port("under");
	test_attach("a", "red");
	test_uplink("up", "physnet1");
	test_vtep("under", "172.31.0.1", 24, true);
	test_peer("ov", "172.31.0.2");
	assert_int_equal(dp_conf_router_add(&r), 0);
	assert_int_equal(dp_conf_router_if_add(&i1), 0);
	assert_int_equal(dp_conf_router_if_add(&i2), 0);
	return 0;
}

/* A valid frame of one of several kinds, then broken at random. */
static struct rte_mbuf *random_frame(void)
{
	const struct rte_ether_addr gw = dp_router_confs[0]->rifs[0].mac;
	struct pkt_spec s = {.src = mac_of(0xa), .dst = gw, .vlan = NO_VLAN, .in_port = pa};
	struct rte_mbuf *m;
	uint32_t kind = rte_rand_max(5), len;
	uint8_t *p;

	if (kind == 1) {
		s.in_port = pup;
		s.vlan = rte_rand_max(2) ? 100 : rte_rand_max(4096);
	}
	if (kind == 2)
		memset(&s.dst, 0xff, 6);
	if (kind == 3)
		m = pkt_arp_request(test_pool, &s, NULL, "10.1.0.10", "10.1.0.1");
	else
		m = pkt_ipv4_udp(test_pool, &s, "10.1.0.10", "10.2.0.7", rte_rand_max(200));
	if (kind == 4) {
		/* A VXLAN frame from the peer, arriving on the underlay. */
		struct dp_vtep v = *dp_vtep_get();
		struct rte_ether_addr peer = mac_of(0x77);
		struct rte_mbuf *req;

		v.local_ip = test_ip("172.31.0.2");
		dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("172.31.0.1"), &v.mac);
		assert_int_equal(dp_vxlan_encap(test_worker, m, &v, 7000, test_ip("172.31.0.1"), &req),
				DP_DROP_REASON_MAX);
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr = peer;
		m->port = punder;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	len = rte_pktmbuf_data_len(m);
	for (uint32_t flips = rte_rand_max(4); flips > 0; flips--)
		p[rte_rand_max(len)] = rte_rand();
	if (rte_rand_max(3) == 0)
		rte_pktmbuf_trim(m, rte_rand_max(len));
	return m;
}

static void drain_ports(void)
{
	struct rte_mbuf *pkts[32];
	uint16_t n;

	for (uint16_t p = 0; p < DP_MAX_PORTS; p++)
		while (dp_port_confs[p].used && (n = test_port_drain(p, pkts, 32)) > 0)
			rte_pktmbuf_free_bulk(pkts, n);
}

static void every_broken_frame_is_decided_and_freed(void **state)
{
	unsigned int before, own_before;

	(void)state;
	rte_srand(42);
	drain_ports();
	before = rte_mempool_avail_count(test_pool);
	own_before = rte_mempool_avail_count(dp_tables.pool);
	for (int i = 0; i < ROUNDS; i++) {
		struct rte_mbuf *m = random_frame();
		uint16_t edge;

		dp_bridge_input_burst(test_worker, &m, 1, &edge);
		assert_true(edge < DP_L2_EDGE_MAX);
		test_pipeline(&m, &edge, 1);
		if (i % 256 == 0)
			drain_ports();
	}
	/* Frames still waiting for ARP (and the dataplane's own request copies waiting for
	 * the underlay) hold their mbufs until the worker's tick gives them up. */
	for (int s = 0; s <= DP_ARP_WAIT_SEC; s++) {
		test_worker->now_sec++;
		dp_worker_tick(test_worker);
		test_release_ready();
		drain_ports();
	}
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_worker->arp_wait.n_asks, 0);
	assert_int_equal(rte_mempool_avail_count(test_pool), before);
	assert_int_equal(rte_mempool_avail_count(dp_tables.pool), own_before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_broken_frame_is_decided_and_freed, setup),
	};

	if (test_env_init("random") < 0)
		return 1;
	return cmocka_run_group_tests_name("random_frames", tests, NULL, NULL);
}
