/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The connection's prepared statements, kept by their SQL text and reused
 * (stmt_cache.c). Used by db.c behind cp_db_prepare / cp_db_finish.
 */
#ifndef CP_STMT_CACHE_H
#define CP_STMT_CACHE_H

#include <sqlite3.h>

struct cp_stmt_cache;

struct cp_stmt_cache *cp_stmt_cache_new(void);
/* Finalizes every kept statement: before the connection closes. */
void cp_stmt_cache_free(struct cp_stmt_cache *c);
/* A statement for sql on h, ready to bind and step: a kept one not in use,
 * else a new one (kept when there is room). NULL on error (logged). */
sqlite3_stmt *cp_stmt_cache_get(struct cp_stmt_cache *c, sqlite3 *h, const char *sql);
/* Done with st: a kept statement is reset for its next user, any other is
 * finalized. NULL is ignored. */
void cp_stmt_cache_put(struct cp_stmt_cache *c, sqlite3_stmt *st);

#endif
