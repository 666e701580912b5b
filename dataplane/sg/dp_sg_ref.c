/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security-group semantics as a plain loop over the rules: what the compiled
 * rte_acl sets must answer (tests compare them on random packets), and a
 * fallback while a compiled set is pending. Written from the rules, not
 * from the rte_acl encoding in dp_sg_acl.c, so that a mistake there shows
 * up as a disagreement instead of being shared.
 */
#include <errno.h>

#include "dp_sg.h"

int dp_sg_rule_check(const struct dp_sg_rule *r)
{
	uint8_t max_len = r->family == DP_SG_IPV6 ? 128 : 32;

	if (r->dir >= DP_SG_N_DIRS || r->family >= DP_SG_N_FAMILIES || r->prefixlen > max_len)
		return -EINVAL;
	if (r->id == UINT32_MAX) /* answers are id + 1, and 0 means deny */
		return -EINVAL;
	/* Neutron refuses port ranges on other protocols and without one. */
	if (r->has_ports && (!dp_sg_proto_has_ports(r->proto) || r->port_min > r->port_max))
		return -EINVAL;
	/* ICMP type and code are Neutron's port_range_min/max on the family's ICMP;
	 * a code without a type is refused there too. */
	if ((r->has_icmp_type || r->has_icmp_code) && r->proto != dp_sg_icmp_proto(r->family))
		return -EINVAL;
	if (r->has_icmp_code && !r->has_icmp_type)
		return -EINVAL;
	return 0;
}

/* Whether the first len bits of a and b are equal. */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, uint8_t len)
{
	uint8_t full = len / 8, rest = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool l4_matches(const struct dp_sg_rule *r, uint16_t l4)
{
	if (r->has_ports)
		return l4 >= r->port_min && l4 <= r->port_max;
	if (r->has_icmp_type && l4 >> 8 != r->icmp_type)
		return false;
	return !r->has_icmp_code || (l4 & 0xff) == r->icmp_code;
}

uint32_t dp_sg_ref_match(const struct dp_sg_rule *rules, uint32_t n_rules, enum dp_sg_dir dir,
		enum dp_sg_family family, const uint8_t *tuple)
{
	const struct dp_sg_tuple4 *t4 = (const void *)tuple;
	const struct dp_sg_tuple6 *t6 = (const void *)tuple;
	const uint8_t *remote = family == DP_SG_IPV6 ? t6->remote : (const uint8_t *)&t4->remote;
	uint16_t l4 = rte_be_to_cpu_16(family == DP_SG_IPV6 ? t6->l4 : t4->l4);
	uint8_t proto = tuple[0];

	for (uint32_t i = 0; i < n_rules; i++) {
		const struct dp_sg_rule *r = &rules[i];

		if (r->dir != dir || r->family != family)
			continue;
		if (r->proto != DP_SG_PROTO_ANY && r->proto != proto)
			continue;
		if (!prefix_equal(r->remote, remote, r->prefixlen) || !l4_matches(r, l4))
			continue;
		return r->id + 1;
	}
	return 0;
}

void dp_sg_ref_classify(const struct dp_sg_rule *rules, uint32_t n_rules, enum dp_sg_dir dir,
		enum dp_sg_family family, const uint8_t **tuples, uint32_t *res, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		res[i] = dp_sg_ref_match(rules, n_rules, dir, family, tuples[i]);
}
