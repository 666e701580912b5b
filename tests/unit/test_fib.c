/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPv4 FIB: against a naive reference through random adds and deletes,
 * failures that change nothing, tbl8 groups running out and coming back
 * (after a grace period when a worker may be reading), its hash map, and
 * the router's route list that finds routes through the FIB's cookies.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_rng.h"

#include <rte_rcu_qsbr.h>

#include "core/dp_hmap.h"
#include "engine/dp_conf.h"
#include "engine/dp_tables.h"
#include "dp_test_env.h"
#include "l3/dp_fib.h"
#include "l3/dp_router_conf.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))


static uint32_t mask_of(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* The group behind an extended tbl24 entry, or -1. */
static int group_of(const struct dp_fib *f, uint32_t ip)
{
	uint16_t e = f->tbl24[ip >> 8];

	return e & DP_FIB_EXT ? (int)(e & ~DP_FIB_EXT) : -1;
}

/* ---- The reference: an array of rules, longest match by scan. ---- */

/* Rules nest and overlap when they come from a small pool of /24s (four /16s, sixteen
 * /24s in each); rules longer than /24 only come from there. */
#define POOL_24S 64
static const uint32_t pool16[4] = {IP(10, 0, 0, 0), IP(10, 1, 0, 0), IP(172, 16, 0, 0),
		IP(192, 168, 0, 0)};

static uint32_t pool24(unsigned int i)
{
	return pool16[i / 16] | (i % 16) << 8;
}

static int pool_index(uint32_t ip)
{
	for (unsigned int i = 0; i < 4; i++)
		if ((ip & 0xfffff000) == pool16[i])
			return i * 16 + (ip >> 8 & 0xf);
	return -1;
}

struct ref_rule {
	uint32_t prefix;
	uint8_t len;
	uint32_t nh;
	uint32_t cookie;
};

struct ref {
	struct ref_rule *r;
	uint32_t n;
	uint32_t long_in[POOL_24S]; /* rules longer than /24 in each pool /24 */
};

static int ref_find(const struct ref *ref, uint32_t prefix, uint8_t len)
{
	for (uint32_t i = 0; i < ref->n; i++)
		if (ref->r[i].prefix == prefix && ref->r[i].len == len)
			return i;
	return -1;
}

static uint32_t ref_lookup(const struct ref *ref, uint32_t ip)
{
	uint32_t nh = DP_FIB_MISS;
	int best = 0;

	for (uint32_t i = 0; i < ref->n; i++) {
		const struct ref_rule *r = &ref->r[i];

		if (r->len > best && (ip & mask_of(r->len)) == r->prefix) {
			best = r->len;
			nh = r->nh;
		}
	}
	return nh;
}

/* The groups the FIB must be using: one per /24 holding a rule longer than /24. */
static uint32_t ref_groups(const struct ref *ref)
{
	uint32_t n = 0;

	for (unsigned int i = 0; i < POOL_24S; i++)
		n += ref->long_in[i] > 0;
	return n;
}

static uint8_t random_len(void)
{
	uint32_t x = test_rnd_below(1000);

	if (x < 3)
		return 1 + test_rnd_below(7); /* /1../7 cover millions of entries: a few */
	if (x < 100)
		return 8 + test_rnd_below(9);
	if (x < 500)
		return 17 + test_rnd_below(8);
	return 25 + test_rnd_below(8);
}

/* Mostly inside the pool, where the rules are. */
static uint32_t random_addr(void)
{
	if (test_rnd_below(8) == 0)
		return (uint32_t)test_rnd();
	return pool24(test_rnd_below(POOL_24S)) | test_rnd_below(256);
}

static uint32_t random_prefix(uint8_t len)
{
	uint32_t a = len > 24 ? pool24(test_rnd_below(POOL_24S)) | test_rnd_below(256) : random_addr();

	return a & mask_of(len);
}

static uint32_t random_nh(void)
{
	uint32_t x = test_rnd_below(100);

	return x == 0 ? 0 : x == 1 ? DP_FIB_MAX_NH : test_rnd_below(DP_FIB_MAX_NH + 1);
}

static void check_addrs(const struct dp_fib *f, const struct ref *ref, const uint32_t *addrs,
		uint32_t n)
{
	uint32_t *want = malloc(n * sizeof(*want)), *got = malloc(n * sizeof(*got));

	assert_non_null(want);
	assert_non_null(got);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = addrs[i];

		want[i] = ref_lookup(ref, a);
		got[i] = dp_fib_lookup(f, a);
		if (got[i] != want[i])
			fail_msg("%u.%u.%u.%u: FIB says %u, reference %u", a >> 24, a >> 16 & 0xff,
					a >> 8 & 0xff, a & 0xff, got[i], want[i]);
	}
	/* The bulk lookup, in bursts of assorted sizes. */
	memset(got, 0xa5, n * sizeof(*got));
	for (uint32_t i = 0, burst; i < n; i += burst) {
		burst = RTE_MIN(1 + test_rnd_below(64), n - i);
		dp_fib_lookup_bulk(f, &addrs[i], &got[i], burst);
	}
	for (uint32_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("bulk, %08x: FIB says %u, reference %u", addrs[i], got[i],
					want[i]);
	free(want);
	free(got);
}

#define OPS 20000
#define BATCH 500
#define REF_GROUPS 48 /* fewer than the pool's /24s, so groups run out */
#define MAX_ADDRS (4 * (BATCH + 200) + POOL_24S * 256 + 1000)

/* Adds or deletes one random rule, expecting what the reference says; returns the rule
 * through *touched. Counts -ENOSPC in *full. */
static void random_op(struct dp_fib *f, struct ref *ref, uint32_t target, uint32_t op,
		struct ref_rule *touched, uint32_t *full)
{
	bool add = test_rnd_below(100) < (ref->n < target ? 65 : 35);
	uint8_t len = random_len();
	uint32_t prefix = random_prefix(len);
	int i, want, pool;

	/* Most deletes are of rules that exist, and some adds, for -EEXIST. */
	if (ref->n > 0 && test_rnd_below(10) < (add ? 1 : 9)) {
		const struct ref_rule *r = &ref->r[test_rnd_below(ref->n)];

		prefix = r->prefix;
		len = r->len;
	}
	i = ref_find(ref, prefix, len);
	pool = pool_index(prefix);
	*touched = (struct ref_rule){.prefix = prefix, .len = len};
	if (add) {
		uint32_t nh = random_nh();

		if (i >= 0)
			want = -EEXIST;
		else if (len > 24 && ref->long_in[pool] == 0 && ref_groups(ref) == REF_GROUPS)
			want = -ENOSPC;
		else
			want = 0;
		assert_int_equal(dp_fib_add(f, prefix, len, nh, op), want);
		*full += want == -ENOSPC;
		if (want == 0) {
			ref->r[ref->n++] = (struct ref_rule){prefix, len, nh, op};
			if (len > 24)
				ref->long_in[pool]++;
		}
	} else {
		assert_int_equal(dp_fib_del(f, prefix, len), i >= 0 ? 0 : -ENOENT);
		if (i >= 0) {
			ref->r[i] = ref->r[--ref->n];
			if (len > 24)
				ref->long_in[pool]--;
		}
	}
}

/* After a batch: lookups against the reference, the touched rules, the counters. */
static void check_batch(const struct dp_fib *f, const struct ref *ref,
		const struct ref_rule *touched, uint32_t *addrs)
{
	uint32_t n = 0, nh, cookie;

	/* Each edge of every rule the batch touched, and of some others. */
	for (unsigned int i = 0; i < BATCH + 200; i++) {
		const struct ref_rule *r = &touched[i % BATCH];
		uint32_t last;

		if (i >= BATCH && ref->n > 0)
			r = &ref->r[test_rnd_below(ref->n)];
		last = r->prefix | ~mask_of(r->len);
		addrs[n++] = r->prefix - 1;
		addrs[n++] = r->prefix;
		addrs[n++] = last;
		addrs[n++] = last + 1;
	}
	/* Every address of the pool, and some anywhere. */
	for (unsigned int i = 0; i < POOL_24S * 256; i++)
		addrs[n++] = pool24(i / 256) | (i % 256);
	for (unsigned int i = 0; i < 1000; i++)
		addrs[n++] = (uint32_t)test_rnd();
	check_addrs(f, ref, addrs, n);

	for (unsigned int i = 0; i < BATCH; i++) {
		int j = ref_find(ref, touched[i].prefix, touched[i].len);

		assert_int_equal(dp_fib_find(f, touched[i].prefix, touched[i].len, &nh, &cookie),
				j >= 0);
		if (j >= 0) {
			assert_int_equal(nh, ref->r[j].nh);
			assert_int_equal(cookie, ref->r[j].cookie);
		}
	}
	assert_int_equal(dp_fib_rules(f), ref->n);
	assert_int_equal(dp_fib_groups_used(f), ref_groups(ref));
}

static void fib_matches_a_naive_reference_through_random_adds_and_deletes(void **state)
{
	struct dp_fib *f = dp_fib_create(OPS, REF_GROUPS);
	struct ref ref = {.r = calloc(OPS, sizeof(struct ref_rule))};
	struct ref_rule touched[BATCH];
	uint32_t *addrs = malloc(MAX_ADDRS * sizeof(*addrs));
	uint32_t full = 0, collapses = 0, most_groups = 0, groups = 0;

	(void)state;
	test_rng = 0x5eed0f1b;
	assert_non_null(f);
	assert_non_null(ref.r);
	assert_non_null(addrs);
	for (uint32_t op = 0; op < OPS; op++) {
		/* Grow to a few hundred rules, shrink to a few dozen, and again. */
		uint32_t target = (op / 2500) % 2 ? 40 : 500;

		random_op(f, &ref, target, op, &touched[op % BATCH], &full);
		collapses += dp_fib_groups_used(f) < groups;
		groups = dp_fib_groups_used(f);
		most_groups = RTE_MAX(most_groups, groups);
		if ((op + 1) % BATCH == 0)
			check_batch(f, &ref, touched, addrs);
	}
	/* The run went where it was meant to. */
	assert_int_equal(most_groups, REF_GROUPS);
	assert_true(full > 0);
	assert_true(collapses > 100);
	dp_fib_free(f);
	free(ref.r);
	free(addrs);
}

/* ---- Failures ---- */

struct fib_copy {
	uint16_t *tbl24, *tbl8;
	uint8_t *depth24, *depth8;
	uint32_t rules, groups;
};

#define TBL24_BYTES ((size_t)(1u << 24) * 2)

/* Each edge of every rule the reference has, and addresses of the pool. */
static void check_all_rules(const struct dp_fib *f, const struct ref *ref, uint32_t *addrs)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ref->n; i++) {
		uint32_t last = ref->r[i].prefix | ~mask_of(ref->r[i].len);

		addrs[n++] = ref->r[i].prefix - 1;
		addrs[n++] = ref->r[i].prefix;
		addrs[n++] = last;
		addrs[n++] = last + 1;
	}
	for (unsigned int i = 0; i < 2000; i++)
		addrs[n++] = random_addr();
	check_addrs(f, ref, addrs, n);
	assert_int_equal(dp_fib_rules(f), ref->n);
}

