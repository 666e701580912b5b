/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "dp_hmap.h"

#define MIN_SLOTS 64u
#define MAX_SLOTS (1u << 31)

/* murmur3's finalizer: keys such as prefix << 8 | length differ in few, structured
 * bits, and linear probing needs every key bit to move the home slot. */
static uint64_t mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static uint32_t home(const struct dp_hmap *h, uint64_t key)
{
	return (uint32_t)mix(key) & h->mask;
}

/* Slots for `n` keys at most 3/4 full, as a power of two; 0 when too many. */
static uint32_t slots_for(uint32_t n)
{
	uint64_t want = (uint64_t)n * 4 / 3 + 1;
	uint64_t s = MIN_SLOTS;

	while (s < want)
		s *= 2;
	return s > MAX_SLOTS ? 0 : (uint32_t)s;
}

int dp_hmap_init(struct dp_hmap *h, uint32_t hint)
{
	uint32_t n_slots = slots_for(hint);

	h->n = 0;
	h->slots = n_slots ? calloc(n_slots, sizeof(*h->slots)) : NULL;
	if (h->slots == NULL)
		return -ENOMEM;
	h->mask = n_slots - 1;
	return 0;
}

void dp_hmap_fini(struct dp_hmap *h)
{
	free(h->slots);
	h->slots = NULL;
	h->mask = 0;
	h->n = 0;
}

/* The slot holding key, or the free slot where its probe ends. */
static struct dp_hmap_slot *probe(const struct dp_hmap *h, uint64_t key)
{
	for (uint32_t i = home(h, key);; i = (i + 1) & h->mask)
		if (h->slots[i].key == key || h->slots[i].key == 0)
			return &h->slots[i];
}

uint64_t *dp_hmap_get(const struct dp_hmap *h, uint64_t key)
{
	struct dp_hmap_slot *s;

	if (key == 0)
		return NULL;
	s = probe(h, key);
	return s->key == key ? &s->val : NULL;
}

static int grow(struct dp_hmap *h)
{
	struct dp_hmap old = *h;
	uint64_t n_slots = 2 * ((uint64_t)old.mask + 1);

	if (n_slots > MAX_SLOTS)
		return -ENOMEM;
	h->slots = calloc(n_slots, sizeof(*h->slots));
	if (h->slots == NULL) {
		*h = old;
		return -ENOMEM;
	}
	h->mask = n_slots - 1;
	for (uint32_t i = 0; i <= old.mask; i++)
		if (old.slots[i].key != 0)
			*probe(h, old.slots[i].key) = old.slots[i];
	free(old.slots);
	return 0;
}

int dp_hmap_insert(struct dp_hmap *h, uint64_t key, uint64_t val)
{
	struct dp_hmap_slot *s;
	int rc;

	if (key == 0)
		return -EINVAL;
	s = probe(h, key);
	if (s->key == key)
		return -EEXIST;
	/* Past 3/4 full, linear probes lengthen quickly. */
	if ((uint64_t)(h->n + 1) * 4 > ((uint64_t)h->mask + 1) * 3) {
		rc = grow(h);
		if (rc < 0)
			return rc;
		s = probe(h, key);
	}
	*s = (struct dp_hmap_slot){.key = key, .val = val};
	h->n++;
	return 0;
}

int dp_hmap_delete(struct dp_hmap *h, uint64_t key, uint64_t *val)
{
	struct dp_hmap_slot *s = key ? probe(h, key) : NULL;
	uint32_t hole, j;

	if (s == NULL || s->key != key)
		return -ENOENT;
	if (val != NULL)
		*val = s->val;
	/* Backward shift: pull each later key of the run into the hole unless that would
	 * put it before its home slot, so every key stays reachable from its home. */
	hole = s - h->slots;
	for (j = (hole + 1) & h->mask; h->slots[j].key != 0; j = (j + 1) & h->mask) {
		uint32_t k = home(h, h->slots[j].key);

		if (((j - k) & h->mask) >= ((j - hole) & h->mask)) {
			h->slots[hole] = h->slots[j];
			hole = j;
		}
	}
	h->slots[hole] = (struct dp_hmap_slot){0};
	h->n--;
	return 0;
}
