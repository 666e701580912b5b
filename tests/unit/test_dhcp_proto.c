/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP messages without a dataplane (dhcp/dp_dhcp_proto.h): each option the
 * engine builds, compared to bytes written out by hand from RFC 2132 and
 * RFC 3442; a whole OFFER; the parse of a request and each malformed one
 * refused for its own reason; the answer to each kind of request; and the
 * token bucket that limits a port's rate.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include "dhcp/dp_dhcp.h"
#include "dhcp/dp_dhcp_proto.h"
#include "dhcp_test.h"

static const uint8_t client_mac[6] = {0x02, 0, 0, 0, 0, 0x0a};

static uint32_t ip4(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* 10.0.0.5/24 behind 10.0.0.1, everything set. */
static struct dp_dhcp_set_req full_conf(void)
{
	struct dp_dhcp_set_req c = {
	                .prefix_len = 24, .dns_count = 2, .route_count = 2, .mtu = 1450};

	test_dhcp_ip(c.ip, "10.0.0.5");
	test_dhcp_ip(c.gateway, "10.0.0.1");
	test_dhcp_ip(c.server_ip, "10.0.0.2");
	test_dhcp_ip(c.dns[0], "10.0.0.2");
	test_dhcp_ip(c.dns[1], "8.8.8.8");
	test_dhcp_ip(c.routes[0].dest, "192.168.0.0");
	c.routes[0].prefix_len = 16;
	test_dhcp_ip(c.routes[0].nexthop, "10.0.0.254");
	test_dhcp_ip(c.routes[1].dest, "172.16.5.0");
	c.routes[1].prefix_len = 24;
	test_dhcp_ip(c.routes[1].nexthop, "10.0.0.253");
	snprintf(c.hostname, sizeof(c.hostname), "vm1");
	snprintf(c.domain, sizeof(c.domain), "example.org");
	return c;
}

static const uint8_t full_opts[] = {
                1, 4, 255, 255, 255, 0,                                        /* subnet mask /24 */
                3, 4, 10, 0, 0, 1,                                             /* router */
                6, 8, 10, 0, 0, 2, 8, 8, 8, 8,                                 /* DNS servers */
                12, 3, 'v', 'm', '1',                                          /* host name */
                15, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'o', 'r', 'g', /* domain */
                26, 2, 0x05, 0xaa,                                             /* MTU 1450 */
                121, 20,                       /* classless routes (RFC 3442) */
                0, 10, 0, 0, 1,                /* 0.0.0.0/0 via the gateway */
                16, 192, 168, 10, 0, 0, 254,   /* 192.168.0.0/16 via .254 */
                24, 172, 16, 5, 10, 0, 0, 253, /* 172.16.5.0/24 via .253 */
};

static void every_option_is_encoded_as_rfc_2132_and_3442_write_it(void **state)
{
	struct dp_dhcp_set_req c = full_conf();
	uint8_t buf[DP_DHCP_OPTS_MAX];
	int len;

	(void)state;
	len = dp_dhcp_options_build(&c, buf, sizeof(buf));
	assert_int_equal(len, sizeof(full_opts));
	assert_memory_equal(buf, full_opts, sizeof(full_opts));
}

static void without_gateway_there_is_no_router_and_no_default_route(void **state)
{
	struct dp_dhcp_set_req c = {.prefix_len = 30};
	static const uint8_t want[] = {1, 4, 255, 255, 255, 252};
	uint8_t buf[DP_DHCP_OPTS_MAX];

	(void)state;
	test_dhcp_ip(c.ip, "10.9.0.1");
	test_dhcp_ip(c.server_ip, "10.9.0.2");
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void a_host_route_of_its_own_default_is_not_doubled(void **state)
{
	struct dp_dhcp_set_req c = {.prefix_len = 24, .route_count = 1};
	/* 3 (router) kept for clients without 121; 121 holds the given default only. */
	static const uint8_t want[] = {
	                1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 121, 5, 0, 10, 0, 0, 9};
	uint8_t buf[DP_DHCP_OPTS_MAX];

	(void)state;
	test_dhcp_ip(c.ip, "10.0.0.5");
	test_dhcp_ip(c.gateway, "10.0.0.1");
	test_dhcp_ip(c.routes[0].nexthop, "10.0.0.9");
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void a_32_bit_route_carries_all_four_octets(void **state)
{
	struct dp_dhcp_set_req c = {.prefix_len = 24, .route_count = 1};
	static const uint8_t want[] = {
	                1, 4, 255, 255, 255, 0, 121, 9, 32, 169, 254, 169, 254, 10, 0, 0, 2};
	uint8_t buf[DP_DHCP_OPTS_MAX];

	(void)state;
	test_dhcp_ip(c.ip, "10.0.0.5");
	test_dhcp_ip(c.routes[0].dest, "169.254.169.254"); /* the metadata route, as Neutron's */
	c.routes[0].prefix_len = 32;
	test_dhcp_ip(c.routes[0].nexthop, "10.0.0.2");
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
}

static void configurations_options_cannot_say_are_refused(void **state)
{
	uint8_t buf[DP_DHCP_OPTS_MAX];
	struct dp_dhcp_set_req c;

	(void)state;
	c = full_conf();
	c.prefix_len = 31;
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), -EINVAL);
	c = full_conf();
	c.mtu = 67; /* RFC 2132 5.1: 68 at least */
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), -EINVAL);
	c = full_conf();
	c.routes[0].prefix_len = 8; /* 192.168.0.0 has bits past /8 */
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), -EINVAL);
	c = full_conf();
	c.route_count = DP_DHCP_MAX_ROUTES + 1;
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), -EINVAL);
	c = full_conf();
	memset(c.hostname, 'a', sizeof(c.hostname)); /* no NUL */
	assert_int_equal(dp_dhcp_options_build(&c, buf, sizeof(buf)), -EINVAL);
	c = full_conf();
	assert_int_equal(dp_dhcp_options_build(&c, buf, 20), -ENOSPC);
}

