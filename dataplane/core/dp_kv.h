/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A table of 64-bit keys to 64-bit values that workers may write as well as
 * read: the MAC table (l2/dp_fdb.h) and the neighbour table are both one.
 * Key 0 is reserved (it marks a free slot).
 *
 * Contract
 *  - Writers: workers (learning) and the control thread (static entries,
 *    deletes, aging, flushes). Readers: workers and the control thread.
 *  - Each 64-byte bucket has a sequence counter used as a seqlock: a writer
 *    takes the bucket by CAS from even to odd, writes, and releases it even
 *    again; a reader retries while the counter is odd or moved. Lookups take
 *    no lock and write nothing; learning writes only when something changed
 *    (new MAC, MAC moved, or a new second of last-seen), so a steady flow
 *    costs two bucket reads per frame and no stores.
 *  - A writer that decides what to write from what it read (learning over an
 *    entry, marking an address asked for) writes with dp_kv_update: the write
 *    happens only if the entry is still what it read, so another writer's
 *    change in between (a static MAC, a permanent neighbour from the control
 *    thread) is never silently undone. The window is short, but not only a
 *    few instructions long: the first write to a page of the table faults,
 *    and the faulting thread waits while everyone else goes on.
 *  - Each key hashes to a primary bucket and a spill bucket; an entry goes to
 *    the spill bucket only when the primary is full, and the primary then
 *    keeps an "overflowed" mark so lookups know to look there too.
 *  - Full: when both buckets are full, a set fails (counted in set_failed);
 *    for the MAC table that means the MAC is not learned and its frames are
 *    flooded, as for any unknown MAC. Nothing is ever evicted by a set.
 *  - Memory: allocated once at start-up; no reclamation is needed because
 *    slots are reused in place under the bucket's seqlock.
 */
#ifndef VIRGA_DP_KV_H
#define VIRGA_DP_KV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

/* Three slots and the header fill one cache line: a lookup that hits its primary
 * bucket reads exactly one line. */
#define DP_KV_SLOTS 3

struct dp_kv_bucket {
	uint32_t seq;	     /* odd while a writer holds the bucket */
	uint32_t overflowed; /* some key of this bucket lives in its spill bucket */
	uint64_t keys[DP_KV_SLOTS];
	uint64_t vals[DP_KV_SLOTS];
	uint64_t reserved;
} __rte_aligned(64);

struct dp_kv {
	uint32_t mask; /* n_buckets - 1 */
	uint32_t aging_sec; /* for tables whose values carry a last-seen time */
	uint64_t set_failed;
	struct dp_kv_bucket *buckets;
};

static inline uint32_t dp_kv_hash(uint64_t key)
{
	return rte_hash_crc_8byte(key, 0x9e3779b9);
}

static inline struct dp_kv_bucket *dp_kv_primary(const struct dp_kv *t, uint32_t hash)
{
	return &t->buckets[hash & t->mask];
}

static inline struct dp_kv_bucket *dp_kv_spill(const struct dp_kv *t, uint32_t hash)
{
	/* Another bucket from the high bits; never the primary itself. */
	uint32_t i = (hash & t->mask) ^ (((hash >> 16) | 1) & t->mask);
	return &t->buckets[i];
}

/* Packet path: warms the cache lines a lookup of `hash` will read. */
static inline void dp_kv_prefetch(const struct dp_kv *t, uint32_t hash)
{
	rte_prefetch0(dp_kv_primary(t, hash));
}

static inline bool dp_kv_bucket_find(const struct dp_kv_bucket *b, uint64_t key, uint64_t *val)
{
	uint32_t seq;
	bool found;

	do {
		while ((seq = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE)) & 1)
			rte_pause();
		found = false;
		for (int i = 0; i < DP_KV_SLOTS; i++) {
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
static inline bool dp_kv_lookup(const struct dp_kv *t, uint64_t key, uint32_t hash, uint64_t *val)
{
	const struct dp_kv_bucket *b = dp_kv_primary(t, hash);

	if (dp_kv_bucket_find(b, key, val))
		return true;
	if (likely(__atomic_load_n(&b->overflowed, __ATOMIC_RELAXED) == 0))
		return false;
	return dp_kv_bucket_find(dp_kv_spill(t, hash), key, val);
}

/*
 * Packet path or control thread: inserts or replaces (key -> val).
 * Returns 0, -ENOSPC when both buckets are full.
 */
int dp_kv_set(struct dp_kv *t, uint64_t key, uint32_t hash, uint64_t val);

/*
 * Packet path or control thread: dp_kv_set, only if the entry is still what the
 * caller read with dp_kv_lookup (`found`, and then its value `old`). Returns 0,
 * -EAGAIN when another writer changed it since (read again and decide again),
 * -ENOSPC when both buckets are full.
 */
int dp_kv_update(struct dp_kv *t, uint64_t key, uint32_t hash, bool found, uint64_t old,
		uint64_t val);

/* Control thread: removes key; -ENOENT when absent. */
int dp_kv_del(struct dp_kv *t, uint64_t key, uint32_t hash);

/* Control thread. Size is rounded up to a power of two buckets. */
int dp_kv_init(struct dp_kv *t, uint32_t n_entries, uint32_t aging_sec);
void dp_kv_fini(struct dp_kv *t);

enum dp_kv_visit {
	DP_KV_KEEP,
	DP_KV_DELETE,
	DP_KV_STOP, /* keep this entry, finish this bucket, then stop */
};

/*
 * Control thread: visits the entries of buckets [start, end of table), and
 * returns the index of the first bucket not visited (0 when all were), so a
 * caller can page through the table. Each bucket is held while visited: keep
 * the callback short.
 */
typedef enum dp_kv_visit (*dp_kv_visit_t)(uint64_t key, uint64_t val, void *arg);
uint32_t dp_kv_walk(struct dp_kv *t, uint32_t start, dp_kv_visit_t fn, void *arg);

#endif
