/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A network node's count of routers: hundreds of small routers beside one
 * large one, each looked up as a naive reference says; ids given back only
 * after their grace period, through creation and deletion in random order;
 * the engine's full count; what a router costs; the lists paged over them.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <rte_rcu_qsbr.h>

#include "ctl/dp_ctl.h"
#include "engine/dp_conf.h"
#include "engine/dp_tables.h"
#include "dp_test_env.h"
#include "l3/dp_router_conf.h"
#include "test_rng.h"

#define N_SMALL 600 /* past 64 (the old limit) and 256 (one byte of id in a MAC) */
#define SMALL_ROUTES 10
#define BIG_ROUTES 5000
#define BIG_GATEWAYS 300 /* next hops past the first array's 16, doubled five times */

/* What a router should do, kept beside it: its interfaces and routes. */
struct ref_route {
	uint32_t prefix; /* host order */
	uint8_t len;
	uint32_t gw; /* network order; 0: connected */
	uint8_t rif;
	bool listed; /* by the route list being checked */
};

struct ref_router {
	char name[DP_NAME_LEN];
	int id; /* -1: not there */
	uint32_t n;
	struct ref_route *r;
};

static uint32_t ip_of(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return htonl(a << 24 | b << 16 | c << 8 | d);
}

static uint32_t hmask(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

static void ref_add(struct ref_router *ref, uint32_t prefix, uint8_t len, uint32_t gw, uint8_t rif)
{
	ref->r = realloc(ref->r, (ref->n + 1) * sizeof(*ref->r));
	assert_non_null(ref->r);
	ref->r[ref->n++] = (struct ref_route){prefix, len, gw, rif, false};
}

static bool ref_has(const struct ref_router *ref, uint32_t prefix, uint8_t len)
{
	for (uint32_t i = 0; i < ref->n; i++)
		if (ref->r[i].prefix == prefix && ref->r[i].len == len)
			return true;
	return false;
}

/* A router with interfaces on `left` at left_ip/24 (slot 0) and on `right` at right_ip/16
 * (slot 1), both network order. */
static void router_make(struct ref_router *ref, const char *name, uint32_t max_routes,
                const char *left, uint32_t left_ip, const char *right, uint32_t right_ip)
{
	struct dp_router_req rr = {.max_routes = max_routes};
	struct dp_router_if_req ri = {.prefixlen = 24};

	snprintf(rr.name, sizeof(rr.name), "%s", name);
	assert_int_equal(dp_conf_router_add(&rr), 0);
	snprintf(ref->name, sizeof(ref->name), "%s", name);
	ref->id = dp_conf_router_by_name(name);
	ref->n = 0;
	snprintf(ri.router, sizeof(ri.router), "%s", name);
	snprintf(ri.network, sizeof(ri.network), "%s", left);
	memcpy(ri.ip, &left_ip, 4);
	assert_int_equal(dp_conf_router_if_add(&ri), 0);
	ref_add(ref, ntohl(left_ip) & hmask(24), 24, 0, 0);
	snprintf(ri.network, sizeof(ri.network), "%s", right);
	memcpy(ri.ip, &right_ip, 4);
	ri.prefixlen = 16;
	assert_int_equal(dp_conf_router_if_add(&ri), 0);
	ref_add(ref, ntohl(right_ip) & hmask(16), 16, 0, 1);
}

/* n random routes (a default route among them if `with_default`) via one of n_gw hosts of
 * the right interface's /16 (n_gw 0: each via its own, the k-th new one via host 2 + k). */
static void routes_make(struct ref_router *ref, uint32_t n, uint32_t n_gw, bool with_default)
{
	const struct dp_router_conf *c = dp_router_confs[ref->id];
	uint32_t right = ntohl(c->rifs[1].ip) & hmask(16);

	for (uint32_t k = 0; k < n; k++) {
		uint8_t len = with_default && k == 0 ? 0 : 8 + test_rnd_below(25);
		uint32_t prefix = (uint32_t)test_rnd() & hmask(len);
		uint32_t gw = htonl(right | (2 + (n_gw ? test_rnd_below(n_gw) : k)));
		struct dp_route_req r = {.prefixlen = len};
		uint32_t be = htonl(prefix);

		if (ref_has(ref, prefix, len)) {
			k--;
			continue;
		}
		memcpy(r.router, ref->name, sizeof(r.router));
		memcpy(r.prefix, &be, 4);
		memcpy(r.nexthop, &gw, 4);
		assert_int_equal(dp_conf_route_add(&r), 0);
		ref_add(ref, prefix, len, gw, 1);
	}
}

/* The naive answer: the longest route matching ip (host order), or NULL. */
static const struct ref_route *ref_lookup(const struct ref_router *ref, uint32_t ip)
{
	const struct ref_route *best = NULL;

	for (uint32_t i = 0; i < ref->n; i++)
		if ((ip & hmask(ref->r[i].len)) == ref->r[i].prefix &&
		                (best == NULL || ref->r[i].len > best->len))
			best = &ref->r[i];
	return best;
}

/* What a worker finds, through the published snapshot as ip4_route reads it. */
static void assert_routes_like_reference(const struct ref_router *ref, unsigned int n_addrs)
{
	const struct dp_router *r = dp_router_get((uint16_t)ref->id);

	assert_non_null(r);
	assert_int_equal(r->id, ref->id);
	for (unsigned int i = 0; i < n_addrs; i++) {
		/* Half inside a route's prefix (its own or a longer one decides), half anywhere. */
		const struct ref_route *pick = &ref->r[test_rnd_below(ref->n)];
		uint32_t ip = i % 2 ? (uint32_t)test_rnd()
		                    : pick->prefix | ((uint32_t)test_rnd() & ~hmask(pick->len));
		const struct ref_route *want = ref_lookup(ref, ip);
		uint32_t nh = dp_fib_lookup(r->fib, ip);

		if (nh == DP_FIB_MISS)
			nh = r->default_nh;
		if (want == NULL) {
			assert_int_equal(nh, DP_NO_NEXTHOP);
			continue;
		}
		assert_int_not_equal(nh, DP_NO_NEXTHOP);
		assert_int_equal(r->nh[nh].gateway, want->gw);
		assert_int_equal(r->nh[nh].rif, want->rif);
	}
}

static void ref_free(struct ref_router *refs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		free(refs[i].r);
		refs[i].r = NULL;
		refs[i].n = 0;
	}
}

