/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A distributed router as the agent instantiates it (agents/network/desired.c,
 * neighbours.c), from a feed cache written here: a node with a port on one
 * network of a router routes into the router's other VXLAN networks too,
 * and gets a permanent neighbour for every port on the router's networks,
 * its own and the remote ones of the l2pop entries. Its external traffic
 * goes to the gateway node through the router's csnat port there
 * (agents/network/csnat.c).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/routers.h"

#define NODE "n1"
#define R1 "11111111-0000-0000-0000-000000000001"
#define NET1 "aaaaaaaa-0000-0000-0000-00000000000a" /* VXLAN, a port of NODE's */
#define NET2 "bbbbbbbb-0000-0000-0000-00000000000b" /* VXLAN, ports on n2 only */
#define NET3 "cccccccc-0000-0000-0000-00000000000c" /* VLAN, ports on n2 only */
#define PORT1 "dddddddd-0000-0000-0000-00000000000d"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *o = json_loads(text, 0, &err);

	if (o == NULL)
		fail_msg("%s: %s", err.text, text);
	return o;
}

static void put(json_t *map, const char *id, const char *text)
{
	json_object_set_new(map, id, load(text));
}

#define RIF(NET, IP, MAC)                                                                          \
	"{\"port_id\": \"i" IP "\", \"network_id\": \"" NET "\", \"ip_address\": \"" IP "\", "     \
	"\"prefixlen\": 24, \"mac_address\": \"" MAC "\"}"
/* An l2pop entry: one remote port on n2 with MAC and IP. */
#define ENTRY(NET, MAC, IP)                                                                        \
	"{\"network_id\": \"" NET                                                                  \
	"\", \"vni\": 7, \"remote\": [{\"node\": \"n2\", \"tunnel_ip\": "                          \
	"\"192.0.2.2\", \"ports\": [{\"port_id\": \"p9\", \"mac_address\": \"" MAC "\", "          \
	"\"ip_addresses\": [\"" IP "\", \"2001:db8::9\"]}]}]}"

/* R1 on NET1, NET2 and NET3; NODE's port on NET1; n2's ports on NET2 and NET1. */
static void feed_setup(struct ag_feed *f)
{
	ag_feed_init(f, "http://x", "t", NODE);
	json_object_set_new(f->networks, NET1,
	                json_pack("{s:s, s:s, s:i, s:i}", "id", NET1, "provider:network_type",
	                                "vxlan", "provider:segmentation_id", 101, "mtu", 1450));
	json_object_set_new(f->networks, NET2,
	                json_pack("{s:s, s:s, s:i, s:i}", "id", NET2, "provider:network_type",
	                                "vxlan", "provider:segmentation_id", 102, "mtu", 1450));
	json_object_set_new(f->networks, NET3,
	                json_pack("{s:s, s:s, s:s, s:i, s:i}", "id", NET3, "provider:network_type",
	                                "vlan", "provider:physical_network", "p1",
	                                "provider:segmentation_id", 100, "mtu", 1500));
	put(f->ports, PORT1,
	                "{\"id\": \"" PORT1 "\", \"network_id\": \"" NET1 "\", \"mac_address\": "
	                "\"fa:16:3e:00:00:01\", \"fixed_ips\": [{\"ip_address\": \"10.1.0.5\"}], "
	                "\"port_security_enabled\": false, \"status\": \"ACTIVE\"}");
	put(f->routers, R1,
	                "{\"id\": \"" R1 "\", \"host\": \"\", \"gateway\": null, \"routes\": [], "
	                "\"interfaces\": [" RIF(NET1, "10.1.0.1", "fa:16:3e:00:01:01") ", " RIF(
	                                NET2, "10.2.0.1", "fa:16:3e:00:01:02") ", " RIF(NET3,
	                                "10.3.0.1", "fa:16:3e:00:01:03") "]}");
	put(f->l2pop, NET2, ENTRY(NET2, "fa:16:3e:00:00:07", "10.2.0.7"));
	put(f->l2pop, NET1, ENTRY(NET1, "fa:16:3e:00:00:08", "10.1.0.8"));
}

static bool has_net(const struct ag_desired *d, const char *id)
{
	for (size_t i = 0; i < d->n_nets; i++)
		if (strcmp(d->nets[i].id, id) == 0)
			return true;
	return false;
}

/* "NET-initial:IP=MAC-last-byte" of each neighbour, in order. */
static const char *neighs_of(const struct ag_desired *d)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->n_neighs; i++) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, d->neighs[i].ip, ip, sizeof(ip));
		len += snprintf(buf + len, sizeof(buf) - len, "%s%c:%s=%02x", i ? " " : "",
		                d->neighs[i].network[0], ip, d->neighs[i].mac[5]);
	}
	return buf;
}

