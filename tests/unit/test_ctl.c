/* SPDX-License-Identifier: Apache-2.0 */
/* The control protocol's server side: malformed messages are answered with an
 * error and change nothing; requests are idempotent as dp_api.h promises. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_ethdev.h>

#include "ctl/dp_ctl.h"
#include "engine/dp_conf.h"
#include "dp_test_env.h"

static uint8_t out[DP_MSG_MAX];

struct msg {
	struct dp_msg_hdr h;
	uint8_t body[1024];
};

static int call(uint16_t type, const void *body, uint32_t len, uint32_t *reply_len)
{
	static struct msg m;
	struct dp_reply_hdr *r = (struct dp_reply_hdr *)out;
	uint32_t n;

	m.h = (struct dp_msg_hdr){.magic = DP_API_MAGIC, .version = DP_API_VERSION, .type = type,
			.len = len, .seq = 77, .generation = 3};
	memcpy(m.body, body, len);
	n = dp_ctl_handle(&m, sizeof(m.h) + len, out, sizeof(out));
	assert_int_equal(r->magic, DP_API_MAGIC);
	assert_int_equal(r->seq, 77);
	assert_int_equal(n, sizeof(*r) + r->len);
	if (reply_len)
		*reply_len = r->len;
	return r->status;
}

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	return 0;
}

static struct dp_network_add_req vlan_net(const char *name, uint32_t vid)
{
	struct dp_network_add_req r = {.type = DP_NET_VLAN, .seg_id = vid};

	snprintf(r.name, sizeof(r.name), "%s", name);
	snprintf(r.physnet, sizeof(r.physnet), "physnet1");
	return r;
}

static void message_with_bad_magic_gets_eproto(void **state)
{
	struct dp_msg_hdr h = {.magic = 0x1234, .version = DP_API_VERSION, .type = DP_MSG_HELLO};

	(void)state;
	dp_ctl_handle(&h, sizeof(h), out, sizeof(out));
	assert_int_equal(((struct dp_reply_hdr *)out)->status, -EPROTO);
}

static void truncated_header_gets_eproto(void **state)
{
	struct dp_msg_hdr h = {.magic = DP_API_MAGIC};

	(void)state;
	dp_ctl_handle(&h, 5, out, sizeof(out));
	assert_int_equal(((struct dp_reply_hdr *)out)->status, -EPROTO);
}

static void unknown_type_gets_eopnotsupp(void **state)
{
	(void)state;
	assert_int_equal(call(999, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(call(0, NULL, 0, NULL), -EOPNOTSUPP);
}

static void body_of_wrong_size_is_refused_and_changes_nothing(void **state)
{
	struct dp_network_add_req r = vlan_net("n1", 10);

	(void)state;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r) - 1, NULL), -EBADMSG);
	assert_int_equal(dp_conf_net_by_name("n1"), -ENOENT);
}

static void unterminated_name_is_refused(void **state)
{
	struct dp_network_add_req r = vlan_net("n1", 10);

	(void)state;
	memset(r.name, 'x', sizeof(r.name));
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), -EINVAL);
}

static void network_add_is_idempotent_with_exist_ok(void **state)
{
	struct dp_network_add_req r = vlan_net("n1", 10);

	(void)state;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), 0);
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), -EEXIST);
	r.exist_ok = 1;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), 0);
	/* Same name, another VLAN: a different network, refused even with exist_ok. */
	r.seg_id = 11;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), -EEXIST);
}

static void vlan_network_needs_a_physnet_and_a_valid_id(void **state)
{
	struct dp_network_add_req r = vlan_net("n1", 4095);

	(void)state;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), -EINVAL);
	r = vlan_net("n1", 10);
	r.physnet[0] = '\0';
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &r, sizeof(r), NULL), -EINVAL);
}

static void two_networks_cannot_share_a_vlan(void **state)
{
	struct dp_network_add_req a = vlan_net("n1", 10), b = vlan_net("n2", 10);

	(void)state;
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &a, sizeof(a), NULL), 0);
	assert_int_equal(call(DP_MSG_NETWORK_ADD, &b, sizeof(b), NULL), -EADDRINUSE);
}

