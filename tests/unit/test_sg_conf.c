/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups on the control side, through the control socket's handlers:
 * SG_SET in chunks, what a port's snapshot then holds, generations, SG_LIST
 * and SG_RULES, the retired set really freed, and what a port or network
 * deletion takes with it.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_acl.h>
#include <rte_malloc.h>

#include "engine/dp_conf.h"
#include "engine/dp_tables.h"
#include "ct/dp_ct.h"
#include "ctl/dp_ctl.h"
#include "dp_test_env.h"
#include "sg/dp_sg_conf.h"
#include "sg/dp_sg_share.h"

static uint8_t out[DP_MSG_MAX];

static int call(uint16_t type, const void *body, uint32_t len, uint32_t *reply_len)
{
	static uint8_t m[DP_MSG_MAX];
	struct dp_msg_hdr *h = (struct dp_msg_hdr *)m;
	struct dp_reply_hdr *r = (struct dp_reply_hdr *)out;

	*h = (struct dp_msg_hdr){.magic = DP_API_MAGIC, .version = DP_API_VERSION, .type = type,
			.len = len, .seq = 5};
	memcpy(h + 1, body, len);
	dp_ctl_handle(m, sizeof(*h) + len, out, sizeof(out));
	if (reply_len)
		*reply_len = r->len;
	return r->status;
}

static void *reply_body(void)
{
	return out + sizeof(struct dp_reply_hdr);
}

/* An ingress TCP rule to port `port` from `remote` (IPv4 prefix). */
static struct dp_sg_rule_spec tcp_in(uint32_t id, const char *remote, uint8_t len, uint16_t port)
{
	struct dp_sg_rule_spec s = {.id = id, .direction = DP_SG_DIR_INGRESS, .family = AF_INET,
			.proto = 6, .prefixlen = len, .port_min = port, .port_max = port, .has_ports = 1};

	inet_pton(AF_INET, remote, s.remote);
	snprintf(s.label, sizeof(s.label), "rule-%u", id);
	return s;
}

/* One SG_SET chunk: rules[0..n) at offset of total. */
static int sg_set(const char *port, bool stateful, const struct dp_sg_rule_spec *rules, uint16_t n,
		uint32_t offset, uint32_t total)
{
	static uint8_t buf[sizeof(struct dp_sg_set_req) +
			   DP_SG_RULES_PER_MSG * sizeof(struct dp_sg_rule_spec)];
	struct dp_sg_set_req *r = (struct dp_sg_set_req *)buf;

	memset(r, 0, sizeof(*r));
	snprintf(r->port, sizeof(r->port), "%s", port);
	r->enabled = 1;
	r->stateful = stateful;
	r->n_rules = n;
	r->offset = offset;
	r->total = total;
	memcpy(r->rules, rules, n * sizeof(rules[0]));
	return call(DP_MSG_SG_SET, r, sizeof(*r) + n * sizeof(rules[0]), NULL);
}

static int sg_off(const char *port)
{
	struct dp_sg_set_req r = {0};

	snprintf(r.port, sizeof(r.port), "%s", port);
	return call(DP_MSG_SG_SET, &r, sizeof(r), NULL);
}

static uint16_t pa;

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	test_network("red", DP_NET_FLAT, "", 0, 1500);
	pa = test_port("a");
	test_attach("a", "red");
	return 0;
}

static void a_set_in_one_message_is_in_the_port_snapshot(void **state)
{
	struct dp_sg_rule_spec r[2] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80)};
	const struct dp_port *p;

	(void)state;
	assert_null(dp_port_get(pa)->sg);
	assert_int_equal(sg_set("a", true, r, 2, 0, 2), 0);
	p = dp_port_get(pa);
	assert_non_null(p->sg);
	assert_true(p->sg_stateful);
	assert_int_not_equal(p->sg_gen, DP_CT_GEN_NONE);
	assert_int_equal(p->sg->n_rules_total, 2);
	assert_string_equal(dp_sg_conf_label(pa, 2), "rule-2");
}

