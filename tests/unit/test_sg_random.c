/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security-group rule sets at random: the compiled rte_acl sets against the
 * reference matcher on random rule sets and packets aimed at rule edges; a
 * deliberately broken compile that the comparison must catch; and the
 * costs, printed and never asserted.
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

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_vect.h>

#include "test_rng.h"
#include "sg_test.h"

/* ---- Random rule sets against the reference ---- */

static bool chance(unsigned int percent)
{
	return test_rnd_below(100) < percent;
}

static uint64_t seed_from_env(void)
{
	const char *s = getenv("SG_SEED");

	return s ? strtoull(s, NULL, 0) : 0x5eca11ab1e5eedull;
}

/* Addresses come from a few bases, so that random prefixes nest and overlap. */
static const uint8_t bases[DP_SG_N_FAMILIES][4][16] = {
	[DP_SG_IPV4] = {{10, 0, 0, 0}, {10, 0, 1, 0}, {192, 168, 1, 0}, {172, 16, 0, 0}},
	[DP_SG_IPV6] = {{0x20, 0x01, 0x0d, 0xb8},
		{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0x80},
		{0xfd},
		{[10] = 0xff, [11] = 0xff, 10, 0, 0, 1}},
};

static void random_addr(enum dp_sg_family fam, uint8_t out[16])
{
	unsigned int len = fam == DP_SG_IPV6 ? 16 : 4;

	memcpy(out, bases[fam][test_rnd_below(4)], 16);
	if (chance(10)) {
		for (unsigned int i = 0; i < len; i++)
			out[i] = (uint8_t)test_rnd();
		return;
	}
	/* Vary the last bytes, and now and then a bit at a word boundary. */
	out[len - 1] = (uint8_t)test_rnd();
	if (chance(50))
		out[len - 2] ^= (uint8_t)test_rnd();
	if (fam == DP_SG_IPV6 && chance(30))
		out[4 * test_rnd_below(4)] ^= 0x80;
}

static const uint8_t odd_protos[] = {2, 4, 41, 47, 50, 89, 103, 112, 254, 255};

/* Cumulative percentages: any 8, TCP 22, UDP 15, SCTP 7, DCCP 3, UDP-Lite 3, the
 * family's ICMP 17, the other family's (just a number here) 4, odd ones 14, any byte 7. */
static uint8_t random_proto(enum dp_sg_family fam)
{
	const uint8_t upto[] = {8, 30, 45, 52, 55, 58, 75, 79, 93};
	const uint8_t protos[] = {DP_SG_PROTO_ANY, DP_SG_PROTO_TCP, DP_SG_PROTO_UDP,
		DP_SG_PROTO_SCTP, DP_SG_PROTO_DCCP, DP_SG_PROTO_UDPLITE, dp_sg_icmp_proto(fam),
		dp_sg_icmp_proto(fam == DP_SG_IPV4 ? DP_SG_IPV6 : DP_SG_IPV4),
		odd_protos[test_rnd_below(RTE_DIM(odd_protos))]};
	unsigned int r = test_rnd_below(100);

	for (unsigned int i = 0; i < RTE_DIM(upto); i++)
		if (r < upto[i])
			return protos[i];
	return (uint8_t)test_rnd();
}

static const uint16_t some_ports[] = {0, 1, 22, 53, 80, 443, 1023, 1024, 8080, 65535};
static const uint8_t some_types[] = {0, 3, 8, 11, 128, 129, 135, 136, 255};
static const uint8_t some_codes[] = {0, 1, 3, 4, 255};

static void random_ports(struct dp_sg_rule *r)
{
	uint16_t a = chance(50) ? some_ports[test_rnd_below(RTE_DIM(some_ports))] : (uint16_t)test_rnd();
	uint16_t b = (uint16_t)test_rnd();
	unsigned int kind = test_rnd_below(8);

	r->has_ports = true;
	if (kind < 3) { /* a single port */
		r->port_min = r->port_max = a;
	} else if (kind == 3) { /* the full range, as Neutron writes it or not */
		r->port_min = chance(50) ? 0 : 1;
		r->port_max = 65535;
	} else if (kind < 6) { /* a narrow range */
		r->port_min = a;
		r->port_max = (uint16_t)RTE_MIN(65535u, (unsigned int)a + test_rnd_below(16));
	} else {
		r->port_min = RTE_MIN(a, b);
		r->port_max = RTE_MAX(a, b);
	}
}

