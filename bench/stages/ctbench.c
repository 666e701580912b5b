/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-ctbench (the ct-new scenario): new connections per second through a
 * stateful security group on one core, until the connection table is full
 * and then while it is recycled.
 *
 * The stages alone, as virga-stagebench runs the routing ones: no PMD, one
 * core, bridge_input then sg_ingress on crafted frames. Port c (no port
 * security, no filter) sends UDP to port vm, whose stateful filter has 1,000
 * rules (one of them allows UDP 5001 from anywhere); every frame is a flow
 * never seen before (its source address and port count up), so each is
 * classified and creates its connection. When the table holds --ct-max
 * connections, the clock moves past the UDP timeout (30 s) and the control
 * thread's expiry (dp_ct_expire over the whole table) runs, timed apart:
 * in the dataplane it runs on the control thread, not on the worker.
 *
 * With --established N it measures instead packets of N connections that
 * exist (sg-established's path without the PMDs): N flows are created, then
 * sent again and again.
 *
 *   virga-ctbench [--ct-max N] [--connections N] [--established N]
 */
#include <arpa/inet.h>
#include <getopt.h>
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
#include "engine/dp_tables.h"
#include "l2/dp_bridge.h"
#include "l2/dp_l2.h"
#include "pkt_builder.h"
#include "sg/dp_sg_conf.h"
#include "sg/dp_sg_nodes.h"

#define BURST 32
#define N_RULES 1000

static void die(const char *what, int rc)
{
	fprintf(stderr, "virga-ctbench: %s: %d\n", what, rc);
	exit(1);
}

static void filter(void)
{
	size_t sz = sizeof(struct dp_sg_set_req) + N_RULES * sizeof(struct dp_sg_rule_spec);
	struct dp_sg_set_req *r = calloc(1, sz);
	int rc;

	if (r == NULL)
		die("memory", -ENOMEM);
	snprintf(r->port, sizeof(r->port), "vm");
	r->enabled = 1;
	r->stateful = 1;
	r->total = N_RULES;
	for (uint32_t i = 0; i < N_RULES; i++) {
		struct dp_sg_rule_spec *s = &r->rules[i];
		uint16_t lo = (uint16_t)(1000 + i * 10);

		s->id = i;
		s->direction = i % 2 ? DP_SG_DIR_EGRESS : DP_SG_DIR_INGRESS;
		s->family = AF_INET;
		s->proto = i % 4 < 2 ? 6 : 17;
		s->prefixlen = 16 + i % 9;
		s->remote[0] = 172;
		s->remote[1] = (uint8_t)(16 + i % 16);
		s->has_ports = 1;
		s->port_min = lo;
		s->port_max = (uint16_t)(lo + i % 10);
	}
	r->rules[N_RULES / 2] = (struct dp_sg_rule_spec){.id = N_RULES / 2,
			.direction = DP_SG_DIR_INGRESS, .family = AF_INET, .proto = 17,
			.has_ports = 1, .port_min = 5001, .port_max = 5001};
	/* In chunks, as the control socket takes it. */
	for (uint32_t off = 0; off < N_RULES; off += DP_SG_RULES_PER_MSG) {
		struct dp_sg_set_req *chunk = calloc(1, sz);
		uint32_t n = RTE_MIN((uint32_t)DP_SG_RULES_PER_MSG, N_RULES - off);

		if (chunk == NULL)
			die("memory", -ENOMEM);
		*chunk = *r;
		chunk->offset = off;
		chunk->n_rules = (uint16_t)n;
		memcpy(chunk->rules, r->rules + off, n * sizeof(r->rules[0]));
		if ((rc = dp_sg_conf_set(chunk, sizeof(*chunk) + n * sizeof(r->rules[0]))) < 0)
			die("filter", rc);
		free(chunk);
	}
	free(r);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"ct-max", required_argument, NULL, 'm'},
			{"connections", required_argument, NULL, 'c'},
			{"established", required_argument, NULL, 'e'}, {NULL, 0, NULL, 0}};
	uint32_t established = 0;
	uint32_t ct_max = DP_CT_DEFAULT_ENTRIES, target = 4000000, flow = 0;
	uint64_t worker_cyc = 0, expire_cyc = 0, created = 0, refused = 0, fills = 0;
	struct rte_mbuf *frames[BURST];
	struct dp_mac_req mac = {.network = "red", .port = "vm"};
	struct dp_ct_conf cc = {.socket_id = SOCKET_ID_ANY};
	uint32_t len = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'm')
			ct_max = strtoul(optarg, NULL, 0);
		else if (c == 'c')
			target = strtoul(optarg, NULL, 0);
		else if (c == 'e')
			established = strtoul(optarg, NULL, 0) / BURST * BURST;
		else
			return 2;
	}
	if (ct_max < BURST || target == 0)
		die("--ct-max must be at least 32, --connections more than 0", -EINVAL);
	if (test_env_init("ctbench") < 0)
		die("EAL init", -1);
	test_env_reset();
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	uint16_t pc = test_port("c");
	test_port("vm");
	test_attach("c", "red");
	test_attach("vm", "red");
	test_security_off("c");
	test_security("vm", &(struct rte_ether_addr){{2, 0x56, 0x4d, 0, 0, 1}}, "10.100.0.2");
	memcpy(mac.mac, (uint8_t[]){2, 0x56, 0x4d, 0, 0, 1}, 6);
	if ((rc = dp_ctl_mac_add(&mac, sizeof(mac), NULL, &len)) < 0)
		die("MAC add", rc);
	filter();
	cc.max_entries = ct_max;
	cc.rcu = dp_tables.rcu;
	dp_ct_fini(dp_tables.ct);
	dp_tables.ct = dp_ct_init(&cc);
	if (dp_tables.ct == NULL)
		die("connection table", -errno);

	for (uint32_t i = 0; i < BURST; i++) {
		struct pkt_spec s = {.src = {{2, 0x52, 0, 0, 0, 1}}, .dst = {{2, 0x56, 0x4d, 0, 0, 1}},
				.vlan = NO_VLAN, .in_port = pc};

		frames[i] = pkt_l4(test_pool, &s, IPPROTO_UDP, "10.0.0.1", 1, "10.100.0.2", 5001, 0,
				18); /* 60-byte frames */
	}
	test_worker->now_sec = 1;
	while (created < target) {
		struct dp_ct_stats st;
		uint16_t edge[BURST], next[BURST];
		uint64_t t0;

		for (uint32_t i = 0; i < BURST; i++) {
			struct rte_mbuf *m = frames[i];
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
			struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

			/* A flow never seen: 65,536 source ports of 2^24 source addresses (or,
			 * established, the same N again and again). */
			flow++;
			if (established && flow > established)
				flow = 1;
			ip->src_addr = htonl(0x0b000000u | (flow >> 16));
			udp->src_port = htons((uint16_t)flow);
			m->port = pc;
		}
		t0 = rte_rdtsc();
		dp_bridge_input_burst(test_worker, frames, BURST, edge);
		dp_sg_ingress_burst(test_worker, frames, BURST, next);
		worker_cyc += rte_rdtsc() - t0;
		for (uint32_t i = 0; i < BURST; i++) {
			if (edge[i] != DP_L2_SG_INGRESS)
				die("bridge_input did not send to sg_ingress", edge[i]);
			if (next[i] == DP_SG_IN_TX)
				created++;
			else if (established)
				die("an established packet was refused", next[i]);
			else if (next[i] == DP_SG_IN_DROP + DP_DROP_CT_TABLE_FULL)
				refused++;
			else
				die("sg_ingress refused a frame", next[i]);
		}
		dp_ct_stats_get(dp_tables.ct, &st);
		if (st.in_use + st.pending + BURST > ct_max) {
			/* Full: 31 seconds later, the control thread recycles it all. */
			test_worker->now_sec += 31;
			t0 = rte_rdtsc();
			dp_ct_expire(dp_tables.ct, test_worker->now_sec, dp_tables.ct->n_slots);
			expire_cyc += rte_rdtsc() - t0;
			fills++;
		}
	}
	if (established) {
		struct dp_ct_stats st;

		dp_ct_stats_get(dp_tables.ct, &st);
		printf("ct-max %u, %u connections, %lu packets of them: bridge_input + sg_ingress "
		       "%.1f cycles/packet (%lu connections in the table)\n",
				ct_max, established, created, (double)worker_cyc / created, st.in_use);
		return 0;
	}
	printf("ct-max %u, %lu new connections (%lu fills of the table, %lu refused as full):\n"
	       "  worker (bridge_input + sg_ingress: parse, lookup, classify, create): %.0f "
	       "cycles/connection = %.2f M/s at %.2f GHz\n"
	       "  control thread (expiry of the full table): %.0f cycles/connection\n",
			ct_max, created, fills, refused, (double)worker_cyc / created,
			(double)rte_get_tsc_hz() * created / worker_cyc / 1e6, rte_get_tsc_hz() / 1e9,
			(double)expire_cyc / created);
	return 0;
}
