/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agent's flattening of Neutron security groups into the dataplane's
 * rule specs (agents/network/secgroups.c), from feed documents written here.
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
#include "network/secgroups.h"

#define PORT_ID "11111111-2222-3333-4444-555555555555"
#define WEB "aaaaaaaa-0000-0000-0000-000000000001"
#define DB "bbbbbbbb-0000-0000-0000-000000000002"

struct fixture {
	struct ag_feed feed;
	struct ag_port port;
	json_t *p;
};

/* A feed with groups (JSON text, one object by id) and a port in some of them. */
static void setup_feed(struct fixture *fx, const char *groups, const char *port)
{
	json_error_t err;
	json_t *g = json_loads(groups, 0, &err);

	assert_non_null(g);
	ag_feed_init(&fx->feed, "http://x", "t", "n");
	json_object_update(fx->feed.security_groups, g);
	json_decref(g);
	fx->p = json_loads(port, 0, &err);
	assert_non_null(fx->p);
	memset(&fx->port, 0, sizeof(fx->port));
	fx->port.security.enabled = true;
}

static void teardown_feed(struct fixture *fx)
{
	free(fx->port.sg_rules);
	json_decref(fx->p);
	ag_feed_free(&fx->feed);
}

static const char *const two_groups =
	"{\"" WEB "\": {\"id\": \"" WEB "\", \"name\": \"web\", \"stateful\": true,"
	" \"security_group_rules\": ["
	"  {\"id\": \"r1000000-x\", \"direction\": \"ingress\", \"ethertype\": \"IPv4\","
	"   \"protocol\": \"tcp\", \"port_range_min\": 8080, \"port_range_max\": 8081,"
	"   \"remote_ip_prefix\": \"10.0.0.0/24\", \"remote_group_id\": null},"
	"  {\"id\": \"r2000000-x\", \"direction\": \"ingress\", \"ethertype\": \"IPv6\","
	"   \"protocol\": \"icmp\", \"port_range_min\": 128, \"port_range_max\": null,"
	"   \"remote_ip_prefix\": null, \"remote_group_id\": null},"
	"  {\"id\": \"r3000000-x\", \"direction\": \"egress\", \"ethertype\": \"IPv4\","
	"   \"protocol\": null, \"remote_ip_prefix\": null, \"remote_group_id\": null},"
	"  {\"id\": \"r4000000-x\", \"direction\": \"ingress\", \"ethertype\": \"IPv4\","
	"   \"protocol\": \"udp\", \"port_range_min\": null, \"remote_group_id\": \"" DB "\"},"
	"  {\"id\": \"r5000000-x\", \"direction\": \"ingress\", \"ethertype\": \"IPv4\","
	"   \"protocol\": \"47\", \"remote_group_id\": null}]},"
	" \"" DB "\": {\"id\": \"" DB "\", \"name\": \"db\", \"stateful\": true,"
	" \"security_group_rules\": [], \"members\": ["
	"  {\"port_id\": \"p1\", \"ip_address\": \"10.0.0.5\", \"ethertype\": \"IPv4\"},"
	"  {\"port_id\": \"p1\", \"ip_address\": \"fd00::5\", \"ethertype\": \"IPv6\"},"
	"  {\"port_id\": \"p2\", \"ip_address\": \"10.9.0.0/16\", \"ethertype\": \"IPv4\"}]}}";

static const struct dp_sg_rule_spec *find_label(const struct ag_port *p, const char *prefix,
	size_t nth)
{
	for (size_t i = 0; i < p->n_sg_rules; i++)
		if (strncmp(p->sg_rules[i].label, prefix, strlen(prefix)) == 0 && nth-- == 0)
			return &p->sg_rules[i];
	return NULL;
}

static void flattens_rules_of_a_group(void **state)
{
	struct fixture fx;
	const struct dp_sg_rule_spec *r;
	uint8_t net[4];

	(void)state;
	setup_feed(&fx, two_groups,
		"{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" WEB "\"]}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_true(fx.port.sg_enabled);
	assert_true(fx.port.sg_stateful);
	/* 4 rules of their own, and the remote-group one twice (two IPv4 members). */
	assert_int_equal(fx.port.n_sg_rules, 6);

	r = find_label(&fx.port, "r1000000 of group web", 0);
	assert_non_null(r);
	assert_int_equal(r->direction, DP_SG_DIR_INGRESS);
	assert_int_equal(r->family, AF_INET);
	assert_int_equal(r->proto, 6);
	assert_true(r->has_ports);
	assert_int_equal(r->port_min, 8080);
	assert_int_equal(r->port_max, 8081);
	assert_int_equal(r->prefixlen, 24);
	inet_pton(AF_INET, "10.0.0.0", net);
	assert_memory_equal(r->remote, net, 4);

	r = find_label(&fx.port, "r2000000", 0);
	assert_non_null(r);
	assert_int_equal(r->family, AF_INET6);
	assert_int_equal(r->proto, 58); /* Neutron's "icmp" on an IPv6 rule */
	assert_true(r->has_icmp_type);
	assert_int_equal(r->icmp_type, 128);
	assert_false(r->has_icmp_code);
	assert_false(r->has_ports);
	assert_int_equal(r->prefixlen, 0);

	r = find_label(&fx.port, "r3000000", 0);
	assert_non_null(r);
	assert_int_equal(r->direction, DP_SG_DIR_EGRESS);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->prefixlen, 0);

	r = find_label(&fx.port, "r5000000", 0);
	assert_non_null(r);
	assert_int_equal(r->proto, 47);
	teardown_feed(&fx);
}

