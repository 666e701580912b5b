/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user ports on the control thread and at port_tx, with no server on
 * their sockets (so no device): they take ids past the ethdevs', one socket
 * serves one port, exist_ok finds the same port again, and frames switched to
 * one without a device are counted port_down and freed, beside ethdev ports
 * of the same burst.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "dp_test_env.h"
#include "pkt/dp_mbuf.h"
#include "pkt_builder.h"
#include "port/dp_port_dev.h"
#include "port/dp_port_nodes.h"
#include "port/dp_vhost.h"

static char sock_dir[64];

static int setup(void **state)
{
	(void)state;
	test_env_reset();
	return 0;
}

static const char *sock_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s.sock", sock_dir, name);
	return path;
}

static int add(const char *name, const char *path, uint8_t kind, bool exist_ok,
		uint16_t *port_id)
{
	struct dp_port_add_req req = {.kind = kind, .exist_ok = exist_ok};
	struct dp_port_add_reply reply;
	int rc;

	snprintf(req.name, sizeof(req.name), "%s", name);
	snprintf(req.devargs, sizeof(req.devargs), "%s", path);
	rc = dp_conf_port_add(&req, &reply);
	if (rc == 0 && port_id != NULL)
		*port_id = reply.port_id;
	return rc;
}

static void vhost_user_ports_take_ids_past_the_ethdevs(void **state)
{
	uint16_t a = test_vhost_port("v1", sock_path("v1"));
	uint16_t b = test_vhost_port("v2", sock_path("v2"));

	(void)state;
	assert_true(a >= RTE_MAX_ETHPORTS && a < DP_MAX_PORTS);
	assert_true(b >= RTE_MAX_ETHPORTS && b < DP_MAX_PORTS);
	assert_int_not_equal(a, b);
	assert_int_equal(dp_port_confs[a].kind, DP_PORT_KIND_VHOST_USER);
	assert_false(dp_port_dev_link_up(a));
}

static void more_vhost_user_ports_than_ethdevs_fit(void **state)
{
	char name[16];

	(void)state;
	for (int i = 0; i < 2 * RTE_MAX_ETHPORTS; i++) {
		snprintf(name, sizeof(name), "vm%d", i);
		assert_int_equal(add(name, sock_path(name), DP_PORT_KIND_VHOST_USER, false, NULL), 0);
	}
	assert_true(dp_conf_port_by_name("vm63") >= 0);
}

static void one_socket_serves_one_port(void **state)
{
	uint16_t a, again;

	(void)state;
	assert_int_equal(add("v1", sock_path("v1"), DP_PORT_KIND_VHOST_USER, false, &a), 0);
	assert_int_equal(add("v2", sock_path("v1"), DP_PORT_KIND_VHOST_USER, false, NULL), -EEXIST);
	assert_int_equal(add("v1", sock_path("v1"), DP_PORT_KIND_VHOST_USER, true, &again), 0);
	assert_int_equal(again, a);
	/* The same name on another socket, or as an ethdev, is another port. */
	assert_int_equal(add("v1", sock_path("v9"), DP_PORT_KIND_VHOST_USER, true, NULL), -EEXIST);
	assert_int_equal(add("v1", sock_path("v1"), DP_PORT_KIND_ETHDEV, true, NULL), -EEXIST);
}

static void a_bad_socket_path_or_kind_is_refused(void **state)
{
	(void)state;
	assert_int_equal(add("v1", "relative.sock", DP_PORT_KIND_VHOST_USER, false, NULL), -EINVAL);
	assert_int_equal(add("v1", sock_path("v1"), 7, false, NULL), -EINVAL);
	/* Longer than a UNIX socket address holds. */
	assert_int_equal(add("v1", "/tmp/" "0123456789012345678901234567890123456789"
			"01234567890123456789012345678901234567890123456789012345678901234567.sock",
			DP_PORT_KIND_VHOST_USER, false, NULL), -ENAMETOOLONG);
	assert_int_equal(dp_conf_port_by_name("v1"), -ENOENT);
}

static void a_deleted_vhost_port_frees_its_id_and_socket(void **state)
{
	uint16_t a = test_vhost_port("v1", sock_path("v1")), b;

	(void)state;
	assert_int_equal(dp_conf_port_del("v1", false), 0);
	b = test_vhost_port("v1", sock_path("v1"));
	assert_int_equal(b, a);
}

static struct rte_mbuf *frame_for(uint16_t out)
{
	struct pkt_spec s = {.src = mac_of(0xa), .dst = mac_of(0xb), .vlan = NO_VLAN, .in_port = 0};
	struct rte_mbuf *m = pkt_ipv4_udp(test_pool, &s, "10.0.0.1", "10.0.0.2", 18);

	dp_mbuf_meta(m)->out_port = out;
	return m;
}

static void frames_for_a_vhost_port_without_a_device_are_counted_port_down(void **state)
{
	uint16_t pa = test_port("a"), v = test_vhost_port("v1", sock_path("v1"));
	unsigned int avail = rte_mempool_avail_count(test_pool);
	struct rte_mbuf *m[4] = {frame_for(v), frame_for(pa), frame_for(v), frame_for(v)};
	struct rte_mbuf *got[4];

	(void)state;
	dp_port_tx_burst(test_worker, m, 4);
	assert_int_equal(test_port_drain(pa, got, 4), 1);
	rte_pktmbuf_free(got[0]);
	assert_int_equal(test_worker->port[pa].tx_packets, 1);
	assert_int_equal(test_worker->port[v].tx_packets, 0);
	assert_int_equal(test_worker->port[v].tx_dropped, 3);
	assert_int_equal(test_worker->drops[DP_DROP_PORT_DOWN], 3);
	/* And a whole burst for it alone. */
	m[0] = frame_for(v);
	m[1] = frame_for(v);
	dp_port_tx_burst(test_worker, m, 2);
	assert_int_equal(test_worker->drops[DP_DROP_PORT_DOWN], 5);
	assert_int_equal(rte_mempool_avail_count(test_pool), avail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(vhost_user_ports_take_ids_past_the_ethdevs, setup),
		cmocka_unit_test_setup(more_vhost_user_ports_than_ethdevs_fit, setup),
		cmocka_unit_test_setup(one_socket_serves_one_port, setup),
		cmocka_unit_test_setup(a_bad_socket_path_or_kind_is_refused, setup),
		cmocka_unit_test_setup(a_deleted_vhost_port_frees_its_id_and_socket, setup),
		cmocka_unit_test_setup(frames_for_a_vhost_port_without_a_device_are_counted_port_down,
				setup),
	};
	int rc;

	snprintf(sock_dir, sizeof(sock_dir), "/tmp/vhost-unit.%d", getpid());
	if (mkdir(sock_dir, 0700) < 0 || test_env_init("vhost_port") < 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	test_env_reset();
	rmdir(sock_dir);
	return rc;
}
