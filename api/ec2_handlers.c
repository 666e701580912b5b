/* SPDX-License-Identifier: Apache-2.0 */
/* Keystone v3 routes of OS-EC2 credentials (controlplane/identity/ec2_creds.c). */
#include "api.h"

#include <stdio.h>
#include <string.h>

static json_t *with_link(struct api_req *req, json_t *cred)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/users/%s/credentials/OS-EC2/%s",
		api_base(req), req->arg[0], cp_json_str(cred, "access") ?: "");
	json_object_set_new(cred, "links", json_pack("{s:s}", "self", href));
	return cred;
}

static int ec2_create(struct api_req *req, const void *arg)
{
	json_t *cred;
	int rc = cp_identity_ec2_create(&req->ctx, req->arg[0], req->json, &cred);

	(void)arg;
	return rc ? rc : api_reply(req, 201, json_pack("{s:o}", "credential", with_link(req, cred)));
}

static int ec2_list(struct api_req *req, const void *arg)
{
	json_t *all, *c;
	char href[512];
	size_t i;
	int rc = cp_identity_ec2_list(&req->ctx, req->arg[0], &all);

	(void)arg;
	if (rc)
		return rc;
	json_array_foreach(all, i, c)
		with_link(req, c);
	snprintf(href, sizeof(href), "%s/identity/v3/users/%s/credentials/OS-EC2", api_base(req),
		req->arg[0]);
	return api_reply(req, 200, json_pack("{s:o, s:{s:s, s:n, s:n}}", "credentials", all,
					   "links", "self", href, "next", "previous"));
}

static int ec2_one(struct api_req *req, const void *arg)
{
	bool del = strcmp(req->method, "DELETE") == 0;
	json_t *cred = NULL;
	int rc = cp_identity_ec2_show(&req->ctx, req->arg[0], req->arg[1], del, &cred);

	(void)arg;
	if (rc)
		return rc;
	return del ? api_reply(req, 204, NULL)
		   : api_reply(req, 200, json_pack("{s:o}", "credential", with_link(req, cred)));
}

const struct api_route api_ec2_routes[] = {
	{"POST", "/identity/v3/users/*/credentials/OS-EC2", ec2_create, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/users/*/credentials/OS-EC2", ec2_list, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/users/*/credentials/OS-EC2/*", ec2_one, NULL, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/users/*/credentials/OS-EC2/*", ec2_one, NULL, 0, API_KEYSTONE},
	{NULL, NULL, NULL, NULL, 0, 0},
};
