/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>

#include "core/dp_trace.h"
#include "ctl/dp_ctl.h"
#include "l2/dp_bridge.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "engine/dp_tables.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "l2/dp_vxlan.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "dp_test_env.h"
#include "pkt/dp_arp.h"
#include "pkt/dp_mbuf.h"
#include "port/dp_port_dev.h"
#include "port/dp_port_nodes.h"
#include "sg/dp_sg_conf.h"
#include "ct/dp_ct.h"

struct rte_mempool *test_pool;
struct dp_worker *test_worker;

#define CHECK(expr)                                                                                \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ < 0) {                                                                     \
			fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,       \
					strerror(-rc_));                                           \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The EAL's runtime directory (/var/run/dpdk/<prefix>): removed when the test exits,
 * or every run of every test would leave one behind (the EAL keeps it). */
static char runtime_dir[PATH_MAX];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_runtime_dir(void)
{
	if (runtime_dir[0] != '\0')
		nftw(runtime_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int test_eal_init(const char *name)
{
	char prefix[64];
	char *args[] = {"test", "-l", "0", "--no-huge", "-m", "512", "--no-pci", "--file-prefix",
			prefix, "--log-level", "*:warning", NULL};

	/* Per process: two runs of one test at once must not share a prefix. */
	snprintf(prefix, sizeof(prefix), "virga-test-%s-%d", name, getpid());
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return -1;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s", rte_eal_get_runtime_dir());
	atexit(remove_runtime_dir);
	return 0;
}

int test_env_init(const char *name)
{
	unsigned int lcore = 0;

	if (test_eal_init(name) < 0)
		return -1;
	test_pool = rte_pktmbuf_pool_create("test_pool", 4096, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	CHECK(test_pool ? 0 : -ENOMEM);
	CHECK(dp_mbuf_meta_register());
	CHECK(dp_tables_init(1, 4096, 300));
	CHECK(dp_sg_conf_init(TEST_CT_ENTRIES, 0));
	CHECK(dp_trace_init(dp_conf_net_name));
	CHECK(dp_port_dev_init(2048, 1));
	/* One worker context, never launched: the tests call the stages on it. */
	CHECK(dp_workers_init(&lcore, 1));
	test_worker = dp_workers.w[0];
	return 0;
}

static enum dp_kv_visit delete_all(uint64_t key, uint64_t val, void *arg)
{
	RTE_SET_USED(key);
	RTE_SET_USED(val);
	RTE_SET_USED(arg);
	return DP_KV_DELETE;
}

static void delete_routers(void)
{
	for (int id = 0; id < DP_MAX_ROUTERS; id++) {
		struct dp_router_conf *c = dp_router_confs[id];
		struct dp_router_req r = {0};

		if (c == NULL)
			continue;
		for (uint8_t i = 0; i < c->n_rifs; i++) {
			struct dp_router_if_req d = {0};

			if (!c->rifs[i].net_id)
				continue;
			snprintf(d.router, sizeof(d.router), "%s", c->name);
			snprintf(d.network, sizeof(d.network), "%s", dp_net_confs[c->rifs[i].net_id].name);
			CHECK(dp_conf_router_if_del(&d));
		}
		snprintf(r.name, sizeof(r.name), "%s", c->name);
		CHECK(dp_conf_router_del(&r));
	}
}

void test_env_reset(void)
{
	struct rte_mbuf *junk[64];
	uint16_t n;

	for (int p = 0; p < DP_MAX_PORTS; p++) {
		if (!dp_port_confs[p].used)
			continue;
		while ((n = test_port_drain(p, junk, RTE_DIM(junk))) > 0)
			rte_pktmbuf_free_bulk(junk, n);
		CHECK(dp_conf_port_del(dp_port_confs[p].name, false));
	}
	delete_routers();
	for (int id = 1; id < DP_MAX_NETWORKS; id++)
		if (dp_net_confs[id].used)
			CHECK(dp_conf_net_del(dp_net_confs[id].name, false));
	dp_kv_walk(&dp_tables.fdb, 0, delete_all, NULL);
	dp_kv_walk(&dp_tables.neigh, 0, delete_all, NULL);
	dp_ct_flush(dp_tables.ct);
	memset(test_worker->drops, 0, sizeof(test_worker->drops));
	memset(test_worker->port, 0, sizeof(test_worker->port));
	memset(test_worker->dhcp, 0, sizeof(test_worker->dhcp)); /* counters and rate buckets */
	while (test_worker->arp_wait.n)
		rte_pktmbuf_free(test_worker->arp_wait.q[--test_worker->arp_wait.n].m);
	while (test_worker->arp_wait.n_asks)
		rte_pktmbuf_free(test_worker->arp_wait.asks[--test_worker->arp_wait.n_asks]);
	dp_tables_reclaim();
	/* The tables changed without a control message: retire what workers cached. */
	dp_tables.conf_gen++;
}

int test_ctl(uint16_t type, const void *body, uint32_t len, const void **reply)
{
	static uint8_t msg[DP_MSG_MAX], out[DP_MSG_MAX];
	struct dp_msg_hdr *h = (struct dp_msg_hdr *)msg;

	CHECK(len <= sizeof(msg) - sizeof(*h) ? 0 : -EMSGSIZE);
	*h = (struct dp_msg_hdr){.magic = DP_API_MAGIC, .version = DP_API_VERSION, .type = type,
			.len = len, .seq = 1};
	memcpy(h + 1, body, len);
	dp_ctl_handle(msg, sizeof(*h) + len, out, sizeof(out));
	if (reply != NULL)
		*reply = out + sizeof(struct dp_reply_hdr);
	return ((const struct dp_reply_hdr *)out)->status;
}

uint16_t test_port(const char *name)
{
	static unsigned int serial;
	struct dp_port_add_req req = {0};
	struct dp_port_add_reply reply;

	/* A fresh device name each time: the ring PMD keeps its rings after removal. */
	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.devargs, sizeof(req.devargs), "net_ring_%s%u", name, serial++);
	CHECK(dp_conf_port_add(&req, &reply));
	return reply.port_id;
}

uint16_t test_vhost_port(const char *name, const char *path)
{
	struct dp_port_add_req req = {.kind = DP_PORT_KIND_VHOST_USER};
	struct dp_port_add_reply reply;

	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.devargs, sizeof(req.devargs), "%s", path);
	CHECK(dp_conf_port_add(&req, &reply));
	return reply.port_id;
}

void test_network(const char *name, uint8_t type, const char *physnet, uint32_t seg_id,
		uint16_t mtu)
{
	struct dp_network_add_req req = {.type = type, .seg_id = seg_id, .mtu = mtu};
	uint16_t id;

	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.physnet, sizeof(req.physnet), "%s", physnet);
	CHECK(dp_conf_net_add(&req, &id));
}

