/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed's distributed routers (controlplane/db/feed_dvr.c): a
 * node with a port on one network of a router gets the router's other
 * networks, their subnets and their l2pop entries (the remote ports behind
 * their nodes' tunnels), when it first has such a port, when the router
 * gets an interface, and when a remote port there changes; the router's
 * external gateway stays with the gateway node. A real SQLite file,
 * written and read through the control plane's own service calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "feed_test.h"

struct fixture {
	struct feed_test t;
	/* Networks a, b (the router's) and c (on no router), and their subnets. */
	char net_a[CP_ID_LEN], net_b[CP_ID_LEN], net_c[CP_ID_LEN];
	char sub_a[CP_ID_LEN], sub_b[CP_ID_LEN], sub_c[CP_ID_LEN];
	char router[CP_ID_LEN];
};

static void add_interface(struct fixture *f, const char *subnet)
{
	json_t *body = json_pack("{s:s}", "subnet_id", subnet), *out = NULL;

	if (cp_router_interface(&f->t.ctx, f->router, body, true, &out) != 0)
		fail_msg("add_router_interface: %s", f->t.ctx.err.msg);
	json_decref(body);
	json_decref(out);
}

/* Whether the feed's list key holds the object id. */
static bool sends(const json_t *doc, const char *key, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(doc, key), i, o)
		if (strcmp(cp_json_str(o, "id") ?: "", id) == 0)
			return true;
	return false;
}

/* feed_test_remote of net's l2pop entry in doc ("-": none). */
static const char *remote_of(struct fixture *f, const json_t *doc, const char *net)
{
	return feed_test_remote(&f->t, json_object_get(json_object_get(doc, "l2pop"), net));
}

/* A node with one port, as feed_test_remote writes it. */
static const char *expect(const char *node, const char *port_id)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s:%.4s", node, port_id);
	return buf;
}

/* doc brings b whole to n1: the network, its subnet, and its entry with
 * port pb behind n2. */
static void brings_b(struct fixture *f, const json_t *doc, const char *pb)
{
	assert_true(sends(doc, "networks", f->net_b));
	assert_true(sends(doc, "subnets", f->sub_b));
	assert_string_equal(remote_of(f, doc, f->net_b), expect("n2", pb));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	feed_test_open(&f->t);
	/* VXLAN: the default type */
	feed_test_network(&f->t, "", "10.1.0.0/24", f->net_a, f->sub_a);
	feed_test_network(&f->t, "", "10.2.0.0/24", f->net_b, f->sub_b);
	feed_test_network(&f->t, "", "10.3.0.0/24", f->net_c, f->sub_c);
	feed_test_create(&f->t, &cp_kind_router, "{\"name\": \"r\"}", f->router);
	*state = f;
	return 0;
}

static void a_port_on_one_network_of_a_router_brings_its_other_networks(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], pb[CP_ID_LEN], pc[CP_ID_LEN];
	json_t *doc;

	add_interface(f, f->sub_a);
	add_interface(f, f->sub_b);
	feed_test_port(&f->t, f->net_a, "n1", pa);
	feed_test_port(&f->t, f->net_b, "n2", pb);
	feed_test_port(&f->t, f->net_c, "n2", pc);
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_true(sends(doc, "routers", f->router));
	assert_true(sends(doc, "networks", f->net_a));
	/* b's port on n2, behind n2's tunnel: where n1's router sends to it. */
	brings_b(f, doc, pb);
	/* c is on no router of n1's: neither it nor its ports. */
	assert_false(sends(doc, "networks", f->net_c));
	assert_false(sends(doc, "subnets", f->sub_c));
	assert_string_equal(remote_of(f, doc, f->net_c), "-");
	/* n2 routes into a from b: a peer of a's, whence its routed frames come. */
	assert_string_equal(remote_of(f, doc, f->net_a), "n2:");
	/* Only n1's own port is a VM port of n1's. */
	assert_int_equal(json_array_size(json_object_get(doc, "ports")), 1);
	json_decref(doc);
	/* n2, symmetrically: a and the port behind n1. */
	doc = feed_test_feed(&f->t, "n2", 0, NULL);
	assert_true(sends(doc, "networks", f->net_a));
	assert_true(sends(doc, "subnets", f->sub_a));
	assert_string_equal(remote_of(f, doc, f->net_a), expect("n1", pa));
	assert_string_equal(remote_of(f, doc, f->net_b), "n1:");
	json_decref(doc);
	/* n3 has no port: nothing of the router's networks. */
	doc = feed_test_feed(&f->t, "n3", 0, NULL);
	assert_false(sends(doc, "networks", f->net_a));
	assert_false(sends(doc, "networks", f->net_b));
	assert_int_equal(json_object_size(json_object_get(doc, "l2pop")), 0);
	json_decref(doc);
}

static void a_new_interface_brings_its_network_whole(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], pb[CP_ID_LEN];
	int64_t rev;
	json_t *doc;

	add_interface(f, f->sub_a);
	feed_test_port(&f->t, f->net_a, "n1", pa);
	feed_test_port(&f->t, f->net_b, "n2", pb);
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_false(sends(doc, "networks", f->net_b));
	assert_string_equal(remote_of(f, doc, f->net_b), "-");
	json_decref(doc);
	add_interface(f, f->sub_b);
	doc = feed_test_feed(&f->t, "n1", rev, &rev);
	assert_true(sends(doc, "routers", f->router));
	brings_b(f, doc, pb);
	json_decref(doc);
	/* Sent once: nothing changed since. */
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_false(sends(doc, "networks", f->net_b));
	assert_string_equal(remote_of(f, doc, f->net_b), "-");
	json_decref(doc);
}

