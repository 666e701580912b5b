/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route-1, route-100k, route-1m: IPv4 forwarding through one router.
 *
 *   networks a and b: flat, on physnets pa and pb; ports a and b their uplinks
 *   router r1 (max_routes: the table plus room for the connected routes),
 *     interface on a: 10.0.0.1/24, MAC 02:56:47:00:00:0a
 *     interface on b: 10.1.0.1/24, MAC 02:56:47:00:00:0b
 *   next hop 10.1.0.2 on b: a permanent neighbour (NEIGH_ADD scope "b") and a
 *     static MAC entry on port b, so routed frames leave b as unicast
 *   routes: one /8 (20.0.0.0/8), or n random prefixes, all via 10.1.0.2
 *
 * Port a replays `flows` 60-byte IPv4/UDP frames (64 with the FCS) from 250
 * hosts of 10.0.0.0/24 to the router's MAC, TTL 64, valid checksum, each to
 * a random address of a random prefix of the table. Port b replays one
 * frame, once.
 *
 * The random table: prefixes drawn with a fixed seed (the same table in
 * every run), first octet 11..223 except 127 (so never 10/8, multicast or
 * loopback), lengths in the proportions of today's Internet table (about
 * 60% /24, then /22 and /23; see the weights below), duplicates drawn again.
 * Nested prefixes happen, as in a real table. Nothing longer than /24, so
 * the FIB (l3/dp_fib.h) needs no tbl8 groups: one 16-bit tbl24 entry per
 * lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

struct bench_routes {
	unsigned int n;
	uint32_t *prefix; /* host byte order, masked */
	uint8_t *len;
	unsigned int by_len[33];
};

/* Per 10,000 prefixes: roughly the IPv4 table's mix (CIDR report, 2024). */
static const struct {
	uint8_t len;
	uint16_t weight;
} LEN_WEIGHTS[] = {
                {24, 6000},
                {23, 1000},
                {22, 1150},
                {21, 500},
                {20, 450},
                {19, 300},
                {18, 200},
                {17, 120},
                {16, 200},
                {15, 30},
                {14, 25},
                {13, 12},
                {12, 7},
                {11, 3},
                {10, 2},
                {9, 0},
                {8, 1},
};

static const uint8_t IF_A_MAC[6] = {0x02, 0x56, 0x47, 0x00, 0x00, 0x0a};
const uint8_t bench_route_if_b_mac[6] = {0x02, 0x56, 0x47, 0x00, 0x00, 0x0b};
#define IF_B_MAC bench_route_if_b_mac
const uint8_t bench_route_nh_mac[6] = {0x02, 0x4e, 0x48, 0x00, 0x00, 0x01};
#define NH_MAC bench_route_nh_mac
static const uint8_t NH_IP[4] = {10, 1, 0, 2};

/* xorshift64*: a fixed, fast sequence; the same table and frames every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

static uint8_t draw_len(uint64_t *s)
{
	unsigned int total = 0, x;

	for (size_t i = 0; i < sizeof(LEN_WEIGHTS) / sizeof(LEN_WEIGHTS[0]); i++)
		total += LEN_WEIGHTS[i].weight;
	x = rnd(s) % total;
	for (size_t i = 0; i < sizeof(LEN_WEIGHTS) / sizeof(LEN_WEIGHTS[0]); i++) {
		if (x < LEN_WEIGHTS[i].weight)
			return LEN_WEIGHTS[i].len;
		x -= LEN_WEIGHTS[i].weight;
	}
	return 24;
}

static uint32_t mask_of(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

static void routes_add(struct bench_routes *r, uint32_t prefix, uint8_t len)
{
	r->prefix[r->n] = prefix;
	r->len[r->n++] = len;
	r->by_len[len]++;
}

struct bench_routes *bench_routes_make(unsigned int n)
{
	struct bench_routes *r = calloc(1, sizeof(*r));
	uint64_t s = 0x76697267612d7274ull, *seen = NULL, mask;

	if (r == NULL)
		return NULL;
	r->prefix = calloc(n, sizeof(*r->prefix));
	r->len = calloc(n, sizeof(*r->len));
	for (mask = 1; mask < 2ull * n; mask <<= 1)
		;
	seen = calloc(mask, sizeof(*seen)); /* open addressing on prefix << 8 | len, +1 */
	if (r->prefix == NULL || r->len == NULL || seen == NULL)
		goto fail;
	mask--;
	if (n == 1) {
		routes_add(r, 20u << 24, 8);
		free(seen);
		return r;
	}
	while (r->n < n) {
		uint8_t len = draw_len(&s), first = 11 + rnd(&s) % 213;
		uint32_t prefix;
		uint64_t key, h;

		if (first == 127)
			continue;
		prefix = ((uint32_t)first << 24 | (uint32_t)(rnd(&s) & 0xffffff)) & mask_of(len);
		key = ((uint64_t)prefix << 8 | len) + 1;
		for (h = (key * 0x9e3779b97f4a7c15ull) >> 20 & mask; seen[h] && seen[h] != key;
		                h = (h + 1) & mask)
			;
		if (seen[h] == key)
			continue;
		seen[h] = key;
		routes_add(r, prefix, len);
	}
	free(seen);
	return r;
fail:
	free(seen);
	bench_routes_free(r);
	return NULL;
}

void bench_routes_free(struct bench_routes *r)
{
	if (r == NULL)
		return;
	free(r->prefix);
	free(r->len);
	free(r);
}

void bench_routes_describe(const struct bench_routes *r, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int l = 32; l >= 0 && at < len; l--) {
		if (r->by_len[l] * 1000 < r->n && !(r->n < 1000 && r->by_len[l]))
			continue; /* under 0.1% */
		at += snprintf(buf + at, len - at, "%s/%d %.1f%%", at ? ", " : "", l,
		                100.0 * r->by_len[l] / r->n);
	}
}