/* A lazy FIB (a router of a network node: a few interfaces and routes) is a list of
 * kilobytes while it has at most DP_FIB_SMALL_MAX rules, refuses what the tables
 * would, and answers the same before and after it becomes the tables. */
static void lazy_fib_is_a_list_until_it_grows_then_the_same_tables(void **state)
{
	struct dp_fib *f = dp_fib_create_lazy(OPS, REF_GROUPS);
	struct ref ref = {.r = calloc(OPS, sizeof(struct ref_rule))};
	struct ref_rule touched[BATCH];
	uint32_t *addrs = malloc(MAX_ADDRS * sizeof(*addrs));
	uint32_t full = 0, most = 0;

	(void)state;
	test_rng = 0x1a2bf1b;
	assert_non_null(f);
	assert_non_null(ref.r);
	assert_non_null(addrs);
	/* A handful of rules, checked after every change, while it stays a list. */
	for (uint32_t op = 0; op < 3000 && most <= DP_FIB_SMALL_MAX; op++) {
		random_op(f, &ref, 6, op, &touched[0], &full);
		most = RTE_MAX(most, ref.n);
		if (most > DP_FIB_SMALL_MAX)
			break;
		assert_non_null(dp_fib_small_of(f));
		assert_null(f->tbl24);
		if (op % 10 == 0)
			check_all_rules(f, &ref, addrs);
	}
	assert_true(most >= 8);
	/* Then it grows: the 17th rule makes it the tables, which hold every rule. */
	while (dp_fib_small_of(f) != NULL) {
		random_op(f, &ref, 500, 1, &touched[0], &full);
		assert_true(ref.n <= DP_FIB_SMALL_MAX + 1);
	}
	assert_int_equal(ref.n, DP_FIB_SMALL_MAX + 1);
	assert_non_null(f->tbl24);
	check_all_rules(f, &ref, addrs);
	assert_int_equal(dp_fib_groups_used(f), ref_groups(&ref));
	for (uint32_t op = 0; op < 5000; op++) {
		random_op(f, &ref, 500, op, &touched[op % BATCH], &full);
		if ((op + 1) % BATCH == 0)
			check_batch(f, &ref, touched, addrs);
	}
	dp_fib_free(f);
	free(ref.r);
	free(addrs);
}

