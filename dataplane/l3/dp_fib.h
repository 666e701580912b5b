/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An IPv4 FIB: longest-prefix match of /1../32 rules to next-hop indexes,
 * DIR-24-8 like rte_lpm, with 16-bit entries.
 *
 * Why not rte_lpm: its 64 MB tbl24 comes from the EAL heap, which without
 * hugepages is 4 KiB pages that THP cannot back, so with a large table
 * nearly every lookup takes a TLB miss; ours come from dp_table_zalloc
 * (THP-backed, or the EAL heap with real hugepages). And DPDK 22.11's add
 * and is_rule_present scan every rule of the same length, so a million
 * routes took minutes to program; here rules live in a hash map and an add
 * or delete costs O(1) plus the table range the rule covers.
 *
 * Tables
 *  - tbl24: one entry per /24, tbl8: groups of 256 entries, one per /24
 *    that holds a rule longer than /24. An entry is 0 (no route), a next
 *    hop + 1 (bit 15 clear), or DP_FIB_EXT | group (tbl24 only).
 *  - Control-side shadows keep the length of the rule that wrote each entry
 *    (for an extended tbl24 entry: of the rule covering its /24 as a whole),
 *    so an add or delete knows which entries are its own without a search.
 *
 * Contract
 *  - The control thread is the only writer and changes entries in place;
 *    workers read them without locks. Every entry is one aligned 16-bit
 *    store, so a lookup sees the old or the new route, never a mix.
 *  - A group is fully written before the tbl24 entry that points at it is
 *    published (release store). A group no longer pointed at is reused
 *    only after an RCU grace period on dp_tables.rcu, so a worker that read
 *    the old tbl24 entry never reads a group rewritten for another /24.
 *  - Entry stores are releases: they publish the next hop written before
 *    the route (l3/dp_router_conf.c fills a next hop before any route uses it).
 *  - Full: an add beyond max_rules or out of groups fails with -ENOSPC and
 *    changes nothing.
 *  - 0.0.0.0/0 is not a rule here; callers keep the default route beside.
 *
 * Small tables (dp_fib_create_lazy)
 *  - A network node holds thousands of tenant routers with a few
 *    interfaces and routes each: 48 MB of tables apiece would be gigabytes
 *    for nothing. A lazy FIB starts as a sorted list of at most
 *    DP_FIB_SMALL_MAX rules (longest first, so the first match is the
 *    longest) that workers scan, and becomes DIR-24-8 when a rule more is
 *    added; it never goes back (a router that had many routes may again).
 *  - The list is replaced whole on every change and published by pointer
 *    (release); the old one is freed after a grace period on dp_tables.rcu.
 *    The move to DIR-24-8 fills the tables completely before it publishes
 *    "no list" (release), so a worker that sees no list sees full tables.
 *  - A rule longer than /24 needs a group in either form: the list refuses
 *    (-ENOSPC) what the tables would, so the move can never run out.
 */
#ifndef VIRGA_DP_FIB_H
#define VIRGA_DP_FIB_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_prefetch.h>

#include "core/dp_hmap.h"

#define DP_FIB_MISS UINT32_MAX
#define DP_FIB_MAX_NH 0x7ffeu /* next hops 0..DP_FIB_MAX_NH */
#define DP_FIB_MAX_GROUPS 32768u
#define DP_FIB_EXT 0x8000u

struct dp_fib_retired {
	uint32_t group;
	uint64_t token; /* rte_rcu_qsbr_start() when the group was unlinked */
};

#define DP_FIB_SMALL_MAX 16

struct dp_fib_small {
	uint32_t n;
	struct {
		uint32_t prefix, mask; /* host byte order */
		uint32_t nh;
	} r[DP_FIB_SMALL_MAX]; /* longest first */
};

struct dp_fib {
	/* What workers read. */
	const struct dp_fib_small *small; /* non-NULL: the table is this list (lazy FIBs) */
	uint16_t *tbl24; /* 1 << 24 entries */
	uint16_t *tbl8;	 /* n_groups * 256 entries */

	/* Control thread only, from the next cache line on: programming routes does not
	 * keep taking the line above away from the workers. */
	uint8_t *depth24 __rte_cache_aligned; /* shadow of tbl24: length of each entry's rule */
	uint8_t *depth8;		      /* shadow of tbl8 */
	struct dp_hmap rules; /* prefix << 8 | length -> cookie << 32 | next hop */
	uint32_t max_rules;
	uint32_t n_groups;
	uint32_t groups_high; /* groups at and above were never used */
	uint32_t groups_used; /* pointed at by tbl24 */
	uint32_t n_free;
	uint32_t *free_groups; /* groups past their grace period, a stack */
	uint32_t retired_head, n_retired;
	struct dp_fib_retired *retired; /* a FIFO ring: tokens only grow */
};

/* One entry as the control thread may be changing it: a relaxed atomic load is a plain
 * 16-bit load, but the compiler may not split it or load it twice. */