static void networks_make(unsigned int n)
{
	char name[32];

	for (unsigned int k = 0; k < n; k++) {
		snprintf(name, sizeof(name), "l%u", k);
		test_network(name, DP_NET_FLAT, "", 0, 1500);
		snprintf(name, sizeof(name), "r%u", k);
		test_network(name, DP_NET_FLAT, "", 0, 1500);
	}
}

/* Small router k: 10.(k >> 8).(k & 255).1/24 on network l<k>, 100.64.0.1/16 on r<k>. */
static void small_router(struct ref_router *ref, unsigned int k)
{
	char name[32], left[32], right[32];

	snprintf(name, sizeof(name), "t%u", k);
	snprintf(left, sizeof(left), "l%u", k);
	snprintf(right, sizeof(right), "r%u", k);
	router_make(ref, name, 0, left, ip_of(10, k >> 8, k & 255, 1), right, ip_of(100, 64, 0, 1));
}

/* After test_env_reset: the deleted routers' ids back (no worker runs in these tests). */
static void settle(void)
{
	dp_tables_synchronize();
	for (int i = 0; i < 1000 && dp_conf_router_retiring() > 0; i++)
		dp_tables_reclaim();
	assert_int_equal(dp_conf_router_retiring(), 0);
}

static struct ref_router smalls[N_SMALL], big;

static void many_small_routers_and_a_large_one_route_as_the_reference(void **state)
{
	char left[32], right[32];

	(void)state;
	test_rng = 0x5ca1e17;
	test_env_reset();
	settle();
	networks_make(N_SMALL + 1);
	for (unsigned int k = 0; k < N_SMALL; k++) {
		small_router(&smalls[k], k);
		routes_make(&smalls[k], SMALL_ROUTES, 3, k % 3 == 0);
	}
	snprintf(left, sizeof(left), "l%u", N_SMALL);
	snprintf(right, sizeof(right), "r%u", N_SMALL);
	router_make(&big, "big", 1u << 16, left, ip_of(192, 0, 2, 1), right, ip_of(198, 18, 0, 1));
	routes_make(&big, BIG_ROUTES, BIG_GATEWAYS, true);
	/* Every id distinct, and the small ones still lists: only the big one has tables. */
	for (unsigned int k = 0; k < N_SMALL; k++) {
		assert_int_equal(smalls[k].id, k);
		assert_non_null(dp_fib_small_of(dp_router_confs[k]->fib));
	}
	assert_null(dp_fib_small_of(dp_router_confs[big.id]->fib));
	assert_true(dp_router_confs[big.id]->nh_cap >= BIG_GATEWAYS);
	for (unsigned int k = 0; k < N_SMALL; k++)
		assert_routes_like_reference(&smalls[k], 200);
	assert_routes_like_reference(&big, 20000);
	/* Derived MACs carry the router id: cut to a byte, routers 1 and 257 would share
	 * them on any network they both had. */
	assert_memory_not_equal(
	                &dp_router_confs[1]->rifs[0].mac, &dp_router_confs[257]->rifs[0].mac, 4);
	ref_free(smalls, N_SMALL);
	ref_free(&big, 1);
}

