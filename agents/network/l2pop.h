/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The overlay across nodes: the node's VTEP, and for each VXLAN network
 * the VTEP peers and static remote MACs the feed's l2population says
 * (the feed caches them: common/feed.c). Control thread only.
 */
#ifndef AG_NETWORK_L2POP_H
#define AG_NETWORK_L2POP_H

#include <stdbool.h>
#include <stdint.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/dp.h"

/*
 * The node's VTEP, which the agent sets on each dataplane boot: the
 * underlay port (a dataplane port, or a kernel interface it opens with
 * af_packet) and the local address and prefix length. Without it the VTEP
 * is left to whoever set it. 0 or -EINVAL.
 */
int ag_l2pop_configure(const char *underlay, const char *tunnel_ip, uint8_t prefixlen);
/* After the networks (net_ok[i] for d->nets[i]) and before the ports: the
 * VTEP, then for each VXLAN network its VTEP peers and static remote MACs
 * as f->l2pop says, sending only the differences. */
void ag_l2pop_reconcile(struct ag_dp *dp, const struct ag_feed *f, const struct ag_desired *d,
                const bool *net_ok, struct ag_reconcile_stats *st);

#endif /* AG_NETWORK_L2POP_H */
