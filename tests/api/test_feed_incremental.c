/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed is incremental (controlplane/db/feed_ports.c): a poll
 * after one change sends that change's items, an unchanged poll reads
 * ports by index only (never all of them), what a poll costs does not grow with ports on other nodes, and a
 * remote group's kept member list follows its members. A real SQLite file
 * written through the service calls the API makes; costs are SQLite VM
 * steps summed over every statement of the poll, which grow with the rows
 * it visits.
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
#include "../../controlplane/db/sql.h"

#define NODE_PORTS 20
#define PORTS_ELSEWHERE 400

struct fixture {
	struct feed_test t;
	char net[CP_ID_LEN], other_net[CP_ID_LEN], port[CP_ID_LEN];
	int64_t rev; /* after the set-up */
};

static long vm_steps;
static json_t *port_queries; /* the poll's statements on ports: SQL -> true */

/* Each statement's steps as it finishes (reset to 0 for its next run:
 * statements are kept and reused). */
static int on_profile(unsigned type, void *ctx, void *p, void *x)
{
	const char *sql = sqlite3_sql(p);

	(void)type, (void)ctx, (void)x;
	vm_steps += sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 1);
	if (port_queries && sql && strstr(sql, "kind='port'"))
		json_object_set_new(port_queries, sql, json_true());
	return 0;
}

/* The feed of node since, with its cost in vm_steps and its statements on
 * ports in port_queries. */
static json_t *measured_feed(struct fixture *f, const char *node, int64_t since, int64_t *rev)
{
	sqlite3 *h = cp_db_handle(f->t.db);
	json_t *doc;

	/* Kept statements count across runs: from zero for this poll. */
	for (sqlite3_stmt *st = sqlite3_next_stmt(h, NULL); st; st = sqlite3_next_stmt(h, st))
		sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
	json_decref(port_queries);
	port_queries = json_object();
	sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, on_profile, NULL);
	vm_steps = 0;
	doc = feed_test_feed(&f->t, node, since, rev);
	sqlite3_trace_v2(cp_db_handle(f->t.db), 0, NULL, NULL);
	return doc;
}

static void update_port(struct fixture *f, const char *id, const char *text)
{
	json_t *req = json_loads(text, 0, NULL), *out = NULL;

	assert_non_null(req);
	if (cp_res_update(&f->t.ctx, &cp_kind_port, id, req, &out) != 0)
		fail_msg("update port: %s", f->t.ctx.err.msg);
	json_decref(req);
	json_decref(out);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	feed_test_open(&f->t);
	feed_test_network(&f->t, "", "10.9.0.0/24", f->net, NULL);
	feed_test_network(&f->t, "", "10.8.0.0/22", f->other_net, NULL);
	for (int i = 0; i < NODE_PORTS; i++)
		feed_test_port(&f->t, f->net, "n1", f->port);
	feed_test_port(&f->t, f->other_net, "n2", NULL);
	json_decref(feed_test_feed(&f->t, "n1", 0, &f->rev));
	*state = f;
	return 0;
}

static const char *first_id(const json_t *doc, const char *key)
{
	return cp_json_str(json_array_get(json_object_get(doc, key), 0), "id");
}

static void one_change_sends_that_port_and_nothing_it_left_alone(void **state)
{
	struct fixture *f = *state;
	json_t *doc;

	update_port(f, f->port, "{\"name\": \"renamed\"}");
	doc = feed_test_feed(&f->t, "n1", f->rev, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "ports")), 1);
	assert_string_equal(first_id(doc, "ports"), f->port);
	assert_string_equal(cp_json_str(json_array_get(json_object_get(doc, "ports"), 0), "name"),
		"renamed");
	/* A changed port brings its network and subnets whole (feed.h); the
	 * other network, which did not change, stays out. */
	assert_int_equal(json_array_size(json_object_get(doc, "networks")), 1);
	assert_string_equal(first_id(doc, "networks"), f->net);
	assert_int_equal(json_array_size(json_object_get(doc, "subnets")), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "unbound")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "deleted")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "routers")), 0);
	json_decref(doc);
	/* Another node hears of it as a port that is not its own. */
	doc = feed_test_feed(&f->t, "n2", f->rev, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "ports")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "unbound")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "unbound"), 0)),
		f->port);
	json_decref(doc);
}

