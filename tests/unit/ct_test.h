/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the connection-tracking tests share: the EAL and a QSBR variable, a
 * fresh table per test, and packets built from tuples. Include after cmocka.h.
 */
#ifndef VIRGA_CT_TEST_H
#define VIRGA_CT_TEST_H

#include <arpa/inet.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "ct/dp_ct.h"
#include "dp_test_env.h"

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04
#define PSH 0x08
#define T0 1000 /* clock second of the tests' first packets */
#define O DP_CT_DIR_ORIGINAL
#define R DP_CT_DIR_REPLY
#define OK DP_CT_VALID
#define BAD DP_CT_INVALID

static struct rte_rcu_qsbr *rcu;
static struct dp_ct *ct;

static const struct dp_ct_rec no_rec = {DP_CT_NO_PORT, 1, 0};

static inline struct dp_ct *table(uint32_t max, uint32_t port_limit, bool loose)
{
	struct dp_ct_conf c = {.max_entries = max, .port_limit = port_limit, .tcp_loose = loose,
			.rcu = rcu, .socket_id = SOCKET_ID_ANY};
	struct dp_ct *t = dp_ct_init(&c);

	assert_non_null(t);
	return t;
}

static inline int setup(void **state)
{
	(void)state;
	ct = table(256, 0, false);
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	dp_ct_fini(ct);
	ct = NULL;
	return 0;
}

/* A packet from src:sport to dst:dport (IPv4 or IPv6 literals) in zone 1. */
static inline struct dp_ct_pkt tuple(uint8_t proto, const char *src, uint16_t sport, const char *dst,
		uint16_t dport)
{
	uint8_t family = strchr(src, ':') ? AF_INET6 : AF_INET;
	uint8_t s[16], d[16];
	struct dp_ct_pkt p = {0};

	assert_int_equal(inet_pton(family, src, s), 1);
	assert_int_equal(inet_pton(family, dst, d), 1);
	dp_ct_key_set(&p, 1, family, proto, s, d, htons(sport), htons(dport));
	p.l4 = proto == IPPROTO_TCP ? DP_CT_L4_TCP
		: proto == IPPROTO_UDP	? DP_CT_L4_UDP
					: DP_CT_L4_OTHER;
	return p;
}

static inline struct dp_ct_pkt tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
		uint8_t flags)
{
	struct dp_ct_pkt p = tuple(IPPROTO_TCP, src, sport, dst, dport);

	p.tcp_flags = flags;
	return p;
}

/* An echo request (id on the sender's side) or reply (id on the receiver's). */
static inline struct dp_ct_pkt echo(const char *src, const char *dst, uint16_t id, bool request)
{
	uint8_t s[4], d[4];
	struct dp_ct_pkt p = {0};

	inet_pton(AF_INET, src, s);
	inet_pton(AF_INET, dst, d);
	dp_ct_key_set(&p, 1, AF_INET, IPPROTO_ICMP, s, d, request ? htons(id) : 0,
			request ? 0 : htons(id));
	p.l4 = DP_CT_L4_ICMP;
	p.icmp_type = request ? 8 : 0;
	return p;
}

static inline uint32_t lookup(const struct dp_ct_pkt *p)
{
	uint32_t idx;

	dp_ct_lookup_bulk(ct, p, 1, &idx);
	return idx;
}

static inline uint32_t create(const struct dp_ct_pkt *p)
{
	uint32_t idx;

	assert_int_equal(dp_ct_create(ct, p, &no_rec, &no_rec, T0, &idx), 0);
	return idx;
}

static inline uint8_t state_of(uint32_t idx)
{
	return ct->entries[idx].sw & DP_CT_SW_STATE;
}

/* Once per test binary: the no-huge EAL and a QSBR variable for 4 threads. */
static inline int ct_test_init(const char *name)
{
	if (test_eal_init(name) < 0)
		return -1;
	rcu = rte_zmalloc("ct_rcu", rte_rcu_qsbr_get_memsize(4), RTE_CACHE_LINE_SIZE);
	if (rcu == NULL || rte_rcu_qsbr_init(rcu, 4) < 0)
		return -1;
	return 0;
}

#endif
