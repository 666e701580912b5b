/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-stagebench --path snat: bridge_input and ip4_route with SNAT on, both
 * ways, as virga-bench's snat scenario without the PMDs. Router r1 has its
 * gateway on "ext" (203.0.113.1, SNAT over its whole port range) and "lan"
 * 10.0.0.1/24; --frames / 2 connections (UDP from 250 hosts of lan, each its own
 * source port, to 203.0.113.50:80) are made on a first, untimed pass; then
 * every burst holds half frames leaving and half their replies coming back,
 * as a worker polling both ports sees them. Each direction's frames are
 * restored from a template between bursts, outside the timed part; the
 * replies' template is what the first pass's frames left as, turned around.
 *
 * Steadier than virga-bench to compare two builds of the SNAT path (no
 * device, no copy): it says where the cycles of SNAT go, not what the
 * engine forwards.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "ct/dp_ct.h"
#include "ctl/ctl_handlers.h"
#include "dp_test_env.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "engine/dp_tables.h"
#include "l2/dp_bridge.h"
#include "l2/dp_l2.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "outpaths.h"
#include "pkt_builder.h"

#define HALF 32 /* each direction's share of a burst of 64: two ports' rx bursts */
#define HDR_LEN 64
#define HOSTS 250

static void die(const char *what, int rc)
{
	fprintf(stderr, "virga-stagebench: %s: %d\n", what, rc);
	exit(1);
}

static void mac_at(const char *network, const char *port, const struct rte_ether_addr *mac)
{
	struct dp_mac_req req = {0};
	uint32_t len = 0;
	int rc;

	snprintf(req.network, sizeof(req.network), "%s", network);
	snprintf(req.port, sizeof(req.port), "%s", port);
	memcpy(req.mac, mac, 6);
	if ((rc = dp_ctl_mac_add(&req, sizeof(req), NULL, &len)) < 0)
		die("MAC add", rc);
}

/* The neighbours, resolved and behind their ports, so routed frames leave as unicast. */
static void neighbours(void)
{
	const struct rte_ether_addr outside = {{2, 0, 0, 0, 0, 0x0e}};
	int rc;

	if ((rc = dp_neigh_add_permanent(dp_conf_net_by_name("ext"), test_ip("203.0.113.50"),
			     &outside, false)) < 0)
		die("neighbour add", rc);
	mac_at("ext", "x", &outside);
	for (unsigned int h = 0; h < HOSTS; h++) {
		struct rte_ether_addr vm = {{2, 0x53, 0, 0, 0, (uint8_t)(1 + h)}};
		char ip[16];

		snprintf(ip, sizeof(ip), "10.0.0.%u", 2 + h);
		if ((rc = dp_neigh_add_permanent(dp_conf_net_by_name("lan"), test_ip(ip), &vm,
				     false)) < 0)
			die("neighbour add", rc);
		mac_at("lan", "v", &vm);
	}
}

/* Back to the frame as received: start, length, headers. */
static void restore(struct rte_mbuf **m, uint8_t (*tmpl)[HDR_LEN], uint16_t port, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		rte_pktmbuf_reset_headroom(m[i]);
		m[i]->port = port;
		memcpy(rte_pktmbuf_mtod(m[i], void *), tmpl[i], HDR_LEN);
	}
}

/* Runs n frames through both stages; returns how many left, all of them to port_tx
 * when `check` (else dies). */
static uint16_t route(struct rte_mbuf **m, uint16_t n, bool check, uint64_t *cyc)
{
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(2 * HALF)];
	uint16_t edge[2 * HALF], next[RTE_DIM(out)], n_out;
	uint64_t t0 = rte_rdtsc();

	dp_bridge_input_burst(test_worker, m, n, edge);
	n_out = dp_ip4_route_burst(test_worker, m, n, out, next);
	*cyc += rte_rdtsc() - t0;
	if (check) {
		for (uint16_t i = 0; i < n; i++)
			if (edge[i] != DP_L2_ROUTE)
				die("bridge_input did not choose the router", edge[i]);
		for (uint16_t i = 0; i < n_out; i++)
			if (next[i] != DP_L2_TX)
				die("ip4_route did not send to port_tx", next[i]);
		if (n_out != n)
			die("frames lost in ip4_route", n - n_out);
	}
	return n_out;
}

