/* SPDX-License-Identifier: Apache-2.0 */
#include "sql.h"
#include "stmt_cache.h"
#include "../core/cp.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct cp_db {
	sqlite3 *h;
	struct cp_stmt_cache *stmts;
	pthread_mutex_t lock;
	pthread_mutex_t rev_lock;
	pthread_cond_t rev_cond;
	int64_t committed_rev;
	int64_t tx_rev; /* 0 until the current write transaction bumps */
	bool in_write;
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	void (*on_object_write)(void *arg, const char *kind);
	void *on_object_write_arg;
};

sqlite3 *cp_db_handle(struct cp_db *db)
{
	return db->h;
}

int cp_db_exec(struct cp_db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n", msg ? msg : "?", sql);
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

sqlite3_stmt *cp_db_prepare(struct cp_db *db, const char *sql)
{
	return cp_stmt_cache_get(db->stmts, db->h, sql);
}

void cp_db_finish(struct cp_db *db, sqlite3_stmt *st)
{
	cp_stmt_cache_put(db->stmts, st);
}

int cp_db_run(struct cp_db *db, const char *sql, int n, const char *const texts[])
{
	sqlite3_stmt *st = cp_db_prepare(db, sql);
	int rc;

	if (!st)
		return -EIO;
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = sqlite3_changes(db->h);
	else if (rc == SQLITE_CONSTRAINT)
		rc = -EEXIST;
	else {
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n", sqlite3_errmsg(db->h), sql);
		rc = -EIO;
	}
	cp_db_finish(db, st);
	return rc;
}

/* One statement without rows through the cache: BEGIN and COMMIT run twice
 * a request, and sqlite3_exec would parse them each time. */
static int exec_kept(struct cp_db *db, const char *sql)
{
	sqlite3_stmt *st = cp_db_prepare(db, sql);
	int rc = st ? sqlite3_step(st) : SQLITE_ERROR;

	if (st && rc != SQLITE_DONE)
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n", sqlite3_errmsg(db->h), sql);
	cp_db_finish(db, st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int64_t read_revision(struct cp_db *db)
{
	sqlite3_stmt *st = cp_db_prepare(db, "SELECT value FROM meta WHERE key='revision'");
	int64_t rev = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	cp_db_finish(db, st);
	return rev;
}

/* Makes path mode 0600, creating it when create is set; a missing file is
 * fine otherwise. O_NOFOLLOW: never chmod what a symlink points at. */
static int make_private(const char *path, bool create)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	struct stat st;
	int rc = 0;

	if (fd < 0)
		return errno == ENOENT && !create ? 0 : -errno;
	if (fstat(fd, &st) != 0 || ((st.st_mode & 0077) && fchmod(fd, 0600) != 0))
		rc = -errno;
	close(fd);
	return rc;
}

/* SQLite creates a database 0644 (less the umask) and gives its -wal and
 * -shm files the database file's mode: the state holds password hashes and
 * tokens, so the database is made 0600 before SQLite opens it, and files an
 * older version left readable are tightened. */
static int make_db_private(const char *path)
{
	static const char *const suffixes[] = {"-wal", "-shm"};
	char aux[4096];
	int rc = make_private(path, true);

	for (size_t i = 0; rc == 0 && i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (snprintf(aux, sizeof(aux), "%s%s", path, suffixes[i]) >= (int)sizeof(aux))
			rc = -ENAMETOOLONG;
		else
			rc = make_private(aux, false);
	}
	if (rc)
		fprintf(stderr, "virga-controller: cannot make %s private: %s\n", path,
			strerror(-rc));
	return rc;
}

int cp_db_open(struct cp_db **out, const char *path)
{
	struct cp_db *db;
	int rc = make_db_private(path);

	if (rc)
		return rc;
	db = calloc(1, sizeof(*db));
	if (db && !(db->stmts = cp_stmt_cache_new())) {
		free(db);
		db = NULL;
	}
	if (!db)
		return -ENOMEM;
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "virga-controller: cannot open %s: %s\n", path,
			sqlite3_errmsg(db->h));
		sqlite3_close(db->h);
		cp_stmt_cache_free(db->stmts);
		free(db);
		return -EIO;
	}
	sqlite3_busy_timeout(db->h, 5000);
	/* WAL + synchronous=FULL: a committed transaction survives kill -9 and
	 * power loss; readers never block the writer. */
	rc = cp_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			    "PRAGMA foreign_keys=ON;");
	if (rc == 0)
		rc = cp_db_migrate(db->h);
	if (rc) {
		sqlite3_close(db->h);
		cp_stmt_cache_free(db->stmts);
		free(db);
		return rc;
	}
	pthread_mutex_init(&db->lock, NULL);
	pthread_mutex_init(&db->rev_lock, NULL);
	pthread_cond_init(&db->rev_cond, NULL);
	db->committed_rev = read_revision(db);
	*out = db;
	return 0;
}

void cp_db_close(struct cp_db *db)
{
	if (!db)
		return;
	cp_stmt_cache_free(db->stmts); /* statements first: close refuses while any lives */
	sqlite3_close(db->h);
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
	if (exec_kept(db, write ? "BEGIN IMMEDIATE" : "BEGIN") != 0) {
		pthread_mutex_unlock(&db->lock);
		return -EIO;
	}
	return 0;
}

int cp_db_commit(struct cp_db *db)
{
	int64_t rev = db->tx_rev;
	int rc = exec_kept(db, "COMMIT");

	if (rc != 0)
		exec_kept(db, "ROLLBACK");
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
	exec_kept(db, "ROLLBACK");
	db->tx_rev = 0;
	db->in_write = false;
	pthread_mutex_unlock(&db->lock);
}

int64_t cp_db_tx_revision(struct cp_db *db)
{
	if (db->tx_rev == 0) {
		if (cp_db_exec(db, "UPDATE meta SET value = value + 1 WHERE key='revision'") != 0)
			return -EIO;
		db->tx_rev = read_revision(db);
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