/* A list runs out of groups where the tables would: n_groups /24s with rules longer
 * than /24, then no more (a rule in a /24 that has one still fits). */
static void lazy_fib_refuses_long_rules_past_its_groups_as_the_tables_do(void **state)
{
	struct dp_fib *f = dp_fib_create_lazy(100, 2);

	(void)state;
	assert_non_null(f);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 1, 0), 25, 1, 0), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 2, 0), 26, 2, 0), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 3, 0), 25, 3, 0), -ENOSPC);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 1, 128), 25, 4, 0), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 3, 0), 24, 5, 0), 0);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 1, 200)), 4);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 10)), 2);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 100)), DP_FIB_MISS);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 3, 1)), 5);
	assert_int_equal(dp_fib_del(f, IP(10, 0, 2, 0), 26), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 3, 0), 25, 3, 0), 0);
	assert_int_equal(dp_fib_del(f, IP(10, 0, 2, 0), 26), -ENOENT);
	assert_non_null(dp_fib_small_of(f));
	dp_fib_free(f);
}

static void fib_copy(const struct dp_fib *f, struct fib_copy *c)
{
	size_t g = (size_t)f->n_groups * 256;

	c->tbl24 = malloc(TBL24_BYTES);
	c->depth24 = malloc(1u << 24);
	c->tbl8 = malloc(g * 2);
	c->depth8 = malloc(g);
	assert_true(c->tbl24 && c->depth24 && c->tbl8 && c->depth8);
	memcpy(c->tbl24, f->tbl24, TBL24_BYTES);
	memcpy(c->depth24, f->depth24, 1u << 24);
	memcpy(c->tbl8, f->tbl8, g * 2);
	memcpy(c->depth8, f->depth8, g);
	c->rules = dp_fib_rules(f);
	c->groups = dp_fib_groups_used(f);
}