void bench_snat(uint32_t n_all, uint32_t passes)
{
	/* --frames counts both ways: the unit tests' pool holds no more. */
	uint32_t n_frames = n_all / 2 / HALF * HALF;
	struct dp_router_gw_req gw = {.snat = 1, .port_min = 1024, .port_max = 65535};
	struct rte_ether_addr gw_ext, gw_lan;
	uint16_t px, pv;
	struct rte_mbuf **out = calloc(n_frames, sizeof(*out)), **back = calloc(n_frames, sizeof(*back));
	uint8_t (*out_tmpl)[HDR_LEN] = calloc(n_frames, HDR_LEN), (*back_tmpl)[HDR_LEN] = calloc(n_frames, HDR_LEN);
	uint64_t cyc = 0, unused = 0, routed = 0;

	if (!out || !back || !out_tmpl || !back_tmpl)
		die("memory", -ENOMEM);
	/* The engine's own table size (the unit tests' is small), as virga-bench's engine has. */
	dp_ct_fini(dp_tables.ct);
	dp_tables.ct = dp_ct_init(&(struct dp_ct_conf){.socket_id = SOCKET_ID_ANY, .rcu = dp_tables.rcu});
	if (dp_tables.ct == NULL)
		die("connection table", -errno);
	test_gateway_router(&gw, &px, &pv, &gw_ext, &gw_lan);
	neighbours();
	test_forget_injected();
	for (uint32_t i = 0; i < n_frames; i++) {
		struct pkt_spec s = {.src = {{2, 0x53, 0, 0, 0, (uint8_t)(1 + i % HOSTS)}},
				.dst = gw_lan,
				.vlan = NO_VLAN,
				.in_port = pv};
		char src[16];

		snprintf(src, sizeof(src), "10.0.0.%u", 2 + i % HOSTS);
		out[i] = pkt_l4(test_pool, &s, IPPROTO_UDP, src, (uint16_t)(1024 + i), "203.0.113.50",
				80, 0, 18);
		memcpy(out_tmpl[i], rte_pktmbuf_mtod(out[i], void *), HDR_LEN);
	}
	/* The connections, and what their frames left as: the replies' templates. */
	for (uint32_t b = 0; b < n_frames; b += HALF)
		route(&out[b], (uint16_t)RTE_MIN((uint32_t)HALF, n_frames - b), true, &unused);
	for (uint32_t i = 0; i < n_frames; i++) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(out[i], struct rte_ether_hdr *);
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		struct pkt_spec s = {.src = eth->dst_addr, .dst = gw_ext, .vlan = NO_VLAN, .in_port = px};

		if (ip->src_addr != test_ip("203.0.113.1"))
			die("a frame left untranslated", (int)i);
		back[i] = pkt_l4(test_pool, &s, IPPROTO_UDP, "203.0.113.50", 80, "203.0.113.1",
				rte_be_to_cpu_16(udp->src_port), 0, 18);
		memcpy(back_tmpl[i], rte_pktmbuf_mtod(back[i], void *), HDR_LEN);
	}
	for (uint32_t p = 0; p < passes; p++) {
		for (uint32_t b = 0; b + HALF <= n_frames; b += HALF) {
			struct rte_mbuf *burst[2 * HALF];

			restore(&out[b], &out_tmpl[b], pv, HALF);
			restore(&back[b], &back_tmpl[b], px, HALF);
			memcpy(burst, &out[b], HALF * sizeof(*burst));
			memcpy(burst + HALF, &back[b], HALF * sizeof(*burst));
			routed += route(burst, 2 * HALF, p == 0, &cyc);
			if (p == 0)
				for (uint32_t i = b; i < b + HALF; i++)
					if ((rte_pktmbuf_mtod_offset(back[i], struct rte_ipv4_hdr *,
							     sizeof(struct rte_ether_hdr))->dst_addr &
							    RTE_BE32(0xffffff00)) != test_ip("10.0.0.0"))
						die("a reply came back untranslated", (int)i);
		}
		test_worker->now_sec = dp_clock_sec();
	}
	printf("snat: %u connections, passes %u: bridge_input + ip4_route %.1f cycles/frame, both ways (%lu routed)\n",
			n_frames, passes, (double)cyc / routed, routed);
}
