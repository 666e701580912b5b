/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controller's view of the node: a cache of the change feed's
 * objects, which both halves program from (networks, ports, routers for
 * network/, servers for compute/), and the status reports that go back.
 * Control thread only.
 */
#ifndef AG_COMMON_FEED_H
#define AG_COMMON_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct ag_feed {
	const char *controller; /* base URL */
	const char *token;      /* the service token */
	const char *node;
	int64_t rev; /* the revision the cache reflects; 0 = nothing fetched yet */
	/* Objects by id, as the feed sent them. */
	json_t *ports, *networks, *subnets, *security_groups, *routers, *floatingips;
	json_t *l2pop; /* network id -> the feed's l2pop entry (network/l2pop.c) */
	json_t *servers; /* the node's servers (compute/compute.c) */
};

void ag_feed_init(struct ag_feed *f, const char *controller, const char *token, const char *node);
void ag_feed_free(struct ag_feed *f);
/*
 * Fetches what changed since f->rev (everything the first time), waiting up
 * to timeout_s for a change, and merges it into the cache. Returns 1 when
 * something changed, 0 when nothing did, or a negative errno (the cache is
 * then unchanged).
 */
int ag_feed_poll(struct ag_feed *f, int timeout_s);
/*
 * Tells the controller what the dataplane does with ports or floating IPs
 * (kind "ports" or "floatingips"): statuses is {id: "ACTIVE"|"DOWN"}, as
 * programmed from revision f->rev, all in one request (a pass's reports:
 * a node restarting with hundreds of ports waited on a request and a
 * commit each). The cached objects of those taken get their new status, so
 * they are not reported again; one the controller refuses as stale (it
 * changed since) or elsewhere is left, and the feed brings the newer object
 * next. 0 (nothing sent when statuses is empty), or a negative errno with
 * none taken, logged (the next pass reports them again).
 */
int ag_feed_report_statuses(struct ag_feed *f, const char *kind, const json_t *statuses);
/* Into statuses, what to report of id: ACTIVE when the dataplane forwards
 * for it and the controller does not show it ACTIVE, DOWN the other way
 * round, nothing when they agree. */
void ag_feed_note_status(json_t *statuses, const char *id, bool forwarding, bool shown_active);
/* Merges a feed document's "l2pop" into f->l2pop (after its ports and
 * routers, as ag_feed_poll does), and drops the entries of networks the
 * node has neither a port on any more nor a router into (one it hosts, or
 * one with an interface on a network of its ports). Returns whether that
 * changed anything. */
bool ag_feed_merge_l2pop(struct ag_feed *f, const json_t *doc);

#endif /* AG_COMMON_FEED_H */
