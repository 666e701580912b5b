/* SPDX-License-Identifier: Apache-2.0 */
/* The graph nodes at the edges of the pipeline: receive and send. */
#ifndef VIRGA_DP_PORT_NODES_H
#define VIRGA_DP_PORT_NODES_H

/* Frames asked of a device per rx burst: PMDs are tuned for 32. */
#define DP_RX_BURST 32

/* Start-up: register port_rx (the source node) and port_tx. */
int dp_port_rx_node_register(void);
int dp_port_tx_node_register(void);

#endif
