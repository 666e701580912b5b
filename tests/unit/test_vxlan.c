/* SPDX-License-Identifier: Apache-2.0 */
/* VXLAN: encapsulation bytes, decapsulation checks, ARP for the VTEP, the
 * switching decisions around remote VTEPs, and frames waiting for a VTEP's
 * underlay next hop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <rte_arp.h>

#include "engine/dp_conf.h"
#include "engine/dp_neigh.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_flood.h"
#include "l2/dp_vxlan.h"
#include "l3/dp_ip4_route.h"
#include "l3/dp_router_conf.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t vm, under;
static const struct rte_ether_addr peer_mac = {{0x02, 0xee, 0, 0, 0, 0x02}};

/* Node 10.0.0.1/24 on underlay port "u"; VXLAN network "blue" (VNI 5000) with
 * local port "vm" and remote VTEP 10.0.0.2, whose MAC is already known. */
static int setup(void **state)
{
	(void)state;
	test_env_reset();
	vm = test_port("vm");
	under = test_port("u");
	test_network("blue", DP_NET_VXLAN, "", 5000, 0);
	test_attach("vm", "blue");
	test_security_off("vm");
	test_vtep("u", "10.0.0.1", 24, true);
	test_peer("blue", "10.0.0.2");
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.2"), &peer_mac);
	return 0;
}

static struct rte_mbuf *inner_frame(uint8_t src, uint8_t dst)
{
	struct pkt_spec s = {.src = mac_of(src), .dst = mac_of(dst), .vlan = NO_VLAN, .in_port = vm};

	return pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.2", 18);
}

/* Puts MAC `mac` of "blue" behind the remote VTEP at `ip` (as l2population would). */
static void behind_peer(const struct rte_ether_addr *mac, const char *ip)
{
	uint64_t key = dp_fdb_key(dp_conf_net_by_name("blue"), mac);
	int peer = dp_conf_peer_by_ip(test_ip(ip));

	dp_kv_set(&dp_tables.fdb, key, dp_kv_hash(key),
			dp_fdb_val(DP_PEER_BASE + peer, dp_tables.peer_epoch[peer], true, 0));
}

static uint64_t all_drops(void)
{
	uint64_t n = 0;

	for (int r = 0; r < DP_DROP_REASON_MAX; r++)
		n += test_worker->drops[r];
	return n;
}

/* Runs frames through vxlan_output and what it sends through port_tx; returns how many
 * were dropped (counted and freed). */
static uint16_t vxlan_output(struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t before = all_drops();

	test_pipeline_edge(DP_L2_VXLAN, pkts, n);
	return all_drops() - before;
}

/* A frame from vm (UDP payload `payload` bytes) to MAC `dst`, switched by bridge_input
 * to a remote VTEP and handed to vxlan_output. */
static void send_to_vtep(uint8_t dst, uint16_t payload)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(dst), .vlan = NO_VLAN, .in_port = vm};
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.2", payload);
	uint16_t edge;

	dp_bridge_input_burst(test_worker, &m, 1, &edge);
	assert_int_equal(edge, DP_L2_VXLAN);
	assert_int_equal(vxlan_output(&m, 1), 0);
}