static void attach(const char *port, uint8_t mode, const char *network, const char *physnet)
{
	struct dp_port_attach_req req = {.mode = mode};

	snprintf(req.port, sizeof(req.port), "%s", port);
	snprintf(req.network, sizeof(req.network), "%s", network);
	snprintf(req.physnet, sizeof(req.physnet), "%s", physnet);
	CHECK(dp_conf_port_attach(&req));
}

void test_attach(const char *port, const char *network)
{
	attach(port, DP_PORT_ACCESS, network, "");
}

void test_uplink(const char *port, const char *physnet)
{
	attach(port, DP_PORT_UPLINK, "", physnet);
}

void test_security(const char *port, const struct rte_ether_addr *mac, const char *ipv4)
{
	struct dp_port_security_req req = {.enabled = 1};

	snprintf(req.port, sizeof(req.port), "%s", port);
	memcpy(req.mac, mac, 6);
	if (ipv4[0]) {
		req.n_addrs = 1;
		req.addrs[0].family = AF_INET;
		req.addrs[0].prefixlen = 32;
		inet_pton(AF_INET, ipv4, req.addrs[0].addr);
	}
	CHECK(dp_conf_port_security(&req));
}

void test_security_off(const char *port)
{
	struct dp_port_security_req req = {.enabled = 0};

	snprintf(req.port, sizeof(req.port), "%s", port);
	CHECK(dp_conf_port_security(&req));
}

