/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP answered by the engine, through bridge_input and the control protocol
 * (dhcp/dp_dhcp.h): a port's DISCOVER, REQUEST and INFORM come back out of
 * the same port as OFFER, ACK or NAK frames with right checksums; RELEASE
 * and DECLINE are counted; malformed requests, unknown MACs, ports without an
 * entry and a storm are dropped and counted; a network the engine does not
 * serve keeps switching DHCP as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "dhcp/dp_dhcp.h"
#include "engine/dp_conf.h"
#include "dhcp_test.h"
#include "dp_test_env.h"
#include "l2/dp_bridge.h"
#include "l2/dp_l2.h"
#include "pkt/dp_arp.h"
#include "pkt_builder.h"

static uint16_t pvm, pvm2, pother, pother2;
static struct rte_ether_addr vm_mac;

static int call(uint16_t type, const void *body, uint32_t len)
{
	return test_ctl(type, body, len, NULL);
}

static struct dp_dhcp_set_req vm_conf(void)
{
	struct dp_dhcp_set_req c = {
	                .prefix_len = 24, .dns_count = 1, .mtu = 1400, .route_count = 1};

	snprintf(c.port, sizeof(c.port), "vm");
	memcpy(c.mac, &vm_mac, 6);
	test_dhcp_ip(c.ip, "10.0.0.5");
	test_dhcp_ip(c.gateway, "10.0.0.1");
	test_dhcp_ip(c.server_ip, "10.0.0.2");
	test_dhcp_ip(c.dns[0], "10.0.0.2");
	test_dhcp_ip(c.routes[0].dest, "172.16.0.0");
	c.routes[0].prefix_len = 12;
	test_dhcp_ip(c.routes[0].nexthop, "10.0.0.254");
	return c;
}

/* Network "net": vm (with an entry) and vm2. Network "other": two ports, no entry. */
static int setup(void **state)
{
	struct dp_dhcp_set_req c;

	(void)state;
	test_env_reset();
	vm_mac = mac_of(0x0a);
	test_network("net", DP_NET_FLAT, "", 0, 1500);
	test_network("other", DP_NET_FLAT, "", 0, 1500);
	pvm = test_port("vm");
	pvm2 = test_port("vm2");
	pother = test_port("o1");
	pother2 = test_port("o2");
	test_attach("vm", "net");
	test_attach("vm2", "net");
	test_attach("o1", "other");
	test_attach("o2", "other");
	/* The VM's port as Neutron makes it: port security on, with its MAC and address. */
	test_security("vm", &vm_mac, "10.0.0.5");
	test_security_off("vm2");
	test_security_off("o1");
	test_security_off("o2");
	c = vm_conf();
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), 0);
	return 0;
}

/* A DHCP request frame from port (source MAC src) to 255.255.255.255:67 with the
 * BOOTP message msg of len bytes. */
static struct rte_mbuf *request_frame(
                uint16_t port, struct rte_ether_addr src, const uint8_t *msg, size_t len)
{
	struct pkt_spec s = {.src = src, .vlan = NO_VLAN, .in_port = port};
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;

	memset(&s.dst, 0xff, sizeof(s.dst));
	m = pkt_ipv4_udp(test_pool, &s, "0.0.0.0", "255.255.255.255", (uint16_t)len);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, sizeof(struct rte_ether_hdr));
	udp = (struct rte_udp_hdr *)(ip + 1);
	memcpy(udp + 1, msg, len);
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return m;
}

/* Runs m through bridge_input and on along its edge; returns the edge. */
static uint16_t run(struct rte_mbuf *m)
{
	uint16_t next;

	dp_bridge_input_burst(test_worker, &m, 1, &next);
	test_pipeline(&m, &next, 1);
	return next;
}

static uint16_t send_request(
                uint8_t type, uint16_t flags, const char *ciaddr, const uint8_t *opts, size_t olen)
{
	uint8_t msg[TEST_DHCP_ROOM];
	size_t len = test_dhcp_request(msg, type, vm_mac.addr_bytes, flags, ciaddr, opts, olen);

	return run(request_frame(pvm, vm_mac, msg, len));
}

