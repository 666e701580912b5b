/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiling security-group rules into rte_acl contexts, one per direction
 * and family (contract and semantics in dp_sg.h).
 *
 * Encoding: proto is a BITMASK field (0xff, or 0 for any protocol), the
 * remote address one or four 32-bit MASK fields (an IPv6 prefix spread over
 * its words), the L4 field a 16-bit RANGE, and its pad a BITMASK that every
 * rule leaves wild. rte_acl answers the highest priority among matching
 * rules: priority falls with the rule's index, so the lowest index wins, as
 * in the reference. The userdata is id + 1, which is what classify returns
 * as it is (0 is rte_acl's "no match").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/dp_log.h"
#include "dp_sg.h"

enum { F4_PROTO, F4_REMOTE, F4_L4, F4_PAD, F4_NUM };
enum { F6_PROTO, F6_REMOTE0, F6_REMOTE1, F6_REMOTE2, F6_REMOTE3, F6_L4, F6_PAD, F6_NUM };

RTE_ACL_RULE_DEF(dp_sg_acl_rule4, F4_NUM);
RTE_ACL_RULE_DEF(dp_sg_acl_rule6, F6_NUM);

#define FIELD(t, sz, fi, ii, off)                                                                  \
	{                                                                                          \
		.type = RTE_ACL_FIELD_TYPE_##t, .size = (sz), .field_index = (fi),                 \
		.input_index = (ii), .offset = (off)                                               \
	}

static const struct rte_acl_field_def defs4[F4_NUM] = {
	FIELD(BITMASK, 1, F4_PROTO, 0, offsetof(struct dp_sg_tuple4, proto)),
	FIELD(MASK, 4, F4_REMOTE, 1, offsetof(struct dp_sg_tuple4, remote)),
	FIELD(RANGE, 2, F4_L4, 2, offsetof(struct dp_sg_tuple4, l4)),
	FIELD(BITMASK, 2, F4_PAD, 2, offsetof(struct dp_sg_tuple4, pad1)),
};

static const struct rte_acl_field_def defs6[F6_NUM] = {
	FIELD(BITMASK, 1, F6_PROTO, 0, offsetof(struct dp_sg_tuple6, proto)),
	FIELD(MASK, 4, F6_REMOTE0, 1, offsetof(struct dp_sg_tuple6, remote) + 0),
	FIELD(MASK, 4, F6_REMOTE1, 2, offsetof(struct dp_sg_tuple6, remote) + 4),
	FIELD(MASK, 4, F6_REMOTE2, 3, offsetof(struct dp_sg_tuple6, remote) + 8),
	FIELD(MASK, 4, F6_REMOTE3, 4, offsetof(struct dp_sg_tuple6, remote) + 12),
	FIELD(RANGE, 2, F6_L4, 5, offsetof(struct dp_sg_tuple6, l4)),
	FIELD(BITMASK, 2, F6_PAD, 5, offsetof(struct dp_sg_tuple6, pad1)),
};

/* Rules go to rte_acl in batches from the stack: no temporary heap array. */
#define BATCH 64

static uint64_t last_generation;

/* The L4 field's range for a rule, host byte order, inclusive. */
static void l4_range(const struct dp_sg_rule *r, uint16_t *lo, uint16_t *hi)
{
	if (r->has_ports) {
		*lo = r->port_min;
		*hi = r->port_max;
	} else if (r->has_icmp_type && r->has_icmp_code) {
		*lo = *hi = (uint16_t)(r->icmp_type << 8 | r->icmp_code);
	} else if (r->has_icmp_type) {
		*lo = (uint16_t)(r->icmp_type << 8);
		*hi = (uint16_t)(r->icmp_type << 8 | 0xff);
	} else {
		*lo = 0;
		*hi = UINT16_MAX;
	}
}

static void rule_data(struct rte_acl_rule_data *d, const struct dp_sg_rule *r, uint32_t index)
{
	d->category_mask = 1;
	d->priority = (int32_t)(RTE_ACL_MAX_PRIORITY - index);
	d->userdata = r->id + 1;
}

static void proto_field(struct rte_acl_field *f, const struct dp_sg_rule *r)
{
	f->value.u8 = r->proto;
	f->mask_range.u8 = r->proto == DP_SG_PROTO_ANY ? 0 : 0xff;
}

/* One 32-bit word of the remote prefix that covers bits [32 * w, 32 * w + 32). */
static void remote_word(struct rte_acl_field *f, const struct dp_sg_rule *r, unsigned int w)
{
	int len = RTE_MIN(RTE_MAX((int)r->prefixlen - 32 * (int)w, 0), 32);
	uint32_t word;

	memcpy(&word, r->remote + 4 * w, sizeof(word));
	/* rte_acl wants rule values in host byte order, packet data in network order. */
	f->value.u32 = rte_be_to_cpu_32(word) & (len ? UINT32_MAX << (32 - len) : 0);
	f->mask_range.u32 = (uint32_t)len;
}

static void l4_fields(struct rte_acl_field *l4, struct rte_acl_field *pad,
		const struct dp_sg_rule *r)
{
	l4_range(r, &l4->value.u16, &l4->mask_range.u16);
	pad->value.u16 = 0;
	pad->mask_range.u16 = 0;
}

static void encode4(struct dp_sg_acl_rule4 *a, const struct dp_sg_rule *r, uint32_t index)
{
	memset(a, 0, sizeof(*a));
	rule_data(&a->data, r, index);
	proto_field(&a->field[F4_PROTO], r);
	remote_word(&a->field[F4_REMOTE], r, 0);
	l4_fields(&a->field[F4_L4], &a->field[F4_PAD], r);
}

static void encode6(struct dp_sg_acl_rule6 *a, const struct dp_sg_rule *r, uint32_t index)
{
	memset(a, 0, sizeof(*a));
	rule_data(&a->data, r, index);
	proto_field(&a->field[F6_PROTO], r);
	for (unsigned int w = 0; w < 4; w++)
		remote_word(&a->field[F6_REMOTE0 + w], r, w);
	l4_fields(&a->field[F6_L4], &a->field[F6_PAD], r);
}

/* Adds the rules of one direction and family to ctx, in index order. */
static int add_rules(struct rte_acl_ctx *ctx, const struct dp_sg_rule *rules, uint32_t n,
		enum dp_sg_dir dir, enum dp_sg_family family)
{
	union {
		struct dp_sg_acl_rule4 r4[BATCH];
		struct dp_sg_acl_rule6 r6[BATCH];
	} batch;
	uint32_t k = 0;
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		if (rules[i].dir != dir || rules[i].family != family)
			continue;
		if (family == DP_SG_IPV4)
			encode4(&batch.r4[k++], &rules[i], i);
		else
			encode6(&batch.r6[k++], &rules[i], i);
		if (k == BATCH) {
			rc = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&batch, k);
			if (rc < 0)
				return rc;
			k = 0;
		}
	}
	return k ? rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&batch, k) : 0;
}