static void assert_unchanged(const struct dp_fib *f, struct fib_copy *c)
{
	size_t g = (size_t)f->n_groups * 256;

	assert_memory_equal(c->tbl24, f->tbl24, TBL24_BYTES);
	assert_memory_equal(c->depth24, f->depth24, 1u << 24);
	assert_memory_equal(c->tbl8, f->tbl8, g * 2);
	assert_memory_equal(c->depth8, f->depth8, g);
	assert_int_equal(dp_fib_rules(f), c->rules);
	assert_int_equal(dp_fib_groups_used(f), c->groups);
	free(c->tbl24);
	free(c->depth24);
	free(c->tbl8);
	free(c->depth8);
}

static void failed_adds_and_deletes_change_nothing(void **state)
{
	struct dp_fib *f = dp_fib_create(5, 2);
	struct fib_copy c;
	uint32_t nh, cookie;

	(void)state;
	assert_non_null(f);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 0, 0), 8, 1, 100), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 0), 24, 2, 101), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 128), 25, 3, 102), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 3, 4), 32, 4, 103), 0);
	assert_int_equal(dp_fib_groups_used(f), 2);

	fib_copy(f, &c);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 5, 0), 25, 5, 104), -ENOSPC); /* no group */
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 0), 24, 9, 999), -EEXIST);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 3, 4), 32, 9, 999), -EEXIST);
	assert_int_equal(dp_fib_del(f, IP(10, 1, 2, 0), 23), -ENOENT);
	assert_int_equal(dp_fib_del(f, IP(10, 1, 4, 0), 24), -ENOENT);
	assert_int_equal(dp_fib_del(f, IP(10, 1, 2, 192), 26), -ENOENT);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 1), 24, 9, 999), -EINVAL);
	assert_int_equal(dp_fib_add(f, 0, 0, 9, 999), -EINVAL);
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 1), 33, 9, 999), -EINVAL);
	assert_int_equal(dp_fib_add(f, IP(10, 2, 0, 0), 16, DP_FIB_MAX_NH + 1, 999), -EINVAL);
	assert_int_equal(dp_fib_set_cookie(f, IP(10, 1, 2, 0), 23, 7), -ENOENT);
	assert_unchanged(f, &c);
	assert_true(dp_fib_find(f, IP(10, 1, 2, 0), 24, &nh, &cookie));
	assert_int_equal(nh, 2);
	assert_int_equal(cookie, 101);

	assert_int_equal(dp_fib_add(f, IP(10, 9, 0, 0), 16, 6, 105), 0);
	fib_copy(f, &c);
	assert_int_equal(dp_fib_add(f, IP(10, 10, 0, 0), 16, 7, 106), -ENOSPC); /* max rules */
	assert_int_equal(dp_fib_add(f, IP(10, 1, 2, 64), 26, 7, 106), -ENOSPC);
	assert_unchanged(f, &c);
	dp_fib_free(f);
}

