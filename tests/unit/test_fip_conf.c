/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Floating IPs through the control protocol (FIP_ADD/DEL/LIST): what workers
 * read after each (l3/dp_fip.h), the gratuitous ARP an add or a move sends
 * from the gateway interface, and the requests that are refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>

#include "ctl/dp_ctl.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "dp_test_env.h"
#include "l2/dp_l2.h"
#include "l3/dp_fip.h"
#include "l3/dp_router_conf.h"
#include "pkt/dp_arp.h"

static uint8_t out[DP_MSG_MAX];
static uint16_t pext;

struct msg {
	struct dp_msg_hdr h;
	uint8_t body[1024];
};

static int call(uint16_t type, const void *body, uint32_t len)
{
	static struct msg m;
	struct dp_reply_hdr *r = (struct dp_reply_hdr *)out;

	m.h = (struct dp_msg_hdr){.magic = DP_API_MAGIC,
	                .version = DP_API_VERSION,
	                .type = type,
	                .len = len,
	                .seq = 5};
	memcpy(m.body, body, len);
	dp_ctl_handle(&m, sizeof(m.h) + len, out, sizeof(out));
	return r->status;
}

static void rif(const char *router, const char *net, const char *ip, uint8_t plen)
{
	struct dp_router_if_req r = {.prefixlen = plen};
	uint32_t a = test_ip(ip);

	snprintf(r.router, sizeof(r.router), "%s", router);
	snprintf(r.network, sizeof(r.network), "%s", net);
	memcpy(r.ip, &a, 4);
	assert_int_equal(call(DP_MSG_ROUTER_IF_ADD, &r, sizeof(r)), 0);
}

static void router(const char *name)
{
	struct dp_router_req r = {0};

	snprintf(r.name, sizeof(r.name), "%s", name);
	assert_int_equal(call(DP_MSG_ROUTER_ADD, &r, sizeof(r)), 0);
}

/* Router r1: gateway on flat "ext" (203.0.113.1/24, port x), "lan" 10.0.0.1/24.
 * Router r2 on "lan2", no gateway. */
static int setup(void **state)
{
	struct dp_router_gw_req gw = {.snat = 1};

	(void)state;
	test_env_reset();
	test_network("ext", DP_NET_FLAT, "", 0, 1500);
	test_network("lan", DP_NET_FLAT, "", 0, 1500);
	test_network("lan2", DP_NET_FLAT, "", 0, 1500);
	pext = test_port("x");
	test_attach("x", "ext");
	router("r1");
	rif("r1", "ext", "203.0.113.1", 24);
	rif("r1", "lan", "10.0.0.1", 24);
	router("r2");
	rif("r2", "lan2", "10.1.0.1", 24);
	snprintf(gw.router, sizeof(gw.router), "r1");
	snprintf(gw.network, sizeof(gw.network), "ext");
	assert_int_equal(call(DP_MSG_ROUTER_GW_SET, &gw, sizeof(gw)), 0);
	return 0;
}

static int fip(uint16_t type, const char *r, const char *f, const char *fixed, uint8_t ok)
{
	struct dp_fip_req q = {.exist_ok = type == DP_MSG_FIP_ADD ? ok : 0,
	                .missing_ok = type == DP_MSG_FIP_DEL ? ok : 0};
	uint32_t a = test_ip(f), b = fixed ? test_ip(fixed) : 0;

	snprintf(q.router, sizeof(q.router), "%s", r);
	memcpy(q.fip, &a, 4);
	memcpy(q.fixed_ip, &b, 4);
	return call(type, &q, sizeof(q));
}

/* What workers read: fip's fixed address, 0 if none. */
static uint32_t fixed_of(const char *r, const char *f)
{
	const struct dp_fip *e = dp_fip_by_fip(dp_fip_get(dp_conf_router_by_name(r)), test_ip(f));

	return e ? e->fixed_ip : 0;
}

/* Sends what the control thread injected, as port_rx does; counts the gratuitous ARPs
 * for `ip` from r1's gateway MAC received on the external network. */
static uint16_t garps(const char *ip)
{
	const struct dp_router_conf *c = dp_router_confs[dp_conf_router_by_name("r1")];
	const struct rte_ether_addr *mac = &c->rifs[c->gw_rif].mac;
	struct rte_mbuf *m[DP_INJECT_BURST];
	uint16_t n, found = 0;

	while ((n = dp_inject_take(test_worker->inject, m, RTE_DIM(m))) > 0)
		test_pipeline_edge(DP_L2_FLOOD, m, n);
	while ((n = test_port_drain(pext, m, RTE_DIM(m))) > 0) {
		for (uint16_t i = 0; i < n; i++) {
			const struct rte_arp_hdr *arp = dp_arp_parse(m[i]);

			found += arp != NULL &&
			         rte_is_same_ether_addr(&arp->arp_data.arp_sha, mac) &&
			         arp->arp_data.arp_sip == test_ip(ip) &&
			         arp->arp_data.arp_tip == test_ip(ip);
		}
		rte_pktmbuf_free_bulk(m, n);
	}
	return found;
}

static void the_gateway_interface_and_its_setting_announce_its_address(void **state)
{
	(void)state;
	/* Twice: once as the interface appeared (as every router interface is), once
	 * as it became the gateway; then no more. */
	assert_int_equal(garps("203.0.113.1"), 2);
	assert_int_equal(garps("203.0.113.1"), 0);
}

