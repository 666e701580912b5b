/* SPDX-License-Identifier: Apache-2.0 */
/* The change feed's document as text (feed_text.c), for feed.c only. */
#ifndef CP_FEED_TEXT_H
#define CP_FEED_TEXT_H

#include <jansson.h>
#include <stdint.h>

/*
 * {"revision": rev, "ports": [...], "security_groups": [...], <rest's
 * members>} as compact JSON text (malloc'ed; NULL when out of memory):
 * ports is an array of strings, each a port's stored document, written as
 * it is; each group of groups is written with "members" from members
 * (group id -> JSON text), when it has an entry there.
 */
char *cp_feed_text(int64_t rev, const json_t *ports, const json_t *groups, const json_t *members,
	const json_t *rest);

#endif
