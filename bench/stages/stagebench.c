/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-stagebench: TSC cycles per frame of the routing stages alone
 * (bridge_input, then ip4_route), without any PMD, on one core.
 *
 * virga-bench measures the whole engine against testpmd, which is what the
 * bars are about; this one says where inside Virga the cycles go, and is
 * steady enough to compare two builds: no device, no copy, the same frames
 * every pass. Frames are IPv4/UDP from 250 hosts of network a to random
 * destinations under --routes random prefixes via one next hop on network
 * b (as virga-bench's route scenarios); between passes their headers are
 * restored from a template, outside the timed part.
 *
 * --path encap and --path flood time the stages on the way out instead:
 * vxlan_output and l2_flood, each followed by port_tx (outpaths.c); --path
 * snat times the routing stages with SNAT on, both ways (snatpath.c).
 *
 * --routers N spreads the frames over N routers instead (route-many's topology in
 * virga-bench): router mK between VLAN K networks aK and bK of the two uplinks,
 * 20.0.0.0/8 via 10.1.0.2 on bK, frame i to router 1 + i % N.
 *
 *   virga-stagebench [--path route|encap|flood|snat] [--routes N | --routers N] [--frames N]
 *                    [--passes N]
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ip.h>

#include "ctl/ctl_handlers.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_l2.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "outpaths.h"
#include "pkt_builder.h"

#define BURST 32
#define HDR_LEN 64 /* what the stages change: Ethernet + IPv4 headers, and a tag's room */

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "virga-stagebench: %s: %d\n", what, rc);
	exit(1);
}

static uint16_t port_a;

static void setup(uint32_t n_routes, uint32_t *prefixes, uint8_t *lens)
{
	struct dp_router_req r = {.name = "r1", .max_routes = n_routes + 16};
	struct dp_router_if_req ifa = {.router = "r1", .network = "a", .prefixlen = 24},
				ifb = {.router = "r1", .network = "b", .prefixlen = 24};
	struct dp_route_req rt = {.router = "r1"};
	const struct rte_ether_addr nh_mac = {{2, 0x4e, 0x48, 0, 0, 1}};
	uint64_t t0;
	int rc;

	test_network("a", DP_NET_FLAT, "pa", 0, 1500);
	test_network("b", DP_NET_FLAT, "pb", 0, 1500);
	port_a = test_port("a");
	test_port("b");
	test_uplink("a", "pa");
	test_uplink("b", "pb");
	if ((rc = dp_conf_router_add(&r)) < 0)
		die("router add", rc);
	inet_pton(AF_INET, "10.0.0.1", ifa.ip);
	inet_pton(AF_INET, "10.1.0.1", ifb.ip);
	if ((rc = dp_conf_router_if_add(&ifa)) < 0 || (rc = dp_conf_router_if_add(&ifb)) < 0)
		die("router interface add", rc);
	if ((rc = dp_neigh_add_permanent(dp_conf_net_by_name("b"), test_ip("10.1.0.2"), &nh_mac,
			     false)) < 0)
		die("neighbour add", rc);
	/* ... and its MAC behind port b, so routed frames leave as unicast. */
	struct dp_mac_req mac = {.network = "b", .port = "b"};
	uint32_t len = 0;
	memcpy(mac.mac, &nh_mac, 6);
	if ((rc = dp_ctl_mac_add(&mac, sizeof(mac), NULL, &len)) < 0)
		die("MAC add", rc);
	inet_pton(AF_INET, "10.1.0.2", rt.nexthop);
	t0 = rte_rdtsc();
	for (uint32_t i = 0; i < n_routes; i++) {
		uint8_t len;
		uint32_t p;

		do {
			len = n_routes == 1 ? 8 : 16 + rnd() % 9; /* /16 to /24 */
			p = (11 + rnd() % 200) << 24 | (rnd() & 0xffffff);
			p &= ~0u << (32 - len);
		} while ((p >> 24) == 127);
		prefixes[i] = p;
		lens[i] = len;
		rt.prefixlen = len;
		p = htonl(p);
		memcpy(rt.prefix, &p, 4);
		rc = dp_conf_route_add(&rt);
		if (rc == -EEXIST) {
			i--;
			continue;
		}
		if (rc < 0)
			die("route add", rc);
	}
	printf("programmed %u routes in %.2f s\n", n_routes,
			(double)(rte_rdtsc() - t0) / rte_get_tsc_hz());
}