static void encap_builds_outer_headers_field_by_field(void **state)
{
	struct rte_mbuf *m = inner_frame(0xa, 0xb);
	uint8_t inner[128];
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	const struct dp_vtep *v = dp_vtep_get();
	struct rte_mbuf *req;
	const uint8_t *p;
	uint16_t sport;

	(void)state;
	memcpy(inner, rte_pktmbuf_mtod(m, void *), inner_len);
	sport = dp_vxlan_src_port(m);
	assert_int_equal(dp_vxlan_encap(test_worker, m, v, 5000, test_ip("10.0.0.2"), &req),
			DP_DROP_REASON_MAX);
	assert_null(req);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	assert_int_equal(rte_pktmbuf_pkt_len(m), inner_len + 50);
	/* Ethernet: to the peer's MAC, from the underlay port's, IPv4. */
	assert_memory_equal(p, &peer_mac, 6);
	assert_memory_equal(p + 6, &v->mac, 6);
	assert_int_equal(p[12], 0x08);
	assert_int_equal(p[13], 0x00);
	/* IPv4: version 4, IHL 5, total length, DF, TTL 64, UDP, 10.0.0.1 -> 10.0.0.2. */
	assert_int_equal(p[14], 0x45);
	assert_int_equal(p[16] << 8 | p[17], inner_len + 36);
	assert_int_equal(p[20], 0x40);
	assert_int_equal(p[22], 64);
	assert_int_equal(p[23], 17);
	static const uint8_t src_ip[4] = {10, 0, 0, 1}, dst_ip[4] = {10, 0, 0, 2};
	static const uint8_t vxlan_hdr[8] = {0x08, 0, 0, 0, 0x00, 0x13, 0x88, 0};

	assert_memory_equal(p + 26, src_ip, 4);
	assert_memory_equal(p + 30, dst_ip, 4);
	/* A header whose checksum is right sums to 0xffff (RFC 1071). */
	assert_int_equal(rte_raw_cksum(p + 14, 20), 0xffff);
	/* UDP: hashed source port in 49152-65535, 4789, length, no checksum. */
	assert_int_equal(p[34] << 8 | p[35], sport);
	assert_true(sport >= 49152);
	assert_int_equal(p[36] << 8 | p[37], 4789);
	assert_int_equal(p[38] << 8 | p[39], inner_len + 16);
	assert_int_equal(p[40] << 8 | p[41], 0);
	/* VXLAN: I flag, VNI 5000 = 0x001388 in bytes 4-6. */
	assert_memory_equal(p + 42, vxlan_hdr, 8);
	/* The inner frame, untouched. */
	assert_memory_equal(p + 50, inner, inner_len);
	rte_pktmbuf_free(m);
}

static void same_flow_gets_same_source_port_and_others_spread(void **state)
{
	struct rte_mbuf *a = inner_frame(0xa, 0xb), *b = inner_frame(0xa, 0xb);
	struct rte_mbuf *c = inner_frame(0xc, 0xb);

	(void)state;
	assert_int_equal(dp_vxlan_src_port(a), dp_vxlan_src_port(b));
	assert_int_not_equal(dp_vxlan_src_port(a), dp_vxlan_src_port(c));
	rte_pktmbuf_free(a);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(c);
}

static void inner_frame_too_big_for_underlay_is_dropped(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = vm};
	/* 1451 bytes of IP + 14 + 50 - 14 = 1501 > the underlay's 1500. */
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.2", 1451 - 28);
	struct rte_mbuf *req;

	(void)state;
	assert_int_equal(dp_vxlan_encap(test_worker, m, dp_vtep_get(), 5000, test_ip("10.0.0.2"),
				 &req),
			DP_DROP_UNDERLAY_MTU);
	rte_pktmbuf_free(m);
}

/* An encapsulated frame as the peer 10.0.0.2 would send it to us. */
/* Frame m encapsulated as the VTEP at `from` would send it to us. */
static struct rte_mbuf *encapsulated(const char *from, uint32_t vni, struct rte_mbuf *m)
{
	struct dp_vtep v = *dp_vtep_get();
	struct dp_vxlan_outer *o;
	struct rte_mbuf *req;

	/* Build it with our own encap, addresses swapped, then address it to us. */
	v.local_ip = test_ip(from);
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.1"), &v.mac);
	assert_int_equal(dp_vxlan_encap(test_worker, m, &v, vni, test_ip("10.0.0.1"), &req),
			DP_DROP_REASON_MAX);
	o = rte_pktmbuf_mtod(m, struct dp_vxlan_outer *);
	o->eth.src_addr = peer_mac;
	m->port = under;
	return m;
}

static struct rte_mbuf *from_peer(uint32_t vni, uint8_t src, uint8_t dst)
{
	return encapsulated("10.0.0.2", vni, inner_frame(src, dst));
}

/* What the last underlay1 released from waiting, for vxlan_output. */
static struct rte_mbuf *released[DP_ARP_WAIT_MAX];
static uint16_t n_released;

static uint16_t underlay1(struct rte_mbuf *m)
{
	uint16_t next;

	n_released = dp_underlay_input_burst(test_worker, &m, 1, &next, released);
	return next;
}

