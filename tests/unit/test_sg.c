/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security-group rule sets: Neutron's cases by hand, each answered by the
 * compiled rte_acl set and by the reference matcher, which must agree
 * (test_sg_random.c puts the two against each other on random sets).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sg_test.h"

/* ---- Neutron's cases ---- */

static void tcp_22_allowed_from_prefix_and_23_denied(void **state)
{
	const struct dp_sg_rule rules[] = {
		ports(rule(7, DP_SG_INGRESS, "10.1.0.0/16", DP_SG_PROTO_TCP), 22, 22),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "10.1.2.3", DP_SG_PROTO_TCP, 22, BY(7));
	EXPECT(DP_SG_INGRESS, "10.1.2.3", DP_SG_PROTO_TCP, 23, DENY);
	EXPECT(DP_SG_INGRESS, "10.1.2.3", DP_SG_PROTO_TCP, 21, DENY);
	EXPECT(DP_SG_INGRESS, "10.2.0.1", DP_SG_PROTO_TCP, 22, DENY);
	EXPECT(DP_SG_INGRESS, "10.1.2.3", DP_SG_PROTO_UDP, 22, DENY);
	dp_sg_set_free(s);
}

static void port_range_includes_both_ends_and_nothing_beyond(void **state)
{
	const struct dp_sg_rule rules[] = {
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP), 1000, 2000),
		/* No range: every port. */
		rule(2, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_UDP),
		ports(rule(3, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_SCTP), 1, 65535),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_TCP, 999, DENY);
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_TCP, 1000, BY(1));
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_TCP, 1500, BY(1));
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_TCP, 2000, BY(1));
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_TCP, 2001, DENY);
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_UDP, 0, BY(2));
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_UDP, 65535, BY(2));
	/* Neutron's 1-65535 is what OVS matches: port 0 stays out. */
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_SCTP, 0, DENY);
	EXPECT(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_SCTP, 65535, BY(3));
	dp_sg_set_free(s);
}

