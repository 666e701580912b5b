/* SPDX-License-Identifier: Apache-2.0 */
/* Request body and query-string helpers shared by every handler. */
#include "api.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int api_body_member(struct api_req *req, const char *key, const json_t **out)
{
	const json_t *v = json_is_object(req->json) ? json_object_get(req->json, key) : NULL;

	if (!json_is_object(v))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Resource body required: expected an object under '%s'", key);
	if (json_object_size(req->json) != 1)
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Unexpected keys next to '%s' in the request body", key);
	*out = v;
	return 0;
}

const char *api_query(struct api_req *req, const char *key)
{
	const json_t *arr = json_object_get(req->query, key);

	return json_is_array(arr) ? json_string_value(json_array_get(arr, 0)) : NULL;
}

static bool is_paging_key(const char *key)
{
	static const char *const keys[] = {"fields", "sort_key", "sort_dir", "limit", "marker",
		"page_reverse", "include_names", "effective", "verbose"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

int api_list_opts(struct api_req *req, struct cp_list_opts *opts)
{
	const json_t *keys = json_object_get(req->query, "sort_key");
	const json_t *dirs = json_object_get(req->query, "sort_dir");
	const char *limit = api_query(req, "limit"), *key;
	json_t *vals;
	size_t i;

	memset(opts, 0, sizeof(*opts));
	opts->filters = json_object();
	json_object_foreach(req->query, key, vals)
		if (!is_paging_key(key))
			json_object_set(opts->filters, key, vals);
	opts->fields = json_incref(json_object_get(req->query, "fields"));
	if (limit) {
		char *end;
		long n = strtol(limit, &end, 10);

		if (*end || n < 0 || n > 100000)
			return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
				"Bad limit request: limit must be a non-negative integer");
		opts->limit = (int)n;
	}
	opts->marker = api_query(req, "marker");
	key = api_query(req, "page_reverse");
	opts->page_reverse = key && (strcmp(key, "True") == 0 || strcmp(key, "true") == 0);
	for (i = 0; i < json_array_size(keys) && i < CP_MAX_SORT; i++) {
		const char *dir = json_string_value(json_array_get(dirs, i));

		opts->sort_keys[i] = json_string_value(json_array_get(keys, i));
		if (dir && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)
			return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
				"Bad sort_dir '%s': must be asc or desc", dir);
		opts->sort_desc[i] = dir && strcmp(dir, "desc") == 0;
	}
	opts->n_sort = (int)i;
	/* Neutron sorts by id last so pages are stable. */
	if (opts->n_sort > 0 && opts->n_sort < CP_MAX_SORT) {
		opts->sort_keys[opts->n_sort] = "id";
		opts->sort_desc[opts->n_sort] = opts->sort_desc[0];
		opts->n_sort++;
	}
	return 0;
}

void api_list_opts_free(struct cp_list_opts *opts)
{
	json_decref(opts->filters);
	json_decref(opts->fields);
	opts->filters = opts->fields = NULL;
}

int api_reply(struct api_req *req, int status, json_t *body)
{
	json_decref(req->resp);
	free(req->resp_text);
	req->resp_text = NULL;
	req->status = status;
	req->resp = body;
	return 0;
}

int api_reply_text(struct api_req *req, int status, char *text)
{
	api_reply(req, status, NULL);
	req->resp_text = text;
	return 0;
}

const char *api_base(struct api_req *req)
{
	return req->srv->identity.base_url;
}
