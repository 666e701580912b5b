/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1 servers under /compute/v2.1/servers, and the node agents'
 * reports under /internal/v1/nodes/{node}/servers/{id}/{status,console}.
 * Microversion 2.1 only, as the version document says.
 */
#include "api.h"
#include "../controlplane/compute/server.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int server_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *s;
	int rc = api_body_member(req, "server", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_server_create(&req->ctx, body, req->srv->volume_dir, req->srv->image_dir, &s);
	if (rc)
		return rc;
	/* Nova answers a create with the id, links and the admin password only. */
	return api_reply(req, 202, json_pack("{s:{s:O, s:O, s:s, s:O}}", "server", "id",
		json_object_get(s, "id"), "links", json_object_get(s, "links"), "OS-DCF:diskConfig",
		"MANUAL", "security_groups", json_object_get(s, "security_groups")));
}

/* Whether the address regex re (Nova's "ip" filter) matches one of s's addresses. */
static bool has_ip(const json_t *s, const regex_t *re)
{
	const char *net;
	const json_t *list, *a;
	size_t i;

	json_object_foreach((json_t *)json_object_get(s, "addresses"), net, list)
		json_array_foreach(list, i, a)
			if (regexec(re, cp_json_str(a, "addr") ?: "", 0, NULL, 0) == 0)
				return true;
	return false;
}

/* Nova's list filters the CLI sends: name and ip are regular expressions
 * searched for (Python's re.search), status, flavor, image exact, host for
 * admins only (others' host filter is ignored, as Nova does). */
static bool wanted(struct api_req *req, const json_t *s, const regex_t *name, const regex_t *ip)
{
	const char *status = api_query(req, "status"), *flavor = api_query(req, "flavor");
	const char *image = api_query(req, "image"), *host = api_query(req, "host");

	if (name && regexec(name, cp_json_str(s, "name") ?: "", 0, NULL, 0) != 0)
		return false;
	if (ip && !has_ip(s, ip))
		return false;
	if (status && strcasecmp(cp_json_str(s, "status") ?: "", status) != 0)
		return false;
	if (flavor && strcmp(cp_json_str(json_object_get(s, "flavor"), "id") ?: "", flavor) != 0)
		return false;
	if (image && strcmp(cp_json_str(json_object_get(s, "image"), "id") ?: "", image) != 0)
		return false;
	if (host && req->caller.is_admin &&
		strcmp(cp_json_str(s, "OS-EXT-SRV-ATTR:host") ?: "", host) != 0)
		return false;
	return true;
}

/* Compiles the query's key as an extended regular expression into re:
 * NULL when absent, 400 when it is no expression. */
static int query_regex(struct api_req *req, const char *key, regex_t *re, regex_t **out)
{
	const char *v = api_query(req, key);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (regcomp(re, v, REG_EXTENDED | REG_NOSUB) != 0)
		return cp_fail(&req->ctx.err, -EINVAL, "badRequest",
			"Invalid regular expression for %s: %s", key, v);
	*out = re;
	return 0;
}

static int server_list(struct api_req *req, const void *arg)
{
	const char *all = api_query(req, "all_tenants");
	json_t *list, *s, *out;
	regex_t name_re, ip_re, *name = NULL, *ip = NULL;
	size_t i;
	int rc;

	rc = query_regex(req, "name", &name_re, &name);
	if (rc == 0)
		rc = query_regex(req, "ip", &ip_re, &ip);
	if (rc == 0)
		rc = cp_server_list(&req->ctx, all && strcmp(all, "0") && strcmp(all, "false"), &list);
	if (rc == 0) {
		out = json_array();
		json_array_foreach(list, i, s) {
			if (!wanted(req, s, name, ip))
				continue;
			json_array_append_new(out, arg ? json_incref(s) :
				json_pack("{s:O, s:O, s:O}", "id", json_object_get(s, "id"), "name",
					json_object_get(s, "name"), "links", json_object_get(s, "links")));
		}
		json_decref(list);
		rc = api_reply(req, 200, json_pack("{s:o}", "servers", out));
	}
	if (name)
		regfree(name);
	if (ip)
		regfree(ip);
	return rc;
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
	int rc = cp_server_delete(&req->ctx, req->arg[0], req->srv->volume_dir);

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
