/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite backend's provider segments, read from the network objects
 * through the segment index (migration 7) rather than by parsing every
 * network: the queries must use the index's expressions exactly as written
 * there.
 */
#include "backend.h"
#include "sql.h"

#include <errno.h>

#define NET_TYPE "json_extract(body, '$.\"provider:network_type\"')"
#define NET_SEG "json_extract(body, '$.\"provider:segmentation_id\"')"
#define NET_PHYS "json_extract(body, '$.\"provider:physical_network\"')"

static int sqlite_segment_taken(struct cp_db *db, const char *network_id, const char *type,
	const char *physnet, int64_t segmentation_id)
{
	bool any_seg = segmentation_id < 0;
	sqlite3_stmt *st = cp_db_prepare(db, any_seg ?
		"SELECT 1 FROM objects WHERE kind='network' AND " NET_TYPE "=?1 AND id!=?2"
		" AND (?3 IS NULL OR " NET_PHYS "=?3) LIMIT 1" :
		"SELECT 1 FROM objects WHERE kind='network' AND " NET_TYPE "=?1 AND id!=?2"
		" AND (?3 IS NULL OR " NET_PHYS "=?3) AND " NET_SEG "=?4 LIMIT 1");
	int step;

	if (!st)
		return -EIO;
	sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, network_id, -1, SQLITE_STATIC);
	if (physnet)
		sqlite3_bind_text(st, 3, physnet, -1, SQLITE_STATIC);
	if (!any_seg)
		sqlite3_bind_int64(st, 4, segmentation_id);
	step = sqlite3_step(st);
	cp_db_finish(db, st);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -EIO;
}

/* The first gap in the VNIs in use, read in order from the segment index
 * (no network body is parsed). */
static int64_t sqlite_vni_first_free(struct cp_db *db)
{
	sqlite3_stmt *st = cp_db_prepare(db,
		"SELECT DISTINCT " NET_SEG " FROM objects WHERE kind='network' AND " NET_TYPE
		"='vxlan' AND " NET_SEG " >= 1 ORDER BY 1");
	int64_t vni = 1;
	int step;

	if (!st)
		return -EIO;
	while ((step = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_int64(st, 0) == vni)
		vni++;
	cp_db_finish(db, st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? vni : -EIO;
}

const struct cp_store_segment_ops cp_sqlite_segments = {
	.taken = sqlite_segment_taken,
	.vni_first_free = sqlite_vni_first_free,
};
