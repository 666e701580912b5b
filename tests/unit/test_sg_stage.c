/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The security-group stages on crafted frames in real mbufs: bridge_input,
 * then sg_egress and sg_ingress as the graph would run them, with the real
 * filters (SG_SET through the control store) and the real connection table.
 *
 * Network red: ports a (10.0.0.5, MAC ..:0a) and b (10.0.0.7, ..:0b) with
 * port security, c (10.0.0.9, ..:0c) without it, so it can stand for any
 * host, from any address. Filters are put on a and b per test.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_ether.h>

#include "engine/dp_conf.h"
#include "engine/dp_tables.h"
#include "core/dp_trace.h"
#include "ct/dp_ct.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "engine/dp_neigh.h"
#include "ctl/ctl_handlers.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"
#include "ct/dp_ct_parse.h"
#include "sg/dp_sg_conf.h"
#include "sg/dp_sg_filter.h"
#include "sg/dp_sg_nodes.h"

#define SYN 0x02
#define ACK 0x10
#define SYNACK 0x12
#define PASSED DP_DROP_REASON_MAX
#define FLOODED (DP_DROP_REASON_MAX + 1)
#define TCP IPPROTO_TCP
#define UDP IPPROTO_UDP

static uint16_t pa, pb, pc;

/* ---- filters ---- */

static struct dp_sg_rule_spec rules[64];
static uint16_t n_rules;

/* Appends a rule: remote "10.0.0.0/24", "::/0", or NULL for any IPv4 address. */
static void rule(uint32_t id, uint8_t dir, uint8_t proto, const char *remote, uint16_t port,
		const char *label)
{
	struct dp_sg_rule_spec *r = &rules[n_rules++];
	char buf[64];
	char *slash;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->direction = dir;
	r->family = AF_INET;
	r->proto = proto;
	if (remote != NULL) {
		snprintf(buf, sizeof(buf), "%s", remote);
		slash = strchr(buf, '/');
		*slash = '\0';
		r->family = strchr(buf, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(r->family, buf, r->remote), 1);
		r->prefixlen = (uint8_t)atoi(slash + 1);
	}
	if (port) {
		r->has_ports = 1;
		r->port_min = r->port_max = port;
	}
	snprintf(r->label, sizeof(r->label), "%s", label);
}

/* Puts the rules appended so far on port (and forgets them here). */
static void filter(const char *port, bool stateful)
{
	static uint8_t buf[sizeof(struct dp_sg_set_req) + 64 * sizeof(struct dp_sg_rule_spec)];
	struct dp_sg_set_req *r = (struct dp_sg_set_req *)buf;

	memset(r, 0, sizeof(*r));
	snprintf(r->port, sizeof(r->port), "%s", port);
	r->enabled = 1;
	r->stateful = stateful;
	r->n_rules = n_rules;
	r->total = n_rules;
	memcpy(r->rules, rules, n_rules * sizeof(rules[0]));
	assert_int_equal(dp_sg_conf_set(r, sizeof(*r) + n_rules * sizeof(rules[0])), 0);
	n_rules = 0;
	/* What the control socket does around every request: retires what workers
	 * cached from the tables (a router's adjacencies). */
	dp_tables.conf_gen += 2;
}

/* ---- frames ---- */

static uint8_t mac_last(uint16_t port)
{
	return port == pa ? 0x0a : port == pb ? 0x0b : 0x0c;
}

static struct pkt_spec from_to(uint16_t from, uint16_t to)
{
	struct pkt_spec s = {.src = mac_of(mac_last(from)), .dst = mac_of(mac_last(to)),
			.vlan = NO_VLAN, .in_port = from};

	return s;
}

static struct rte_mbuf *tcp(uint16_t from, const char *src, uint16_t sport, uint16_t to,
		const char *dst, uint16_t dport, uint8_t flags)
{
	struct pkt_spec s = from_to(from, to);

	return pkt_l4(test_pool, &s, TCP, src, sport, dst, dport, flags, 0);
}

