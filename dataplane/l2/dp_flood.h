/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_FLOOD_H
#define VIRGA_DP_FLOOD_H

#include <rte_mbuf.h>

#include "core/dp_worker.h"
#include "pkt/dp_mbuf.h"

/* Packet path: queues copies of m on every other port of its network (meta net_id)
 * and releases m. The caller flushes the worker's tx buffers. */
void dp_flood_one(struct dp_worker *w, struct rte_mbuf *m);

/* Packet path: dp_flood_one for a frame a router made (an ARP request from one of
 * its interfaces) into network net_id: to its ports, and to its remote VTEPs. */
static inline void dp_flood_from_router(struct dp_worker *w, struct rte_mbuf *m, uint16_t net_id)
{
	dp_mbuf_meta(m)->net_id = net_id;
	m->port = DP_SRC_ROUTER;
	dp_flood_one(w, m);
}

/* Start-up: registers the l2_flood node. */
int dp_flood_node_register(void);

#endif
