/* SPDX-License-Identifier: Apache-2.0 */
/* CIDR parsing and address allocation (controlplane/network/ipam.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "../../controlplane/network/ipam.h"

static cp_u128 ip(const char *s)
{
	int fam;
	cp_u128 v = 0;

	assert_int_equal(cp_ip_parse(s, &fam, &v), 0);
	return v;
}

static void cidr_parse_accepts_v4_and_v6(void **state)
{
	struct cp_cidr c;
	char out[CP_IP_STRLEN + 4];

	(void)state;
	assert_int_equal(cp_cidr_parse("10.0.0.0/24", &c, true), 0);
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.prefix, 24);
	cp_cidr_format(&c, out);
	assert_string_equal(out, "10.0.0.0/24");
	assert_int_equal(cp_cidr_parse("fd00:1::/64", &c, true), 0);
	assert_int_equal(c.family, AF_INET6);
	cp_cidr_format(&c, out);
	assert_string_equal(out, "fd00:1::/64");
}

static void cidr_parse_rejects_garbage_and_host_bits(void **state)
{
	struct cp_cidr c;

	(void)state;
	assert_int_equal(cp_cidr_parse("banana", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.0", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.0/", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.0/33", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.0/2x", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("fd00::/129", &c, false), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.1/24", &c, true), -EINVAL);
	assert_int_equal(cp_cidr_parse("10.0.0.1/24", &c, false), 0); /* lenient: normalised */
	assert_true(c.net == ip("10.0.0.0"));
}

static void cidr_contains_and_overlap(void **state)
{
	struct cp_cidr a, b, c;

	(void)state;
	cp_cidr_parse("10.0.0.0/24", &a, true);
	cp_cidr_parse("10.0.0.128/25", &b, true);
	cp_cidr_parse("10.0.1.0/24", &c, true);
	assert_true(cp_cidr_contains(&a, AF_INET, ip("10.0.0.255")));
	assert_false(cp_cidr_contains(&a, AF_INET, ip("10.0.1.0")));
	assert_false(cp_cidr_contains(&a, AF_INET6, ip("::a00:1")));
	assert_true(cp_cidr_overlap(&a, &b));
	assert_false(cp_cidr_overlap(&a, &c));
}

static void default_pools_skip_network_broadcast_and_gateway(void **state)
{
	struct cp_cidr c;
	struct cp_pool p[2];

	(void)state;
	cp_cidr_parse("10.0.0.0/24", &c, true);
	assert_int_equal(cp_ipam_default_pools(&c, true, ip("10.0.0.1"), p), 1);
	assert_true(p[0].start == ip("10.0.0.2") && p[0].end == ip("10.0.0.254"));
	assert_int_equal(cp_ipam_default_pools(&c, true, ip("10.0.0.100"), p), 2);
	assert_true(p[0].end == ip("10.0.0.99") && p[1].start == ip("10.0.0.101"));
	cp_cidr_parse("fd00::/64", &c, true);
	assert_int_equal(cp_ipam_default_pools(&c, true, ip("fd00::1"), p), 1);
	assert_true(p[0].start == ip("fd00::2") && p[0].end == ip("fd00::ffff:ffff:ffff:ffff"));
}

static void check_pools_rejects_overlap_outside_and_gateway(void **state)
{
	struct cp_cidr c;
	struct cp_pool ok[2] = {{ip("10.0.0.10"), ip("10.0.0.20")}, {ip("10.0.0.30"), ip("10.0.0.40")}};
	struct cp_pool overlap[2] = {{ip("10.0.0.10"), ip("10.0.0.30")}, {ip("10.0.0.20"), ip("10.0.0.40")}};
	struct cp_pool outside[1] = {{ip("10.0.0.10"), ip("10.0.0.255")}};
	struct cp_pool reversed[1] = {{ip("10.0.0.20"), ip("10.0.0.10")}};

	(void)state;
	cp_cidr_parse("10.0.0.0/24", &c, true);
	assert_int_equal(cp_ipam_check_pools(&c, ok, 2, true, ip("10.0.0.1")), 0);
	assert_int_equal(cp_ipam_check_pools(&c, overlap, 2, true, ip("10.0.0.1")), -EINVAL);
	assert_int_equal(cp_ipam_check_pools(&c, outside, 1, true, ip("10.0.0.1")), -EINVAL);
	assert_int_equal(cp_ipam_check_pools(&c, reversed, 1, true, ip("10.0.0.1")), -EINVAL);
	assert_int_equal(cp_ipam_check_pools(&c, ok, 2, true, ip("10.0.0.15")), -EEXIST);
}

static void next_free_skips_used_and_moves_to_next_pool(void **state)
{
	struct cp_pool p[2] = {{ip("10.0.0.2"), ip("10.0.0.4")}, {ip("10.0.0.10"), ip("10.0.0.11")}};
	cp_u128 used[] = {ip("10.0.0.4"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.10")};
	cp_u128 out = 0;

	(void)state;
	cp_ipam_sort(used, 4);
	assert_int_equal(cp_ipam_next_free(p, 2, used, 0, &out), 0);
	assert_true(out == ip("10.0.0.2"));
	assert_int_equal(cp_ipam_next_free(p, 2, used, 2, &out), 0);
	assert_true(out == ip("10.0.0.4"));
	assert_int_equal(cp_ipam_next_free(p, 2, used, 4, &out), 0);
	assert_true(out == ip("10.0.0.11"));
}

static void next_free_never_returns_a_used_address_until_exhausted(void **state)
{
	struct cp_cidr c;
	struct cp_pool p[2];
	cp_u128 used[16], out;
	size_t n = 0;
	int np;

	(void)state;
	cp_cidr_parse("10.9.0.0/28", &c, true);
	np = cp_ipam_default_pools(&c, true, ip("10.9.0.1"), p);
	while (cp_ipam_next_free(p, np, used, n, &out) == 0) {
		for (size_t i = 0; i < n; i++)
			assert_false(used[i] == out);
		assert_true(n < 16);
		used[n++] = out;
		cp_ipam_sort(used, n);
	}
	assert_int_equal(n, 13); /* 16 - network - broadcast - gateway */
	assert_int_equal(cp_ipam_next_free(p, np, used, n, &out), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cidr_parse_accepts_v4_and_v6),
		cmocka_unit_test(cidr_parse_rejects_garbage_and_host_bits),
		cmocka_unit_test(cidr_contains_and_overlap),
		cmocka_unit_test(default_pools_skip_network_broadcast_and_gateway),
		cmocka_unit_test(check_pools_rejects_overlap_outside_and_gateway),
		cmocka_unit_test(next_free_skips_used_and_moves_to_next_pool),
		cmocka_unit_test(next_free_never_returns_a_used_address_until_exhausted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
