/* SPDX-License-Identifier: Apache-2.0 */
/* Neutron's l2population in the change feed (feed_l2pop.c), for feed.c
 * only. Control threads only. */
#ifndef CP_FEED_L2POP_H
#define CP_FEED_L2POP_H

#include "../core/resource.h"
#include "feed_ports.h"

/*
 * The feed's "l2pop" for node since a revision (inside the feed's read
 * transaction), from the ports the poll read (cp_feed_ports_read) and the
 * node's bindings: {network_id: {"network_id", "vni",
 * "remote": [{"node", "tunnel_ip", "ports": [{"port_id", "mac_address",
 * "ip_addresses": [...]}]}]}} for the VXLAN networks with a port bound to
 * node whose entry changed after since (all of them for since 0), and for
 * the VXLAN networks of routed ({network id: forced}, cp_feed_dvr_networks)
 * likewise, forced ones whatever changed. A new reference.
 */
json_t *cp_feed_l2pop(struct cp_ctx *ctx, const json_t *ports,
	const struct cp_feed_bindings *bind, const char *node, int64_t since, const json_t *routed);

/* The ids in the first column of sql's rows (one parameter: since), as a
 * set (feed.c). */
json_t *cp_feed_ids_since(struct cp_ctx *ctx, const char *sql, int64_t since);
/* The networks written after since, as a set (feed.c). */
json_t *cp_feed_networks_since(struct cp_ctx *ctx, int64_t since);

#endif