/* What port sent back: one frame, or NULL. */
static struct rte_mbuf *one_reply(uint16_t port)
{
	struct rte_mbuf *pkts[4];
	uint16_t n = test_port_drain(port, pkts, RTE_DIM(pkts));

	if (n == 0)
		return NULL;
	assert_int_equal(n, 1);
	return pkts[0];
}

/* The checks every reply passes: Ethernet from the server's MAC, IPv4 from the
 * server to dst_ip, right checksums, UDP 67 -> 68. Returns the BOOTP message. */
static const uint8_t *check_reply(
                struct rte_mbuf *m, const char *dst_ip, bool broadcast, uint8_t type)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const void *);
	const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
	const struct rte_udp_hdr *udp = (const void *)(ip + 1);
	const uint8_t *msg = (const uint8_t *)(udp + 1);
	struct rte_ether_addr server_mac;

	dp_dhcp_server_mac(test_ip("10.0.0.2"), &server_mac);
	assert_true(rte_is_same_ether_addr(&eth->src_addr, &server_mac));
	if (broadcast)
		assert_true(rte_is_broadcast_ether_addr(&eth->dst_addr));
	else
		assert_true(rte_is_same_ether_addr(&eth->dst_addr, &vm_mac));
	assert_int_equal(eth->ether_type, RTE_BE16(RTE_ETHER_TYPE_IPV4));
	assert_int_equal(ip->src_addr, test_ip("10.0.0.2"));
	assert_int_equal(ip->dst_addr, test_ip(dst_ip));
	assert_int_equal(rte_raw_cksum(ip, sizeof(*ip)), 0xffff);
	assert_int_equal(udp->src_port, RTE_BE16(67));
	assert_int_equal(udp->dst_port, RTE_BE16(68));
	assert_int_equal(rte_pktmbuf_pkt_len(m), sizeof(*eth) + rte_be_to_cpu_16(ip->total_length));
	assert_int_equal(rte_be_to_cpu_16(udp->dgram_len), rte_be_to_cpu_16(ip->total_length) - 20);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
	assert_int_equal(msg[0], 2);
	assert_memory_equal(msg + 4, "\x01\x02\x03\x04", 4);
	assert_memory_equal(msg + 28, &vm_mac, 6);
	assert_int_equal(msg[240], 53);
	assert_int_equal(msg[242], type);
	return msg;
}

/* The value of option code in a reply, or NULL; its length in *len. */
static const uint8_t *option(const uint8_t *msg, uint8_t code, uint8_t *len)
{
	for (size_t i = 240; msg[i] != 255; i += 2 + msg[i + 1]) {
		if (msg[i] == code) {
			*len = msg[i + 1];
			return msg + i + 2;
		}
	}
	return NULL;
}

static struct dp_dhcp_info list_vm(void)
{
	struct dp_list_req r = {0};
	const struct dp_dhcp_list_reply *l;

	snprintf(r.filter, sizeof(r.filter), "vm");
	assert_int_equal(test_ctl(DP_MSG_DHCP_LIST, &r, sizeof(r), (const void **)&l), 0);
	assert_int_equal(l->count, 1);
	return l->entries[0];
}

