/* SPDX-License-Identifier: Apache-2.0 */
/*
 * port_tx, the one way out: a burst for one port goes out whole, a mixed one
 * reaches each port in order, and what cannot be sent is counted under its
 * reason (port_gone, tx_queue_full) and freed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "dp_test_env.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"
#include "port/dp_port_nodes.h"

static uint16_t pa, pb;

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	pa = test_port("a");
	pb = test_port("b");
	return 0;
}

/* A 60-byte frame for port `out`, numbered by its UDP payload's length. */
static struct rte_mbuf *frame_for(uint16_t out, uint16_t payload)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = pa};
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.2", payload);

	dp_mbuf_meta(m)->out_port = out;
	return m;
}

static void a_burst_for_one_port_leaves_whole_and_is_counted(void **state)
{
	struct rte_mbuf *m[3] = {frame_for(pb, 18), frame_for(pb, 19), frame_for(pb, 20)};
	struct rte_mbuf *got[4];

	(void)state;
	dp_port_tx_burst(test_worker, m, 3);
	assert_int_equal(test_port_drain(pb, got, 4), 3);
	assert_int_equal(test_worker->port[pb].tx_packets, 3);
	assert_int_equal(test_worker->port[pb].tx_bytes, 60 + 61 + 62);
	rte_pktmbuf_free_bulk(got, 3);
}

static void a_mixed_burst_reaches_each_port_in_order(void **state)
{
	struct rte_mbuf *m[4] = {frame_for(pa, 18), frame_for(pb, 19), frame_for(pa, 20),
			frame_for(pb, 21)};
	struct rte_mbuf *got[4];

	(void)state;
	dp_port_tx_burst(test_worker, m, 4);
	assert_int_equal(test_port_drain(pa, got, 4), 2);
	assert_int_equal(rte_pktmbuf_pkt_len(got[0]), 60);
	assert_int_equal(rte_pktmbuf_pkt_len(got[1]), 62);
	rte_pktmbuf_free_bulk(got, 2);
	assert_int_equal(test_port_drain(pb, got, 4), 2);
	assert_int_equal(rte_pktmbuf_pkt_len(got[0]), 61);
	assert_int_equal(rte_pktmbuf_pkt_len(got[1]), 63);
	rte_pktmbuf_free_bulk(got, 2);
	assert_int_equal(test_worker->port[pa].tx_packets, 2);
	assert_int_equal(test_worker->port[pb].tx_packets, 2);
}

/* The port was deleted while its frames were in flight. */
static void frames_for_a_deleted_port_are_counted_port_gone(void **state)
{
	unsigned int avail = rte_mempool_avail_count(test_pool);
	struct rte_mbuf *m[2];

	(void)state;
	m[0] = frame_for(pb, 18);
	m[1] = frame_for(pb, 18);
	assert_int_equal(dp_conf_port_del("b", false), 0);
	dp_port_tx_burst(test_worker, m, 2);
	assert_int_equal(test_worker->drops[DP_DROP_PORT_GONE], 2);
	assert_int_equal(test_worker->port[pb].tx_dropped, 2);
	assert_int_equal(test_worker->port[pb].tx_packets, 0);
	assert_int_equal(rte_mempool_avail_count(test_pool), avail);
}

/* A stage that named no port at all: counted, not sent anywhere. */
static void a_frame_for_no_port_is_counted_not_sent(void **state)
{
	struct rte_mbuf *m[2] = {frame_for(pa, 18), frame_for(DP_SRC_ROUTER + 1000, 18)};
	struct rte_mbuf *got[2];

	(void)state;
	dp_port_tx_burst(test_worker, m, 2);
	assert_int_equal(test_port_drain(pa, got, 2), 1);
	rte_pktmbuf_free(got[0]);
	assert_int_equal(test_worker->drops[DP_DROP_PORT_GONE], 1);
}

/* Nobody drains the ring behind port a: once it is full, the rest is tx_queue_full. */
static void what_the_device_does_not_take_is_counted_tx_queue_full(void **state)
{
	unsigned int avail = rte_mempool_avail_count(test_pool);
	struct rte_mbuf *m[64], *got[64];
	uint64_t total = 0, sent, n;

	(void)state;
	for (int b = 0; b < 24; b++) {
		for (int i = 0; i < 64; i++)
			m[i] = frame_for(pa, 18);
		dp_port_tx_burst(test_worker, m, 64);
		total += 64;
	}
	sent = test_worker->port[pa].tx_packets;
	assert_true(sent < total);
	assert_int_equal(test_worker->drops[DP_DROP_TX_QUEUE_FULL], total - sent);
	assert_int_equal(test_worker->port[pa].tx_dropped, total - sent);
	assert_int_equal(test_worker->port[pa].tx_bytes, sent * 60);
	for (uint64_t left = sent; left > 0; left -= n) {
		n = test_port_drain(pa, got, 64);
		assert_true(n > 0);
		rte_pktmbuf_free_bulk(got, n);
	}
	assert_int_equal(rte_mempool_avail_count(test_pool), avail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_burst_for_one_port_leaves_whole_and_is_counted, setup),
		cmocka_unit_test_setup(a_mixed_burst_reaches_each_port_in_order, setup),
		cmocka_unit_test_setup(frames_for_a_deleted_port_are_counted_port_gone, setup),
		cmocka_unit_test_setup(a_frame_for_no_port_is_counted_not_sent, setup),
		cmocka_unit_test_setup(what_the_device_does_not_take_is_counted_tx_queue_full, setup),
	};

	if (test_env_init("port_tx") < 0)
		return 1;
	return cmocka_run_group_tests_name("port_tx", tests, NULL, NULL);
}
