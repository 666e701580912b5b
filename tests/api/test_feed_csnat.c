/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A router's centralized SNAT ports (controlplane/network/router_csnat.c)
 * and what the change feed makes of them: one per subnet of the router's
 * VXLAN interfaces while it has a gateway, bound to the gateway's node,
 * gone with the gateway or the interface, refused to a direct delete; the
 * router carries them as "csnat_interfaces" to every node, and the other
 * nodes' l2pop entries list them behind the gateway node's tunnel. A real
 * SQLite file, written and read through the control plane's service calls.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "feed_test.h"

struct fixture {
	struct feed_test t;
	/* VXLAN networks a and b, VLAN network v, the external network. */
	char net_a[CP_ID_LEN], net_b[CP_ID_LEN], net_v[CP_ID_LEN], ext[CP_ID_LEN];
	char sub_a[CP_ID_LEN], sub_b[CP_ID_LEN], sub_v[CP_ID_LEN], ext_sub[CP_ID_LEN];
	char router[CP_ID_LEN];
};

static void interface(struct fixture *f, const char *subnet, bool add)
{
	json_t *body = json_pack("{s:s}", "subnet_id", subnet), *out = NULL;

	if (cp_router_interface(&f->t.ctx, f->router, body, add, &out) != 0)
		fail_msg("%s_router_interface: %s", add ? "add" : "remove", f->t.ctx.err.msg);
	json_decref(body);
	json_decref(out);
}

static void set_gateway(struct fixture *f, bool on)
{
	char text[256];
	json_t *req, *out = NULL;

	if (on)
		snprintf(text, sizeof(text), "{\"external_gateway_info\": {\"network_id\": \"%s\"}}",
			f->ext);
	else
		snprintf(text, sizeof(text), "{\"external_gateway_info\": null}");
	req = json_loads(text, 0, NULL);
	if (cp_res_update(&f->t.ctx, &cp_kind_router, f->router, req, &out) != 0)
		fail_msg("router update: %s", f->t.ctx.err.msg);
	json_decref(req);
	json_decref(out);
}

/* The router's csnat ports. A new reference. */
static json_t *csnat_ports(struct fixture *f)
{
	return cp_ports_of(&f->t.ctx, f->router, CP_OWNER_ROUTER_SNAT);
}

/* The router as doc sends it, or NULL. */
static const json_t *router_in(const struct fixture *f, const json_t *doc)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(doc, "routers"), i, r)
		if (strcmp(cp_json_str(r, "id") ?: "", f->router) == 0)
			return r;
	return NULL;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	feed_test_open(&f->t);
	cp_router_set_gateway_node("n1");
	feed_test_network(&f->t, "", "10.1.0.0/24", f->net_a, f->sub_a);
	feed_test_network(&f->t, "", "10.2.0.0/24", f->net_b, f->sub_b);
	feed_test_network(&f->t,
		", \"provider:network_type\": \"vlan\", \"provider:physical_network\": \"phys\", "
		"\"provider:segmentation_id\": 100",
		"10.9.0.0/24", f->net_v, f->sub_v);
	feed_test_network(&f->t, ", \"router:external\": true", "203.0.113.0/24", f->ext,
		f->ext_sub);
	feed_test_create(&f->t, &cp_kind_router, "{\"name\": \"r\"}", f->router);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	cp_router_set_gateway_node("");
	return feed_test_teardown(state);
}

static void a_gateway_and_vxlan_interfaces_make_one_csnat_port_per_subnet(void **state)
{
	struct fixture *f = *state;
	json_t *ports, *p;
	size_t i;

	interface(f, f->sub_a, true);
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 0); /* no gateway yet */
	json_decref(ports);
	set_gateway(f, true);
	interface(f, f->sub_b, true);
	interface(f, f->sub_v, true); /* VLAN: no l2pop, no csnat port */
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 2);
	json_array_foreach(ports, i, p) {
		const json_t *ip = json_array_get(json_object_get(p, "fixed_ips"), 0);
		const char *sid = cp_json_str(ip, "subnet_id");

		assert_string_equal(cp_json_str(p, "binding:host_id"), "n1");
		assert_true(strcmp(sid, f->sub_a) == 0 || strcmp(sid, f->sub_b) == 0);
		/* Its own address, not the interface's (the subnet's gateway_ip). */
		assert_string_not_equal(cp_json_str(ip, "ip_address"), "10.1.0.1");
		assert_string_not_equal(cp_json_str(ip, "ip_address"), "10.2.0.1");
	}
	json_decref(ports);
	interface(f, f->sub_b, false);
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 1);
	json_decref(ports);
	set_gateway(f, false);
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 0);
	json_decref(ports);
}

