/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include <rte_malloc.h>

#include "dp_kv.h"
#include "dp_mem.h"

static void bucket_lock(struct dp_kv_bucket *b)
{
	uint32_t seq;

	for (;;) {
		seq = __atomic_load_n(&b->seq, __ATOMIC_RELAXED);
		if (!(seq & 1) && __atomic_compare_exchange_n(&b->seq, &seq, seq + 1, false,
					  __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		rte_pause();
	}
}

static void bucket_unlock(struct dp_kv_bucket *b)
{
	__atomic_store_n(&b->seq, b->seq + 1, __ATOMIC_RELEASE);
}

/* Called with b locked: slot of key, or of a free slot when free_ok, or -1. */
static int bucket_slot(const struct dp_kv_bucket *b, uint64_t key, bool free_ok)
{
	int free_slot = -1;

	for (int i = 0; i < DP_KV_SLOTS; i++) {
		if (b->keys[i] == key)
			return i;
		if (b->keys[i] == 0 && free_slot < 0)
			free_slot = i;
	}
	return free_ok ? free_slot : -1;
}

static void slot_write(struct dp_kv_bucket *b, int i, uint64_t key, uint64_t val)
{
	__atomic_store_n(&b->vals[i], val, __ATOMIC_RELAXED);
	__atomic_store_n(&b->keys[i], key, __ATOMIC_RELAXED);
}

/* What a write expects to find: anything (a plain set), or what its writer read. */
enum expect { ANY, ABSENT, VALUE };

static int kv_write(struct dp_kv *t, uint64_t key, uint32_t hash, enum expect expect,
		uint64_t old, uint64_t val)
{
	struct dp_kv_bucket *p = dp_kv_primary(t, hash);
	struct dp_kv_bucket *s = dp_kv_spill(t, hash);
	struct dp_kv_bucket *b = p;
	bool spill_locked = false;
	int i, rc = 0;

	/* Lock order is always primary then spill: two writers can never wait on each
	 * other in a cycle, because a bucket is only ever locked as someone's spill
	 * after that writer's own primary. */
	bucket_lock(p);
	i = bucket_slot(p, key, false);
	if (i < 0 && p->overflowed) {
		bucket_lock(s);
		spill_locked = true;
		b = s;
		i = bucket_slot(s, key, false);
	}
	if (i >= 0) {
		/* Another writer got there between our writer's read and now. */
		if (expect == ABSENT || (expect == VALUE && b->vals[i] != old))
			rc = -EAGAIN;
		else
			slot_write(b, i, key, val);
		goto out;
	}
	if (expect == VALUE) {
		rc = -EAGAIN; /* deleted meanwhile */
		goto out;
	}
	i = bucket_slot(p, key, true);
	if (i >= 0) {
		slot_write(p, i, key, val);
		goto out;
	}
	if (!spill_locked) {
		bucket_lock(s);
		spill_locked = true;
	}
	i = bucket_slot(s, key, true);
	if (i >= 0) {
		slot_write(s, i, key, val);
		__atomic_store_n(&p->overflowed, 1, __ATOMIC_RELAXED);
	} else {
		t->set_failed++;
		rc = -ENOSPC;
	}
out:
	if (spill_locked)
		bucket_unlock(s);
	bucket_unlock(p);
	return rc;
}

int dp_kv_set(struct dp_kv *t, uint64_t key, uint32_t hash, uint64_t val)
{
	return kv_write(t, key, hash, ANY, 0, val);
}

int dp_kv_update(struct dp_kv *t, uint64_t key, uint32_t hash, bool found, uint64_t old,
		uint64_t val)
{
	return kv_write(t, key, hash, found ? VALUE : ABSENT, old, val);
}

static bool bucket_del(struct dp_kv_bucket *b, uint64_t key)
{
	int i = bucket_slot(b, key, false);

	if (i < 0)
		return false;
	slot_write(b, i, 0, 0);
	return true;
}

int dp_kv_del(struct dp_kv *t, uint64_t key, uint32_t hash)
{
	struct dp_kv_bucket *p = dp_kv_primary(t, hash);
	struct dp_kv_bucket *s = dp_kv_spill(t, hash);
	bool found;

	bucket_lock(p);
	found = bucket_del(p, key);
	if (!found && p->overflowed) {
		bucket_lock(s);
		found = bucket_del(s, key);
		bucket_unlock(s);
	}
	bucket_unlock(p);
	return found ? 0 : -ENOENT;
}

uint32_t dp_kv_walk(struct dp_kv *t, uint32_t start, dp_kv_visit_t fn, void *arg)
{
	for (uint32_t bi = start; bi <= t->mask; bi++) {
		struct dp_kv_bucket *b = &t->buckets[bi];
		bool stop = false;

		bucket_lock(b);
		for (int i = 0; i < DP_KV_SLOTS; i++) {
			if (b->keys[i] == 0)
				continue;
			switch (fn(b->keys[i], b->vals[i], arg)) {
			case DP_KV_DELETE:
				slot_write(b, i, 0, 0);
				break;
			case DP_KV_STOP:
				stop = true;
				break;
			case DP_KV_KEEP:
				break;
			}
		}
		bucket_unlock(b);
		if (stop)
			return bi + 1 > t->mask ? 0 : bi + 1;
	}
	return 0;
}

int dp_kv_init(struct dp_kv *t, uint32_t n_entries, uint32_t aging_sec)
{
	uint32_t n_buckets = rte_align32pow2(RTE_MAX(n_entries / DP_KV_SLOTS * 2, 2u));

	t->buckets = dp_table_zalloc((size_t)n_buckets * sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -ENOMEM;
	t->mask = n_buckets - 1;
	t->aging_sec = aging_sec;
	t->set_failed = 0;
	return 0;
}

void dp_kv_fini(struct dp_kv *t)
{
	dp_table_free(t->buckets, ((size_t)t->mask + 1) * sizeof(*t->buckets));
	t->buckets = NULL;
}