uint16_t test_port_drain(uint16_t port_id, struct rte_mbuf **pkts, uint16_t max)
{
	/* Past the ethdevs: a vhost-user port, which has no ring to drain in tests. */
	if (port_id >= RTE_MAX_ETHPORTS)
		return 0;
	return rte_eth_rx_burst(port_id, 0, pkts, max);
}

/*
 * Where the graph sends what a stage decided: each stage's node is registered with
 * the edges of enum dp_l2_edge, except those it never takes or cannot loop back on,
 * which lead to a drop node (see each stage's *_node_register). The same here.
 */
enum stage { FROM_BRIDGE, FROM_FLOOD, FROM_VXLAN, FROM_ROUTE, FROM_UNDERLAY };

static void as_registered(enum stage from, uint16_t *next, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		uint16_t e = next[i];

		if (e == DP_L2_UNDERLAY && from != FROM_BRIDGE)
			next[i] = DP_L2_EDGE_DROP(DP_DROP_VXLAN_NOT_FOR_US);
		else if (e == DP_L2_ROUTE && (from == FROM_ROUTE || from == FROM_FLOOD ||
						     from == FROM_VXLAN))
			next[i] = DP_L2_EDGE_DROP(DP_DROP_IP_LOCAL);
		else if (e == DP_L2_FLOOD && (from == FROM_FLOOD || from == FROM_VXLAN))
			next[i] = DP_L2_EDGE_DROP(DP_DROP_NO_NETWORK);
		else if (e == DP_L2_VXLAN && from == FROM_VXLAN)
			next[i] = DP_L2_EDGE_DROP(DP_DROP_VXLAN_NO_VTEP);
	}
}

static void run_from(enum stage from, struct rte_mbuf **pkts, uint16_t *next, uint16_t n);

void test_pipeline_edge(uint16_t edge, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(RTE_GRAPH_BURST_SIZE)];
	uint16_t next[RTE_DIM(out)], n_out, n_reqs, tx[RTE_GRAPH_BURST_SIZE];

	if (n == 0)
		return;
	CHECK(n <= RTE_GRAPH_BURST_SIZE ? 0 : -E2BIG);
	switch (edge) {
	case DP_L2_TX:
		dp_port_tx_burst(test_worker, pkts, n);
		return;
	case DP_L2_FLOOD:
		for (uint16_t i = 0; i < n; i++) {
			n_out = dp_flood_one(test_worker, pkts[i], out, next);
			run_from(FROM_FLOOD, out, next, n_out);
		}
		return;
	case DP_L2_VXLAN:
		memcpy(out, pkts, n * sizeof(out[0]));
		n_out = dp_vxlan_output_burst(test_worker, out, n, next, out + n, &n_reqs);
		run_from(FROM_VXLAN, out, next, n_out);
		for (uint16_t i = 0; i < n_reqs; i++)
			tx[i] = DP_L2_TX;
		run_from(FROM_VXLAN, out + n, tx, n_reqs);
		return;
	case DP_L2_ROUTE:
		n_out = dp_ip4_route_burst(test_worker, pkts, n, out, next);
		run_from(FROM_ROUTE, out, next, n_out);
		return;
	case DP_L2_UNDERLAY: {
		struct rte_mbuf *released[DP_ARP_WAIT_MAX];
		uint16_t n_rel = dp_underlay_input_burst(test_worker, pkts, n, next, released);

		run_from(FROM_UNDERLAY, pkts, next, n);
		test_pipeline_edge(DP_L2_VXLAN, released, n_rel);
		return;
	}
	default:
		CHECK(edge >= DP_L2_DROP && edge < DP_L2_EDGE_MAX ? 0 : -EINVAL);
		test_worker->drops[edge - DP_L2_DROP] += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
}