static void an_offer_is_a_bootreply_with_lease_renew_and_rebind_times(void **state)
{
	struct dp_dhcp_set_req c = full_conf();
	uint8_t opts[DP_DHCP_OPTS_MAX], req[TEST_DHCP_ROOM], buf[DP_DHCP_REPLY_MAX];
	struct dp_dhcp_request q;
	struct dp_dhcp_reply r = {.type = DP_DHCP_OFFER,
	                .yiaddr = ip4("10.0.0.5"),
	                .server_ip = ip4("10.0.0.2"),
	                .lease = 86400,
	                .opts = opts};
	static const uint8_t head[] = {2, 1, 6, 0, 1, 2, 3, 4, 0, 0, 0x80, 0};
	static const uint8_t lease[] = {
	                53, 1, 2,                /* OFFER */
	                54, 4, 10, 0, 0, 2,      /* server identifier */
	                51, 4, 0, 1, 0x51, 0x80, /* 86400 s */
	                58, 4, 0, 0, 0xa8, 0xc0, /* T1: 43200 */
	                59, 4, 0, 1, 0x27, 0x50, /* T2: 75600 */
	};
	size_t len, at = 240;

	(void)state;
	r.opts_len = (size_t)dp_dhcp_options_build(&c, opts, sizeof(opts));
	test_dhcp_request(req, DP_DHCP_DISCOVER, client_mac, DP_DHCP_FLAG_BROADCAST, NULL, NULL, 0);
	assert_int_equal(dp_dhcp_parse(req, 300, &q), DP_DROP_REASON_MAX);
	len = dp_dhcp_reply_build(&r, &q, buf);

	assert_int_equal(len, 240 + sizeof(lease) + sizeof(full_opts) + 1 < 300
	                                      ? 300
	                                      : 240 + sizeof(lease) + sizeof(full_opts) + 1);
	assert_memory_equal(buf, head, sizeof(head));
	assert_memory_equal(buf + 16, &r.yiaddr, 4);           /* yiaddr */
	assert_memory_equal(buf + 12, "\0\0\0\0", 4);          /* ciaddr: 0 in an OFFER */
	assert_memory_equal(buf + 28, client_mac, 6);          /* chaddr */
	assert_memory_equal(buf + 236, "\x63\x82\x53\x63", 4); /* cookie */
	assert_memory_equal(buf + at, lease, sizeof(lease));
	at += sizeof(lease);
	assert_memory_equal(buf + at, full_opts, sizeof(full_opts));
	at += sizeof(full_opts);
	assert_int_equal(buf[at], 255);
}

static void a_nak_has_no_address_lease_or_configuration(void **state)
{
	uint8_t req[TEST_DHCP_ROOM], buf[DP_DHCP_REPLY_MAX];
	struct dp_dhcp_request q;
	struct dp_dhcp_reply r = {.type = DP_DHCP_NAK, .server_ip = ip4("10.0.0.2")};
	static const uint8_t want[] = {53, 1, 6, 54, 4, 10, 0, 0, 2, 255};

	(void)state;
	test_dhcp_request(req, DP_DHCP_REQUEST, client_mac, 0, "10.0.0.77", NULL, 0);
	assert_int_equal(dp_dhcp_parse(req, 300, &q), DP_DROP_REASON_MAX);
	assert_int_equal(dp_dhcp_reply_build(&r, &q, buf), 300);
	assert_memory_equal(buf + 12, "\0\0\0\0\0\0\0\0", 8); /* ciaddr, yiaddr */
	assert_memory_equal(buf + 240, want, sizeof(want));
	for (size_t i = 240 + sizeof(want); i < 300; i++)
		assert_int_equal(buf[i], 0);
}

