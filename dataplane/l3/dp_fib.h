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

struct dp_fib {
	/* What workers read. */
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

/* Packet path: the next hop of the longest rule matching ip (host byte order), or
 * DP_FIB_MISS. */
static inline uint32_t dp_fib_lookup(const struct dp_fib *f, uint32_t ip)
{
	uint32_t e = dp_fib_entry(f->tbl24, ip >> 8);

	/* The group's address depends on the value just read, which orders the two loads
	 * on every CPU DPDK runs on (rte_lpm relies on it too): the group is seen as it was
	 * written before tbl24 pointed at it. */
	if (unlikely(e & DP_FIB_EXT))
		e = dp_fib_entry(f->tbl8, (e & ~DP_FIB_EXT) << 8 | (ip & 0xff));
	return e ? e - 1u : DP_FIB_MISS;
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
	unsigned int i;

	for (i = 0; i < n; i++)
		dp_fib_prefetch(f, ip[i]);
	for (i = 0; i < n; i++)
		nh[i] = dp_fib_lookup(f, ip[i]);
}

/*
 * Control thread only. Prefixes are in host byte order with no bits past
 * their length; lengths are 1..32; each call returns 0 or a negative errno
 * and changes nothing when it fails.
 */

/* Up to max_rules rules and n_groups (<= DP_FIB_MAX_GROUPS) rules longer than /24 by
 * /24. NULL with errno set on failure. */
struct dp_fib *dp_fib_create(uint32_t max_rules, uint32_t n_groups);
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

/* Groups pointed at by tbl24 (retired ones waiting for a grace period excluded). */
static inline uint32_t dp_fib_groups_used(const struct dp_fib *f)
{
	return f->groups_used;
}

#endif