/* The underlay neighbour at `ip` answers our request; what that released goes on
 * through vxlan_output. Returns how many frames it released. */
static uint16_t underlay_answers(const char *ip, const struct rte_ether_addr *mac)
{
	struct pkt_spec s = {.src = *mac, .dst = dp_vtep_get()->mac, .vlan = NO_VLAN, .in_port = under};
	struct rte_mbuf *m = pkt_arp_reply(test_pool, &s, ip, "10.0.0.1");

	assert_int_equal(underlay1(m), DP_L2_EDGE_DROP(DP_DROP_ARP_CONSUMED));
	rte_pktmbuf_free(m);
	assert_int_equal(vxlan_output(released, n_released), 0);
	return n_released;
}

static void decap_switches_inner_frame_and_learns_its_source_behind_the_peer(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	struct rte_mbuf *reply = inner_frame(0xa, 0xe);
	uint16_t next;

	(void)state;
	assert_int_equal(underlay1(m), DP_L2_FLOOD); /* 0xa is not known yet */
	assert_int_equal(rte_pktmbuf_pkt_len(m), 14 + 20 + 8 + 18);
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr,
			&(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xe}}));
	/* The reply to 0xe goes back to the VTEP it came from. */
	dp_bridge_input_burst(test_worker, &reply, 1, &next);
	assert_int_equal(next, DP_L2_VXLAN);
	assert_int_equal(dp_mbuf_meta(reply)->out_port,
			DP_PEER_BASE + dp_conf_peer_by_ip(test_ip("10.0.0.2")));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(reply);
}

static void decap_with_unknown_vni_is_dropped(void **state)
{
	struct rte_mbuf *m = from_peer(5001, 0xe, 0xa);
	uint16_t next = underlay1(m);

	(void)state;
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_UNKNOWN_VNI));
	rte_pktmbuf_free(m);
}

/* A network node holds thousands of tenant networks (issue 17): every id up to
 * DP_MAX_NETWORKS - 1 is a network, each VNI decapsulates into its own, and the
 * id of a deleted network is given to the next. */
static void every_network_id_is_usable_and_reused(void **state)
{
	struct dp_network_add_req req = {.type = DP_NET_VXLAN};
	const struct dp_vtep *v;
	uint16_t id, freed;

	(void)state;
	/* "blue" holds one id already. */
	for (uint32_t i = 1; i < DP_MAX_NETWORKS - 1; i++) {
		snprintf(req.name, sizeof(req.name), "n%u", i);
		req.seg_id = 100000 + i;
		assert_int_equal(dp_conf_net_add(&req, &id), 0);
	}
	snprintf(req.name, sizeof(req.name), "one-too-many");
	req.seg_id = 99999;
	assert_int_equal(dp_conf_net_add(&req, &id), -ENOSPC);
	v = dp_tables.vtep;
	assert_non_null(v);
	for (uint32_t i = 1; i < DP_MAX_NETWORKS - 1; i += 997)
		assert_int_equal(dp_vtep_vni_net(v, 100000 + i), dp_conf_net_by_name(
				(snprintf(req.name, sizeof(req.name), "n%u", i), req.name)));
	assert_int_equal(dp_vtep_vni_net(v, 5000), dp_conf_net_by_name("blue"));
	freed = (uint16_t)dp_conf_net_by_name("n8000");
	assert_int_equal(dp_conf_net_del("n8000", false), 0);
	snprintf(req.name, sizeof(req.name), "late");
	assert_int_equal(dp_conf_net_add(&req, &id), 0);
	assert_int_equal(id, freed);
	assert_int_equal(dp_vtep_vni_net(dp_tables.vtep, 99999), id);
	assert_int_equal(dp_vtep_vni_net(dp_tables.vtep, 100000 + 8000), 0);
}

static void decap_to_another_udp_port_is_not_for_us(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->udp.dst_port = RTE_BE16(4790);
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_NOT_FOR_US));
	rte_pktmbuf_free(m);
}

static void decap_without_the_vni_flag_is_a_bad_header(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->vxlan.flags = 0;
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_VXLAN_BAD_HEADER));
	rte_pktmbuf_free(m);
}