/* ---- Groups ---- */

static void groups_run_out_then_come_back_after_deletes(void **state)
{
	struct dp_fib *f = dp_fib_create(100, 4);
	int g;

	(void)state;
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(dp_fib_add(f, IP(10, 0, i, 0), 25, i, 0), 0);
	assert_int_equal(dp_fib_groups_used(f), 4);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 4, 0), 25, 4, 0), -ENOSPC);
	/* A /24 that has its group takes more long rules. */
	assert_int_equal(dp_fib_add(f, IP(10, 0, 0, 128), 25, 9, 0), 0);

	g = group_of(f, IP(10, 0, 1, 0));
	assert_int_equal(dp_fib_del(f, IP(10, 0, 1, 0), 25), 0);
	assert_int_equal(dp_fib_groups_used(f), 3);
	assert_int_equal(group_of(f, IP(10, 0, 1, 0)), -1);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 1, 1)), DP_FIB_MISS);

	assert_int_equal(dp_fib_add(f, IP(10, 0, 4, 0), 25, 4, 0), 0);
	assert_int_equal(group_of(f, IP(10, 0, 4, 0)), g);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 4, 1)), 4);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 4, 129)), DP_FIB_MISS);

	/* A group stays while one long rule is left in its /24. */
	assert_int_equal(dp_fib_del(f, IP(10, 0, 0, 0), 25), 0);
	assert_int_equal(dp_fib_groups_used(f), 4);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 0, 200)), 9);

	/* Under a /24 rule, the group collapses into the /24's own entry. */
	assert_int_equal(dp_fib_add(f, IP(10, 0, 2, 0), 24, 7, 0), 0);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 1)), 2);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 200)), 7);
	assert_int_equal(dp_fib_del(f, IP(10, 0, 2, 0), 25), 0);
	assert_int_equal(group_of(f, IP(10, 0, 2, 0)), -1);
	assert_int_equal(f->tbl24[IP(10, 0, 2, 0) >> 8], 7 + 1);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 1)), 7);
	assert_int_equal(dp_fib_groups_used(f), 3);
	dp_fib_free(f);
}

/* A stand-in worker that passes quiescent states until told to stop. */
static bool reader_stop;
static uint32_t reader_passes;

