/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_FLOOD_H
#define VIRGA_DP_FLOOD_H

#include <rte_mbuf.h>

#include "core/dp_worker.h"

/* Packet path: queues copies of m on every other port of its network (meta net_id)
 * and releases m. The caller flushes the worker's tx buffers. */
void dp_flood_one(struct dp_worker *w, struct rte_mbuf *m);

/* Start-up: registers the l2_flood node. */
int dp_flood_node_register(void);

#endif