/* RFC 1122 3.2.1.2: a datagram whose header checksum is wrong is discarded. */
static void decap_with_a_bad_outer_ip_checksum_is_dropped(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa);
	uint16_t next;

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->ip.hdr_checksum ^= RTE_BE16(0x0100);
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_BAD_IP_CHECKSUM));
	rte_pktmbuf_free(m);
}

/* A device that checked the outer header says what it found; that stands. */
static void decap_follows_the_device_checksum_flags(void **state)
{
	struct rte_mbuf *bad = from_peer(5000, 0xe, 0xa), *good = from_peer(5000, 0xe, 0xa);

	(void)state;
	rte_pktmbuf_mtod(bad, struct dp_vxlan_outer *)->ip.hdr_checksum ^= RTE_BE16(0x0100);
	bad->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	assert_int_equal(underlay1(bad), DP_L2_FLOOD);
	good->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
	assert_int_equal(underlay1(good), DP_L2_EDGE_DROP(DP_DROP_BAD_IP_CHECKSUM));
	rte_pktmbuf_free(bad);
	rte_pktmbuf_free(good);
}

/* A tunnel-aware device's IP flags describe the inner header; the outer has its own. */
static void decap_of_a_recognised_tunnel_checks_the_outer_header_itself(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xa), *o_bad = from_peer(5000, 0xe, 0xa);

	(void)state;
	rte_pktmbuf_mtod(m, struct dp_vxlan_outer *)->ip.hdr_checksum ^= RTE_BE16(0x0100);
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_TUNNEL_VXLAN;
	m->ol_flags |= RTE_MBUF_F_RX_IP_CKSUM_GOOD; /* the inner header's */
	assert_int_equal(underlay1(m), DP_L2_EDGE_DROP(DP_DROP_BAD_IP_CHECKSUM));
	o_bad->ol_flags |= RTE_MBUF_F_RX_OUTER_IP_CKSUM_BAD;
	assert_int_equal(underlay1(o_bad), DP_L2_EDGE_DROP(DP_DROP_BAD_IP_CHECKSUM));
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(o_bad);
}

/*
 * l2population (learning off): a network takes VXLAN only from its own peers, as
 * Neutron's OVS agent, whose tunnels exist per peer, takes it from nowhere else.
 */
static void without_learning_a_frame_from_an_unknown_vtep_is_dropped(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	test_vtep("u", "10.0.0.1", 24, false);
	m = encapsulated("10.0.0.9", 5000, inner_frame(0xe, 0xa));
	assert_int_equal(underlay1(m), DP_L2_EDGE_DROP(DP_DROP_VXLAN_UNKNOWN_PEER));
	rte_pktmbuf_free(m);
}

static void without_learning_a_peer_of_another_network_is_unknown_here(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	test_vtep("u", "10.0.0.1", 24, false);
	test_network("green", DP_NET_VXLAN, "", 6000, 0);
	test_peer("green", "10.0.0.5");
	m = encapsulated("10.0.0.5", 5000, inner_frame(0xe, 0xa));
	assert_int_equal(underlay1(m), DP_L2_EDGE_DROP(DP_DROP_VXLAN_UNKNOWN_PEER));
	rte_pktmbuf_free(m);
	m = encapsulated("10.0.0.5", 6000, inner_frame(0xe, 0xa));
	assert_int_equal(underlay1(m), DP_L2_FLOOD);
	rte_pktmbuf_free(m);
}

static void without_learning_a_frame_from_a_peer_of_the_network_is_switched(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	test_vtep("u", "10.0.0.1", 24, false);
	m = from_peer(5000, 0xe, 0xa);
	assert_int_equal(underlay1(m), DP_L2_FLOOD);
	rte_pktmbuf_free(m);
}

/* A learning VTEP discovers its peers from what they send (RFC 7348 4.1). */
static void with_learning_a_frame_from_an_unknown_vtep_is_switched(void **state)
{
	struct rte_mbuf *m = encapsulated("10.0.0.9", 5000, inner_frame(0xe, 0xa));

	(void)state;
	assert_int_equal(underlay1(m), DP_L2_FLOOD);
	rte_pktmbuf_free(m);
}

