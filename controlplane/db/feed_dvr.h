/* SPDX-License-Identifier: Apache-2.0 */
/* The networks a node routes to as a distributed router (feed_dvr.c), for
 * feed.c only. Control threads only. */
#ifndef CP_FEED_DVR_H
#define CP_FEED_DVR_H

#include "../core/resource.h"

/*
 * Inside the feed's read transaction: the networks of every router with an
 * interface on one of local's networks (network id -> true when a port of
 * the node on it changed after since), but those of local themselves, as
 * {network id: forced}. forced says the network, its subnets and its
 * l2pop entry go whole (since 0, a port of the node on one of the
 * router's networks changed, or the router is in touched: router id ->
 * true when an interface or its subnet changed); otherwise each goes when
 * it changed itself. A new reference.
 */
json_t *cp_feed_dvr_networks(struct cp_ctx *ctx, const json_t *local, const json_t *touched,
	int64_t since);

#endif