static void a_set_in_chunks_applies_with_its_last_chunk(void **state)
{
	struct dp_sg_rule_spec r[3] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80),
			tcp_in(3, "0.0.0.0", 0, 443)};

	(void)state;
	assert_int_equal(sg_set("a", false, r, 1, 0, 3), 0);
	assert_null(dp_port_get(pa)->sg);
	assert_int_equal(sg_set("a", false, r + 1, 1, 1, 3), 0);
	assert_null(dp_port_get(pa)->sg);
	assert_int_equal(sg_set("a", false, r + 2, 1, 2, 3), 0);
	assert_non_null(dp_port_get(pa)->sg);
	assert_false(dp_port_get(pa)->sg_stateful);
	assert_int_equal(dp_port_get(pa)->sg->n_rules_total, 3);
}

static void a_chunk_out_of_order_is_refused_and_drops_the_unfinished_set(void **state)
{
	struct dp_sg_rule_spec r[3] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80),
			tcp_in(3, "0.0.0.0", 0, 443)};

	(void)state;
	assert_int_equal(sg_set("a", true, r, 1, 0, 3), 0);
	assert_int_equal(sg_set("a", true, r + 2, 1, 2, 3), -EINVAL);
	/* The set was dropped: its next chunk is out of order too. */
	assert_int_equal(sg_set("a", true, r + 1, 1, 1, 3), -EINVAL);
	assert_null(dp_port_get(pa)->sg);
	/* A chunk without a start. */
	assert_int_equal(sg_set("a", true, r + 1, 1, 1, 3), -EINVAL);
}

static void a_bad_rule_or_a_short_message_changes_nothing(void **state)
{
	struct dp_sg_rule_spec r[2] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80)};
	struct dp_sg_rule_spec bad = tcp_in(3, "10.0.0.0", 8, 22);
	struct dp_sg_set_req req = {.enabled = 1, .n_rules = 1, .total = 1};
	uint32_t gen;

	(void)state;
	assert_int_equal(sg_set("a", true, r, 2, 0, 2), 0);
	gen = dp_port_get(pa)->sg_gen;
	bad.family = 99;
	assert_int_equal(sg_set("a", true, &bad, 1, 0, 1), -EINVAL);
	bad = r[0]; /* the same id twice */
	assert_int_equal(sg_set("a", true, (struct dp_sg_rule_spec[]){r[0], bad}, 2, 0, 2), -EINVAL);
	/* n_rules says one rule, the body holds none. */
	snprintf(req.port, sizeof(req.port), "a");
	assert_int_equal(call(DP_MSG_SG_SET, &req, sizeof(req), NULL), -EBADMSG);
	assert_int_equal(call(DP_MSG_SG_SET, &req, sizeof(req) - 4, NULL), -EBADMSG);
	assert_int_equal(dp_port_get(pa)->sg_gen, gen);
	assert_int_equal(dp_port_get(pa)->sg->n_rules_total, 2);
	assert_int_equal(sg_set("nosuch", true, r, 2, 0, 2), -ENOENT);
}

static void the_same_rules_again_keep_the_generation_and_new_ones_move_it(void **state)
{
	struct dp_sg_rule_spec r[2] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80)};
	const struct dp_sg_set *set;
	uint32_t gen;

	(void)state;
	assert_int_equal(sg_set("a", true, r, 2, 0, 2), 0);
	gen = dp_port_get(pa)->sg_gen;
	set = dp_port_get(pa)->sg;
	/* Labels are not rules: a new label changes what the trace says, nothing else. */
	snprintf(r[0].label, sizeof(r[0].label), "ssh from the office");
	assert_int_equal(sg_set("a", true, r, 2, 0, 2), 0);
	assert_int_equal(dp_port_get(pa)->sg_gen, gen);
	assert_ptr_equal(dp_port_get(pa)->sg, set);
	assert_string_equal(dp_sg_conf_label(pa, 1), "ssh from the office");
	/* Stateless is another filter. */
	assert_int_equal(sg_set("a", false, r, 2, 0, 2), 0);
	assert_int_not_equal(dp_port_get(pa)->sg_gen, gen);
	gen = dp_port_get(pa)->sg_gen;
	r[1].port_max = 81;
	assert_int_equal(sg_set("a", false, r, 2, 0, 2), 0);
	assert_int_not_equal(dp_port_get(pa)->sg_gen, gen);
}