/* Whether SQLite's plan for sql visits every port: a scan of the table,
 * or a search of the primary key on the kind alone. */
static bool reads_every_port(struct fixture *f, const char *sql)
{
	char *explain = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	bool every = false;

	assert_int_equal(sqlite3_prepare_v2(cp_db_handle(f->t.db), explain, -1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *detail = (const char *)sqlite3_column_text(st, 3);

		if (strstr(detail, "SCAN objects") || strstr(detail, "(kind=?)"))
			every = true;
	}
	sqlite3_finalize(st);
	sqlite3_free(explain);
	return every;
}

static void an_unchanged_poll_reads_ports_by_index_only(void **state)
{
	struct fixture *f = *state;
	json_t *doc = measured_feed(f, "n1", f->rev, NULL), *v;
	const char *sql;

	assert_int_equal(json_array_size(json_object_get(doc, "ports")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "networks")), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "security_groups")), 0);
	assert_int_equal(json_object_size(json_object_get(doc, "l2pop")), 0);
	assert_true(json_object_size(port_queries) > 0); /* the hook saw the poll */
	json_object_foreach(port_queries, sql, v)
		if (reads_every_port(f, sql))
			fail_msg("reads every port: %s", sql);
	json_decref(doc);
}

static void a_poll_costs_the_same_with_many_more_ports_elsewhere(void **state)
{
	struct fixture *f = *state;
	long before, after;
	int64_t rev;
	json_t *doc;

	json_decref(measured_feed(f, "n1", f->rev, NULL));
	before = vm_steps;
	for (int i = 0; i < PORTS_ELSEWHERE; i++)
		feed_test_port(&f->t, f->other_net, "n2", NULL);
	json_decref(feed_test_feed(&f->t, "n1", 0, &rev));
	/* Unchanged since rev for n1: the ports on n2 came before it. */
	json_decref(measured_feed(f, "n1", rev, NULL));
	after = vm_steps;
	/* A read of each port elsewhere would be thousands of steps more. */
	assert_in_range(after, before / 2, before + 200);
	/* And n1's first sync reads n1's ports, not those of n2. */
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "ports")), NODE_PORTS);
	json_decref(doc);
}

/* Whether the group's members in doc list ip for port. */
static bool lists_member(const json_t *doc, const char *port, const char *ip)
{
	json_t *g, *m;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "security_groups"), i, g)
		json_array_foreach(json_object_get(g, "members"), j, m)
			if (strcmp(cp_json_str(m, "port_id") ?: "", port) == 0 &&
				strcmp(cp_json_str(m, "ip_address") ?: "", ip) == 0)
				return true;
	return false;
}

static void a_kept_member_list_follows_a_new_address_pair(void **state)
{
	struct fixture *f = *state;
	int64_t rev;
	json_t *doc;

	/* The default group names itself as remote: its members are sent,
	 * and kept. */
	doc = feed_test_feed(&f->t, "n1", 0, &rev);
	assert_false(lists_member(doc, f->port, "10.9.0.128/25"));
	json_decref(doc);
	update_port(f, f->port, "{\"allowed_address_pairs\": [{\"ip_address\": \"10.9.0.128/25\"}]}");
	doc = feed_test_feed(&f->t, "n1", rev, &rev);
	assert_true(lists_member(doc, f->port, "10.9.0.128/25"));
	json_decref(doc);
	doc = feed_test_feed(&f->t, "n2", 0, NULL);
	assert_true(lists_member(doc, f->port, "10.9.0.128/25"));
	json_decref(doc);
	update_port(f, f->port, "{\"allowed_address_pairs\": []}");
	doc = feed_test_feed(&f->t, "n1", 0, NULL);
	assert_false(lists_member(doc, f->port, "10.9.0.128/25"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(one_change_sends_that_port_and_nothing_it_left_alone,
			setup, feed_test_teardown),
		cmocka_unit_test_setup_teardown(an_unchanged_poll_reads_ports_by_index_only, setup,
			feed_test_teardown),
		cmocka_unit_test_setup_teardown(a_poll_costs_the_same_with_many_more_ports_elsewhere,
			setup, feed_test_teardown),
		cmocka_unit_test_setup_teardown(a_kept_member_list_follows_a_new_address_pair, setup,
			feed_test_teardown),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	json_decref(port_queries);
	return failed;
}
