/* SPDX-License-Identifier: Apache-2.0 */
/* The graph nodes at the edges of the pipeline: receive and send. */
#ifndef VIRGA_DP_PORT_NODES_H
#define VIRGA_DP_PORT_NODES_H

#include <stdint.h>

struct dp_worker;
struct rte_mbuf;

/* Frames asked of a device per rx burst: PMDs are tuned for 32. */
#define DP_RX_BURST 32

/* Packet path: port_tx's work: sends each frame to dp_mbuf_meta(m)->out_port, and
 * counts it as sent or dropped (tx_queue_full, port_gone). The frames are the
 * driver's or freed when it returns: nothing is kept for later. */
void dp_port_tx_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n);

/* Start-up: register port_rx (the source node) and port_tx. */
int dp_port_rx_node_register(void);
int dp_port_tx_node_register(void);

#endif