/* Another node's distributed router routed the frame here: its source is the
 * interface MAC this node's router has on blue too, not a station behind the
 * peer (l2/dp_l2.h, dp_l2_is_rif_mac). */
static void a_learning_vtep_does_not_learn_a_router_interface_mac(void **state)
{
	struct dp_router_req r = {.name = "r1"};
	struct pkt_spec s = {.dst = mac_of(0xa), .vlan = NO_VLAN, .in_port = vm};
	struct rte_mbuf *m;
	uint64_t key, v;

	(void)state;
	assert_int_equal(dp_conf_router_add(&r), 0);
	test_router_if("r1", "blue", "192.168.1.254", 24);
	test_forget_injected();
	s.src = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[0].mac;
	m = encapsulated("10.0.0.2", 5000, pkt_ipv4_udp(test_pool, &s, "192.168.2.1",
						     "192.168.1.2", 18));
	assert_int_equal(underlay1(m), DP_L2_FLOOD); /* delivered: 0xa is not known yet */
	key = dp_fdb_key(dp_conf_net_by_name("blue"), &s.src);
	assert_false(dp_kv_lookup(&dp_tables.fdb, key, dp_kv_hash(key), &v));
	rte_pktmbuf_free(m);
	/* Any other source from the peer is learned behind it. */
	m = from_peer(5000, 0xe, 0xa);
	assert_int_equal(underlay1(m), DP_L2_FLOOD);
	key = dp_fdb_key(dp_conf_net_by_name("blue"), &(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xe}});
	assert_true(dp_kv_lookup(&dp_tables.fdb, key, dp_kv_hash(key), &v));
	rte_pktmbuf_free(m);
}

static void overlay_frame_is_never_sent_back_into_the_overlay(void **state)
{
	struct rte_mbuf *m = from_peer(5000, 0xe, 0xf);
	uint16_t next;

	(void)state;
	/* 0xf lives behind the same peer (l2population), yet the peer sent us a frame for it. */
	behind_peer(&(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xf}}, "10.0.0.2");
	next = underlay1(m);
	assert_int_equal(next, DP_L2_EDGE_DROP(DP_DROP_SAME_PORT));
	rte_pktmbuf_free(m);
}

static void arp_for_the_vtep_address_is_answered(void **state)
{
	struct pkt_spec s = {.src = peer_mac, .vlan = NO_VLAN, .in_port = under};
	struct rte_mbuf *m;
	struct rte_arp_hdr *arp;
	struct rte_ether_addr mac;

	(void)state;
	memset(&s.dst, 0xff, 6);
	m = pkt_arp_request(test_pool, &s, NULL, "10.0.0.7", "10.0.0.1");
	assert_int_equal(underlay1(m), DP_L2_TX);
	arp = dp_arp_parse(m);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.0.0.1"));
	assert_int_equal(arp->arp_data.arp_tip, test_ip("10.0.0.7"));
	assert_true(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &dp_vtep_get()->mac));
	assert_int_equal(dp_mbuf_meta(m)->out_port, under);
	/* And the asker is now a known neighbour. */
	assert_true(dp_neigh_lookup(DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.7"), &mac));
	assert_true(rte_is_same_ether_addr(&mac, &peer_mac));
	rte_pktmbuf_free(m);
}

static void flood_replicates_to_each_peer_encapsulated(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .vlan = NO_VLAN, .in_port = vm};
	struct rte_mbuf *m, *out[4];
	uint16_t n;

	(void)state;
	test_peer("blue", "10.0.0.3");
	dp_neigh_learn(test_worker, DP_NEIGH_SCOPE_UNDERLAY, test_ip("10.0.0.3"), &peer_mac);
	memset(&s.dst, 0xff, 6);
	m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.255", 18);
	dp_mbuf_meta(m)->net_id = dp_conf_net_by_name("blue");
	test_pipeline_edge(DP_L2_FLOOD, &m, 1);
	n = test_port_drain(under, out, 4);
	assert_int_equal(n, 2);
	for (uint16_t i = 0; i < n; i++) {
		const struct dp_vxlan_outer *o = rte_pktmbuf_mtod(out[i], const struct dp_vxlan_outer *);

		assert_int_equal(o->udp.dst_port, RTE_BE16(4789));
		assert_true(o->ip.dst_addr == test_ip("10.0.0.2") || o->ip.dst_addr == test_ip("10.0.0.3"));
		rte_pktmbuf_free(out[i]);
	}
}