static bool acl_exists(uint64_t generation)
{
	char name[RTE_ACL_NAMESIZE];

	snprintf(name, sizeof(name), "sg%" PRIu64 "i4", generation);
	return rte_acl_find_existing(name) != NULL;
}

static void a_replaced_set_is_freed_after_the_grace_period(void **state)
{
	struct dp_sg_rule_spec r = tcp_in(1, "10.0.0.0", 8, 22);
	uint64_t old;

	(void)state;
	assert_int_equal(sg_set("a", true, &r, 1, 0, 1), 0);
	old = dp_port_get(pa)->sg->generation;
	assert_true(acl_exists(old));
	r.port_min = r.port_max = 2222;
	assert_int_equal(sg_set("a", true, &r, 1, 0, 1), 0);
	/* No worker reads in this test: the grace period is over at once. */
	dp_tables_reclaim();
	assert_false(acl_exists(old));
	assert_true(acl_exists(dp_port_get(pa)->sg->generation));
	old = dp_port_get(pa)->sg->generation;
	assert_int_equal(sg_off("a"), 0);
	assert_null(dp_port_get(pa)->sg);
	dp_tables_reclaim();
	assert_false(acl_exists(old));
}

static void ports_with_equal_rules_share_one_compiled_set(void **state)
{
	struct dp_sg_rule_spec r[2] = {tcp_in(1, "10.0.0.0", 8, 22), tcp_in(2, "0.0.0.0", 0, 80)};
	uint16_t pb = test_port("b");
	uint32_t sets0, refs0, sets, refs;
	uint64_t gen;

	(void)state;
	test_attach("b", "red");
	dp_sg_share_counts(&sets0, &refs0);
	assert_int_equal(sg_set("a", true, r, 2, 0, 2), 0);
	assert_int_equal(sg_set("b", false, r, 2, 0, 2), 0);
	assert_ptr_equal(dp_port_get(pa)->sg, dp_port_get(pb)->sg);
	dp_sg_share_counts(&sets, &refs);
	assert_int_equal(sets, sets0 + 1);
	assert_int_equal(refs, refs0 + 2);
	/* Each port keeps its own generation and stateful flag. */
	assert_int_not_equal(dp_port_get(pa)->sg_gen, dp_port_get(pb)->sg_gen);
	assert_true(dp_port_get(pa)->sg_stateful);
	assert_false(dp_port_get(pb)->sg_stateful);
	gen = dp_port_get(pa)->sg->generation;
	/* a's filter goes: b's is still compiled, once. */
	assert_int_equal(sg_off("a"), 0);
	dp_tables_reclaim();
	assert_true(acl_exists(gen));
	assert_int_equal(dp_port_get(pb)->sg->generation, gen);
	/* b's rules change: the shared set goes with its last reference. */
	r[1].port_min = r[1].port_max = 8080;
	assert_int_equal(sg_set("b", false, r, 2, 0, 2), 0);
	dp_tables_reclaim();
	assert_false(acl_exists(gen));
	dp_sg_share_counts(&sets, &refs);
	assert_int_equal(sets, sets0 + 1);
	assert_int_equal(refs, refs0 + 1);
}