static struct rte_mbuf *udp(uint16_t from, const char *src, uint16_t sport, uint16_t to,
		const char *dst, uint16_t dport)
{
	struct pkt_spec s = from_to(from, to);

	return pkt_l4(test_pool, &s, UDP, src, sport, dst, dport, 0, 8);
}

/*
 * Runs m as the graph would: bridge_input, sg_egress when it says so, sg_ingress
 * when the frame is for a port with a filter. Returns PASSED (m was handed to
 * port_tx), FLOODED, or the drop reason. Frees m.
 */
static uint16_t run(struct rte_mbuf *m)
{
	uint16_t e, x;

	dp_bridge_input_burst(test_worker, &m, 1, &e);
	if (e == DP_L2_SG_EGRESS)
		dp_sg_egress_burst(test_worker, &m, 1, &e);
	if (e == DP_L2_SG_INGRESS) {
		dp_sg_ingress_burst(test_worker, &m, 1, &x);
		e = x == DP_SG_IN_TX ? DP_L2_TX : DP_L2_DROP + x - DP_SG_IN_DROP;
	}
	rte_pktmbuf_free(m);
	if (e >= DP_L2_DROP)
		return e - DP_L2_DROP;
	if (e == DP_L2_FLOOD)
		return FLOODED;
	assert_int_equal(e, DP_L2_TX);
	return PASSED;
}

/* An ARP request from port p: ARP passes every filter, and teaches the MAC table p. */
static void hello(uint16_t p, const char *ip)
{
	struct pkt_spec s = {.src = mac_of(mac_last(p)), .vlan = NO_VLAN, .in_port = p};

	memset(&s.dst, 0xff, sizeof(s.dst));
	assert_int_equal(run(pkt_arp_request(test_pool, &s, NULL, ip, "10.0.0.1")), FLOODED);
}

/* A three-way handshake from (from, src:sport) to (to, dst:dport); each step must pass. */
static void handshake(uint16_t from, const char *src, uint16_t sport, uint16_t to, const char *dst,
		uint16_t dport)
{
	assert_int_equal(run(tcp(from, src, sport, to, dst, dport, SYN)), PASSED);
	assert_int_equal(run(tcp(to, dst, dport, from, src, sport, SYNACK)), PASSED);
	assert_int_equal(run(tcp(from, src, sport, to, dst, dport, ACK)), PASSED);
}

static struct dp_ct_pkt key_of(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct dp_ct_pkt p = {0};
	uint8_t s[16], d[16];

	inet_pton(AF_INET, src, s);
	inet_pton(AF_INET, dst, d);
	dp_ct_key_set(&p, dp_conf_net_by_name("red"), AF_INET, TCP, s, d, htons(sport), htons(dport));
	return p;
}

static uint32_t conn(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct dp_ct_pkt p = key_of(src, sport, dst, dport);
	uint32_t idx;

	dp_ct_lookup_bulk(dp_tables.ct, &p, 1, &idx);
	return idx;
}

static void new_ct_table(uint32_t max, uint32_t port_limit)
{
	struct dp_ct_conf c = {.max_entries = max, .port_limit = port_limit, .rcu = dp_tables.rcu,
			.socket_id = SOCKET_ID_ANY};

	dp_ct_fini(dp_tables.ct);
	dp_tables.ct = dp_ct_init(&c);
	assert_non_null(dp_tables.ct);
}

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	n_rules = 0;
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	pa = test_port("a");
	pb = test_port("b");
	pc = test_port("c");
	test_attach("a", "red");
	test_attach("b", "red");
	test_attach("c", "red");
	test_security("a", &(struct rte_ether_addr){{2, 0, 0, 0, 0, 0x0a}}, "10.0.0.5");
	test_security("b", &(struct rte_ether_addr){{2, 0, 0, 0, 0, 0x0b}}, "10.0.0.7");
	test_security_off("c");
	hello(pa, "10.0.0.5");
	hello(pb, "10.0.0.7");
	hello(pc, "10.0.0.9");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	new_ct_table(TEST_CT_ENTRIES, 0);
	return 0;
}

/* ---- tests ---- */

