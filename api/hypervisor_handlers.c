/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1 routes an operator reads the nodes through:
 * os-hypervisors (list, detail, show; controlplane/compute/hypervisor.c),
 * and what `openstack hypervisor show` asks beside the hypervisor: its
 * uptime, which no node reports (501, Nova's answer for a driver that
 * does not tell, and the one answer the client expects besides the
 * uptime), and the host aggregates, of which Virga has none.
 */
#include "api.h"
#include "../controlplane/compute/server.h"

#include <errno.h>

static int hypervisor_list(struct api_req *req, const void *arg)
{
	json_t *all;
	int rc = cp_hypervisor_list(&req->ctx, arg != NULL, &all);

	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "hypervisors", all));
}

static int hypervisor_show(struct api_req *req, const void *arg)
{
	json_t *h;
	int rc = cp_hypervisor_show(&req->ctx, req->arg[0], &h);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "hypervisor", h));
}

static int hypervisor_uptime(struct api_req *req, const void *arg)
{
	json_t *h;
	int rc = cp_hypervisor_show(&req->ctx, req->arg[0], &h);

	(void)arg;
	if (rc)
		return rc;
	json_decref(h);
	return cp_fail(&req->ctx.err, -ENOSYS, "notImplemented",
		"Virt driver does not implement uptime function.");
}

static int aggregate_list(struct api_req *req, const void *arg)
{
	(void)arg;
	if (!req->caller.is_admin)
		return cp_fail(&req->ctx.err, -EPERM, "forbidden",
			"Policy doesn't allow os_compute_api:os-aggregates:index to be performed.");
	return api_reply(req, 200, json_pack("{s:[]}", "aggregates"));
}

static const int detail = 1;

const struct api_route api_hypervisor_routes[] = {
	{"GET", "/compute/v2.1/os-hypervisors", hypervisor_list, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-hypervisors/detail", hypervisor_list, &detail, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-hypervisors/*", hypervisor_show, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-hypervisors/*/uptime", hypervisor_uptime, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-aggregates", aggregate_list, NULL, 0, API_NOVA},
	{NULL, NULL, NULL, NULL, 0, API_NOVA},
};
