/* SPDX-License-Identifier: Apache-2.0 */
/* The security groups of the change feed (feed_sgs.c), for feed.c only.
 * Inside the feed's read transaction; control threads only. */
#ifndef CP_FEED_SGS_H
#define CP_FEED_SGS_H

#include "../core/resource.h"

struct cp_feed_sgs {
	json_t *local; /* group id -> true when a bound port using it changed */
	json_t *lists; /* for feed_ports.c: the ports' distinct group lists */
};

void cp_feed_sgs_init(struct cp_feed_sgs *fs);
/* A bound port's groups are the node's; changed: the port changed after since. */
void cp_feed_sgs_note_port(struct cp_feed_sgs *fs, const json_t *port, bool changed);
/* A group of the node's unchanged ports. */
void cp_feed_sgs_note_local(struct cp_feed_sgs *fs, const char *gid);
/* The groups to send (feed.h says which), each with its rules, and in
 * *members (group id -> JSON text of its "members") the member lists of
 * the remote groups among them. Frees fs. New references. */
json_t *cp_feed_sgs_end(struct cp_ctx *ctx, struct cp_feed_sgs *fs, int64_t since,
	json_t **members);

#endif
