/* SPDX-License-Identifier: Apache-2.0 */
/* A router's SNAT ports: see nat/dp_snat_pool.h. */
#include <errno.h>
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "ct/dp_ct.h"
#include "engine/dp_tables.h"
#include "dp_snat_pool.h"

struct dp_snat_pool *dp_snat_pools[DP_MAX_ROUTERS];

static inline bool take(struct dp_snat_bits *b, uint32_t port)
{
	uint64_t bit = 1ull << (port & 63);

	return !(__atomic_fetch_or(&b->word[port >> 6], bit, __ATOMIC_ACQ_REL) & bit);
}

/* Counts a port taken: used, and whether this one crossed 90% of the range. */
static void account(struct dp_snat_bits *b, uint32_t total)
{
	uint32_t used = __atomic_add_fetch(&b->used, 1, __ATOMIC_RELAXED);

	if (used == (uint32_t)(((uint64_t)total * 9 + 9) / 10))
		__atomic_fetch_add(&b->over_90, 1, __ATOMIC_RELAXED);
}

/* The free bits of word w within [min, max]. */
static inline uint64_t free_in(const struct dp_snat_bits *b, uint32_t w, uint32_t min, uint32_t max)
{
	uint64_t free = ~__atomic_load_n(&b->word[w], __ATOMIC_RELAXED);

	if (w == min >> 6)
		free &= ~0ull << (min & 63);
	if (w == max >> 6 && (max & 63) != 63)
		free &= (1ull << ((max & 63) + 1)) - 1;
	return free;
}

uint16_t dp_snat_port_claim(struct dp_snat_pool *p, enum dp_snat_proto proto, uint16_t want,
		uint32_t worker, uint32_t n_workers)
{
	struct dp_snat_bits *b = &p->proto[proto];
	uint32_t range = __atomic_load_n(&p->range, __ATOMIC_RELAXED);
	uint32_t min = range & 0xffff, max = range >> 16, total = max - min + 1;
	uint16_t *next = &p->worker[worker].next[proto];
	uint32_t start, w, first_w, last_w;

	if (want >= min && want <= max && take(b, want)) {
		account(b, total);
		return want;
	}
	start = *next;
	if (start < min || start > max)
		start = min + (uint32_t)((uint64_t)total * worker / RTE_MAX(n_workers, 1u));
	/* Word by word from start to max, then from min back round to start's word. */
	first_w = min >> 6;
	last_w = max >> 6;
	w = start >> 6;
	for (uint32_t visited = 0; visited <= last_w - first_w + 1; visited++) {
		uint64_t free = free_in(b, w, visited == 0 ? start : min, max);

		while (free) {
			uint32_t port = w << 6 | (uint32_t)__builtin_ctzll(free);

			if (take(b, port)) {
				account(b, total);
				*next = (uint16_t)(port == max ? min : port + 1);
				return (uint16_t)port;
			}
			free &= free - 1; /* another worker took it meanwhile */
		}
		w = w == last_w ? first_w : w + 1;
	}
	__atomic_fetch_add(&b->exhausted, 1, __ATOMIC_RELAXED);
	return 0;
}

void dp_snat_port_release(struct dp_snat_pool *p, enum dp_snat_proto proto, uint16_t port)
{
	struct dp_snat_bits *b = &p->proto[proto];
	uint64_t bit = 1ull << (port & 63);

	if (__atomic_fetch_and(&b->word[port >> 6], ~bit, __ATOMIC_ACQ_REL) & bit)
		__atomic_fetch_sub(&b->used, 1, __ATOMIC_RELAXED);
}

struct dp_snat_pool *dp_snat_pool_new(uint16_t router_id, uint16_t min, uint16_t max)
{
	struct dp_snat_pool *p = rte_zmalloc("snat_pool", sizeof(*p), RTE_CACHE_LINE_SIZE);

	if (p == NULL)
		return NULL;
	p->router_id = router_id;
	dp_snat_pool_set_range(p, min, max);
	return p;
}

void dp_snat_pool_set_range(struct dp_snat_pool *p, uint16_t min, uint16_t max)
{
	__atomic_store_n(&p->range, (uint32_t)max << 16 | min, __ATOMIC_RELAXED);
}

void dp_snat_pool_free(struct dp_snat_pool *p)
{
	rte_free(p);
}

/* The connection table's word that a translated connection ended (ct/dp_ct.h). */
static void ct_released(void *arg, const struct dp_ct_key *key, const struct dp_ct_nat *nat)
{
	struct dp_snat_pool *p;
	int proto;

	RTE_SET_USED(arg);
	if (!(key->zone & DP_CT_ZONE_ROUTER) || nat->src_port == 0)
		return;
	/* Gone with its gateway (GW_CLEAR flushed it, or it was being made meanwhile). */
	p = dp_snat_pools[(key->zone & ~DP_CT_ZONE_ROUTER) % DP_MAX_ROUTERS];
	if (p == NULL)
		return;
	switch (key->proto) {
	case IPPROTO_TCP: proto = DP_SNAT_TCP; break;
	case IPPROTO_UDP: proto = DP_SNAT_UDP; break;
	case IPPROTO_ICMP: proto = DP_SNAT_ICMP; break;
	default: return;
	}
	dp_snat_port_release(p, (enum dp_snat_proto)proto, rte_be_to_cpu_16(nat->src_port));
}

int dp_conf_snat_enable(uint16_t router_id, uint16_t min, uint16_t max)
{
	struct dp_snat_pool *p = dp_snat_pools[router_id];

	if (p != NULL) {
		dp_snat_pool_set_range(p, min, max);
		return 0;
	}
	p = dp_snat_pool_new(router_id, min, max);
	if (p == NULL)
		return -ENOMEM;
	dp_ct_set_nat_release(dp_tables.ct, ct_released, NULL);
	__atomic_store_n(&dp_snat_pools[router_id], p, __ATOMIC_RELEASE);
	return 0;
}

void dp_conf_snat_disable(uint16_t router_id)
{
	struct dp_snat_pool *p = dp_snat_pools[router_id];

	if (p == NULL)
		return;
	/* Its connections end (releasing into it), then it goes after a grace period. */
	dp_ct_flush_zone(dp_tables.ct, (uint16_t)(DP_CT_ZONE_ROUTER | router_id));
	__atomic_store_n(&dp_snat_pools[router_id], NULL, __ATOMIC_RELEASE);
	dp_tables_retire(p);
}
