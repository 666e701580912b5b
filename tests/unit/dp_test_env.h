/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A dataplane without threads for unit tests: a no-huge EAL, the real
 * tables, and one worker context that the test drives by calling stage
 * functions itself. Ports are real net_ring devices, so what a stage sends
 * can be received back from the same port.
 */
#ifndef VIRGA_TEST_ENV_H
#define VIRGA_TEST_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <virga/dp_api.h>

#include "core/dp_kv.h"
#include "engine/dp_worker.h"

extern struct rte_mempool *test_pool;
extern struct dp_worker *test_worker;

/* The connection table's size in the test environment. */
#define TEST_CT_ENTRIES 1024

/* Once per test binary: EAL, tables, pipeline metadata. */
/* The no-huge EAL alone, on lcore 0, with a file prefix of this test and process
 * whose runtime directory is removed at exit. 0 or -1. */
int test_eal_init(const char *name);
/* test_eal_init, then a mbuf pool, the dataplane's tables and one worker context. */
int test_env_init(const char *name);
/* Between tests: delete every port and network, clear counters and the MAC table. */
void test_env_reset(void);

/* Sends one control message (type, body of len bytes) as a client would, through
 * the server's dispatch: returns the reply's status; *reply (if not NULL) points at
 * the reply body, valid until the next call. */
int test_ctl(uint16_t type, const void *body, uint32_t len, const void **reply);

/* Adds a net_ring port named `name`; returns its port id (asserts on failure). */
uint16_t test_port(const char *name);
/* A vhost-user port on socket `path`, whose server never listens: no device. */
uint16_t test_vhost_port(const char *name, const char *path);
void test_network(const char *name, uint8_t type, const char *physnet, uint32_t seg_id,
		uint16_t mtu);
void test_attach(const char *port, const char *network);
void test_uplink(const char *port, const char *physnet);
/* Port security on, with the port's MAC and optional IPv4 address ("" for none). */
void test_security(const char *port, const struct rte_ether_addr *mac, const char *ipv4);
void test_security_off(const char *port);

/* The VTEP on `port` at ip/prefixlen; a remote VTEP of a VXLAN network. */
void test_vtep(const char *port, const char *ip, uint8_t prefixlen, bool learning);
void test_peer(const char *network, const char *ip);
/* A dotted IPv4 address in network byte order. */
uint32_t test_ip(const char *ip);

/* Receives what was sent to a ring port; returns the count. */
uint16_t test_port_drain(uint16_t port_id, struct rte_mbuf **pkts, uint16_t max);

/*
 * The graph after a stage, without a graph: takes each frame along its edge
 * (enum dp_l2_edge, as bridge_input's node has them) through the stages the
 * worker's graph would run it through, l2_flood, vxlan_output, ip4_route,
 * underlay_input, to port_tx, which sends it on its ring port, or to a drop
 * edge (counted and freed, as the drop nodes do). n <= 2 * (RTE_GRAPH_BURST_SIZE
 * + DP_ARP_WAIT_MAX), as ip4_route's output.
 */
void test_pipeline(struct rte_mbuf **pkts, const uint16_t *next, uint16_t n);
/* test_pipeline for n frames that all take `edge`. */
void test_pipeline_edge(uint16_t edge, struct rte_mbuf **pkts, uint16_t n);
/* What port_rx does first on each run: takes what the worker's ARP wait queue has
 * ready (frames whose neighbour answered, requests the tick asked again) through
 * test_pipeline. Returns how many it took. */
uint16_t test_release_ready(void);

/* test_release_ready, then drains port_id: how many ARP requests for `tip` it sent
 * (everything drained is freed). */
uint16_t test_arp_requests(uint16_t port_id, const char *tip);
/* Moves the worker's clock on one second and runs its per-second tick, as the worker
 * loop does: then test_arp_requests(port_id, tip). */
uint16_t test_next_second(uint16_t port_id, const char *tip);

/* Gives router `router` an interface on `network` at ip/len (aborts on failure). */
void test_router_if(const char *router, const char *network, const char *ip, uint8_t len);

/*
 * The gateway topology of the translation tests: router r1 with interfaces on
 * "ext" 203.0.113.1/24 (port "x") and "lan" 10.0.0.1/24 (port "v"), both flat,
 * port security off, and GW_SET gw (its router and network set here to r1 and
 * ext). Aborts on failure; ids of x and v into *px, *pv, the interfaces' MACs
 * into *mac_ext and *mac_lan.
 */
struct dp_router_gw_req;
void test_gateway_router(struct dp_router_gw_req *gw, uint16_t *px, uint16_t *pv,
		struct rte_ether_addr *mac_ext, struct rte_ether_addr *mac_lan);
/* Frees what the control thread injected (announcements) and no test wants. */
void test_forget_injected(void);

/* What left a router for one input frame. */
struct test_routed {
	uint16_t n;
	struct rte_mbuf *m[8];
	uint16_t next[8];
};

/* Runs m through bridge_input, which must choose the router, then ip4_route
 * (aborts otherwise, or if more than 8 frames leave). */
struct test_routed test_route_frame(struct rte_mbuf *m);
/* Frees what test_route_frame returned. */
void test_routed_free(struct test_routed *r);

/*
 * Holds up the next write to the bucket of `key` in table t at the worst moment,
 * as a page fault does (the first write to a fresh page of a table waits while
 * the kernel finds a page, and the other threads go on): the bucket's page is
 * made read-only, and the trap of the next write runs `meanwhile` (what another
 * thread does at that moment) before the write goes on. test_release_hold
 * undoes it and returns how many writes were held (the page holds other
 * buckets too: expect 1).
 */
void test_hold_next_write(struct dp_kv *t, uint64_t key, void (*meanwhile)(void));
unsigned int test_release_hold(void);

#endif
