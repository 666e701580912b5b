/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova's os-volume_attachments under
 * /compute/v2.1/servers/{id}/os-volume_attachments[/{volume_id}] (what
 * `openstack server add volume` and `server remove volume` call), and the
 * node agent's report on one of them under
 * /internal/v1/nodes/{node}/servers/{id}/volumes/{volume_id}.
 */
#include "api.h"
#include "../controlplane/compute/server.h"

#include <errno.h>

static int attach(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *a;
	int rc = api_body_member(req, "volumeAttachment", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_server_volume_attach(&req->ctx, req->arg[0], body, req->srv->volume_dir, &a);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "volumeAttachment", a));
}

static int list(struct api_req *req, const void *arg)
{
	json_t *all;
	int rc = cp_server_volume_list(&req->ctx, req->arg[0], &all);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "volumeAttachments", all));
}

static int show(struct api_req *req, const void *arg)
{
	json_t *a;
	int rc = cp_server_volume_show(&req->ctx, req->arg[0], req->arg[1], &a);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "volumeAttachment", a));
}

static int detach(struct api_req *req, const void *arg)
{
	int rc = cp_server_volume_detach(&req->ctx, req->arg[0], req->arg[1]);

	(void)arg;
	return rc ? rc : api_reply(req, 202, NULL);
}

static int node_report(struct api_req *req, const void *arg)
{
	int rc;

	(void)arg;
	if (!json_is_object(req->json))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest", "Body must be an object");
	rc = cp_server_report_volume(&req->ctx, req->arg[0], req->arg[1], req->arg[2], req->json);
	return rc ? rc : api_reply(req, 204, NULL);
}

const struct api_route api_server_volume_routes[] = {
	{"GET", "/compute/v2.1/servers/*/os-volume_attachments", list, NULL, 0, API_NOVA},
	{"POST", "/compute/v2.1/servers/*/os-volume_attachments", attach, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/servers/*/os-volume_attachments/*", show, NULL, 0, API_NOVA},
	{"DELETE", "/compute/v2.1/servers/*/os-volume_attachments/*", detach, NULL, 0, API_NOVA},
	{"PUT", "/internal/v1/nodes/*/servers/*/volumes/*", node_report, NULL, API_NODE, API_NOVA},
	{NULL, NULL, NULL, NULL, 0, API_NOVA},
};