static void random_rule(struct dp_sg_rule *r, uint32_t id, int dir, int fam)
{
	uint8_t max_len;
	unsigned int len_kind;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->dir = dir >= 0 ? dir : (int)test_rnd_below(DP_SG_N_DIRS);
	r->family = fam >= 0 ? fam : (int)test_rnd_below(DP_SG_N_FAMILIES);
	r->proto = random_proto(r->family);
	max_len = r->family == DP_SG_IPV6 ? 128 : 32;
	/* Every length, but mostly specific ones: with many /0 rules nearly every
	 * packet would be allowed and the comparison would prove little. */
	len_kind = test_rnd_below(100);
	if (len_kind < 4)
		r->prefixlen = 0;
	else if (len_kind < 24)
		r->prefixlen = max_len;
	else if (len_kind < 34)
		r->prefixlen = (uint8_t)test_rnd_below(max_len + 1u);
	else
		r->prefixlen = (uint8_t)(max_len / 4 + test_rnd_below(max_len - max_len / 4 + 1u));
	random_addr(r->family, r->remote); /* host bits left set: the compile ignores them */
	if (dp_sg_proto_has_ports(r->proto) && chance(85))
		random_ports(r);
	if (r->proto == dp_sg_icmp_proto(r->family) && chance(70)) {
		r->has_icmp_type = true;
		r->icmp_type = chance(70) ? some_types[test_rnd_below(RTE_DIM(some_types))] : (uint8_t)test_rnd();
		if (chance(50)) {
			r->has_icmp_code = true;
			r->icmp_code = chance(70) ? some_codes[test_rnd_below(RTE_DIM(some_codes))]
						  : (uint8_t)test_rnd();
		}
	}
}

/* Ids that name their index (low 16 bits), so a wrong rule shows as a wrong id. */
static void random_rules(struct dp_sg_rule *rules, uint32_t n, int dir, int fam)
{
	uint32_t high = (uint32_t)test_rnd() & 0x7fff0000;

	for (uint32_t i = 0; i < n; i++)
		random_rule(&rules[i], high | i, dir, fam);
}

