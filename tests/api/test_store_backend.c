/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store behind its backend table (controlplane/db/backend.h): the
 * shared front (db.c) gives each write transaction one revision and only a
 * committed one wakes a waiter, whatever the backend; the meaning-level
 * operations (store.h) reach the backend's groups; and a PostgreSQL URL,
 * whose backend is not built, is refused, not taken for a file name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../controlplane/db/db.h"

struct fixture {
	char dir[64], path[96];
	struct cp_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/virga-store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/virga.db", f->dir);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);
	*state = f;
	return 0;
}

/* The database and what SQLite keeps beside it, then the directory: a
 * file left over would make rmdir fail, and the test with it. */
static int teardown(void **state)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	struct fixture *f = *state;
	char path[128];

	cp_db_close(f->db);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(f->dir), 0);
	free(f);
	return 0;
}

static void write_transaction_takes_one_revision(void **state)
{
	struct fixture *f = *state;
	int64_t before = cp_db_revision(f->db), rev;

	assert_int_equal(cp_db_begin(f->db, true), 0);
	rev = cp_db_tx_revision(f->db);
	assert_int_equal(rev, before + 1);
	assert_int_equal(cp_db_tx_revision(f->db), rev);
	assert_int_equal(cp_db_revision(f->db), before); /* not committed yet */
	assert_int_equal(cp_db_commit(f->db), 0);
	assert_int_equal(cp_db_revision(f->db), rev);
	assert_int_equal(cp_db_wait_revision(f->db, before, 0), rev);
}

static void rolled_back_revision_is_not_committed(void **state)
{
	struct fixture *f = *state;
	int64_t before = cp_db_revision(f->db);

	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_true(cp_db_tx_revision(f->db) > before);
	cp_db_rollback(f->db);
	assert_int_equal(cp_db_revision(f->db), before);
	assert_int_equal(cp_db_wait_revision(f->db, before, 10), before);
	/* and the next write takes the same number again */
	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_db_tx_revision(f->db), before + 1);
	assert_int_equal(cp_db_commit(f->db), 0);
}

static void committed_state_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct cp_stored_token t = {.user_id = "u1", .issued_at = 10, .expires_at = 20,
		.audit_id = "a1", .methods = "token,password"};
	char hash[64];
	int64_t limit = 0;

	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_store_token_put(f->db, "h1", &t), 0);
	assert_int_equal(cp_store_quota_put(f->db, "p1", "port", 7), 0);
	assert_int_equal(cp_store_password_put(f->db, "u1", "$argon2id$x"), 0);
	assert_int_equal(cp_store_alloc_add(f->db, "s1", "10.0.0.5", "port1"), 0);
	assert_int_equal(cp_store_alloc_add(f->db, "s1", "10.0.0.5", "port2"), -EADDRINUSE);
	cp_db_tx_revision(f->db);
	assert_int_equal(cp_db_commit(f->db), 0);
	cp_db_close(f->db);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);

	assert_int_equal(cp_db_begin(f->db, false), 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(cp_store_token_get(f->db, "h1", &t), 0);
	assert_string_equal(t.user_id, "u1");
	assert_string_equal(t.project_id, ""); /* unscoped */
	assert_string_equal(t.methods, "token,password");
	assert_int_equal(t.expires_at, 20);
	assert_false(t.revoked);
	assert_int_equal(cp_store_token_get(f->db, "h2", &t), -ENOENT);
	assert_int_equal(cp_store_quota_get(f->db, "p1", "port", &limit), 0);
	assert_int_equal(limit, 7);
	assert_int_equal(cp_store_quota_get(f->db, "p1", "network", &limit), -ENOENT);
	assert_int_equal(cp_store_password_get(f->db, "u1", hash, sizeof(hash)), 0);
	assert_string_equal(hash, "$argon2id$x");
	assert_int_equal(cp_store_allocs_count(f->db, "s1"), 1);
	assert_int_equal(cp_db_commit(f->db), 0);
}

static void revoking_is_the_owners_unless_any_user(void **state)
{
	struct fixture *f = *state;
	struct cp_stored_token t = {.user_id = "u1", .project_id = "p1", .issued_at = 1,
		.expires_at = 2, .audit_id = "a", .methods = "password"};

	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_store_token_put(f->db, "h1", &t), 0);
	assert_int_equal(cp_store_token_revoke(f->db, "h1", "u2", false), -ENOENT);
	assert_int_equal(cp_store_token_revoke(f->db, "h1", "u2", true), 0);
	assert_int_equal(cp_store_token_revoke(f->db, "h1", "u1", false), -ENOENT); /* already */
	assert_int_equal(cp_store_token_get(f->db, "h1", &t), 0);
	assert_true(t.revoked);
	assert_string_equal(t.project_id, "p1");
	assert_int_equal(cp_db_commit(f->db), 0);
}

static void postgresql_url_is_refused_until_built(void **state)
{
	struct cp_db *db = NULL;

	(void)state;
	assert_int_equal(cp_db_open(&db, "postgresql:///virga?host=/tmp"), -EPROTONOSUPPORT);
	assert_null(db);
	assert_int_equal(access("postgresql:", F_OK), -1); /* no file made of it */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(write_transaction_takes_one_revision, setup,
			teardown),
		cmocka_unit_test_setup_teardown(rolled_back_revision_is_not_committed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(committed_state_survives_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(revoking_is_the_owners_unless_any_user, setup,
			teardown),
		cmocka_unit_test(postgresql_url_is_refused_until_built),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