static void frames_of_ports_without_a_filter_take_no_sg_stage(void **state)
{
	struct rte_mbuf *m = udp(pc, "10.0.0.9", 1000, pa, "10.0.0.5", 53);
	uint16_t e;

	(void)state;
	dp_bridge_input_burst(test_worker, &m, 1, &e);
	assert_int_equal(e, DP_L2_TX);
	rte_pktmbuf_free(m);
}

static void a_filter_denies_both_directions_by_default(void **state)
{
	(void)state;
	assert_int_equal(run(udp(pc, "10.0.0.9", 1000, pa, "10.0.0.5", 53)), PASSED);
	filter("a", true);
	assert_int_equal(run(udp(pc, "10.0.0.9", 1000, pa, "10.0.0.5", 53)),
			DP_DROP_SG_DENIED_INGRESS);
	assert_int_equal(run(udp(pa, "10.0.0.5", 1000, pc, "10.0.0.9", 53)),
			DP_DROP_SG_DENIED_EGRESS);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 1000, pa, "10.0.0.5", 22, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
}

static void tcp_22_from_a_prefix_passes_and_tcp_23_does_not(void **state)
{
	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("a", true);
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 23, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
	/* The same port from outside the prefix. */
	assert_int_equal(run(tcp(pc, "192.168.7.1", 41002, pa, "10.0.0.5", 22, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
}

static void a_bare_ack_opens_no_connection(void **state)
{
	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("a", true);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)),
			DP_DROP_CT_INVALID);
	assert_int_equal(conn("10.0.0.9", 41000, "10.0.0.5", 22), DP_CT_NONE);
}

static void the_reply_of_an_allowed_egress_connection_passes_ingress(void **state)
{
	(void)state;
	rule(1, DP_SG_DIR_EGRESS, TCP, "0.0.0.0/0", 0, "out");
	filter("a", true);
	handshake(pa, "10.0.0.5", 50000, pc, "10.0.0.9", 80);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 80, pa, "10.0.0.5", 50000, ACK)), PASSED);
	/* Not a reply: c opening its own connection to a. */
	assert_int_equal(run(tcp(pc, "10.0.0.9", 80, pa, "10.0.0.5", 50001, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
}

static void a_connection_between_two_filtered_ports_needs_both_filters(void **state)
{
	struct dp_ct_rec o, r;
	uint32_t idx;

	(void)state;
	rule(1, DP_SG_DIR_EGRESS, TCP, "0.0.0.0/0", 0, "a out");
	filter("a", true);
	filter("b", true);
	/* a's egress allows it, b's ingress does not. */
	assert_int_equal(run(tcp(pa, "10.0.0.5", 50000, pb, "10.0.0.7", 22, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
	/* b's ingress allows it, a's egress does not. */
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "b ssh");
	filter("b", true);
	filter("a", true);
	assert_int_equal(run(tcp(pa, "10.0.0.5", 50001, pb, "10.0.0.7", 22, SYN)),
			DP_DROP_SG_DENIED_EGRESS);
	/* Both. */
	rule(1, DP_SG_DIR_EGRESS, TCP, "0.0.0.0/0", 0, "a out");
	filter("a", true);
	handshake(pa, "10.0.0.5", 50002, pb, "10.0.0.7", 22);
	idx = conn("10.0.0.5", 50002, "10.0.0.7", 22);
	assert_int_not_equal(idx, DP_CT_NONE);
	o = dp_ct_rec_get(dp_tables.ct, idx, DP_CT_ORIGINATOR);
	r = dp_ct_rec_get(dp_tables.ct, idx, DP_CT_RESPONDER);
	assert_int_equal(o.port, pa);
	assert_int_equal(o.gen, dp_port_get(pa)->sg_gen);
	assert_int_equal(r.port, pb);
	assert_int_equal(r.gen, dp_port_get(pb)->sg_gen);
	/* The first try was killed by b's ingress; once the control thread deleted it,
	 * the connection counts once against each port. */
	dp_ct_expire(dp_tables.ct, test_worker->now_sec, 0);
	assert_int_equal(dp_ct_port_count(dp_tables.ct, pa), 1);
	assert_int_equal(dp_ct_port_count(dp_tables.ct, pb), 1);
}

static void a_removed_rule_ends_the_connections_only_it_allowed(void **state)
{
	uint32_t ssh, web;

	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	rule(2, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 80, "web");
	filter("a", true);
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	handshake(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 80);
	ssh = conn("10.0.0.9", 41000, "10.0.0.5", 22);
	web = conn("10.0.0.9", 41001, "10.0.0.5", 80);

	/* Rules added reset nothing. */
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	rule(2, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 80, "web");
	rule(3, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 443, "tls");
	filter("a", true);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)), PASSED);
	assert_int_equal(run(tcp(pa, "10.0.0.5", 80, pc, "10.0.0.9", 41001, ACK)), PASSED);
	assert_int_equal(dp_ct_rec_get(dp_tables.ct, web, DP_CT_RESPONDER).gen,
			dp_port_get(pa)->sg_gen);

	/* ssh goes: its next packet, either way, ends its connection; web continues. */
	rule(2, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 80, "web");
	filter("a", true);
	assert_int_equal(run(tcp(pa, "10.0.0.5", 22, pc, "10.0.0.9", 41000, ACK)),
			DP_DROP_SG_DENIED_EGRESS);
	assert_true(dp_ct_is_dead(dp_tables.ct, ssh));
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)),
			DP_DROP_CT_INVALID);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 80, ACK)), PASSED);
	assert_int_equal(run(tcp(pa, "10.0.0.5", 80, pc, "10.0.0.9", 41001, ACK)), PASSED);
	assert_false(dp_ct_is_dead(dp_tables.ct, web));
	assert_int_equal(dp_ct_rec_get(dp_tables.ct, web, DP_CT_RESPONDER).gen,
			dp_port_get(pa)->sg_gen);
	/* The control thread deletes the killed one at its next expiry. */
	dp_ct_expire(dp_tables.ct, test_worker->now_sec, 0);
	assert_int_equal(conn("10.0.0.9", 41000, "10.0.0.5", 22), DP_CT_NONE);
}

