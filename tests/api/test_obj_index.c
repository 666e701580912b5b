/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The object store's lookups on request paths read only what they return
 * (controlplane/db/objects.c, migrations 6 to 8): measured by the SQLite VM steps
 * of each statement, which grow with the rows a statement visits. A lookup
 * that falls back to reading the whole kind takes thousands here.
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

#include "../../controlplane/db/sql.h"

#define N_ROWS 2000
#define N_KEYS 200 /* so each key has N_ROWS / N_KEYS rows */
#define FEW_STEPS 600 /* well above 10 rows by an index, far below 2000 read */

static int vm_steps; /* the most of any statement since reset */

static int on_trace(unsigned type, void *ctx, void *p, void *x)
{
	int n = sqlite3_stmt_status(p, SQLITE_STMTSTATUS_VM_STEP, 0);

	(void)type;
	(void)ctx;
	(void)x;
	if (n > vm_steps)
		vm_steps = n;
	return 0;
}

struct fixture {
	char dir[64], path[96];
	struct cp_db *db;
};

static void put(struct cp_db *db, const char *kind, json_t *o, const char *project,
	const char *parent, bool public_)
{
	assert_int_equal(cp_obj_put(db, kind, o, project, parent, public_), 0);
	json_decref(o);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char id[64], key[64], mac[32];

	snprintf(f->dir, sizeof(f->dir), "/tmp/virga-objidx.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/virga.db", f->dir);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);
	assert_int_equal(cp_db_begin(f->db, true), 0);
	for (int i = 0; i < N_ROWS; i++) {
		snprintf(key, sizeof(key), "k%d", i % N_KEYS);
		snprintf(id, sizeof(id), "ra%d", i);
		put(f->db, "role_assignment",
			json_pack("{s:s, s:s, s:s, s:s}", "id", id, "target_id", key, "actor_id",
				key, "role_id", key),
			NULL, NULL, false);
		snprintf(id, sizeof(id), "gm%d", i);
		put(f->db, "group_membership",
			json_pack("{s:s, s:s, s:s}", "id", id, "user_id", key, "group_id", key), NULL,
			NULL, false);
		snprintf(id, sizeof(id), "port%d", i);
		/* Even ports' MACs uppercase, as a port stored before MACs were
		 * kept lowercase (migration 8 mends them); one port in 100 a
		 * router interface. */
		snprintf(mac, sizeof(mac), i % 2 ? "fa:16:3e:00:%02x:%02x" : "FA:16:3E:00:%02X:%02X",
			i / 256, i % 256);
		put(f->db, "port",
			json_pack("{s:s, s:s, s:s, s:s}", "id", id, "device_id", key, "mac_address", mac,
				"device_owner", i % 100 == 3 ? "network:router_interface" : "compute:nova"),
			key, key, false);
		snprintf(id, sizeof(id), "net%d", i);
		put(f->db, "network", json_pack("{s:s}", "id", id), key, NULL, i % 500 == 7);
	}
	assert_int_equal(cp_db_commit(f->db), 0);
	sqlite3_trace_v2(cp_db_handle(f->db), SQLITE_TRACE_PROFILE, on_trace, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char wal[128];

	cp_db_close(f->db);
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ids of arr, in order, as "a,b,c". */
static void ids(const json_t *arr, char *out, size_t cap)
{
	size_t i, n = 0;
	const json_t *o;

	out[0] = '\0';
	json_array_foreach(arr, i, o)
		n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", i ? "," : "",
			json_string_value(json_object_get(o, "id")));
}

/* cp_obj_list_by: rows, in rowid order, and the steps the lookup took. */
static int by(struct fixture *f, const char *kind, const char *attr, const char *value,
	const char *want_ids)
{
	char got[1024];
	json_t *arr;

	assert_int_equal(cp_db_begin(f->db, false), 0);
	vm_steps = 0;
	arr = cp_obj_list_by(f->db, kind, attr, value);
	cp_db_commit(f->db);
	ids(arr, got, sizeof(got));
	assert_string_equal(got, want_ids);
	json_decref(arr);
	return vm_steps;
}

static const char *const k7_assignments = "ra7,ra207,ra407,ra607,ra807,ra1007,ra1207,ra1407,"
					  "ra1607,ra1807";

static void assignments_and_memberships_by_index(void **state)
{
	struct fixture *f = *state;
	int steps;

	steps = by(f, "role_assignment", "target_id", "k7", k7_assignments);
	assert_in_range(steps, 1, FEW_STEPS);
	steps = by(f, "role_assignment", "actor_id", "k7", k7_assignments);
	assert_in_range(steps, 1, FEW_STEPS);
	steps = by(f, "group_membership", "user_id", "k199",
		"gm199,gm399,gm599,gm799,gm999,gm1199,gm1399,gm1599,gm1799,gm1999");
	assert_in_range(steps, 1, FEW_STEPS);
	steps = by(f, "group_membership", "group_id", "nope", "");
	assert_in_range(steps, 1, FEW_STEPS);
}

/* A router's ports (cp_ports_of), as adding an interface reads them. */
static void ports_by_device_id_by_index(void **state)
{
	struct fixture *f = *state;
	int steps = by(f, "port", "device_id", "k3",
		"port3,port203,port403,port603,port803,port1003,port1203,port1403,port1603,"
		"port1803");

	assert_in_range(steps, 1, FEW_STEPS);
}

