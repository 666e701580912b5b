/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fip: route-1's topology (scenario_route.c) with network b as router r1's
 * gateway (GW_SET, SNAT off) and BENCH_FIP_HOSTS floating IPs 10.1.0.100+k for
 * the hosts 10.0.0.2+k of network a. Port a replays `flows` 60-byte IPv4/UDP
 * frames from those hosts to random addresses of 20.0.0.0/8: each leaves b
 * with its source rewritten to its fip (stateless 1:1, checksums patched).
 * One way (outbound): the harness replays on one device only.
 *
 * snat: the same topology and frames (BENCH_SNAT_FLOWS of them, each its own
 * flow: its own destination and source port), no floating IPs, and the
 * gateway with SNAT over the default range: each frame leaves b from the
 * gateway's address, its source port kept (each is in the range and free).
 * The first frame of each flow creates its translation during the warm-up;
 * every frame measured is then a packet of an established translated
 * connection (one bulk lookup per burst, the state, the rewrite). Both ways:
 * b replays each flow's reply (from its destination's port 5001 to the
 * gateway's address and the flow's port), translated back to its host on a,
 * whose addresses are permanent neighbours there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <virga/dp_client.h>

#include "bench.h"

static const uint8_t IF_A_MAC[6] = {0x02, 0x56, 0x47, 0x00, 0x00, 0x0a};

int bench_write_snat_frames(const char *path_a, const char *path_b)
{
	static const uint8_t gw[4] = {10, 1, 0, 1};
	uint8_t frame[BENCH_FRAME_LEN];
	uint64_t s = 0x6669702d66726d73ull;
	FILE *fa = bench_pcap_open(path_a), *fb = bench_pcap_open(path_b);
	int rc = fa && fb ? 0 : -errno;

	for (unsigned int i = 0; i < BENCH_SNAT_FLOWS && rc == 0; i++) {
		unsigned int host = i % BENCH_FIP_HOSTS;
		const uint8_t src_mac[6] = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)host};
		const uint8_t sip[4] = {10, 0, 0, (uint8_t)(2 + host)};
		uint16_t port = (uint16_t)(1024 + i % 60000);
		uint8_t dip[4];
		size_t len;

		bench_dip_20_8(&s, dip);
		rc = bench_pcap_write(fa, frame,
				bench_build_udp(frame, IF_A_MAC, src_mac, 0, sip, dip, port), i);
		if (rc)
			break;
		/* The reply: bench_build_udp's frame from dip's port 5001, to the kept port. */
		len = bench_build_udp(frame, bench_route_if_b_mac, bench_route_nh_mac, 0, dip, gw,
				5001);
		frame[BENCH_UDP_OFF + 2] = (uint8_t)(port >> 8);
		frame[BENCH_UDP_OFF + 3] = (uint8_t)port;
		rc = bench_pcap_write(fb, frame, len, i);
	}
	if (fa && bench_pcap_close(fa) < 0 && rc == 0)
		rc = -EIO;
	if (fb && bench_pcap_close(fb) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

int bench_write_fip_frames(const char *path, unsigned int flows)
{
	uint8_t frame[BENCH_FRAME_LEN];
	uint64_t s = 0x6669702d66726d73ull;
	FILE *f = bench_pcap_open(path);
	int rc = 0;

	if (f == NULL)
		return -errno;
	for (unsigned int i = 0; i < flows && rc == 0; i++) {
		unsigned int host = i % BENCH_FIP_HOSTS;
		const uint8_t src_mac[6] = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)host};
		const uint8_t sip[4] = {10, 0, 0, (uint8_t)(2 + host)};
		uint8_t dip[4];

		bench_dip_20_8(&s, dip);
		rc = bench_pcap_write(f, frame,
				bench_build_udp(frame, IF_A_MAC, src_mac, 0, sip, dip, 1024 + i % 60000),
				i);
	}
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

/* route-1's routes, and b as r1's gateway. */
static int program_gateway(struct dp_client *c, const struct bench_scenario *s, uint8_t snat,
		char *why, size_t len)
{
	struct dp_router_gw_req gw = {.router = "r1", .network = "b", .snat = snat};
	int rc = bench_program_route(c, s, why, len);

	if (rc == 0)
		rc = bench_call(c, DP_MSG_ROUTER_GW_SET, &gw, sizeof(gw), NULL, 0, why, len);
	return rc;
}

int bench_program_snat(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	int rc = program_gateway(c, s, 1, why, len);

	/* The hosts on a, where the replies go: permanent neighbours and static MACs. */
	for (unsigned int k = 0; rc == 0 && k < BENCH_FIP_HOSTS; k++) {
		struct dp_neigh_req nh = {.scope = "a", .ip = {10, 0, 0, (uint8_t)(2 + k)},
				.mac = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)k}};
		struct dp_mac_req mac = {.network = "a", .port = "a",
				.mac = {0x02, 0x41, 0x00, 0x00, 0x00, (uint8_t)k}};

		rc = bench_call(c, DP_MSG_NEIGH_ADD, &nh, sizeof(nh), NULL, 0, why, len);
		if (rc == 0)
			rc = bench_call(c, DP_MSG_MAC_ADD, &mac, sizeof(mac), NULL, 0, why, len);
	}
	return rc;
}

int bench_program_fip(struct dp_client *c, const struct bench_scenario *s, char *why, size_t len)
{
	int rc = program_gateway(c, s, 0, why, len);

	for (unsigned int k = 0; rc == 0 && k < BENCH_FIP_HOSTS; k++) {
		struct dp_fip_req f = {.router = "r1", .fip = {10, 1, 0, (uint8_t)(100 + k)},
				.fixed_ip = {10, 0, 0, (uint8_t)(2 + k)}};

		rc = bench_call(c, DP_MSG_FIP_ADD, &f, sizeof(f), NULL, 0, why, len);
	}
	return rc;
}