static void a_csnat_port_cannot_be_deleted_directly(void **state)
{
	struct fixture *f = *state;
	json_t *ports;
	char id[CP_ID_LEN];

	set_gateway(f, true);
	interface(f, f->sub_a, true);
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 1);
	snprintf(id, sizeof(id), "%s", cp_json_str(json_array_get(ports, 0), "id"));
	json_decref(ports);
	assert_int_equal(cp_res_delete(&f->t.ctx, &cp_kind_port, id), -EBUSY);
	ports = csnat_ports(f);
	assert_int_equal(json_array_size(ports), 1);
	json_decref(ports);
}

static void other_nodes_get_the_csnat_port_behind_the_gateway_node(void **state)
{
	struct fixture *f = *state;
	char pa[CP_ID_LEN], p1[CP_ID_LEN], csnat[CP_ID_LEN], want[128];
	const json_t *r, *in;
	json_t *doc, *ports;
	int64_t rev;

	set_gateway(f, true);
	interface(f, f->sub_a, true);
	feed_test_port(&f->t, f->net_a, "n1", p1);
	feed_test_port(&f->t, f->net_a, "n2", pa);
	ports = csnat_ports(f);
	snprintf(csnat, sizeof(csnat), "%s", cp_json_str(json_array_get(ports, 0), "id"));
	json_decref(ports);

	doc = feed_test_feed(&f->t, "n2", 0, &rev);
	assert_non_null(r = router_in(f, doc));
	assert_int_equal(json_array_size(json_object_get(r, "csnat_interfaces")), 1);
	in = json_array_get(json_object_get(r, "csnat_interfaces"), 0);
	assert_string_equal(cp_json_str(in, "port_id"), csnat);
	assert_string_equal(cp_json_str(in, "network_id"), f->net_a);
	assert_int_equal(json_integer_value(json_object_get(in, "prefixlen")), 24);
	/* n1 holds the csnat port and the VM port, sorted by id. */
	snprintf(want, sizeof(want), "n1:%.4s,%.4s", strcmp(csnat, p1) < 0 ? csnat : p1,
		strcmp(csnat, p1) < 0 ? p1 : csnat);
	assert_string_equal(feed_test_remote(&f->t,
				    json_object_get(json_object_get(doc, "l2pop"), f->net_a)),
		want);
	json_decref(doc);

	/* The gateway node gets it with the router, not as a VM port of its own. */
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_non_null(r = router_in(f, doc));
	assert_int_equal(json_array_size(json_object_get(r, "csnat_interfaces")), 1);
	for (size_t i = 0; i < json_array_size(json_object_get(doc, "ports")); i++)
		assert_string_not_equal(cp_json_str(json_array_get(json_object_get(doc, "ports"),
						   i), "id"),
			csnat);
	json_decref(doc);

	/* Without the gateway the router goes again, csnat-less, and n1 leaves
	 * n2's entry with only its VM port. */
	set_gateway(f, false);
	doc = feed_test_feed(&f->t, "n2", rev, NULL);
	assert_non_null(r = router_in(f, doc));
	assert_int_equal(json_array_size(json_object_get(r, "csnat_interfaces")), 0);
	snprintf(want, sizeof(want), "n1:%.4s", p1);
	assert_string_equal(feed_test_remote(&f->t,
				    json_object_get(json_object_get(doc, "l2pop"), f->net_a)),
		want);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_gateway_and_vxlan_interfaces_make_one_csnat_port_per_subnet, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_csnat_port_cannot_be_deleted_directly, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			other_nodes_get_the_csnat_port_behind_the_gateway_node, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
