/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone v3 routes of application credentials and access rules
 * (controlplane/identity/app_creds.c): /v3/users/{id}/application_credentials
 * and /v3/users/{id}/access_rules.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Each credential with its links.self, as Keystone shows it. */
static json_t *with_link(struct api_req *req, json_t *cred)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/users/%s/application_credentials/%s",
		api_base(req), req->arg[0], cp_json_str(cred, "id") ?: "");
	json_object_set_new(cred, "links", json_pack("{s:s}", "self", href));
	return cred;
}

static json_t *list_links(struct api_req *req, const char *what)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/users/%s/%s", api_base(req), req->arg[0],
		what);
	return json_pack("{s:s, s:n, s:n}", "self", href, "next", "previous");
}

static int app_cred_create(struct api_req *req, const void *arg)
{
	const json_t *body = json_object_get(req->json, "application_credential");
	json_t *cred;
	int rc;

	(void)arg;
	if (!json_is_object(body))
		return cp_fail(&req->ctx.err, -EINVAL, "ValidationError",
			"Expecting to find application_credential in request body.");
	rc = cp_identity_app_cred_create(&req->ctx, req->arg[0], body, &cred);
	return rc ? rc
		  : api_reply(req, 201, json_pack("{s:o}", "application_credential",
						with_link(req, cred)));
}

static int app_cred_list(struct api_req *req, const void *arg)
{
	json_t *all, *c;
	size_t i;
	int rc;

	(void)arg;
	rc = cp_identity_app_cred_list(&req->ctx, req->arg[0],
		api_query(req, "name"), &all);
	if (rc)
		return rc;
	json_array_foreach(all, i, c)
		with_link(req, c);
	return api_reply(req, 200, json_pack("{s:o, s:o}", "application_credentials", all, "links",
					   list_links(req, "application_credentials")));
}

static int app_cred_show(struct api_req *req, const void *arg)
{
	json_t *cred;
	int rc = cp_identity_app_cred_show(&req->ctx, req->arg[0], req->arg[1], &cred);

	(void)arg;
	return rc ? rc
		  : api_reply(req, 200, json_pack("{s:o}", "application_credential",
						with_link(req, cred)));
}

static int app_cred_delete(struct api_req *req, const void *arg)
{
	int rc = cp_identity_app_cred_delete(&req->ctx, req->arg[0], req->arg[1]);

	(void)arg;
	return rc ? rc : api_reply(req, 204, NULL);
}

/* arg NULL: the list; else one rule, shown or (DELETE) deleted. */
static int access_rules(struct api_req *req, const void *arg)
{
	bool del = strcmp(req->method, "DELETE") == 0;
	json_t *out = NULL;
	int rc = cp_identity_access_rules(&req->ctx, req->arg[0], arg ? req->arg[1] : NULL, del,
		&out);

	if (rc)
		return rc;
	if (del)
		return api_reply(req, 204, NULL);
	if (arg)
		return api_reply(req, 200, json_pack("{s:o}", "access_rule", out));
	return api_reply(req, 200, json_pack("{s:o, s:o}", "access_rules", out, "links",
					   list_links(req, "access_rules")));
}

static const int one = 1;

const struct api_route api_app_cred_routes[] = {
	{"POST", "/identity/v3/users/*/application_credentials", app_cred_create, NULL, 0,
		API_KEYSTONE},
	{"GET", "/identity/v3/users/*/application_credentials", app_cred_list, NULL, 0,
		API_KEYSTONE},
	{"GET", "/identity/v3/users/*/application_credentials/*", app_cred_show, NULL, 0,
		API_KEYSTONE},
	{"DELETE", "/identity/v3/users/*/application_credentials/*", app_cred_delete, NULL, 0,
		API_KEYSTONE},
	{"GET", "/identity/v3/users/*/access_rules", access_rules, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/users/*/access_rules/*", access_rules, &one, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/users/*/access_rules/*", access_rules, &one, 0, API_KEYSTONE},
	{NULL, NULL, NULL, NULL, 0, 0},
};