static void a_port_on_one_network_brings_the_other_vxlan_networks(void **state)
{
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	feed_setup(&f);
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_int_equal(d.n_routers, 1);
	assert_int_equal(d.routers[0].n_rifs, 2);
	assert_string_equal(d.routers[0].rifs[0].network, NET1);
	assert_string_equal(d.routers[0].rifs[1].network, NET2);
	assert_true(has_net(&d, NET2));
	/* A VLAN network has no l2pop: its own nodes route into it. */
	assert_false(has_net(&d, NET3));
	/* The local port, the remote one on NET1 and the one on NET2, IPv4 only. */
	assert_string_equal(neighs_of(&d), "a:10.1.0.5=01 a:10.1.0.8=08 b:10.2.0.7=07");
	ag_desired_free(&d);
	ag_feed_free(&f);
}

static void without_a_port_on_its_networks_the_router_is_not_here(void **state)
{
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	feed_setup(&f);
	json_object_del(f.ports, PORT1);
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_int_equal(d.n_routers, 0);
	assert_int_equal(d.n_nets, 0);
	assert_int_equal(d.n_neighs, 0);
	ag_desired_free(&d);
	ag_feed_free(&f);
}

static void a_local_port_wins_over_a_remote_entry_for_its_address(void **state)
{
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	feed_setup(&f);
	/* The port moved here; the feed still says n2 has it. */
	put(f.l2pop, NET1, ENTRY(NET1, "fa:16:3e:00:00:09", "10.1.0.5"));
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_string_equal(neighs_of(&d), "a:10.1.0.5=01 b:10.2.0.7=07");
	ag_desired_free(&d);
	ag_feed_free(&f);
}

#define EXT "eeeeeeee-0000-0000-0000-00000000000e"
#define CSNAT1 RIF(NET1, "10.1.0.3", "fa:16:3e:00:03:01")

/* R1 with a gateway on host and a csnat port on NET1. */
static void gateway_on(struct ag_feed *f, const char *host)
{
	json_t *r = json_object_get(f->routers, R1);
	char gw[512];

	snprintf(gw, sizeof(gw),
	                "{\"port_id\": \"g\", \"network_id\": \"" EXT "\", \"ip_address\": "
	                "\"203.0.113.5\", \"prefixlen\": 24, \"mac_address\": "
	                "\"fa:16:3e:00:04:01\", \"gateway_ip\": \"203.0.113.1\", \"host\": "
	                "\"%s\", \"enable_snat\": true}",
	                host);
	json_object_set_new(r, "gateway", load(gw));
	json_object_set_new(r, "host", json_string(host));
	json_object_set_new(r, "csnat_interfaces", load("[" CSNAT1 "]"));
	json_object_set_new(f->networks, EXT,
	                json_pack("{s:s, s:s, s:s, s:i}", "id", EXT, "provider:network_type",
	                                "flat", "provider:physical_network", "ext", "mtu", 1500));
}

static const char *routes_of(const struct ag_router *r)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n_routes; i++) {
		char dst[INET_ADDRSTRLEN], hop[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, r->routes[i].prefix, dst, sizeof(dst));
		inet_ntop(AF_INET, r->routes[i].nexthop, hop, sizeof(hop));
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s/%u via %s", i ? " " : "", dst,
		                r->routes[i].prefixlen, hop);
	}
	return buf;
}

static void a_node_without_the_gateway_routes_out_through_the_csnat_port(void **state)
{
	static const uint8_t none[6];
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	feed_setup(&f);
	gateway_on(&f, "n9");
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_int_equal(d.n_routers, 1);
	assert_string_equal(routes_of(&d.routers[0]), "0.0.0.0/0 via 10.1.0.3");
	assert_string_equal(d.routers[0].gw_network, "");
	assert_memory_equal(d.routers[0].rifs[0].mac2, none, 6);
	ag_desired_free(&d);
	ag_feed_free(&f);
}

static void the_gateway_node_takes_frames_to_the_csnat_mac(void **state)
{
	static const uint8_t csnat_mac[6] = {0xfa, 0x16, 0x3e, 0x00, 0x03, 0x01};
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	feed_setup(&f);
	gateway_on(&f, NODE);
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_int_equal(d.n_routers, 1);
	assert_string_equal(d.routers[0].gw_network, EXT);
	assert_string_equal(d.routers[0].rifs[0].network, NET1);
	assert_memory_equal(d.routers[0].rifs[0].mac2, csnat_mac, 6);
	/* Its way out is the external subnet's gateway, not its own csnat port. */
	assert_string_equal(routes_of(&d.routers[0]), "0.0.0.0/0 via 203.0.113.1");
	ag_desired_free(&d);
	ag_feed_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(a_port_on_one_network_brings_the_other_vxlan_networks),
	                cmocka_unit_test(without_a_port_on_its_networks_the_router_is_not_here),
	                cmocka_unit_test(a_local_port_wins_over_a_remote_entry_for_its_address),
	                cmocka_unit_test(
	                                a_node_without_the_gateway_routes_out_through_the_csnat_port),
	                cmocka_unit_test(the_gateway_node_takes_frames_to_the_csnat_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
