/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-stagebench --path encap | flood: the stages on the way out, each
 * ending in port_tx on net_null devices (which free what they are given, as
 * virga-bench's pcap ports without tx_pcap do).
 *
 *  - encap: bridge_input, vxlan_output, port_tx, on 60-byte frames from a VM
 *    (port security on) to 4096 MACs behind 16 remote VTEPs whose underlay
 *    MACs are permanent neighbours, as virga-bench's vxlan-encap.
 *  - flood: l2_flood and port_tx on broadcast frames from one port of a VLAN
 *    network with four more access ports and an uplink: five copies a frame,
 *    four sharing its data, the uplink's tagged.
 *
 * Frames are made afresh for each burst outside the timed part (the devices
 * free them), from a template of their 60 bytes, in the engine's mbuf pool.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "ctl/ctl_handlers.h"
#include "dp_test_env.h"
#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "engine/dp_tables.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "l2/dp_vxlan.h"
#include "outpaths.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"
#include "port/dp_port_nodes.h"

#define BURST 32
#define FRAME_LEN 60
#define N_PEERS 16
#define N_STATIONS 4096
#define FLOOD_PORTS 4

static void die(const char *what, int rc)
{
	fprintf(stderr, "virga-stagebench: %s: %d\n", what, rc);
	exit(1);
}

static uint16_t null_port(const char *name)
{
	static unsigned int serial;
	struct dp_port_add_req req = {0};
	struct dp_port_add_reply reply;
	int rc;

	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.devargs, sizeof(req.devargs), "net_null_sb%u", serial++);
	if ((rc = dp_conf_port_add(&req, &reply)) < 0)
		die("null port add", rc);
	return reply.port_id;
}

/* BURST fresh frames from templates tmpl[first...] (wrapping at n_tmpl), as received. */
static void fresh_frames(struct rte_mbuf **m, uint8_t (*tmpl)[FRAME_LEN], uint32_t first,
		uint32_t n_tmpl, uint16_t in_port, uint16_t net_id)
{
	/* From the engine's own pool, as received frames are: per-lcore cached. */
	if (rte_pktmbuf_alloc_bulk(dp_tables.pool, m, BURST) < 0)
		die("out of mbufs", -1);
	for (uint16_t i = 0; i < BURST; i++) {
		memcpy(rte_pktmbuf_append(m[i], FRAME_LEN), tmpl[(first + i) % n_tmpl], FRAME_LEN);
		m[i]->port = in_port;
		dp_mbuf_meta(m[i])->net_id = net_id;
	}
}

/* The part that differs between builds: vxlan_output, then port_tx. */
static void encap_out(struct rte_mbuf **m, uint16_t n, bool check, uint64_t *vx, uint64_t *tx)
{
	struct rte_mbuf *reqs[BURST];
	uint16_t next[BURST], n_out, n_reqs;
	uint64_t t0 = rte_rdtsc(), t1;

	n_out = dp_vxlan_output_burst(test_worker, m, n, next, reqs, &n_reqs);
	t1 = rte_rdtsc();
	dp_port_tx_burst(test_worker, m, n_out);
	*vx += t1 - t0;
	*tx += rte_rdtsc() - t1;
	if (check && (n_out != n || n_reqs != 0))
		die("vxlan_output did not encapsulate every frame", n_out);
	for (uint16_t i = 0; check && i < n_out; i++)
		if (next[i] != DP_L2_TX)
			die("vxlan_output did not send to port_tx", next[i]);
}

/* The part that differs between builds: l2_flood on each frame, then port_tx. */
static void flood_out(struct rte_mbuf **m, uint16_t n, bool check, uint64_t *fl, uint64_t *tx)
{
	struct rte_mbuf *out[BURST * (FLOOD_PORTS + 1) + DP_FLOOD_MAX_COPIES];
	uint16_t next[RTE_DIM(out)], n_out = 0;
	uint64_t t0 = rte_rdtsc(), t1;

	for (uint16_t i = 0; i < n; i++)
		n_out += dp_flood_one(test_worker, m[i], out + n_out, next + n_out);
	t1 = rte_rdtsc();
	dp_port_tx_burst(test_worker, out, n_out);
	*fl += t1 - t0;
	*tx += rte_rdtsc() - t1;
	for (uint16_t i = 0; check && i < n_out; i++)
		if (next[i] != DP_L2_TX)
			die("l2_flood did not send to port_tx", next[i]);
}

static void report(const char *path, uint32_t frames, uint32_t passes, const char *a, uint64_t ca,
		const char *b, uint64_t cb, const char *c, uint64_t cc, uint64_t n)
{
	printf("%s frames %u passes %u:", path, frames, passes);
	if (a)
		printf(" %s %.1f +", a, (double)ca / n);
	printf(" %s %.1f + %s %.1f = %.1f cycles/frame (%lu frames)\n", b, (double)cb / n, c,
			(double)cc / n, (double)(ca + cb + cc) / n, n);
}

