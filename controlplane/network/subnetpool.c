/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron's subnet pools (subnet_allocation): a set of prefixes of one IP
 * version that subnets take their CIDRs from. A pool's prefixes are kept
 * as canonical CIDRs and may only grow (Neutron refuses shrinking them:
 * subnets may be using what would go); prefix lengths keep
 * min <= default <= max within the family's width. A subnet that names a
 * pool either asks for a CIDR inside its prefixes or lets the pool choose
 * the lowest free block of a prefix length (cp_subnetpool_allocate, from
 * subnet.c); either way its CIDR overlaps no other subnet of the pool.
 */
#include "network.h"
#include "ipam.h"
#include "subnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PREFIXES 64

static int bad(struct cp_ctx *ctx, const char *fmt, const char *what)
{
	return cp_fail(&ctx->err, -EINVAL, "InvalidInput", fmt, what);
}

/* The pool's prefixes parsed into out (at most MAX_PREFIXES, one family);
 * their count, or -EINVAL. */
static int parse_prefixes(const json_t *list, struct cp_cidr *out)
{
	const json_t *v;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0 ||
		json_array_size(list) > MAX_PREFIXES)
		return -EINVAL;
	json_array_foreach(list, i, v)
		if (cp_cidr_parse(json_string_value(v), &out[i], false) ||
			out[i].family != out[0].family)
			return -EINVAL;
	return (int)json_array_size(list);
}

static bool inside(const struct cp_cidr *outer, const struct cp_cidr *c)
{
	return c->family == outer->family && c->prefix >= outer->prefix &&
	       cp_cidr_contains(outer, c->family, c->net);
}

static bool in_prefixes(const struct cp_cidr *p, int n, const struct cp_cidr *c)
{
	for (int i = 0; i < n; i++)
		if (inside(&p[i], c))
			return true;
	return false;
}

static int cidr_order(const void *a, const void *b)
{
	const struct cp_cidr *x = a, *y = b;

	if (x->net != y->net)
		return x->net < y->net ? -1 : 1;
	return x->prefix - y->prefix;
}

static json_int_t int_or(const json_t *obj, const char *key, json_int_t dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : dflt;
}

static int pool_prepare(struct cp_ctx *ctx, json_t *pool, const json_t *old)
{
	struct cp_cidr p[MAX_PREFIXES], o[MAX_PREFIXES];
	json_t *canon = json_array();
	int n = parse_prefixes(json_object_get(pool, "prefixes"), p), n_old, width, kept = 0;
	json_int_t min, max, dflt;

	if (n < 0) {
		json_decref(canon);
		return bad(ctx, "Invalid input for prefixes: %s",
			"a list of 1-64 CIDRs of one IP version");
	}
	/* Kept as Neutron keeps them: network addresses, in address order, none
	 * inside another. */
	for (int i = 0; i < n; i++)
		p[i].net = cp_cidr_first(&p[i]);
	qsort(p, (size_t)n, sizeof(p[0]), cidr_order);
	for (int i = 0; i < n; i++)
		if (kept == 0 || !inside(&p[kept - 1], &p[i]))
			p[kept++] = p[i];
	n = kept;
	for (int i = 0; i < n; i++) {
		char s[CP_IP_STRLEN + 4];

		cp_cidr_format(&p[i], s);
		json_array_append_new(canon, json_string(s));
	}
	json_object_set_new(pool, "prefixes", canon);
	width = p[0].family == AF_INET ? 32 : 128;
	if (old && (n_old = parse_prefixes(json_object_get(old, "prefixes"), o)) > 0) {
		if (o[0].family != p[0].family)
			return bad(ctx, "Invalid input for prefixes: %s",
				"the IP version of a pool does not change");
		for (int i = 0; i < n_old; i++)
			if (!in_prefixes(p, n, &o[i]))
				return cp_fail(&ctx->err, -EINVAL, "IllegalSubnetPoolPrefixUpdate",
					"Illegal update to prefixes: %s",
					"a pool's prefixes may be extended, not shrunk");
	}
	min = int_or(pool, "min_prefixlen", p[0].family == AF_INET ? 8 : 64);
	max = int_or(pool, "max_prefixlen", width);
	dflt = int_or(pool, "default_prefixlen", min);
	if (min < 0 || max > width || min > dflt || dflt > max)
		return cp_fail(&ctx->err, -EINVAL, "IllegalSubnetPoolPrefixBounds",
			"Illegal prefix bounds: %s",
			"min_prefixlen <= default_prefixlen <= max_prefixlen <= the address width");
	for (int i = 0; i < n; i++)
		if (p[i].prefix > max)
			return bad(ctx, "Invalid input for prefixes: %s",
				"a prefix longer than max_prefixlen");
	json_object_set_new(pool, "min_prefixlen", json_integer(min));
	json_object_set_new(pool, "max_prefixlen", json_integer(max));
	json_object_set_new(pool, "default_prefixlen", json_integer(dflt));
	json_object_set_new(pool, "ip_version", json_integer(p[0].family == AF_INET ? 4 : 6));
	return 0;
}

/* The CIDRs of the pool's subnets, every one (an allocation that missed one
 * could overlap it), in *used (the caller frees); how many, or -ENOMEM. */
static int pool_subnets(struct cp_ctx *ctx, const char *pool_id, struct cp_cidr **used)
{
	json_t *all = cp_obj_list(ctx->db, "subnet", NULL, false, NULL, 0), *s;
	size_t i;
	int n = 0;

	*used = malloc((json_array_size(all) + 1) * sizeof(**used));
	if (*used == NULL) {
		json_decref(all);
		return -ENOMEM;
	}
	json_array_foreach(all, i, s)
		if (strcmp(cp_json_str(s, "subnetpool_id") ?: "", pool_id) == 0 &&
			cp_cidr_parse(cp_json_str(s, "cidr"), &(*used)[n], false) == 0)
			n++;
	json_decref(all);
	return n;
}