static void *reader_loop(void *arg)
{
	struct rte_rcu_qsbr *v = arg;

	while (!__atomic_load_n(&reader_stop, __ATOMIC_ACQUIRE)) {
		rte_rcu_qsbr_quiescent(v, 0);
		__atomic_fetch_add(&reader_passes, 1, __ATOMIC_RELEASE);
		usleep(1000);
	}
	return NULL;
}

static void a_collapsed_group_is_reused_only_after_a_grace_period(void **state)
{
	struct rte_rcu_qsbr *v = dp_tables.rcu;
	struct dp_fib *f = dp_fib_create(100, 2);
	pthread_t reader;
	int a, b;

	(void)state;
	/* A worker that is online and has not passed a quiescent state since. */
	assert_int_equal(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);

	assert_int_equal(dp_fib_add(f, IP(10, 0, 0, 0), 25, 1, 0), 0);
	a = group_of(f, IP(10, 0, 0, 0));
	assert_int_equal(dp_fib_del(f, IP(10, 0, 0, 0), 25), 0);
	assert_int_equal(dp_fib_groups_used(f), 0);
	/* The worker may still be in group a: a new /24 gets the other one. */
	assert_int_equal(dp_fib_add(f, IP(10, 0, 1, 0), 25, 1, 0), 0);
	b = group_of(f, IP(10, 0, 1, 0));
	assert_true(b >= 0 && b != a);
	assert_int_equal(f->n_retired, 1);

	/* Only group a is left: the add waits for the worker, then takes it. */
	reader_stop = false;
	assert_int_equal(pthread_create(&reader, NULL, reader_loop, v), 0);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 2, 0), 25, 2, 0), 0);
	assert_true(__atomic_load_n(&reader_passes, __ATOMIC_ACQUIRE) > 0);
	assert_int_equal(group_of(f, IP(10, 0, 2, 0)), a);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 3)), 2);
	assert_int_equal(dp_fib_lookup(f, IP(10, 0, 2, 200)), DP_FIB_MISS);
	assert_int_equal(dp_fib_add(f, IP(10, 0, 3, 0), 25, 3, 0), -ENOSPC);

	__atomic_store_n(&reader_stop, true, __ATOMIC_RELEASE);
	pthread_join(reader, NULL);
	rte_rcu_qsbr_thread_offline(v, 0);
	rte_rcu_qsbr_thread_unregister(v, 0);
	dp_fib_free(f);
}

/* ---- The hash map ---- */

/* Keys whose home slot, in a map of 64 slots, is `slot`. */
static void keys_homed_at(uint32_t slot, uint64_t *keys, unsigned int n)
{
	struct dp_hmap h;

	for (uint64_t k = 1; n > 0; k++) {
		assert_int_equal(dp_hmap_init(&h, 0), 0);
		assert_int_equal(h.mask, 63);
		assert_int_equal(dp_hmap_insert(&h, k, 0), 0);
		if (dp_hmap_get(&h, k) == &h.slots[slot].val) {
			*keys++ = k;
			n--;
		}
		dp_hmap_fini(&h);
	}
}

static void hmap_keeps_colliding_keys_reachable_through_deletes(void **state)
{
	uint64_t keys[8];
	struct dp_hmap h;

	(void)state;
	/* Five keys homed at the last slot wrap around to the first ones, where three
	 * keys homed at slot 1 have to go past them. */
	keys_homed_at(63, keys, 5);
	keys_homed_at(1, keys + 5, 3);
	for (unsigned int order = 0; order < 8; order++) {
		assert_int_equal(dp_hmap_init(&h, 0), 0);
		for (unsigned int i = 0; i < 8; i++)
			assert_int_equal(dp_hmap_insert(&h, keys[i], i * 10), 0);
		assert_int_equal(dp_hmap_count(&h), 8);
		assert_int_equal(h.slots[63].key, keys[0]);
		assert_int_equal(h.slots[0].key, keys[1]);
		/* Delete from key `order` on, checking every key left after each. */
		for (unsigned int d = 0; d < 8; d++) {
			unsigned int gone = (order + d) % 8;
			uint64_t val;

			assert_int_equal(dp_hmap_delete(&h, keys[gone], &val), 0);
			assert_int_equal(val, gone * 10);
			assert_int_equal(dp_hmap_delete(&h, keys[gone], NULL), -ENOENT);
			for (unsigned int i = d + 1; i < 8; i++) {
				unsigned int k = (order + i) % 8;
				uint64_t *v = dp_hmap_get(&h, keys[k]);

				assert_non_null(v);
				assert_int_equal(*v, k * 10);
			}
			assert_int_equal(dp_hmap_count(&h), 7 - d);
		}
		for (unsigned int i = 0; i <= h.mask; i++)
			assert_int_equal(h.slots[i].key, 0);
		dp_hmap_fini(&h);
	}
}