void bench_encap(uint32_t n_frames, uint32_t passes)
{
	const struct rte_ether_addr vm_mac = {{0x02, 0x56, 0x4d, 0, 0, 1}};
	struct dp_mac_req mac = {.network = "ov"};
	uint8_t (*tmpl)[FRAME_LEN] = calloc(n_frames, FRAME_LEN);
	uint64_t bridge = 0, vx = 0, tx = 0, n = 0;
	uint16_t vm;
	uint32_t len = 0;
	int rc;

	if (tmpl == NULL)
		die("memory", -1);
	test_network("ov", DP_NET_VXLAN, "", 5000, 0);
	vm = test_port("vm");
	test_attach("vm", "ov");
	test_security("vm", &vm_mac, "10.100.0.2");
	null_port("under");
	test_vtep("under", "172.31.0.1", 24, false);
	for (uint32_t i = 0; i < N_PEERS; i++) {
		const struct rte_ether_addr peer_mac = {{0x02, 0x50, 0x45, 0x45, 0x52, i}};
		uint32_t ip = htonl(0xac1f0002 + i); /* 172.31.0.2 + i */
		char s[16];

		inet_ntop(AF_INET, &ip, s, sizeof(s));
		test_peer("ov", s);
		if ((rc = dp_neigh_add_permanent(DP_NEIGH_SCOPE_UNDERLAY, ip, &peer_mac, false)) < 0)
			die("neighbour add", rc);
	}
	for (uint32_t i = 0; i < N_STATIONS; i++) {
		uint32_t ip = htonl(0xac1f0002 + i % N_PEERS);
		struct rte_ether_addr st = {{0x02, 0x52, 0, 0, i >> 8, i & 0xff}};

		memcpy(mac.mac, &st, 6);
		memcpy(mac.remote_vtep, &ip, 4);
		if ((rc = dp_ctl_mac_add(&mac, sizeof(mac), NULL, &len)) < 0)
			die("MAC add", rc);
	}
	for (uint32_t i = 0; i < n_frames; i++) {
		struct pkt_spec s = {.src = vm_mac, .vlan = NO_VLAN, .in_port = vm};
		struct in_addr dst = {.s_addr = htonl(0x0a641000 + i % N_STATIONS)};
		struct rte_mbuf *m;
		char d[16];

		s.dst = (struct rte_ether_addr){{0x02, 0x52, 0, 0, (i % N_STATIONS) >> 8, i & 0xff}};
		inet_ntop(AF_INET, &dst, d, sizeof(d));
		m = pkt_ipv4_udp(test_pool, &s, "10.100.0.2", d, 18);
		memcpy(tmpl[i], rte_pktmbuf_mtod(m, void *), FRAME_LEN);
		rte_pktmbuf_free(m);
	}
	for (uint32_t p = 0; p < passes; p++) {
		for (uint32_t b = 0; b < n_frames; b += BURST) {
			struct rte_mbuf *m[BURST];
			uint16_t edge[BURST];
			uint64_t t0;

			fresh_frames(m, tmpl, b, n_frames, vm, 0);
			t0 = rte_rdtsc();
			dp_bridge_input_burst(test_worker, m, BURST, edge);
			bridge += rte_rdtsc() - t0;
			for (uint16_t i = 0; p == 0 && i < BURST; i++)
				if (edge[i] != DP_L2_VXLAN)
					die("bridge_input did not choose a remote VTEP", edge[i]);
			encap_out(m, BURST, p == 0, &vx, &tx);
			n += BURST;
		}
		test_worker->now_sec = dp_clock_sec();
	}
	if (test_worker->port[dp_conf_port_by_name("under")].tx_packets != n)
		die("not every frame was sent on the underlay", -1);
	report("encap", n_frames, passes, "bridge_input", bridge, "vxlan_output", vx, "port_tx", tx,
			n);
	free(tmpl);
}

void bench_flood(uint32_t n_frames, uint32_t passes)
{
	uint8_t (*tmpl)[FRAME_LEN] = calloc(n_frames, FRAME_LEN);
	uint64_t fl = 0, tx = 0, n = 0, copies = 0;
	uint16_t in, net, out[FLOOD_PORTS + 1];

	if (tmpl == NULL)
		die("memory", -1);
	test_network("fl", DP_NET_VLAN, "physnet1", 100, 1500);
	net = dp_conf_net_by_name("fl");
	in = test_port("in");
	test_attach("in", "fl");
	test_security_off("in");
	for (int i = 0; i < FLOOD_PORTS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "p%d", i);
		out[i] = null_port(name);
		test_attach(name, "fl");
	}
	out[FLOOD_PORTS] = null_port("up");
	test_uplink("up", "physnet1");
	for (uint32_t i = 0; i < n_frames; i++) {
		struct pkt_spec s = {.vlan = NO_VLAN, .in_port = in};
		struct rte_mbuf *m;

		s.src = (struct rte_ether_addr){{0x02, 0x53, 0, 0, i >> 8, i & 0xff}};
		memset(&s.dst, 0xff, sizeof(s.dst));
		m = pkt_ipv4_udp(test_pool, &s, "10.100.0.2", "10.100.255.255", 18);
		memcpy(tmpl[i], rte_pktmbuf_mtod(m, void *), FRAME_LEN);
		rte_pktmbuf_free(m);
	}
	for (uint32_t p = 0; p < passes; p++) {
		for (uint32_t b = 0; b < n_frames; b += BURST) {
			struct rte_mbuf *m[BURST];

			fresh_frames(m, tmpl, b, n_frames, in, net);
			flood_out(m, BURST, p == 0, &fl, &tx);
			n += BURST;
		}
	}
	for (int i = 0; i <= FLOOD_PORTS; i++)
		copies += test_worker->port[out[i]].tx_packets;
	if (copies != n * (FLOOD_PORTS + 1))
		die("not five copies a frame", (int)(copies / n));
	report("flood", n_frames, passes, NULL, 0, "l2_flood", fl, "port_tx", tx, n);
	free(tmpl);
}