static void network_with_ports_cannot_be_deleted(void **state)
{
	struct dp_network_del_req d = {.name = "n1"};
	struct dp_network_add_req a = vlan_net("n1", 10);

	(void)state;
	call(DP_MSG_NETWORK_ADD, &a, sizeof(a), NULL);
	test_port("p1");
	test_attach("p1", "n1");
	assert_int_equal(call(DP_MSG_NETWORK_DEL, &d, sizeof(d), NULL), -EBUSY);
	assert_int_equal(dp_conf_port_detach("p1"), 0);
	assert_int_equal(call(DP_MSG_NETWORK_DEL, &d, sizeof(d), NULL), 0);
	assert_int_equal(call(DP_MSG_NETWORK_DEL, &d, sizeof(d), NULL), -ENOENT);
	d.missing_ok = 1;
	assert_int_equal(call(DP_MSG_NETWORK_DEL, &d, sizeof(d), NULL), 0);
}

static void network_list_reports_what_was_added(void **state)
{
	struct dp_network_add_req a = vlan_net("n1", 10);
	struct dp_list_req l = {0};
	struct dp_network_list_reply *r = (void *)(out + sizeof(struct dp_reply_hdr));
	uint32_t len;

	(void)state;
	call(DP_MSG_NETWORK_ADD, &a, sizeof(a), NULL);
	assert_int_equal(call(DP_MSG_NETWORK_LIST, &l, sizeof(l), &len), 0);
	assert_int_equal(r->count, 1);
	assert_string_equal(r->entries[0].name, "n1");
	assert_int_equal(r->entries[0].seg_id, 10);
	assert_int_equal(r->entries[0].type, DP_NET_VLAN);
	assert_int_equal(len, sizeof(*r) + sizeof(r->entries[0]));
}

static void static_mac_add_and_list_round_trip(void **state)
{
	struct dp_network_add_req a = vlan_net("n1", 10);
	struct dp_mac_req m = {.network = "n1", .port = "p1", .mac = {2, 0, 0, 0, 0, 9}};
	struct dp_list_req l = {0};
	struct dp_mac_list_reply *r = (void *)(out + sizeof(struct dp_reply_hdr));

	(void)state;
	call(DP_MSG_NETWORK_ADD, &a, sizeof(a), NULL);
	test_port("p1");
	assert_int_equal(call(DP_MSG_MAC_ADD, &m, sizeof(m), NULL), 0);
	assert_int_equal(call(DP_MSG_MAC_ADD, &m, sizeof(m), NULL), -EEXIST);
	assert_int_equal(call(DP_MSG_MAC_LIST, &l, sizeof(l), NULL), 0);
	assert_int_equal(r->count, 1);
	assert_string_equal(r->entries[0].port, "p1");
	assert_true(r->entries[0].is_static);
	assert_memory_equal(r->entries[0].mac, m.mac, 6);
	assert_int_equal(call(DP_MSG_MAC_DEL, &m, sizeof(m), NULL), 0);
	assert_int_equal(call(DP_MSG_MAC_DEL, &m, sizeof(m), NULL), -ENOENT);
}

/* A classic pcap file (RFC draft-ietf-opsawg-pcap) of n copies of a 60-byte frame. */
static void write_pcap(const char *path, unsigned int n)
{
	const uint32_t head[6] = {0xa1b2c3d4, 2 | 4 << 16, 0, 0, 65535, 1 /* Ethernet */};
	const uint32_t rec[4] = {0, 0, 60, 60};
	uint8_t frame[60] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(head, sizeof(head), 1, f), 1);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(fwrite(rec, sizeof(rec), 1, f), 1);
		assert_int_equal(fwrite(frame, sizeof(frame), 1, f), 1);
	}
	assert_int_equal(fclose(f), 0);
}

/* The port's entry in a PORT_STATS reply. */
static const struct dp_port_stats *port_stats(const char *name)
{
	struct dp_list_req l = {0};
	const struct dp_port_stats_reply *r = (void *)(out + sizeof(struct dp_reply_hdr));
	uint32_t len;

	assert_int_equal(call(DP_MSG_PORT_STATS, &l, sizeof(l), &len), 0);
	assert_int_equal(len, sizeof(*r) + r->count * sizeof(r->entries[0]));
	for (uint32_t i = 0; i < r->count; i++)
		if (strcmp(r->entries[i].name, name) == 0)
			return &r->entries[i];
	fail_msg("no port %s in the reply", name);
	return NULL;
}

