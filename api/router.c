/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Route matching and the authentication middleware: every route but
 * version discovery and token creation needs a valid X-Auth-Token.
 */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

static const struct api_route *const tables[] = {
	api_version_routes,
	api_identity_routes,
	api_app_cred_routes,
	api_ec2_routes,
	api_domain_config_routes,
	api_role_routes,
	api_network_routes,
	api_quota_routes,
	api_feed_routes,
	api_image_routes,
	api_image_data_routes,
	api_compute_routes,
	api_hypervisor_routes,
	api_server_routes,
	api_server_volume_routes,
	api_volume_routes,
};

/* Whether req's path matches pattern; captures "*" segments into req->arg. */
static bool path_matches(struct api_req *req, const char *pattern)
{
	char buf[256], *p, *save = NULL;
	int i = 0, nargs = 0;

	snprintf(buf, sizeof(buf), "%s", pattern);
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save), i++) {
		if (i >= req->nseg)
			return false;
		if (strcmp(p, "*") == 0) {
			if (nargs < 4)
				req->arg[nargs++] = req->seg[i];
		} else if (strcmp(p, req->seg[i]) != 0) {
			return false;
		}
	}
	return i == req->nseg;
}

/* The service types each mount serves (the catalog's, catalog.c). */
static const struct {
	const char *mount;
	const char *types[4];
} mounts[] = {
	{"identity", {"identity"}},
	{"network", {"network"}},
	{"compute", {"compute"}},
	{"image", {"image"}},
	{"volume", {"block-storage", "volumev3", "volume"}},
};

/* A token of an application credential with access rules: the request
 * must match one, by the path as the service under its mount sees it
 * ("/v2.1/servers/..." under /compute), as keystonemiddleware checks. */
static int access_rules_check(struct api_req *req)
{
	char path[1024] = "";
	size_t n = 0;

	for (int i = 1; i < req->nseg && n < sizeof(path); i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "/%s", req->seg[i]);
	for (size_t m = 0; req->nseg > 0 && m < sizeof(mounts) / sizeof(mounts[0]); m++)
		if (strcmp(req->seg[0], mounts[m].mount) == 0)
			return cp_identity_app_cred_permits(&req->ctx, req->caller.app_cred_id,
				mounts[m].types, req->method, path[0] ? path : "/");
	return cp_fail(&req->ctx.err, -ENOKEY, "Unauthorized",
		"The application credential's access rules do not allow this request.");
}

static int authenticate(struct api_req *req)
{
	const char *svc = req->srv->identity.service_token;
	int rc;

	if (!req->token || !req->token[0])
		return cp_fail(&req->ctx.err, -ENOKEY, "Unauthorized",
			"The request you have made requires authentication.");
	if (svc[0] && strlen(req->token) == strlen(svc) &&
		sodium_memcmp(req->token, svc, strlen(svc)) == 0) {
		memset(&req->caller, 0, sizeof(req->caller));
		req->caller.is_service = true;
		return 0;
	}
	rc = cp_identity_validate(&req->ctx, req->token, &req->caller, NULL);
	return rc == 0 && req->caller.app_cred_rules ? access_rules_check(req) : rc;
}

static int parse_body(struct api_req *req)
{
	json_error_t jerr;

	if (!req->body_len)
		return 0;
	/* Any JSON value, as Python's json.loads takes it: a call whose body does
	 * not matter may send one that is not an object (tempest's tag create
	 * sends "{}", a string), and handlers check the shape they need. */
	req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
		&jerr);
	if (!req->json)
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Malformed JSON in request body: %s", jerr.text);
	return 0;
}

static int run(struct api_req *req)
{
	bool path_found = false;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct api_route *r = tables[t]; r->method; r++) {
			int rc;

			if (!path_matches(req, r->pattern))
				continue;
			path_found = true;
			req->flavor = r->flavor;
			if (strcmp(r->method, req->method) != 0 &&
				!(strcmp(r->method, "GET") == 0 && strcmp(req->method, "HEAD") == 0))
				continue;
			/* Which node before whether an agent at all: a node with a
			 * wrong certificate hears about the certificate. */
			if ((r->flags & API_NODE) && (rc = api_node_cert_check(req, req->arg[0])))
				return rc;
			if (!(r->flags & API_NOAUTH) && (rc = authenticate(req)))
				return rc;
			if ((rc = api_nova_microversion(req)))
				return rc;
			if (!(r->flags & API_STREAM) && (rc = parse_body(req)))
				return rc;
			return r->handler(req, r->arg);
		}
	}
	if (path_found)
		return cp_fail(&req->ctx.err, -EOPNOTSUPP, "HTTPMethodNotAllowed",
			"Method %s is not allowed on this resource", req->method);
	return cp_fail(&req->ctx.err, -ENOENT, "HTTPNotFound", "The resource could not be found.");
}

bool api_route_streams(const char *method, const char *url)
{
	struct api_req req = {.method = method};
	char *p, *save = NULL;

	snprintf(req.path, sizeof(req.path), "%s", url);
	for (p = strtok_r(req.path, "/", &save); p && req.nseg < API_MAX_SEGS;
		p = strtok_r(NULL, "/", &save))
		req.seg[req.nseg++] = p;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct api_route *r = tables[t]; r->method; r++)
			if ((r->flags & API_STREAM) && strcmp(r->method, method) == 0 &&
				path_matches(&req, r->pattern))
				return true;
	return false;
}

void api_dispatch(struct api_req *req)
{
	api_answer(req, run(req));
}

void api_answer(struct api_req *req, int rc)
{
	if (rc == 0 && (req->status || req->stream))
		return;
	if (rc == 0)
		rc = cp_fail(&req->ctx.err, -EIO, "InternalError", "handler gave no answer");
	if (!req->ctx.err.code)
		cp_fail(&req->ctx.err, rc, "HTTPError", "Request failed: %s", strerror(-rc));
	json_decref(req->resp);
	free(req->resp_text);
	req->resp_text = NULL;
	req->subject_token[0] = '\0';
	req->status = api_http_status(rc);
	req->resp = api_error_body(req->flavor, req->status, &req->ctx.err);
}
