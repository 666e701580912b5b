/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1 routes under /compute/v2.1: flavors (with their extra specs)
 * and keypairs. Microversion 2.1 only: the version document says so, and
 * the bodies are 2.1's whatever a client asks for.
 */
#include "api.h"
#include "../controlplane/compute/compute.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static json_t *with_links(struct api_req *req, json_t *f)
{
	char self[512], bookmark[512];
	const char *id = cp_json_str(f, "id");

	snprintf(self, sizeof(self), "%s/compute/v2.1/flavors/%s", api_base(req), id ? id : "");
	snprintf(bookmark, sizeof(bookmark), "%s/compute/flavors/%s", api_base(req), id ? id : "");
	json_object_set_new(f, "links",
			json_pack("[{s:s, s:s}, {s:s, s:s}]", "rel", "self", "href", self, "rel",
					"bookmark", "href", bookmark));
	/* 2.1 shows extra specs on their own URL, not in the flavor (2.61 does). */
	json_object_del(f, "extra_specs");
	return f;
}

static int flavor_list(struct api_req *req, const void *arg)
{
	bool detail = arg != NULL;
	json_t *all = NULL, *f, *out;
	size_t i;
	int rc = cp_flavor_list(&req->ctx, api_query(req, "is_public"), &all);

	if (rc)
		return rc;
	out = json_array();
	json_array_foreach(all, i, f)
	{
		json_t *row = with_links(req, json_incref(f));

		if (!detail) {
			json_t *brief = json_pack("{s:O, s:O, s:O}", "id", json_object_get(row, "id"),
					"name", json_object_get(row, "name"), "links",
					json_object_get(row, "links"));

			json_decref(row);
			row = brief;
		}
		json_array_append_new(out, row);
	}
	json_decref(all);
	return api_reply(req, 200, json_pack("{s:o}", "flavors", out));
}

static int flavor_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *f;
	int rc = api_body_member(req, "flavor", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_flavor_create(&req->ctx, body, &f);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "flavor", with_links(req, f)));
}

static int flavor_show(struct api_req *req, const void *arg)
{
	json_t *f;
	int rc = cp_flavor_show(&req->ctx, req->arg[0], &f);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "flavor", with_links(req, f)));
}

static int flavor_delete(struct api_req *req, const void *arg)
{
	int rc = cp_flavor_delete(&req->ctx, req->arg[0]);

	(void)arg;
	return rc ? rc : api_reply(req, 202, NULL);
}

static int specs_show(struct api_req *req, const void *arg)
{
	json_t *specs;
	int rc = cp_flavor_specs(&req->ctx, req->arg[0], &specs);
	const char *key = arg ? req->arg[1] : NULL;

	if (rc)
		return rc;
	if (key != NULL) {
		json_t *v = json_object_get(specs, key);

		if (v == NULL) {
			json_decref(specs);
			return cp_fail(&req->ctx.err, -ENOENT, "itemNotFound",
					"Flavor %s does not have extra spec with key %s.", req->arg[0],
					key);
		}
		rc = api_reply(req, 200, json_pack("{s:O}", key, v));
		json_decref(specs);
		return rc;
	}
	return api_reply(req, 200, json_pack("{s:o}", "extra_specs", specs));
}

static int specs_set(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *out;
	int rc;

	(void)arg;
	rc = api_body_member(req, "extra_specs", &body);
	if (rc == 0)
		rc = cp_flavor_specs_set(&req->ctx, req->arg[0], body, &out);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "extra_specs", out));
}

/* PUT .../os-extra_specs/KEY with {"KEY": "value"}. */
static int spec_put(struct api_req *req, const void *arg)
{
	const json_t *v = req->json ? json_object_get(req->json, req->arg[1]) : NULL;
	json_t *out;
	int rc;

	(void)arg;
	if (v == NULL || json_object_size(req->json) != 1)
		return cp_fail(&req->ctx.err, -EINVAL, "badRequest",
				"Request body and URI mismatch");
	rc = cp_flavor_specs_set(&req->ctx, req->arg[0], req->json, &out);
	return rc ? rc : api_reply(req, 200, out);
}

static int spec_delete(struct api_req *req, const void *arg)
{
	int rc = cp_flavor_spec_unset(&req->ctx, req->arg[0], req->arg[1]);

	(void)arg;
	return rc ? rc : api_reply(req, 200, NULL);
}

static int keypair_list(struct api_req *req, const void *arg)
{
	json_t *all;
	int rc = cp_keypair_list(&req->ctx, &all);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "keypairs", all));
}

static int keypair_create(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *k;
	int rc = api_body_member(req, "keypair", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_keypair_create(&req->ctx, body, &k);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "keypair", k));
}

static int keypair_show(struct api_req *req, const void *arg)
{
	json_t *k;
	int rc = cp_keypair_show(&req->ctx, req->arg[0], &k);

	(void)arg;
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", "keypair", k));
}

static int keypair_delete(struct api_req *req, const void *arg)
{
	int rc = cp_keypair_delete(&req->ctx, req->arg[0]);

	(void)arg;
	return rc ? rc : api_reply(req, 202, NULL);
}

static const int detail = 1, one_key = 1;

const struct api_route api_compute_routes[] = {
	{"GET", "/compute/v2.1/flavors", flavor_list, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/flavors/detail", flavor_list, &detail, 0, API_NOVA},
	{"POST", "/compute/v2.1/flavors", flavor_create, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/flavors/*", flavor_show, NULL, 0, API_NOVA},
	{"DELETE", "/compute/v2.1/flavors/*", flavor_delete, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/flavors/*/os-extra_specs", specs_show, NULL, 0, API_NOVA},
	{"POST", "/compute/v2.1/flavors/*/os-extra_specs", specs_set, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/flavors/*/os-extra_specs/*", specs_show, &one_key, 0, API_NOVA},
	{"PUT", "/compute/v2.1/flavors/*/os-extra_specs/*", spec_put, NULL, 0, API_NOVA},
	{"DELETE", "/compute/v2.1/flavors/*/os-extra_specs/*", spec_delete, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-keypairs", keypair_list, NULL, 0, API_NOVA},
	{"POST", "/compute/v2.1/os-keypairs", keypair_create, NULL, 0, API_NOVA},
	{"GET", "/compute/v2.1/os-keypairs/*", keypair_show, NULL, 0, API_NOVA},
	{"DELETE", "/compute/v2.1/os-keypairs/*", keypair_delete, NULL, 0, API_NOVA},
	{NULL, NULL, NULL, NULL, 0, API_NOVA},
};
