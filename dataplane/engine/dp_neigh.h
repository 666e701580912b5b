/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neighbours: IPv4 address -> MAC, per scope (the underlay, or a network a
 * router has an interface on). One dp_kv table (see core/dp_kv.h for the
 * concurrency contract): workers learn from ARP and mark addresses they asked
 * for; the control thread ages entries out. Frames waiting for an answer are
 * not here but in each worker's queue (engine/dp_arp_wait.h).
 *
 * Key: scope (16 bits) << 32 | IPv4 address (network byte order).
 * Value: MAC (48 bits) | last seen or asked, seconds mod 2^14 (bits 48-61)
 *        | permanent (bit 62) | reachable (bit 63). Without the reachable bit
 *        the entry only records that a request went out (state incomplete).
 *        Permanent entries (NEIGH_ADD) are neither aged nor overwritten by the
 *        packet path: workers' writes are conditional (dp_kv_update), so one
 *        made permanent while a worker decides what to write stays so.
 */
#ifndef VIRGA_DP_NEIGH_H
#define VIRGA_DP_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "core/dp_kv.h"
#include "dp_worker.h"

#define DP_NEIGH_SCOPE_UNDERLAY 0xffff
#define DP_NEIGH_TIMEOUT_SEC 300   /* a reachable entry not confirmed for this long is forgotten */
#define DP_NEIGH_INCOMPLETE_SEC 3  /* an unanswered request is forgotten (and may be resent) */
/* A reachable entry confirmed longer ago than this is still used, but the router asks
 * again when it uses it (RFC 4861 7.3's STALE and PROBE, for ARP): a neighbour whose
 * MAC changed is followed within this, not within DP_NEIGH_TIMEOUT_SEC. */
#define DP_NEIGH_STALE_SEC 30
#define DP_NEIGH_VAL_REACHABLE (1ull << 63)
#define DP_NEIGH_VAL_PERMANENT (1ull << 62)
#define DP_NEIGH_SEEN_MASK 0x3fff

static inline uint64_t dp_neigh_key(uint16_t scope, uint32_t ip)
{
	return (uint64_t)scope << 32 | ip;
}

static inline uint16_t dp_neigh_seen(uint64_t val)
{
	return (val >> 48) & DP_NEIGH_SEEN_MASK;
}

/* Packet path: true and *mac when ip is reachable in scope. */
bool dp_neigh_lookup(uint16_t scope, uint32_t ip, struct rte_ether_addr *mac);

/* Packet path: dp_neigh_lookup, and *stale when the entry is learned (not permanent)
 * and was last confirmed more than DP_NEIGH_STALE_SEC before now_sec. */
bool dp_neigh_lookup_stale(uint16_t scope, uint32_t ip, struct rte_ether_addr *mac,
		uint32_t now_sec, bool *stale);

/* Packet path: records (ip -> mac) heard from an ARP packet. */
void dp_neigh_learn(struct dp_worker *w, uint16_t scope, uint32_t ip,
		const struct rte_ether_addr *mac);

/*
 * Packet path: an ARP request for `target` from (mac, ip), for the caller to
 * send; NULL when one went out this second already, when the entry is
 * permanent (nothing to ask), or when no mbuf was free.
 * Marks the address incomplete until an answer is learned. The stages do not
 * call it themselves: a frame that needs the answer waits for it in the
 * worker's queue (engine/dp_arp_wait.h), which asks when the frame parks and
 * again once per clock second while any frame waits, so an unanswered
 * request is retried every second whether or not new traffic comes.
 */
struct rte_mbuf *dp_neigh_solicit(struct dp_worker *w, uint16_t scope, uint32_t target,
		const struct rte_ether_addr *mac, uint32_t ip);

/* Control thread: permanent entries. */
int dp_neigh_add_permanent(uint16_t scope, uint32_t ip, const struct rte_ether_addr *mac,
		bool exist_ok);
int dp_neigh_del(uint16_t scope, uint32_t ip);

/* Control thread: forgets every entry of a scope (a network being deleted: its id may
 * be reused, and the next network must not inherit its neighbours). */
void dp_neigh_purge_scope(uint16_t scope);

/* Control thread: forgets stale entries; returns how many. */
uint32_t dp_neigh_age(uint32_t now_sec);

#endif