static const struct rte_ether_addr vtep3_mac = {{0x02, 0xee, 0, 0, 0, 0x03}};

/* Remote VTEP 10.0.0.3, whose underlay MAC nobody has taught us, with MAC 0xb behind it. */
static void cold_vtep(void)
{
	test_peer("blue", "10.0.0.3");
	behind_peer(&(struct rte_ether_addr){{2, 0, 0, 0, 0, 0xb}}, "10.0.0.3");
}

static void frames_to_an_unresolved_vtep_wait_then_leave_in_order_when_it_answers(void **state)
{
	struct rte_mbuf *out[4];

	(void)state;
	cold_vtep();
	for (uint16_t i = 0; i < 3; i++)
		send_to_vtep(0xb, 20 + i);
	assert_int_equal(test_worker->arp_wait.n, 3);
	assert_int_equal(test_arp_requests(under, "10.0.0.3"), 1); /* one for the three */

	assert_int_equal(underlay_answers("10.0.0.3", &vtep3_mac), 3);
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_port_drain(under, out, 4), 3);
	for (uint16_t i = 0; i < 3; i++) {
		const struct dp_vxlan_outer *o = rte_pktmbuf_mtod(out[i], const struct dp_vxlan_outer *);

		assert_true(rte_is_same_ether_addr(&o->eth.dst_addr, &vtep3_mac));
		assert_int_equal(o->ip.dst_addr, test_ip("10.0.0.3"));
		assert_int_equal(rte_pktmbuf_pkt_len(out[i]), 50 + 14 + 28 + 20 + i);
		rte_pktmbuf_free(out[i]);
	}
	assert_int_equal(test_worker->drops[DP_DROP_NEIGH_UNRESOLVED], 0);
}

/* Head-end replication: the copy for the cold VTEP waits, the other leaves at once. */
static void flood_copy_to_an_unresolved_vtep_waits_for_it(void **state)
{
	struct pkt_spec s = {.src = mac_of(0xa), .vlan = NO_VLAN, .in_port = vm};
	struct rte_mbuf *m, *out[4];
	const struct dp_vxlan_outer *o;

	(void)state;
	cold_vtep();
	memset(&s.dst, 0xff, 6);
	m = pkt_ipv4_udp(test_pool, &s, "192.168.1.1", "192.168.1.255", 18);
	dp_mbuf_meta(m)->net_id = dp_conf_net_by_name("blue");
	test_pipeline_edge(DP_L2_FLOOD, &m, 1);
	assert_int_equal(test_port_drain(under, out, 4), 2); /* to 10.0.0.2, and ARP for .3 */
	o = rte_pktmbuf_mtod(out[0], const struct dp_vxlan_outer *);
	assert_int_equal(o->ip.dst_addr, test_ip("10.0.0.2"));
	assert_non_null(dp_arp_parse(out[1]));
	rte_pktmbuf_free_bulk(out, 2);
	assert_int_equal(test_worker->arp_wait.n, 1);

	assert_int_equal(underlay_answers("10.0.0.3", &vtep3_mac), 1);
	assert_int_equal(test_port_drain(under, out, 4), 1);
	o = rte_pktmbuf_mtod(out[0], const struct dp_vxlan_outer *);
	assert_int_equal(o->ip.dst_addr, test_ip("10.0.0.3"));
	assert_true(rte_is_same_ether_addr(&o->eth.dst_addr, &vtep3_mac));
	assert_int_equal(o->vxlan.vni[2], 5000 & 0xff);
	rte_pktmbuf_free(out[0]);
}

