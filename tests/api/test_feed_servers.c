/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The feed's servers (controlplane/db/feed_servers.c): a server's volumes
 * reach its node with their connection_info, whether stored with it or, in
 * rows stored before the volume drivers, as the file's path and format.
 * A real SQLite file in a temporary directory of the test's own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <cmocka.h>

#include "../../controlplane/compute/server.h"
#include "../../controlplane/db/feed_servers.h"

#define SRV "5e1f0000-0000-4000-8000-000000000001"
#define VOL "70e10000-0000-4000-8000-0000000000aa"

struct fixture {
	char dir[64], path[96];
	struct cp_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/virga-feedsrv.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/virga.db", f->dir);
	*state = f;
	return cp_db_open(&f->db, f->path);
}

/* The database and its WAL files, then the directory: nothing else is made there. */
static int teardown(void **state)
{
	struct fixture *f = *state;
	char file[128];
	int rc = 0;

	cp_db_close(f->db);
	for (const char *const *x = (const char *const[]){"", "-wal", "-shm", NULL}; *x; x++) {
		snprintf(file, sizeof(file), "%s%s", f->path, *x);
		if (unlink(file) != 0 && errno != ENOENT)
			rc = -1;
	}
	if (rmdir(f->dir) != 0)
		rc = -1;
	free(f);
	return rc;
}

/* Stores a server on node n1 with the one volume entry e (taken), and
 * returns that entry as n1's feed sends it (a new reference). */
static json_t *fed(struct fixture *f, json_t *e)
{
	json_t *s = json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:[o]}", "id", SRV, "name", "vm",
		"OS-EXT-SRV-ATTR:host", "n1", "virga:flavor", "vcpus", 1, "ram", 64, "disk", 1,
		"virga:volumes", e), *feed, *out;

	assert_int_equal(cp_db_begin(f->db, true), 0);
	assert_int_equal(cp_obj_put(f->db, CP_SERVER_KIND, s, "p1", NULL, false), 0);
	assert_int_equal(cp_db_commit(f->db), 0);
	json_decref(s);
	assert_int_equal(cp_db_begin(f->db, false), 0);
	feed = cp_feed_servers(f->db, "n1", 0);
	cp_db_commit(f->db);
	assert_int_equal(json_array_size(feed), 1);
	out = json_incref(json_array_get(json_object_get(json_array_get(feed, 0), "volumes"), 0));
	json_decref(feed);
	assert_non_null(out);
	return out;
}

static void a_volume_reaches_the_node_with_its_stored_connection_info(void **state)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:s, s:s}}, s:i, s:s}", "volume_id", VOL,
		"attachment_id", VOL, "device", "/dev/vdb", "connection_info", "driver_volume_type",
		"file", "data", "path", "/v/" VOL ".raw", "format", "raw", "size", 2, "action",
		"attach");
	json_t *want = json_deep_copy(e), *got = fed(*state, e);

	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
}

static void a_row_from_before_the_drivers_gets_the_file_connection_info(void **state)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "volume_id", VOL, "attachment_id",
		VOL, "device", "/dev/vdb", "path", "/v/" VOL ".raw", "format", "raw", "action",
		"attach");
	json_t *got = fed(*state, e), *want;

	want = json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:s, s:s}}, s:s}", "volume_id", VOL,
		"attachment_id", VOL, "device", "/dev/vdb", "connection_info", "driver_volume_type",
		"file", "data", "path", "/v/" VOL ".raw", "format", "raw", "action", "attach");
	if (!json_equal(got, want)) {
		char *text = json_dumps(got, JSON_SORT_KEYS);

		fail_msg("the feed's entry: %s", text);
	}
	json_decref(got);
	json_decref(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_volume_reaches_the_node_with_its_stored_connection_info, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_row_from_before_the_drivers_gets_the_file_connection_info, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