/* A stand-in for a worker mid-burst: registered and online, quiescent only when told. */
static bool reader_held;

static void reader_hold(void)
{
	assert_int_equal(rte_rcu_qsbr_thread_register(dp_tables.rcu, 0), 0);
	rte_rcu_qsbr_thread_online(dp_tables.rcu, 0);
	reader_held = true;
}

static void reader_pass(void)
{
	rte_rcu_qsbr_quiescent(dp_tables.rcu, 0);
	for (int i = 0; i < 64 && dp_conf_router_retiring() > 0; i++)
		dp_tables_reclaim();
	assert_int_equal(dp_conf_router_retiring(), 0);
}

static void reader_release(void)
{
	rte_rcu_qsbr_thread_offline(dp_tables.rcu, 0);
	rte_rcu_qsbr_thread_unregister(dp_tables.rcu, 0);
	reader_held = false;
}

/* After a failed test too: a reader left online would make every later wait hang. */
static int teardown(void **state)
{
	(void)state;
	if (reader_held)
		reader_release();
	return 0;
}

static int add(const char *name)
{
	struct dp_router_req r = {0};

	snprintf(r.name, sizeof(r.name), "%s", name);
	assert_int_equal(dp_conf_router_add(&r), 0);
	return dp_conf_router_by_name(name);
}

static void del(const char *name)
{
	struct dp_router_req r = {0};

	snprintf(r.name, sizeof(r.name), "%s", name);
	assert_int_equal(dp_conf_router_del(&r), 0);
}

static void deleted_router_id_comes_back_only_after_its_grace_period(void **state)
{
	(void)state;
	test_env_reset();
	settle();
	reader_hold();
	assert_int_equal(add("a"), 0);
	assert_int_equal(add("b"), 1);
	del("a");
	assert_null(dp_router_get(0));
	assert_int_equal(dp_conf_router_by_name("a"), -ENOENT);
	assert_int_equal(dp_conf_router_retiring(), 1);
	/* A worker may still hold id 0 (a network's snapshot, a frame's metadata). */
	dp_tables_reclaim();
	assert_int_equal(add("c"), 2);
	reader_pass();
	assert_int_equal(add("d"), 0);
	reader_release();
}

#define POOL 120
#define OPS 1500

/* Routers of a pool of names made and deleted in random order, with routes; between the
 * reader's quiescent states no id deleted is given out again, and every router routes
 * as its reference says. */