/* Nobody answers for 10.0.0.3: asked again on the underlay each second, then given up. */
static void unanswered_vtep_is_asked_again_each_second_then_its_frame_given_up(void **state)
{
	unsigned int avail;

	(void)state;
	cold_vtep();
	avail = rte_mempool_avail_count(test_pool);
	send_to_vtep(0xb, 20);
	assert_int_equal(test_arp_requests(under, "10.0.0.3"), 1);
	for (int sec = 1; sec <= DP_ARP_WAIT_SEC; sec++) {
		assert_int_equal(test_next_second(under, "10.0.0.3"), 1);
		assert_int_equal(test_worker->arp_wait.n, 1);
	}
	assert_int_equal(test_next_second(under, "10.0.0.3"), 0);
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_worker->drops[DP_DROP_NEIGH_UNRESOLVED], 1);
	assert_int_equal(rte_mempool_avail_count(test_pool), avail);
	/* A late answer finds nothing to release. */
	assert_int_equal(underlay_answers("10.0.0.3", &vtep3_mac), 0);
}

/* The frame on the underlay port, outer headers checked (to 10.0.0.3 at vtep3_mac)
 * and stripped. */
static struct rte_mbuf *sent_to_vtep3(void)
{
	struct rte_mbuf *m;
	const struct dp_vxlan_outer *o;

	assert_int_equal(test_port_drain(under, &m, 1), 1);
	o = rte_pktmbuf_mtod(m, const struct dp_vxlan_outer *);
	assert_true(rte_is_same_ether_addr(&o->eth.dst_addr, &vtep3_mac));
	assert_int_equal(o->ip.dst_addr, test_ip("10.0.0.3"));
	rte_pktmbuf_adj(m, sizeof(*o));
	return m;
}

/*
 * What routing over a cold overlay needs: router r1 routes from "red" into "blue"
 * to 10.5.0.9, which sits behind VTEP 10.0.0.3, and nothing is resolved. The
 * frame waits for 10.5.0.9; the router's ARP request, flooded into blue, waits in
 * turn for 10.0.0.3 on the underlay. Each goes on as soon as its answer comes.
 */