static void a_first_local_port_brings_the_routers_networks(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], pb[CP_ID_LEN];
	int64_t rev;
	json_t *doc;

	add_interface(f, f->sub_a);
	add_interface(f, f->sub_b);
	feed_test_port(&f->t, f->net_b, "n2", pb);
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_false(sends(doc, "networks", f->net_b));
	json_decref(doc);
	feed_test_port(&f->t, f->net_a, "n1", pa);
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_true(sends(doc, "networks", f->net_a));
	brings_b(f, doc, pb);
	json_decref(doc);
}

static void a_remote_port_on_a_routed_network_resends_its_entry(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], pb[CP_ID_LEN], pc[CP_ID_LEN];
	int64_t rev;
	json_t *doc;

	add_interface(f, f->sub_a);
	add_interface(f, f->sub_b);
	feed_test_port(&f->t, f->net_a, "n1", pa);
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_string_equal(remote_of(f, doc, f->net_b), ""); /* nobody there yet */
	json_decref(doc);
	feed_test_port(&f->t, f->net_b, "n3", pb);
	doc = feed_test_feed(&f->t, "n1", rev, &rev);
	assert_string_equal(remote_of(f, doc, f->net_b), expect("n3", pb));
	/* Not a new network for n1: the network itself is not sent again. */
	assert_false(sends(doc, "networks", f->net_b));
	json_decref(doc);
	/* A port elsewhere on a network of no router of n1's is no news to it. */
	feed_test_port(&f->t, f->net_c, "n2", pc);
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_string_equal(remote_of(f, doc, f->net_b), "-");
	assert_string_equal(remote_of(f, doc, f->net_c), "-");
	json_decref(doc);
}

static void a_node_that_comes_to_route_into_a_network_becomes_its_peer(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], pb[CP_ID_LEN];
	json_t *body, *out = NULL, *doc;
	int64_t rev;

	add_interface(f, f->sub_a);
	add_interface(f, f->sub_b);
	feed_test_port(&f->t, f->net_b, "n2", pb);
	doc = feed_test_feed(&f->t, "n2", 0, &rev);
	assert_string_equal(remote_of(f, doc, f->net_b), "");
	json_decref(doc);
	/* n1's first port on a: n2 hears of n1 on b, with no change on b. */
	feed_test_port(&f->t, f->net_a, "n1", pa);
	doc = feed_test_feed(&f->t, "n2", rev, &rev);
	assert_string_equal(remote_of(f, doc, f->net_b), "n1:");
	json_decref(doc);
	/* The router leaves a: n1 no longer routes into b. */
	body = json_pack("{s:s}", "subnet_id", f->sub_a);
	assert_int_equal(cp_router_interface(&f->t.ctx, f->router, body, false, &out), 0);
	json_decref(body);
	json_decref(out);
	doc = feed_test_feed(&f->t, "n2", rev, NULL);
	assert_string_equal(remote_of(f, doc, f->net_b), "");
	json_decref(doc);
}

static void the_gateway_stays_on_the_gateway_node(void **state)
{
	struct fixture *f = *state;
	char ext[CP_ID_LEN], ext_sub[CP_ID_LEN], pa[CP_ID_LEN], pb[CP_ID_LEN], text[256];
	json_t *req, *out = NULL, *doc, *r;
	size_t i;

	cp_router_set_gateway_node("gw");
	feed_test_network(&f->t, ", \"router:external\": true", "203.0.113.0/24", ext, ext_sub);
	snprintf(text, sizeof(text), "{\"external_gateway_info\": {\"network_id\": \"%s\"}}", ext);
	req = json_loads(text, 0, NULL);
	assert_int_equal(cp_res_update(&f->t.ctx, &cp_kind_router, f->router, req, &out), 0);
	json_decref(req);
	json_decref(out);
	add_interface(f, f->sub_a);
	add_interface(f, f->sub_b);
	feed_test_port(&f->t, f->net_a, "n1", pa);
	feed_test_port(&f->t, f->net_b, "n2", pb);
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_true(sends(doc, "networks", f->net_b));
	/* The router comes whole, its gateway naming its node: not n1. */
	json_array_foreach(json_object_get(doc, "routers"), i, r)
		if (strcmp(cp_json_str(r, "id"), f->router) == 0) {
			assert_int_equal(json_array_size(json_object_get(r, "interfaces")), 2);
			assert_string_equal(cp_json_str(json_object_get(r, "gateway"), "host"),
				"gw");
			assert_string_equal(cp_json_str(r, "host"), "gw");
		}
	assert_false(sends(doc, "networks", ext));
	assert_false(sends(doc, "subnets", ext_sub));
	json_decref(doc);
	cp_router_set_gateway_node("");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_port_on_one_network_of_a_router_brings_its_other_networks, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(a_new_interface_brings_its_network_whole, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			a_first_local_port_brings_the_routers_networks, setup, feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			a_remote_port_on_a_routed_network_resends_its_entry, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			a_node_that_comes_to_route_into_a_network_becomes_its_peer, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(the_gateway_stays_on_the_gateway_node, setup,
			feed_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
