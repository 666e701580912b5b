/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1 servers under /compute/v2.1/servers, and the node agents'
 * reports under /internal/v1/nodes/{node}/servers/{id}/{status,console}.
 * Microversion 2.1 only, as the version document says.
 */
#include "api.h"
#include "../controlplane/compute/server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int server_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *s;
	int rc = api_body_member(req, "server", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_server_create(&req->ctx, body, &s);
	if (rc)
		return rc;
	/* Nova answers a create with the id, links and the admin password only. */
	return api_reply(req, 202, json_pack("{s:{s:O, s:O, s:s, s:O}}", "server", "id",
		json_object_get(s, "id"), "links", json_object_get(s, "links"), "OS-DCF:diskConfig",
		"MANUAL", "security_groups", json_object_get(s, "security_groups")));
}

static int server_list(struct api_req *req, const void *arg)
{
	const char *all = api_query(req, "all_tenants");
	const char *name = api_query(req, "name"), *status = api_query(req, "status");
	json_t *list, *s, *out = json_array();
	size_t i;
	int rc;

	rc = cp_server_list(&req->ctx, all && strcmp(all, "0") && strcmp(all, "false"), &list);
	if (rc)
		return rc;
	json_array_foreach(list, i, s) {
		/* Nova's name filter is a regular expression; a substring covers the CLI's use. */
		if (name && !strstr(cp_json_str(s, "name") ?: "", name))
			continue;
		if (status && strcasecmp(cp_json_str(s, "status") ?: "", status) != 0)
			continue;
		json_array_append_new(out, arg ? json_incref(s) :
			json_pack("{s:O, s:O, s:O}", "id", json_object_get(s, "id"), "name",
				json_object_get(s, "name"), "links", json_object_get(s, "links")));
	}
	json_decref(list);
	return api_reply(req, 200, json_pack("{s:o}", "servers", out));
}

static int server_show(struct api_req *req, const void *arg)
{
	json_t *s;
	int rc = cp_server_show(&req->ctx, req->arg[0], &s);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "server", s));
}

static int server_update(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *s;
	int rc = api_body_member(req, "server", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_server_update(&req->ctx, req->arg[0], body, &s);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "server", s));
}

static int server_delete(struct api_req *req, const void *arg)
{
	int rc = cp_server_delete(&req->ctx, req->arg[0]);

	(void)arg;
	return rc ? rc : api_reply(req, 204, NULL);
}

/* POST .../action {"NAME": BODY}: one action a request. */
static int server_action(struct api_req *req, const void *arg)
{
	const char *name;
	json_t *v, *out;
	int rc;

	(void)arg;
	if (!json_is_object(req->json) || json_object_size(req->json) != 1)
		return cp_fail(&req->ctx.err, -EINVAL, "badRequest",
			"The action body must name one action.");
	json_object_foreach(req->json, name, v) {
		if (strcmp(name, "os-getConsoleOutput") == 0) {
			json_t *len = json_object_get(v, "length");
			long n = json_is_integer(len) ? (long)json_integer_value(len) :
				json_is_string(len) ? strtol(json_string_value(len), NULL, 10) : 0;

			rc = cp_server_console(&req->ctx, req->arg[0], n, &out);
			return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "output", out));
		}
		rc = cp_server_action(&req->ctx, req->arg[0], name, v);
		return rc ? rc : api_reply(req, 202, NULL);
	}
	return -EINVAL;
}

/* The server's ports as Nova's os-interface shows them. */
static int server_interfaces(struct api_req *req, const void *arg)
{
	json_t *list;
	int rc = cp_server_interfaces(&req->ctx, req->arg[0], &list);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "interfaceAttachments", list));
}

static int node_status(struct api_req *req, const void *arg)
{
	int rc;

	(void)arg;
	if (!json_is_object(req->json))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest", "Body must be an object");
	rc = cp_server_report(&req->ctx, req->arg[0], req->arg[1], req->json);
	return rc ? rc : api_reply(req, 204, NULL);
}

static int node_console(struct api_req *req, const void *arg)
{
	const char *text = cp_json_str(req->json, "output");
	int rc;

	(void)arg;
	if (text == NULL)
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Body must be {\"output\": STRING}");
	rc = cp_server_report_console(&req->ctx, req->arg[0], req->arg[1], text);
	return rc ? rc : api_reply(req, 204, NULL);
}

static const int detail = 1;

const struct api_route api_server_routes[] = {
	{"GET", "/compute/v2.1/servers", server_list, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/servers/detail", server_list, &detail, 0, API_NOVA},
	{"POST", "/compute/v2.1/servers", server_create, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/servers/*", server_show, NULL, 0, API_NOVA},
	{"PUT", "/compute/v2.1/servers/*", server_update, NULL, 0, API_NOVA},
	{"DELETE", "/compute/v2.1/servers/*", server_delete, NULL, 0, API_NOVA},
	{"POST", "/compute/v2.1/servers/*/action", server_action, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/servers/*/os-interface", server_interfaces, NULL, 0, API_NOVA},
	{"PUT", "/internal/v1/nodes/*/servers/*/status", node_status, NULL, API_NODE, API_NOVA},
	{"PUT", "/internal/v1/nodes/*/servers/*/console", node_console, NULL, API_NODE, API_NOVA},
	{NULL, NULL, NULL, NULL, 0, API_NOVA},
};