static void a_discover_gets_an_offer_back_out_of_its_port(void **state)
{
	const uint8_t *msg, *v;
	struct rte_mbuf *m;
	uint32_t yiaddr;
	uint8_t len;

	(void)state;
	assert_int_equal(send_request(DP_DHCP_DISCOVER, DP_DHCP_FLAG_BROADCAST, NULL, NULL, 0),
	                DP_L2_TX);
	m = one_reply(pvm);
	assert_non_null(m);
	msg = check_reply(m, "255.255.255.255", true, DP_DHCP_OFFER);
	memcpy(&yiaddr, msg + 16, 4);
	assert_int_equal(yiaddr, test_ip("10.0.0.5"));
	v = option(msg, 1, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\xff\xff\xff\x00", 4);
	v = option(msg, 3, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\x0a\x00\x00\x01", 4);
	v = option(msg, 26, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\x05\x78", 2); /* 1400 */
	v = option(msg, 121, &len);
	assert_non_null(v);
	assert_int_equal(len, 5 + 7);
	assert_memory_equal(v, "\x00\x0a\x00\x00\x01\x0c\xac\x10\x0a\x00\x00\xfe", 12);
	v = option(msg, 51, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\x00\x01\x51\x80", 4); /* the default lease, 1 day */
	rte_pktmbuf_free(m);
	/* Nothing went to the other port of the network: the answer is not flooded. */
	assert_null(one_reply(pvm2));
	assert_int_equal(list_vm().discovers, 1);
	assert_int_equal(list_vm().offers, 1);
}

static void without_the_broadcast_flag_the_offer_is_unicast_to_the_address(void **state)
{
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(send_request(DP_DHCP_DISCOVER, 0, NULL, NULL, 0), DP_L2_TX);
	m = one_reply(pvm);
	assert_non_null(m);
	check_reply(m, "10.0.0.5", false, DP_DHCP_OFFER);
	rte_pktmbuf_free(m);
}

static void a_request_for_its_address_is_acked_and_for_another_naked(void **state)
{
	static const uint8_t mine[] = {50, 4, 10, 0, 0, 5, 54, 4, 10, 0, 0, 2};
	static const uint8_t other[] = {50, 4, 10, 0, 0, 6};
	static const uint8_t other_server[] = {50, 4, 10, 0, 0, 5, 54, 4, 10, 0, 0, 3};
	struct dp_dhcp_info info;
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(send_request(DP_DHCP_REQUEST, DP_DHCP_FLAG_BROADCAST, NULL, mine,
	                                 sizeof(mine)),
	                DP_L2_TX);
	m = one_reply(pvm);
	check_reply(m, "255.255.255.255", true, DP_DHCP_ACK);
	rte_pktmbuf_free(m);

	/* A NAK is broadcast (RFC 2131 4.1), broadcast flag or not. */
	assert_int_equal(send_request(DP_DHCP_REQUEST, 0, NULL, other, sizeof(other)), DP_L2_TX);
	m = one_reply(pvm);
	check_reply(m, "255.255.255.255", true, DP_DHCP_NAK);
	rte_pktmbuf_free(m);

	/* Renewing: unicast to ciaddr. */
	assert_int_equal(send_request(DP_DHCP_REQUEST, 0, "10.0.0.5", NULL, 0), DP_L2_TX);
	m = one_reply(pvm);
	check_reply(m, "10.0.0.5", false, DP_DHCP_ACK);
	rte_pktmbuf_free(m);

	/* The client chose another server: no answer. */
	assert_int_equal(send_request(DP_DHCP_REQUEST, 0, NULL, other_server, sizeof(other_server)),
	                DP_L2_EDGE_DROP(DP_DROP_DHCP_CONSUMED));
	assert_null(one_reply(pvm));
	info = list_vm();
	assert_int_equal(info.requests, 4);
	assert_int_equal(info.acks, 2);
	assert_int_equal(info.naks, 1);
}

static void an_inform_is_acked_without_address_or_lease(void **state)
{
	const uint8_t *msg;
	struct rte_mbuf *m;
	uint8_t len;

	(void)state;
	assert_int_equal(send_request(DP_DHCP_INFORM, 0, "10.0.0.5", NULL, 0), DP_L2_TX);
	m = one_reply(pvm);
	msg = check_reply(m, "10.0.0.5", false, DP_DHCP_ACK);
	assert_memory_equal(msg + 16, "\0\0\0\0", 4);
	assert_memory_equal(msg + 12, "\x0a\x00\x00\x05", 4); /* its ciaddr back */
	assert_null(option(msg, 51, &len));
	assert_null(option(msg, 58, &len));
	assert_non_null(option(msg, 1, &len));
	rte_pktmbuf_free(m);
	assert_int_equal(list_vm().informs, 1);
}

static void release_and_decline_are_counted_and_not_answered(void **state)
{
	static const uint8_t server[] = {54, 4, 10, 0, 0, 2};

	(void)state;
	assert_int_equal(send_request(DP_DHCP_RELEASE, 0, "10.0.0.5", server, sizeof(server)),
	                DP_L2_EDGE_DROP(DP_DROP_DHCP_CONSUMED));
	assert_int_equal(send_request(DP_DHCP_DECLINE, 0, NULL, server, sizeof(server)),
	                DP_L2_EDGE_DROP(DP_DROP_DHCP_CONSUMED));
	assert_null(one_reply(pvm));
	assert_null(one_reply(pvm2));
	assert_int_equal(list_vm().releases, 1);
	assert_int_equal(list_vm().declines, 1);
	assert_int_equal(test_worker->drops[DP_DROP_DHCP_CONSUMED], 2);
}

/* A DISCOVER from the vm port, with byte `at` of the BOOTP message set to value
 * (or cut to len bytes): the reason it was dropped for, counted once. */
static void dropped_for(size_t at, uint8_t value, size_t len, enum dp_drop_reason why)
{
	uint8_t msg[TEST_DHCP_ROOM];
	size_t full = test_dhcp_request(msg, DP_DHCP_DISCOVER, vm_mac.addr_bytes, 0, NULL, NULL, 0);
	uint64_t before = test_worker->drops[why];

	if (at < full)
		msg[at] = value;
	assert_int_equal(run(request_frame(pvm, vm_mac, msg, len ? len : full)),
	                DP_L2_EDGE_DROP(why));
	assert_int_equal(test_worker->drops[why], before + 1);
	assert_null(one_reply(pvm));
	assert_null(one_reply(pvm2));
}

static void malformed_requests_are_dropped_and_counted_each_for_its_reason(void **state)
{
	(void)state;
	dropped_for(SIZE_MAX, 0, 200, DP_DROP_DHCP_TRUNCATED);
	dropped_for(0, 2, 0, DP_DROP_DHCP_BAD_OP);
	dropped_for(1, 6, 0, DP_DROP_DHCP_BAD_HTYPE);
	dropped_for(2, 8, 0, DP_DROP_DHCP_BAD_HLEN);
	dropped_for(236, 0, 0, DP_DROP_DHCP_BAD_COOKIE);
	dropped_for(242, DP_DHCP_ACK, 0, DP_DROP_DHCP_BAD_MSG_TYPE);
	dropped_for(241, 2, 0, DP_DROP_DHCP_BAD_OPTION);
	dropped_for(243, 12, 0, DP_DROP_DHCP_TRUNCATED); /* end becomes an option past the end */
	dropped_for(28, 0x0b, 0, DP_DROP_DHCP_UNKNOWN_MAC);
}

static void a_udp_length_past_the_packet_is_truncated(void **state)
{
	uint8_t msg[TEST_DHCP_ROOM];
	size_t len = test_dhcp_request(msg, DP_DHCP_DISCOVER, vm_mac.addr_bytes, 0, NULL, NULL, 0);
	struct rte_mbuf *m = request_frame(pvm, vm_mac, msg, len);
	struct rte_udp_hdr *udp = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 14 + 20);

	(void)state;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(len + 8 + 1));
	assert_int_equal(run(m), DP_L2_EDGE_DROP(DP_DROP_DHCP_TRUNCATED));
}

static void a_port_without_entry_on_a_served_network_gets_no_answer(void **state)
{
	uint8_t msg[TEST_DHCP_ROOM];
	struct rte_ether_addr mac2 = mac_of(0x0c);
	size_t len = test_dhcp_request(msg, DP_DHCP_DISCOVER, mac2.addr_bytes, 0, NULL, NULL, 0);

	(void)state;
	assert_int_equal(run(request_frame(pvm2, mac2, msg, len)),
	                DP_L2_EDGE_DROP(DP_DROP_DHCP_NO_ENTRY));
	assert_int_equal(test_worker->drops[DP_DROP_DHCP_NO_ENTRY], 1);
	assert_null(one_reply(pvm));
	assert_null(one_reply(pvm2));
}

static void a_network_the_engine_does_not_serve_switches_dhcp_as_before(void **state)
{
	uint8_t msg[TEST_DHCP_ROOM];
	struct rte_ether_addr mac = mac_of(0x0d);
	size_t len = test_dhcp_request(msg, DP_DHCP_DISCOVER, mac.addr_bytes, 0, NULL, NULL, 0);
	struct rte_mbuf *m;

	(void)state;
	assert_int_equal(run(request_frame(pother, mac, msg, len)), DP_L2_FLOOD);
	m = one_reply(pother2); /* the tenant's own DHCP server would see it */
	assert_non_null(m);
	rte_pktmbuf_free(m);
}

static void a_storm_is_limited_to_the_ports_burst_and_counted(void **state)
{
	unsigned int answered = 0;

	(void)state;
	for (int i = 0; i < DP_DHCP_BURST + 50; i++) {
		struct rte_mbuf *m;

		answered += send_request(DP_DHCP_DISCOVER, 0, NULL, NULL, 0) == DP_L2_TX;
		m = one_reply(pvm);
		if (m != NULL)
			rte_pktmbuf_free(m);
	}
	/* The burst, and at most a token or two refilled while the loop ran. */
	assert_in_range(answered, DP_DHCP_BURST, DP_DHCP_BURST + 2);
	assert_int_equal(test_worker->drops[DP_DROP_DHCP_RATE_LIMITED],
	                DP_DHCP_BURST + 50 - answered);
	assert_int_equal(list_vm().rate_limited, DP_DHCP_BURST + 50 - answered);
}

static void arp_for_the_server_is_answered_with_the_server_mac(void **state)
{
	struct pkt_spec s = {.src = vm_mac, .vlan = NO_VLAN, .in_port = pvm};
	struct rte_ether_addr server_mac;
	const struct rte_arp_hdr *arp;
	struct rte_mbuf *m;

	(void)state;
	memset(&s.dst, 0xff, sizeof(s.dst));
	dp_dhcp_server_mac(test_ip("10.0.0.2"), &server_mac);
	assert_int_equal(run(pkt_arp_request(test_pool, &s, NULL, "10.0.0.5", "10.0.0.2")),
	                DP_L2_TX);
	m = one_reply(pvm);
	assert_non_null(m);
	arp = dp_arp_parse(m);
	assert_non_null(arp);
	assert_int_equal(arp->arp_opcode, RTE_BE16(RTE_ARP_OP_REPLY));
	assert_true(rte_is_same_ether_addr(&arp->arp_data.arp_sha, &server_mac));
	assert_int_equal(arp->arp_data.arp_sip, test_ip("10.0.0.2"));
	rte_pktmbuf_free(m);
	/* ARP for anyone else is switched as before. */
	assert_int_equal(run(pkt_arp_request(test_pool, &s, NULL, "10.0.0.5", "10.0.0.9")),
	                DP_L2_FLOOD);
	m = one_reply(pvm2);
	assert_non_null(m);
	rte_pktmbuf_free(m);
}

static void set_del_and_list_keep_the_protocol_promises(void **state)
{
	struct dp_dhcp_set_req c = vm_conf();
	struct dp_dhcp_del_req d = {0};
	struct dp_dhcp_info info;

	(void)state;
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), -EEXIST);
	c.exist_ok = 1;
	c.mtu = 1300;
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), 0);
	info = list_vm();
	assert_int_equal(info.conf.mtu, 1300);
	assert_int_equal(info.conf.exist_ok, 0);
	assert_int_equal(info.conf.lease_time, DP_DHCP_DEFAULT_LEASE);

	c = vm_conf();
	c.exist_ok = 1;
	test_dhcp_ip(c.gateway, "10.1.0.1"); /* not on the port's subnet */
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), -EINVAL);
	c = vm_conf();
	c.exist_ok = 1;
	test_dhcp_ip(c.ip, "10.0.0.255"); /* the subnet's broadcast */
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), -EINVAL);
	c = vm_conf();
	snprintf(c.port, sizeof(c.port), "nosuch");
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), -ENOENT);
	assert_int_equal(list_vm().conf.mtu, 1300); /* the refusals changed nothing */

	snprintf(d.port, sizeof(d.port), "vm");
	assert_int_equal(call(DP_MSG_DHCP_DEL, &d, sizeof(d)), 0);
	assert_int_equal(call(DP_MSG_DHCP_DEL, &d, sizeof(d)), -ENOENT);
	d.missing_ok = 1;
	assert_int_equal(call(DP_MSG_DHCP_DEL, &d, sizeof(d)), 0);
	assert_null(dp_dhcp_get(pvm));
	/* No entry left on the network: DHCP is switched again. */
	assert_int_equal(send_request(DP_DHCP_DISCOVER, 0, NULL, NULL, 0), DP_L2_FLOOD);
	rte_pktmbuf_free(one_reply(pvm2));
}

