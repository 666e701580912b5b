/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's connection: one file in WAL mode, one connection
 * (db.c serialises its users), statements kept by their text
 * (stmt_cache.c), and the SQLite side of the store (sql.h) that its groups
 * (store_*.c, objects.c, feed.c) step statements through.
 */
#include "backend.h"
#include "sql.h"
#include "stmt_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cp_sqlite {
	sqlite3 *h;
	struct cp_stmt_cache *stmts;
};

static struct cp_sqlite *conn_of(struct cp_db *db)
{
	return db->conn;
}

sqlite3 *cp_db_handle(struct cp_db *db)
{
	return conn_of(db)->h;
}

int cp_db_exec(struct cp_db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(cp_db_handle(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n", msg ? msg : "?", sql);
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

sqlite3_stmt *cp_db_prepare(struct cp_db *db, const char *sql)
{
	return cp_stmt_cache_get(conn_of(db)->stmts, cp_db_handle(db), sql);
}

void cp_db_finish(struct cp_db *db, sqlite3_stmt *st)
{
	cp_stmt_cache_put(conn_of(db)->stmts, st);
}

sqlite3_stmt *cp_db_prepare_bound(struct cp_db *db, const char *sql, int n,
	const char *const texts[])
{
	sqlite3_stmt *st = cp_db_prepare(db, sql);

	for (int i = 0; st && i < n; i++)
		sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
	return st;
}

int cp_db_step_done(struct cp_db *db, sqlite3_stmt *st)
{
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -EIO;
	if (rc)
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n",
			sqlite3_errmsg(cp_db_handle(db)), sqlite3_sql(st));
	cp_db_finish(db, st);
	return rc;
}

int cp_db_run(struct cp_db *db, const char *sql, int n, const char *const texts[])
{
	sqlite3_stmt *st = cp_db_prepare_bound(db, sql, n, texts);
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		rc = sqlite3_changes(cp_db_handle(db));
	else if (rc == SQLITE_CONSTRAINT)
		rc = -EEXIST;
	else {
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n",
			sqlite3_errmsg(cp_db_handle(db)), sql);
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
		fprintf(stderr, "virga-controller: sql error: %s (%s)\n",
			sqlite3_errmsg(cp_db_handle(db)), sql);
	cp_db_finish(db, st);
	return rc == SQLITE_DONE ? 0 : -EIO;
}

static int64_t sqlite_read_revision(struct cp_db *db)
{
	sqlite3_stmt *st = cp_db_prepare(db, "SELECT value FROM meta WHERE key='revision'");
	int64_t rev = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	cp_db_finish(db, st);
	return rev;
}

static int64_t sqlite_bump_revision(struct cp_db *db)
{
	if (cp_db_exec(db, "UPDATE meta SET value = value + 1 WHERE key='revision'") != 0)
		return -EIO;
	return sqlite_read_revision(db);
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

static void sqlite_close(struct cp_db *db)
{
	struct cp_sqlite *c = conn_of(db);

	if (!c)
		return;
	cp_stmt_cache_free(c->stmts); /* statements first: close refuses while any lives */
	sqlite3_close(c->h);
	free(c);
	db->conn = NULL;
}

static int sqlite_open(struct cp_db *db, const char *path)
{
	struct cp_sqlite *c;
	int rc = make_db_private(path);

	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (c && !(c->stmts = cp_stmt_cache_new())) {
		free(c);
		c = NULL;
	}
	if (!c)
		return -ENOMEM;
	db->conn = c;
	if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "virga-controller: cannot open %s: %s\n", path,
			sqlite3_errmsg(c->h));
		sqlite_close(db);
		return -EIO;
	}
	sqlite3_busy_timeout(c->h, 5000);
	/* WAL + synchronous=FULL: a committed transaction survives kill -9 and
	 * power loss; readers never block the writer. */
	rc = cp_db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			    "PRAGMA foreign_keys=ON;");
	if (rc == 0)
		rc = cp_db_migrate(c->h);
	if (rc)
		sqlite_close(db);
	return rc;
}

static int sqlite_begin(struct cp_db *db, bool write)
{
	return exec_kept(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sqlite_commit(struct cp_db *db)
{
	int rc = exec_kept(db, "COMMIT");

	if (rc != 0)
		exec_kept(db, "ROLLBACK");
	return rc;
}

static void sqlite_rollback(struct cp_db *db)
{
	exec_kept(db, "ROLLBACK");
}

const struct cp_store_backend cp_sqlite_backend = {
	.name = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.bump_revision = sqlite_bump_revision,
	.read_revision = sqlite_read_revision,
	.ipam = &cp_sqlite_ipam,
	.tokens = &cp_sqlite_tokens,
	.passwords = &cp_sqlite_passwords,
	.quotas = &cp_sqlite_quotas,
	.segments = &cp_sqlite_segments,
	.assignments = &cp_sqlite_assignments,
};