static void routers_made_and_deleted_in_random_order_reuse_ids_after_grace(void **state)
{
	static struct ref_router pool[POOL];
	bool deleted_since_pass[DP_MAX_ROUTERS] = {false};
	unsigned int reused = 0, live = 0;
	bool ever_used[DP_MAX_ROUTERS] = {false};

	(void)state;
	test_rng = 0xd0e5;
	test_env_reset();
	settle();
	networks_make(POOL);
	for (unsigned int k = 0; k < POOL; k++)
		pool[k].id = -1;
	reader_hold();
	for (unsigned int op = 0; op < OPS; op++) {
		unsigned int k = test_rnd_below(POOL);
		struct ref_router *ref = &pool[k];

		if (ref->id >= 0) {
			struct dp_router_if_req d = {0};

			snprintf(d.router, sizeof(d.router), "%s", ref->name);
			for (unsigned int side = 0; side < 2; side++) {
				snprintf(d.network, sizeof(d.network), "%c%u", side ? 'r' : 'l', k);
				assert_int_equal(dp_conf_router_if_del(&d), 0);
			}
			del(ref->name);
			assert_null(dp_router_get((uint16_t)ref->id));
			deleted_since_pass[ref->id] = true;
			ref->id = -1;
			free(ref->r);
			ref->r = NULL;
			live--;
		} else {
			small_router(ref, k);
			assert_false(deleted_since_pass[ref->id]);
			reused += ever_used[ref->id];
			ever_used[ref->id] = true;
			routes_make(ref, 1 + test_rnd_below(SMALL_ROUTES), 3, op % 2);
			live++;
		}
		assert_int_equal(dp_conf_router_count(), live);
		if (op % 25 == 24) {
			reader_pass();
			memset(deleted_since_pass, 0, sizeof(deleted_since_pass));
			for (unsigned int i = 0; i < POOL; i++)
				if (pool[i].id >= 0)
					assert_routes_like_reference(&pool[i], 20);
		}
	}
	reader_release();
	assert_true(reused > 100);
	ref_free(pool, POOL);
}

static void engine_holds_8192_routers_and_refuses_one_more(void **state)
{
	char name[32];

	(void)state;
	test_env_reset();
	settle();
	for (unsigned int i = 0; i < DP_MAX_ROUTERS; i++) {
		snprintf(name, sizeof(name), "x%u", i);
		assert_int_equal(add(name), (int)i);
	}
	assert_int_equal(DP_MAX_ROUTERS, 8192);
	assert_int_equal(dp_conf_router_count(), DP_MAX_ROUTERS);
	assert_int_equal(dp_conf_router_add(&(struct dp_router_req){.name = "one-more"}), -ENOSPC);
	/* One deleted: its id is the next router's once no worker can hold it (the add
	 * waits for that itself when every other id is taken), even behind more retired
	 * snapshots than one reclaim frees. */
	reader_hold();
	for (int i = 0; i < 600; i++)
		assert_int_equal(dp_conf_publish_router(0), 0);
	del("x4321");
	reader_release();
	assert_int_equal(add("one-more"), 4321);
	assert_int_equal(dp_conf_router_retiring(), 0);
}

/* A router with two /24 interfaces and 10 routes costs kilobytes: its configuration, a
 * snapshot, a list of rules and 16 next hops; past 16 rules it has DIR-24-8 tables. */
static void router_memory_grows_with_its_routes(void **state)
{
	struct ref_router ref = {0};
	const struct dp_router_conf *c;
	uint64_t small_bytes;

	(void)state;
	test_rng = 0x3e3;
	test_env_reset();
	settle();
	networks_make(1);
	small_router(&ref, 0);
	c = dp_router_confs[ref.id];
	assert_int_equal(c->nh_cap, DP_NEXTHOPS_MIN);
	routes_make(&ref, 10, 3, false);
	small_bytes = dp_conf_router_bytes(c);
	print_message("a router with two interfaces and 10 routes: %lu bytes\n",
	                (unsigned long)small_bytes);
	assert_true(small_bytes < 8192);
	routes_make(&ref, 4, 1, false);
	assert_non_null(dp_fib_small_of(c->fib)); /* 16 rules: 2 connected and 14 */
	routes_make(&ref, 1, 1, false);
	assert_null(dp_fib_small_of(c->fib));
	assert_true(dp_conf_router_bytes(c) > 32u << 20);
	/* 40 more gateways: 42 next hops or more take 64 slots. */
	routes_make(&ref, 40, 0, false);
	assert_int_equal(c->nh_cap, 64);
	assert_routes_like_reference(&ref, 2000);
	ref_free(&ref, 1);
}

static uint8_t out[DP_MSG_MAX];

/* One list request through the control socket's dispatcher; the reply body. */
static const void *list(uint16_t type, uint32_t cursor, const char *filter)
{
	static struct {
		struct dp_msg_hdr h;
		struct dp_list_req body;
	} m;
	const struct dp_reply_hdr *r = (const struct dp_reply_hdr *)out;

	m.h = (struct dp_msg_hdr){.magic = DP_API_MAGIC,
	                .version = DP_API_VERSION,
	                .type = type,
	                .len = sizeof(m.body),
	                .seq = 1};
	m.body = (struct dp_list_req){.cursor = cursor};
	snprintf(m.body.filter, sizeof(m.body.filter), "%s", filter);
	dp_ctl_handle(&m, sizeof(m), out, sizeof(out));
	assert_int_equal(r->status, 0);
	return r + 1;
}