static void routed_frame_over_a_cold_overlay_waits_for_both_answers(void **state)
{
	struct dp_router_req r = {.name = "r1"};
	struct dp_router_if_req red_if = {.router = "r1", .network = "red", .prefixlen = 24,
			.ip = {10, 6, 0, 1}};
	struct dp_router_if_req blue_if = {.router = "r1", .network = "blue", .prefixlen = 24,
			.ip = {10, 5, 0, 1}};
	const struct rte_ether_addr far = {{2, 0, 0, 0, 0, 0x99}};
	struct rte_mbuf *m, *out[DP_IP4_ROUTE_OUT_MAX(1)];
	uint16_t next[RTE_DIM(out)], edge, n;
	struct pkt_spec s = {.src = mac_of(0x61), .vlan = NO_VLAN};
	const struct rte_ipv4_hdr *ip;
	const struct rte_arp_hdr *arp;

	(void)state;
	test_peer("blue", "10.0.0.3");
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	s.in_port = test_port("h");
	test_attach("h", "red");
	test_security_off("h");
	assert_int_equal(dp_conf_router_add(&r), 0);
	assert_int_equal(dp_conf_router_if_add(&red_if), 0);
	assert_int_equal(dp_conf_router_if_add(&blue_if), 0);

	/* From red to 10.5.0.9: the frame waits, and so does the request's copy for .3. */
	s.dst = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[0].mac;
	m = pkt_ipv4_udp(test_pool, &s, "10.6.0.10", "10.5.0.9", 20);
	dp_bridge_input_burst(test_worker, &m, 1, &edge);
	assert_int_equal(edge, DP_L2_ROUTE);
	n = dp_ip4_route_burst(test_worker, &m, 1, out, next);
	assert_int_equal(n, 1); /* the router's request for 10.5.0.9, to flood into blue */
	assert_int_equal(next[0], DP_L2_FLOOD);
	assert_int_equal(dp_arp_parse(out[0])->arp_data.arp_tip, test_ip("10.5.0.9"));
	test_pipeline(out, next, n);
	assert_int_equal(test_worker->arp_wait.n, 2);
	assert_int_equal(test_arp_requests(under, "10.0.0.3"), 1);

	/* 10.0.0.3 answers on the underlay: the router's request goes on to it. */
	assert_int_equal(underlay_answers("10.0.0.3", &vtep3_mac), 1);
	m = sent_to_vtep3();
	arp = dp_arp_parse(m);
	assert_non_null(arp);
	assert_int_equal(arp->arp_data.arp_tip, test_ip("10.5.0.9"));
	rte_pktmbuf_free(m);

	/* 10.5.0.9 answers the router through its VTEP: the routed frame goes to it. */
	s.src = far;
	s.dst = dp_router_confs[dp_conf_router_by_name("r1")]->rifs[1].mac;
	m = encapsulated("10.0.0.3", 5000, pkt_arp_reply(test_pool, &s, "10.5.0.9", "10.5.0.1"));
	assert_int_equal(underlay1(m), DP_L2_ROUTE);
	n = dp_ip4_route_burst(test_worker, &m, 1, out, next);
	assert_int_equal(n, 2);
	assert_int_equal(next[1], DP_L2_EDGE_DROP(DP_DROP_ARP_CONSUMED));
	rte_pktmbuf_free(out[1]);
	assert_int_equal(next[0], DP_L2_VXLAN);
	assert_int_equal(vxlan_output(out, 1), 0);
	m = sent_to_vtep3();
	assert_true(rte_is_same_ether_addr(&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr,
			&far));
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	assert_int_equal(ip->dst_addr, test_ip("10.5.0.9"));
	assert_int_equal(ip->time_to_live, 63);
	rte_pktmbuf_free(m);
	assert_int_equal(test_worker->arp_wait.n, 0);
	assert_int_equal(test_worker->drops[DP_DROP_NEIGH_UNRESOLVED], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(encap_builds_outer_headers_field_by_field, setup),
		cmocka_unit_test_setup(same_flow_gets_same_source_port_and_others_spread, setup),
		cmocka_unit_test_setup(inner_frame_too_big_for_underlay_is_dropped, setup),
		cmocka_unit_test_setup(decap_switches_inner_frame_and_learns_its_source_behind_the_peer,
				setup),
		cmocka_unit_test_setup(decap_with_unknown_vni_is_dropped, setup),
		cmocka_unit_test_setup(every_network_id_is_usable_and_reused, setup),
		cmocka_unit_test_setup(decap_to_another_udp_port_is_not_for_us, setup),
		cmocka_unit_test_setup(decap_without_the_vni_flag_is_a_bad_header, setup),
		cmocka_unit_test_setup(decap_with_a_bad_outer_ip_checksum_is_dropped, setup),
		cmocka_unit_test_setup(decap_follows_the_device_checksum_flags, setup),
		cmocka_unit_test_setup(decap_of_a_recognised_tunnel_checks_the_outer_header_itself,
				setup),
		cmocka_unit_test_setup(without_learning_a_frame_from_an_unknown_vtep_is_dropped,
				setup),
		cmocka_unit_test_setup(without_learning_a_peer_of_another_network_is_unknown_here,
				setup),
		cmocka_unit_test_setup(
				without_learning_a_frame_from_a_peer_of_the_network_is_switched,
				setup),
		cmocka_unit_test_setup(with_learning_a_frame_from_an_unknown_vtep_is_switched,
				setup),
		cmocka_unit_test_setup(overlay_frame_is_never_sent_back_into_the_overlay, setup),
		cmocka_unit_test_setup(arp_for_the_vtep_address_is_answered, setup),
		cmocka_unit_test_setup(flood_replicates_to_each_peer_encapsulated, setup),
		cmocka_unit_test_setup(
				frames_to_an_unresolved_vtep_wait_then_leave_in_order_when_it_answers,
				setup),
		cmocka_unit_test_setup(flood_copy_to_an_unresolved_vtep_waits_for_it, setup),
		cmocka_unit_test_setup(
				unanswered_vtep_is_asked_again_each_second_then_its_frame_given_up,
				setup),
		cmocka_unit_test_setup(routed_frame_over_a_cold_overlay_waits_for_both_answers, setup),
		cmocka_unit_test_setup(a_learning_vtep_does_not_learn_a_router_interface_mac, setup),
	};

	if (test_env_init("vxlan") < 0)
		return 1;
	return cmocka_run_group_tests_name("vxlan", tests, NULL, NULL);
}
