/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connection table on keys built from tuples (test_ct_parse.c builds them
 * from frames, test_ct_tcp.c plays TCP): directions, zones, records, limits,
 * expiry, flushes, RCU reclamation and two threads creating at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#include "ct_test.h"

/* ---- Keys and directions ---- */

static void both_directions_find_one_entry(const char *a, const char *b)
{
	struct dp_ct_pkt fwd = tuple(IPPROTO_UDP, a, 5353, b, 53);
	struct dp_ct_pkt rev = tuple(IPPROTO_UDP, b, 53, a, 5353);
	uint32_t idx = create(&fwd);
	enum dp_ct_dir dir;

	assert_memory_equal(&fwd.key, &rev.key, sizeof(fwd.key));
	assert_int_not_equal(fwd.side, rev.side);
	assert_int_equal(lookup(&rev), idx);
	assert_int_equal(state_of(idx), DP_CT_UNREPLIED);
	assert_int_equal(dp_ct_update(ct, idx, &fwd, T0, &dir), OK);
	assert_int_equal(dir, O);
	assert_int_equal(state_of(idx), DP_CT_UNREPLIED);
	assert_int_equal(dp_ct_update(ct, idx, &rev, T0, &dir), OK);
	assert_int_equal(dir, R);
	assert_int_equal(state_of(idx), DP_CT_REPLIED);
}

static void both_directions_find_one_entry_ipv4(void **state)
{
	(void)state;
	both_directions_find_one_entry("192.168.1.20", "10.0.0.3");
}

static void both_directions_find_one_entry_ipv6(void **state)
{
	(void)state;
	both_directions_find_one_entry("2001:db8::20", "2001:db8::3");
}

static void same_ports_on_the_same_host_pair_order_by_port(void **state)
{
	struct dp_ct_pkt a = tuple(IPPROTO_TCP, "10.0.0.1", 80, "10.0.0.1", 1234);
	struct dp_ct_pkt b = tuple(IPPROTO_TCP, "10.0.0.1", 1234, "10.0.0.1", 80);

	(void)state;
	assert_memory_equal(&a.key, &b.key, sizeof(a.key));
	assert_int_not_equal(a.side, b.side);
}

static void icmp_echo_request_and_reply_share_one_entry_per_identifier(void **state)
{
	struct dp_ct_pkt req = echo("10.0.0.1", "10.0.0.2", 77, true);
	struct dp_ct_pkt rep = echo("10.0.0.2", "10.0.0.1", 77, false);
	struct dp_ct_pkt other = echo("10.0.0.1", "10.0.0.2", 78, true);
	struct dp_ct_pkt theirs = echo("10.0.0.2", "10.0.0.1", 77, true);
	uint32_t idx, x;
	enum dp_ct_dir dir;

	(void)state;
	assert_int_equal(dp_ct_create(ct, &rep, &no_rec, &no_rec, T0, &x), -EINVAL);
	idx = create(&req);
	assert_int_equal(lookup(&rep), idx);
	assert_int_equal(dp_ct_update(ct, idx, &rep, T0, &dir), OK);
	assert_int_equal(dir, R);
	assert_int_equal(state_of(idx), DP_CT_REPLIED);
	/* Another identifier is another ping; so is the peer's own request. */
	assert_int_equal(lookup(&other), DP_CT_NONE);
	assert_int_equal(lookup(&theirs), DP_CT_NONE);
	assert_int_not_equal(create(&other), idx);
	assert_int_not_equal(create(&theirs), idx);

	/* With identifier 0 both sides' requests make one key: the type tells. */
	req = echo("10.0.0.1", "10.0.0.2", 0, true);
	theirs = echo("10.0.0.2", "10.0.0.1", 0, true);
	idx = create(&req);
	assert_int_equal(lookup(&theirs), idx);
	assert_int_equal(dp_ct_update(ct, idx, &theirs, T0, &dir), BAD);
}

static void same_tuple_in_two_zones_is_two_entries(void **state)
{
	struct dp_ct_pkt p = tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN);
	uint32_t a, b;

	(void)state;
	a = create(&p);
	p.key.zone = 2;
	assert_int_equal(lookup(&p), DP_CT_NONE);
	b = create(&p);
	assert_int_not_equal(a, b);
	p.key.zone = 3;
	assert_int_equal(lookup(&p), DP_CT_NONE);
	p.key.zone = 1;
	assert_int_equal(lookup(&p), a);
}

