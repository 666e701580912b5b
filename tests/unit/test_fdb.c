/* SPDX-License-Identifier: Apache-2.0 */
/* The MAC table on its own: buckets, spill, delete, walk, aging, conditional writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "engine/dp_conf.h"
#include "dp_test_env.h"
#include "l2/dp_fdb.h"
#include "l2/dp_fdb_aging.h"

static struct dp_kv t;

static int setup(void **state)
{
	(void)state;
	return dp_kv_init(&t, 64, 300);
}

static int teardown(void **state)
{
	(void)state;
	dp_kv_fini(&t);
	return 0;
}

static uint64_t key_of(uint16_t net, uint32_t n)
{
	struct rte_ether_addr mac = {{0x02, 0, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff, 1}};

	return dp_fdb_key(net, &mac);
}

static void set_entry_is_found_with_its_value(void **state)
{
	uint64_t k = key_of(1, 1), v;

	(void)state;
	assert_false(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(3, 7, false, 42)), 0);
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 3);
	assert_int_equal(DP_FDB_VAL_EPOCH(v), 7);
	assert_int_equal(DP_FDB_VAL_SEEN(v), 42);
	assert_false(v & DP_FDB_VAL_STATIC);
}

static void same_mac_in_two_networks_is_two_entries(void **state)
{
	uint64_t k1 = key_of(1, 5), k2 = key_of(2, 5), v;

	(void)state;
	dp_kv_set(&t, k1, dp_kv_hash(k1), dp_fdb_val(1, 0, false, 0));
	dp_kv_set(&t, k2, dp_kv_hash(k2), dp_fdb_val(2, 0, false, 0));
	assert_true(dp_kv_lookup(&t, k1, dp_kv_hash(k1), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 1);
	assert_true(dp_kv_lookup(&t, k2, dp_kv_hash(k2), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 2);
}

static void set_replaces_existing_entry(void **state)
{
	uint64_t k = key_of(1, 9), v;

	(void)state;
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(1, 0, false, 0));
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(4, 0, false, 0));
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 4);
}

static void full_bucket_spills_and_entries_stay_reachable(void **state)
{
	/* Force one hash for many keys: the primary fills, the rest go to the spill. */
	const uint32_t h = 5;
	uint64_t v;

	(void)state;
	for (uint32_t i = 0; i < 2 * DP_KV_SLOTS; i++)
		assert_int_equal(dp_kv_set(&t, key_of(1, 100 + i), h, dp_fdb_val(i, 0, false, 0)), 0);
	for (uint32_t i = 0; i < 2 * DP_KV_SLOTS; i++) {
		assert_true(dp_kv_lookup(&t, key_of(1, 100 + i), h, &v));
		assert_int_equal(DP_FDB_VAL_PORT(v), i);
	}
	/* Both buckets full: refused and counted, never evicting someone else. */
	assert_int_equal(dp_kv_set(&t, key_of(1, 999), h, 1), -ENOSPC);
	assert_int_equal(t.set_failed, 1);
}

static void deleted_entry_is_gone(void **state)
{
	uint64_t k = key_of(3, 3), v;

	(void)state;
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(1, 0, true, 0));
	assert_int_equal(dp_kv_del(&t, k, dp_kv_hash(k)), 0);
	assert_false(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(dp_kv_del(&t, k, dp_kv_hash(k)), -ENOENT);
}

static void aging_forgets_old_dynamic_entries_but_keeps_static(void **state)
{
	uint64_t old = key_of(1, 1), fresh = key_of(1, 2), st = key_of(1, 3), v;

	(void)state;
	dp_port_epochs[1] = 0;
	dp_kv_set(&t, old, dp_kv_hash(old), dp_fdb_val(1, 0, false, 10));
	dp_kv_set(&t, fresh, dp_kv_hash(fresh), dp_fdb_val(1, 0, false, 400));
	dp_kv_set(&t, st, dp_kv_hash(st), dp_fdb_val(1, 0, true, 0));
	assert_int_equal(dp_fdb_age(&t, 500), 1);
	assert_false(dp_kv_lookup(&t, old, dp_kv_hash(old), &v));
	assert_true(dp_kv_lookup(&t, fresh, dp_kv_hash(fresh), &v));
	assert_true(dp_kv_lookup(&t, st, dp_kv_hash(st), &v));
}

