/* SPDX-License-Identifier: Apache-2.0 */
/* The IPv4 FIB's control side: rules, table updates, groups and their reuse. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_rcu_qsbr.h>

#include "core/dp_mem.h"
#include "engine/dp_tables.h"
#include "dp_fib.h"

#define TBL24_ENTRIES (1u << 24)
#define GROUP_ENTRIES 256u

static uint64_t rule_key(uint32_t prefix, uint8_t len)
{
	return (uint64_t)prefix << 8 | len;
}

static bool rule_ok(uint32_t prefix, uint8_t len)
{
	return len >= 1 && len <= 32 && (prefix & ~(~0u << (32 - len))) == 0;
}

/*
 * Every store into a table workers can reach is a release: an entry may be
 * the first to point at a next hop the caller just wrote, or at a group just
 * filled, and a worker following it must see those writes.
 */
static void publish(uint16_t *t, uint32_t i, uint16_t v)
{
	__atomic_store_n(&t[i], v, __ATOMIC_RELEASE);
}

/* The DIR-24-8 tables and their shadows, empty. 0 or -ENOMEM (what was had is freed
 * by dp_fib_free). */
static int dir_alloc(struct dp_fib *f)
{
	f->tbl24 = dp_table_zalloc(TBL24_ENTRIES * sizeof(*f->tbl24));
	f->tbl8 = dp_table_zalloc((size_t)f->n_groups * GROUP_ENTRIES * sizeof(*f->tbl8));
	/* Large callocs are fresh anonymous mappings: pages are zeroed when first touched,
	 * so a small table never pays for its 16 MB shadow. */
	f->depth24 = calloc(TBL24_ENTRIES, 1);
	f->depth8 = calloc((size_t)f->n_groups * GROUP_ENTRIES, 1);
	f->free_groups = calloc(f->n_groups, sizeof(*f->free_groups));
	f->retired = calloc(f->n_groups, sizeof(*f->retired));
	if (f->tbl24 == NULL || f->tbl8 == NULL || f->depth24 == NULL || f->depth8 == NULL ||
			f->free_groups == NULL || f->retired == NULL)
		return -ENOMEM;
	return 0;
}

static void dir_free(struct dp_fib *f)
{
	dp_table_free(f->tbl24, TBL24_ENTRIES * sizeof(*f->tbl24));
	dp_table_free(f->tbl8, (size_t)f->n_groups * GROUP_ENTRIES * sizeof(*f->tbl8));
	free(f->depth24);
	free(f->depth8);
	free(f->free_groups);
	free(f->retired);
	f->tbl24 = NULL;
	f->tbl8 = NULL;
	f->depth24 = f->depth8 = NULL;
	f->free_groups = NULL;
	f->retired = NULL;
}

static struct dp_fib *fib_new(uint32_t max_rules, uint32_t n_groups, bool lazy)
{
	struct dp_fib *f;

	if (max_rules == 0 || n_groups == 0 || n_groups > DP_FIB_MAX_GROUPS) {
		errno = EINVAL;
		return NULL;
	}
	f = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*f));
	if (f == NULL)
		goto nomem;
	memset(f, 0, sizeof(*f));
	f->max_rules = max_rules;
	f->n_groups = n_groups;
	if (dp_hmap_init(&f->rules, RTE_MIN(max_rules, lazy ? DP_FIB_SMALL_MAX : 1024u)) < 0)
		goto nomem;
	if (lazy)
		f->small = calloc(1, sizeof(*f->small));
	if (lazy ? f->small == NULL : dir_alloc(f) < 0)
		goto nomem;
	return f;
nomem:
	dp_fib_free(f);
	errno = ENOMEM;
	return NULL;
}

struct dp_fib *dp_fib_create(uint32_t max_rules, uint32_t n_groups)
{
	return fib_new(max_rules, n_groups, false);
}

struct dp_fib *dp_fib_create_lazy(uint32_t max_rules, uint32_t n_groups)
{
	return fib_new(max_rules, n_groups, true);
}

void dp_fib_free(struct dp_fib *f)
{
	if (f == NULL)
		return;
	dir_free(f);
	free((void *)f->small);
	dp_hmap_fini(&f->rules);
	free(f);
}

