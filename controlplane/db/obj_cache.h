/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsed object bodies, kept by their text (issue 12): reading an object
 * that has not changed since it was last read costs a copy of its parsed
 * form instead of a parse. jansson's parse was half of a list's time (a
 * list of 200 networks: 26 M of 55 M instructions a request), and a deep
 * copy of the parsed form costs a quarter of a parse.
 *
 * Contract. Keyed by the body's whole text, so an entry is right for any
 * row, any database and any transaction whose body is that text: nothing
 * to invalidate on writes, rollbacks or rewrites. Direct-mapped by the
 * text's hash: a new text replaces the one in its slot. Bodies over
 * CP_OBJ_CACHE_MAX_TEXT bytes are parsed and not kept. Any thread; one
 * mutex held for a lookup and its copy.
 */
#ifndef CP_OBJ_CACHE_H
#define CP_OBJ_CACHE_H

#include <stddef.h>
#include <jansson.h>

#define CP_OBJ_CACHE_MAX_TEXT 8192

/* A new object parsed from text (len bytes, no NUL needed), or NULL when
 * it is not JSON. The caller owns and may change it. */
json_t *cp_obj_cache_load(const char *text, size_t len);

#endif