static void setup_many(uint32_t n)
{
	const struct rte_ether_addr nh_mac = {{2, 0x4e, 0x48, 0, 0, 1}};
	int rc;

	port_a = test_port("a");
	test_port("b");
	test_uplink("a", "pa");
	test_uplink("b", "pb");
	for (uint32_t k = 1; k <= n; k++) {
		struct dp_router_req rr = {0};
		struct dp_route_req rt = {.prefix = {20}, .prefixlen = 8, .nexthop = {10, 1, 0, 2}};
		struct dp_mac_req mac = {.port = "b"};
		char a[16], b[16];
		uint32_t len = 0;

		snprintf(a, sizeof(a), "a%u", k);
		snprintf(b, sizeof(b), "b%u", k);
		snprintf(rr.name, sizeof(rr.name), "m%u", k);
		test_network(a, DP_NET_VLAN, "pa", k, 1500);
		test_network(b, DP_NET_VLAN, "pb", k, 1500);
		if ((rc = dp_conf_router_add(&rr)) < 0)
			die("router add", rc);
		test_router_if(rr.name, a, "10.0.0.1", 24);
		test_router_if(rr.name, b, "10.1.0.1", 24);
		memcpy(rt.router, rr.name, sizeof(rt.router));
		if ((rc = dp_conf_route_add(&rt)) < 0)
			die("route add", rc);
		if ((rc = dp_neigh_add_permanent(dp_conf_net_by_name(b), test_ip("10.1.0.2"),
				     &nh_mac, false)) < 0)
			die("neighbour add", rc);
		snprintf(mac.network, sizeof(mac.network), "%s", b);
		memcpy(mac.mac, &nh_mac, 6);
		if ((rc = dp_ctl_mac_add(&mac, sizeof(mac), NULL, &len)) < 0)
			die("MAC add", rc);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"routes", required_argument, NULL, 'r'},
			{"frames", required_argument, NULL, 'f'},
			{"passes", required_argument, NULL, 'p'},
			{"path", required_argument, NULL, 'P'},
			{"routers", required_argument, NULL, 'R'}, {NULL, 0, NULL, 0}};
	const char *path = "route";
	uint32_t n_routes = 1, n_routers = 1, n_frames = 3968, passes = 2000;
	uint64_t bridge_cyc = 0, route_cyc = 0, routed = 0;
	struct rte_mbuf **frames;
	uint8_t (*tmpl)[HDR_LEN];
	uint32_t *prefixes;
	uint8_t *lens;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			n_routes = strtoul(optarg, NULL, 0);
		else if (c == 'f')
			n_frames = strtoul(optarg, NULL, 0) / BURST * BURST;
		else if (c == 'p')
			passes = strtoul(optarg, NULL, 0);
		else if (c == 'P')
			path = optarg;
		else if (c == 'R')
			n_routers = strtoul(optarg, NULL, 0);
		else
			return 2;
	}
	if (n_routes == 0 || n_routers == 0 || n_routers > 4094 || n_frames == 0 ||
			n_frames > 4096 - 2 * BURST)
		die("--routes must be > 0 and --frames 32..4000", -EINVAL);
	if (test_env_init("stagebench") < 0)
		die("EAL init", -1);
	test_env_reset();
	if (strcmp(path, "encap") == 0) {
		bench_encap(n_frames, passes);
		return 0;
	}
	if (strcmp(path, "flood") == 0) {
		bench_flood(n_frames, passes);
		return 0;
	}
	if (strcmp(path, "snat") == 0) {
		bench_snat(n_frames, passes);
		return 0;
	}
	if (strcmp(path, "route") != 0)
		die("--path is route, encap, flood or snat", -EINVAL);
	prefixes = calloc(n_routes, sizeof(*prefixes));
	lens = calloc(n_routes, 1);
	frames = calloc(n_frames, sizeof(*frames));
	tmpl = calloc(n_frames, sizeof(*tmpl));
	if (!prefixes || !lens || !frames || !tmpl)
		die("memory", -ENOMEM);
	if (n_routers > 1)
		setup_many(n_routers);
	else
		setup(n_routes, prefixes, lens);

	const struct dp_router_conf *rc =
			n_routers > 1 ? NULL : dp_router_confs[dp_conf_router_by_name("r1")];
	for (uint32_t i = 0; i < n_frames; i++) {
		uint32_t k = rnd() % n_routes, host = lens[k] == 32 ? 0 : rnd() & ~(~0u << (32 - lens[k]));
		struct pkt_spec s = {.dst = rc != NULL ? rc->rifs[0].mac : (struct rte_ether_addr){{0}},
				.vlan = NO_VLAN,
				.in_port = port_a};
		char src[16], dst[16];
		struct in_addr a = {.s_addr = htonl(prefixes[k] | host)};

		if (n_routers > 1) {
			char name[16];

			snprintf(name, sizeof(name), "m%u", 1 + i % n_routers);
			s.dst = dp_router_confs[dp_conf_router_by_name(name)]->rifs[0].mac;
			s.vlan = (uint16_t)(1 + i % n_routers);
			a.s_addr = htonl(20u << 24 | (rnd() & 0xffffff));
		}
		s.src = (struct rte_ether_addr){{2, 0x53, 0, 0, 0, 1 + i % 250}};
		snprintf(src, sizeof(src), "10.0.0.%u", 2 + i % 250);
		inet_ntop(AF_INET, &a, dst, sizeof(dst));
		frames[i] = pkt_ipv4_udp(test_pool, &s, src, dst, 18); /* 60-byte frames */
		memcpy(tmpl[i], rte_pktmbuf_mtod(frames[i], void *), HDR_LEN);
	}

	for (uint32_t p = 0; p < passes; p++) {
		for (uint32_t b = 0; b < n_frames; b += BURST) {
			struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(BURST)];
			uint16_t edge[BURST], next[RTE_DIM(out)], n_out;
			uint64_t t0, t1, t2;

			for (uint32_t i = b; i < b + BURST; i++) {
				struct rte_mbuf *m = frames[i];

				/* Back to the frame as received: start, length, headers. */
				rte_pktmbuf_reset_headroom(m);
				m->port = port_a;
				memcpy(rte_pktmbuf_mtod(m, void *), tmpl[i], HDR_LEN);
			}
			t0 = rte_rdtsc();
			dp_bridge_input_burst(test_worker, &frames[b], BURST, edge);
			t1 = rte_rdtsc();
			n_out = dp_ip4_route_burst(test_worker, &frames[b], BURST, out, next);
			t2 = rte_rdtsc();
			if (p == 0) {
				for (uint16_t i = 0; i < BURST; i++)
					if (edge[i] != DP_L2_ROUTE)
						die("bridge_input did not choose the router", edge[i]);
				for (uint16_t i = 0; i < n_out; i++)
					if (next[i] != DP_L2_TX)
						die("ip4_route did not send to port_tx", next[i]);
			}
			bridge_cyc += t1 - t0;
			route_cyc += t2 - t1;
			routed += n_out;
		}
		test_worker->now_sec = dp_clock_sec();
	}
	printf("routers %u routes %u frames %u passes %u: bridge_input %.1f + ip4_route %.1f = %.1f cycles/frame (%lu routed)\n",
			n_routers, n_routes, n_frames, passes, (double)bridge_cyc / routed,
			(double)route_cyc / routed, (double)(bridge_cyc + route_cyc) / routed, routed);
	return 0;
}
