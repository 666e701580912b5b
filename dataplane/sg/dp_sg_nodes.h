/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The security-group stages: sg_egress (frames from a port with a filter; the
 * L2 stages' edge layout, l2/dp_l2.h) and sg_ingress (frames to one; its edges
 * below). Their burst functions write one next edge per frame, for tests.
 */
#ifndef VIRGA_DP_SG_NODES_H
#define VIRGA_DP_SG_NODES_H

#include <stdint.h>

struct dp_worker;
struct rte_mbuf;

/* sg_ingress's edges. */
enum {
	DP_SG_IN_TX,   /* port_tx */
	DP_SG_IN_DROP, /* + enum dp_drop_reason */
};

/* Packet path. next[i]: a DP_L2_* edge (dp_l2.h): meta sg_next, or a drop. */
void dp_sg_egress_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next);
/* Packet path. next[i]: DP_SG_IN_TX or DP_SG_IN_DROP + reason. */
void dp_sg_ingress_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next);

/* Start-up: sg_ingress before every L2 stage, sg_egress after them but bridge_input. */
int dp_sg_ingress_node_register(void);
int dp_sg_egress_node_register(void);

#endif
