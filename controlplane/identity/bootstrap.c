/* SPDX-License-Identifier: Apache-2.0 */
/*
 * First start: the Default domain, the admin/member/reader roles, the admin
 * project and user, and the admin role assignment, in one transaction.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int make(struct cp_ctx *ctx, const struct cp_kind *k, json_t *req, char *id_out)
{
	json_t *obj = NULL;
	int rc = cp_res_insert(ctx, k, req, &obj);

	if (rc == 0 && id_out)
		snprintf(id_out, CP_ID_LEN, "%s", cp_json_str(obj, "id"));
	json_decref(obj);
	json_decref(req);
	return rc;
}

int cp_identity_bootstrap(struct cp_db *db, const char *user, const char *password,
	const char *project, bool *created)
{
	struct cp_caller root = {.is_admin = true};
	struct cp_ctx ctx = {.db = db, .caller = &root};
	char role_id[CP_ID_LEN], user_id[CP_ID_LEN], project_id[CP_ID_LEN];
	json_t *existing, *assignment;
	int rc;

	*created = false;
	if (cp_db_begin(db, true))
		return -EIO;
	existing = cp_obj_get(db, "domain", CP_DEFAULT_DOMAIN);
	if (existing) {
		json_decref(existing);
		cp_db_rollback(db);
		return 0;
	}
	if (!password || !password[0]) {
		cp_db_rollback(db);
		return -EINVAL;
	}
	rc = make(&ctx, &cp_kind_domain,
		json_pack("{s:s, s:s, s:s}", "id", CP_DEFAULT_DOMAIN, "name", "Default",
			"description", "The default domain"),
		NULL);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_role, json_pack("{s:s}", "name", "admin"), role_id);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_role, json_pack("{s:s}", "name", "member"), NULL);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_role, json_pack("{s:s}", "name", "reader"), NULL);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_role, json_pack("{s:s}", "name", "service"), NULL);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_project,
			json_pack("{s:s, s:s}", "name", project, "description",
				"Bootstrap project for initializing the cloud."),
			project_id);
	if (rc == 0)
		rc = make(&ctx, &cp_kind_user, json_pack("{s:s, s:s}", "name", user, "password", password),
			user_id);
	if (rc == 0) {
		char aid[3 * CP_ID_LEN + 4];

		snprintf(aid, sizeof(aid), "%s:%s:%s", project_id, user_id, role_id);
		assignment = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", aid, "role_id",
			role_id, "actor_type", "user", "actor_id", user_id, "target_type", "project",
			"target_id", project_id);
		rc = cp_obj_put(db, "role_assignment", assignment, NULL, NULL, false);
		json_decref(assignment);
	}
	if (rc) {
		cp_db_rollback(db);
		return rc;
	}
	*created = true;
	return cp_db_commit(db);
}