static void aging_reclaims_entries_of_a_flushed_port(void **state)
{
	uint64_t k = key_of(1, 1), v;

	(void)state;
	dp_port_epochs[2] = 5;
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(2, 5, true, 0));
	dp_port_epochs[2] = 6;
	assert_int_equal(dp_fdb_age(&t, 1), 1);
	assert_false(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
}

static enum dp_kv_visit count(uint64_t key, uint64_t val, void *arg)
{
	(void)key;
	(void)val;
	++*(unsigned int *)arg;
	return DP_KV_KEEP;
}

static void walk_visits_every_entry_once(void **state)
{
	unsigned int n = 0;

	(void)state;
	for (uint32_t i = 0; i < 50; i++) {
		uint64_t k = key_of(1, i);

		dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(1, 0, false, 0));
	}
	assert_int_equal(dp_kv_walk(&t, 0, count, &n), 0);
	assert_int_equal(n, 50);
}

/* dp_kv_update writes only over what its caller read: a writer that decided from a
 * stale read looks again instead of undoing another's write. */
static void update_refuses_an_entry_added_since_it_was_read_absent(void **state)
{
	uint64_t k = key_of(1, 7), v;

	(void)state;
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(2, 0, true, 0));
	assert_int_equal(dp_kv_update(&t, k, dp_kv_hash(k), false, 0, dp_fdb_val(1, 0, false, 5)),
			-EAGAIN);
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 2);
}

static void update_refuses_an_entry_changed_or_deleted_since_it_was_read(void **state)
{
	uint64_t k = key_of(1, 8), old = dp_fdb_val(1, 0, false, 5), v;

	(void)state;
	dp_kv_set(&t, k, dp_kv_hash(k), dp_fdb_val(3, 0, false, 6));
	assert_int_equal(dp_kv_update(&t, k, dp_kv_hash(k), true, old, dp_fdb_val(4, 0, false, 7)),
			-EAGAIN);
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 3);
	dp_kv_del(&t, k, dp_kv_hash(k));
	assert_int_equal(dp_kv_update(&t, k, dp_kv_hash(k), true, v, dp_fdb_val(4, 0, false, 7)),
			-EAGAIN);
	assert_false(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
}

static void update_over_what_was_read_writes(void **state)
{
	uint64_t k = key_of(1, 9), v;

	(void)state;
	assert_int_equal(dp_kv_update(&t, k, dp_kv_hash(k), false, 0, dp_fdb_val(1, 0, false, 5)),
			0);
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(dp_kv_update(&t, k, dp_kv_hash(k), true, v, dp_fdb_val(2, 0, false, 6)),
			0);
	assert_true(dp_kv_lookup(&t, k, dp_kv_hash(k), &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 2);
}

/* An entry that went to the spill bucket is found there by an update too. */
static void update_finds_an_entry_in_the_spill_bucket(void **state)
{
	const uint32_t h = 5;
	uint64_t spilled = key_of(1, 100 + DP_KV_SLOTS), v;

	(void)state;
	for (uint32_t i = 0; i <= DP_KV_SLOTS; i++)
		dp_kv_set(&t, key_of(1, 100 + i), h, dp_fdb_val(i, 0, false, 0));
	assert_int_equal(dp_kv_update(&t, spilled, h, false, 0, 1), -EAGAIN);
	assert_true(dp_kv_lookup(&t, spilled, h, &v));
	assert_int_equal(dp_kv_update(&t, spilled, h, true, v, dp_fdb_val(9, 0, false, 0)), 0);
	assert_true(dp_kv_lookup(&t, spilled, h, &v));
	assert_int_equal(DP_FDB_VAL_PORT(v), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(set_entry_is_found_with_its_value, setup, teardown),
		cmocka_unit_test_setup_teardown(same_mac_in_two_networks_is_two_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(set_replaces_existing_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(full_bucket_spills_and_entries_stay_reachable, setup,
				teardown),
		cmocka_unit_test_setup_teardown(deleted_entry_is_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(aging_forgets_old_dynamic_entries_but_keeps_static, setup,
				teardown),
		cmocka_unit_test_setup_teardown(aging_reclaims_entries_of_a_flushed_port, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_visits_every_entry_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
				update_refuses_an_entry_added_since_it_was_read_absent, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				update_refuses_an_entry_changed_or_deleted_since_it_was_read, setup,
				teardown),
		cmocka_unit_test_setup_teardown(update_over_what_was_read_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(update_finds_an_entry_in_the_spill_bucket, setup,
				teardown),
	};

	if (test_eal_init("fdb") < 0)
		return 1;
	return cmocka_run_group_tests_name("fdb", tests, NULL, NULL);
}
