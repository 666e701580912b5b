/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which writes end the validated tokens kept in memory
 * (controlplane/identity/token_cache.h) on a watched database: an object
 * of the identity service (or of a kind the cache does not know) does, at
 * once and inside its transaction; one of the other services' does not.
 * On a database not watched, any commit does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../controlplane/db/db.h"
#include "../../controlplane/identity/token_cache.h"

struct fixture {
	char dir[64], path[96];
	struct cp_db *db;
	char hash[CP_TOKEN_LEN];
	struct cp_caller caller;
};

static int open_db(void **state, bool watch)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/virga-tokcache.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/virga.db", f->dir);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);
	if (watch)
		cp_token_cache_watch(f->db);
	memset(f->hash, 'a', sizeof(f->hash) - 1);
	snprintf(f->caller.user_id, sizeof(f->caller.user_id), "u1");
	*state = f;
	return 0;
}

static int setup_watched(void **state)
{
	return open_db(state, true);
}

static int setup_unwatched(void **state)
{
	return open_db(state, false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	cp_db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Keeps f's token as validated now, with a document. */
static void keep(struct fixture *f)
{
	struct cp_token_stamp st;

	cp_token_cache_stamp(f->db, &st);
	cp_token_cache_put(f->db, &st, f->hash, &f->caller, cp_now() + 3600, "{\"token\":{}}");
}

static bool kept(struct fixture *f)
{
	struct cp_caller c;
	int64_t expires;
	char *doc = NULL;
	int rc = cp_token_cache_get(f->db, f->hash, &c, &expires, &doc);

	if (rc == 0) {
		assert_string_equal(c.user_id, "u1");
		assert_string_equal(doc, "{\"token\":{}}");
	}
	free(doc);
	return rc == 0;
}

/* Writes (and commits) one object of kind. */
static void write_one(struct fixture *f, const char *kind, const char *id)
{
	json_t *o = json_pack("{s:s}", "id", id);

	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_obj_put(f->db, kind, o, NULL, NULL, false), 0);
	assert_int_equal(cp_db_commit(f->db), 0);
	json_decref(o);
}

static void other_services_writes_keep_tokens(void **state)
{
	struct fixture *f = *state;
	static const char *const kinds[] = {"port", "network", "router", "server", "volume", "image"};

	keep(f);
	assert_true(kept(f));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		write_one(f, kinds[i], "x1");
		assert_true(kept(f));
	}
	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_obj_del(f->db, "port", "x1"), 0);
	assert_int_equal(cp_db_commit(f->db), 0);
	assert_true(kept(f));
}

static void identity_writes_end_tokens(void **state)
{
	struct fixture *f = *state;
	static const char *const kinds[] = {"user", "project", "domain", "role", "role_assignment",
		"group_membership", "implied_role", "endpoint", "service", "region",
		"a_kind_not_known_yet"};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		keep(f);
		assert_true(kept(f));
		write_one(f, kinds[i], "x1");
		assert_false(kept(f));
	}
	/* A delete too, and already before its commit. */
	keep(f);
	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_obj_del(f->db, "user", "x1"), 0);
	assert_false(kept(f));
	assert_int_equal(cp_db_commit(f->db), 0);
}

static void unwatched_db_any_commit_ends_tokens(void **state)
{
	struct fixture *f = *state;

	keep(f);
	assert_true(kept(f));
	write_one(f, "port", "x1");
	assert_false(kept(f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unwatched_db_any_commit_ends_tokens,
			setup_unwatched, teardown),
		cmocka_unit_test_setup_teardown(other_services_writes_keep_tokens, setup_watched,
			teardown),
		cmocka_unit_test_setup_teardown(identity_writes_end_tokens, setup_watched,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
