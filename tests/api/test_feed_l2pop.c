/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed's l2population (controlplane/db/feed_l2pop.c) as ports
 * appear, move between nodes and go, and as a node dies and comes back:
 * a real SQLite file, written and read through the control plane's own
 * service calls, as the API does.
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
	char net[CP_ID_LEN], other_net[CP_ID_LEN], vlan_net[CP_ID_LEN];
};

static void bind_port(struct fixture *f, const char *id, const char *host)
{
	char text[128];
	json_t *req, *out = NULL;

	snprintf(text, sizeof(text), "{\"binding:host_id\": \"%s\"}", host);
	req = json_loads(text, 0, NULL);
	assert_int_equal(cp_res_update(&f->t.ctx, &cp_kind_port, id, req, &out), 0);
	json_decref(req);
	json_decref(out);
}

static const json_t *entry(const json_t *doc, const char *net)
{
	return json_object_get(json_object_get(doc, "l2pop"), net);
}

static const char *tunnel_of(const json_t *entry, const char *node)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(entry, "remote"), i, r)
		if (strcmp(cp_json_str(r, "node"), node) == 0)
			return cp_json_str(r, "tunnel_ip");
	return NULL;
}

/* "n2:" + the first 4 chars of each id, as remote_of writes them. */
static const char *expect(const char *node, const char *a, const char *b)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s:%.4s%s%.4s", node, a, b ? "," : "", b ? b : "");
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	feed_test_open(&f->t);
	feed_test_network(&f->t, "", "10.9.0.0/24", f->net, NULL); /* VXLAN: the default type */
	feed_test_network(&f->t, "", "10.8.0.0/24", f->other_net, NULL);
	feed_test_network(&f->t,
		", \"provider:network_type\": \"vlan\", \"provider:physical_network\": \"p1\", "
		"\"provider:segmentation_id\": 100",
		"10.7.0.0/24", f->vlan_net, NULL);
	*state = f;
	return 0;
}

static void full_feed_lists_the_other_nodes_ports_behind_their_tunnel_ips(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN], c[CP_ID_LEN], d[CP_ID_LEN], want[256];
	json_t *doc, *net;
	const json_t *e;

	feed_test_port(&f->t, f->net, "n1", a);
	feed_test_port(&f->t, f->net, "n2", b);
	feed_test_port(&f->t, f->net, "n3", c);
	feed_test_port(&f->t, f->net, "n2", d);
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	e = entry(doc, f->net);
	assert_non_null(e);
	/* n1's own port is not remote; n2's two ports in id order. */
	snprintf(want, sizeof(want), "%s;",
		strcmp(b, d) < 0 ? expect("n2", b, d) : expect("n2", d, b));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", expect("n3", c, NULL));
	assert_string_equal(feed_test_remote(&f->t, e), want);
	assert_string_equal(tunnel_of(e, "n2"), "192.0.2.2");
	assert_string_equal(tunnel_of(e, "n3"), "192.0.2.3");
	net = cp_obj_get(f->t.db, "network", f->net);
	assert_int_equal(json_integer_value(json_object_get(e, "vni")),
		json_integer_value(json_object_get(net, "provider:segmentation_id")));
	assert_string_equal(cp_json_str(e, "network_id"), f->net);
	json_decref(net);
	json_decref(doc);
	/* n2 sees n1 and n3, not itself. */
	doc = feed_test_feed(&f->t, "n2", 0, NULL);
	snprintf(want, sizeof(want), "%s;", expect("n1", a, NULL));
	snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s", expect("n3", c, NULL));
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), want);
	json_decref(doc);
}

static void networks_without_local_ports_and_vlan_networks_have_no_entry(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN];
	json_t *doc;

	feed_test_port(&f->t, f->net, "n1", a);
	feed_test_port(&f->t, f->vlan_net, "n1", b);
	feed_test_port(&f->t, f->vlan_net, "n2", b);
	doc = feed_test_feed(&f->t, "n2", 0, NULL);
	/* n2 has a port on the VLAN network only: that is the uplink's job. */
	assert_int_equal(json_object_size(json_object_get(doc, "l2pop")), 0);
	json_decref(doc);
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_int_equal(json_object_size(json_object_get(doc, "l2pop")), 1);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), ""); /* alone on it */
	json_decref(doc);
}

static void a_port_moving_between_other_nodes_resends_the_entry(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN], c[CP_ID_LEN], x[CP_ID_LEN];
	int64_t rev, rev2;
	json_t *doc;

	feed_test_port(&f->t, f->net, "n1", a);
	feed_test_port(&f->t, f->net, "n2", b);
	feed_test_port(&f->t, f->net, "n3", c);
	json_decref(feed_test_feed(&f->t, "n1", 0, &rev));
	/* Nothing changed: no entry. */
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_int_equal(json_object_size(json_object_get(doc, "l2pop")), 0);
	json_decref(doc);
	/* A change on another network of other nodes is not this entry's. */
	feed_test_port(&f->t, f->other_net, "n2", x);
	doc = feed_test_feed(&f->t, "n1", rev, &rev);
	assert_null(entry(doc, f->net));
	json_decref(doc);
	/* c moves n3 -> n2: n1 hears it without any change of its own. */
	bind_port(f, c, "n2");
	doc = feed_test_feed(&f->t, "n1", rev, &rev2);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)),
		strcmp(b, c) < 0 ? expect("n2", b, c) : expect("n2", c, b));
	json_decref(doc);
	/* c leaves n2 for no node at all. */
	bind_port(f, c, "");
	doc = feed_test_feed(&f->t, "n1", rev2, &rev);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), expect("n2", b, NULL));
	json_decref(doc);
	/* b is deleted: only its tombstone says so. */
	assert_int_equal(cp_res_delete(&f->t.ctx, &cp_kind_port, b), 0);
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), "");
	json_decref(doc);
}