static int build_one(struct dp_sg_set *s, const struct dp_sg_rule *rules, uint32_t n,
		enum dp_sg_dir dir, enum dp_sg_family family, int socket_id)
{
	bool v6 = family == DP_SG_IPV6;
	uint32_t count = s->n_rules[dir][family];
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_param param = {
		.name = name,
		.socket_id = socket_id,
		.rule_size = v6 ? RTE_ACL_RULE_SZ(F6_NUM) : RTE_ACL_RULE_SZ(F4_NUM),
		.max_rule_num = count,
	};
	struct rte_acl_config cfg = {
		.num_categories = 1,
		.num_fields = v6 ? F6_NUM : F4_NUM,
		.max_size = 0, /* no limit: the build splits tries as it sees fit */
	};
	struct rte_acl_ctx *ctx;
	int rc;

	if (count == 0)
		return 0; /* rte_acl_build refuses an empty context: deny by NULL */
	snprintf(name, sizeof(name), "sg%" PRIu64 "%c%c", s->generation,
			dir == DP_SG_INGRESS ? 'i' : 'e', v6 ? '6' : '4');
	/* rte_acl_create hands back an existing context of the same name, which
	 * a live set may be classifying with: never build into that. */
	if (rte_acl_find_existing(name) != NULL)
		return -EEXIST;
	rte_errno = 0; /* the lookup left ENOENT, and not every create failure sets it */
	ctx = rte_acl_create(&param);
	if (ctx == NULL)
		return rte_errno ? -rte_errno : -ENOMEM;
	s->acl[dir][family] = ctx;
	memcpy(cfg.defs, v6 ? defs6 : defs4, v6 ? sizeof(defs6) : sizeof(defs4));
	rc = add_rules(ctx, rules, n, dir, family);
	if (rc == 0)
		rc = rte_acl_build(ctx, &cfg);
	if (rc < 0)
		DP_LOG(ERR, "security group set %" PRIu64 ": building %s failed: %s",
				s->generation, name, strerror(-rc));
	return rc;
}

struct dp_sg_set *dp_sg_set_create(const struct dp_sg_rule *rules, uint32_t n, int socket_id)
{
	struct dp_sg_set *s;
	int rc = 0;

	if (n > DP_SG_MAX_RULES) {
		errno = ENOSPC;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (dp_sg_rule_check(&rules[i]) < 0) {
			errno = EINVAL;
			return NULL;
		}
	}
	s = rte_zmalloc_socket("sg_set", sizeof(*s), RTE_CACHE_LINE_SIZE, socket_id);
	if (s == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	s->generation = __atomic_add_fetch(&last_generation, 1, __ATOMIC_RELAXED);
	s->n_rules_total = n;
	for (uint32_t i = 0; i < n; i++)
		s->n_rules[rules[i].dir][rules[i].family]++;
	for (int d = 0; d < DP_SG_N_DIRS && rc == 0; d++)
		for (int f = 0; f < DP_SG_N_FAMILIES && rc == 0; f++)
			rc = build_one(s, rules, n, d, f, socket_id);
	if (rc < 0) {
		dp_sg_set_free(s);
		errno = -rc;
		return NULL;
	}
	return s;
}

void dp_sg_set_free(struct dp_sg_set *s)
{
	if (s == NULL)
		return;
	for (int d = 0; d < DP_SG_N_DIRS; d++)
		for (int f = 0; f < DP_SG_N_FAMILIES; f++)
			rte_acl_free(s->acl[d][f]);
	rte_free(s);
}