static void run_from(enum stage from, struct rte_mbuf **pkts, uint16_t *next, uint16_t n)
{
	as_registered(from, next, n);
	/* In runs of one edge, in order, as a node's enqueue does. */
	for (uint16_t start = 0, i = 1; start < n; i++) {
		if (i == n || next[i] != next[start]) {
			test_pipeline_edge(next[start], pkts + start, i - start);
			start = i;
		}
	}
}

void test_pipeline(struct rte_mbuf **pkts, const uint16_t *next, uint16_t n)
{
	uint16_t copy[2 * (RTE_GRAPH_BURST_SIZE + DP_ARP_WAIT_MAX)];

	CHECK(n <= RTE_DIM(copy) ? 0 : -E2BIG);
	memcpy(copy, next, n * sizeof(next[0]));
	run_from(FROM_BRIDGE, pkts, copy, n);
}

uint16_t test_release_ready(void)
{
	static const uint16_t edge_of[] = {[DP_READY_ROUTE] = DP_L2_ROUTE,
			[DP_READY_VXLAN] = DP_L2_VXLAN, [DP_READY_FLOOD] = DP_L2_FLOOD,
			[DP_READY_TX] = DP_L2_TX};
	struct rte_mbuf *m[DP_ARP_WAIT_READY_MAX];
	uint8_t to[DP_ARP_WAIT_READY_MAX];
	uint16_t next[DP_ARP_WAIT_READY_MAX];
	uint16_t n = dp_arp_wait_take_ready(test_worker, m, to, RTE_DIM(m));

	for (uint16_t i = 0; i < n; i++)
		next[i] = edge_of[to[i]];
	test_pipeline(m, next, n);
	return n;
}

