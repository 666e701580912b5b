/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Glance v2 routes under /image/v2: images are sent bare (no wrapper key),
 * with the self/file/schema links the client reads. Metadata only so far.
 */
#include "api.h"
#include "../controlplane/image/image.h"

#include <stdio.h>
#include <string.h>

static json_t *with_links(json_t *img)
{
	char href[128];
	const char *id = cp_json_str(img, "id");

	snprintf(href, sizeof(href), "/v2/images/%s", id ? id : "");
	json_object_set_new(img, "self", json_string(href));
	snprintf(href, sizeof(href), "/v2/images/%s/file", id ? id : "");
	json_object_set_new(img, "file", json_string(href));
	json_object_set_new(img, "schema", json_string("/v2/schemas/image"));
	return img;
}

/* The equality filters the CLI sends (name, status, visibility, owner). */
static bool passes(struct api_req *req, const json_t *img)
{
	static const char *const keys[] = {"name", "status", "visibility", "owner"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *want = api_query(req, keys[i]), *have = cp_json_str(img, keys[i]);

		if (want && strcmp(keys[i], "visibility") == 0 && strcmp(want, "all") == 0)
			continue;
		if (want && (!have || strcmp(want, have) != 0))
			return false;
	}
	return true;
}

static int image_list(struct api_req *req, const void *arg)
{
	json_t *all = NULL, *img, *out;
	size_t i;
	int rc = cp_image_list(&req->ctx, &all);

	(void)arg;
	if (rc)
		return rc;
	out = json_array();
	json_array_foreach(all, i, img) if (passes(req, img))
	                json_array_append_new(out, with_links(json_incref(img)));
	json_decref(all);
	return api_reply(req, 200,
	                json_pack("{s:o, s:s, s:s}", "images", out, "first", "/v2/images", "schema",
	                                "/v2/schemas/images"));
}

static int image_create(struct api_req *req, const void *arg)
{
	json_t *img = NULL;
	int rc = cp_image_create(&req->ctx, req->json, &img);

	(void)arg;
	return rc ? rc : api_reply(req, 201, with_links(img));
}

static int image_show(struct api_req *req, const void *arg)
{
	json_t *img = NULL;
	int rc = cp_image_show(&req->ctx, req->arg[0], &img);

	(void)arg;
	return rc ? rc : api_reply(req, 200, with_links(img));
}

static int image_update(struct api_req *req, const void *arg)
{
	json_t *img = NULL;
	int rc = cp_image_update(&req->ctx, req->arg[0], req->json, &img);

	(void)arg;
	return rc ? rc : api_reply(req, 200, with_links(img));
}

static int image_delete(struct api_req *req, const void *arg)
{
	int rc = cp_image_delete(&req->ctx, req->arg[0], req->srv->image_dir);

	(void)arg;
	return rc ? rc : api_reply(req, 204, NULL);
}

const struct api_route api_image_routes[] = {
	{"GET", "/image/v2/images", image_list, NULL, 0, API_GLANCE},
	{"POST", "/image/v2/images", image_create, NULL, 0, API_GLANCE},
	{"GET", "/image/v2/images/*", image_show, NULL, 0, API_GLANCE},
	{"PATCH", "/image/v2/images/*", image_update, NULL, 0, API_GLANCE},
	{"DELETE", "/image/v2/images/*", image_delete, NULL, 0, API_GLANCE},
	{NULL, NULL, NULL, NULL, 0, 0},
};