static void icmp_type_without_code_matches_every_code(void **state)
{
	const struct dp_sg_rule rules[] = {
		icmp_type(rule(5, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ICMP), 8),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	for (unsigned int code = 0; code < 256; code++)
		EXPECT(DP_SG_INGRESS, "198.51.100.7", DP_SG_PROTO_ICMP, ICMP(8, code), BY(5));
	EXPECT(DP_SG_INGRESS, "198.51.100.7", DP_SG_PROTO_ICMP, ICMP(7, 255), DENY);
	EXPECT(DP_SG_INGRESS, "198.51.100.7", DP_SG_PROTO_ICMP, ICMP(9, 0), DENY);
	EXPECT(DP_SG_INGRESS, "198.51.100.7", DP_SG_PROTO_ICMP, ICMP(0, 0), DENY);
	dp_sg_set_free(s);
}

static void icmp_type_and_code_match_only_that_pair(void **state)
{
	const struct dp_sg_rule rules[] = {
		icmp_code(rule(5, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ICMP), 3, 4),
		/* No type: every ICMP message. */
		rule(6, DP_SG_EGRESS, "0.0.0.0/0", DP_SG_PROTO_ICMP),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(3, 4), BY(5));
	EXPECT(DP_SG_INGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(3, 3), DENY);
	EXPECT(DP_SG_INGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(3, 5), DENY);
	EXPECT(DP_SG_INGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(4, 3), DENY);
	EXPECT(DP_SG_EGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(255, 255), BY(6));
	EXPECT(DP_SG_EGRESS, "203.0.113.9", DP_SG_PROTO_ICMP, ICMP(0, 0), BY(6));
	dp_sg_set_free(s);
}

static void icmpv6_type_matches_icmpv6_and_not_icmp(void **state)
{
	const struct dp_sg_rule rules[] = {
		icmp_type(rule(9, DP_SG_INGRESS, "::/0", DP_SG_PROTO_ICMPV6), 128),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "2001:db8::1", DP_SG_PROTO_ICMPV6, ICMP(128, 0), BY(9));
	EXPECT(DP_SG_INGRESS, "2001:db8::1", DP_SG_PROTO_ICMPV6, ICMP(129, 0), DENY);
	/* ICMPv4 inside IPv6 is not ICMPv6, whatever its first bytes say. */
	EXPECT(DP_SG_INGRESS, "2001:db8::1", DP_SG_PROTO_ICMP, ICMP(128, 0), DENY);
	dp_sg_set_free(s);
}

static void a_direction_and_family_without_rules_denies_beside_one_with_rules(void **state)
{
	const struct dp_sg_rule rules[] = {
		rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ANY),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	assert_non_null(s->acl[DP_SG_INGRESS][DP_SG_IPV4]);
	assert_null(s->acl[DP_SG_EGRESS][DP_SG_IPV6]);
	EXPECT(DP_SG_INGRESS, "10.0.0.1", DP_SG_PROTO_TCP, 22, BY(1));
	EXPECT(DP_SG_EGRESS, "2001:db8::1", DP_SG_PROTO_TCP, 22, DENY);
	dp_sg_set_free(s);
}

static void empty_set_denies_everything(void **state)
{
	const struct dp_sg_rule rules[1] = {{0}}; /* compiled with n = 0 */
	struct dp_sg_set *s = compile(NULL, 0);
	const struct pkt p[] = {
		pkt(DP_SG_INGRESS, "10.0.0.1", DP_SG_PROTO_TCP, 22),
		pkt(DP_SG_EGRESS, "10.0.0.1", DP_SG_PROTO_ANY, 0),
		pkt(DP_SG_INGRESS, "2001:db8::1", DP_SG_PROTO_ICMPV6, ICMP(128, 0)),
		pkt(DP_SG_EGRESS, "::", DP_SG_PROTO_UDP, 53),
	};

	(void)state;
	for (int d = 0; d < DP_SG_N_DIRS; d++)
		for (int f = 0; f < DP_SG_N_FAMILIES; f++)
			assert_null(s->acl[d][f]);
	for (unsigned int i = 0; i < RTE_DIM(p); i++)
		assert_int_equal(verdict(s, rules, 0, &p[i]), DENY);
	dp_sg_set_free(s);
}

static void ipv6_rule_does_not_match_ipv4(void **state)
{
	const struct dp_sg_rule rules[] = {
		rule(1, DP_SG_INGRESS, "::/0", DP_SG_PROTO_ANY),
		rule(2, DP_SG_EGRESS, "::ffff:10.0.0.1/128", DP_SG_PROTO_ANY),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "2001:db8::5", DP_SG_PROTO_TCP, 80, BY(1));
	EXPECT(DP_SG_INGRESS, "192.0.2.5", DP_SG_PROTO_TCP, 80, DENY);
	/* A v4-mapped address in a rule makes an IPv6 rule: IPv4 10.0.0.1 stays denied. */
	EXPECT(DP_SG_EGRESS, "10.0.0.1", DP_SG_PROTO_UDP, 53, DENY);
	EXPECT(DP_SG_EGRESS, "::ffff:10.0.0.1", DP_SG_PROTO_UDP, 53, BY(2));
	dp_sg_set_free(s);
}

static void ingress_rules_do_not_apply_to_egress(void **state)
{
	const struct dp_sg_rule rules[] = {
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP), 80, 80),
		/* Egress: the remote prefix is the destination's. */
		ports(rule(2, DP_SG_EGRESS, "192.168.0.0/24", DP_SG_PROTO_UDP), 53, 53),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "1.2.3.4", DP_SG_PROTO_TCP, 80, BY(1));
	EXPECT(DP_SG_EGRESS, "1.2.3.4", DP_SG_PROTO_TCP, 80, DENY);
	EXPECT(DP_SG_EGRESS, "192.168.0.53", DP_SG_PROTO_UDP, 53, BY(2));
	EXPECT(DP_SG_INGRESS, "192.168.0.53", DP_SG_PROTO_UDP, 53, DENY);
	dp_sg_set_free(s);
}

