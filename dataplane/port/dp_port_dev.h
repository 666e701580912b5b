/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DPDK devices behind Virga ports: probe from devargs, configure one rx and
 * one tx queue per worker, start; and the reverse. Control thread only.
 * Port ids of vhost-user ports (port/dp_vhost.h) are taken too, by all but
 * dp_port_dev_open: they have no MTU of their own and no device counters.
 */
#ifndef VIRGA_DP_PORT_DEV_H
#define VIRGA_DP_PORT_DEV_H

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

/* Frames per device ring, and the mbuf pool every port shares. */
#define DP_RX_DESC 1024
#define DP_TX_DESC 1024

int dp_port_dev_init(uint32_t n_mbufs, unsigned int n_workers);
void dp_port_dev_fini(void);

/* Probes (or finds) the device, configures and starts it. */
int dp_port_dev_open(const char *devargs, uint16_t mtu, uint16_t *port_id,
		struct rte_ether_addr *mac);
int dp_port_dev_set_mtu(uint16_t port_id, uint16_t mtu);
/* Stops, closes and removes the device. The caller made sure no worker uses it. */
void dp_port_dev_close(uint16_t port_id);
int dp_port_dev_link_up(uint16_t port_id);
/* The device's own counters (rte_eth_stats), all zero when it cannot say. */
void dp_port_dev_stats(uint16_t port_id, struct rte_eth_stats *st);

#endif