static void a_request_is_parsed_with_its_requested_address_and_server(void **state)
{
	static const uint8_t opts[] = {
	                0, 0,               /* pads are skipped */
	                50, 4, 10, 0, 0, 5, /* requested IP */
	                54, 4, 10, 0, 0, 2, /* server identifier */
	                55, 3, 1, 3, 121,   /* parameter list: read past */
	};
	uint8_t req[TEST_DHCP_ROOM];
	struct dp_dhcp_request q;
	size_t len;

	(void)state;
	len = test_dhcp_request(req, DP_DHCP_REQUEST, client_mac, 0, NULL, opts, sizeof(opts));
	assert_int_equal(dp_dhcp_parse(req, len, &q), DP_DROP_REASON_MAX);
	assert_int_equal(q.type, DP_DHCP_REQUEST);
	assert_int_equal(q.requested_ip, ip4("10.0.0.5"));
	assert_int_equal(q.server_id, ip4("10.0.0.2"));
	assert_memory_equal(q.xid, "\x01\x02\x03\x04", 4);
	assert_memory_equal(q.chaddr, client_mac, 6);
}

/* A well-formed DISCOVER with one byte changed (or its length cut) is dropped for why. */
static enum dp_drop_reason parse_changed(size_t at, uint8_t value, size_t len)
{
	uint8_t req[TEST_DHCP_ROOM];
	struct dp_dhcp_request q;
	size_t full = test_dhcp_request(req, DP_DHCP_DISCOVER, client_mac, 0, NULL, NULL, 0);

	if (at < full)
		req[at] = value;
	return dp_dhcp_parse(req, len ? len : full, &q);
}

static void each_malformed_request_is_refused_for_its_own_reason(void **state)
{
	static const uint8_t no_end[] = {50, 4, 10, 0, 0, 5};
	static const uint8_t past_end[] = {12, 200, 'x'};
	static const uint8_t short_type[] = {53, 0};
	uint8_t req[TEST_DHCP_ROOM];
	struct dp_dhcp_request q;
	size_t len;

	(void)state;
	assert_int_equal(parse_changed(SIZE_MAX, 0, 0), DP_DROP_REASON_MAX); /* the control case */
	assert_int_equal(parse_changed(SIZE_MAX, 0, 239), DP_DROP_DHCP_TRUNCATED);
	assert_int_equal(parse_changed(0, 2, 0), DP_DROP_DHCP_BAD_OP);    /* a BOOTREPLY */
	assert_int_equal(parse_changed(1, 6, 0), DP_DROP_DHCP_BAD_HTYPE); /* IEEE 802 */
	assert_int_equal(parse_changed(2, 16, 0), DP_DROP_DHCP_BAD_HLEN);
	assert_int_equal(parse_changed(239, 0x64, 0), DP_DROP_DHCP_BAD_COOKIE);
	assert_int_equal(parse_changed(242, DP_DHCP_OFFER, 0), DP_DROP_DHCP_BAD_MSG_TYPE);
	assert_int_equal(parse_changed(242, 0, 0), DP_DROP_DHCP_BAD_MSG_TYPE);

	/* The options stop without end: cut just before it. */
	len = test_dhcp_request(req, DP_DHCP_DISCOVER, client_mac, 0, NULL, no_end, sizeof(no_end));
	assert_int_equal(dp_dhcp_parse(req, 240 + 3 + sizeof(no_end), &q), DP_DROP_DHCP_TRUNCATED);
	/* An option's length runs past the message. */
	len = test_dhcp_request(
	                req, DP_DHCP_DISCOVER, client_mac, 0, NULL, past_end, sizeof(past_end));
	assert_int_equal(dp_dhcp_parse(req, len, &q), DP_DROP_DHCP_TRUNCATED);
	/* An option header cut in two at the very end. */
	assert_int_equal(dp_dhcp_parse(req, 240 + 3 + 1, &q), DP_DROP_DHCP_TRUNCATED);
	/* No message type at all: only the end option. */
	memset(req + 240, 0, 3);
	req[243] = 255;
	assert_int_equal(dp_dhcp_parse(req, 300, &q), DP_DROP_DHCP_BAD_MSG_TYPE);
	/* A message type of length 0 (and a requested IP of 3 bytes) */
	len = test_dhcp_request(
	                req, DP_DHCP_DISCOVER, client_mac, 0, NULL, short_type, sizeof(short_type));
	assert_int_equal(dp_dhcp_parse(req, len, &q), DP_DROP_DHCP_BAD_OPTION);
	req[243] = 50, req[244] = 3;
	assert_int_equal(dp_dhcp_parse(req, len, &q), DP_DROP_DHCP_BAD_OPTION);
}