static void protocol_any_matches_every_protocol(void **state)
{
	const struct dp_sg_rule rules[] = {
		rule(4, DP_SG_EGRESS, "10.0.0.0/8", DP_SG_PROTO_ANY),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	for (unsigned int proto = 0; proto < 256; proto++)
		EXPECT(DP_SG_EGRESS, "10.200.0.1", proto, (uint16_t)(proto * 257), BY(4));
	EXPECT(DP_SG_EGRESS, "11.0.0.1", DP_SG_PROTO_TCP, 80, DENY);
	dp_sg_set_free(s);
}

static void odd_protocol_number_matches_only_itself(void **state)
{
	const struct dp_sg_rule rules[] = {
		rule(1, DP_SG_INGRESS, "0.0.0.0/0", 47), /* GRE */
		rule(2, DP_SG_INGRESS, "::/0", 255),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "10.0.0.1", 47, 0, BY(1));
	EXPECT(DP_SG_INGRESS, "10.0.0.1", 46, 0, DENY);
	EXPECT(DP_SG_INGRESS, "fe80::1", 255, 0, BY(2));
	EXPECT(DP_SG_INGRESS, "fe80::1", 254, 0, DENY);
	dp_sg_set_free(s);
}

static void prefixes_match_up_to_their_length_and_ignore_host_bits(void **state)
{
	const struct dp_sg_rule rules[] = {
		rule(1, DP_SG_INGRESS, "192.0.2.77/32", DP_SG_PROTO_TCP),
		rule(2, DP_SG_INGRESS, "10.9.8.7/8", DP_SG_PROTO_UDP), /* host bits set */
		rule(3, DP_SG_INGRESS, "2001:db8::1/128", DP_SG_PROTO_TCP),
		/* /65 ends one bit into the third 32-bit word, /97 into the fourth. */
		rule(4, DP_SG_INGRESS, "2001:db8:0:0:8000::/65", DP_SG_PROTO_UDP),
		rule(5, DP_SG_INGRESS, "2001:db8:1::8000:0/97", DP_SG_PROTO_SCTP),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	EXPECT(DP_SG_INGRESS, "192.0.2.77", DP_SG_PROTO_TCP, 1, BY(1));
	EXPECT(DP_SG_INGRESS, "192.0.2.76", DP_SG_PROTO_TCP, 1, DENY);
	EXPECT(DP_SG_INGRESS, "10.255.255.255", DP_SG_PROTO_UDP, 1, BY(2));
	EXPECT(DP_SG_INGRESS, "11.0.0.0", DP_SG_PROTO_UDP, 1, DENY);
	EXPECT(DP_SG_INGRESS, "2001:db8::1", DP_SG_PROTO_TCP, 1, BY(3));
	EXPECT(DP_SG_INGRESS, "2001:db8::2", DP_SG_PROTO_TCP, 1, DENY);
	EXPECT(DP_SG_INGRESS, "2001:db8::c000:0:0:1", DP_SG_PROTO_UDP, 1, BY(4));
	EXPECT(DP_SG_INGRESS, "2001:db8::4000:0:0:1", DP_SG_PROTO_UDP, 1, DENY);
	EXPECT(DP_SG_INGRESS, "2001:db8:1::ffff:ffff", DP_SG_PROTO_SCTP, 1, BY(5));
	EXPECT(DP_SG_INGRESS, "2001:db8:1::7fff:ffff", DP_SG_PROTO_SCTP, 1, DENY);
	dp_sg_set_free(s);
}

static void lowest_index_rule_wins_when_several_match(void **state)
{
	struct dp_sg_rule rules[] = {
		ports(rule(30, DP_SG_INGRESS, "10.0.0.0/16", DP_SG_PROTO_TCP), 22, 22),
		rule(10, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ANY),
		ports(rule(20, DP_SG_INGRESS, "10.0.0.0/24", DP_SG_PROTO_TCP), 20, 30),
	};
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));
	struct dp_sg_rule first = rules[0];

	(void)state;
	EXPECT(DP_SG_INGRESS, "10.0.0.5", DP_SG_PROTO_TCP, 22, BY(30));
	EXPECT(DP_SG_INGRESS, "10.0.0.5", DP_SG_PROTO_UDP, 53, BY(10));
	dp_sg_set_free(s);

	/* The order decides, not how specific a rule is. */
	rules[0] = rules[2];
	rules[2] = first;
	s = compile(rules, RTE_DIM(rules));
	EXPECT(DP_SG_INGRESS, "10.0.0.5", DP_SG_PROTO_TCP, 22, BY(20));
	dp_sg_set_free(s);
}

static void invalid_rules_are_refused_and_nothing_is_built(void **state)
{
	const struct dp_sg_rule good = rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP);
	struct dp_sg_rule bad[] = {
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ICMP), 1, 2),
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ANY), 22, 22),
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", 47), 22, 22),
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP), 23, 22),
		icmp_type(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP), 8),
		icmp_type(rule(1, DP_SG_INGRESS, "::/0", DP_SG_PROTO_ICMP), 128),
		icmp_type(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_ICMPV6), 8),
		rule(UINT32_MAX, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP),
		rule(1, DP_SG_N_DIRS, "0.0.0.0/0", DP_SG_PROTO_TCP),
		good, /* a code without a type */
		good, /* prefix length 33 */
		rule(1, DP_SG_INGRESS, "::/0", DP_SG_PROTO_TCP), /* length 129 */
		good, /* no such family */
	};
	struct dp_sg_rule pair[2];

	(void)state;
	bad[9].proto = DP_SG_PROTO_ICMP;
	bad[9].has_icmp_code = true;
	bad[10].prefixlen = 33;
	bad[11].prefixlen = 129;
	bad[12].family = DP_SG_N_FAMILIES;
	assert_int_equal(dp_sg_rule_check(&good), 0);
	for (unsigned int i = 0; i < RTE_DIM(bad); i++) {
		assert_int_equal(dp_sg_rule_check(&bad[i]), -EINVAL);
		pair[0] = good;
		pair[1] = bad[i];
		errno = 0;
		assert_null(dp_sg_set_create(pair, 2, SOCKET_ID_ANY));
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_null(dp_sg_set_create(&good, DP_SG_MAX_RULES + 1, SOCKET_ID_ANY));
	assert_int_equal(errno, ENOSPC);
}

