/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "dp_neigh.h"
#include "dp_tables.h"
#include "pkt/dp_arp.h"

static inline uint64_t mac_bits(const struct rte_ether_addr *mac)
{
	uint64_t v = 0;

	memcpy(&v, mac, 6);
	return v;
}

static inline uint64_t neigh_val(const struct rte_ether_addr *mac, uint32_t now, bool reachable)
{
	return (mac ? mac_bits(mac) : 0) | (uint64_t)(now & DP_NEIGH_SEEN_MASK) << 48 |
	       (reachable ? DP_NEIGH_VAL_REACHABLE : 0);
}

bool dp_neigh_lookup_stale(uint16_t scope, uint32_t ip, struct rte_ether_addr *mac,
		uint32_t now_sec, bool *stale)
{
	uint64_t key = dp_neigh_key(scope, ip), v;

	if (!dp_kv_lookup(&dp_tables.neigh, key, dp_kv_hash(key), &v) || !(v & DP_NEIGH_VAL_REACHABLE))
		return false;
	memcpy(mac, &v, 6);
	*stale = !(v & DP_NEIGH_VAL_PERMANENT) &&
		 ((now_sec - dp_neigh_seen(v)) & DP_NEIGH_SEEN_MASK) > DP_NEIGH_STALE_SEC;
	return true;
}

bool dp_neigh_lookup(uint16_t scope, uint32_t ip, struct rte_ether_addr *mac)
{
	bool stale;

	return dp_neigh_lookup_stale(scope, ip, mac, 0, &stale);
}

void dp_neigh_learn(struct dp_worker *w, uint16_t scope, uint32_t ip,
		const struct rte_ether_addr *mac)
{
	uint64_t key = dp_neigh_key(scope, ip), v = 0, nv = neigh_val(mac, w->now_sec, true);
	uint32_t hash = dp_kv_hash(key);
	bool found;
	int rc;

	/* Write only when something changed: a steady ARP flow costs no stores. And ARP
	 * never overrides what the control plane made permanent, even one made so while
	 * we decide (dp_kv_update then refuses, and we look again). */
	do {
		found = dp_kv_lookup(&dp_tables.neigh, key, hash, &v);
		if (found && (v == nv || (v & DP_NEIGH_VAL_PERMANENT)))
			return;
		rc = dp_kv_update(&dp_tables.neigh, key, hash, found, v, nv);
	} while (rc == -EAGAIN);
	if (rc == 0)
		__atomic_fetch_add(&dp_tables.neigh_gen, 1, __ATOMIC_RELEASE);
}

struct rte_mbuf *dp_neigh_solicit(struct dp_worker *w, uint16_t scope, uint32_t target,
		const struct rte_ether_addr *mac, uint32_t ip)
{
	uint64_t key = dp_neigh_key(scope, target), v, nv;
	uint32_t hash = dp_kv_hash(key);
	struct rte_mbuf *req;
	bool found;

	do {
		found = dp_kv_lookup(&dp_tables.neigh, key, hash, &v);
		if (!found)
			v = 0;
		/* A permanent entry is the control plane's word: there is nobody to ask, and
		 * marking it would make it an ordinary one, or (had it become permanent since
		 * we looked) an incomplete one that no answer ever fixes. */
		if (v & DP_NEIGH_VAL_PERMANENT)
			return NULL;
		if (found && dp_neigh_seen(v) == (w->now_sec & DP_NEIGH_SEEN_MASK))
			return NULL;
		/* A reachable entry being re-asked stays usable until aged out: keep its MAC. */
		nv = (v & (DP_NEIGH_VAL_REACHABLE | 0xffffffffffffull)) |
		     neigh_val(NULL, w->now_sec, false);
	} while (dp_kv_update(&dp_tables.neigh, key, hash, found, v, nv) == -EAGAIN);
	req = dp_arp_request(dp_tables.pool, mac, ip, target);
	if (req == NULL)
		w->drops[DP_DROP_NO_MBUF]++;
	return req;
}

int dp_neigh_add_permanent(uint16_t scope, uint32_t ip, const struct rte_ether_addr *mac,
		bool exist_ok)
{
	uint64_t key = dp_neigh_key(scope, ip), v;
	uint32_t hash = dp_kv_hash(key);

	int rc;

	if (dp_kv_lookup(&dp_tables.neigh, key, hash, &v) && (v & DP_NEIGH_VAL_PERMANENT) && !exist_ok)
		return -EEXIST;
	rc = dp_kv_set(&dp_tables.neigh, key, hash, neigh_val(mac, 0, true) | DP_NEIGH_VAL_PERMANENT);
	__atomic_fetch_add(&dp_tables.neigh_gen, 1, __ATOMIC_RELEASE);
	return rc;
}

int dp_neigh_del(uint16_t scope, uint32_t ip)
{
	uint64_t key = dp_neigh_key(scope, ip);

	return dp_kv_del(&dp_tables.neigh, key, dp_kv_hash(key));
}

static enum dp_kv_visit purge_one(uint64_t key, uint64_t val, void *arg)
{
	RTE_SET_USED(val);
	return (key >> 32) == *(const uint16_t *)arg ? DP_KV_DELETE : DP_KV_KEEP;
}

void dp_neigh_purge_scope(uint16_t scope)
{
	dp_kv_walk(&dp_tables.neigh, 0, purge_one, &scope);
}

struct neigh_aging {
	uint32_t now;
	uint32_t removed;
};

static enum dp_kv_visit age_one(uint64_t key, uint64_t val, void *arg)
{
	struct neigh_aging *a = arg;
	uint16_t age = (a->now - dp_neigh_seen(val)) & DP_NEIGH_SEEN_MASK;
	uint16_t max = val & DP_NEIGH_VAL_REACHABLE ? DP_NEIGH_TIMEOUT_SEC : DP_NEIGH_INCOMPLETE_SEC;

	RTE_SET_USED(key);
	if (age <= max || (val & DP_NEIGH_VAL_PERMANENT))
		return DP_KV_KEEP;
	a->removed++;
	return DP_KV_DELETE;
}

uint32_t dp_neigh_age(uint32_t now_sec)
{
	struct neigh_aging a = {.now = now_sec};

	dp_kv_walk(&dp_tables.neigh, 0, age_one, &a);
	return a.removed;
}