void bench_routes_get(const struct bench_routes *r, unsigned int i, uint32_t *prefix, uint8_t *len)
{
	*prefix = r->prefix[i];
	*len = r->len[i];
}

unsigned int bench_routes_count(const struct bench_routes *r)
{
	return r->n;
}

void bench_route_macs(uint8_t if_a[6], uint8_t if_b[6], uint8_t next_hop[6])
{
	memcpy(if_a, IF_A_MAC, 6);
	memcpy(if_b, IF_B_MAC, 6);
	memcpy(next_hop, NH_MAC, 6);
}

int bench_write_route_frames(const char *path, const struct bench_routes *r, unsigned int flows)
{
	uint8_t frame[BENCH_FRAME_LEN];
	uint64_t s = 0x6672616d65732d31ull;
	FILE *f = bench_pcap_open(path);
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (unsigned int i = 0; i < flows && rc == 0; i++) {
		unsigned int k = rnd(&s) % r->n, host = i % 250;
		uint32_t dst = r->prefix[k] | ((uint32_t)rnd(&s) & ~mask_of(r->len[k]));
		const uint8_t src_mac[6] = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)host};
		const uint8_t sip[4] = {10, 0, 0, (uint8_t)(2 + host)};
		const uint8_t dip[4] = {dst >> 24, dst >> 16, dst >> 8, dst};

		rc = bench_pcap_write(f, frame,
		                bench_build_udp(frame, IF_A_MAC, src_mac, 0, sip, dip,
		                                1024 + i % 60000),
		                i);
	}
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

static int program_topology(
                struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	struct dp_network_add_req na = {.name = "a", .physnet = "pa", .type = DP_NET_FLAT};
	struct dp_network_add_req nb = {.name = "b", .physnet = "pb", .type = DP_NET_FLAT};
	struct dp_port_add_req pa, pb;
	struct dp_port_attach_req at_a = {.port = "a", .physnet = "pa", .mode = DP_PORT_UPLINK};
	struct dp_port_attach_req at_b = {.port = "b", .physnet = "pb", .mode = DP_PORT_UPLINK};
	struct dp_router_req router = {.name = "r1", .max_routes = s->routes->n + 16};
	struct dp_router_if_req ifa = {
	                .router = "r1", .network = "a", .ip = {10, 0, 0, 1}, .prefixlen = 24};
	struct dp_router_if_req ifb = {
	                .router = "r1", .network = "b", .ip = {10, 1, 0, 1}, .prefixlen = 24};
	struct dp_neigh_req nh = {.scope = "b"};
	struct dp_mac_req mac = {.network = "b", .port = "b"};
	int rc;

	bench_port_req(s, 0, "a", &pa);
	bench_port_req(s, 1, "b", &pb);
	memcpy(ifa.mac, IF_A_MAC, 6);
	memcpy(ifb.mac, IF_B_MAC, 6);
	memcpy(nh.ip, NH_IP, 4);
	memcpy(nh.mac, NH_MAC, 6);
	memcpy(mac.mac, NH_MAC, 6);
#define CALL(type, req) bench_call(c, type, &(req), sizeof(req), NULL, 0, why, len)
	if ((rc = CALL(DP_MSG_NETWORK_ADD, na)) < 0 || (rc = CALL(DP_MSG_NETWORK_ADD, nb)) < 0 ||
	                (rc = CALL(DP_MSG_PORT_ADD, pa)) < 0 ||
	                (rc = CALL(DP_MSG_PORT_ADD, pb)) < 0 ||
	                (rc = CALL(DP_MSG_PORT_ATTACH, at_a)) < 0 ||
	                (rc = CALL(DP_MSG_PORT_ATTACH, at_b)) < 0 ||
	                (rc = CALL(DP_MSG_ROUTER_ADD, router)) < 0 ||
	                (rc = CALL(DP_MSG_ROUTER_IF_ADD, ifa)) < 0 ||
	                (rc = CALL(DP_MSG_ROUTER_IF_ADD, ifb)) < 0 ||
	                (rc = CALL(DP_MSG_NEIGH_ADD, nh)) < 0 ||
	                (rc = CALL(DP_MSG_MAC_ADD, mac)) < 0)
		return rc;
#undef CALL
	return 0;
}

int bench_program_route(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	const struct bench_routes *r = s->routes;
	int rc = program_topology(c, s, why, len);
	double t0 = bench_now();
	unsigned int i;

	for (i = 0; rc == 0 && i < r->n && !bench_interrupted; i++) {
		/* A big table takes minutes, and its adds get slower as it fills: show it. */
		if (i && i % 100000 == 0)
			fprintf(stderr, "virga-bench: %s: %u routes in %.1f s\n", s->name, i,
			                bench_now() - t0);
		struct dp_route_req route = {.router = "r1", .prefixlen = r->len[i]};
		uint32_t p = r->prefix[i];

		route.prefix[0] = p >> 24;
		route.prefix[1] = p >> 16;
		route.prefix[2] = p >> 8;
		route.prefix[3] = p;
		memcpy(route.nexthop, NH_IP, 4);
		rc = bench_call(c, DP_MSG_ROUTE_ADD, &route, sizeof(route), NULL, 0, why, len);
		if (rc < 0) {
			size_t at = strlen(why);

			snprintf(why + at, len - at, " (route %u: %u.%u.%u.%u/%u)", i,
			                route.prefix[0], route.prefix[1], route.prefix[2],
			                route.prefix[3], route.prefixlen);
		}
	}
	if (bench_interrupted && rc == 0) {
		snprintf(why, len, "interrupted after %u routes in %.1f s", i, bench_now() - t0);
		return -EINTR;
	}
	return rc;
}
