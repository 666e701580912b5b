/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's cache of the feed's l2population (agents/common/feed.c,
 * ag_feed_merge_l2pop): entries replaced whole, kept while the node has a port
 * on their network or routes into it (a distributed router's other networks),
 * dropped with its last one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/feed.h"

#define NET1 "aaaaaaaa-0000-0000-0000-00000000000a"
#define NET2 "bbbbbbbb-0000-0000-0000-00000000000b"

static json_t *doc(const char *text)
{
	json_error_t err;
	json_t *d = json_loads(text, 0, &err);

	assert_non_null(d);
	return d;
}

/* One entry: NET tunnelling to NODE at IP with one port. */
#define ENTRY(NET, NODE, IP)                                                                       \
	"\"" NET "\": {\"network_id\": \"" NET "\", \"vni\": 7, \"remote\": [{\"node\": \"" NODE     \
	"\", \"tunnel_ip\": \"" IP "\", \"ports\": [{\"port_id\": \"p9\", \"mac_address\": "        \
	"\"fa:16:3e:00:00:09\", \"ip_addresses\": [\"10.0.0.9\"]}]}]}"

static void merge(struct ag_feed *f, const char *text, bool want_changed)
{
	json_t *d = doc(text);

	assert_int_equal(ag_feed_merge_l2pop(f, d), want_changed);
	json_decref(d);
}

static const char *tunnel_of(const struct ag_feed *f, const char *net)
{
	return json_string_value(json_object_get(
	                json_array_get(json_object_get(json_object_get(f->l2pop, net), "remote"), 0),
	                "tunnel_ip"));
}

static void entries_are_replaced_whole_and_kept_while_a_port_is_there(void **state)
{
	struct ag_feed f;

	(void)state;
	ag_feed_init(&f, "http://x", "t", "n1");
	json_object_set_new(f.ports, "p1", json_pack("{s:s, s:s}", "id", "p1", "network_id", NET1));
	merge(&f, "{\"l2pop\": {" ENTRY(NET1, "n2", "192.0.2.2") "}}", true);
	assert_string_equal(tunnel_of(&f, NET1), "192.0.2.2");
	/* The same again is no change; a document without the entry keeps it. */
	merge(&f, "{\"l2pop\": {" ENTRY(NET1, "n2", "192.0.2.2") "}}", false);
	merge(&f, "{\"l2pop\": {}}", false);
	merge(&f, "{}", false);
	assert_string_equal(tunnel_of(&f, NET1), "192.0.2.2");
	/* The peer moved: replaced, not merged. */
	merge(&f, "{\"l2pop\": {" ENTRY(NET1, "n3", "192.0.2.3") "}}", true);
	assert_string_equal(tunnel_of(&f, NET1), "192.0.2.3");
	assert_int_equal(json_array_size(json_object_get(json_object_get(f.l2pop, NET1), "remote")), 1);
	ag_feed_free(&f);
}

static void an_entry_goes_with_the_nodes_last_port_on_its_network(void **state)
{
	struct ag_feed f;

	(void)state;
	ag_feed_init(&f, "http://x", "t", "n1");
	json_object_set_new(f.ports, "p1", json_pack("{s:s, s:s}", "id", "p1", "network_id", NET1));
	json_object_set_new(f.ports, "p2", json_pack("{s:s, s:s}", "id", "p2", "network_id", NET2));
	merge(&f, "{\"l2pop\": {" ENTRY(NET1, "n2", "192.0.2.2") ", " ENTRY(NET2, "n2", "192.0.2.2") "}}",
	                true);
	assert_int_equal(json_object_size(f.l2pop), 2);
	/* p2 unbound from this node (feed.c removed it from the cache). */
	json_object_del(f.ports, "p2");
	merge(&f, "{}", true);
	assert_non_null(json_object_get(f.l2pop, NET1));
	assert_null(json_object_get(f.l2pop, NET2));
	/* An entry for a network the node has no port on is not kept either. */
	merge(&f, "{\"l2pop\": {" ENTRY(NET2, "n2", "192.0.2.2") "}}", true);
	assert_null(json_object_get(f.l2pop, NET2));
	ag_feed_free(&f);
}

/* Router r with interfaces on NET1 and NET2, hosted by host. */
static void router(struct ag_feed *f, const char *host)
{
	json_object_set_new(f->routers, "r",
	                json_pack("{s:s, s:s, s:[{s:s}, {s:s}]}", "id", "r", "host", host,
	                                "interfaces", "network_id", NET1, "network_id", NET2));
}

static void an_entry_stays_while_a_router_of_the_node_reaches_it(void **state)
{
	struct ag_feed f;

	(void)state;
	ag_feed_init(&f, "http://x", "t", "n1");
	json_object_set_new(f.ports, "p1", json_pack("{s:s, s:s}", "id", "p1", "network_id", NET1));
	router(&f, "");
	/* No port of n1's on NET2, but its router reaches it from NET1. */
	merge(&f, "{\"l2pop\": {" ENTRY(NET2, "n2", "192.0.2.2") "}}", true);
	assert_string_equal(tunnel_of(&f, NET2), "192.0.2.2");
	/* The router lost its interface on NET1: n1 no longer routes into NET2. */
	json_object_set_new(f.routers, "r",
	                json_pack("{s:s, s:s, s:[{s:s}]}", "id", "r", "host", "", "interfaces",
	                                "network_id", NET2));
	merge(&f, "{}", true);
	assert_null(json_object_get(f.l2pop, NET2));
	/* A router the node hosts whole keeps its networks' entries, port or not. */
	json_object_del(f.ports, "p1");
	router(&f, "n1");
	merge(&f, "{\"l2pop\": {" ENTRY(NET2, "n2", "192.0.2.2") "}}", true);
	assert_non_null(json_object_get(f.l2pop, NET2));
	/* Hosted elsewhere, without a port here: gone. */
	router(&f, "n9");
	merge(&f, "{}", true);
	assert_null(json_object_get(f.l2pop, NET2));
	ag_feed_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(entries_are_replaced_whole_and_kept_while_a_port_is_there),
	                cmocka_unit_test(an_entry_goes_with_the_nodes_last_port_on_its_network),
	                cmocka_unit_test(an_entry_stays_while_a_router_of_the_node_reaches_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
