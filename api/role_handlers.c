/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone v3 routes beside the identity CRUD: implied roles (role
 * inference rules) and role grants on the system scope.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

static void role_link(struct api_req *req, json_t *ref)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/roles/%s", api_base(req),
		cp_json_str(ref, "id") ?: "");
	json_object_set_new(ref, "links", json_pack("{s:s}", "self", href));
}

/* Links each role of a {prior_role, implies: ref or [refs]} inference. */
static json_t *linked(struct api_req *req, json_t *inference)
{
	json_t *implies = json_object_get(inference, "implies"), *r;
	size_t i;

	role_link(req, json_object_get(inference, "prior_role"));
	if (json_is_array(implies))
		json_array_foreach(implies, i, r)
			role_link(req, r);
	else
		role_link(req, implies);
	return inference;
}

static json_t *self_link(struct api_req *req, const char *path)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/%s", api_base(req), path);
	return json_pack("{s:s}", "self", href);
}

static int implied_role(struct api_req *req, const void *arg)
{
	bool put = strcmp(req->method, "PUT") == 0, del = strcmp(req->method, "DELETE") == 0;
	json_t *inference = NULL;
	char path[256];
	int rc;

	(void)arg;
	rc = cp_identity_imply(&req->ctx, req->arg[0], req->arg[1], put ? 1 : del ? -1 : 0,
		del ? NULL : &inference);
	if (rc)
		return rc;
	if (del || strcmp(req->method, "HEAD") == 0) {
		json_decref(inference);
		return api_reply(req, 204, NULL);
	}
	snprintf(path, sizeof(path), "roles/%s/implies/%s", req->arg[0], req->arg[1]);
	return api_reply(req, put ? 201 : 200,
		json_pack("{s:o, s:o}", "role_inference", linked(req, inference), "links",
			self_link(req, path)));
}

static int implied_roles_of(struct api_req *req, const void *arg)
{
	json_t *inference = NULL;
	char path[256];
	int rc;

	(void)arg;
	rc = cp_identity_implied_rules(&req->ctx, req->arg[0], &inference);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "roles/%s/implies", req->arg[0]);
	return api_reply(req, 200, json_pack("{s:o, s:o}", "role_inference",
					   linked(req, inference), "links", self_link(req, path)));
}

static int role_inferences(struct api_req *req, const void *arg)
{
	json_t *all = NULL, *inference;
	size_t i;
	int rc;

	(void)arg;
	rc = cp_identity_implied_rules(&req->ctx, NULL, &all);
	if (rc)
		return rc;
	json_array_foreach(all, i, inference)
		linked(req, inference);
	return api_reply(req, 200, json_pack("{s:o, s:o}", "role_inferences", all, "links",
					   self_link(req, "role_inferences")));
}

/* arg is "user" or "group"; the target is the system, "all". */
static int system_grant(struct api_req *req, const void *arg)
{
	int rc;

	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		rc = cp_identity_check_assignment(&req->ctx, "system", "all", arg, req->arg[0],
			req->arg[1]);
	else
		rc = cp_identity_assign(&req->ctx, "system", "all", arg, req->arg[0], req->arg[1],
			strcmp(req->method, "PUT") == 0);
	return rc ? rc : api_reply(req, 204, NULL);
}

static int system_grants_list(struct api_req *req, const void *arg)
{
	json_t *items = NULL, *r;
	size_t i;
	int rc;

	rc = cp_identity_list_roles_on(&req->ctx, "system", "all", arg, req->arg[0], &items);
	if (rc)
		return rc;
	json_array_foreach(items, i, r)
		role_link(req, r);
	return api_reply(req, 200, json_pack("{s:o, s:{s:n, s:n, s:n}}", "roles", items, "links",
					   "self", "next", "previous"));
}

#define SYSTEM_GRANT(actor)                                                                        \
	{"PUT", "/identity/v3/system/" actor "s/*/roles/*", system_grant, actor, 0, API_KEYSTONE}, \
		{"GET", "/identity/v3/system/" actor "s/*/roles/*", system_grant, actor, 0,        \
			API_KEYSTONE},                                                             \
		{"DELETE", "/identity/v3/system/" actor "s/*/roles/*", system_grant, actor, 0,     \
			API_KEYSTONE},                                                             \
		{"GET", "/identity/v3/system/" actor "s/*/roles", system_grants_list, actor, 0,    \
			API_KEYSTONE}

const struct api_route api_role_routes[] = {
	{"PUT", "/identity/v3/roles/*/implies/*", implied_role, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/roles/*/implies/*", implied_role, NULL, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/roles/*/implies/*", implied_role, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/roles/*/implies", implied_roles_of, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/role_inferences", role_inferences, NULL, 0, API_KEYSTONE},
	SYSTEM_GRANT("user"),
	SYSTEM_GRANT("group"),
	{NULL, NULL, NULL, NULL, 0, 0},
};
