/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared sets of dp_sg_share.h: a list of (hash of the rules, the
 * rules, the set, references). A node has as many entries as distinct
 * filters, a few per security group, so a list is enough; the hash spares
 * most rule comparisons.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_memory.h>

#include "dp_sg_share.h"

struct share {
	struct share *next;
	uint64_t hash;
	uint32_t n, refs;
	struct dp_sg_rule *rules;
	struct dp_sg_set *set;
};

static struct share *shares;

static uint64_t hash_rules(const struct dp_sg_rule *rules, uint32_t n)
{
	const unsigned char *p = (const unsigned char *)rules;
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */

	for (size_t i = 0; i < (size_t)n * sizeof(*rules); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

struct dp_sg_set *dp_sg_share_get(const struct dp_sg_rule *rules, uint32_t n)
{
	uint64_t h = hash_rules(rules, n);
	struct share *s;

	for (s = shares; s != NULL; s = s->next)
		if (s->hash == h && s->n == n &&
				(n == 0 || memcmp(s->rules, rules, n * sizeof(*rules)) == 0)) {
			s->refs++;
			return s->set;
		}
	s = calloc(1, sizeof(*s));
	if (s == NULL || (n > 0 && (s->rules = malloc(n * sizeof(*rules))) == NULL)) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->set = dp_sg_set_create(rules, n, SOCKET_ID_ANY);
	if (s->set == NULL) {
		int err = errno;

		free(s->rules);
		free(s);
		errno = err;
		return NULL;
	}
	if (n > 0)
		memcpy(s->rules, rules, n * sizeof(*rules));
	s->hash = h;
	s->n = n;
	s->refs = 1;
	s->next = shares;
	shares = s;
	return s->set;
}

void dp_sg_share_put(struct dp_sg_set *set)
{
	struct share **at, *s;

	if (set == NULL)
		return;
	for (at = &shares; (s = *at) != NULL; at = &s->next)
		if (s->set == set)
			break;
	if (s == NULL) {
		dp_sg_set_free(set); /* not shared: made by dp_sg_set_create itself */
		return;
	}
	if (--s->refs > 0)
		return;
	*at = s->next;
	dp_sg_set_free(s->set);
	free(s->rules);
	free(s);
}

void dp_sg_share_counts(uint32_t *sets, uint32_t *refs)
{
	*sets = *refs = 0;
	for (const struct share *s = shares; s != NULL; s = s->next) {
		(*sets)++;
		*refs += s->refs;
	}
}
