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

/* The networks that share a router with network nid (nid not among them),
 * as a set. A new reference. */
json_t *cp_feed_dvr_around(struct cp_ctx *ctx, const char *nid);

/* Adds to touched (a set of network ids) every network that shares a router
 * with one of them, or is on a router changed after since (an interface
 * removed): a port that comes to a router's network, or goes, makes or
 * unmakes its node one of every other network's of the router. */
void cp_feed_dvr_touch(struct cp_ctx *ctx, json_t *touched, int64_t since);

#endif