static void a_new_entry_counts_from_zero(void **state)
{
	struct dp_dhcp_set_req c = vm_conf();
	struct dp_dhcp_del_req d = {0};

	(void)state;
	assert_int_equal(send_request(DP_DHCP_DISCOVER, 0, NULL, NULL, 0), DP_L2_TX);
	rte_pktmbuf_free(one_reply(pvm));
	assert_int_equal(list_vm().discovers, 1);
	snprintf(d.port, sizeof(d.port), "vm");
	assert_int_equal(call(DP_MSG_DHCP_DEL, &d, sizeof(d)), 0);
	assert_int_equal(call(DP_MSG_DHCP_SET, &c, sizeof(c)), 0);
	assert_int_equal(list_vm().discovers, 0);
	assert_int_equal(list_vm().offers, 0);
}

static void a_deleted_port_takes_its_entry_along(void **state)
{
	(void)state;
	assert_non_null(dp_dhcp_get(pvm));
	assert_int_equal(dp_conf_port_del("vm", false), 0);
	assert_null(dp_dhcp_get(pvm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test_setup(
	                                a_discover_gets_an_offer_back_out_of_its_port, setup),
	                cmocka_unit_test_setup(
	                                without_the_broadcast_flag_the_offer_is_unicast_to_the_address,
	                                setup),
	                cmocka_unit_test_setup(
	                                a_request_for_its_address_is_acked_and_for_another_naked,
	                                setup),
	                cmocka_unit_test_setup(an_inform_is_acked_without_address_or_lease, setup),
	                cmocka_unit_test_setup(
	                                release_and_decline_are_counted_and_not_answered, setup),
	                cmocka_unit_test_setup(
	                                malformed_requests_are_dropped_and_counted_each_for_its_reason,
	                                setup),
	                cmocka_unit_test_setup(a_udp_length_past_the_packet_is_truncated, setup),
	                cmocka_unit_test_setup(
	                                a_port_without_entry_on_a_served_network_gets_no_answer,
	                                setup),
	                cmocka_unit_test_setup(
	                                a_network_the_engine_does_not_serve_switches_dhcp_as_before,
	                                setup),
	                cmocka_unit_test_setup(
	                                a_storm_is_limited_to_the_ports_burst_and_counted, setup),
	                cmocka_unit_test_setup(
	                                arp_for_the_server_is_answered_with_the_server_mac, setup),
	                cmocka_unit_test_setup(set_del_and_list_keep_the_protocol_promises, setup),
	                cmocka_unit_test_setup(a_new_entry_counts_from_zero, setup),
	                cmocka_unit_test_setup(a_deleted_port_takes_its_entry_along, setup),
	};

	if (test_env_init("dhcp_input") < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