static struct dp_dhcp_request req_of(
                uint8_t type, const char *ciaddr, const char *requested, const char *server)
{
	struct dp_dhcp_request q = {.type = type};

	q.ciaddr = ciaddr ? ip4(ciaddr) : 0;
	q.requested_ip = requested ? ip4(requested) : 0;
	q.server_id = server ? ip4(server) : 0;
	return q;
}

static void each_request_gets_the_answer_rfc_2131_gives_it(void **state)
{
	uint32_t ip = ip4("10.0.0.5"), srv = ip4("10.0.0.2");
	struct dp_dhcp_request q;

	(void)state;
	q = req_of(DP_DHCP_DISCOVER, NULL, NULL, NULL);
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_OFFER);
	/* SELECTING: our offer taken, another server's taken, a wrong address. */
	q = req_of(DP_DHCP_REQUEST, NULL, "10.0.0.5", "10.0.0.2");
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_ACK);
	q = req_of(DP_DHCP_REQUEST, NULL, "10.0.0.5", "10.0.0.3");
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), 0);
	q = req_of(DP_DHCP_REQUEST, NULL, "10.0.0.6", "10.0.0.2");
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_NAK);
	/* INIT-REBOOT after a move: NAK, so the client starts again. */
	q = req_of(DP_DHCP_REQUEST, NULL, "192.168.1.9", NULL);
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_NAK);
	/* RENEWING by ciaddr. */
	q = req_of(DP_DHCP_REQUEST, "10.0.0.5", NULL, NULL);
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_ACK);
	q = req_of(DP_DHCP_REQUEST, "10.0.0.99", NULL, NULL);
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_NAK);
	q = req_of(DP_DHCP_INFORM, "10.0.0.5", NULL, NULL);
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), DP_DHCP_ACK);
	q = req_of(DP_DHCP_RELEASE, "10.0.0.5", NULL, "10.0.0.2");
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), 0);
	q = req_of(DP_DHCP_DECLINE, NULL, "10.0.0.5", "10.0.0.2");
	assert_int_equal(dp_dhcp_answer_type(&q, ip, srv), 0);
}

static void the_bucket_gives_its_burst_then_its_rate(void **state)
{
	const uint64_t hz = 1000000; /* a 1 MHz clock: 1 tick = 1 us */
	struct dp_dhcp_bucket b = {0};
	uint64_t t = 5 * hz;
	unsigned int taken = 0;

	(void)state;
	for (int i = 0; i < 150; i++)
		taken += dp_dhcp_bucket_take(&b, t, hz, 50, 100);
	assert_int_equal(taken, 100);
	/* 1/50 s later: one more, then none. */
	t += hz / 50;
	assert_true(dp_dhcp_bucket_take(&b, t, hz, 50, 100));
	assert_false(dp_dhcp_bucket_take(&b, t, hz, 50, 100));
	/* One second: 50 more, not 51. */
	t += hz;
	taken = 0;
	for (int i = 0; i < 100; i++)
		taken += dp_dhcp_bucket_take(&b, t, hz, 50, 100);
	assert_int_equal(taken, 50);
	/* A long idle fills it to the burst, not past it (and does not overflow). */
	t += 3600 * hz * 1000;
	taken = 0;
	for (int i = 0; i < 300; i++)
		taken += dp_dhcp_bucket_take(&b, t, hz, 50, 100);
	assert_int_equal(taken, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(every_option_is_encoded_as_rfc_2132_and_3442_write_it),
	                cmocka_unit_test(without_gateway_there_is_no_router_and_no_default_route),
	                cmocka_unit_test(a_host_route_of_its_own_default_is_not_doubled),
	                cmocka_unit_test(a_32_bit_route_carries_all_four_octets),
	                cmocka_unit_test(configurations_options_cannot_say_are_refused),
	                cmocka_unit_test(an_offer_is_a_bootreply_with_lease_renew_and_rebind_times),
	                cmocka_unit_test(a_nak_has_no_address_lease_or_configuration),
	                cmocka_unit_test(a_request_is_parsed_with_its_requested_address_and_server),
	                cmocka_unit_test(each_malformed_request_is_refused_for_its_own_reason),
	                cmocka_unit_test(each_request_gets_the_answer_rfc_2131_gives_it),
	                cmocka_unit_test(the_bucket_gives_its_burst_then_its_rate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