static inline uint32_t dp_fib_entry(const uint16_t *t, uint32_t i)
{
	return __atomic_load_n(&t[i], __ATOMIC_RELAXED);
}

/* The list a lazy FIB still is, or NULL. Acquire: pairs with the release that
 * published the list, or that said there is none once the tables were full. */
static inline const struct dp_fib_small *dp_fib_small_of(const struct dp_fib *f)
{
	return __atomic_load_n(&f->small, __ATOMIC_ACQUIRE);
}

static inline uint32_t dp_fib_small_lookup(const struct dp_fib_small *s, uint32_t ip)
{
	for (uint32_t i = 0; i < s->n; i++)
		if ((ip & s->r[i].mask) == s->r[i].prefix)
			return s->r[i].nh;
	return DP_FIB_MISS;
}

/* dp_fib_lookup in the DIR-24-8 tables. */
static inline uint32_t dp_fib_dir_lookup(const struct dp_fib *f, uint32_t ip)
{
	uint32_t e = dp_fib_entry(f->tbl24, ip >> 8);

	/* The group's address depends on the value just read, which orders the two loads
	 * on every CPU DPDK runs on (rte_lpm relies on it too): the group is seen as it was
	 * written before tbl24 pointed at it. */
	if (unlikely(e & DP_FIB_EXT))
		e = dp_fib_entry(f->tbl8, (e & ~DP_FIB_EXT) << 8 | (ip & 0xff));
	return e ? e - 1u : DP_FIB_MISS;
}

/* Packet path: the next hop of the longest rule matching ip (host byte order), or
 * DP_FIB_MISS. */
static inline uint32_t dp_fib_lookup(const struct dp_fib *f, uint32_t ip)
{
	const struct dp_fib_small *s = dp_fib_small_of(f);

	return unlikely(s != NULL) ? dp_fib_small_lookup(s, ip) : dp_fib_dir_lookup(f, ip);
}

/* Packet path: warms the entry dp_fib_lookup(f, ip) starts from. */
static inline void dp_fib_prefetch(const struct dp_fib *f, uint32_t ip)
{
	rte_prefetch0(&f->tbl24[ip >> 8]);
}

/*
 * Packet path: dp_fib_lookup for n addresses. The tbl24 entries of the whole
 * burst are prefetched before the first is needed, so their cache and TLB
 * misses overlap instead of following one another. (Prefetching the tbl8
 * entries too, in a third pass, measured slower: few addresses need them.)
 */
static inline void dp_fib_lookup_bulk(const struct dp_fib *f, const uint32_t *ip, uint32_t *nh,
		unsigned int n)
{
	const struct dp_fib_small *s = dp_fib_small_of(f);
	unsigned int i;

	if (s != NULL) {
		for (i = 0; i < n; i++)
			nh[i] = dp_fib_small_lookup(s, ip[i]);
		return;
	}
	for (i = 0; i < n; i++)
		dp_fib_prefetch(f, ip[i]);
	for (i = 0; i < n; i++)
		nh[i] = dp_fib_dir_lookup(f, ip[i]);
}

/*
 * Control thread only. Prefixes are in host byte order with no bits past
 * their length; lengths are 1..32; each call returns 0 or a negative errno
 * and changes nothing when it fails.
 */

/* Up to max_rules rules and n_groups (<= DP_FIB_MAX_GROUPS) rules longer than /24 by
 * /24. NULL with errno set on failure. */
struct dp_fib *dp_fib_create(uint32_t max_rules, uint32_t n_groups);
/* The same, starting as a small list (above): kilobytes until its 17th rule. */
struct dp_fib *dp_fib_create_lazy(uint32_t max_rules, uint32_t n_groups);
/* The caller has made sure no worker can still be reading it (NULL is ignored). */
void dp_fib_free(struct dp_fib *f);

/* Adds prefix/len -> nh (<= DP_FIB_MAX_NH), with a cookie the caller gets back from
 * dp_fib_find (such as where it keeps the route). -EEXIST: the rule exists;
 * -ENOSPC: max_rules reached, or a group is needed and none is left; -EINVAL. */
int dp_fib_add(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t nh, uint32_t cookie);
/* Removes prefix/len; what it covered goes to the longest shorter rule. -ENOENT. */
int dp_fib_del(struct dp_fib *f, uint32_t prefix, uint8_t len);
/* Whether prefix/len is a rule; its next hop and cookie if those are not NULL. */
bool dp_fib_find(const struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t *nh,
		uint32_t *cookie);
int dp_fib_set_cookie(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t cookie);

static inline uint32_t dp_fib_rules(const struct dp_fib *f)
{
	return dp_hmap_count(&f->rules);
}

/* Control thread: bytes the FIB has allocated (the tables' whole size once it has them). */
uint64_t dp_fib_bytes(const struct dp_fib *f);

/* Groups pointed at by tbl24 (retired ones waiting for a grace period excluded). */
static inline uint32_t dp_fib_groups_used(const struct dp_fib *f)
{
	return f->groups_used;
}

#endif