uint64_t dp_fib_bytes(const struct dp_fib *f)
{
	uint64_t b = sizeof(*f) +
			(f->rules.slots ? ((uint64_t)f->rules.mask + 1) * sizeof(*f->rules.slots) : 0);

	if (f->small != NULL)
		b += sizeof(*f->small);
	if (f->tbl24 != NULL)
		/* tbl24, tbl8 and their shadows, and the group lists (reserved, not all touched) */
		b += (uint64_t)TBL24_ENTRIES * (sizeof(*f->tbl24) + 1) +
				(uint64_t)f->n_groups * (GROUP_ENTRIES * (sizeof(*f->tbl8) + 1) +
								sizeof(*f->free_groups) +
								sizeof(*f->retired));
	return b;
}

/* Retired groups whose grace period has passed become free; the FIFO's tokens only
 * grow, so the first that has not passed ends the walk. */
static void groups_reclaim(struct dp_fib *f)
{
	while (f->n_retired > 0) {
		const struct dp_fib_retired *r = &f->retired[f->retired_head];

		if (dp_tables.rcu != NULL &&
				rte_rcu_qsbr_check(dp_tables.rcu, r->token, false) != 1)
			break;
		f->free_groups[f->n_free++] = r->group;
		f->retired_head = (f->retired_head + 1) % f->n_groups;
		f->n_retired--;
	}
}

/* Whether a group can be had; waits for the workers when only retired ones are left,
 * which happens only to a table that is full of groups. */
static bool group_available(struct dp_fib *f)
{
	groups_reclaim(f);
	if (f->n_free > 0 || f->groups_high < f->n_groups)
		return true;
	if (f->n_retired == 0)
		return false;
	dp_tables_synchronize();
	groups_reclaim(f);
	return f->n_free > 0;
}

/* After group_available: reused groups first, so a table's touched memory stays small. */
static uint32_t group_take(struct dp_fib *f)
{
	f->groups_used++;
	return f->n_free > 0 ? f->free_groups[--f->n_free] : f->groups_high++;
}

/* Unlinked from tbl24 just now: a worker may still be reading it until it passes a
 * quiescent state. The token is taken after the unlinking store (start is a release). */
static void group_retire(struct dp_fib *f, uint32_t g)
{
	struct dp_fib_retired *r = &f->retired[(f->retired_head + f->n_retired) % f->n_groups];

	r->group = g;
	r->token = dp_tables.rcu != NULL ? rte_rcu_qsbr_start(dp_tables.rcu) : 0;
	f->n_retired++;
	f->groups_used--;
}

/*
 * Gives (v, d) to entries [first, first + n) of group g whose rule length is in
 * lo..hi: an add of length len takes 0..len (what it is longer than or equal
 * to), a delete of len exactly len (what was its own).
 */
static void paint8(struct dp_fib *f, uint32_t g, uint32_t first, uint32_t n, uint8_t lo,
		uint8_t hi, uint16_t v, uint8_t d)
{
	uint32_t end = (g << 8) + first + n;

	for (uint32_t i = (g << 8) + first; i < end; i++) {
		if (f->depth8[i] < lo || f->depth8[i] > hi)
			continue;
		f->depth8[i] = d;
		publish(f->tbl8, i, v);
	}
}

/* paint8 for tbl24 entries [first, first + n). An extended entry's shadow is the
 * length of the rule covering the whole /24, which is also that of every group
 * entry no longer rule wrote: the group follows it. */
static void paint24(struct dp_fib *f, uint32_t first, uint32_t n, uint8_t lo, uint8_t hi,
		uint16_t v, uint8_t d)
{
	for (uint32_t i = first; i < first + n; i++) {
		uint16_t e = f->tbl24[i];

		if (f->depth24[i] < lo || f->depth24[i] > hi)
			continue;
		f->depth24[i] = d;
		if (e & DP_FIB_EXT)
			paint8(f, e & ~DP_FIB_EXT, 0, GROUP_ENTRIES, lo, hi, v, d);
		else
			publish(f->tbl24, i, v);
	}
}