static void lookup_bulk_handles_more_than_one_hash_burst(void **state)
{
	struct dp_ct_pkt p[150];
	uint32_t idx[150], want[150];

	(void)state;
	for (int i = 0; i < 150; i++) {
		p[i] = tuple(IPPROTO_UDP, "10.0.0.1", 1000 + i, "10.0.0.2", 53);
		want[i] = i % 3 ? create(&p[i]) : DP_CT_NONE;
	}
	assert_int_equal(dp_ct_lookup_bulk(ct, p, 150, idx), 100);
	assert_memory_equal(idx, want, sizeof(idx));
}

/* ---- Records and limits ---- */

static void records_are_read_back_by_role(void **state)
{
	/* Opened from endpoint 1 of the key, so roles and key sides differ. */
	struct dp_ct_pkt p = tcp("10.0.0.9", 40000, "10.0.0.2", 22, SYN);
	const struct dp_ct_rec orig = {3, 7, 11}, resp = {4, 7, 12};
	struct dp_ct_rec r;
	uint32_t idx;

	(void)state;
	assert_int_equal(p.side, 1);
	assert_int_equal(dp_ct_create(ct, &p, &orig, &resp, T0, &idx), 0);
	r = dp_ct_rec_get(ct, idx, DP_CT_ORIGINATOR);
	assert_true(r.port == 3 && r.gen == 7 && r.rule == 11);
	r = dp_ct_rec_get(ct, idx, DP_CT_RESPONDER);
	assert_true(r.port == 4 && r.gen == 7 && r.rule == 12);
	dp_ct_rec_set(ct, idx, DP_CT_RESPONDER, 8, 13);
	r = dp_ct_rec_get(ct, idx, DP_CT_RESPONDER);
	assert_true(r.port == 4 && r.gen == 8 && r.rule == 13);
	assert_int_equal(dp_ct_rec_get(ct, idx, DP_CT_ORIGINATOR).gen, 7);
}

static void full_table_refuses_new_connections_and_keeps_the_old(void **state)
{
	struct dp_ct_pkt p[5];
	uint32_t idx[5], x;
	struct dp_ct_stats st;

	(void)state;
	dp_ct_fini(ct);
	ct = table(4, 0, false);
	for (int i = 0; i < 5; i++)
		p[i] = tcp("10.0.0.1", 1000 + i, "10.0.0.2", 80, SYN);
	for (int i = 0; i < 4; i++)
		idx[i] = create(&p[i]);
	assert_int_equal(dp_ct_create(ct, &p[4], &no_rec, &no_rec, T0, &x), -ENOSPC);
	assert_int_equal(x, DP_CT_NONE);
	assert_int_equal(dp_ct_lookup_bulk(ct, p, 5, idx + 0), 4);
	assert_int_equal(idx[4], DP_CT_NONE);
	/* A retransmitted SYN of an existing one still finds it. */
	assert_int_equal(dp_ct_create(ct, &p[2], &no_rec, &no_rec, T0, &x), -EEXIST);
	assert_int_equal(x, idx[2]);
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.in_use, 4);
	assert_int_equal(st.table_full, 1);
	/* Room again once one is gone (no reader holds a grace period here). */
	assert_int_equal(dp_ct_delete(ct, idx[0]), 0);
	assert_int_equal(dp_ct_create(ct, &p[4], &no_rec, &no_rec, T0, &x), 0);
}