static bool overlaps_any(const struct cp_cidr *c, const struct cp_cidr *used, int n)
{
	for (int i = 0; i < n; i++)
		if (cp_cidr_overlap(c, &used[i]))
			return true;
	return false;
}

/* The lowest block of length len (1..width) inside p that overlaps nothing
 * in used. A block in the way is passed at once, to the first aligned
 * block after it: a /8 pool holds 65,536 /24s. */
static bool lowest_free(const struct cp_cidr *p, int len, const struct cp_cidr *used, int n,
	struct cp_cidr *out)
{
	int width = p->family == AF_INET ? 32 : 128;
	cp_u128 step = (cp_u128)1 << (width - len), last = cp_cidr_last(p);
	cp_u128 net = cp_cidr_first(p);

	for (;;) {
		struct cp_cidr c = {p->family, net, len};
		int hit = -1;

		for (int i = 0; i < n && hit < 0; i++)
			if (cp_cidr_overlap(&c, &used[i]))
				hit = i;
		if (hit < 0) {
			*out = c;
			return true;
		}
		/* It overlaps c, so it ends at or after net: the next block is past net. */
		net = (cp_cidr_last(&used[hit]) + step) & ~(step - 1);
		if (net == 0 || net - 1 >= last)
			return false;
	}
}

int cp_subnetpool_allocate(struct cp_ctx *ctx, json_t *subnet)
{
	const char *pool_id = cp_json_str(subnet, "subnetpool_id"), *cidr_s = cp_json_str(subnet,
										 "cidr");
	struct cp_cidr p[MAX_PREFIXES], *used = NULL, c;
	json_t *pool = NULL;
	json_int_t len;
	int n, n_used, rc;
	char s[CP_IP_STRLEN + 4];

	rc = cp_res_load_owned(ctx, &cp_kind_subnetpool, pool_id, CP_READ, &pool);
	if (rc)
		return rc;
	n = parse_prefixes(json_object_get(pool, "prefixes"), p);
	len = int_or(subnet, "prefixlen", int_or(pool, "default_prefixlen", 0));
	n_used = pool_subnets(ctx, pool_id, &used);
	if (n_used < 0) {
		rc = cp_fail(&ctx->err, -ENOMEM, "InternalError", "out of memory");
	} else if (cidr_s) {
		if (cp_cidr_parse(cidr_s, &c, true) || n < 0 || !in_prefixes(p, n, &c))
			rc = cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for cidr: %s is not inside the prefixes of subnet pool %s",
				cidr_s, pool_id);
		else if (overlaps_any(&c, used, n_used))
			rc = cp_fail(&ctx->err, -EINVAL, "SubnetAllocationError",
				"Failed to allocate subnet: %s overlaps another subnet of the pool.",
				cidr_s);
	} else if (len < 1 || len < int_or(pool, "min_prefixlen", 0) ||
		   len > int_or(pool, "max_prefixlen", 0)) {
		rc = cp_fail(&ctx->err, -EINVAL, "InvalidInput",
			"Invalid input for prefixlen: %lld is outside the pool's %lld-%lld",
			(long long)len, (long long)int_or(pool, "min_prefixlen", 0),
			(long long)int_or(pool, "max_prefixlen", 0));
	} else {
		bool found = false;

		for (int i = 0; i < n && !found; i++)
			found = p[i].prefix <= len && lowest_free(&p[i], (int)len, used, n_used, &c);
		if (!found)
			rc = cp_fail(&ctx->err, -EINVAL, "SubnetAllocationError",
				"Failed to allocate subnet: no free /%lld in subnet pool %s.",
				(long long)len, pool_id);
	}
	if (rc == 0) {
		cp_cidr_format(&c, s);
		json_object_set_new(subnet, "cidr", json_string(s));
	}
	free(used);
	json_decref(pool);
	return rc;
}

static int pool_before_delete(struct cp_ctx *ctx, const json_t *pool)
{
	struct cp_cidr *used;
	int n = pool_subnets(ctx, cp_json_str(pool, "id"), &used);

	free(used);
	if (n < 0)
		return cp_fail(&ctx->err, -ENOMEM, "InternalError", "out of memory");
	if (n > 0)
		return cp_fail(&ctx->err, -EBUSY, "SubnetPoolInUse",
			"Unable to complete operation on subnet pool %s: subnets use it.",
			cp_json_str(pool, "id"));
	return 0;
}

static bool pool_is_public(const json_t *pool)
{
	return cp_json_bool(pool, "shared", false);
}

static const struct cp_attr pool_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"prefixes", CP_T_LIST, CP_A_RW | CP_A_REQ, NULL},
	{"default_prefixlen", CP_T_INT, CP_A_RW, NULL},
	{"min_prefixlen", CP_T_INT, CP_A_RW, NULL},
	{"max_prefixlen", CP_T_INT, CP_A_RW, NULL},
	{"ip_version", CP_T_INT, 0, NULL},
	{"shared", CP_T_BOOL, CP_A_POST, "false"},
	{"is_default", CP_T_BOOL, CP_A_RW, "false"},
	{"default_quota", CP_T_INT, CP_A_RW | CP_A_NULL, "null"},
	{"address_scope_id", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_subnetpool = {
	.name = "subnetpool",
	.not_found = "SubnetPoolNotFound",
	.attrs = pool_attrs,
	.owned = true,
	.prepare = pool_prepare,
	.before_delete = pool_before_delete,
	.is_public = pool_is_public,
	.check_quota = cp_quota_check,
};
