/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every backend shares (backend.h): the connection lock that
 * serialises the HTTP threads' transactions, the revision a write
 * transaction takes once, the committed revision and its waiters (the
 * change feed's long poll), and the commit hook. The rest is the
 * backend's, chosen by what cp_db_open is given.
 */
#include "backend.h"
#include "../core/cp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The backend for where: a PostgreSQL URL names the backend that is not
 * built yet (db.h, "Backends"), and is refused rather than taken for a
 * file name; anything else is an SQLite file. */
static const struct cp_store_backend *backend_for(const char *where)
{
	if (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0) {
		fprintf(stderr, "virga-controller: %s: this build has no PostgreSQL backend\n",
			where);
		return NULL;
	}
	return &cp_sqlite_backend;
}

int cp_db_open(struct cp_db **out, const char *where)
{
	const struct cp_store_backend *be = backend_for(where);
	struct cp_db *db;
	int rc;

	if (!be)
		return -EPROTONOSUPPORT;
	db = calloc(1, sizeof(*db));
	if (!db)
		return -ENOMEM;
	db->be = be;
	rc = be->open(db, where);
	if (rc) {
		free(db);
		return rc;
	}
	pthread_mutex_init(&db->lock, NULL);
	pthread_mutex_init(&db->rev_lock, NULL);
	pthread_cond_init(&db->rev_cond, NULL);
	db->committed_rev = be->read_revision(db);
	*out = db;
	return 0;
}

void cp_db_close(struct cp_db *db)
{
	if (!db)
		return;
	db->be->close(db);
	pthread_mutex_destroy(&db->lock);
	pthread_mutex_destroy(&db->rev_lock);
	pthread_cond_destroy(&db->rev_cond);
	free(db);
}

int cp_db_begin(struct cp_db *db, bool write)
{
	pthread_mutex_lock(&db->lock);
	db->tx_rev = 0;
	db->in_write = write;
	if (db->be->begin(db, write) != 0) {
		pthread_mutex_unlock(&db->lock);
		return -EIO;
	}
	return 0;
}

int cp_db_commit(struct cp_db *db)
{
	int64_t rev = db->tx_rev;
	int rc = db->be->commit(db);

	db->tx_rev = 0;
	db->in_write = false;
	pthread_mutex_unlock(&db->lock);
	if (rc == 0 && rev > 0) {
		pthread_mutex_lock(&db->rev_lock);
		if (rev > db->committed_rev)
			db->committed_rev = rev;
		pthread_cond_broadcast(&db->rev_cond);
		pthread_mutex_unlock(&db->rev_lock);
		if (db->on_commit)
			db->on_commit(db->on_commit_arg);
	}
	return rc;
}

bool cp_db_in_write(struct cp_db *db)
{
	return db->in_write;
}

void cp_db_on_commit(struct cp_db *db, void (*fn)(void *arg), void *arg)
{
	db->on_commit = fn;
	db->on_commit_arg = arg;
}

void cp_db_on_object_write(struct cp_db *db, void (*fn)(void *arg, const char *kind), void *arg)
{
	db->on_object_write = fn;
	db->on_object_write_arg = arg;
}

void cp_db_note_object_write(struct cp_db *db, const char *kind)
{
	if (db->on_object_write)
		db->on_object_write(db->on_object_write_arg, kind);
}

void cp_db_rollback(struct cp_db *db)
{
	db->be->rollback(db);
	db->tx_rev = 0;
	db->in_write = false;
	pthread_mutex_unlock(&db->lock);
}

int64_t cp_db_tx_revision(struct cp_db *db)
{
	if (db->tx_rev == 0) {
		int64_t rev = db->be->bump_revision(db);

		if (rev < 0)
			return -EIO;
		db->tx_rev = rev;
	}
	return db->tx_rev;
}

int64_t cp_db_revision(struct cp_db *db)
{
	int64_t rev;

	pthread_mutex_lock(&db->rev_lock);
	rev = db->committed_rev;
	pthread_mutex_unlock(&db->rev_lock);
	return rev;
}

int64_t cp_db_wait_revision(struct cp_db *db, int64_t since, int timeout_ms)
{
	struct timespec ts;
	int64_t rev;

	cp_deadline(&ts, timeout_ms);
	pthread_mutex_lock(&db->rev_lock);
	while (db->committed_rev <= since)
		if (pthread_cond_timedwait(&db->rev_cond, &db->rev_lock, &ts) != 0)
			break;
	rev = db->committed_rev;
	pthread_mutex_unlock(&db->rev_lock);
	return rev;
}

int cp_db_end(struct cp_db *db, int rc, json_t **out)
{
	if (rc) {
		cp_db_rollback(db);
		return rc;
	}
	rc = cp_db_commit(db);
	if (rc && out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
