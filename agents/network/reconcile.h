/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One pass of the network half: the dataplane and the kernel brought to
 * the desired state without flushing what already forwards, and each
 * port's status reported. What main calls; it calls everything else in
 * network/. Control thread only.
 */
#ifndef AG_NETWORK_RECONCILE_H
#define AG_NETWORK_RECONCILE_H

#include "common/feed.h"
#include "network/desired.h"
#include "network/dp.h"
#include "network/netlink.h"

/*
 * Brings the dataplane to d: adds what is missing, updates what differs,
 * and removes only what the agent owns ("tap" ports, networks named by a
 * UUID) and d no longer has. Never flushes. Reports each port's status
 * through f. Returns 0 or a negative errno when the dataplane is
 * unreachable (nothing is then reported).
 */
int ag_reconcile(struct ag_dp *dp, struct ag_nl *nl, struct ag_feed *f, const struct ag_desired *d,
                struct ag_reconcile_stats *st);

#endif /* AG_NETWORK_RECONCILE_H */