static void port_limit_refuses_with_edquot_and_counts_deletes(void **state)
{
	const struct dp_ct_rec on3 = {3, 1, 0}, on4 = {4, 1, 0};
	struct dp_ct_pkt p[4];
	uint32_t idx[4], x;
	struct dp_ct_stats st;

	(void)state;
	dp_ct_fini(ct);
	ct = table(64, 2, false);
	for (int i = 0; i < 4; i++)
		p[i] = tcp("10.0.0.1", 1000 + i, "10.0.0.2", 80, SYN);
	assert_int_equal(dp_ct_create(ct, &p[0], &on3, &no_rec, T0, &idx[0]), 0);
	assert_int_equal(dp_ct_create(ct, &p[1], &no_rec, &on3, T0, &idx[1]), 0);
	assert_int_equal(dp_ct_port_count(ct, 3), 2);
	/* Port 3 is full as originator and as responder; port 4 is not. */
	assert_int_equal(dp_ct_create(ct, &p[2], &on3, &no_rec, T0, &x), -EDQUOT);
	assert_int_equal(dp_ct_create(ct, &p[2], &on4, &on3, T0, &x), -EDQUOT);
	assert_int_equal(dp_ct_port_count(ct, 4), 0);
	assert_int_equal(dp_ct_create(ct, &p[2], &on4, &on4, T0, &idx[2]), 0);
	assert_int_equal(dp_ct_port_count(ct, 4), 1); /* both sides one port: counted once */
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.port_limit, 2);

	assert_int_equal(dp_ct_delete(ct, idx[0]), 0);
	assert_int_equal(dp_ct_port_count(ct, 3), 1);
	assert_int_equal(dp_ct_create(ct, &p[3], &on3, &no_rec, T0, &idx[3]), 0);
	/* A per-port override. */
	assert_int_equal(dp_ct_port_limit_set(ct, 3, 3), 0);
	assert_int_equal(dp_ct_create(ct, &p[0], &on3, &no_rec, T0, &x), 0);
	assert_int_equal(dp_ct_port_count(ct, 3), 3);
	assert_int_equal(dp_ct_delete(ct, idx[2]), 0);
	assert_int_equal(dp_ct_port_count(ct, 4), 0);
}

/* ---- Expiry, flushes, listing ---- */

/* Created at T0 in `state` (after `steps`), it lives exactly `timeout` seconds idle. */
static void expires_after(struct dp_ct_pkt *p, const struct dp_ct_pkt *reply, uint32_t timeout)
{
	uint32_t idx = create(p);
	enum dp_ct_dir dir;

	if (reply != NULL)
		assert_int_equal(dp_ct_update(ct, idx, reply, T0, &dir), OK);
	assert_int_equal(dp_ct_expire(ct, T0 + timeout, ct->n_slots), 0);
	assert_int_equal(lookup(p), idx);
	assert_int_equal(dp_ct_expire(ct, T0 + timeout + 1, ct->n_slots), 1);
	assert_int_equal(lookup(p), DP_CT_NONE);
}

static void expiry_removes_an_entry_after_its_state_timeout_and_not_before(void **state)
{
	struct dp_ct_pkt syn = tcp("10.0.0.1", 1, "10.0.0.2", 80, SYN);
	struct dp_ct_pkt udp = tuple(IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 53);
	struct dp_ct_pkt udp_rev = tuple(IPPROTO_UDP, "10.0.0.2", 53, "10.0.0.1", 1);
	struct dp_ct_pkt gre = tuple(47, "10.0.0.1", 0, "10.0.0.2", 0);
	struct dp_ct_pkt ping = echo("10.0.0.1", "10.0.0.2", 9, true);

	(void)state;
	expires_after(&syn, NULL, 120);
	expires_after(&udp, NULL, 30);
	expires_after(&udp, &udp_rev, 120);
	expires_after(&gre, NULL, 600);
	expires_after(&ping, NULL, 30);
}

static void a_packet_moves_the_expiry_on(void **state)
{
	struct dp_ct_pkt udp = tuple(IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 53);
	uint32_t idx = create(&udp);
	enum dp_ct_dir dir;

	(void)state;
	assert_int_equal(dp_ct_update(ct, idx, &udp, T0 + 20, &dir), OK);
	assert_int_equal(dp_ct_expire(ct, T0 + 45, ct->n_slots), 0);
	/* A worker whose clock is a second behind does not move it back. */
	assert_int_equal(dp_ct_update(ct, idx, &udp, T0 + 19, &dir), OK);
	assert_int_equal(ct->entries[idx].last_seen, T0 + 20);
	assert_int_equal(dp_ct_expire(ct, T0 + 50, ct->n_slots), 0);
	assert_int_equal(dp_ct_expire(ct, T0 + 51, ct->n_slots), 1);
}

static void expiry_visits_at_most_its_budget_per_call(void **state)
{
	uint32_t total = 0, calls = 0;

	(void)state;
	for (int i = 0; i < 10; i++) {
		struct dp_ct_pkt p = tuple(IPPROTO_UDP, "10.0.0.1", 100 + i, "10.0.0.2", 53);

		create(&p);
	}
	while (total < 10) {
		uint32_t n = dp_ct_expire(ct, T0 + 1000, 1);

		assert_true(n <= 1);
		total += n;
		assert_true(++calls <= ct->n_slots);
	}
	assert_true(calls > 10);
	assert_int_equal(total, 10);
}

