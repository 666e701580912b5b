/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A plain hash map of 64-bit keys to 64-bit values for the control thread
 * (the FIB's rules, say): open addressing with linear probing, deletion by
 * backward shift (no tombstones, so probes stay short however many deletes
 * there were), doubled when it gets 3/4 full. Key 0 is reserved: it marks a
 * free slot, as in dp_kv.
 *
 * Contract
 *  - Control thread only: no locking, nothing a worker may read.
 *  - Memory is plain malloc; it grows but never shrinks until dp_hmap_fini.
 *  - A pointer from dp_hmap_get stays valid until the next insert or delete.
 */
#ifndef VIRGA_DP_HMAP_H
#define VIRGA_DP_HMAP_H

#include <stdbool.h>
#include <stdint.h>

struct dp_hmap_slot {
	uint64_t key; /* 0: free */
	uint64_t val;
};

struct dp_hmap {
	struct dp_hmap_slot *slots;
	uint32_t mask; /* number of slots - 1 (a power of two) */
	uint32_t n;    /* keys held */
};

/* Room for `hint` keys before the first growth (0: a small default). 0 or -ENOMEM. */
int dp_hmap_init(struct dp_hmap *h, uint32_t hint);
void dp_hmap_fini(struct dp_hmap *h);

/* The value slot of key, to read or change in place; NULL when absent. */
uint64_t *dp_hmap_get(const struct dp_hmap *h, uint64_t key);

/* Adds key -> val. -EEXIST (the old value kept), -EINVAL for key 0, -ENOMEM when the
 * map could not grow; 0 otherwise. */
int dp_hmap_insert(struct dp_hmap *h, uint64_t key, uint64_t val);

/* Removes key, returning its value in *val if val is not NULL. 0 or -ENOENT. */
int dp_hmap_delete(struct dp_hmap *h, uint64_t key, uint64_t *val);

static inline uint32_t dp_hmap_count(const struct dp_hmap *h)
{
	return h->n;
}

#endif