static void an_added_fip_is_read_by_workers_and_announced(void **state)
{
	(void)state;
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.5", 0), 0);
	assert_int_equal(fixed_of("r1", "203.0.113.10"), test_ip("10.0.0.5"));
	assert_non_null(dp_fip_by_fixed(
	                dp_fip_get(dp_conf_router_by_name("r1")), test_ip("10.0.0.5")));
	assert_int_equal(garps("203.0.113.10"), 1);
	/* Again without exist_ok: refused, nothing announced. */
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.5", 0), -EEXIST);
	assert_int_equal(garps("203.0.113.10"), 0);
}

static void a_moved_fip_points_at_its_new_address_and_is_announced_again(void **state)
{
	const struct dp_fip_table *t;

	(void)state;
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.5", 0), 0);
	assert_int_equal(garps("203.0.113.10"), 1);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.6", 1), 0);
	t = dp_fip_get(dp_conf_router_by_name("r1"));
	assert_int_equal(fixed_of("r1", "203.0.113.10"), test_ip("10.0.0.6"));
	assert_null(dp_fip_by_fixed(t, test_ip("10.0.0.5")));
	assert_int_equal(t->n, 1);
	assert_int_equal(garps("203.0.113.10"), 1);
	/* The same pair again moves nothing and says nothing. */
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.6", 1), 0);
	assert_int_equal(garps("203.0.113.10"), 0);
}

static void a_deleted_fip_is_no_longer_read(void **state)
{
	(void)state;
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.5", 0), 0);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.11", "10.0.0.7", 0), 0);
	garps("203.0.113.10");
	assert_int_equal(fip(DP_MSG_FIP_DEL, "r1", "203.0.113.10", NULL, 0), 0);
	assert_int_equal(fixed_of("r1", "203.0.113.10"), 0);
	assert_null(dp_fip_by_fixed(dp_fip_get(dp_conf_router_by_name("r1")), test_ip("10.0.0.5")));
	assert_int_equal(fixed_of("r1", "203.0.113.11"), test_ip("10.0.0.7"));
	assert_int_equal(fip(DP_MSG_FIP_DEL, "r1", "203.0.113.10", NULL, 0), -ENOENT);
	assert_int_equal(fip(DP_MSG_FIP_DEL, "r1", "203.0.113.10", NULL, 1), 0);
	assert_int_equal(fip(DP_MSG_FIP_DEL, "r1", "203.0.113.11", NULL, 0), 0);
	assert_null(dp_fip_get(dp_conf_router_by_name("r1")));
}

static void list_shows_each_router_s_fips(void **state)
{
	struct dp_list_req l = {0};
	const struct dp_fip_list_reply *rep = (const void *)(out + sizeof(struct dp_reply_hdr));
	uint32_t f, x;

	(void)state;
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.12", "10.0.0.8", 0), 0);
	garps("203.0.113.12");
	snprintf(l.filter, sizeof(l.filter), "r1");
	assert_int_equal(call(DP_MSG_FIP_LIST, &l, sizeof(l)), 0);
	assert_int_equal(rep->count, 1);
	assert_string_equal(rep->entries[0].router, "r1");
	memcpy(&f, rep->entries[0].fip, 4);
	memcpy(&x, rep->entries[0].fixed_ip, 4);
	assert_int_equal(f, test_ip("203.0.113.12"));
	assert_int_equal(x, test_ip("10.0.0.8"));
	snprintf(l.filter, sizeof(l.filter), "r2");
	assert_int_equal(call(DP_MSG_FIP_LIST, &l, sizeof(l)), 0);
	assert_int_equal(rep->count, 0);
	snprintf(l.filter, sizeof(l.filter), "nope");
	assert_int_equal(call(DP_MSG_FIP_LIST, &l, sizeof(l)), -ENOENT);
}

static void bad_requests_change_nothing(void **state)
{
	(void)state;
	/* No gateway, not on the gateway's network, the router's own address, a
	 * broadcast fixed address, a second fip for one fixed address, no router. */
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r2", "203.0.113.10", "10.1.0.5", 0), -ENOENT);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "198.51.100.10", "10.0.0.5", 0), -EINVAL);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.1", "10.0.0.5", 0), -EINVAL);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "255.255.255.255", 0), -EINVAL);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "nope", "203.0.113.10", "10.0.0.5", 0), -ENOENT);
	assert_null(dp_fip_get(dp_conf_router_by_name("r1")));
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.10", "10.0.0.5", 0), 0);
	assert_int_equal(fip(DP_MSG_FIP_ADD, "r1", "203.0.113.20", "10.0.0.5", 0), -EBUSY);
	assert_int_equal(fixed_of("r1", "203.0.113.20"), 0);
	assert_int_equal(garps("203.0.113.20"), 0);
	garps("203.0.113.10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test_setup(the_gateway_interface_and_its_setting_announce_its_address, setup),
	                cmocka_unit_test_setup(
	                                an_added_fip_is_read_by_workers_and_announced, setup),
	                cmocka_unit_test_setup(
	                                a_moved_fip_points_at_its_new_address_and_is_announced_again,
	                                setup),
	                cmocka_unit_test_setup(a_deleted_fip_is_no_longer_read, setup),
	                cmocka_unit_test_setup(list_shows_each_router_s_fips, setup),
	                cmocka_unit_test_setup(bad_requests_change_nothing, setup),
	};

	if (test_env_init("fip_conf") < 0)
		return 1;
	return cmocka_run_group_tests_name("fip_conf", tests, NULL, NULL);
}
