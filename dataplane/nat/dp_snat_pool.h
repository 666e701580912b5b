/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A router's SNAT ports: per protocol (TCP, UDP, ICMP echo identifiers), one
 * bit for each of the 65,536 values, set while a translated connection holds
 * it. New connections take ports from the router's range [min, max]; a
 * range changed later leaves the ports taken before in place, so the
 * connections that hold them keep them until they end.
 *
 * Contract
 *  - Workers claim ports (dp_snat_port_claim) with an atomic fetch-or on the
 *    bit's 64-bit word: two workers never get one port, and none waits for
 *    another. Each worker starts its search at its own offset into the range
 *    (index / n_workers of it) and goes on from where it last found one, so
 *    workers taking ports at once touch different words.
 *  - The control thread releases them (dp_snat_port_release, from the
 *    connection table's deletion of a translated connection: ct/dp_ct.h).
 *  - Lifetime: a pool is made by GW_SET with snat (l3/dp_router_gw.c) and
 *    published in dp_snat_pools[router id]; GW_CLEAR ends the router's
 *    translated connections (which releases their ports), unpublishes the
 *    pool and frees it after a grace period.
 *  - Memory: 3 x 8 KiB of bits and a cache line per worker, whatever the
 *    range: 24 KiB a router with SNAT.
 *  - Full: a claim that finds no free port in the range returns 0 and counts
 *    it (exhausted); crossing 90% of the range counts once per crossing.
 */
#ifndef VIRGA_DP_SNAT_POOL_H
#define VIRGA_DP_SNAT_POOL_H

#include <stdint.h>

#include <rte_common.h>

#include "engine/dp_worker.h"
#include "l3/dp_router.h"

enum dp_snat_proto {
	DP_SNAT_TCP,
	DP_SNAT_UDP,
	DP_SNAT_ICMP,
	DP_SNAT_N_PROTO,
};

#define DP_SNAT_WORDS (65536 / 64)

struct dp_snat_bits {
	uint64_t word[DP_SNAT_WORDS];
	uint32_t used;	    /* bits set */
	uint64_t exhausted; /* claims refused: no free port in the range */
	uint64_t over_90;   /* times used rose to 90% of the range */
};

struct dp_snat_pool {
	uint16_t router_id;
	uint32_t range; /* max << 16 | min, host order; one word, so read whole */
	struct dp_snat_bits proto[DP_SNAT_N_PROTO];
	struct {
		uint16_t next[DP_SNAT_N_PROTO]; /* where this worker looks first */
	} __rte_cache_aligned worker[DP_MAX_WORKERS];
};

extern struct dp_snat_pool *dp_snat_pools[DP_MAX_ROUTERS];

/* Packet path: router id's pool, or NULL (no SNAT there). */
static inline struct dp_snat_pool *dp_snat_pool_get(uint16_t router_id)
{
	return __atomic_load_n(&dp_snat_pools[router_id], __ATOMIC_ACQUIRE);
}

/*
 * Packet path: a port (host order) of protocol `proto` for worker `worker` of
 * n_workers: `want` itself when it is in the range and free (a connection's
 * own source port is kept when it can be), else a free one of the range; 0
 * when the range has none.
 */
uint16_t dp_snat_port_claim(struct dp_snat_pool *p, enum dp_snat_proto proto, uint16_t want,
		uint32_t worker, uint32_t n_workers);

/* Control thread (and a worker giving back a port it could not use). */
void dp_snat_port_release(struct dp_snat_pool *p, enum dp_snat_proto proto, uint16_t port);

/* Control thread: a new pool for router_id with range [min, max], NULL when out of memory. */
struct dp_snat_pool *dp_snat_pool_new(uint16_t router_id, uint16_t min, uint16_t max);
/* Control thread: a new range for the connections to come. */
void dp_snat_pool_set_range(struct dp_snat_pool *p, uint16_t min, uint16_t max);
void dp_snat_pool_free(struct dp_snat_pool *p);

/* Control thread: router_id's SNAT with range [min, max] from now on (its pool made
 * when it has none), 0 or -ENOMEM; and gone, with its translated connections. */
int dp_conf_snat_enable(uint16_t router_id, uint16_t min, uint16_t max);
void dp_conf_snat_disable(uint16_t router_id);

#endif