static void hmap_follows_a_shadow_array_through_random_operations(void **state)
{
	enum { KEYS = 5000 };
	static uint64_t val[KEYS + 1]; /* 0: absent */
	struct dp_hmap h;
	uint32_t n = 0;

	(void)state;
	test_rng = 0x4a5b;
	memset(val, 0, sizeof(val));
	assert_int_equal(dp_hmap_init(&h, 0), 0);
	for (unsigned int op = 0; op < 200000; op++) {
		uint64_t k = 1 + test_rnd_below(KEYS), *v;

		if (test_rnd_below(100) < (op < 100000 ? 70 : 30)) {
			int rc = dp_hmap_insert(&h, k, op + 1);

			assert_int_equal(rc, val[k] ? -EEXIST : 0);
			if (rc == 0) {
				val[k] = op + 1;
				n++;
			}
		} else {
			assert_int_equal(dp_hmap_delete(&h, k, NULL), val[k] ? 0 : -ENOENT);
			n -= val[k] != 0;
			val[k] = 0;
		}
		v = dp_hmap_get(&h, k);
		assert_int_equal(v ? *v : 0, val[k]);
		assert_int_equal(dp_hmap_count(&h), n);
		if (op % 20000 == 0)
			for (k = 1; k <= KEYS; k++) {
				v = dp_hmap_get(&h, k);
				assert_int_equal(v ? *v : 0, val[k]);
			}
	}
	dp_hmap_fini(&h);
}

