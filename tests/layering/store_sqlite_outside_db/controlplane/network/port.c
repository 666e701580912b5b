/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture for check_store_sql.sh: a service that steps a statement itself. */
#include "../db/db.h"

int cp_port_release_ips(struct cp_ctx *ctx, const char *port_id)
{
	sqlite3_stmt *st = cp_db_prepare(ctx->db, "DELETE FROM ip_allocations WHERE port_id=?");

	sqlite3_bind_text(st, 1, port_id, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -5;
}
