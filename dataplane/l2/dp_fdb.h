/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC table (FDB): (network, MAC) -> port, shared by every network.
 *
 * Contract
 *  - Writers: workers (learning) and the control thread (static entries,
 *    deletes, aging, flushes). Readers: workers.
 *  - Each 128-byte bucket has a sequence counter used as a seqlock: a writer
 *    takes the bucket by CAS from even to odd, writes, and releases it even
 *    again; a reader retries while the counter is odd or moved. Lookups take
 *    no lock and write nothing; learning writes only when something changed
 *    (new MAC, MAC moved, or a new second of last-seen), so a steady flow
 *    costs two bucket reads per frame and no stores.
 *  - Each key hashes to a primary bucket and a spill bucket; an entry goes to
 *    the spill bucket only when the primary is full, and the primary then
 *    keeps an "overflowed" mark so lookups know to look there too.
 *  - Full: when both buckets are full the MAC is not learned (counted in
 *    learn_failed); its frames are flooded, as for any unknown MAC.
 *  - Stale entries: each entry records its port's epoch; bumping a port's
 *    epoch (detach, delete) invalidates all its MACs in O(1). Aging on the
 *    control thread reclaims them, and entries not seen for the aging time.
 *  - Memory: allocated once at start-up; no reclamation is needed because
 *    slots are reused in place under the bucket's seqlock.
 */
#ifndef VIRGA_DP_FDB_H
#define VIRGA_DP_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#define DP_FDB_SLOTS 7

struct dp_fdb_bucket {
	uint32_t seq;	     /* odd while a writer holds the bucket */
	uint32_t overflowed; /* some key of this bucket lives in its spill bucket */
	uint64_t keys[DP_FDB_SLOTS];
	uint64_t vals[DP_FDB_SLOTS];
	uint64_t reserved;
} __rte_aligned(128);

struct dp_fdb {
	uint32_t mask; /* n_buckets - 1 */
	uint32_t aging_sec;
	uint64_t learn_failed;
	struct dp_fdb_bucket *buckets;
};

/*
 * Key: network id in the top 16 bits, MAC in the low 48. Network ids start
 * at 1, so a key is never 0, and 0 marks a free slot.
 * Value: port id (16) | port epoch (16) | static (1) | last seen, seconds (31).
 */
#define DP_FDB_VAL_PORT(v) ((uint16_t)((v)&0xffff))
#define DP_FDB_VAL_EPOCH(v) ((uint16_t)(((v) >> 16) & 0xffff))
#define DP_FDB_VAL_STATIC (1ull << 32)
#define DP_FDB_VAL_SEEN(v) ((uint32_t)((v) >> 33))

static inline uint64_t dp_fdb_val(uint16_t port, uint16_t epoch, bool is_static, uint32_t seen)
{
	return (uint64_t)port | ((uint64_t)epoch << 16) | (is_static ? DP_FDB_VAL_STATIC : 0) |
	       ((uint64_t)(seen & 0x7fffffff) << 33);
}

static inline uint64_t dp_fdb_key(uint16_t net_id, const struct rte_ether_addr *mac)
{
	uint64_t k = 0;

	/* The 6 MAC bytes land in the low 48 bits (little endian load of 8 bytes then mask
	 * would read past the address, so assemble). */
	k = (uint64_t)mac->addr_bytes[0] | (uint64_t)mac->addr_bytes[1] << 8 |
	    (uint64_t)mac->addr_bytes[2] << 16 | (uint64_t)mac->addr_bytes[3] << 24 |
	    (uint64_t)mac->addr_bytes[4] << 32 | (uint64_t)mac->addr_bytes[5] << 40;
	return k | (uint64_t)net_id << 48;
}

static inline uint16_t dp_fdb_key_net(uint64_t key)
{
	return key >> 48;
}

static inline void dp_fdb_key_mac(uint64_t key, struct rte_ether_addr *mac)
{
	for (int i = 0; i < 6; i++)
		mac->addr_bytes[i] = (key >> (8 * i)) & 0xff;
}

static inline uint32_t dp_fdb_hash(uint64_t key)
{
	return rte_hash_crc_8byte(key, 0x9e3779b9);
}

static inline struct dp_fdb_bucket *dp_fdb_primary(const struct dp_fdb *t, uint32_t hash)
{
	return &t->buckets[hash & t->mask];
}

static inline struct dp_fdb_bucket *dp_fdb_spill(const struct dp_fdb *t, uint32_t hash)
{
	/* Another bucket from the high bits; never the primary itself. */
	uint32_t i = (hash & t->mask) ^ (((hash >> 16) | 1) & t->mask);
	return &t->buckets[i];
}

/* Packet path: warms the cache lines a lookup of `hash` will read. */
static inline void dp_fdb_prefetch(const struct dp_fdb *t, uint32_t hash)
{
	const struct dp_fdb_bucket *b = dp_fdb_primary(t, hash);

	rte_prefetch0(b);
	rte_prefetch0(&b->vals[0]);
}

static inline bool dp_fdb_bucket_find(const struct dp_fdb_bucket *b, uint64_t key, uint64_t *val)
{
	uint32_t seq;
	bool found;

	do {
		while ((seq = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE)) & 1)
			rte_pause();
		found = false;
		for (int i = 0; i < DP_FDB_SLOTS; i++) {
			if (__atomic_load_n(&b->keys[i], __ATOMIC_RELAXED) == key) {
				*val = __atomic_load_n(&b->vals[i], __ATOMIC_RELAXED);
				found = true;
				break;
			}
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&b->seq, __ATOMIC_RELAXED) != seq);
	return found;
}

/* Packet path and control thread: true and *val when (key) is in the table. */
static inline bool dp_fdb_lookup(const struct dp_fdb *t, uint64_t key, uint32_t hash, uint64_t *val)
{
	const struct dp_fdb_bucket *b = dp_fdb_primary(t, hash);

	if (dp_fdb_bucket_find(b, key, val))
		return true;
	if (likely(__atomic_load_n(&b->overflowed, __ATOMIC_RELAXED) == 0))
		return false;
	return dp_fdb_bucket_find(dp_fdb_spill(t, hash), key, val);
}

/*
 * Packet path or control thread: inserts or replaces (key -> val).
 * Returns 0, -ENOSPC when both buckets are full.
 */
int dp_fdb_set(struct dp_fdb *t, uint64_t key, uint32_t hash, uint64_t val);

/* Control thread: removes key; -ENOENT when absent. */
int dp_fdb_del(struct dp_fdb *t, uint64_t key, uint32_t hash);

/* Control thread. Size is rounded up to a power of two buckets. */
int dp_fdb_init(struct dp_fdb *t, uint32_t n_entries, uint32_t aging_sec);
void dp_fdb_fini(struct dp_fdb *t);

enum dp_fdb_visit {
	DP_FDB_KEEP,
	DP_FDB_DELETE,
	DP_FDB_STOP, /* keep this entry, finish this bucket, then stop */
};

/*
 * Control thread: visits the entries of buckets [start, end of table), and
 * returns the index of the first bucket not visited (0 when all were), so a
 * caller can page through the table. Each bucket is held while visited: keep
 * the callback short.
 */
typedef enum dp_fdb_visit (*dp_fdb_visit_t)(uint64_t key, uint64_t val, void *arg);
uint32_t dp_fdb_walk(struct dp_fdb *t, uint32_t start, dp_fdb_visit_t fn, void *arg);

#endif