/* A port's MAC free on its network (port.c's mac_taken), by its index. */
static void ports_by_mac_address_by_index(void **state)
{
	struct fixture *f = *state;

	assert_in_range(by(f, "port", "mac_address", "fa:16:3e:00:07:cb", "port1995"), 1,
		FEW_STEPS);
	assert_in_range(by(f, "port", "mac_address", "fa:16:3e:ff:00:00", ""), 1, FEW_STEPS);
}

/* A network's router interfaces (the feed's net_hosted), by their own index:
 * k3's ten ports are all interfaces (i % 100 == 3), k5's ten none of them. */
static void router_interfaces_by_index(void **state)
{
	struct fixture *f = *state;
	char got[1024];
	json_t *arr;

	assert_int_equal(cp_db_begin(f->db, false), 0);
	vm_steps = 0;
	arr = cp_obj_router_interfaces(f->db, "k3");
	cp_db_commit(f->db);
	ids(arr, got, sizeof(got));
	json_decref(arr);
	assert_string_equal(got, "port3,port203,port403,port603,port803,port1003,port1203,"
				 "port1403,port1603,port1803");
	assert_in_range(vm_steps, 1, FEW_STEPS);
	assert_int_equal(cp_db_begin(f->db, false), 0);
	arr = cp_obj_router_interfaces(f->db, "k5");
	cp_db_commit(f->db);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
}

/* Migration 8 on a database whose ports have uppercase MACs: they are found
 * by the lowercase MAC after it, not before. */
static void migration_8_lowercases_macs(void **state)
{
	struct fixture *f = *state;

	by(f, "port", "mac_address", "fa:16:3e:00:07:cc", "");
	assert_int_equal(cp_db_exec(f->db, "PRAGMA user_version = 7"), 0);
	cp_db_close(f->db);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);
	sqlite3_trace_v2(cp_db_handle(f->db), SQLITE_TRACE_PROFILE, on_trace, NULL);
	assert_in_range(by(f, "port", "mac_address", "fa:16:3e:00:07:cc", "port1996"), 1,
		FEW_STEPS);
}

/* The control: an attribute with no index gives the same answer by reading
 * every row of the kind, and the measure sees it. */
static void unindexed_attribute_reads_the_kind(void **state)
{
	struct fixture *f = *state;
	int steps = by(f, "role_assignment", "role_id", "k7", k7_assignments);

	assert_true(steps > 5 * FEW_STEPS);
}

static int list(struct fixture *f, const char *kind, const char *project, bool with_public,
	const char *parent, char *got, size_t cap)
{
	json_t *arr;

	assert_int_equal(cp_db_begin(f->db, false), 0);
	vm_steps = 0;
	arr = cp_obj_list(f->db, kind, project, with_public, parent, 0);
	cp_db_commit(f->db);
	ids(arr, got, cap);
	json_decref(arr);
	return vm_steps;
}

static void lists_by_parent_and_project_by_index(void **state)
{
	struct fixture *f = *state;
	char got[1024];

	assert_in_range(list(f, "port", NULL, false, "k3", got, sizeof(got)), 1, FEW_STEPS);
	assert_string_equal(got, "port3,port203,port403,port603,port803,port1003,port1203,"
				 "port1403,port1603,port1803");
	assert_in_range(list(f, "port", "k3", false, "k3", got, sizeof(got)), 1, FEW_STEPS);
	assert_in_range(list(f, "port", "k4", false, "k3", got, sizeof(got)), 1, FEW_STEPS);
	assert_string_equal(got, "");
	assert_in_range(list(f, "network", "k9", false, NULL, got, sizeof(got)), 1, FEW_STEPS);
	assert_string_equal(got, "net9,net209,net409,net609,net809,net1009,net1209,net1409,"
				 "net1609,net1809");
	/* With the public ones (7, 507, 1007, 1507: their own key k7 once
	 * each), merged in rowid order without duplicates. */
	assert_in_range(list(f, "network", "k7", true, NULL, got, sizeof(got)), 1, FEW_STEPS);
	assert_string_equal(got, "net7,net207,net407,net507,net607,net807,net1007,net1207,"
				 "net1407,net1507,net1607,net1807");
	assert_in_range(list(f, "network", "k8", true, NULL, got, sizeof(got)), 1, FEW_STEPS);
	assert_string_equal(got, "net7,net8,net208,net408,net507,net608,net808,net1007,"
				 "net1008,net1208,net1408,net1507,net1608,net1808");
}

/* Migration 6 again on a database that has its indexes: still opens. */
static void migration_6_is_idempotent(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(cp_db_exec(f->db, "PRAGMA user_version = 5"), 0);
	cp_db_close(f->db);
	assert_int_equal(cp_db_open(&f->db, f->path), 0);
	sqlite3_trace_v2(cp_db_handle(f->db), SQLITE_TRACE_PROFILE, on_trace, NULL);
	assert_in_range(by(f, "role_assignment", "target_id", "k7", k7_assignments), 1,
		FEW_STEPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assignments_and_memberships_by_index),
		cmocka_unit_test(ports_by_device_id_by_index),
		cmocka_unit_test(unindexed_attribute_reads_the_kind),
		cmocka_unit_test(lists_by_parent_and_project_by_index),
		cmocka_unit_test(ports_by_mac_address_by_index),
		cmocka_unit_test(router_interfaces_by_index),
		cmocka_unit_test(migration_8_lowercases_macs),
		cmocka_unit_test(migration_6_is_idempotent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