static void sg_list_and_sg_rules_show_the_filter(void **state)
{
	struct dp_sg_rule_spec r[300];
	struct dp_list_req lr = {0};
	struct dp_sg_list_reply *l = reply_body();
	struct dp_sg_rules_reply *rr = reply_body();
	uint32_t len, seen = 0;

	(void)state;
	for (uint32_t i = 0; i < 300; i++)
		r[i] = tcp_in(i + 10, "10.0.0.0", 8, (uint16_t)(1000 + i));
	assert_int_equal(sg_set("a", false, r, 256, 0, 300), 0);
	assert_int_equal(sg_set("a", false, r + 256, 44, 256, 300), 0);
	assert_int_equal(call(DP_MSG_SG_LIST, &lr, sizeof(lr), &len), 0);
	assert_int_equal(l->count, 1);
	assert_string_equal(l->entries[0].port, "a");
	assert_int_equal(l->entries[0].n_rules, 300);
	assert_int_equal(l->entries[0].stateful, 0);
	assert_int_equal(l->entries[0].generation, dp_port_get(pa)->sg_gen);
	snprintf(lr.filter, sizeof(lr.filter), "a");
	do {
		assert_int_equal(call(DP_MSG_SG_RULES, &lr, sizeof(lr), &len), 0);
		assert_int_equal(len, 8 + rr->count * sizeof(rr->entries[0]));
		for (uint32_t i = 0; i < rr->count; i++)
			assert_memory_equal(&rr->entries[i], &r[seen + i], sizeof(r[0]));
		seen += rr->count;
		lr.cursor = rr->next_cursor;
	} while (lr.cursor != 0);
	assert_int_equal(seen, 300);
	lr.filter[0] = '\0';
	assert_int_equal(call(DP_MSG_SG_RULES, &lr, sizeof(lr), &len), -EINVAL);
	snprintf(lr.filter, sizeof(lr.filter), "nosuch");
	assert_int_equal(call(DP_MSG_SG_RULES, &lr, sizeof(lr), &len), -ENOENT);
}

static struct dp_ct_pkt udp_key(uint16_t zone, uint16_t sport)
{
	struct dp_ct_pkt p = {0};
	uint32_t s = htonl(0x0a000001), d = htonl(0x0a000002);

	dp_ct_key_set(&p, zone, AF_INET, IPPROTO_UDP, &s, &d, htons(sport), htons(53));
	p.l4 = DP_CT_L4_UDP;
	return p;
}

static void deleting_a_port_drops_its_filter_and_connections(void **state)
{
	struct dp_sg_rule_spec r = tcp_in(1, "10.0.0.0", 8, 22);
	struct dp_ct_pkt p = udp_key(dp_conf_net_by_name("red"), 1000);
	struct dp_ct_rec mine = {pa, 1, 1}, none = {DP_CT_NO_PORT, 0, 0};
	struct dp_ct_stats st;
	uint32_t idx;

	(void)state;
	assert_int_equal(sg_set("a", true, &r, 1, 0, 1), 0);
	assert_int_equal(dp_ct_create(dp_tables.ct, &p, &mine, &none, 0, &idx), 0);
	assert_int_equal(dp_ct_port_count(dp_tables.ct, pa), 1);
	assert_int_equal(dp_conf_port_del("a", false), 0);
	assert_false(dp_sg_confs[pa].enabled);
	assert_null(dp_sg_confs[pa].set);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(dp_ct_port_count(dp_tables.ct, pa), 0);
}

static void deleting_a_network_flushes_its_zone(void **state)
{
	struct dp_ct_pkt p = udp_key(0, 1000), q;
	struct dp_ct_rec none = {DP_CT_NO_PORT, 0, 0};
	struct dp_ct_stats st;
	uint16_t blue;
	uint32_t idx;

	(void)state;
	test_network("blue", DP_NET_FLAT, "", 0, 1500);
	blue = dp_conf_net_by_name("blue");
	p.key.zone = blue;
	q = p;
	q.key.zone = dp_conf_net_by_name("red");
	assert_int_equal(dp_ct_create(dp_tables.ct, &p, &none, &none, 0, &idx), 0);
	assert_int_equal(dp_ct_create(dp_tables.ct, &q, &none, &none, 0, &idx), 0);
	assert_int_equal(dp_conf_net_del("blue", false), 0);
	dp_ct_stats_get(dp_tables.ct, &st);
	assert_int_equal(st.in_use, 1);
	dp_ct_lookup_bulk(dp_tables.ct, &q, 1, &idx);
	assert_int_not_equal(idx, DP_CT_NONE);
}

