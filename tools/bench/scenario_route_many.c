/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route-many: frames spread over BENCH_MANY_ROUTERS tenant routers, one
 * route each, as a network node carries them.
 *
 *   port a: uplink of physnet pa; port b: uplink of physnet pb
 *   router mK (K = 1..BENCH_MANY_ROUTERS), between two VLAN networks of its own:
 *     aK (pa, VLAN K): 10.0.0.1/24, MAC 02:52:4d:K>>8:K&255:0a
 *     bK (pb, VLAN K): 10.1.0.1/24, MAC 02:52:4d:K>>8:K&255:0b
 *     (the same subnets in every router, as tenants reuse them)
 *   route 20.0.0.0/8 via 10.1.0.2 on bK: a permanent neighbour and a static
 *     MAC entry on port b, so routed frames leave b tagged K, as unicast
 *
 * Port a replays `flows` 64-byte tagged IPv4/UDP frames, frame i to router
 * 1 + i % BENCH_MANY_ROUTERS at a random address of 20/8: a burst of 32
 * holds 32 routers, so each frame takes its own router's lookup (no burst
 * of one router). Port b replays one frame, once.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

static const uint8_t NH_MAC[6] = {0x02, 0x4e, 0x48, 0x00, 0x00, 0x01};

static void if_mac(uint8_t mac[6], unsigned int k, uint8_t side)
{
	const uint8_t m[6] = {0x02, 0x52, 0x4d, (uint8_t)(k >> 8), (uint8_t)k, side};

	memcpy(mac, m, 6);
}

int bench_write_route_many_frames(const char *path, unsigned int flows)
{
	uint8_t frame[BENCH_FRAME_LEN], dst[6];
	uint64_t s = 0x6d616e792d727473ull;
	FILE *f = bench_pcap_open(path);
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (unsigned int i = 0; i < flows && rc == 0; i++) {
		unsigned int k = 1 + i % BENCH_MANY_ROUTERS, host = i / BENCH_MANY_ROUTERS % 250;
		const uint8_t src_mac[6] = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)host};
		const uint8_t sip[4] = {10, 0, 0, (uint8_t)(2 + host)};
		uint8_t dip[4];

		bench_dip_20_8(&s, dip);
		if_mac(dst, k, 0x0a);
		rc = bench_pcap_write(f, frame,
				bench_build_udp(frame, dst, src_mac, (uint16_t)k, sip, dip,
						1024 + i % 60000),
				i);
	}
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

/* Router k, its two networks, its route and its next hop. */
static int program_router(struct dp_client *c, unsigned int k, char *why, size_t len)
{
	struct dp_network_add_req na = {.physnet = "pa", .seg_id = k, .type = DP_NET_VLAN};
	struct dp_network_add_req nb = {.physnet = "pb", .seg_id = k, .type = DP_NET_VLAN};
	struct dp_router_req router = {0};
	struct dp_router_if_req ifa = {.ip = {10, 0, 0, 1}, .prefixlen = 24};
	struct dp_router_if_req ifb = {.ip = {10, 1, 0, 1}, .prefixlen = 24};
	struct dp_route_req route = {.prefix = {20}, .prefixlen = 8, .nexthop = {10, 1, 0, 2}};
	struct dp_neigh_req nh = {.ip = {10, 1, 0, 2}};
	struct dp_mac_req mac = {.port = "b"};
	int rc;

	snprintf(na.name, sizeof(na.name), "a%u", k);
	snprintf(nb.name, sizeof(nb.name), "b%u", k);
	snprintf(router.name, sizeof(router.name), "m%u", k);
	memcpy(ifa.router, router.name, sizeof(ifa.router));
	memcpy(ifb.router, router.name, sizeof(ifb.router));
	memcpy(route.router, router.name, sizeof(route.router));
	memcpy(ifa.network, na.name, sizeof(ifa.network));
	memcpy(ifb.network, nb.name, sizeof(ifb.network));
	memcpy(nh.scope, nb.name, sizeof(nh.scope));
	memcpy(mac.network, nb.name, sizeof(mac.network));
	if_mac(ifa.mac, k, 0x0a);
	if_mac(ifb.mac, k, 0x0b);
	memcpy(nh.mac, NH_MAC, 6);
	memcpy(mac.mac, NH_MAC, 6);
#define CALL(type, req) bench_call(c, type, &(req), sizeof(req), NULL, 0, why, len)
	if ((rc = CALL(DP_MSG_NETWORK_ADD, na)) < 0 || (rc = CALL(DP_MSG_NETWORK_ADD, nb)) < 0 ||
			(rc = CALL(DP_MSG_ROUTER_ADD, router)) < 0 ||
			(rc = CALL(DP_MSG_ROUTER_IF_ADD, ifa)) < 0 ||
			(rc = CALL(DP_MSG_ROUTER_IF_ADD, ifb)) < 0 ||
			(rc = CALL(DP_MSG_ROUTE_ADD, route)) < 0 ||
			(rc = CALL(DP_MSG_NEIGH_ADD, nh)) < 0 || (rc = CALL(DP_MSG_MAC_ADD, mac)) < 0)
		return rc;
#undef CALL
	return 0;
}

int bench_program_route_many(
		struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	struct dp_port_add_req pa = {.name = "a"}, pb = {.name = "b"};
	struct dp_port_attach_req at_a = {.port = "a", .physnet = "pa", .mode = DP_PORT_UPLINK};
	struct dp_port_attach_req at_b = {.port = "b", .physnet = "pb", .mode = DP_PORT_UPLINK};
	int rc;

	snprintf(pa.devargs, sizeof(pa.devargs), "%s", s->devargs[0]);
	snprintf(pb.devargs, sizeof(pb.devargs), "%s", s->devargs[1]);
	if ((rc = bench_call(c, DP_MSG_PORT_ADD, &pa, sizeof(pa), NULL, 0, why, len)) < 0 ||
			(rc = bench_call(c, DP_MSG_PORT_ADD, &pb, sizeof(pb), NULL, 0, why, len)) < 0 ||
			(rc = bench_call(c, DP_MSG_PORT_ATTACH, &at_a, sizeof(at_a), NULL, 0, why,
					 len)) < 0 ||
			(rc = bench_call(c, DP_MSG_PORT_ATTACH, &at_b, sizeof(at_b), NULL, 0, why,
					 len)) < 0)
		return rc;
	for (unsigned int k = 1; rc == 0 && k <= BENCH_MANY_ROUTERS && !bench_interrupted; k++)
		rc = program_router(c, k, why, len);
	return bench_interrupted && rc == 0 ? -EINTR : rc;
}