/* Bit i of a big-endian address. */
static void flip_bit(uint8_t *a, unsigned int i)
{
	a[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
}

static uint16_t near(uint16_t v)
{
	return (uint16_t)(v + (int)test_rnd_below(3) - 1);
}

/*
 * A packet aimed at rule r (same direction and family): inside its prefix or
 * one bit outside, at the ends of its port range or one past them, at its
 * ICMP type and code or next to them; now and then another protocol.
 */
static void packet_near_rule(struct pkt *p, const struct dp_sg_rule *r)
{
	unsigned int max_len = r->family == DP_SG_IPV6 ? 128 : 32;
	uint8_t addr[16], type = (uint8_t)test_rnd(), code = (uint8_t)test_rnd(), proto = r->proto;
	uint16_t port = (uint16_t)test_rnd();
	rte_be32_t a4;

	memcpy(addr, r->remote, 16);
	for (unsigned int i = r->prefixlen; i < max_len; i++)
		if (chance(50))
			flip_bit(addr, i);
	if (r->prefixlen > 0 && chance(25))
		flip_bit(addr, chance(50) ? r->prefixlen - 1u : test_rnd_below(r->prefixlen));
	if (proto == DP_SG_PROTO_ANY || chance(10))
		proto = random_proto(r->family);
	if (r->has_ports) {
		const uint16_t at[] = {near(r->port_min), near(r->port_max),
			(uint16_t)(r->port_min + test_rnd_below(r->port_max - r->port_min + 1u)),
			some_ports[test_rnd_below(RTE_DIM(some_ports))], port};

		port = at[test_rnd_below(RTE_DIM(at))];
	}
	if (r->has_icmp_type && chance(80))
		type = chance(60) ? r->icmp_type : (uint8_t)near(r->icmp_type);
	if (r->has_icmp_code && chance(80))
		code = chance(60) ? r->icmp_code : (uint8_t)near(r->icmp_code);
	else if (chance(30)) /* the ends of a type's codes */
		code = chance(50) ? 0 : 255;
	p->dir = r->dir;
	p->fam = r->family;
	memcpy(&a4, addr, 4);
	if (p->fam == DP_SG_IPV4)
		dp_sg_tuple4_fill(&p->t4, proto, a4, rte_cpu_to_be_16(port), type, code);
	else
		dp_sg_tuple6_fill(&p->t6, proto, addr, rte_cpu_to_be_16(port), type, code);
}

static void packet_at_random(struct pkt *p, enum dp_sg_dir dir, enum dp_sg_family fam)
{
	struct dp_sg_rule any;

	/* An address from the pool as it is (no host bits to vary), any port or type. */
	random_rule(&any, 0, dir, fam);
	any.prefixlen = fam == DP_SG_IPV6 ? 128 : 32;
	any.has_ports = any.has_icmp_type = any.has_icmp_code = false;
	packet_near_rule(p, &any);
}

/* A burst of one direction and family: most packets aimed at its rules. */
static void random_burst(struct pkt *burst, unsigned int n, const struct dp_sg_rule *rules,
		uint32_t n_rules, enum dp_sg_dir dir, enum dp_sg_family fam)
{
	for (unsigned int i = 0; i < n; i++) {
		uint32_t k = n_rules ? test_rnd_below(n_rules) : 0;
		uint32_t tries = 0;

		/* The next rule of this direction and family from a random start. */
		while (tries < n_rules && (rules[k].dir != dir || rules[k].family != fam)) {
			k = (k + 1) % n_rules;
			tries++;
		}
		if (tries < n_rules && n_rules > 0 && chance(75))
			packet_near_rule(&burst[i], &rules[k]);
		else
			packet_at_random(&burst[i], dir, fam);
	}
}

static void print_mismatch(const struct pkt *p, uint32_t acl, uint32_t ref)
{
	const uint8_t *b = (const uint8_t *)&p->t4;
	char hex[3 * sizeof(p->t6) + 1] = "";

	for (size_t i = 0; i < (p->fam == DP_SG_IPV6 ? sizeof(p->t6) : sizeof(p->t4)); i++)
		snprintf(hex + 3 * i, 4, "%02x ", b[i]);
	/* Ids carry their rule's index in the low 16 bits. */
	print_message("mismatch: %s IPv%c tuple %s: compiled %#x, reference %#x\n",
			p->dir == DP_SG_INGRESS ? "ingress" : "egress",
			p->fam == DP_SG_IPV6 ? '6' : '4', hex, acl, ref);
}

struct tally {
	uint32_t packets, allowed, mismatches;
};

#define BURST 32

/* Classifies n_packets random packets with s and with the reference over rules. */
static void compare(const struct dp_sg_set *s, const struct dp_sg_rule *rules, uint32_t n_rules,
		uint32_t n_packets, struct tally *t)
{
	struct pkt burst[BURST];
	const uint8_t *data[BURST];
	uint32_t acl[BURST], ref[BURST];

	while (n_packets > 0) {
		unsigned int n = RTE_MIN(n_packets, (uint32_t)BURST);
		enum dp_sg_dir dir = test_rnd_below(DP_SG_N_DIRS);
		enum dp_sg_family fam = test_rnd_below(DP_SG_N_FAMILIES);

		random_burst(burst, n, rules, n_rules, dir, fam);
		for (unsigned int i = 0; i < n; i++)
			data[i] = (const uint8_t *)&burst[i].t4;
		dp_sg_classify(s, dir, fam, data, acl, n);
		dp_sg_ref_classify(rules, n_rules, dir, fam, data, ref, n);
		for (unsigned int i = 0; i < n; i++) {
			t->allowed += ref[i] != 0;
			if (acl[i] != ref[i] && t->mismatches++ < 5)
				print_mismatch(&burst[i], acl[i], ref[i]);
		}
		t->packets += n;
		n_packets -= n;
	}
}

#define N_SETS 8
#define PACKETS_PER_SET 1250 /* 10,000 in all */
#define MAX_SET_RULES 400

static void compiled_set_agrees_with_reference_on_10000_random_packets(void **state)
{
	static struct dp_sg_rule rules[MAX_SET_RULES];
	struct tally t = {0};
	uint64_t seed = seed_from_env();

	(void)state;
	test_rng = seed;
	print_message("seed %#" PRIx64 " (SG_SEED=%#" PRIx64 " replays it)\n", seed, seed);
	for (int k = 0; k < N_SETS; k++) {
		uint32_t n = 150 + test_rnd_below(MAX_SET_RULES - 150 + 1);
		uint64_t t0 = rte_rdtsc();
		struct dp_sg_set *s;

		random_rules(rules, n, -1, -1);
		s = compile(rules, n);
		print_message("set %d: %u rules, built in %.1f ms\n", k, n,
				(rte_rdtsc() - t0) * 1e3 / rte_get_tsc_hz());
		compare(s, rules, n, PACKETS_PER_SET, &t);
		dp_sg_set_free(s);
	}
	print_message("%u packets, %u allowed, %u mismatches\n", t.packets, t.allowed,
			t.mismatches);
	assert_int_equal(t.mismatches, 0);
	/* Packets aimed at rule edges: a fair share on each side of the answer. */
	assert_true(t.allowed > t.packets / 5);
	assert_true(t.packets - t.allowed > t.packets / 5);
}

#define N_MUTANT_RULES 100

/* The comparison must have teeth: a compile off by one at the top of every port
 * range (what a < for a <= would do) has to disagree with the reference. */
static void comparison_catches_a_port_range_off_by_one(void **state)
{
	static struct dp_sg_rule rules[MAX_SET_RULES], broken[MAX_SET_RULES];
	struct tally t = {0};
	struct dp_sg_set *s;

	(void)state;
	test_rng = seed_from_env() ^ 0xb0b0;
	random_rules(rules, N_MUTANT_RULES, -1, -1);
	memcpy(broken, rules, sizeof(rules));
	for (unsigned int i = 0; i < N_MUTANT_RULES; i++)
		if (broken[i].has_ports && broken[i].port_max > broken[i].port_min)
			broken[i].port_max--;
	s = compile(broken, N_MUTANT_RULES);
	compare(s, rules, N_MUTANT_RULES, 4000, &t);
	dp_sg_set_free(s);
	print_message("%u of %u packets caught\n", t.mismatches, t.packets);
	assert_true(t.mismatches > 0);
}

/* ---- Costs: printed for dp_sg.h's notes, never asserted ---- */

static size_t heap_in_use(void)
{
	struct rte_malloc_socket_stats st;
	size_t sum = 0;

	for (unsigned int i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

#define BENCH_PACKETS 1024
#define BENCH_ROUNDS 200

/* A web tier after remote-group expansion: ten service rules, each repeated for
 * every member address of the group they allow, as /32 or /128. */
static void expanded_rules(struct dp_sg_rule *rules, uint32_t n, enum dp_sg_family fam)
{
	struct dp_sg_rule services[10];

	random_rules(services, RTE_DIM(services), DP_SG_INGRESS, fam);
	for (uint32_t i = 0; i < n; i++) {
		rules[i] = services[i % RTE_DIM(services)];
		rules[i].prefixlen = fam == DP_SG_IPV6 ? 128 : 32;
		random_addr(fam, rules[i].remote);
	}
}

static void measure(const char *shape, uint32_t n_rules, enum dp_sg_family fam)
{
	static struct dp_sg_rule rules[1000];
	static struct pkt pkts[BENCH_PACKETS];
	const uint8_t *data[BENCH_PACKETS];
	uint32_t res[BENCH_PACKETS], allowed = 0;
	size_t before = heap_in_use();
	uint64_t t0, build, acl = 0, ref;
	struct dp_sg_set *s;

	if (strcmp(shape, "random") == 0)
		random_rules(rules, n_rules, DP_SG_INGRESS, fam);
	else
		expanded_rules(rules, n_rules, fam);
	t0 = rte_rdtsc();
	s = compile(rules, n_rules);
	build = rte_rdtsc() - t0;
	for (unsigned int i = 0; i < BENCH_PACKETS; i += BURST) {
		random_burst(&pkts[i], BURST, rules, n_rules, DP_SG_INGRESS, fam);
		for (unsigned int j = i; j < i + BURST; j++)
			data[j] = (const uint8_t *)&pkts[j].t4;
	}
	for (unsigned int r = 0; r <= BENCH_ROUNDS; r++) {
		t0 = rte_rdtsc();
		for (unsigned int i = 0; i < BENCH_PACKETS; i += BURST)
			dp_sg_classify(s, DP_SG_INGRESS, fam, &data[i], &res[i], BURST);
		if (r > 0) /* round 0 warms the caches */
			acl += rte_rdtsc() - t0;
	}
	for (unsigned int i = 0; i < BENCH_PACKETS; i++)
		allowed += res[i] != 0;
	t0 = rte_rdtsc();
	dp_sg_ref_classify(rules, n_rules, DP_SG_INGRESS, fam, data, res, BENCH_PACKETS);
	ref = rte_rdtsc() - t0;
	print_message("IPv%c %-8s %4u rules: build %5.1f ms, %4zu KiB; classify %5.1f "
		      "cycles/packet (bursts of %d, %3u%% allowed); reference loop %5.0f\n",
			fam == DP_SG_IPV6 ? '6' : '4', shape, n_rules,
			build * 1e3 / rte_get_tsc_hz(), (heap_in_use() - before) / 1024,
			(double)acl / (BENCH_ROUNDS * BENCH_PACKETS), BURST,
			allowed * 100 / BENCH_PACKETS, (double)ref / BENCH_PACKETS);
	dp_sg_set_free(s);
}

static void build_and_classify_costs_are_printed(void **state)
{
	(void)state;
	test_rng = seed_from_env() ^ 0xbe4c;
	print_message("max SIMD bitwidth %u, TSC %.2f GHz\n", rte_vect_get_max_simd_bitwidth(),
			rte_get_tsc_hz() / 1e9);
	for (int f = 0; f < DP_SG_N_FAMILIES; f++) {
		measure("random", 10, f);
		measure("random", 1000, f);
		measure("expanded", 1000, f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compiled_set_agrees_with_reference_on_10000_random_packets),
		cmocka_unit_test(comparison_catches_a_port_range_off_by_one),
		cmocka_unit_test(build_and_classify_costs_are_printed),
	};

	if (test_eal_init("sg_random") < 0)
		return 1;
	return cmocka_run_group_tests_name("sg_random", tests, NULL, NULL);
}