static void a_removed_rule_ends_idle_connections_at_the_control_threads_next_step(void **state)
{
	uint32_t ssh, web;

	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	rule(2, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 80, "web");
	filter("a", true);
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	handshake(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 80);
	web = conn("10.0.0.9", 41001, "10.0.0.5", 80);
	rule(2, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 80, "web");
	filter("a", true);
	/* No packet comes; the control loop's step checks them all. */
	ssh = conn("10.0.0.9", 41000, "10.0.0.5", 22);
	assert_int_not_equal(ssh, DP_CT_NONE);
	dp_sg_conf_expire();
	assert_int_equal(conn("10.0.0.9", 41000, "10.0.0.5", 22), DP_CT_NONE);
	assert_int_equal(conn("10.0.0.9", 41001, "10.0.0.5", 80), web);
	assert_int_equal(dp_ct_rec_get(dp_tables.ct, web, DP_CT_RESPONDER).gen,
			dp_port_get(pa)->sg_gen);
	assert_int_equal(dp_ct_port_count(dp_tables.ct, pa), 1);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 80, ACK)), PASSED);
}

static void an_icmp_error_about_a_tracked_connection_passes(void **state)
{
	struct pkt_spec s = from_to(pc, pa);
	struct rte_mbuf *out = udp(pa, "10.0.0.5", 5353, pc, "10.0.0.9", 53);
	struct rte_mbuf *stray = udp(pa, "10.0.0.5", 5354, pc, "10.0.0.9", 53);

	(void)state;
	rule(1, DP_SG_DIR_EGRESS, UDP, "0.0.0.0/0", 53, "dns");
	filter("a", true);
	/* Port unreachable about a's query: before the query, nothing to relate it to;
	 * once the filter tracks it, related. */
	assert_int_equal(run(pkt_icmp_error(test_pool, &s, "10.0.0.9", 3, 3, out)),
			DP_DROP_CT_INVALID);
	assert_int_equal(run(rte_pktmbuf_copy(out, test_pool, 0, UINT32_MAX)), PASSED);
	assert_int_equal(run(pkt_icmp_error(test_pool, &s, "10.0.0.9", 3, 3, out)), PASSED);
	/* About a datagram that never passed: nothing to relate it to. */
	assert_int_equal(run(pkt_icmp_error(test_pool, &s, "10.0.0.9", 3, 3, stray)),
			DP_DROP_CT_INVALID);
	rte_pktmbuf_free(out);
	rte_pktmbuf_free(stray);
}