/* A rule longer than /24: in the /24's group, made first if there is none. */
static void add_long(struct dp_fib *f, uint32_t prefix, uint8_t len, uint16_t v)
{
	uint32_t i = prefix >> 8, g;
	uint16_t e = f->tbl24[i];

	if (e & DP_FIB_EXT) {
		paint8(f, e & ~DP_FIB_EXT, prefix & 0xff, 1u << (32 - len), 0, len, v, len);
		return;
	}
	g = group_take(f);
	/* Unreachable until the publish below, and past its grace period if reused: no
	 * worker reads these entries yet, so plain stores do. */
	for (uint32_t j = 0; j < GROUP_ENTRIES; j++) {
		f->tbl8[g << 8 | j] = e;
		f->depth8[g << 8 | j] = f->depth24[i];
	}
	paint8(f, g, prefix & 0xff, 1u << (32 - len), 0, len, v, len);
	publish(f->tbl24, i, DP_FIB_EXT | g);
}

/* The rule, in tables that do not have it. Everything that can fail comes before the
 * first table store. */
static int dir_add(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t nh, uint64_t val)
{
	int rc;

	if (len > 24 && !(f->tbl24[prefix >> 8] & DP_FIB_EXT) && !group_available(f))
		return -ENOSPC;
	rc = dp_hmap_insert(&f->rules, rule_key(prefix, len), val);
	if (rc < 0)
		return rc;
	if (len <= 24)
		paint24(f, prefix >> 8, 1u << (24 - len), 0, len, nh + 1, len);
	else
		add_long(f, prefix, len, nh + 1);
	return 0;
}

/* Workers read the list until they see it gone; it is freed once none can be in it. */
static void small_retire(const struct dp_fib_small *old)
{
	if (dp_tables.rcu != NULL)
		dp_tables_retire_with((void *)old, free);
	else
		free((void *)old);
}

static int by_length_desc(const void *a, const void *b)
{
	uint64_t ka = *(const uint64_t *)a & 0xff, kb = *(const uint64_t *)b & 0xff;

	return (ka < kb) - (ka > kb);
}

/* A new list from the rules, published in place of the old. 0 or -ENOMEM. */
static int small_publish(struct dp_fib *f)
{
	struct dp_fib_small *s = calloc(1, sizeof(*s));
	struct dp_hmap_slot found[DP_FIB_SMALL_MAX];
	uint32_t n = 0;

	if (s == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i <= f->rules.mask; i++)
		if (f->rules.slots[i].key != 0)
			found[n++] = f->rules.slots[i];
	qsort(found, n, sizeof(found[0]), by_length_desc);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t len = found[i].key & 0xff;

		s->r[i].prefix = (uint32_t)(found[i].key >> 8);
		s->r[i].mask = ~0u << (32 - len);
		s->r[i].nh = (uint32_t)found[i].val;
	}
	s->n = n;
	small_retire(__atomic_exchange_n(&f->small, s, __ATOMIC_RELEASE));
	return 0;
}

/* Whether the list can take prefix/len as the tables would: a rule longer than /24
 * in a /24 without one needs a group. */
static bool small_has_group_for(const struct dp_fib *f, uint32_t prefix, uint8_t len)
{
	uint32_t slash24[DP_FIB_SMALL_MAX], n = 0;

	if (len <= 24)
		return true;
	for (uint32_t i = 0; i < f->small->n; i++) {
		uint32_t j;

		if (f->small->r[i].mask <= 0xffffff00u)
			continue;
		if ((f->small->r[i].prefix >> 8) == (prefix >> 8))
			return true;
		for (j = 0; j < n && slash24[j] != f->small->r[i].prefix >> 8; j++)
			;
		if (j == n)
			slash24[n++] = f->small->r[i].prefix >> 8;
	}
	return n < f->n_groups;
}

/* The list is full: the tables take every rule it has, then the list goes. */
static int small_grow(struct dp_fib *f)
{
	const struct dp_fib_small *old = f->small;

	if (dir_alloc(f) < 0) {
		dir_free(f);
		return -ENOMEM;
	}
	/* No worker reads the tables yet: the list says the table is the list. The
	 * painting's stores are releases anyway; the store below publishes them all. */
	for (uint32_t i = 0; i <= f->rules.mask; i++) {
		uint64_t key = f->rules.slots[i].key;
		uint32_t prefix = (uint32_t)(key >> 8), nh = (uint32_t)f->rules.slots[i].val;
		uint8_t len = key & 0xff;

		if (key == 0)
			continue;
		if (len <= 24)
			paint24(f, prefix >> 8, 1u << (24 - len), 0, len, nh + 1, len);
		else
			add_long(f, prefix, len, nh + 1);
	}
	__atomic_store_n(&f->small, NULL, __ATOMIC_RELEASE);
	small_retire(old);
	return 0;
}

