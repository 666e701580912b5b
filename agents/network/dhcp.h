/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP answered by the engine: a port's answer from its subnets, and the
 * engine's DHCP entries brought to them. Control thread only.
 */
#ifndef AG_NETWORK_DHCP_H
#define AG_NETWORK_DHCP_H

#include <stdbool.h>

#include <jansson.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/dp.h"

/* The port's DHCP answer into out (whose dp_name, security.mac and mtu are
 * built), from its fixed IPs' subnets in the feed. */
void ag_dhcp_build(const struct ag_feed *f, const json_t *port, struct ag_port *out);
/* Brings the engine's DHCP entries of the agent's ports to d, against
 * DHCP_LIST: sets what differs on the ports that are in place (port_ok[i]
 * for d->ports[i]), deletes what d no longer wants. Never flushes. */
void ag_dhcp_reconcile(struct ag_dp *dp, const struct ag_desired *d, const bool *port_ok,
                struct ag_reconcile_stats *st);

#endif /* AG_NETWORK_DHCP_H */
