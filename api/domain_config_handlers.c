/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's domain configuration routes (controlplane/identity/
 * domain_config.c): /v3/domains/{id}/config[/{group}[/{option}]] and the
 * defaults under /v3/domains/config/.../default.
 */
#include "api.h"

#include <errno.h>

/* Which of the path's "*" are group and option: the domain is arg[0]. */
enum dc_depth { DC_ALL, DC_GROUP, DC_OPTION };

static const enum dc_depth all = DC_ALL, group = DC_GROUP, option = DC_OPTION;

static const char *group_of(struct api_req *req, const void *arg, int first)
{
	return *(const enum dc_depth *)arg >= DC_GROUP ? req->arg[first] : NULL;
}

static const char *option_of(struct api_req *req, const void *arg, int first)
{
	return *(const enum dc_depth *)arg == DC_OPTION ? req->arg[first + 1] : NULL;
}

static int reply(struct api_req *req, int rc, int status, json_t *config)
{
	return rc < 0 ? rc : api_reply(req, status, json_pack("{s:o}", "config", config));
}

static int config_get(struct api_req *req, const void *arg)
{
	json_t *out;
	int rc = cp_domain_config_get(&req->ctx, req->arg[0], group_of(req, arg, 1),
		option_of(req, arg, 1), &out);

	return reply(req, rc, 200, out);
}

static int config_put(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *out;
	int rc = api_body_member(req, "config", &body);

	(void)arg;
	if (rc)
		return rc;
	rc = cp_domain_config_put(&req->ctx, req->arg[0], body, &out);
	return reply(req, rc, rc == 1 ? 201 : 200, out);
}

static int config_patch(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *out;
	int rc = api_body_member(req, "config", &body);

	if (rc)
		return rc;
	rc = cp_domain_config_update(&req->ctx, req->arg[0], group_of(req, arg, 1),
		option_of(req, arg, 1), body, &out);
	return reply(req, rc, 200, out);
}

static int config_delete(struct api_req *req, const void *arg)
{
	int rc = cp_domain_config_delete(&req->ctx, req->arg[0], group_of(req, arg, 1),
		option_of(req, arg, 1));

	return rc ? rc : api_reply(req, 204, NULL);
}

static int config_default(struct api_req *req, const void *arg)
{
	json_t *out;
	int rc = cp_domain_config_default(&req->ctx, group_of(req, arg, 0), option_of(req, arg, 0),
		&out);

	return reply(req, rc, 200, out);
}

#define V3 "/identity/v3/domains"
const struct api_route api_domain_config_routes[] = {
	{"GET", V3 "/config/default", config_default, &all, 0, API_KEYSTONE},
	{"GET", V3 "/config/*/default", config_default, &group, 0, API_KEYSTONE},
	{"GET", V3 "/config/*/*/default", config_default, &option, 0, API_KEYSTONE},
	{"GET", V3 "/*/config", config_get, &all, 0, API_KEYSTONE},
	{"PUT", V3 "/*/config", config_put, &all, 0, API_KEYSTONE},
	{"PATCH", V3 "/*/config", config_patch, &all, 0, API_KEYSTONE},
	{"DELETE", V3 "/*/config", config_delete, &all, 0, API_KEYSTONE},
	{"GET", V3 "/*/config/*", config_get, &group, 0, API_KEYSTONE},
	{"PATCH", V3 "/*/config/*", config_patch, &group, 0, API_KEYSTONE},
	{"DELETE", V3 "/*/config/*", config_delete, &group, 0, API_KEYSTONE},
	{"GET", V3 "/*/config/*/*", config_get, &option, 0, API_KEYSTONE},
	{"PATCH", V3 "/*/config/*/*", config_patch, &option, 0, API_KEYSTONE},
	{"DELETE", V3 "/*/config/*/*", config_delete, &option, 0, API_KEYSTONE},
	{NULL, NULL, NULL, NULL, 0, 0},
};
