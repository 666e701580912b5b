/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which floating IPs of the feed the agent wants in its engine
 * (agents/network/fips.c, ag_fips_build), from feed documents written here and
 * a router the node routes for, as network/desired.c would have built it.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/routers.h"

#define NODE "gw1"
#define R1 "11111111-0000-0000-0000-000000000001" /* its gateway on NODE */
#define R2 "22222222-0000-0000-0000-000000000002" /* its gateway on another node */
#define EXT "eeeeeeee-0000-0000-0000-00000000000e"
#define TNET "aaaaaaaa-0000-0000-0000-00000000000a"
#define PORT "bbbbbbbb-0000-0000-0000-00000000000b"

struct fixture {
	struct ag_feed feed;
	struct ag_desired d;
	struct ag_router router;
};

/* R1 instantiated here with an interface on 10.0.0.0/24 and its gateway on
 * 203.0.113.0/24; the feed's routers say where each gateway lives. */
static void setup(struct fixture *fx)
{
	json_error_t err;
	json_t *routers = json_loads(
	                "{\"" R1 "\": {\"id\": \"" R1 "\", \"gateway\": {\"host\": \"" NODE "\"}},"
	                " \"" R2 "\": {\"id\": \"" R2 "\", \"gateway\": {\"host\": \"gw2\"}}}",
	                0, &err);

	assert_non_null(routers);
	ag_feed_init(&fx->feed, "http://x", "t", NODE);
	json_object_update(fx->feed.routers, routers);
	json_decref(routers);
	memset(&fx->router, 0, sizeof(fx->router));
	strcpy(fx->router.id, R1);
	strcpy(fx->router.rifs[0].network, TNET);
	inet_pton(AF_INET, "10.0.0.1", fx->router.rifs[0].ip);
	fx->router.rifs[0].prefixlen = 24;
	strcpy(fx->router.rifs[1].network, EXT);
	inet_pton(AF_INET, "203.0.113.2", fx->router.rifs[1].ip);
	fx->router.rifs[1].prefixlen = 24;
	fx->router.n_rifs = 2;
	strcpy(fx->router.gw_network, EXT);
	memset(&fx->d, 0, sizeof(fx->d));
	fx->d.routers = &fx->router;
	fx->d.n_routers = 1;
}

static void teardown(struct fixture *fx)
{
	free(fx->d.fips);
	ag_feed_free(&fx->feed);
}

/* Adds a floating IP to the feed. router and fixed may be NULL (not associated). */
static void add_fip(struct fixture *fx, const char *id, const char *router, const char *fip,
                const char *fixed, const char *status)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:i}", "id", id, "floating_ip_address", fip,
	                "status", status, "revision_number", 3);

	json_object_set_new(o, "router_id", router ? json_string(router) : json_null());
	json_object_set_new(o, "port_id", router ? json_string(PORT) : json_null());
	json_object_set_new(o, "fixed_ip_address", fixed ? json_string(fixed) : json_null());
	json_object_set_new(fx->feed.floatingips, id, o);
}

static void wants_an_associated_fip_of_a_router_whose_gateway_is_here(void **state)
{
	struct fixture fx;
	uint8_t fip[4], fixed[4];

	(void)state;
	setup(&fx);
	add_fip(&fx, "f1", R1, "203.0.113.10", "10.0.0.5", "DOWN");
	assert_int_equal(ag_fips_build(&fx.feed, &fx.d), 0);
	assert_int_equal(fx.d.n_fips, 1);
	assert_string_equal(fx.d.fips[0].id, "f1");
	assert_string_equal(fx.d.fips[0].router, R1);
	inet_pton(AF_INET, "203.0.113.10", fip);
	inet_pton(AF_INET, "10.0.0.5", fixed);
	assert_memory_equal(fx.d.fips[0].fip, fip, 4);
	assert_memory_equal(fx.d.fips[0].fixed_ip, fixed, 4);
	assert_true(fx.d.fips[0].wanted);
	assert_false(fx.d.fips[0].active);
	teardown(&fx);
}

static void leaves_out_fips_not_associated_or_hosted_elsewhere(void **state)
{
	struct fixture fx;

	(void)state;
	setup(&fx);
	add_fip(&fx, "free", NULL, "203.0.113.11", NULL, "DOWN");
	add_fip(&fx, "there", R2, "198.51.100.7", "10.1.0.5", "ACTIVE");
	add_fip(&fx, "unknown", "33333333-0000-0000-0000-000000000003", "203.0.113.12", "10.0.0.6",
	                "DOWN");
	assert_int_equal(ag_fips_build(&fx.feed, &fx.d), 0);
	assert_int_equal(fx.d.n_fips, 0);
	teardown(&fx);
}

static void hosts_but_does_not_want_what_the_engine_cannot_translate(void **state)
{
	struct fixture fx;

	(void)state;
	setup(&fx);
	/* The fixed address is behind an interface another node has, or
	 * only on the gateway's own network: shown ACTIVE, to be reported DOWN. */
	add_fip(&fx, "behind", R1, "203.0.113.13", "10.9.0.5", "ACTIVE");
	add_fip(&fx, "outside", R1, "203.0.113.14", "203.0.113.50", "DOWN");
	add_fip(&fx, "v6", R1, "203.0.113.15", "fd00::5", "DOWN");
	assert_int_equal(ag_fips_build(&fx.feed, &fx.d), 0);
	assert_int_equal(fx.d.n_fips, 3);
	for (size_t i = 0; i < fx.d.n_fips; i++) {
		assert_false(fx.d.fips[i].wanted);
		assert_int_equal(fx.d.fips[i].active, strcmp(fx.d.fips[i].id, "behind") == 0);
	}
	teardown(&fx);
}

static void does_not_want_fips_of_a_router_without_its_gateway_here(void **state)
{
	struct fixture fx;

	(void)state;
	setup(&fx);
	fx.router.gw_network[0] = '\0'; /* its external network lacks an uplink here */
	add_fip(&fx, "f1", R1, "203.0.113.10", "10.0.0.5", "ACTIVE");
	assert_int_equal(ag_fips_build(&fx.feed, &fx.d), 0);
	assert_int_equal(fx.d.n_fips, 1);
	assert_false(fx.d.fips[0].wanted);
	assert_true(fx.d.fips[0].active);
	teardown(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(wants_an_associated_fip_of_a_router_whose_gateway_is_here),
	                cmocka_unit_test(leaves_out_fips_not_associated_or_hosted_elsewhere),
	                cmocka_unit_test(hosts_but_does_not_want_what_the_engine_cannot_translate),
	                cmocka_unit_test(does_not_want_fips_of_a_router_without_its_gateway_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
