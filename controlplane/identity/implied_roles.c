/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Implied roles (Keystone's role inference rules): holding a prior role
 * means holding the roles it implies, transitively, in tokens and in the
 * effective role assignments. Rules are objects "implied_role" with the
 * deterministic id "prior:implied", so creating one twice is idempotent.
 * A domain-specific role may imply a global one but not the reverse (a
 * global role would hand a domain's role out everywhere), and "admin" is
 * never implied (Keystone's prohibited_implied_role), so no rule can make
 * a role holder an administrator.
 */
#include "identity.h"
#include "../core/policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define RULE_KIND "implied_role"
#define PROHIBITED_IMPLIED "admin"

static void rule_id(char *out, size_t len, const char *prior, const char *implied)
{
	snprintf(out, len, "%s:%s", prior, implied);
}

static json_t *role_ref(const json_t *role)
{
	return json_pack("{s:O, s:O}", "id", json_object_get(role, "id"), "name",
		json_object_get(role, "name"));
}

static int load_role(struct cp_ctx *ctx, const char *id, json_t **out)
{
	*out = cp_obj_get(ctx->db, "role", id);
	return *out ? 0 : cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find role: %s.", id);
}

static int check_rule(struct cp_ctx *ctx, const json_t *prior, const json_t *implied)
{
	if (strcmp(cp_json_str(implied, "name") ?: "", PROHIBITED_IMPLIED) == 0)
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"%s role cannot be an implied role.", PROHIBITED_IMPLIED);
	if (!cp_json_str(prior, "domain_id") && cp_json_str(implied, "domain_id"))
		return cp_fail(&ctx->err, -EPERM, "Forbidden",
			"A global role cannot imply a domain-specific role.");
	return 0;
}

int cp_identity_imply(struct cp_ctx *ctx, const char *prior_id, const char *implied_id, int op,
	json_t **out)
{
	char id[2 * CP_ID_LEN + 2];
	json_t *prior = NULL, *implied = NULL, *rule;
	int rc = cp_policy_check(ctx->caller, RULE_KIND, op > 0 ? CP_CREATE
		: op < 0 ? CP_DELETE : CP_READ, NULL, NULL, &ctx->err);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, op != 0))
		return -EIO;
	rc = load_role(ctx, prior_id, &prior);
	if (rc == 0)
		rc = load_role(ctx, implied_id, &implied);
	rule_id(id, sizeof(id), prior_id, implied_id);
	if (rc == 0 && op > 0 && (rc = check_rule(ctx, prior, implied)) == 0) {
		rule = json_pack("{s:s, s:s, s:s}", "id", id, "prior_role_id", prior_id,
			"implied_role_id", implied_id);
		rc = cp_obj_put(ctx->db, RULE_KIND, rule, NULL, NULL, false);
		json_decref(rule);
	} else if (rc == 0 && op < 0) {
		rc = cp_obj_del(ctx->db, RULE_KIND, id);
	} else if (rc == 0) {
		rule = cp_obj_get(ctx->db, RULE_KIND, id);
		rc = rule ? 0 : -ENOENT;
		json_decref(rule);
	}
	if (rc == -ENOENT && !ctx->err.code)
		cp_fail(&ctx->err, rc, "Not Found", "%s does not imply %s.", prior_id, implied_id);
	if (rc == 0 && out)
		*out = json_pack("{s:o, s:o}", "prior_role", role_ref(prior), "implies",
			role_ref(implied));
	json_decref(prior);
	json_decref(implied);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return op ? cp_db_commit(ctx->db) : (cp_db_commit(ctx->db), 0);
}

/* {prior_role: ref, implies: [refs]} for one prior role, direct rules only. */
static json_t *rules_of(struct cp_ctx *ctx, const json_t *prior)
{
	json_t *rules = cp_obj_list_by(ctx->db, RULE_KIND, "prior_role_id", cp_json_str(prior, "id"));
	json_t *implies = json_array(), *r;
	size_t i;

	json_array_foreach(rules, i, r) {
		json_t *role = cp_obj_get(ctx->db, "role", cp_json_str(r, "implied_role_id"));

		if (role)
			json_array_append_new(implies, role_ref(role));
		json_decref(role);
	}
	json_decref(rules);
	return json_pack("{s:o, s:o}", "prior_role", role_ref(prior), "implies", implies);
}

int cp_identity_implied_rules(struct cp_ctx *ctx, const char *prior_id, json_t **out)
{
	json_t *roles, *role;
	size_t i;
	int rc = cp_policy_check(ctx->caller, RULE_KIND, CP_READ, NULL, NULL, &ctx->err);

	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	if (prior_id) {
		rc = load_role(ctx, prior_id, &role);
		if (rc == 0) {
			*out = rules_of(ctx, role);
			json_decref(role);
		}
		cp_db_commit(ctx->db);
		return rc;
	}
	*out = json_array();
	roles = cp_obj_list(ctx->db, "role", NULL, false, NULL, 0);
	json_array_foreach(roles, i, role) {
		json_t *r = rules_of(ctx, role);

		if (json_array_size(json_object_get(r, "implies")))
			json_array_append(*out, r);
		json_decref(r);
	}
	json_decref(roles);
	cp_db_commit(ctx->db);
	return 0;
}

static bool has(const json_t *ids, const char *id)
{
	size_t i;
	const json_t *v;

	json_array_foreach(ids, i, v)
		if (strcmp(json_string_value(v), id) == 0)
			return true;
	return false;
}

json_t *cp_identity_expand_roles(struct cp_ctx *ctx, const json_t *role_ids)
{
	json_t *out = json_array(), *v;
	size_t i;

	json_array_foreach(role_ids, i, v)
		if (!has(out, json_string_value(v)))
			json_array_append(out, v);
	/* out grows as it is walked: each role's rules are read once, and a
	 * cycle of rules ends where a role is already there. */
	for (i = 0; i < json_array_size(out); i++) {
		json_t *rules = cp_obj_list_by(ctx->db, RULE_KIND, "prior_role_id",
			json_string_value(json_array_get(out, i))), *r;
		size_t j;

		json_array_foreach(rules, j, r) {
			const char *implied = cp_json_str(r, "implied_role_id");

			if (implied && !has(out, implied))
				json_array_append_new(out, json_string(implied));
		}
		json_decref(rules);
	}
	return out;
}

int cp_identity_drop_implications(struct cp_ctx *ctx, const char *role_id)
{
	static const char *const sides[] = {"prior_role_id", "implied_role_id"};
	int rc = 0;

	for (size_t s = 0; rc == 0 && s < 2; s++) {
		json_t *rules = cp_obj_list_by(ctx->db, RULE_KIND, sides[s], role_id), *r;
		size_t i;

		json_array_foreach(rules, i, r)
			if (rc == 0)
				rc = cp_obj_del(ctx->db, RULE_KIND, cp_json_str(r, "id"));
		json_decref(rules);
	}
	return rc;
}
