/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Numbered schema migrations. Append only: never edit a released step, add
 * the next one. PRAGMA user_version records the last applied step; each step
 * runs in its own transaction with the version bump.
 */
#include "sql.h"

#include <errno.h>
#include <stdio.h>

static const char *const migrations[] = {
	/* 1: revision counter, generic objects, tombstones. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('revision', 0);"
	"CREATE TABLE objects ("
	"  kind TEXT NOT NULL, id TEXT NOT NULL, project_id TEXT, parent_id TEXT,"
	"  public INTEGER NOT NULL DEFAULT 0, rev INTEGER NOT NULL, body TEXT NOT NULL,"
	"  PRIMARY KEY (kind, id));"
	"CREATE INDEX objects_project ON objects (kind, project_id);"
	"CREATE INDEX objects_parent ON objects (kind, parent_id);"
	"CREATE INDEX objects_rev ON objects (rev);"
	"CREATE TABLE tombstones (kind TEXT NOT NULL, id TEXT NOT NULL, rev INTEGER NOT NULL,"
	"  parent_id TEXT);"
	"CREATE INDEX tombstones_rev ON tombstones (rev);",

	/* 2: identity secrets and tokens (never in the objects' JSON). Tokens
	 * are stored by hash so a copy of the database cannot be replayed. */
	"CREATE TABLE passwords (user_id TEXT PRIMARY KEY, hash TEXT NOT NULL);"
	"CREATE TABLE tokens (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL, project_id TEXT,"
	"  issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, audit_id TEXT NOT NULL,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX tokens_expiry ON tokens (expires_at);",

	/* 3: IPAM. The primary key is what guarantees an address is never
	 * handed out twice. */
	"CREATE TABLE ip_allocations (subnet_id TEXT NOT NULL, ip_address TEXT NOT NULL,"
	"  port_id TEXT NOT NULL, PRIMARY KEY (subnet_id, ip_address));"
	"CREATE INDEX ip_allocations_port ON ip_allocations (port_id);",

	/* 4: per-project quota limits that differ from the defaults (absent
	 * row: the default). Not objects: agents never need them, so they
	 * stay out of the change feed and do not move the revision. */
	"CREATE TABLE quotas (project_id TEXT NOT NULL, resource TEXT NOT NULL,"
	"  hard_limit INTEGER NOT NULL, PRIMARY KEY (project_id, resource));",
	/* 5: the last revision at which a security group's members (the ports
	 * in it and their addresses) changed. A port that leaves a group or is
	 * deleted no longer says which groups it was in; agents that expand
	 * the group as a rule's remote group must still hear of it (feed.c). */
	"CREATE TABLE sg_membership (group_id TEXT PRIMARY KEY, rev INTEGER NOT NULL);",
	/* 6: what request paths look up by value (objects.c, cp_obj_list_by):
	 * token validation resolves a user's groups and the assignments on a
	 * project, password auth finds users, projects and domains by name.
	 * Partial, so only rows of their kind pay for them on a write; the
	 * expressions must stay as cp_obj_list_by writes them. IF NOT EXISTS:
	 * a database that has them already migrates all the same. */
	"CREATE INDEX IF NOT EXISTS objects_role_assignment_actor_id ON objects"
	"  (json_extract(body, '$.actor_id')) WHERE kind='role_assignment';"
	"CREATE INDEX IF NOT EXISTS objects_role_assignment_target_id ON objects"
	"  (json_extract(body, '$.target_id')) WHERE kind='role_assignment';"
	"CREATE INDEX IF NOT EXISTS objects_group_membership_user_id ON objects"
	"  (json_extract(body, '$.user_id')) WHERE kind='group_membership';"
	"CREATE INDEX IF NOT EXISTS objects_group_membership_group_id ON objects"
	"  (json_extract(body, '$.group_id')) WHERE kind='group_membership';"
	"CREATE INDEX IF NOT EXISTS objects_user_name ON objects"
	"  (json_extract(body, '$.name')) WHERE kind='user';"
	"CREATE INDEX IF NOT EXISTS objects_project_name ON objects"
	"  (json_extract(body, '$.name')) WHERE kind='project';"
	"CREATE INDEX IF NOT EXISTS objects_domain_name ON objects"
	"  (json_extract(body, '$.name')) WHERE kind='domain';"
	/* Revoking a user's tokens (password change, user delete). */
	"CREATE INDEX IF NOT EXISTS tokens_user ON tokens (user_id);"
	/* Lists of a project that include public rows (shared networks). */
	"CREATE INDEX IF NOT EXISTS objects_public ON objects (kind, public);",
	/* 7: a router's ports (cp_ports_of), and networks by segment
	 * (network.c): adding an interface checks the router's other subnets,
	 * and a network create looks for a free or clashing segment; reading
	 * every port or network for them made creating thousands of routers
	 * quadratic (cubic for the free VNI). Partial, as those of 6. */
	"CREATE INDEX IF NOT EXISTS objects_port_device_id ON objects"
	"  (json_extract(body, '$.device_id')) WHERE kind='port';"
	"CREATE INDEX IF NOT EXISTS objects_network_segment ON objects"
	"  (json_extract(body, '$.\"provider:network_type\"'),"
	"   json_extract(body, '$.\"provider:segmentation_id\"')) WHERE kind='network';",
	/* 8: a network's router interfaces (cp_obj_router_interfaces): the
	 * feed asks for them per network, and a network's ports are mostly
	 * VMs'. */
	"CREATE INDEX IF NOT EXISTS objects_port_router_interface ON objects (parent_id)"
	"  WHERE kind='port' AND json_extract(body, '$.device_owner')='network:router_interface';"
	/* A port's MAC must be free on its network (port.c's mac_taken), found
	 * by equality on this index: the ports stored before MACs were kept
	 * lowercase (port.c's assign_mac) are made so first. */
	"UPDATE objects SET body = json_set(body, '$.mac_address',"
	"  lower(json_extract(body, '$.mac_address'))) WHERE kind='port' AND"
	"  json_extract(body, '$.mac_address') <> lower(json_extract(body, '$.mac_address'));"
	"CREATE INDEX IF NOT EXISTS objects_port_mac_address ON objects"
	"  (json_extract(body, '$.mac_address')) WHERE kind='port';",
	/* 9: the methods a token was made with, comma-separated, as its
	 * document lists them ("token,password" for a rescoped token), for
	 * the tokens not made by password alone: a table beside tokens (not a
	 * column, which SQLite cannot add IF NOT EXISTS), its rows going with
	 * their token's. */
	"CREATE TABLE IF NOT EXISTS token_methods (hash TEXT PRIMARY KEY, methods TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS token_methods_go AFTER DELETE ON tokens BEGIN"
	"  DELETE FROM token_methods WHERE hash = old.hash; END;",
	/* 10: the application credential a token was made with, for those
	 * tokens only, beside tokens as token_methods is. */
	"CREATE TABLE IF NOT EXISTS token_app_creds (hash TEXT PRIMARY KEY,"
	"  app_cred_id TEXT NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS token_app_creds_go AFTER DELETE ON tokens BEGIN"
	"  DELETE FROM token_app_creds WHERE hash = old.hash; END;",
	/* 11: the change feed's reads (feed_ports.c), so that a poll reads
	 * what changed and what the node has, never every port: a node's
	 * ports, with what its unchanged ones bring (their owner, network and
	 * groups, all in the index); the ports of a network bound elsewhere
	 * (l2pop); and ports by their group list (a remote group's members).
	 * The expressions must stay as feed_ports.c writes them. */
	"CREATE INDEX IF NOT EXISTS objects_port_binding ON objects"
	"  (json_extract(body, '$.\"binding:host_id\"'), json_extract(body, '$.device_owner'),"
	"   parent_id, json_extract(body, '$.security_groups')) WHERE kind='port';"
	"CREATE INDEX IF NOT EXISTS objects_port_network_host ON objects"
	"  (parent_id, json_extract(body, '$.\"binding:host_id\"')) WHERE kind='port';"
	"CREATE INDEX IF NOT EXISTS objects_port_security_groups ON objects"
	"  (json_extract(body, '$.security_groups')) WHERE kind='port';",
};

int cp_db_migrate(sqlite3 *h)
{
	sqlite3_stmt *st;
	int version = 0;
	char sql[64];

	if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	for (int i = version; i < (int)(sizeof(migrations) / sizeof(migrations[0])); i++) {
		char *msg = NULL;

		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i + 1);
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
			sqlite3_exec(h, migrations[i], NULL, NULL, &msg) != SQLITE_OK ||
			sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK ||
			sqlite3_exec(h, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			fprintf(stderr, "virga-controller: migration %d failed: %s\n", i + 1,
				msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
			return -EIO;
		}
	}
	return 0;
}
