/* SPDX-License-Identifier: Apache-2.0 */
/* l2_flood: copies reach every other port of the frame's network, and only those. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/dp_conf.h"
#include "dp_test_env.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"

static uint16_t pa, pb, pc, pd, up;

/* VLAN network "green" (VLAN 100 on physnet1): ports a, b, c and the uplink.
 * Flat network "red": port d. */
static int setup(void **state)
{
	(void)state;
	test_env_reset();
	test_network("green", DP_NET_VLAN, "physnet1", 100, 1500);
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	pa = test_port("a");
	pb = test_port("b");
	pc = test_port("c");
	pd = test_port("d");
	up = test_port("up");
	test_attach("a", "green");
	test_attach("b", "green");
	test_attach("c", "green");
	test_attach("d", "red");
	test_uplink("up", "physnet1");
	return 0;
}

static uint16_t received(uint16_t port, struct rte_mbuf **out)
{
	struct rte_mbuf *pkts[8];
	uint16_t n = test_port_drain(port, pkts, RTE_DIM(pkts));

	if (out != NULL && n > 0)
		*out = pkts[0];
	for (uint16_t i = out != NULL ? 1 : 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	return n;
}

static struct rte_mbuf *broadcast_from(uint16_t port, uint16_t payload)
{
	struct pkt_spec s = {.src = mac_of(0xa), .vlan = NO_VLAN, .in_port = port};
	struct rte_mbuf *m;

	memset(&s.dst, 0xff, sizeof(s.dst));
	m = pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.255", payload);
	dp_mbuf_meta(m)->net_id = dp_conf_net_by_name("green");
	return m;
}

/* l2_flood, then port_tx for its copies. */
static void flood(struct rte_mbuf *m)
{
	test_pipeline_edge(DP_L2_FLOOD, &m, 1);
}

static void flood_reaches_every_other_port_of_the_network(void **state)
{
	struct rte_mbuf *tagged = NULL;
	struct rte_vlan_hdr *vh;

	(void)state;
	flood(broadcast_from(pa, 20));
	assert_int_equal(received(pa, NULL), 0);
	assert_int_equal(received(pb, NULL), 1);
	assert_int_equal(received(pc, NULL), 1);
	assert_int_equal(received(pd, NULL), 0);
	assert_int_equal(received(up, &tagged), 1);
	/* The uplink's copy carries the network's tag; the access copies do not. */
	vh = (struct rte_vlan_hdr *)(rte_pktmbuf_mtod(tagged, struct rte_ether_hdr *) + 1);
	assert_int_equal(rte_pktmbuf_mtod(tagged, struct rte_ether_hdr *)->ether_type,
			rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN));
	assert_int_equal(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, 100);
	rte_pktmbuf_free(tagged);
}

static void flood_from_uplink_does_not_return_to_it(void **state)
{
	(void)state;
	flood(broadcast_from(up, 20));
	assert_int_equal(received(up, NULL), 0);
	assert_int_equal(received(pa, NULL), 1);
	assert_int_equal(received(pb, NULL), 1);
	assert_int_equal(received(pc, NULL), 1);
}

static void flood_skips_ports_whose_mtu_is_too_small(void **state)
{
	struct dp_port_add_req req = {.mtu = 600, .exist_ok = 1};
	struct dp_port_add_reply reply;

	(void)state;
	snprintf(req.name, sizeof(req.name), "b");
	snprintf(req.devargs, sizeof(req.devargs), "%s", dp_port_confs[pb].devargs);
	assert_int_equal(dp_conf_port_add(&req, &reply), 0);
	flood(broadcast_from(pa, 1000));
	assert_int_equal(received(pb, NULL), 0);
	assert_int_equal(received(pc, NULL), 1);
	assert_int_equal(test_worker->drops[DP_DROP_MTU_EXCEEDED], 1);
	received(up, NULL);
}

static void flood_leaves_no_mbuf_behind(void **state)
{
	unsigned int before = rte_mempool_avail_count(test_pool);

	(void)state;
	flood(broadcast_from(pa, 20));
	received(pb, NULL);
	received(pc, NULL);
	received(up, NULL);
	assert_int_equal(rte_mempool_avail_count(test_pool), before);
}

/* Every copy leaves through port_tx with a port of its own; the access ports' copies
 * share the frame's data, the uplink's (tagged) has its own. */
static void flood_copies_go_to_port_tx_each_with_its_own_port(void **state)
{
	struct rte_mbuf *m = broadcast_from(pa, 20), *out[DP_FLOOD_MAX_COPIES];
	uint16_t next[DP_FLOOD_MAX_COPIES], n;
	bool seen_b = false, seen_c = false, seen_up = false;

	(void)state;
	n = dp_flood_one(test_worker, m, out, next);
	assert_int_equal(n, 3);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t port = dp_mbuf_meta(out[i])->out_port;

		assert_int_equal(next[i], DP_L2_TX);
		assert_int_equal(out[i]->port, pa); /* the trace still says where it came from */
		if (port == pb || port == pc) {
			assert_ptr_equal(rte_pktmbuf_mtod(out[i], void *), rte_pktmbuf_mtod(m, void *));
			seen_b |= port == pb;
			seen_c |= port == pc;
		} else {
			assert_int_equal(port, up);
			assert_ptr_not_equal(rte_pktmbuf_mtod(out[i], void *),
					rte_pktmbuf_mtod(m, void *));
			seen_up = true;
		}
	}
	assert_true(seen_b && seen_c && seen_up);
	test_pipeline(out, next, n);
	assert_int_equal(received(pb, NULL), 1);
	assert_int_equal(received(pc, NULL), 1);
	assert_int_equal(received(up, NULL), 1);
	assert_int_equal(test_worker->port[pb].tx_packets, 1);
	assert_int_equal(test_worker->port[up].tx_packets, 1);
}

/* A flat network's uplink takes the shared frame as it is, untagged. */
static void flood_to_a_flat_uplink_shares_the_frame(void **state)
{
	struct rte_mbuf *m, *got = NULL;
	uint16_t flat_up;

	(void)state;
	test_network("blue", DP_NET_FLAT, "physnet2", 0, 1500);
	flat_up = test_port("up2");
	test_uplink("up2", "physnet2");
	test_attach("d", "blue");
	m = broadcast_from(pd, 20);
	dp_mbuf_meta(m)->net_id = dp_conf_net_by_name("blue");
	flood(m);
	assert_int_equal(received(flat_up, &got), 1);
	assert_int_equal(rte_pktmbuf_mtod(got, struct rte_ether_hdr *)->ether_type,
			rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4));
	rte_pktmbuf_free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(flood_reaches_every_other_port_of_the_network, setup),
		cmocka_unit_test_setup(flood_from_uplink_does_not_return_to_it, setup),
		cmocka_unit_test_setup(flood_skips_ports_whose_mtu_is_too_small, setup),
		cmocka_unit_test_setup(flood_leaves_no_mbuf_behind, setup),
		cmocka_unit_test_setup(flood_copies_go_to_port_tx_each_with_its_own_port, setup),
		cmocka_unit_test_setup(flood_to_a_flat_uplink_shares_the_frame, setup),
	};

	if (test_env_init("flood") < 0)
		return 1;
	return cmocka_run_group_tests_name("l2_flood", tests, NULL, NULL);
}