static void flushes_delete_by_port_or_everything(void **state)
{
	const struct dp_ct_rec on3 = {3, 1, 0}, on4 = {4, 1, 0};
	struct dp_ct_pkt p[4];
	uint32_t x;
	struct dp_ct_stats st;

	(void)state;
	for (int i = 0; i < 4; i++) {
		p[i] = tcp("10.0.0.1", 1000 + i, "10.0.0.2", 80, SYN);
		assert_int_equal(dp_ct_create(ct, &p[i], i == 1 ? &no_rec : &on4,
						 i < 2 ? &on3 : &no_rec, T0, &x),
				0);
	}
	assert_int_equal(dp_ct_flush_port(ct, 3), 2);
	assert_int_equal(lookup(&p[0]), DP_CT_NONE);
	assert_int_equal(lookup(&p[1]), DP_CT_NONE);
	assert_int_not_equal(lookup(&p[2]), DP_CT_NONE);
	assert_int_equal(dp_ct_port_count(ct, 3), 0);
	assert_int_equal(dp_ct_port_count(ct, 4), 2);
	assert_int_equal(dp_ct_flush(ct), 2);
	assert_int_equal(dp_ct_port_count(ct, 4), 0);
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.flushed, 4);
}

static void flushing_a_zone_leaves_the_same_tuple_in_other_zones(void **state)
{
	struct dp_ct_pkt p = tcp("10.0.0.1", 1234, "10.0.0.2", 80, SYN);
	struct dp_ct_pkt q = tcp("10.0.0.1", 1, "10.0.0.3", 80, SYN);
	uint32_t in2;

	(void)state;
	create(&p);
	create(&q);
	p.key.zone = 2;
	in2 = create(&p);
	assert_int_equal(dp_ct_flush_zone(ct, 1), 2);
	assert_int_equal(lookup(&p), in2);
	p.key.zone = 1;
	assert_int_equal(lookup(&p), DP_CT_NONE);
	assert_int_equal(dp_ct_flush_zone(ct, 1), 0);
}

static void killed_connection_is_dead_then_deleted_by_the_next_expiry(void **state)
{
	struct dp_ct_pkt p = tuple(IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 53);
	uint32_t idx = create(&p), x;
	enum dp_ct_dir dir;

	(void)state;
	dp_ct_kill(ct, idx);
	assert_true(dp_ct_is_dead(ct, idx));
	assert_int_equal(dp_ct_update(ct, idx, &p, T0, &dir), DP_CT_DEAD);
	assert_int_equal(dp_ct_create(ct, &p, &no_rec, &no_rec, T0, &x), -EEXIST);
	/* Not timed out, and not in the slice walked: the kill ring finds it. */
	assert_int_equal(dp_ct_expire(ct, T0, 0), 1);
	assert_int_equal(lookup(&p), DP_CT_NONE);
	assert_int_equal(dp_ct_create(ct, &p, &no_rec, &no_rec, T0, &x), 0);
}

static void listing_pages_through_every_entry(void **state)
{
	const struct dp_ct_rec on3 = {3, 9, 42};
	struct dp_ct_info info[2];
	uint32_t cursor = 0, n, seen = 0, got;
	uint32_t idx[5];

	(void)state;
	for (int i = 0; i < 5; i++) {
		struct dp_ct_pkt p = tcp("10.0.0.1", 1000 + i, "10.0.0.2", 80, SYN);

		assert_int_equal(dp_ct_create(ct, &p, &on3, &no_rec, T0 + i, &idx[i]), 0);
	}
	while ((n = dp_ct_list(ct, &cursor, info, RTE_DIM(info))) > 0) {
		for (uint32_t i = 0; i < n; i++) {
			const struct dp_ct_info *o = &info[i];
			uint16_t sport = ntohs(o->key.port[o->orig_side]);

			assert_true(sport >= 1000 && sport < 1005);
			seen |= 1u << (sport - 1000);
			assert_int_equal(o->idx, idx[sport - 1000]);
			assert_int_equal(o->created, T0 + sport - 1000);
			assert_int_equal(o->state, DP_CT_TCP_SYN_SENT);
			assert_int_equal(o->rec[DP_CT_ORIGINATOR].port, 3);
			assert_int_equal(o->rec[DP_CT_ORIGINATOR].rule, 42);
			assert_int_equal(o->rec[DP_CT_RESPONDER].port, DP_CT_NO_PORT);
			assert_memory_equal(&o->key, dp_ct_key_at(ct, o->idx), sizeof(o->key));
		}
	}
	assert_int_equal(seen, 0x1f);
	got = 0;
	cursor = 0;
	while ((n = dp_ct_list(ct, &cursor, info, 1)) > 0)
		got += n;
	assert_int_equal(got, 5);
}