static void ct_flush_and_ct_stats_through_the_socket(void **state)
{
	struct dp_ct_pkt p = udp_key(dp_conf_net_by_name("red"), 1000);
	struct dp_ct_rec mine = {pa, 1, 1}, none = {DP_CT_NO_PORT, 0, 0};
	struct dp_ct_flush_req fr = {0};
	struct dp_ct_stats_reply *st = reply_body();
	struct dp_ct_flush_reply *fl = reply_body();
	struct dp_ct_list_reply *cl = reply_body();
	struct dp_list_req lr = {0};
	uint32_t idx, len;

	(void)state;
	assert_int_equal(dp_ct_create(dp_tables.ct, &p, &mine, &none, 0, &idx), 0);
	p = udp_key(dp_conf_net_by_name("red"), 1001);
	assert_int_equal(dp_ct_create(dp_tables.ct, &p, &none, &none, 0, &idx), 0);
	assert_int_equal(call(DP_MSG_CT_STATS, NULL, 0, &len), 0);
	assert_int_equal(len, sizeof(*st));
	assert_int_equal(st->entries, 2);
	assert_int_equal(st->max_entries, TEST_CT_ENTRIES);
	snprintf(lr.filter, sizeof(lr.filter), "a");
	assert_int_equal(call(DP_MSG_CT_LIST, &lr, sizeof(lr), &len), 0);
	assert_int_equal(cl->count, 1);
	assert_string_equal(cl->entries[0].network, "red");
	assert_string_equal(cl->entries[0].orig_port, "a");
	assert_string_equal(cl->entries[0].resp_port, "");
	assert_int_equal(cl->entries[0].sport, 1000);
	assert_int_equal(cl->entries[0].dport, 53);
	assert_int_equal(cl->next_cursor, 0);
	snprintf(fr.port, sizeof(fr.port), "a");
	assert_int_equal(call(DP_MSG_CT_FLUSH, &fr, sizeof(fr), &len), 0);
	assert_int_equal(fl->flushed, 1);
	fr.port[0] = '\0';
	assert_int_equal(call(DP_MSG_CT_FLUSH, &fr, sizeof(fr), &len), 0);
	assert_int_equal(fl->flushed, 1);
	snprintf(fr.port, sizeof(fr.port), "nosuch");
	assert_int_equal(call(DP_MSG_CT_FLUSH, &fr, sizeof(fr), &len), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_set_in_one_message_is_in_the_port_snapshot, setup),
		cmocka_unit_test_setup(a_set_in_chunks_applies_with_its_last_chunk, setup),
		cmocka_unit_test_setup(
				a_chunk_out_of_order_is_refused_and_drops_the_unfinished_set, setup),
		cmocka_unit_test_setup(a_bad_rule_or_a_short_message_changes_nothing, setup),
		cmocka_unit_test_setup(
				the_same_rules_again_keep_the_generation_and_new_ones_move_it, setup),
		cmocka_unit_test_setup(a_replaced_set_is_freed_after_the_grace_period, setup),
		cmocka_unit_test_setup(ports_with_equal_rules_share_one_compiled_set, setup),
		cmocka_unit_test_setup(sg_list_and_sg_rules_show_the_filter, setup),
		cmocka_unit_test_setup(deleting_a_port_drops_its_filter_and_connections, setup),
		cmocka_unit_test_setup(deleting_a_network_flushes_its_zone, setup),
		cmocka_unit_test_setup(ct_flush_and_ct_stats_through_the_socket, setup),
	};

	if (test_env_init("sg_conf") < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