static void a_stateless_filter_checks_every_packet(void **state)
{
	struct dp_ct_stats st;

	(void)state;
	rule(1, DP_SG_DIR_EGRESS, UDP, "0.0.0.0/0", 53, "dns out");
	filter("a", false);
	assert_int_equal(run(udp(pa, "10.0.0.5", 5353, pc, "10.0.0.9", 53)), PASSED);
	/* The answer is a packet like any: no rule lets it in. */
	assert_int_equal(run(udp(pc, "10.0.0.9", 53, pa, "10.0.0.5", 5353)),
			DP_DROP_SG_DENIED_INGRESS);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.in_use, 0);
	rule(1, DP_SG_DIR_EGRESS, UDP, "0.0.0.0/0", 53, "dns out");
	rule(2, DP_SG_DIR_INGRESS, UDP, "10.0.0.9/32", 0, "dns in");
	filter("a", false);
	assert_int_equal(run(udp(pc, "10.0.0.9", 53, pa, "10.0.0.5", 5353)), PASSED);
	/* A TCP packet no state would take, a stateless rule takes. */
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("a", false);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)), PASSED);
}

static void a_full_table_and_a_port_limit_refuse_new_connections_only(void **state)
{
	struct dp_ct_stats st;

	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("a", true);
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("b", true);
	new_ct_table(2, 0);
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	handshake(pc, "10.0.0.9", 41001, pb, "10.0.0.7", 22);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41002, pa, "10.0.0.5", 22, SYN)),
			DP_DROP_CT_TABLE_FULL);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)), PASSED);
	assert_int_equal(run(tcp(pa, "10.0.0.5", 22, pc, "10.0.0.9", 41000, ACK)), PASSED);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.table_full, 1);

	/* One connection per port: a's second is refused, b's first is not. */
	new_ct_table(100, 1);
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41002, pa, "10.0.0.5", 22, SYN)),
			DP_DROP_CT_PORT_LIMIT);
	handshake(pc, "10.0.0.9", 41001, pb, "10.0.0.7", 22);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22, ACK)), PASSED);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.port_limit, 1);
}

static void arp_dhcp_and_neighbour_discovery_pass_without_rules(void **state)
{
	struct pkt_spec bc = {.src = mac_of(0x0a), .vlan = NO_VLAN, .in_port = pa};
	struct pkt_spec to_a = from_to(pc, pa);

	(void)state;
	filter("a", true);
	memset(&bc.dst, 0xff, sizeof(bc.dst));
	hello(pa, "10.0.0.5");
	/* DHCP discover from 0.0.0.0, the offer back. */
	assert_int_equal(run(pkt_l4(test_pool, &bc, UDP, "0.0.0.0", 68, "255.255.255.255", 67, 0, 240)),
			FLOODED);
	assert_int_equal(run(udp(pc, "10.0.0.1", 67, pa, "10.0.0.5", 68)), PASSED);
	/* A DHCP server in the VM is refused, rules or not. */
	rule(1, DP_SG_DIR_EGRESS, UDP, "0.0.0.0/0", 0, "all udp out");
	filter("a", true);
	assert_int_equal(run(udp(pa, "10.0.0.5", 67, pc, "10.0.0.9", 68)), DP_DROP_SG_DENIED_EGRESS);
	/* Neighbour solicitation to a, and from it (link-local). */
	assert_int_equal(run(pkt_icmp6(test_pool, &to_a, "fe80::c", "fe80::a", 135)), PASSED);
	assert_int_equal(run(pkt_icmp6(test_pool, &(struct pkt_spec){.src = mac_of(0x0a),
				.dst = mac_of(0x0c), .vlan = NO_VLAN, .in_port = pa},
			"fe80::a", "fe80::c", 136)),
			PASSED);
	/* A router advertisement needs a rule. */
	assert_int_equal(run(pkt_icmp6(test_pool, &to_a, "fe80::c", "fe80::a", 134)),
			DP_DROP_SG_DENIED_INGRESS);
}