uint16_t test_arp_requests(uint16_t port_id, const char *tip)
{
	struct rte_mbuf *pkts[64];
	uint16_t n, found = 0;

	test_release_ready();
	while ((n = test_port_drain(port_id, pkts, RTE_DIM(pkts))) > 0) {
		for (uint16_t i = 0; i < n; i++) {
			const struct rte_arp_hdr *arp = dp_arp_parse(pkts[i]);

			found += arp != NULL && arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) &&
					arp->arp_data.arp_tip == test_ip(tip);
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return found;
}

uint16_t test_next_second(uint16_t port_id, const char *tip)
{
	test_worker->now_sec++;
	dp_worker_tick(test_worker);
	return test_arp_requests(port_id, tip);
}

void test_vtep(const char *port, const char *ip, uint8_t prefixlen, bool learning)
{
	struct dp_vtep_set_req req = {.prefixlen = prefixlen, .learning = learning};

	snprintf(req.port, sizeof(req.port), "%s", port);
	inet_pton(AF_INET, ip, req.local_ip);
	CHECK(dp_conf_vtep_set(&req));
}

void test_peer(const char *network, const char *ip)
{
	struct dp_vtep_peer_req req = {0};

	snprintf(req.network, sizeof(req.network), "%s", network);
	inet_pton(AF_INET, ip, req.ip);
	CHECK(dp_conf_peer_add(&req));
}

uint32_t test_ip(const char *ip)
{
	uint32_t a;

	inet_pton(AF_INET, ip, &a);
	return a;
}

static struct {
	uint8_t *page;
	size_t size;
	void (*meanwhile)(void);
	unsigned int trapped;
	struct sigaction saved;
} held;

static void on_held_write(int sig, siginfo_t *si, void *uctx)
{
	(void)sig;
	(void)uctx;
	if ((uint8_t *)si->si_addr < held.page || (uint8_t *)si->si_addr >= held.page + held.size)
		abort(); /* a real crash, not the write we hold */
	mprotect(held.page, held.size, PROT_READ | PROT_WRITE);
	held.trapped++;
	held.meanwhile();
}

void test_hold_next_write(struct dp_kv *t, uint64_t key, void (*meanwhile)(void))
{
	struct sigaction sa = {.sa_sigaction = on_held_write, .sa_flags = SA_SIGINFO};
	uintptr_t bucket = (uintptr_t)dp_kv_primary(t, dp_kv_hash(key));

	held.size = (size_t)sysconf(_SC_PAGESIZE);
	held.page = (uint8_t *)RTE_ALIGN_FLOOR(bucket, held.size);
	held.meanwhile = meanwhile;
	held.trapped = 0;
	CHECK(sigaction(SIGSEGV, &sa, &held.saved) < 0 ? -errno : 0);
	CHECK(mprotect(held.page, held.size, PROT_READ) < 0 ? -errno : 0);
}

unsigned int test_release_hold(void)
{
	mprotect(held.page, held.size, PROT_READ | PROT_WRITE);
	sigaction(SIGSEGV, &held.saved, NULL);
	return held.trapped;
}

void test_router_if(const char *router, const char *network, const char *ip, uint8_t len)
{
	struct dp_router_if_req r = {.prefixlen = len};

	snprintf(r.router, sizeof(r.router), "%s", router);
	snprintf(r.network, sizeof(r.network), "%s", network);
	CHECK(inet_pton(AF_INET, ip, r.ip) == 1 ? 0 : -EINVAL);
	CHECK(dp_conf_router_if_add(&r));
}

struct test_routed test_route_frame(struct rte_mbuf *m)
{
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(1)];
	uint16_t next[RTE_DIM(out)], edge;
	struct test_routed r = {0};

	dp_bridge_input_burst(test_worker, &m, 1, &edge);
	CHECK(edge == DP_L2_ROUTE ? 0 : -EINVAL);
	r.n = dp_ip4_route_burst(test_worker, &m, 1, out, next);
	CHECK(r.n <= RTE_DIM(r.m) ? 0 : -E2BIG);
	memcpy(r.m, out, r.n * sizeof(out[0]));
	memcpy(r.next, next, r.n * sizeof(next[0]));
	return r;
}

void test_routed_free(struct test_routed *r)
{
	for (uint16_t i = 0; i < r->n; i++)
		rte_pktmbuf_free(r->m[i]);
}

void test_gateway_router(struct dp_router_gw_req *gw, uint16_t *px, uint16_t *pv,
		struct rte_ether_addr *mac_ext, struct rte_ether_addr *mac_lan)
{
	struct dp_router_req r = {.name = "r1"};
	int id;

	test_network("ext", DP_NET_FLAT, "", 0, 1500);
	test_network("lan", DP_NET_FLAT, "", 0, 1500);
	*px = test_port("x");
	*pv = test_port("v");
	test_attach("x", "ext");
	test_attach("v", "lan");
	test_security_off("x");
	test_security_off("v");
	CHECK(dp_conf_router_add(&r));
	test_router_if("r1", "ext", "203.0.113.1", 24);
	test_router_if("r1", "lan", "10.0.0.1", 24);
	snprintf(gw->router, sizeof(gw->router), "r1");
	snprintf(gw->network, sizeof(gw->network), "ext");
	CHECK(dp_conf_router_gw_set(gw));
	id = dp_conf_router_by_name("r1");
	*mac_ext = dp_router_confs[id]->rifs[0].mac;
	*mac_lan = dp_router_confs[id]->rifs[1].mac;
}

void test_forget_injected(void)
{
	struct rte_mbuf *m[DP_INJECT_BURST];
	uint16_t n;

	while ((n = dp_inject_take(test_worker->inject, m, RTE_DIM(m))) > 0)
		rte_pktmbuf_free_bulk(m, n);
}