/* ---- Reclamation and concurrency ---- */

static void deleted_entry_is_reused_only_after_a_grace_period(void **state)
{
	struct dp_ct_pkt p = tuple(IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 53);
	struct dp_ct_stats st;
	enum dp_ct_dir dir;
	bool reused = false;
	uint32_t old;

	(void)state;
	/* A worker in the middle of its loop: online, no quiescent state since. */
	assert_int_equal(rte_rcu_qsbr_thread_register(rcu, 0), 0);
	rte_rcu_qsbr_thread_online(rcu, 0);
	old = create(&p);
	assert_int_equal(dp_ct_delete(ct, old), 0);
	dp_ct_reclaim(ct);
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.in_use, 0);
	/* What that worker may still read is the dead entry, not another connection. */
	assert_int_equal(lookup(&p), DP_CT_NONE);
	assert_int_equal(dp_ct_update(ct, old, &p, T0, &dir), DP_CT_DEAD);
	assert_int_not_equal(create(&p), old);
	for (int i = 0; i < 100; i++) {
		struct dp_ct_pkt q = tuple(IPPROTO_UDP, "10.0.1.1", 1000 + i, "10.0.0.2", 53);

		assert_int_not_equal(create(&q), old);
	}
	assert_true(ct->entries[old].sw & DP_CT_SW_DEAD);

	rte_rcu_qsbr_quiescent(rcu, 0);
	dp_ct_reclaim(ct);
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(ct->entries[old].sw, 0);
	for (int i = 0; i < 100 && !reused; i++) {
		struct dp_ct_pkt q = tuple(IPPROTO_UDP, "10.0.2.1", 1000 + i, "10.0.0.2", 53);

		reused = create(&q) == old;
	}
	assert_true(reused);
}

/* Even when the test failed half-way: a reader left online would hang dp_ct_fini. */
static int reader_teardown(void **state)
{
	rte_rcu_qsbr_thread_offline(rcu, 0);
	rte_rcu_qsbr_thread_unregister(rcu, 0);
	return teardown(state);
}

#define MT_KEYS 20000
#define MT_DOOMED 5000

struct mt_worker {
	pthread_t thread;
	unsigned int rcu_id;
	bool backwards;
	uint32_t created;
	uint32_t errors;
	uint32_t idx[MT_KEYS];
};

/* Key i of the concurrency test: UDP 10.1.i/256.i%256:i -> 10.2.0.1:53, in zone z. */
static struct dp_ct_pkt mt_key(uint32_t i, uint16_t zone)
{
	uint8_t s[4] = {10, 1, i >> 8, i & 0xff}, d[4] = {10, 2, 0, 1};
	struct dp_ct_pkt p = {0};

	dp_ct_key_set(&p, zone, AF_INET, IPPROTO_UDP, s, d, htons(1024 + i % 60000), htons(53));
	p.l4 = DP_CT_L4_UDP;
	return p;
}

/* A worker: creates every key (the other worker does too, in the other order), and
 * finds each right after. No cmocka asserts off the main thread: errors are counted. */