static void a_flood_copy_for_a_filtered_port_goes_through_its_filter(void **state)
{
	struct pkt_spec bc = {.src = mac_of(0x0c), .vlan = NO_VLAN, .in_port = pc};
	struct rte_mbuf *m, *out[DP_FLOOD_MAX_COPIES];
	uint16_t next[DP_FLOOD_MAX_COPIES], e, n, seen = 0;

	(void)state;
	filter("a", true);
	memset(&bc.dst, 0xff, sizeof(bc.dst));
	m = pkt_l4(test_pool, &bc, UDP, "10.0.0.9", 1000, "10.0.0.255", 9999, 0, 8);
	dp_bridge_input_burst(test_worker, &m, 1, &e);
	assert_int_equal(e, DP_L2_FLOOD);
	n = dp_flood_one(test_worker, m, out, next);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t port = dp_mbuf_meta(out[i])->out_port, x;

		if (port == pa) {
			assert_int_equal(next[i], DP_L2_SG_INGRESS);
			dp_sg_ingress_burst(test_worker, &out[i], 1, &x);
			assert_int_equal(x, DP_SG_IN_DROP + DP_DROP_SG_DENIED_INGRESS);
			seen |= 1;
		} else {
			assert_int_equal(port, pb);
			assert_int_equal(next[i], DP_L2_TX);
			seen |= 2;
		}
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(seen, 3);
}

/* Routes m (to router r1's MAC): bridge_input, ip4_route, then sg_ingress when the
 * routed frame is for a port with a filter. Returns PASSED or the drop reason. */
static uint16_t route_run(struct rte_mbuf *m)
{
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(1)];
	uint16_t e, next[8], n, x;

	dp_bridge_input_burst(test_worker, &m, 1, &e);
	assert_int_equal(e, DP_L2_ROUTE);
	n = dp_ip4_route_burst(test_worker, &m, 1, out, next);
	assert_int_equal(n, 1);
	e = next[0];
	if (e == DP_L2_SG_INGRESS) {
		dp_sg_ingress_burst(test_worker, out, 1, &x);
		e = x == DP_SG_IN_TX ? DP_L2_TX : DP_L2_DROP + x - DP_SG_IN_DROP;
	}
	rte_pktmbuf_free(out[0]);
	if (e >= DP_L2_DROP)
		return e - DP_L2_DROP;
	assert_int_equal(e, DP_L2_TX);
	return PASSED;
}

static void a_routed_frame_to_a_filtered_port_goes_through_its_filter(void **state)
{
	struct dp_router_req r = {.name = "r1"};
	struct dp_router_if_req red = {.router = "r1", .network = "red", .prefixlen = 24},
				blue = {.router = "r1", .network = "blue", .prefixlen = 24};
	const struct rte_ether_addr dmac = {{2, 0, 0, 0, 0, 0x0d}};
	struct dp_mac_req mac = {.network = "blue", .port = "d"};
	struct rte_ether_addr gw;
	struct pkt_spec s = {.src = mac_of(0x0c), .vlan = NO_VLAN, .in_port = pc};
	uint32_t len = 0;
	uint16_t pd;

	(void)state;
	test_network("blue", DP_NET_FLAT, "", 0, 1500);
	pd = test_port("d");
	test_attach("d", "blue");
	test_security("d", &dmac, "10.1.0.20");
	assert_int_equal(dp_conf_router_add(&r), 0);
	inet_pton(AF_INET, "10.0.0.1", red.ip);
	inet_pton(AF_INET, "10.1.0.1", blue.ip);
	assert_int_equal(dp_conf_router_if_add(&red), 0);
	assert_int_equal(dp_conf_router_if_add(&blue), 0);
	assert_int_equal(dp_neigh_add_permanent(dp_conf_net_by_name("blue"), test_ip("10.1.0.20"),
				 &dmac, false), 0);
	memcpy(mac.mac, &dmac, 6);
	assert_int_equal(dp_ctl_mac_add(&mac, sizeof(mac), NULL, &len), 0);
	gw = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[0].mac;
	s.dst = gw;
	assert_int_equal(route_run(pkt_l4(test_pool, &s, TCP, "10.0.0.9", 41000, "10.1.0.20", 22,
				 SYN, 0)),
			PASSED);
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh");
	filter("d", true);
	/* Its zone is d's network: a connection of blue, allowed by d's ingress. */
	assert_int_equal(route_run(pkt_l4(test_pool, &s, TCP, "10.0.0.9", 41001, "10.1.0.20", 22,
				 SYN, 0)),
			PASSED);
	assert_int_equal(route_run(pkt_l4(test_pool, &s, TCP, "10.0.0.9", 41002, "10.1.0.20", 23,
				 SYN, 0)),
			DP_DROP_SG_DENIED_INGRESS);
	/* Again, now that the router holds an adjacency for d. */
	assert_int_equal(route_run(pkt_l4(test_pool, &s, TCP, "10.0.0.9", 41003, "10.1.0.20", 23,
				 SYN, 0)),
			DP_DROP_SG_DENIED_INGRESS);
	RTE_SET_USED(pd);
}