static void expands_a_remote_group_into_members_of_the_rules_family(void **state)
{
	struct fixture fx;
	const struct dp_sg_rule_spec *a, *b;
	uint8_t ip[4];

	(void)state;
	setup_feed(&fx, two_groups,
		"{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" WEB "\"]}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	a = find_label(&fx.port, "r4000000", 0);
	b = find_label(&fx.port, "r4000000", 1);
	assert_non_null(a);
	assert_non_null(b);
	assert_null(find_label(&fx.port, "r4000000", 2)); /* not the IPv6 member */
	assert_int_equal(a->proto, 17);
	assert_false(a->has_ports);
	assert_int_equal(a->prefixlen, 32);
	inet_pton(AF_INET, "10.0.0.5", ip);
	assert_memory_equal(a->remote, ip, 4);
	assert_int_equal(b->prefixlen, 16); /* an address pair's CIDR */
	assert_int_not_equal(a->id, b->id);
	teardown_feed(&fx);
}

static void ids_are_unique_and_stable_when_members_change(void **state)
{
	struct fixture fx;
	uint32_t web_rule;

	(void)state;
	setup_feed(&fx, two_groups,
		"{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" WEB "\"]}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	for (size_t i = 0; i < fx.port.n_sg_rules; i++)
		for (size_t j = i + 1; j < fx.port.n_sg_rules; j++)
			assert_int_not_equal(fx.port.sg_rules[i].id, fx.port.sg_rules[j].id);
	web_rule = find_label(&fx.port, "r1000000", 0)->id;
	free(fx.port.sg_rules);
	json_array_clear(json_object_get(json_object_get(fx.feed.security_groups, DB), "members"));
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_int_equal(fx.port.n_sg_rules, 4);
	assert_int_equal(find_label(&fx.port, "r1000000", 0)->id, web_rule);
	teardown_feed(&fx);
}

static void no_filter_without_port_security_or_groups(void **state)
{
	struct fixture fx;

	(void)state;
	setup_feed(&fx, two_groups, "{\"id\": \"" PORT_ID "\", \"security_groups\": []}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_false(fx.port.sg_enabled);
	assert_int_equal(fx.port.n_sg_rules, 0);
	teardown_feed(&fx);

	setup_feed(&fx, two_groups,
		"{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" WEB "\"]}");
	fx.port.security.enabled = false;
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_false(fx.port.sg_enabled);
	teardown_feed(&fx);
}

static void a_group_without_rules_denies_everything(void **state)
{
	struct fixture fx;

	(void)state;
	setup_feed(&fx, two_groups, "{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" DB "\"]}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_true(fx.port.sg_enabled);
	assert_int_equal(fx.port.n_sg_rules, 0);
	teardown_feed(&fx);
}

static void a_stateless_group_makes_a_stateless_filter(void **state)
{
	struct fixture fx;

	(void)state;
	setup_feed(&fx,
		"{\"" DB "\": {\"id\": \"" DB "\", \"name\": \"free\", \"stateful\": false,"
		" \"security_group_rules\": []}}",
		"{\"id\": \"" PORT_ID "\", \"security_groups\": [\"" DB "\"]}");
	assert_int_equal(ag_sg_build(&fx.feed, fx.p, &fx.port), 0);
	assert_true(fx.port.sg_enabled);
	assert_false(fx.port.sg_stateful);
	teardown_feed(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flattens_rules_of_a_group),
		cmocka_unit_test(expands_a_remote_group_into_members_of_the_rules_family),
		cmocka_unit_test(ids_are_unique_and_stable_when_members_change),
		cmocka_unit_test(no_filter_without_port_security_or_groups),
		cmocka_unit_test(a_group_without_rules_denies_everything),
		cmocka_unit_test(a_stateless_group_makes_a_stateless_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