static void a_first_local_port_brings_the_entry(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN];
	int64_t rev;
	json_t *doc;

	feed_test_port(&f->t, f->net, "n2", b);
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_null(entry(doc, f->net));
	json_decref(doc);
	feed_test_port(&f->t, f->net, "n1", a);
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), expect("n2", b, NULL));
	json_decref(doc);
}

static void a_node_without_a_tunnel_address_is_no_peer(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN], c[CP_ID_LEN];
	int64_t rev;
	json_t *doc;

	feed_test_port(&f->t, f->net, "n1", a);
	feed_test_port(&f->t, f->net, "n2", b);
	feed_test_port(&f->t, f->net, "n4", c); /* n4 never registered */
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), expect("n2", b, NULL));
	json_decref(doc);
	/* n2 restarts without a tunnel address: a change of every entry. */
	feed_test_report(&f->t, "n2", NULL);
	doc = feed_test_feed(&f->t, "n1", rev, NULL);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), "");
	json_decref(doc);
}

/* Makes node's last heartbeat long ago, as if it had stopped reporting. */
static void silence(struct fixture *f, const char *node)
{
	json_t *agents = cp_obj_list(f->t.db, "agent", NULL, false, NULL, 0), *a;
	size_t i;

	assert_int_equal(cp_db_begin(f->t.db, true), 0);
	json_array_foreach(agents, i, a)
		if (strcmp(cp_json_str(a, "host"), node) == 0) {
			json_object_set_new(a, "heartbeat_timestamp",
				json_string("2000-01-01 00:00:00"));
			assert_int_equal(cp_obj_rewrite(f->t.db, "agent", a), 0);
		}
	assert_int_equal(cp_db_commit(f->t.db), 0);
	json_decref(agents);
}

static const char *status_of(struct fixture *f, const char *port_id)
{
	static char buf[16];
	json_t *p = cp_obj_get(f->t.db, "port", port_id);

	snprintf(buf, sizeof(buf), "%s", cp_json_str(p, "status"));
	json_decref(p);
	return buf;
}

static void a_dead_node_leaves_the_entry_and_comes_back(void **state)
{
	struct fixture *f = *state;
	char a[CP_ID_LEN], b[CP_ID_LEN], c[CP_ID_LEN];
	int64_t rev, rev2;
	json_t *doc;

	feed_test_port(&f->t, f->net, "n1", a);
	feed_test_port(&f->t, f->net, "n2", b);
	feed_test_port(&f->t, f->net, "n3", c);
	assert_int_equal(cp_port_report_status(&f->t.ctx, "n3", c, "ACTIVE", INT64_MAX), 0);
	json_decref(feed_test_feed(&f->t, "n1", 0, &rev));
	/* Nobody is silent yet: the sweep writes nothing. */
	assert_int_equal(cp_agent_sweep(&f->t.ctx, cp_now()), 0);
	assert_int_equal(cp_db_revision(f->t.db), rev);
	silence(f, "n3");
	assert_int_equal(cp_db_revision(f->t.db), rev); /* a heartbeat is no revision */
	assert_int_equal(cp_agent_sweep(&f->t.ctx, cp_now()), 1);
	assert_string_equal(status_of(f, c), "DOWN");
	assert_string_equal(status_of(f, b), "DOWN"); /* never reported: untouched */
	/* Declared once, not at every sweep. */
	doc = feed_test_feed(&f->t, "n1", rev, &rev);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), expect("n2", b, NULL));
	json_decref(doc);
	assert_int_equal(cp_agent_sweep(&f->t.ctx, cp_now()), 0);
	assert_int_equal(cp_db_revision(f->t.db), rev);
	/* n2 still tunnels to n1 but no longer to n3. */
	doc = feed_test_feed(&f->t, "n2", 0, NULL);
	assert_string_equal(feed_test_remote(&f->t, entry(doc, f->net)), expect("n1", a, NULL));
	json_decref(doc);
	/* Back: its next report puts it in the entry again, its port DOWN
	 * until its agent says the dataplane forwards. */
	feed_test_report(&f->t, "n3", "192.0.2.3");
	doc = feed_test_feed(&f->t, "n1", rev, &rev2);
	assert_true(rev2 > rev);
	assert_string_equal(tunnel_of(entry(doc, f->net), "n3"), "192.0.2.3");
	assert_string_equal(status_of(f, c), "DOWN");
	json_decref(doc);
	/* A plain heartbeat after that is no revision: alive is not news. */
	feed_test_report(&f->t, "n3", "192.0.2.3");
	assert_int_equal(cp_db_revision(f->t.db), rev2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			full_feed_lists_the_other_nodes_ports_behind_their_tunnel_ips, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			networks_without_local_ports_and_vlan_networks_have_no_entry, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			a_port_moving_between_other_nodes_resends_the_entry, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(a_first_local_port_brings_the_entry, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(a_node_without_a_tunnel_address_is_no_peer, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(
			a_dead_node_leaves_the_entry_and_comes_back, setup, feed_test_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
