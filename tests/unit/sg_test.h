/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the security-group rule-set tests share: rules and packets written
 * by hand, and the verdict both matchers (the compiled rte_acl set and the
 * reference) must agree on. Include after cmocka.h.
 */
#ifndef VIRGA_SG_TEST_H
#define VIRGA_SG_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <rte_lcore.h>

#include "dp_test_env.h"
#include "sg/dp_sg.h"

/* ---- Rules and packets by hand ---- */

/* "10.1.0.0/16" or "2001:db8::/32" into address bytes and a length; the family. */
static inline enum dp_sg_family parse_prefix(const char *text, uint8_t addr[16],
		uint8_t *len)
{
	char buf[64];
	char *slash;
	enum dp_sg_family fam = strchr(text, ':') ? DP_SG_IPV6 : DP_SG_IPV4;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	*len = fam == DP_SG_IPV6 ? 128 : 32;
	if (slash) {
		*slash = '\0';
		*len = (uint8_t)atoi(slash + 1);
	}
	memset(addr, 0, 16);
	assert_int_equal(inet_pton(fam == DP_SG_IPV6 ? AF_INET6 : AF_INET, buf, addr), 1);
	return fam;
}

static inline struct dp_sg_rule rule(uint32_t id, enum dp_sg_dir dir, const char *remote,
		uint8_t proto)
{
	struct dp_sg_rule r = {.id = id, .dir = dir, .proto = proto};

	r.family = parse_prefix(remote, r.remote, &r.prefixlen);
	return r;
}

static inline struct dp_sg_rule ports(struct dp_sg_rule r, uint16_t lo, uint16_t hi)
{
	r.has_ports = true;
	r.port_min = lo;
	r.port_max = hi;
	return r;
}

static inline struct dp_sg_rule icmp_type(struct dp_sg_rule r, uint8_t type)
{
	r.has_icmp_type = true;
	r.icmp_type = type;
	return r;
}

static inline struct dp_sg_rule icmp_code(struct dp_sg_rule r, uint8_t type, uint8_t code)
{
	r = icmp_type(r, type);
	r.has_icmp_code = true;
	r.icmp_code = code;
	return r;
}

struct pkt {
	uint8_t dir;
	uint8_t fam;
	union {
		struct dp_sg_tuple4 t4;
		struct dp_sg_tuple6 t6;
	};
};

/* A packet of direction dir whose remote end (source for ingress, destination for
 * egress) is `remote`; `l4` is the destination port, or ICMP type << 8 | code. */
static inline struct pkt pkt(enum dp_sg_dir dir, const char *remote, uint8_t proto,
		uint16_t l4)
{
	struct pkt p = {.dir = dir};
	uint8_t addr[16], len;
	rte_be32_t a4;

	p.fam = parse_prefix(remote, addr, &len);
	memcpy(&a4, addr, 4);
	if (p.fam == DP_SG_IPV4)
		dp_sg_tuple4_fill(&p.t4, proto, a4, rte_cpu_to_be_16(l4), l4 >> 8, l4 & 0xff);
	else
		dp_sg_tuple6_fill(&p.t6, proto, addr, rte_cpu_to_be_16(l4), l4 >> 8, l4 & 0xff);
	return p;
}

#define ICMP(type, code) ((uint16_t)((type) << 8 | (code)))
#define BY(id) ((id) + 1) /* the answer "allowed by rule id" */
#define DENY 0

static inline struct dp_sg_set *compile(const struct dp_sg_rule *rules, uint32_t n)
{
	struct dp_sg_set *s = dp_sg_set_create(rules, n, SOCKET_ID_ANY);

	if (s == NULL)
		fail_msg("dp_sg_set_create: %s", strerror(errno));
	return s;
}

/* The compiled set's answer for p, after checking the reference gives the same. */
static inline uint32_t verdict(const struct dp_sg_set *s, const struct dp_sg_rule *rules,
		uint32_t n,
		const struct pkt *p)
{
	const uint8_t *data[1] = {(const uint8_t *)&p->t4};
	uint32_t acl, ref;

	dp_sg_classify(s, p->dir, p->fam, data, &acl, 1);
	dp_sg_ref_classify(rules, n, p->dir, p->fam, data, &ref, 1);
	assert_int_equal(acl, ref);
	return acl;
}

/* In a test with a set `s` compiled from an array `rules`: a packet and the answer
 * both matchers must give (a failure reports the test's line). */
#define EXPECT(dir, remote, proto, l4, want)                                                       \
	do {                                                                                       \
		struct pkt p_ = pkt((dir), (remote), (proto), (l4));                               \
		assert_int_equal(verdict(s, rules, RTE_DIM(rules), &p_), (want));                  \
	} while (0)

#endif
