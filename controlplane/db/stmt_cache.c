/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Prepared statements kept across requests. Profiling token validation
 * (perf, virga-apibench --ops token) put 35-45% of the controller's time in
 * sqlite3_prepare_v2: every request parsed and planned the same dozen
 * statements again. Here a statement, once prepared, is reset and handed
 * out again for the same SQL text (as Keystone's and Neutron's SQLAlchemy
 * pools keep compiled statements, and as sqlite's own TCL binding caches
 * them).
 *
 * A statement is used by one caller at a time: one being stepped (a list
 * whose rows call back into the store with the same SQL) is marked busy,
 * and the second caller gets a statement of its own, finalized when it is
 * finished. SQL built at run time (kinds, attribute names) is cached by its
 * text like any other, bounded by the table's size. Every user of the
 * connection holds the connection's lock (db.h), so the table needs no
 * lock of its own beyond that; the cache's mutex only guards against a
 * caller outside a transaction (migrations, the revision at open).
 */
#include "sql.h"
#include "stmt_cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Request paths use a few hundred distinct texts (one per kind for the
 * object queries, objects.c); a full table just
 * stops caching (each further statement is prepared and finalized). */
#define CACHE_SLOTS 1024
#define CACHE_PROBES 16

struct cached_stmt {
	char *sql; /* NULL: a free slot */
	sqlite3_stmt *st;
	bool busy; /* handed out and not finished yet */
};

struct cp_stmt_cache {
	pthread_mutex_t lock;
	struct cached_stmt slot[CACHE_SLOTS];
};

struct cp_stmt_cache *cp_stmt_cache_new(void)
{
	struct cp_stmt_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void cp_stmt_cache_free(struct cp_stmt_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		sqlite3_finalize(c->slot[i].st);
		free(c->slot[i].sql);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* FNV-1a: the text is short and hashing it costs nothing beside a parse. */
static size_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ull;

	for (; *sql; sql++)
		h = (h ^ (uint8_t)*sql) * 1099511628211ull;
	return (size_t)(h % CACHE_SLOTS);
}

static sqlite3_stmt *prepare_fresh(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st = NULL;

	/* PERSISTENT: tells SQLite the statement lives long, so it does not
	 * take it from the lookaside memory meant for short-lived ones. */
	if (sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "virga-controller: sql prepare: %s (%s)\n", sqlite3_errmsg(h), sql);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *cp_stmt_cache_get(struct cp_stmt_cache *c, sqlite3 *h, const char *sql)
{
	size_t home = sql_hash(sql);
	struct cached_stmt *free_slot = NULL;
	sqlite3_stmt *st;

	pthread_mutex_lock(&c->lock);
	for (size_t p = 0; p < CACHE_PROBES; p++) {
		struct cached_stmt *s = &c->slot[(home + p) % CACHE_SLOTS];

		if (s->sql == NULL) {
			if (free_slot == NULL)
				free_slot = s;
			continue;
		}
		if (!s->busy && strcmp(s->sql, sql) == 0) {
			s->busy = true;
			pthread_mutex_unlock(&c->lock);
			return s->st;
		}
	}
	pthread_mutex_unlock(&c->lock);
	st = prepare_fresh(h, sql);
	if (st == NULL || free_slot == NULL)
		return st;
	pthread_mutex_lock(&c->lock);
	/* The slot may have been taken meanwhile only by a caller outside the
	 * connection's lock; then this statement simply stays uncached. */
	if (free_slot->sql == NULL && (free_slot->sql = strdup(sql)) != NULL) {
		free_slot->st = st;
		free_slot->busy = true;
	}
	pthread_mutex_unlock(&c->lock);
	return st;
}

void cp_stmt_cache_put(struct cp_stmt_cache *c, sqlite3_stmt *st)
{
	size_t home;

	if (st == NULL)
		return;
	/* A kept statement sits where its text hashes to, within the probes. */
	home = sql_hash(sqlite3_sql(st));

	pthread_mutex_lock(&c->lock);
	for (size_t p = 0; p < CACHE_PROBES; p++) {
		struct cached_stmt *s = &c->slot[(home + p) % CACHE_SLOTS];

		if (s->st == st && s->busy) {
			/* Reset ends any read the statement holds open, and
			 * clearing the bindings drops the caller's strings,
			 * which may be gone by the next use. */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->busy = false;
			pthread_mutex_unlock(&c->lock);
			return;
		}
	}
	pthread_mutex_unlock(&c->lock);
	sqlite3_finalize(st);
}
