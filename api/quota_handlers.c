/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron's quota extension ("quotas"): show, defaults, usage details,
 * set and reset one project's limits, list the projects that have some;
 * and Nova's and Cinder's quota sets, read-only (core/unserved_quotas.h).
 */
#include "api.h"
#include "../controlplane/network/quota.h"
#include "../controlplane/core/unserved_quotas.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static int quota_list(struct api_req *req, const void *arg)
{
	json_t *list = NULL;
	int rc = cp_quota_list(&req->ctx, &list);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "quotas", list));
}

/* arg is the enum cp_quota_view to answer with. */
static int quota_show(struct api_req *req, const void *arg)
{
	const enum cp_quota_view *view = arg;
	json_t *q = NULL;
	int rc = cp_quota_show(&req->ctx, req->arg[0], *view, &q);

	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "quota", q));
}

static int quota_update(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *q = NULL;
	int rc = api_body_member(req, "quota", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_quota_update(&req->ctx, req->arg[0], body, &q);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "quota", q));
}

static int quota_reset(struct api_req *req, const void *arg)
{
	int rc = cp_quota_reset(&req->ctx, req->arg[0]);

	(void)arg;
	return rc ? rc : api_reply(req, 204, NULL);
}

/* GET /quotas/project (and the older /quotas/tenant): which project the
 * token is scoped to, under the name asked for. */
static int quota_whoami(struct api_req *req, const void *arg)
{
	const char *key = arg;
	char id_key[16];

	snprintf(id_key, sizeof(id_key), "%s_id", key);
	return api_reply(req, 200, json_pack("{s:{s:s}}", key, id_key, req->caller.project_id));
}

/* Nova's and Cinder's quota sets (read-only defaults until Virga serves
 * them). arg is the service; Nova's /detail and Cinder's ?usage=true show
 * usage. Cinder's project is the URL's last segment, after its own. */
static int unserved_show(struct api_req *req, const void *arg)
{
	const enum cp_unserved_service *svc = arg;
	const char *usage = api_query(req, "usage");
	const char *project = *svc == CP_UNSERVED_VOLUME ? req->arg[1] : req->arg[0];
	bool detail = strcmp(req->seg[req->nseg - 1], "detail") == 0 ||
		(usage && strcasecmp(usage, "true") == 0);
	json_t *q = NULL;
	int rc = cp_unserved_quota_set(&req->ctx, *svc, project, detail, &q);

	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "quota_set", q));
}

static const enum cp_unserved_service s_compute = CP_UNSERVED_COMPUTE,
				      s_volume = CP_UNSERVED_VOLUME;

static const enum cp_quota_view v_limits = CP_QUOTA_LIMITS, v_defaults = CP_QUOTA_DEFAULTS,
				v_details = CP_QUOTA_DETAILS;

/* The literal paths come before "quotas/ *", which would take them as ids. */
const struct api_route api_quota_routes[] = {
	{"GET", "/network/v2.0/quotas", quota_list, NULL, 0, API_NEUTRON},
	{"GET", "/network/v2.0/quotas/project", quota_whoami, "project", 0, API_NEUTRON},
	{"GET", "/network/v2.0/quotas/tenant", quota_whoami, "tenant", 0, API_NEUTRON},
	{"GET", "/network/v2.0/quotas/*", quota_show, &v_limits, 0, API_NEUTRON},
	{"PUT", "/network/v2.0/quotas/*", quota_update, NULL, 0, API_NEUTRON},
	{"DELETE", "/network/v2.0/quotas/*", quota_reset, NULL, 0, API_NEUTRON},
	{"GET", "/network/v2.0/quotas/*/default", quota_show, &v_defaults, 0, API_NEUTRON},
	{"GET", "/network/v2.0/quotas/*/details", quota_show, &v_details, 0, API_NEUTRON},
	{"GET", "/compute/v2.1/os-quota-sets/*", unserved_show, &s_compute, 0, API_NEUTRON},
	{"GET", "/compute/v2.1/os-quota-sets/*/defaults", unserved_show, &s_compute, 0,
		API_NEUTRON},
	{"GET", "/compute/v2.1/os-quota-sets/*/detail", unserved_show, &s_compute, 0, API_NEUTRON},
	{"GET", "/volume/v3/*/os-quota-sets/*", unserved_show, &s_volume, 0, API_NEUTRON},
	{"GET", "/volume/v3/*/os-quota-sets/*/defaults", unserved_show, &s_volume, 0,
		API_NEUTRON},
	{NULL, NULL, NULL, NULL, 0, 0},
};
