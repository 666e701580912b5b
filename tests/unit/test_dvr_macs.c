/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A distributed router's interface MACs on the wire (l2/dp_l2.h,
 * dp_l2_is_rif_mac): every node's router has the same MAC on a network, so
 * its announcement stays on the node, a frame from the uplink carrying it as
 * source (another node routed it) is delivered without being learned, and
 * ARP for the interface is answered here rather than flooded to other nodes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_ether.h>

#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l3/dp_router_conf.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"

static uint16_t pc, up, vm;
static struct rte_ether_addr rif_green;

/* VLAN network "green" (VLAN 100 on physnet1): access port c and the uplink.
 * VXLAN network "blue" (VNI 5000): port vm, remote VTEP 10.0.0.2. Router r1
 * with interfaces on both; what they announced is forgotten. */
static int setup(void **state)
{
	struct dp_router_req r = {.name = "r1"};

	(void)state;
	test_env_reset();
	test_network("green", DP_NET_VLAN, "physnet1", 100, 1500);
	test_network("blue", DP_NET_VXLAN, "", 5000, 0);
	pc = test_port("c");
	up = test_port("up");
	vm = test_port("vm");
	test_port("u");
	test_attach("c", "green");
	test_attach("vm", "blue");
	test_uplink("up", "physnet1");
	test_security_off("c");
	test_security_off("vm");
	test_vtep("u", "10.0.0.1", 24, false);
	test_peer("blue", "10.0.0.2");
	assert_int_equal(dp_conf_router_add(&r), 0);
	test_router_if("r1", "green", "10.9.0.1", 24);
	test_router_if("r1", "blue", "10.8.0.1", 24);
	rif_green = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[0].mac;
	test_forget_injected();
	return 0;
}

static uint16_t run1(struct rte_mbuf *m)
{
	uint16_t next;

	dp_bridge_input_burst(test_worker, &m, 1, &next);
	return next;
}

static bool learned(const char *net, const struct rte_ether_addr *mac)
{
	uint64_t key = dp_fdb_key(dp_conf_net_by_name(net), mac), v;

	return dp_kv_lookup(&dp_tables.fdb, key, dp_kv_hash(key), &v);
}

static void a_router_mac_from_the_uplink_is_delivered_not_learned(void **state)
{
	struct pkt_spec s = {.src = rif_green, .dst = mac_of(0xc), .vlan = 100, .in_port = up};
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "10.8.0.5", "10.9.0.5", 18);
	struct rte_ether_addr other = mac_of(0xd);

	(void)state;
	/* Routed by another node's r1 onto green, for a port here (not known yet). */
	assert_int_equal(run1(m), DP_L2_FLOOD);
	assert_false(learned("green", &rif_green));
	rte_pktmbuf_free(m);
	/* Any other source on the uplink is learned as before. */
	s.src = other;
	m = pkt_ipv4_udp(test_pool, &s, "10.9.0.7", "10.9.0.5", 18);
	assert_int_equal(run1(m), DP_L2_FLOOD);
	assert_true(learned("green", &other));
	rte_pktmbuf_free(m);
}

/* Floods what the control thread injected last; the edges of its copies into
 * next (freed). Returns how many copies. */
static uint16_t flood_injected(uint16_t *next)
{
	struct rte_mbuf *m, *out[DP_FLOOD_MAX_COPIES];
	uint16_t n;

	assert_int_equal(dp_inject_take(test_worker->inject, &m, 1), 1);
	n = dp_flood_one(test_worker, m, out, next);
	rte_pktmbuf_free_bulk(out, n);
	test_forget_injected();
	return n;
}

static void a_new_interface_announces_itself_to_the_nodes_ports_only(void **state)
{
	struct dp_router_req r = {.name = "r2"};
	uint16_t next[DP_FLOOD_MAX_COPIES];

	(void)state;
	assert_int_equal(dp_conf_router_add(&r), 0);
	/* On blue: to vm, not to the remote VTEP. */
	test_router_if("r2", "blue", "10.7.0.1", 24);
	assert_int_equal(flood_injected(next), 1);
	assert_int_equal(next[0], DP_L2_TX);
	/* On green: to c, not to the uplink. */
	test_router_if("r2", "green", "10.6.0.1", 24);
	assert_int_equal(flood_injected(next), 1);
	assert_int_equal(next[0], DP_L2_TX);
	/* What is not the node's alone (a gateway's, a floating IP's) goes on the wire. */
	assert_int_equal(dp_inject_garp(dp_conf_net_by_name("blue"), &rif_green,
				 test_ip("10.7.0.1"), false),
		0);
	assert_int_equal(flood_injected(next), 2);
	assert_int_equal(next[0] == DP_L2_VXLAN || next[1] == DP_L2_VXLAN, true);
}

static void arp_for_an_interface_is_answered_here_not_flooded(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .vlan = NO_VLAN, .in_port = vm};
	struct rte_ether_addr sha = mac_of(0xa);
	struct rte_mbuf *m;

	(void)state;
	memset(&s.dst, 0xff, sizeof(s.dst));
	m = pkt_arp_request(test_pool, &s, &sha, "10.8.0.5", "10.8.0.1");
	assert_int_equal(run1(m), DP_L2_ROUTE);
	rte_pktmbuf_free(m);
	/* For another address of blue it floods, to the remote VTEP too. */
	m = pkt_arp_request(test_pool, &s, &sha, "10.8.0.5", "10.8.0.9");
	assert_int_equal(run1(m), DP_L2_FLOOD);
	rte_pktmbuf_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			a_router_mac_from_the_uplink_is_delivered_not_learned, setup),
		cmocka_unit_test_setup(a_new_interface_announces_itself_to_the_nodes_ports_only,
			setup),
		cmocka_unit_test_setup(arp_for_an_interface_is_answered_here_not_flooded, setup),
	};

	if (test_env_init("dvr_macs") < 0)
		return 1;
	return cmocka_run_group_tests_name("dvr_macs", tests, NULL, NULL);
}
