/* SPDX-License-Identifier: Apache-2.0 */
/* Fixture for check_store_sql.sh: SQL text outside the store, naming no
 * SQLite function or type (as if handed to some generic query helper). */
static const char *const quota_projects =
	"SELECT DISTINCT project_id FROM quotas ORDER BY project_id";
