/* SPDX-License-Identifier: Apache-2.0 */
/* The change feed's "servers" of a node (feed_servers.c). */
#ifndef CP_FEED_SERVERS_H
#define CP_FEED_SERVERS_H

#include "db.h"
#include "../core/resource.h"

/* The node's servers that changed after since, as its agent runs them (a new reference). */
json_t *cp_feed_servers(struct cp_db *db, const char *node, int64_t since);

#endif