/*
 * Frames the device could not hand over (here: no mbuf to receive into, as when
 * the pool runs dry) never reach the pipeline's counters: PORT_STATS carries the
 * device's own, next to the pipeline's.
 */
static void port_stats_carry_what_the_device_counted(void **state)
{
	char path[] = "/tmp/virga-test-ctl-XXXXXX";
	struct dp_port_add_req req = {.name = "p1"};
	struct dp_port_add_reply reply;
	static struct rte_mbuf *held[8192];
	struct rte_mbuf *pkts[4];
	const struct dp_port_stats *st;
	unsigned int n_held = 0;

	(void)state;
	close(mkstemp(path));
	write_pcap(path, 4);
	snprintf(req.devargs, sizeof(req.devargs), "net_pcap_ctl0,rx_pcap=%s", path);
	assert_int_equal(dp_conf_port_add(&req, &reply), 0);
	unlink(path); /* the started device holds it open */

	/* One frame received, then the pool is empty for the next. */
	assert_int_equal(rte_eth_rx_burst(reply.port_id, 0, pkts, 1), 1);
	rte_pktmbuf_free(pkts[0]);
	while (n_held < RTE_DIM(held) && (held[n_held] = rte_pktmbuf_alloc(dp_tables.pool)) != NULL)
		n_held++;
	assert_int_equal(rte_eth_rx_burst(reply.port_id, 0, pkts, 1), 0);
	rte_pktmbuf_free_bulk(held, n_held);

	st = port_stats("p1");
	assert_int_equal(st->port_id, reply.port_id);
	assert_int_equal(st->rx_nombuf, 1);
	assert_int_equal(st->rx_missed, 0);
	assert_int_equal(st->rx_errors, 0);
	assert_int_equal(st->tx_errors, 0);
	/* The worker never polled: the pipeline saw nothing. */
	assert_int_equal(st->rx_packets, 0);
}

static void port_stats_carry_the_pipeline_counters(void **state)
{
	uint16_t id = test_port("p1");
	const struct dp_port_stats *st;

	(void)state;
	test_worker->port[id] = (struct dp_port_counters){.rx_packets = 5, .rx_bytes = 300,
			.tx_packets = 4, .tx_bytes = 240, .rx_dropped = 1, .tx_dropped = 2};
	st = port_stats("p1");

	assert_int_equal(st->rx_packets, 5);
	assert_int_equal(st->rx_bytes, 300);
	assert_int_equal(st->tx_packets, 4);
	assert_int_equal(st->tx_bytes, 240);
	assert_int_equal(st->rx_dropped, 1);
	assert_int_equal(st->tx_dropped, 2);
}

static void generation_is_remembered_for_hello(void **state)
{
	struct dp_hello_reply *r = (void *)(out + sizeof(struct dp_reply_hdr));

	(void)state;
	assert_int_equal(call(DP_MSG_HELLO, NULL, 0, NULL), 0);
	assert_int_equal(r->generation, 3);
	assert_int_equal(r->api_version, DP_API_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(message_with_bad_magic_gets_eproto, setup),
		cmocka_unit_test_setup(truncated_header_gets_eproto, setup),
		cmocka_unit_test_setup(unknown_type_gets_eopnotsupp, setup),
		cmocka_unit_test_setup(body_of_wrong_size_is_refused_and_changes_nothing, setup),
		cmocka_unit_test_setup(unterminated_name_is_refused, setup),
		cmocka_unit_test_setup(network_add_is_idempotent_with_exist_ok, setup),
		cmocka_unit_test_setup(vlan_network_needs_a_physnet_and_a_valid_id, setup),
		cmocka_unit_test_setup(two_networks_cannot_share_a_vlan, setup),
		cmocka_unit_test_setup(network_with_ports_cannot_be_deleted, setup),
		cmocka_unit_test_setup(network_list_reports_what_was_added, setup),
		cmocka_unit_test_setup(static_mac_add_and_list_round_trip, setup),
		cmocka_unit_test_setup(port_stats_carry_what_the_device_counted, setup),
		cmocka_unit_test_setup(port_stats_carry_the_pipeline_counters, setup),
		cmocka_unit_test_setup(generation_is_remembered_for_hello, setup),
	};

	if (test_env_init("ctl") < 0)
		return 1;
	return cmocka_run_group_tests_name("ctl", tests, NULL, NULL);
}