static int small_add(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t nh, uint64_t val)
{
	int rc;

	if (!small_has_group_for(f, prefix, len))
		return -ENOSPC;
	if (dp_fib_rules(f) == DP_FIB_SMALL_MAX) {
		rc = small_grow(f);
		return rc < 0 ? rc : dir_add(f, prefix, len, nh, val);
	}
	rc = dp_hmap_insert(&f->rules, rule_key(prefix, len), val);
	if (rc == 0 && (rc = small_publish(f)) < 0)
		dp_hmap_delete(&f->rules, rule_key(prefix, len), NULL);
	return rc;
}

int dp_fib_add(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t nh, uint32_t cookie)
{
	uint64_t val = (uint64_t)cookie << 32 | nh;

	if (!rule_ok(prefix, len) || nh > DP_FIB_MAX_NH)
		return -EINVAL;
	if (dp_hmap_get(&f->rules, rule_key(prefix, len)) != NULL)
		return -EEXIST;
	if (dp_fib_rules(f) >= f->max_rules)
		return -ENOSPC;
	return f->small != NULL ? small_add(f, prefix, len, nh, val) : dir_add(f, prefix, len, nh, val);
}

/* The entry value and length of the longest rule shorter than len covering prefix:
 * what the addresses of a deleted rule fall back to. */
static void fallback(const struct dp_fib *f, uint32_t prefix, uint8_t len, uint16_t *v,
		uint8_t *d)
{
	for (int l = len - 1; l >= 1; l--) {
		const uint64_t *r = dp_hmap_get(&f->rules, rule_key(prefix & ~0u << (32 - l), l));

		if (r != NULL) {
			*v = (uint16_t)*r + 1;
			*d = l;
			return;
		}
	}
	*v = 0;
	*d = 0;
}

/* A group whose entries all come from rules of /24 or shorter holds one value, the
 * /24's own: tbl24 takes it back and the group goes once no worker can be in it. */
static void collapse_if_flat(struct dp_fib *f, uint32_t i, uint32_t g)
{
	for (uint32_t j = 0; j < GROUP_ENTRIES; j++)
		if (f->depth8[g << 8 | j] > 24)
			return;
	publish(f->tbl24, i, f->tbl8[g << 8]);
	group_retire(f, g);
}

int dp_fib_del(struct dp_fib *f, uint32_t prefix, uint8_t len)
{
	uint16_t v;
	uint8_t d;

	uint64_t old;

	if (!rule_ok(prefix, len))
		return -EINVAL;
	if (dp_hmap_delete(&f->rules, rule_key(prefix, len), &old) < 0)
		return -ENOENT;
	if (f->small != NULL) {
		int rc = small_publish(f);

		/* Out of memory for the new list: the rule stays, as it is in the old. */
		if (rc < 0)
			dp_hmap_insert(&f->rules, rule_key(prefix, len), old);
		return rc;
	}
	fallback(f, prefix, len, &v, &d);
	if (len <= 24) {
		paint24(f, prefix >> 8, 1u << (24 - len), len, len, v, d);
	} else {
		/* The rule made sure its /24 is extended, and only a delete ends that. */
		uint32_t i = prefix >> 8, g = f->tbl24[i] & ~DP_FIB_EXT;

		paint8(f, g, prefix & 0xff, 1u << (32 - len), len, len, v, d);
		collapse_if_flat(f, i, g);
	}
	return 0;
}

bool dp_fib_find(const struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t *nh,
		uint32_t *cookie)
{
	const uint64_t *r =
			rule_ok(prefix, len) ? dp_hmap_get(&f->rules, rule_key(prefix, len)) : NULL;

	if (r == NULL)
		return false;
	if (nh != NULL)
		*nh = (uint32_t)*r;
	if (cookie != NULL)
		*cookie = *r >> 32;
	return true;
}

int dp_fib_set_cookie(struct dp_fib *f, uint32_t prefix, uint8_t len, uint32_t cookie)
{
	uint64_t *r = rule_ok(prefix, len) ? dp_hmap_get(&f->rules, rule_key(prefix, len)) : NULL;

	if (r == NULL)
		return -ENOENT;
	*r = (uint64_t)cookie << 32 | (uint32_t)*r;
	return 0;
}
