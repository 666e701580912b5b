/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Adjacencies: per worker, the resolved egress of a router's next hop (its
 * MAC, the interface MAC, the port or remote VTEP it sits behind, the VLAN
 * tag to push), so a routed frame costs one small set-associative lookup
 * instead of a neighbour-table lookup, a MAC-table lookup in the egress
 * network and the switching decision.
 *
 * Contract
 *  - Written and read only by the worker that owns the cache (no sharing).
 *  - An entry is a cache of what the neighbour and MAC tables said, not a
 *    source of truth: it is valid only while dp_tables.conf_gen (bumped by
 *    the control thread after every control message) is unchanged, and only
 *    within the clock second it was filled, so what workers learn (a next
 *    hop's MAC moving to another port, a new MAC for its address) is
 *    followed within a second, as Linux follows a neighbour's change within
 *    its reachable time.
 *  - Misses, and every frame while the packet trace is on, take the full
 *    path (ip4_route.c), which fills the entry when the frame leaves as
 *    unicast on a port or to a remote VTEP.
 *
 * Packet path, inline.
 */
#ifndef VIRGA_DP_ADJ_H
#define VIRGA_DP_ADJ_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_ether.h>

/*
 * Two-way sets: direct-mapped, the 64 hosts of a subnet that a router's
 * replies go to (virga-bench's snat) shared a slot a fifth of the time, and
 * two hosts sharing one take the full path in turn on every frame.
 */
#define DP_ADJ_CACHE_SIZE 1024 /* power of two */
#define DP_ADJ_WAYS 2 /* dp_adj_find and dp_adj_slot look at set[0] and set[1] */

struct dp_adj {
	uint32_t key; /* dp_adj_key(); 0: empty */
	/*
	 * The next hop's address: its gateway, or for a connected route the
	 * destination itself. One next hop of a connected route stands for
	 * every host of its subnet, each with its own MAC: the entry is that
	 * of one host.
	 */
	uint32_t target;
	uint32_t sec; /* the worker's now_sec when filled */
	uint32_t gen; /* dp_tables.conf_gen when filled */
	uint16_t edge;	   /* enum dp_l2_edge: DP_L2_TX or DP_L2_VXLAN */
	uint16_t out_port; /* port id, or DP_PEER_BASE + remote VTEP */
	uint16_t net_id;   /* the egress network */
	uint16_t vlan_id;  /* tag to push on the way out; 0: none */
	uint16_t max_len;  /* largest IPv4 total length this egress takes as it is */
	struct rte_ether_addr dst; /* the next hop's MAC */
	struct rte_ether_addr src; /* the egress interface's MAC */
};

static inline uint32_t dp_adj_key(uint16_t router_id, uint32_t nh_index)
{
	return ((uint32_t)router_id << 16 | nh_index) + 1;
}

/* The set of key and target: DP_ADJ_WAYS entries side by side. */
static inline struct dp_adj *dp_adj_set(struct dp_adj *cache, uint32_t key, uint32_t target)
{
	/*
	 * Hosts of one subnet differ in the last bytes of their address, which a
	 * network-order word holds in its high bits: a multiply alone would carry
	 * them only further up, and every host of a /24 would share a set. Mixed
	 * down (lowbias32's finalizer) before the set's bits are taken.
	 */
	uint32_t h = key * 0x9e3779b1u ^ target;

	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	return &cache[(h & (DP_ADJ_CACHE_SIZE / DP_ADJ_WAYS - 1)) * DP_ADJ_WAYS];
}

static inline bool dp_adj_valid(const struct dp_adj *a, uint32_t key, uint32_t target,
		uint32_t now_sec, uint32_t gen)
{
	return a->key == key && a->target == target && a->sec == now_sec && a->gen == gen;
}

/* The valid entry for key and target (network byte order), or NULL. */
static inline const struct dp_adj *dp_adj_find(struct dp_adj *cache, uint32_t key, uint32_t target,
		uint32_t now_sec, uint32_t gen)
{
	const struct dp_adj *set = dp_adj_set(cache, key, target);

	if (likely(dp_adj_valid(&set[0], key, target, now_sec, gen)))
		return &set[0];
	return dp_adj_valid(&set[1], key, target, now_sec, gen) ? &set[1] : NULL;
}

/*
 * Where to fill key and target: its own entry if the set has one (stale),
 * else the first way; an entry still valid there moves to the second (which
 * it evicts), so a set keeps the two next hops filled last.
 */
static inline struct dp_adj *dp_adj_slot(struct dp_adj *cache, uint32_t key, uint32_t target,
		uint32_t now_sec, uint32_t gen)
{
	struct dp_adj *set = dp_adj_set(cache, key, target);

	RTE_BUILD_BUG_ON(DP_ADJ_WAYS != 2);
	for (unsigned int i = 0; i < DP_ADJ_WAYS; i++)
		if (set[i].key == key && set[i].target == target)
			return &set[i];
	if (set[0].sec == now_sec && set[0].gen == gen)
		set[1] = set[0];
	return &set[0];
}

#endif