static void hmap_grows_and_keeps_every_key(void **state)
{
	enum { N = 100000 };
	struct dp_hmap h;
	uint64_t *v;

	(void)state;
	assert_int_equal(dp_hmap_init(&h, 0), 0);
	assert_int_equal(dp_hmap_insert(&h, 0, 1), -EINVAL);
	for (uint64_t i = 1; i <= N; i++)
		assert_int_equal(dp_hmap_insert(&h, i << 8 | 24, i), 0);
	assert_int_equal(dp_hmap_count(&h), N);
	assert_true(h.mask + 1 >= N * 4 / 3);
	assert_int_equal(dp_hmap_insert(&h, 5 << 8 | 24, 77), -EEXIST);
	for (uint64_t i = 1; i <= N; i++) {
		v = dp_hmap_get(&h, i << 8 | 24);
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	assert_null(dp_hmap_get(&h, (N + 1) << 8 | 24));
	for (uint64_t i = 1; i <= N; i += 2)
		assert_int_equal(dp_hmap_delete(&h, i << 8 | 24, NULL), 0);
	for (uint64_t i = 1; i <= N; i++)
		assert_int_equal(dp_hmap_get(&h, i << 8 | 24) != NULL, i % 2 == 0);
	assert_int_equal(dp_hmap_count(&h), N / 2);
	dp_hmap_fini(&h);
}

/* ---- The route list, found through the FIB's cookies ---- */

static void assert_routes_findable(const struct dp_router_conf *c)
{
	for (uint32_t i = 0; i < c->n_routes; i++) {
		const struct dp_route_entry *e = &c->routes[i];
		uint32_t nh, cookie;

		if (e->prefixlen == 0) {
			assert_int_equal(c->default_route, i);
			continue;
		}
		assert_true(dp_fib_find(c->fib, e->prefix, e->prefixlen, &nh, &cookie));
		assert_int_equal(cookie, i);
		assert_int_equal(nh, e->nh);
	}
	assert_int_equal(dp_fib_rules(c->fib) + (c->default_nh != DP_NO_NEXTHOP), c->n_routes);
}

static void route_req(struct dp_route_req *r, uint32_t prefix, uint8_t len, uint8_t gw_host)
{
	*r = (struct dp_route_req){.router = "r1", .prefixlen = len};
	prefix = htonl(prefix);
	memcpy(r->prefix, &prefix, 4);
	r->nexthop[0] = 10;
	r->nexthop[3] = gw_host;
}

static void routes_deleted_in_any_order_stay_findable(void **state)
{
	enum { N = 300 };
	struct dp_router_req rr = {.name = "r1", .max_routes = 1000};
	struct dp_router_if_req ri = {.router = "r1", .network = "n1", .ip = {10, 0, 0, 1},
			.prefixlen = 24};
	struct dp_route_req r, routes[N + 1];
	const struct dp_router_conf *c;
	int rc;

	(void)state;
	test_rng = 0x7011;
	test_env_reset();
	test_network("n1", DP_NET_FLAT, "", 0, 1500);
	assert_int_equal(dp_conf_router_add(&rr), 0);
	assert_int_equal(dp_conf_router_if_add(&ri), 0);
	c = dp_router_confs[dp_conf_router_by_name("r1")];

	for (unsigned int i = 1; i <= N; i++) {
		uint8_t len = 8 + test_rnd_below(25);

		/* Distinct prefixes outside 10/8, so none is the connected route's. */
		route_req(&routes[i], IP(20 + i % 200, i / 200, test_rnd_below(256), test_rnd_below(256)) &
						mask_of(len), len, 2 + test_rnd_below(250));
		rc = dp_conf_route_add(&routes[i]);
		assert_true(rc == 0 || rc == -EEXIST);
		if (rc == -EEXIST)
			i--; /* drawn twice: draw again */
	}
	/* The default route last, so that the first delete moves it. */
	route_req(&routes[0], 0, 0, 254);
	assert_int_equal(dp_conf_route_add(&routes[0]), 0);
	assert_routes_findable(c);
	/* The connected route is the interface's, not the API's. */
	route_req(&r, IP(10, 0, 0, 0), 24, 2);
	assert_int_equal(dp_conf_route_del(&r), -EPERM);

	for (unsigned int left = N + 1; left > 0; left--) {
		unsigned int k = test_rnd_below(left);

		/* A route still there: exist_ok with the same next hop only. */
		r = routes[(k + 1) % left];
		r.exist_ok = 1;
		assert_int_equal(dp_conf_route_add(&r), 0);
		r.nexthop[3] = r.nexthop[3] == 2 ? 3 : 2;
		assert_int_equal(dp_conf_route_add(&r), -EEXIST);

		assert_int_equal(dp_conf_route_del(&routes[k]), 0);
		assert_int_equal(dp_conf_route_del(&routes[k]), -ENOENT);
		routes[k].missing_ok = 1;
		assert_int_equal(dp_conf_route_del(&routes[k]), 0);
		routes[k] = routes[left - 1];
		assert_routes_findable(c);
	}
	assert_int_equal(c->n_routes, 1); /* the connected route */
	assert_int_equal(c->default_nh, DP_NO_NEXTHOP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fib_matches_a_naive_reference_through_random_adds_and_deletes),
		cmocka_unit_test(lazy_fib_is_a_list_until_it_grows_then_the_same_tables),
		cmocka_unit_test(lazy_fib_refuses_long_rules_past_its_groups_as_the_tables_do),
		cmocka_unit_test(failed_adds_and_deletes_change_nothing),
		cmocka_unit_test(groups_run_out_then_come_back_after_deletes),
		cmocka_unit_test(a_collapsed_group_is_reused_only_after_a_grace_period),
		cmocka_unit_test(hmap_keeps_colliding_keys_reachable_through_deletes),
		cmocka_unit_test(hmap_follows_a_shadow_array_through_random_operations),
		cmocka_unit_test(hmap_grows_and_keeps_every_key),
		cmocka_unit_test(routes_deleted_in_any_order_stay_findable),
	};

	if (test_env_init("fib") < 0)
		return 1;
	return cmocka_run_group_tests_name("fib", tests, NULL, NULL);
}
