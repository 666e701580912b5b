/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "core/dp_log.h"
#include "engine/dp_tables.h"
#include "dp_port_dev.h"
#include "dp_vhost.h"

static struct rte_mempool *pool;
static unsigned int n_queues;

int dp_port_dev_init(uint32_t n_mbufs, unsigned int n_workers)
{
	n_queues = n_workers;
	pool = rte_pktmbuf_pool_create("virga_mbufs", n_mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	dp_tables.pool = pool;
	return pool ? 0 : -rte_errno;
}

void dp_port_dev_fini(void)
{
	rte_mempool_free(pool);
	pool = NULL;
}

/*
 * An af_packet device has as many queue pairs as its devargs ask for; ask for
 * one per worker unless the operator said otherwise.
 */
static void adjust_devargs(const char *in, char *out, size_t sz)
{
	snprintf(out, sz, "%s", in);
	if (n_queues > 1 && strncmp(in, "net_af_packet", 13) == 0 && strstr(in, "qpairs=") == NULL)
		snprintf(out, sz, "%s,qpairs=%u", in, n_queues);
}

static int find_port(const char *devargs, uint16_t *port_id)
{
	struct rte_dev_iterator it;
	uint16_t id;

	RTE_ETH_FOREACH_MATCHING_DEV(id, devargs, &it) {
		*port_id = id;
		rte_eth_iterator_cleanup(&it);
		return 0;
	}
	return -ENODEV;
}

static int setup_queues(uint16_t port_id, uint16_t mtu)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	int rc, socket = rte_eth_dev_socket_id(port_id);

	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc < 0)
		return rc;
	if (info.max_rx_queues < n_queues || info.max_tx_queues < n_queues) {
		DP_LOG(ERR, "port %u: %u workers need %u queues, the device has %u", port_id,
				n_queues, n_queues, RTE_MIN(info.max_rx_queues, info.max_tx_queues));
		return -ENOTSUP;
	}
	conf.rxmode.mtu = mtu;
	rc = rte_eth_dev_configure(port_id, n_queues, n_queues, &conf);
	if (rc < 0)
		return rc;
	for (uint16_t q = 0; q < n_queues && rc == 0; q++) {
		rc = rte_eth_rx_queue_setup(port_id, q, DP_RX_DESC, socket, NULL, pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(port_id, q, DP_TX_DESC, socket, NULL);
	}
	return rc;
}

int dp_port_dev_open(const char *devargs_in, uint16_t mtu, uint16_t *port_id,
		struct rte_ether_addr *mac)
{
	char devargs[512];
	int rc;

	adjust_devargs(devargs_in, devargs, sizeof(devargs));
	if (find_port(devargs, port_id) < 0) {
		rc = rte_dev_probe(devargs);
		if (rc < 0) {
			DP_LOG(ERR, "cannot probe %s: %s", devargs, rte_strerror(-rc));
			return rc;
		}
		rc = find_port(devargs, port_id);
		if (rc < 0)
			return rc;
	}
	rc = setup_queues(*port_id, mtu);
	if (rc == 0)
		rc = rte_eth_dev_start(*port_id);
	if (rc == 0)
		rc = rte_eth_promiscuous_enable(*port_id);
	if (rc == 0)
		rc = rte_eth_macaddr_get(*port_id, mac);
	if (rc < 0) {
		DP_LOG(ERR, "cannot start %s: %s", devargs, rte_strerror(-rc));
		dp_port_dev_close(*port_id);
	}
	return rc;
}

int dp_port_dev_set_mtu(uint16_t port_id, uint16_t mtu)
{
	int rc = dp_port_is_vhost(port_id) ? -ENOTSUP : rte_eth_dev_set_mtu(port_id, mtu);

	/* Some virtual devices (ring, null) have no MTU of their own: the pipeline still
	 * enforces the port's MTU, so that is fine. */
	return rc == -ENOTSUP ? 0 : rc;
}

void dp_port_dev_close(uint16_t port_id)
{
	struct rte_eth_dev_info info;
	struct rte_device *dev = NULL;

	if (dp_port_is_vhost(port_id)) {
		dp_vhost_close(port_id);
		return;
	}
	if (rte_eth_dev_info_get(port_id, &info) == 0)
		dev = info.device;
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
	/* Remove the device too, so the same devargs can be probed again later. */
	if (dev != NULL)
		rte_dev_remove(dev);
}

int dp_port_dev_link_up(uint16_t port_id)
{
	struct rte_eth_link link;

	if (dp_port_is_vhost(port_id))
		return dp_vhost_connected(port_id);
	if (rte_eth_link_get_nowait(port_id, &link) < 0)
		return 0;
	return link.link_status == RTE_ETH_LINK_UP;
}

void dp_port_dev_stats(uint16_t port_id, struct rte_eth_stats *st)
{
	/* A vhost-user device counts nothing the engine does not already. */
	if (dp_port_is_vhost(port_id) || rte_eth_stats_get(port_id, st) < 0)
		memset(st, 0, sizeof(*st));
}
