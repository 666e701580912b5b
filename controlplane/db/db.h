/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controller's state: one SQLite file in WAL mode, one connection shared
 * by all HTTP threads under a mutex (SQLite serialises writers anyway, and a
 * single connection keeps transactions simple). Every write transaction
 * bumps the global revision once; waiters on the change feed are woken on
 * commit. Control threads only.
 *
 * This header and store.h are the store's whole interface: connection,
 * transactions, revisions, JSON objects by kind, and the meaning-level
 * operations on the tables beside them (store.h). No table name, SQL text
 * or sqlite3 type crosses it (tests/check_store_sql.sh), so that a second
 * backend can sit behind the same functions.
 *
 * Backends (backend.h). A backend is a struct cp_store_backend: open,
 * close, begin, commit, rollback, the revision counter, and one table per
 * group of store.h's operations; db.c keeps the lock, the committed
 * revision and its waiters for all of them, store.c dispatches store.h.
 * SQLite (db_sqlite.c, store_*.c) is the only one today and the embedded
 * default. Not behind the table yet, and SQLite's alone: the objects
 * (objects.c, cp_obj_*: the next to move, as one more group) and the
 * change feed's own queries (feed.c, which steps statements through
 * sql.h; moving them means a store group for sg_membership and the
 * feed's reads, in feed.c's branch).
 *
 * The PostgreSQL backend, planned and not built (cp_db_open refuses a
 * postgresql:// URL until it is):
 *  - libpq, one connection per controller behind the same lock as now
 *    (PQprepare'd statements by name, as stmt_cache.c keeps SQLite's),
 *    chosen by --database postgresql://... while a path stays SQLite;
 *  - objects.body as jsonb, and every expression index of the SQLite
 *    migrations as the same expression index on body->>'attr' (segment,
 *    device_id, network:router_interface...), so that the lookups stay
 *    indexed and no query parses every row;
 *  - the same numbered migrations, each written once per dialect (a step
 *    number means the same schema in both; schema_migrations holds the
 *    step where SQLite uses PRAGMA user_version), INSERT OR REPLACE as
 *    INSERT ... ON CONFLICT DO UPDATE, ?N as $N;
 *  - write transactions BEGIN ISOLATION LEVEL SERIALIZABLE, retried from
 *    the start on 40001/40P01 (serialization failure, deadlock), which
 *    needs the service's write to be re-runnable: begin/commit gain a
 *    retry loop around the caller's function, not around COMMIT alone;
 *  - the revision from one row updated in each write transaction (it
 *    serialises writers, as SQLite's single writer does), and the commit
 *    followed by NOTIFY virga_revision, 'REV'; every controller LISTENs and
 *    moves its committed revision on, so the feed's long poll
 *    (cp_db_wait_revision) wakes for a write made on another controller;
 *  - tests: the API suite run against both, PostgreSQL as a private
 *    cluster the test starts (initdb and pg_ctl in a temporary directory,
 *    as an unprivileged user, on a Unix socket).
 */
#ifndef CP_DB_H
#define CP_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

struct cp_db;

/* Opens (creating if needed) the database at path and applies migrations.
 * The database and its -wal/-shm files are made mode 0600. */
int cp_db_open(struct cp_db **out, const char *path);
void cp_db_close(struct cp_db *db);

/* Takes the connection lock and starts a transaction (IMMEDIATE for writes).
 * Exactly one of commit/rollback must follow; both release the lock. */
int cp_db_begin(struct cp_db *db, bool write);
int cp_db_commit(struct cp_db *db);
void cp_db_rollback(struct cp_db *db);
/* Ends a write transaction by rc: rolled back when rc is an error (which
 * is returned), else committed; a failed commit drops *out (when out is
 * non-NULL), the answer built for it. */
int cp_db_end(struct cp_db *db, int rc, json_t **out);

/* Inside a write transaction: the revision this transaction writes (bumped
 * on first call, the same value afterwards). */
int64_t cp_db_tx_revision(struct cp_db *db);
/* Last committed revision. */
int64_t cp_db_revision(struct cp_db *db);
/* Inside the connection lock: whether the transaction is a write one (what
 * it reads may then be its own, uncommitted). */
bool cp_db_in_write(struct cp_db *db);
/* Blocks until the committed revision exceeds since or timeout_ms passes;
 * returns the committed revision. Does not hold the connection lock. */
int64_t cp_db_wait_revision(struct cp_db *db, int64_t since, int timeout_ms);
/* Calls fn(arg) after every commit that moved the revision, on the
 * committing thread and holding no database lock: fn must be quick and must
 * not call back into db. One hook; fn NULL removes it. Set it while no other
 * thread uses db (it is read without a lock). */
void cp_db_on_commit(struct cp_db *db, void (*fn)(void *arg), void *arg);
/* Calls fn(arg, kind) for every object written or deleted (objects.c),
 * inside the write transaction and holding the connection lock, before
 * the commit: a reader that takes the lock afterwards sees fn's effects
 * and the write together. fn must be quick and must not call back into
 * db. One hook; same rules as cp_db_on_commit. */
void cp_db_on_object_write(struct cp_db *db, void (*fn)(void *arg, const char *kind), void *arg);
/* Called by objects.c for each object write: runs that hook. */
void cp_db_note_object_write(struct cp_db *db, const char *kind);

/*
 * Generic object rows: every API resource is one row (kind, id) holding its
 * JSON document plus the columns queries need: owning project, parent (the
 * network of a subnet/port, the group of a rule), a "public" flag (shared or
 * external networks, visible to every project) and the revision that last
 * wrote it. Deletions leave a tombstone with the deleting revision.
 */
int cp_obj_put(struct cp_db *db, const char *kind, json_t *body, const char *project_id,
	const char *parent_id, bool public_);
json_t *cp_obj_get(struct cp_db *db, const char *kind, const char *id);
/* Replaces the body of an existing row (id from body) keeping its revision:
 * for what changes often and no agent follows through the change feed (a
 * heartbeat), so it wakes no long poll. Returns 0, -ENOENT or -EIO. */
int cp_obj_rewrite(struct cp_db *db, const char *kind, const json_t *body);
int cp_obj_del(struct cp_db *db, const char *kind, const char *id);
/* cp_obj_put and cp_obj_del, each in a write transaction of its own (committed,
 * or rolled back on failure): for services whose write is that one row. */
int cp_obj_put_tx(struct cp_db *db, const char *kind, json_t *body, const char *project_id,
	const char *parent_id, bool public_);
int cp_obj_del_tx(struct cp_db *db, const char *kind, const char *id);
/* All rows of kind, optionally only those of project_id (plus public rows
 * when with_public), of parent_id, or written after since_rev. */
json_t *cp_obj_list(struct cp_db *db, const char *kind, const char *project_id, bool with_public,
	const char *parent_id, int64_t since_rev);
/* Rows of kind whose attr (a top-level key of the body) is the string
 * value, in the order cp_obj_list gives. Indexed for the pairs that request
 * paths look up (objects.c); any other pair reads every row of the kind. */
json_t *cp_obj_list_by(struct cp_db *db, const char *kind, const char *attr, const char *value);
/* The router interface ports on a network (device_owner
 * network:router_interface), by their own index: a network node asks this
 * for every network, and reading each network's ports for it read every
 * port of the cloud again on a first sync. */
json_t *cp_obj_router_interfaces(struct cp_db *db, const char *network_id);
/* Router router_id's interface ports, by the device_id index. */
json_t *cp_obj_router_ports(struct cp_db *db, const char *router_id);
/* Rows of kind whose attr is not the string value, and those whose attr
 * is but that were written after since_rev, in rowid order: SQLite reads
 * attr from the text, and only the rows returned are parsed. */
json_t *cp_obj_list_but(struct cp_db *db, const char *kind, const char *attr, const char *value,
	int64_t since_rev);
/* Rows of kind owned by project_id (what a quota counts), or -EIO. */
int cp_obj_count_owned(struct cp_db *db, const char *kind, const char *project_id);
/* Tombstones of kind written after since_rev: array of {"id", "kind", "revision"}. */
json_t *cp_obj_deleted_since(struct cp_db *db, int64_t since_rev);

#include "store.h"

/* feed.c reaches the SQLite side through this header (feed.h includes
 * core/resource.h, which includes it); the store's other files include
 * sql.h themselves. Outside controlplane/db CP_STORE_INTERNAL is not
 * defined and none of it is visible. */
#ifdef CP_STORE_INTERNAL
#include "sql.h"
#endif

#endif
