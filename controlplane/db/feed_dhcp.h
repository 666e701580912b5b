/* SPDX-License-Identifier: Apache-2.0 */
/* The DHCP server addresses the feed puts on subnets (feed_dhcp.c), for
 * feed.c only. Control threads only. */
#ifndef CP_FEED_DHCP_H
#define CP_FEED_DHCP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* From the ports a poll reads (every one changed after since among them):
 * the networks whose DHCP port changed after since. A new reference for
 * the two below. */
json_t *cp_feed_dhcp_begin(const json_t *ports, int64_t since);
/* Whether the subnets of network net_id must be sent again: their DHCP
 * port changed, which the subnets' own revisions do not show. */
bool cp_feed_dhcp_touched(const json_t *dhcp, const char *net_id);
/* Sets "dhcp_server_ip" (null: none) on each subnet, its network's DHCP
 * port read by index; releases dhcp. */
void cp_feed_dhcp_end(struct cp_db *db, json_t *dhcp, json_t *subnets);

#endif
