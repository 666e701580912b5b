/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's addresses handed out on subnets: ip_allocations
 * (migration 3), whose primary key (subnet_id, ip_address) refuses a
 * second holder of an address, and whose port_id index finds a port's
 * addresses to release.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>

static int sqlite_alloc_add(struct cp_db *db, const char *subnet_id, const char *ip,
	const char *port_id)
{
	const char *const args[] = {subnet_id, ip, port_id};
	int rc = cp_db_run(db,
		"INSERT INTO ip_allocations (subnet_id, ip_address, port_id) VALUES (?1, ?2, ?3)",
		3, args);

	if (rc == -EEXIST)
		return -EADDRINUSE;
	return rc < 0 ? rc : 0;
}

static int sqlite_allocs_release_port(struct cp_db *db, const char *port_id)
{
	int rc = cp_db_run(db, "DELETE FROM ip_allocations WHERE port_id=?1", 1, &port_id);

	return rc < 0 ? -EIO : 0;
}

static int sqlite_allocs_of_subnet(struct cp_db *db, const char *subnet_id,
	int (*each)(const char *ip, void *arg), void *arg)
{
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"SELECT ip_address FROM ip_allocations WHERE subnet_id=?1", 1, &subnet_id);
	int rc = 0, step;

	if (!st)
		return -EIO;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_text(st, 0))
			rc = each((const char *)sqlite3_column_text(st, 0), arg);
	if (rc == 0 && step != SQLITE_DONE)
		rc = -EIO;
	cp_db_finish(db, st);
	return rc;
}

static int sqlite_allocs_count(struct cp_db *db, const char *subnet_id)
{
	sqlite3_stmt *st = cp_db_prepare_bound(db,
		"SELECT count(*) FROM ip_allocations WHERE subnet_id=?1", 1, &subnet_id);
	int n = -EIO;

	if (!st)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	cp_db_finish(db, st);
	return n;
}

const struct cp_store_ipam_ops cp_sqlite_ipam = {
	.alloc_add = sqlite_alloc_add,
	.allocs_release_port = sqlite_allocs_release_port,
	.allocs_of_subnet = sqlite_allocs_of_subnet,
	.allocs_count = sqlite_allocs_count,
};
