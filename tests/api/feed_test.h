/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the change feed's tests share (test_feed_l2pop.c, test_feed_dvr.c): a
 * control plane on a real SQLite file in a temporary directory, objects made
 * through the service calls the API makes, and the feed of a node. Each call
 * fails the running cmocka test on an error.
 */
#ifndef VIRGA_TESTS_FEED_TEST_H
#define VIRGA_TESTS_FEED_TEST_H

#include <stdint.h>

#include "../../controlplane/db/feed.h"
#include "../../controlplane/network/network.h"

struct feed_test {
	char dir[64], path[96];
	struct cp_db *db;
	struct cp_ctx ctx;
};

/* A fresh database as admin; nodes n1, n2, n3 reported with tunnel
 * addresses 192.0.2.1, .2 and .3. */
void feed_test_open(struct feed_test *t);
void feed_test_close(struct feed_test *t);
/* A cmocka teardown for a malloc'ed fixture whose first member is a
 * struct feed_test: closes it and frees the fixture. */
int feed_test_teardown(void **state);
/* A new object of kind from JSON text; its id into id (CP_ID_LEN) unless NULL. */
void feed_test_create(struct feed_test *t, const struct cp_kind *k, const char *text, char *id);
/* A network (extra: more of its attributes, ", ..." JSON) and a subnet of
 * cidr on it; their ids into net and sub (either may be NULL). */
void feed_test_network(struct feed_test *t, const char *extra, const char *cidr, char *net,
	char *sub);
/* A port on net bound to host; its id into id. */
void feed_test_port(struct feed_test *t, const char *net, const char *host, char *id);
/* Node's agent reports (tunnel_ip NULL: none). */
void feed_test_report(struct feed_test *t, const char *node, const char *tunnel_ip);
/* The feed for node since; *rev its revision (unless NULL). A new reference. */
json_t *feed_test_feed(struct feed_test *t, const char *node, int64_t since, int64_t *rev);

/* "node:port_id,port_id;node:..." of an l2pop entry, ports cut to their
 * first 4 characters (NULL entry: "-"), each remote port's MAC and first
 * IP checked against the port itself. In a static buffer. */
const char *feed_test_remote(struct feed_test *t, const json_t *entry);

#endif