/* Pages of ROUTE_LIST for `filter`: every route of the references exactly once. */
static void assert_route_pages(
                struct ref_router *refs, unsigned int n, const char *filter, uint32_t want)
{
	uint32_t cursor = 0, seen = 0, pages = 0;

	do {
		const struct dp_route_list_reply *p = list(DP_MSG_ROUTE_LIST, cursor, filter);

		for (uint32_t i = 0; i < p->count; i++) {
			const struct dp_route_info *e = &p->entries[i];
			uint32_t prefix;
			bool found = false;

			memcpy(&prefix, e->prefix, 4);
			for (unsigned int k = 0; k < n && !found; k++) {
				struct ref_router *ref = &refs[k];

				if (strcmp(ref->name, e->router) != 0)
					continue;
				for (uint32_t j = 0; j < ref->n && !found; j++) {
					if (ref->r[j].prefix != ntohl(prefix) ||
					                ref->r[j].len != e->prefixlen)
						continue;
					found = true;
					assert_false(ref->r[j].listed);
					ref->r[j].listed = true;
				}
			}
			assert_true(found);
			seen++;
		}
		assert_true(p->next_cursor == 0 || p->next_cursor != cursor);
		cursor = p->next_cursor;
		pages++;
	} while (cursor != 0);
	assert_int_equal(seen, want);
	assert_true(pages > 1);
	for (unsigned int k = 0; k < n; k++)
		for (uint32_t j = 0; j < refs[k].n; j++)
			refs[k].r[j].listed = false;
}

static void lists_page_over_thousands_of_routers_and_routes(void **state)
{
	static struct ref_router refs[2001];
	uint32_t cursor = 0, seen = 0, total = 0, pages = 0;
	static bool listed[DP_MAX_ROUTERS];
	char l[32], r[32];

	(void)state;
	test_rng = 0x1157;
	test_env_reset();
	settle();
	networks_make(2001);
	for (unsigned int k = 0; k < 2000; k++) {
		small_router(&refs[k], k);
		routes_make(&refs[k], 1 + k % 3, 2, false);
		total += refs[k].n;
	}
	snprintf(l, sizeof(l), "l%u", 2000);
	snprintf(r, sizeof(r), "r%u", 2000);
	router_make(&refs[2000], "big", 1u << 16, l, ip_of(192, 0, 2, 1), r, ip_of(198, 18, 0, 1));
	routes_make(&refs[2000], 3000, 50, false);
	memset(listed, 0, sizeof(listed));
	do {
		const struct dp_router_list_reply *p = list(DP_MSG_ROUTER_LIST, cursor, "");

		for (uint32_t i = 0; i < p->count; i++) {
			const struct dp_router_info *e = &p->entries[i];

			assert_false(listed[e->id]);
			listed[e->id] = true;
			assert_int_equal(e->mem_kib,
			                (dp_conf_router_bytes(dp_router_confs[e->id]) + 1023) /
			                                1024);
			seen++;
		}
		cursor = p->next_cursor;
		pages++;
	} while (cursor != 0);
	assert_int_equal(seen, 2001);
	assert_true(pages > 1);
	/* One router's routes over pages that end on a cursor step, then everything. */
	assert_route_pages(&refs[2000], 1, "big", 3002);
	assert_route_pages(refs, 2001, "", total + 3002);
	ref_free(refs, 2001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test_teardown(
	                                many_small_routers_and_a_large_one_route_as_the_reference,
	                                teardown),
	                cmocka_unit_test_teardown(
	                                deleted_router_id_comes_back_only_after_its_grace_period,
	                                teardown),
	                cmocka_unit_test_teardown(
	                                routers_made_and_deleted_in_random_order_reuse_ids_after_grace,
	                                teardown),
	                cmocka_unit_test_teardown(
	                                engine_holds_8192_routers_and_refuses_one_more, teardown),
	                cmocka_unit_test_teardown(router_memory_grows_with_its_routes, teardown),
	                cmocka_unit_test_teardown(
	                                lists_page_over_thousands_of_routers_and_routes, teardown),
	};

	if (test_env_init("routers") < 0)
		return 1;
	return cmocka_run_group_tests_name("routers", tests, NULL, NULL);
}