/* Sets a 16-bit field at offset off of m's data. */
static void poke16(struct rte_mbuf *m, uint32_t off, uint16_t v)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

	d[off] = (uint8_t)(v >> 8);
	d[off + 1] = (uint8_t)v;
}

static void the_inline_parse_agrees_with_dp_ct_parse(void **state)
{
	struct pkt_spec s = from_to(pc, pa);
	struct rte_mbuf *m[] = {
		pkt_l4(test_pool, &s, TCP, "10.0.0.9", 41000, "10.0.0.5", 22, SYN, 0),
		pkt_l4(test_pool, &s, TCP, "10.0.0.5", 22, "10.0.0.9", 41000, SYNACK, 100),
		pkt_l4(test_pool, &s, UDP, "10.0.0.9", 53, "10.0.0.5", 5353, 0, 30),
		pkt_l4(test_pool, &s, UDP, "10.0.0.9", 53, "10.0.0.5", 5353, 0, 0),
		pkt_l4(test_pool, &s, UDP, "10.0.0.9", 53, "10.0.0.5", 5353, 0, 8), /* bad UDP length */
		pkt_l4(test_pool, &s, TCP, "10.0.0.9", 1, "10.0.0.5", 2, ACK, 0),   /* bad data offset */
		pkt_l4(test_pool, &s, UDP, "10.0.0.9", 53, "10.0.0.5", 5353, 0, 8), /* later fragment */
		pkt_l4(test_pool, &s, UDP, "10.0.0.9", 53, "10.0.0.5", 5353, 0, 8), /* long total */
		pkt_icmp_echo(test_pool, &s, "10.0.0.9", "10.0.0.5", 8),
	};
	const bool fast[] = {true, true, true, true, false, false, false, false, false};

	(void)state;
	poke16(m[4], 14 + 20 + 4, 17);		 /* UDP length past the datagram */
	rte_pktmbuf_mtod(m[5], uint8_t *)[14 + 20 + 12] = 4 << 4; /* 16-byte TCP header */
	poke16(m[6], 14 + 6, 0x0010);		 /* fragment offset 16 */
	poke16(m[7], 14 + 2, 200);		 /* total length past the frame */
	for (unsigned int i = 0; i < RTE_DIM(m); i++) {
		struct dp_ct_pkt a, b;
		int rc;

		memset(&a, 0xaa, sizeof(a));
		memset(&b, 0x55, sizeof(b));
		assert_int_equal(dp_ct_parse_fast4(m[i], 14, 7, &a), fast[i]);
		rc = dp_ct_parse(m[i], 14, RTE_ETHER_TYPE_IPV4, 7, &b);
		if (fast[i]) {
			assert_int_equal(rc, DP_CT_PARSE_TRACKED);
			assert_memory_equal(&a.key, &b.key, sizeof(a.key));
			assert_int_equal(a.side, b.side);
			assert_int_equal(a.l4, b.l4);
			assert_int_equal(a.tcp_flags, b.tcp_flags);
			assert_int_equal(a.icmp_type, b.icmp_type);
			assert_int_equal(a.related, b.related);
			assert_int_equal(a.l4_off, b.l4_off);
			assert_int_equal(a.end, b.end);
		}
		rte_pktmbuf_free(m[i]);
	}
}

