/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control thread's frames into the graph (engine/dp_inject.h): a
 * gratuitous ARP handed to the worker's ring leaves by l2_flood and port_tx
 * on every port of its network; a full ring drops and counts, never blocks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "dp_test_env.h"
#include "l2/dp_l2.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t pa, pb, pc;

/* Flat network "ext": ports a and b. Flat network "other": port c. */
static int setup(void **state)
{
	(void)state;
	test_env_reset();
	test_network("ext", DP_NET_FLAT, "", 0, 1500);
	test_network("other", DP_NET_FLAT, "", 0, 1500);
	pa = test_port("a");
	pb = test_port("b");
	pc = test_port("c");
	test_attach("a", "ext");
	test_attach("b", "ext");
	test_attach("c", "other");
	return 0;
}

/* What port_rx does with the worker's ring: everything in it, through l2_flood. */
static uint16_t send_injected(void)
{
	struct rte_mbuf *m[DP_INJECT_BURST];
	uint16_t total = 0, n;

	while ((n = dp_inject_take(test_worker->inject, m, RTE_DIM(m))) > 0) {
		test_pipeline_edge(DP_L2_FLOOD, m, n);
		total += n;
	}
	return total;
}

/* Gratuitous ARPs for ip from mac received on port (all drained frames freed). */
static uint16_t garps(uint16_t port, const struct rte_ether_addr *mac, const char *ip)
{
	struct rte_mbuf *pkts[8];
	uint16_t found = 0, n;

	while ((n = test_port_drain(port, pkts, RTE_DIM(pkts))) > 0) {
		for (uint16_t i = 0; i < n; i++) {
			const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], void *);
			const struct rte_arp_hdr *arp = dp_arp_parse(pkts[i]);

			found += arp != NULL && arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) &&
			         rte_is_broadcast_ether_addr(&eth->dst_addr) &&
			         rte_is_same_ether_addr(&eth->src_addr, mac) &&
			         rte_is_same_ether_addr(&arp->arp_data.arp_sha, mac) &&
			         arp->arp_data.arp_sip == test_ip(ip) &&
			         arp->arp_data.arp_tip == test_ip(ip);
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return found;
}

static void a_gratuitous_arp_floods_its_network_only(void **state)
{
	struct rte_ether_addr mac = mac_of(0x77);
	struct dp_inject_stats before = dp_inject_stats;

	(void)state;
	assert_int_equal(dp_inject_garp(dp_conf_net_by_name("ext"), &mac, test_ip("203.0.113.10"),
	                                 false),
	                0);
	assert_int_equal(dp_inject_stats.sent, before.sent + 1);
	/* Nothing leaves until the worker takes it into its graph. */
	assert_int_equal(garps(pa, &mac, "203.0.113.10"), 0);
	assert_int_equal(send_injected(), 1);
	assert_int_equal(garps(pa, &mac, "203.0.113.10"), 1);
	assert_int_equal(garps(pb, &mac, "203.0.113.10"), 1);
	assert_int_equal(garps(pc, &mac, "203.0.113.10"), 0);
}

static void a_full_ring_drops_and_counts(void **state)
{
	struct rte_ether_addr mac = mac_of(0x78);
	uint16_t net = dp_conf_net_by_name("ext");
	uint64_t full = dp_inject_stats.ring_full;
	unsigned int ok = 0, refused = 0;

	(void)state;
	/* The ring holds DP_INJECT_RING_SIZE - 1; the rest are refused without waiting. */
	for (unsigned int i = 0; i < DP_INJECT_RING_SIZE + 3; i++) {
		int rc = dp_inject_garp(net, &mac, test_ip("203.0.113.11"), false);

		assert_true(rc == 0 || rc == -ENOBUFS);
		ok += rc == 0;
		refused += rc == -ENOBUFS;
	}
	assert_int_equal(ok, DP_INJECT_RING_SIZE - 1);
	assert_int_equal(refused, 4);
	assert_int_equal(dp_inject_stats.ring_full, full + 4);
	/* What the ring held still leaves, in full, and the ring takes frames again. */
	assert_int_equal(send_injected(), DP_INJECT_RING_SIZE - 1);
	assert_int_equal(garps(pa, &mac, "203.0.113.11"), DP_INJECT_RING_SIZE - 1);
	garps(pb, &mac, "203.0.113.11");
	assert_int_equal(dp_inject_garp(net, &mac, test_ip("203.0.113.11"), false), 0);
	assert_int_equal(send_injected(), 1);
	assert_int_equal(garps(pb, &mac, "203.0.113.11"), 1);
	garps(pa, &mac, "203.0.113.11");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test_setup(a_gratuitous_arp_floods_its_network_only, setup),
	                cmocka_unit_test_setup(a_full_ring_drops_and_counts, setup),
	};

	if (test_env_init("fip_inject") < 0)
		return 1;
	return cmocka_run_group_tests_name("fip_inject", tests, NULL, NULL);
}