static void *mt_run(void *arg)
{
	struct mt_worker *w = arg;

	if (rte_thread_register() < 0) { /* rte_hash's per-lcore caches need an lcore id */
		w->errors++;
		return NULL;
	}
	rte_rcu_qsbr_thread_register(rcu, w->rcu_id);
	rte_rcu_qsbr_thread_online(rcu, w->rcu_id);
	for (uint32_t k = 0; k < MT_KEYS; k++) {
		uint32_t i = w->backwards ? MT_KEYS - 1 - k : k, idx, found;
		struct dp_ct_pkt p = mt_key(i, 7);
		int rc = dp_ct_create(ct, &p, &no_rec, &no_rec, T0, &idx);

		if (rc == 0)
			w->created++;
		else if (rc != -EEXIST)
			w->errors++;
		w->idx[i] = idx;
		dp_ct_lookup_bulk(ct, &p, 1, &found);
		if (found != idx)
			w->errors++;
		if (k % 64 == 0)
			rte_rcu_qsbr_quiescent(rcu, w->rcu_id);
	}
	rte_rcu_qsbr_thread_offline(rcu, w->rcu_id);
	rte_rcu_qsbr_thread_unregister(rcu, w->rcu_id);
	rte_thread_unregister();
	return NULL;
}

static void two_threads_creating_at_once_lose_and_duplicate_nothing(void **state)
{
	static struct mt_worker w[2];
	uint32_t doomed[MT_DOOMED], x;
	uint8_t *used;
	struct dp_ct_stats st;

	(void)state;
	dp_ct_fini(ct);
	ct = table(32768, 0, false);
	/* The control thread deletes these while the workers create. */
	for (uint32_t i = 0; i < MT_DOOMED; i++) {
		struct dp_ct_pkt p = mt_key(i, 8);

		assert_int_equal(dp_ct_create(ct, &p, &no_rec, &no_rec, T0, &doomed[i]), 0);
	}
	for (int t = 0; t < 2; t++) {
		w[t] = (struct mt_worker){.rcu_id = 1 + t, .backwards = t == 1};
		assert_int_equal(pthread_create(&w[t].thread, NULL, mt_run, &w[t]), 0);
	}
	for (uint32_t i = 0; i < MT_DOOMED; i++) {
		assert_int_equal(dp_ct_delete(ct, doomed[i]), 0);
		if (i % 100 == 0)
			dp_ct_reclaim(ct);
	}
	for (int t = 0; t < 2; t++)
		pthread_join(w[t].thread, NULL);
	dp_ct_reclaim(ct);

	assert_int_equal(w[0].errors + w[1].errors, 0);
	assert_int_equal(w[0].created + w[1].created, MT_KEYS);
	used = calloc(ct->n_slots, 1);
	assert_non_null(used);
	for (uint32_t i = 0; i < MT_KEYS; i++) {
		struct dp_ct_pkt p = mt_key(i, 7);

		assert_int_equal(w[0].idx[i], w[1].idx[i]);
		assert_int_equal(lookup(&p), w[0].idx[i]);
		assert_int_equal(used[w[0].idx[i]]++, 0);
	}
	free(used);
	for (uint32_t i = 0; i < MT_DOOMED; i++) {
		struct dp_ct_pkt p = mt_key(i, 8);

		assert_int_equal(lookup(&p), DP_CT_NONE);
	}
	dp_ct_stats_get(ct, &st);
	assert_int_equal(st.in_use, MT_KEYS);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.created, MT_KEYS + MT_DOOMED);
	(void)x;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(both_directions_find_one_entry_ipv4),
		T(both_directions_find_one_entry_ipv6),
		T(same_ports_on_the_same_host_pair_order_by_port),
		T(icmp_echo_request_and_reply_share_one_entry_per_identifier),
		T(same_tuple_in_two_zones_is_two_entries),
		T(lookup_bulk_handles_more_than_one_hash_burst),
		T(records_are_read_back_by_role),
		T(full_table_refuses_new_connections_and_keeps_the_old),
		T(port_limit_refuses_with_edquot_and_counts_deletes),
		T(expiry_removes_an_entry_after_its_state_timeout_and_not_before),
		T(a_packet_moves_the_expiry_on),
		T(expiry_visits_at_most_its_budget_per_call),
		T(flushes_delete_by_port_or_everything),
		T(flushing_a_zone_leaves_the_same_tuple_in_other_zones),
		T(killed_connection_is_dead_then_deleted_by_the_next_expiry),
		T(listing_pages_through_every_entry),
		cmocka_unit_test_setup_teardown(
				deleted_entry_is_reused_only_after_a_grace_period, setup, reader_teardown),
		T(two_threads_creating_at_once_lose_and_duplicate_nothing),
	};

	if (ct_test_init("ct") < 0)
		return 1;
	return cmocka_run_group_tests_name("ct", tests, NULL, NULL);
}