static void ipv6_tcp_passes_an_ipv6_rule_only(void **state)
{
	(void)state;
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh v4");
	filter("a", true);
	assert_int_equal(run(tcp(pc, "fe80::c", 41000, pa, "fe80::a", 22, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
	rule(1, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh v4");
	rule(2, DP_SG_DIR_INGRESS, TCP, "fe80::/64", 22, "ssh v6");
	filter("a", true);
	handshake(pc, "fe80::c", 41000, pa, "fe80::a", 22);
}

/* The trace's lines that contain `needle`. */
static int trace_has(const char *needle)
{
	static struct dp_trace_record recs[256];
	uint32_t next, n, found = 0;

	dp_trace_drain();
	n = dp_trace_read(0, recs, RTE_DIM(recs), &next);
	for (uint32_t i = 0; i < n; i++)
		if (strstr(recs[i].text, needle) != NULL)
			found++;
	return found;
}

static void the_trace_names_the_rule_that_allowed_a_packet(void **state)
{
	(void)state;
	rule(7, DP_SG_DIR_INGRESS, TCP, "10.0.0.0/24", 22, "ssh from the office");
	filter("a", true);
	assert_int_equal(dp_trace_set(1, 1024), 0);
	test_worker->trace = true;
	handshake(pc, "10.0.0.9", 41000, pa, "10.0.0.5", 22);
	assert_int_equal(run(tcp(pc, "10.0.0.9", 41001, pa, "10.0.0.5", 23, SYN)),
			DP_DROP_SG_DENIED_INGRESS);
	test_worker->trace = false;
	dp_trace_set(0, 0);
	assert_int_equal(trace_has("sg_ingress: tcp 10.0.0.9:41000 -> 10.0.0.5:22 allowed by rule "
				   "ssh from the office, port a"),
			1);
	assert_int_equal(trace_has("sg_egress: tcp 10.0.0.5:22 -> 10.0.0.9:41000 established"), 1);
	assert_int_equal(trace_has("sg_ingress: tcp 10.0.0.9:41001 -> 10.0.0.5:23 denied (no rule)"),
			1);
	/* The bridge says where it sent the frames first. */
	assert_true(trace_has("-> sg_egress") >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(frames_of_ports_without_a_filter_take_no_sg_stage, setup,
				teardown),
		cmocka_unit_test_setup_teardown(a_filter_denies_both_directions_by_default, setup,
				teardown),
		cmocka_unit_test_setup_teardown(tcp_22_from_a_prefix_passes_and_tcp_23_does_not, setup,
				teardown),
		cmocka_unit_test_setup_teardown(a_bare_ack_opens_no_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(
				the_reply_of_an_allowed_egress_connection_passes_ingress, setup, teardown),
		cmocka_unit_test_setup_teardown(
				a_connection_between_two_filtered_ports_needs_both_filters, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				a_removed_rule_ends_the_connections_only_it_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(
				a_removed_rule_ends_idle_connections_at_the_control_threads_next_step,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				an_icmp_error_about_a_tracked_connection_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(a_stateless_filter_checks_every_packet, setup, teardown),
		cmocka_unit_test_setup_teardown(
				a_full_table_and_a_port_limit_refuse_new_connections_only, setup,
				teardown),
		cmocka_unit_test_setup_teardown(
				arp_dhcp_and_neighbour_discovery_pass_without_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(
				a_flood_copy_for_a_filtered_port_goes_through_its_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(
				a_routed_frame_to_a_filtered_port_goes_through_its_filter, setup,
				teardown),
		cmocka_unit_test_setup_teardown(the_inline_parse_agrees_with_dp_ct_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(ipv6_tcp_passes_an_ipv6_rule_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
				the_trace_names_the_rule_that_allowed_a_packet, setup, teardown),
	};

	if (test_env_init("sg_stage") < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
