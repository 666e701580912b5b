/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tag calls as Keystone and Neutron answer them, for any kind with tags:
 *  GET    .../tags        200 {"tags": [...]}
 *  PUT    .../tags        200 {"tags": [...]}, replacing them (body {"tags": [...]})
 *  DELETE .../tags        204, all removed
 *  GET    .../tags/{tag}  204 when the object has it, 404 when not
 *  PUT    .../tags/{tag}  201, added (once)
 *  DELETE .../tags/{tag}  204, removed (404 when not there)
 */
#include "api.h"

#include <errno.h>
#include <string.h>

int api_tags(struct api_req *req, const struct cp_kind *k, const struct cp_tag_rules *rules,
	bool one)
{
	bool get = strcmp(req->method, "GET") == 0, head = strcmp(req->method, "HEAD") == 0,
	     put = strcmp(req->method, "PUT") == 0;
	const json_t *all = NULL;
	enum cp_tag_op op;
	json_t *tags = NULL;
	int rc;

	if (one)
		op = get || head ? CP_TAG_CHECK : put ? CP_TAG_ADD : CP_TAG_DELETE;
	else
		op = get || head ? CP_TAG_LIST : put ? CP_TAG_SET : CP_TAG_CLEAR;
	/* The body is {"tags": [...]}, a list, not the object api_body_member wants. */
	if (op == CP_TAG_SET)
		all = json_object_get(req->json, "tags");
	if (op == CP_TAG_SET && (!all || json_object_size(req->json) != 1))
		return cp_fail(&req->ctx.err, -EINVAL, rules->invalid_type,
			"Expecting a body {\"tags\": [...]}.");
	rc = cp_res_tags(&req->ctx, k, rules, req->arg[0], op, one ? req->arg[1] : NULL, all,
		&tags);
	if (rc)
		return rc;
	if (op == CP_TAG_LIST || op == CP_TAG_SET)
		return api_reply(req, 200, json_pack("{s:o}", "tags", tags));
	json_decref(tags);
	return api_reply(req, op == CP_TAG_ADD ? 201 : 204, NULL);
}
