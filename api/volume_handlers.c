/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cinder v3 routes under /volume/v3/{project_id}: the default volume type,
 * volumes (create, also from a snapshot, a volume or an image; list, show,
 * set, metadata, extend, delete) and snapshots, kept by their backend
 * driver (controlplane/volume/volume_driver.h). Fault bodies as Nova's
 * ({"itemNotFound": {"code": 404, "message": ...}}), which Cinder shares.
 * Microversion 3.0 bodies; 3.42 asked for allows extending an in-use volume.
 */
#include "api.h"
#include "../controlplane/compute/server.h"
#include "../controlplane/volume/volume.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The URL's project must be the token's (an admin may name any). */
static int project_ok(struct api_req *req)
{
	if (req->caller.is_admin || strcmp(req->arg[0], req->caller.project_id) == 0)
		return 0;
	return cp_fail(&req->ctx.err, -EPERM, "forbidden",
			"Policy doesn't allow this request on project %s.", req->arg[0]);
}

static json_t *with_links(struct api_req *req, json_t *v)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/volume/v3/%s/volumes/%s", api_base(req),
			cp_json_str(v, "os-vol-tenant-attr:tenant_id"), cp_json_str(v, "id"));
	json_object_set_new(v, "links", json_pack("[{s:s, s:s}]", "rel", "self", "href", href));
	return v;
}

static bool all_tenants(struct api_req *req);

static bool passes(struct api_req *req, const json_t *v)
{
	static const char *const keys[] = {"name", "status"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *want = api_query(req, keys[i]), *have = cp_json_str(v, keys[i]);

		if (want && (!have || strcmp(want, have) != 0))
			return false;
	}
	return true;
}

/*
 * A list answer under key: the rows that pass the name/status filters, whole
 * (detail) or as the short list's fields (NULL-terminated).
 */
static int list_reply(struct api_req *req, json_t *all, const char *key, bool detail,
		const char *const *brief)
{
	json_t *row, *out = json_array();
	size_t i;

	json_array_foreach(all, i, row)
	{
		json_t *one;

		if (!passes(req, row))
			continue;
		if (detail) {
			json_array_append(out, row);
			continue;
		}
		one = json_object();
		for (const char *const *k = brief; *k; k++)
			json_object_set(one, *k, json_object_get(row, *k));
		json_array_append_new(out, one);
	}
	json_decref(all);
	return api_reply(req, 200, json_pack("{s:o}", key, out));
}

static int volume_list(struct api_req *req, const void *arg)
{
	static const char *const brief[] = {"id", "name", "links", NULL};
	json_t *all, *v;
	size_t i;
	int rc = project_ok(req);

	if (rc == 0)
		rc = cp_volume_list(&req->ctx, all_tenants(req), &all);
	if (rc)
		return rc;
	json_array_foreach(all, i, v) with_links(req, v);
	return list_reply(req, all, "volumes", arg != NULL, brief);
}

static int volume_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *v;
	int rc = project_ok(req);

	(void)arg;
	if (rc == 0)
		rc = api_body_member(req, "volume", &body);
	if (rc == 0)
		rc = cp_volume_create(&req->ctx, body, req->srv->volume_dir, req->srv->image_dir, &v);
	return rc ? rc : api_reply(req, 202, json_pack("{s:o}", "volume", with_links(req, v)));
}

static int volume_show(struct api_req *req, const void *arg)
{
	json_t *v;
	int rc = project_ok(req);

	(void)arg;
	if (rc == 0)
		rc = cp_volume_show(&req->ctx, req->arg[1], &v);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "volume", with_links(req, v)));
}

static int volume_update(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *v;
	int rc = project_ok(req);

	(void)arg;
	if (rc == 0)
		rc = api_body_member(req, "volume", &body);
	if (rc == 0)
		rc = cp_volume_update(&req->ctx, req->arg[1], body, &v);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "volume", with_links(req, v)));
}

/* DELETE of a volume or a snapshot: arg points at the service's delete. */
typedef int (*delete_fn)(struct cp_ctx *ctx, const char *id, const char *store);

static int delete_one(struct api_req *req, const void *arg)
{
	const delete_fn *fn = arg;
	int rc = project_ok(req);

	if (rc == 0)
		rc = (*fn)(&req->ctx, req->arg[1], req->srv->volume_dir);
	return rc ? rc : api_reply(req, 202, NULL);
}

/* .../volumes/ID/metadata: GET, POST (merge), PUT (replace); .../metadata/KEY: DELETE. */
static int volume_metadata(struct api_req *req, const void *arg)
{
	const char *how = arg;
	const json_t *set = NULL;
	json_t *meta;
	int rc = project_ok(req);

	if (rc)
		return rc;
	if (how[0] == 'P' && (rc = api_body_member(req, "metadata", &set)) != 0)
		return rc;
	rc = cp_volume_metadata(&req->ctx, req->arg[1], set, strcmp(how, "PUT") == 0,
			how[0] == 'D' ? req->arg[2] : NULL, &meta);
	if (rc)
		return rc;
	if (how[0] == 'D') {
		json_decref(meta);
		return api_reply(req, 200, NULL);
	}
	return api_reply(req, 200, json_pack("{s:o}", "metadata", meta));
}

