/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The neighbour table's contract between the packet path and the control
 * thread: what the control plane makes permanent, nothing a worker does
 * (asking for the address, learning it from ARP) undoes, even when the two
 * write at the same moment. The vxlan-encap benchmark lost one of its
 * permanent underlay neighbours that way: the worker's first write to the
 * table, marking the address asked for, faulted on its fresh page while the
 * control thread's NEIGH_ADD for it went through, and then wrote
 * "incomplete" over the permanent entry (test_hold_next_write replays it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/dp_neigh.h"
#include "engine/dp_tables.h"
#include "dp_test_env.h"

#define SCOPE DP_NEIGH_SCOPE_UNDERLAY

static const struct rte_ether_addr vtep_mac = {{0x02, 0xee, 0, 0, 0, 0x01}};
static const struct rte_ether_addr good_mac = {{0x02, 0xee, 0, 0, 0, 0x03}};
static const struct rte_ether_addr other_mac = {{0x02, 0x66, 0, 0, 0, 0x03}};

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	test_worker->now_sec = 7;
	return 0;
}

/* The entry's raw value; fails the test when there is none. */
static uint64_t entry(const char *ip)
{
	uint64_t key = dp_neigh_key(SCOPE, test_ip(ip)), v = 0;

	assert_true(dp_kv_lookup(&dp_tables.neigh, key, dp_kv_hash(key), &v));
	return v;
}

static void assert_permanent(const char *ip, const struct rte_ether_addr *mac)
{
	uint64_t v = entry(ip);

	assert_true(v & DP_NEIGH_VAL_PERMANENT);
	assert_true(v & DP_NEIGH_VAL_REACHABLE);
	assert_memory_equal(&v, mac, 6);
}

static void hold(const char *ip, void (*meanwhile)(void))
{
	test_hold_next_write(&dp_tables.neigh, dp_neigh_key(SCOPE, test_ip(ip)), meanwhile);
}

/* The control thread's NEIGH_ADD for 10.0.0.3. */
static void control_plane_adds_it(void)
{
	assert_int_equal(dp_neigh_add_permanent(SCOPE, test_ip("10.0.0.3"), &good_mac, false), 0);
}

/* Another worker asks for 10.0.0.3. */
static void another_worker_asks_for_it(void)
{
	static struct dp_worker other;
	struct rte_mbuf *req;

	other.now_sec = test_worker->now_sec;
	req = dp_neigh_solicit(&other, SCOPE, test_ip("10.0.0.3"), &vtep_mac, test_ip("10.0.0.1"));
	assert_non_null(req);
	rte_pktmbuf_free(req);
}

static struct rte_mbuf *ask(const char *ip)
{
	return dp_neigh_solicit(test_worker, SCOPE, test_ip(ip), &vtep_mac, test_ip("10.0.0.1"));
}

/* Frames that waited for an address the control plane then made permanent are asked
 * for again by the worker's tick before port_rx releases them: there is nothing to
 * ask, and the entry must stay the control plane's. */
static void asking_for_a_permanent_neighbour_leaves_it_alone(void **state)
{
	(void)state;
	control_plane_adds_it();
	assert_null(ask("10.0.0.3"));
	assert_permanent("10.0.0.3", &good_mac);
}

static void permanent_neighbour_added_while_a_worker_asks_for_it_stays(void **state)
{
	struct rte_mbuf *req;
	struct rte_ether_addr mac;

	(void)state;
	hold("10.0.0.3", control_plane_adds_it);
	req = ask("10.0.0.3");
	assert_int_equal(test_release_hold(), 1);
	assert_null(req); /* once permanent, there is nothing to ask */
	assert_true(dp_neigh_lookup(SCOPE, test_ip("10.0.0.3"), &mac));
	assert_permanent("10.0.0.3", &good_mac);
}

/* ARP never overrides what the control plane made permanent, however close they come. */
static void permanent_neighbour_added_while_a_worker_learns_it_keeps_its_mac(void **state)
{
	(void)state;
	hold("10.0.0.3", control_plane_adds_it);
	dp_neigh_learn(test_worker, SCOPE, test_ip("10.0.0.3"), &other_mac);
	assert_int_equal(test_release_hold(), 1);
	assert_permanent("10.0.0.3", &good_mac);
}

/* An answer learned while another worker marks the address asked for is not lost. */
static void answer_learned_while_another_worker_asks_is_kept(void **state)
{
	struct rte_ether_addr mac;

	(void)state;
	hold("10.0.0.3", another_worker_asks_for_it);
	dp_neigh_learn(test_worker, SCOPE, test_ip("10.0.0.3"), &good_mac);
	assert_int_equal(test_release_hold(), 1);
	assert_true(dp_neigh_lookup(SCOPE, test_ip("10.0.0.3"), &mac));
	assert_memory_equal(&mac, &good_mac, 6);
}

static void asking_marks_the_address_once_a_second(void **state)
{
	struct rte_mbuf *req = ask("10.0.0.3");
	struct rte_ether_addr mac;

	(void)state;
	assert_non_null(req);
	rte_pktmbuf_free(req);
	assert_null(ask("10.0.0.3"));
	assert_false(dp_neigh_lookup(SCOPE, test_ip("10.0.0.3"), &mac));
	test_worker->now_sec++;
	req = ask("10.0.0.3");
	assert_non_null(req);
	rte_pktmbuf_free(req);
}

/* A reachable entry asked for again (the router's stale probe) keeps its MAC meanwhile. */
static void asking_again_for_a_learned_neighbour_keeps_it_usable(void **state)
{
	struct rte_mbuf *req;
	struct rte_ether_addr mac;

	(void)state;
	dp_neigh_learn(test_worker, SCOPE, test_ip("10.0.0.3"), &good_mac);
	test_worker->now_sec += DP_NEIGH_STALE_SEC + 1;
	req = ask("10.0.0.3");
	assert_non_null(req);
	rte_pktmbuf_free(req);
	assert_true(dp_neigh_lookup(SCOPE, test_ip("10.0.0.3"), &mac));
	assert_memory_equal(&mac, &good_mac, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(asking_for_a_permanent_neighbour_leaves_it_alone, setup),
		cmocka_unit_test_setup(
				permanent_neighbour_added_while_a_worker_asks_for_it_stays, setup),
		cmocka_unit_test_setup(
				permanent_neighbour_added_while_a_worker_learns_it_keeps_its_mac,
				setup),
		cmocka_unit_test_setup(answer_learned_while_another_worker_asks_is_kept, setup),
		cmocka_unit_test_setup(asking_marks_the_address_once_a_second, setup),
		cmocka_unit_test_setup(asking_again_for_a_learned_neighbour_keeps_it_usable, setup),
	};

	if (test_env_init("neigh") < 0)
		return 1;
	return cmocka_run_group_tests_name("neigh", tests, NULL, NULL);
}
