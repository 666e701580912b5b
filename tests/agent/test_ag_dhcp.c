/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's DHCP answer for a port (agents/network/dhcp.c), from feed
 * documents written here: what Neutron's DHCP agent would answer.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "common/feed.h"
#include "network/dhcp.h"

#define V4 "aaaaaaaa-0000-0000-0000-000000000004"
#define V6 "bbbbbbbb-0000-0000-0000-000000000006"
#define OFF "cccccccc-0000-0000-0000-00000000000f"

static const char *const subnets =
	"{\"" V4 "\": {\"id\": \"" V4 "\", \"ip_version\": 4, \"cidr\": \"10.70.0.0/24\","
	"  \"enable_dhcp\": true, \"gateway_ip\": \"10.70.0.1\", \"dhcp_server_ip\": \"10.70.0.2\","
	"  \"dns_nameservers\": [\"10.70.0.53\", \"192.0.2.53\"],"
	"  \"host_routes\": [{\"destination\": \"172.16.9.0/16\", \"nexthop\": \"10.70.0.254\"}]},"
	" \"" V6 "\": {\"id\": \"" V6 "\", \"ip_version\": 6, \"cidr\": \"fd00::/64\","
	"  \"enable_dhcp\": true, \"gateway_ip\": \"fd00::1\", \"dhcp_server_ip\": \"fd00::2\"},"
	" \"" OFF "\": {\"id\": \"" OFF "\", \"ip_version\": 4, \"cidr\": \"10.71.0.0/24\","
	"  \"enable_dhcp\": false, \"gateway_ip\": \"10.71.0.1\", \"dhcp_server_ip\": null}}";

struct fixture {
	struct ag_feed feed;
	struct ag_port port;
	json_t *p;
};

static void build(struct fixture *fx, const char *subs, const char *port)
{
	json_error_t err;
	json_t *s = json_loads(subs, 0, &err);

	assert_non_null(s);
	ag_feed_init(&fx->feed, "http://x", "t", "n");
	json_object_update(fx->feed.subnets, s);
	json_decref(s);
	fx->p = json_loads(port, 0, &err);
	assert_non_null(fx->p);
	memset(&fx->port, 0, sizeof(fx->port));
	strcpy(fx->port.dp_name, "tap11111111-22");
	memcpy(fx->port.security.mac, "\xfa\x16\x3e\x00\x00\x05", 6);
	fx->port.mtu = 1450;
	ag_dhcp_build(&fx->feed, fx->p, &fx->port);
}

static void done(struct fixture *fx)
{
	json_decref(fx->p);
	ag_feed_free(&fx->feed);
}

static void ip_is(const uint8_t got[4], const char *want)
{
	char s[INET_ADDRSTRLEN];

	assert_string_equal(inet_ntop(AF_INET, got, s, sizeof(s)), want);
}

static void answers_with_the_subnets_facts_as_neutron(void **state)
{
	struct fixture fx;
	const struct dp_dhcp_set_req *r = &fx.port.dhcp;

	(void)state;
	build(&fx, subnets,
		"{\"id\": \"p\", \"fixed_ips\": [{\"subnet_id\": \"" V6 "\", \"ip_address\": \"fd00::5\"},"
		" {\"subnet_id\": \"" V4 "\", \"ip_address\": \"10.70.0.5\"}]}");
	assert_true(fx.port.dhcp_enabled);
	assert_string_equal(r->port, "tap11111111-22");
	assert_memory_equal(r->mac, "\xfa\x16\x3e\x00\x00\x05", 6);
	ip_is(r->ip, "10.70.0.5");
	assert_int_equal(r->prefix_len, 24);
	ip_is(r->gateway, "10.70.0.1");
	ip_is(r->server_ip, "10.70.0.2");
	assert_int_equal(r->dns_count, 2);
	ip_is(r->dns[1], "192.0.2.53");
	assert_int_equal(r->route_count, 1);
	ip_is(r->routes[0].dest, "172.16.0.0"); /* host bits cleared (RFC 3442) */
	assert_int_equal(r->routes[0].prefix_len, 16);
	ip_is(r->routes[0].nexthop, "10.70.0.254");
	assert_int_equal(r->mtu, 1450);
	assert_int_equal(r->lease_time, 86400);
	assert_string_equal(r->hostname, "host-10-70-0-5");
	assert_string_equal(r->domain, "openstacklocal");
	assert_int_equal(r->exist_ok, 0);
	done(&fx);
}

static void dns_name_is_the_host_name_when_set(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx, subnets,
		"{\"id\": \"p\", \"dns_name\": \"web1\", \"fixed_ips\": [{\"subnet_id\": \"" V4
		"\", \"ip_address\": \"10.70.0.5\"}]}");
	assert_string_equal(fx.port.dhcp.hostname, "web1");
	done(&fx);
}

static void no_answer_on_a_subnet_with_dhcp_off(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx, subnets,
		"{\"id\": \"p\", \"fixed_ips\": [{\"subnet_id\": \"" OFF "\", \"ip_address\": \"10.71.0.5\"}]}");
	assert_false(fx.port.dhcp_enabled);
	done(&fx);
}

static void no_answer_without_a_dhcp_port_address(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx,
		"{\"" V4 "\": {\"id\": \"" V4 "\", \"ip_version\": 4, \"cidr\": \"10.70.0.0/24\","
		" \"enable_dhcp\": true, \"gateway_ip\": null, \"dhcp_server_ip\": null}}",
		"{\"id\": \"p\", \"fixed_ips\": [{\"subnet_id\": \"" V4 "\", \"ip_address\": \"10.70.0.5\"}]}");
	assert_false(fx.port.dhcp_enabled);
	done(&fx);
}

static void a_subnet_without_gateway_sends_no_router(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx,
		"{\"" V4 "\": {\"id\": \"" V4 "\", \"ip_version\": 4, \"cidr\": \"10.70.0.0/24\","
		" \"enable_dhcp\": true, \"gateway_ip\": null, \"dhcp_server_ip\": \"10.70.0.2\"}}",
		"{\"id\": \"p\", \"fixed_ips\": [{\"subnet_id\": \"" V4 "\", \"ip_address\": \"10.70.0.5\"}]}");
	assert_true(fx.port.dhcp_enabled);
	assert_memory_equal(fx.port.dhcp.gateway, "\0\0\0\0", 4);
	assert_int_equal(fx.port.dhcp.dns_count, 0);
	done(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_with_the_subnets_facts_as_neutron),
		cmocka_unit_test(dns_name_is_the_host_name_when_set),
		cmocka_unit_test(no_answer_on_a_subnet_with_dhcp_off),
		cmocka_unit_test(no_answer_without_a_dhcp_port_address),
		cmocka_unit_test(a_subnet_without_gateway_sends_no_router),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