/* POST .../volumes/ID/action: os-extend only, so far (in-use from 3.42). */
static int volume_action(struct api_req *req, const void *arg)
{
	const json_t *ext = req->json ? json_object_get(req->json, "os-extend") : NULL;
	const json_t *size = ext ? json_object_get(ext, "new_size") : NULL;
	char server_id[CP_ID_LEN];
	json_int_t gb = -1;
	int rc = project_ok(req);

	(void)arg;
	if (rc)
		return rc;
	if (ext == NULL)
		return cp_fail(&req->ctx.err, -EINVAL, "badRequest",
				"There is no such action (only os-extend so far)");
	if (json_is_integer(size))
		gb = json_integer_value(size);
	else if (json_is_string(size))
		gb = strtoll(json_string_value(size), NULL, 10);
	/* 3.42: an in-use volume too, its server told as Cinder tells Nova. */
	rc = cp_volume_extend(&req->ctx, req->arg[1], gb, req->srv->volume_dir,
			api_volume_version_at_least(req, 3, 42), server_id);
	if (rc == 0 && server_id[0] &&
			cp_server_volume_extended(&req->ctx, server_id, req->arg[1], gb) != 0)
		/* As in Cinder, the extend stands: the guest sees it when it next starts. */
		fprintf(stderr, "virga-controller: volume %s extended, but server %s not told: %s\n",
				req->arg[1], server_id, req->ctx.err.msg);
	return rc ? rc : api_reply(req, 202, NULL);
}

static bool all_tenants(struct api_req *req)
{
	const char *a = api_query(req, "all_tenants");

	return a && strcmp(a, "0") != 0 && strcasecmp(a, "false") != 0;
}

static int snapshot_list(struct api_req *req, const void *arg)
{
	static const char *const brief[] = {"id", "name", "volume_id", "status", "size", NULL};
	json_t *all;
	int rc = project_ok(req);

	if (rc == 0)
		rc = cp_snapshot_list(&req->ctx, all_tenants(req), &all);
	return rc ? rc : list_reply(req, all, "snapshots", arg != NULL, brief);
}

static int snapshot_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *sn;
	int rc = project_ok(req);

	(void)arg;
	if (rc == 0)
		rc = api_body_member(req, "snapshot", &body);
	if (rc == 0)
		rc = cp_snapshot_create(&req->ctx, body, req->srv->volume_dir, &sn);
	return rc ? rc : api_reply(req, 202, json_pack("{s:o}", "snapshot", sn));
}

static int snapshot_show(struct api_req *req, const void *arg)
{
	json_t *sn;
	int rc = project_ok(req);

	(void)arg;
	if (rc == 0)
		rc = cp_snapshot_show(&req->ctx, req->arg[1], &sn);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "snapshot", sn));
}

/* The default type as the caller sees it: which backend is for admins only,
 * as Cinder keeps volume_backend_name from users. */
static json_t *type_view(struct api_req *req)
{
	json_t *t = cp_volume_default_type();

	if (!req->caller.is_admin)
		json_object_del(json_object_get(t, "extra_specs"), "volume_backend_name");
	return t;
}

static int type_list(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:[o]}", "volume_types", type_view(req)));
}

static int type_show(struct api_req *req, const void *arg)
{
	json_t *t = type_view(req);
	const char *want = arg ? NULL : req->arg[1];

	if (want && strcmp(want, cp_json_str(t, "id")) && strcmp(want, cp_json_str(t, "name"))) {
		json_decref(t);
		return cp_fail(&req->ctx.err, -ENOENT, "itemNotFound",
				"Volume type %s could not be found.", want);
	}
	return api_reply(req, 200, json_pack("{s:o}", "volume_type", t));
}

static const int detail = 1, the_default = 1;
static const delete_fn volume_delete = cp_volume_delete, snapshot_delete = cp_snapshot_delete;

const struct api_route api_volume_routes[] = {
	{"GET", "/volume/v3/*/types", type_list, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/types/default", type_show, &the_default, 0, API_NOVA},
	{"GET", "/volume/v3/*/types/*", type_show, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/volumes", volume_list, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/volumes/detail", volume_list, &detail, 0, API_NOVA},
	{"POST", "/volume/v3/*/volumes", volume_create, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/volumes/*", volume_show, NULL, 0, API_NOVA},
	{"PUT", "/volume/v3/*/volumes/*", volume_update, NULL, 0, API_NOVA},
	{"DELETE", "/volume/v3/*/volumes/*", delete_one, &volume_delete, 0, API_NOVA},
	{"POST", "/volume/v3/*/volumes/*/action", volume_action, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/snapshots", snapshot_list, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/snapshots/detail", snapshot_list, &detail, 0, API_NOVA},
	{"POST", "/volume/v3/*/snapshots", snapshot_create, NULL, 0, API_NOVA},
	{"GET", "/volume/v3/*/snapshots/*", snapshot_show, NULL, 0, API_NOVA},
	{"DELETE", "/volume/v3/*/snapshots/*", delete_one, &snapshot_delete, 0, API_NOVA},
	{"GET", "/volume/v3/*/volumes/*/metadata", volume_metadata, "GET", 0, API_NOVA},
	{"POST", "/volume/v3/*/volumes/*/metadata", volume_metadata, "POST", 0, API_NOVA},
	{"PUT", "/volume/v3/*/volumes/*/metadata", volume_metadata, "PUT", 0, API_NOVA},
	{"DELETE", "/volume/v3/*/volumes/*/metadata/*", volume_metadata, "DELETE", 0, API_NOVA},
	{NULL, NULL, NULL, NULL, 0, API_NOVA},
};