static void sets_with_the_same_rules_coexist_under_their_own_generations(void **state)
{
	const struct dp_sg_rule rules[] = {
		ports(rule(1, DP_SG_INGRESS, "0.0.0.0/0", DP_SG_PROTO_TCP), 443, 443),
		ports(rule(2, DP_SG_EGRESS, "::/0", DP_SG_PROTO_UDP), 53, 53),
	};
	struct dp_sg_set *a = compile(rules, RTE_DIM(rules));
	struct dp_sg_set *s = compile(rules, RTE_DIM(rules));

	(void)state;
	assert_true(s->generation > a->generation);
	assert_ptr_not_equal(a->acl[DP_SG_INGRESS][DP_SG_IPV4], s->acl[DP_SG_INGRESS][DP_SG_IPV4]);
	assert_int_equal(a->n_rules_total, 2);
	assert_int_equal(a->n_rules[DP_SG_EGRESS][DP_SG_IPV6], 1);
	dp_sg_set_free(a);
	/* Freeing one set leaves the other's contexts alone. */
	EXPECT(DP_SG_INGRESS, "10.0.0.1", DP_SG_PROTO_TCP, 443, BY(1));
	EXPECT(DP_SG_EGRESS, "2001:db8::53", DP_SG_PROTO_UDP, 53, BY(2));
	dp_sg_set_free(s);
}

static void tuple_fill_lays_out_what_rte_acl_reads(void **state)
{
	const uint8_t icmp4[12] = {1, 0, 0, 0, 192, 0, 2, 1, 8, 3, 0, 0};
	const uint8_t tcp4[12] = {6, 0, 0, 0, 10, 0, 0, 9, 0x01, 0xbb, 0, 0};
	const uint8_t gre4[12] = {47, 0, 0, 0, 10, 0, 0, 9, 0, 0, 0, 0};
	const uint8_t icmp6[24] = {58, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, [19] = 1, 128, 0, 0, 0};
	const uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct dp_sg_tuple6 t6;
	struct pkt p;

	(void)state;
	p = pkt(DP_SG_INGRESS, "192.0.2.1", DP_SG_PROTO_ICMP, ICMP(8, 3));
	assert_memory_equal(&p.t4, icmp4, sizeof(icmp4));
	p = pkt(DP_SG_INGRESS, "10.0.0.9", DP_SG_PROTO_TCP, 443);
	assert_memory_equal(&p.t4, tcp4, sizeof(tcp4));
	/* Neither ports nor ICMP: the field is 0 whatever the facts say. */
	p = pkt(DP_SG_INGRESS, "10.0.0.9", 47, 443);
	assert_memory_equal(&p.t4, gre4, sizeof(gre4));
	dp_sg_tuple6_fill(&t6, DP_SG_PROTO_ICMPV6, addr, RTE_BE16(9999), 128, 0);
	assert_memory_equal(&t6, icmp6, sizeof(icmp6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tcp_22_allowed_from_prefix_and_23_denied),
		cmocka_unit_test(port_range_includes_both_ends_and_nothing_beyond),
		cmocka_unit_test(icmp_type_without_code_matches_every_code),
		cmocka_unit_test(icmp_type_and_code_match_only_that_pair),
		cmocka_unit_test(icmpv6_type_matches_icmpv6_and_not_icmp),
		cmocka_unit_test(empty_set_denies_everything),
		cmocka_unit_test(a_direction_and_family_without_rules_denies_beside_one_with_rules),
		cmocka_unit_test(ipv6_rule_does_not_match_ipv4),
		cmocka_unit_test(ingress_rules_do_not_apply_to_egress),
		cmocka_unit_test(protocol_any_matches_every_protocol),
		cmocka_unit_test(odd_protocol_number_matches_only_itself),
		cmocka_unit_test(prefixes_match_up_to_their_length_and_ignore_host_bits),
		cmocka_unit_test(lowest_index_rule_wins_when_several_match),
		cmocka_unit_test(invalid_rules_are_refused_and_nothing_is_built),
		cmocka_unit_test(sets_with_the_same_rules_coexist_under_their_own_generations),
		cmocka_unit_test(tuple_fill_lays_out_what_rte_acl_reads),
	};

	if (test_eal_init("sg") < 0)
		return 1;
	return cmocka_run_group_tests_name("sg", tests, NULL, NULL);
}
