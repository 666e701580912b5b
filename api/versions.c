/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Version discovery documents, unauthenticated, for every service in the
 * catalog (clients ask for them before anything else).
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

static json_t *self_link(struct api_req *req, const char *path)
{
	char href[512];

	snprintf(href, sizeof(href), "%s%s", api_base(req), path);
	return json_pack("[{s:s, s:s}]", "rel", "self", "href", href);
}

static json_t *identity_v3(struct api_req *req)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:[{s:s, s:s}]}", "id", "v3.14", "status", "stable",
		"updated", "2020-04-07T00:00:00Z", "links", self_link(req, "/identity/v3/"),
		"media-types", "base", "application/json", "type",
		"application/vnd.openstack.identity-v3+json");
}

static int identity_versions(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 300, json_pack("{s:{s:[o]}}", "versions", "values", identity_v3(req)));
}

static int identity_version(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:o}", "version", identity_v3(req)));
}

static int network_versions(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:[{s:s, s:s, s:o}]}", "versions", "id", "v2.0",
					   "status", "CURRENT", "links",
					   self_link(req, "/network/v2.0/")));
}

static int network_version(struct api_req *req, const void *arg)
{
	static const char *const collections[] = {"networks", "subnets", "ports", "routers",
		"floatingips", "security-groups", "security-group-rules"};
	json_t *res = json_array();

	(void)arg;
	for (size_t i = 0; i < sizeof(collections) / sizeof(collections[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), "/network/v2.0/%s", collections[i]);
		json_array_append_new(res, json_pack("{s:s, s:s, s:o}", "name", collections[i],
						   "collection", collections[i], "links",
						   self_link(req, path)));
	}
	return api_reply(req, 200, json_pack("{s:o}", "resources", res));
}

/* Compute, image and volume are placeholders: they only describe themselves. */
static json_t *microversion_doc(struct api_req *req, const char *id, const char *max,
	const char *min, const char *path)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", id, "status", "CURRENT", "version",
		max, "min_version", min, "updated", "2013-07-23T11:33:21Z", "links",
		self_link(req, path));
}

static int compute_versions(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:[o]}", "versions",
					   microversion_doc(req, "v2.1", "2.1", "2.1",
						   "/compute/v2.1/")));
}

static int compute_version(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:o}", "version",
					   microversion_doc(req, "v2.1", "2.1", "2.1",
						   "/compute/v2.1/")));
}

static int image_versions(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:[{s:s, s:s, s:o}]}", "versions", "id", "v2.9",
					   "status", "CURRENT", "links",
					   self_link(req, "/image/v2/")));
}

static int volume_versions(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:[o]}", "versions",
					   microversion_doc(req, "v3.0", "3.70", "3.0",
						   "/volume/v3/")));
}

static int volume_version(struct api_req *req, const void *arg)
{
	(void)arg;
	return api_reply(req, 200, json_pack("{s:o}", "version",
					   microversion_doc(req, "v3.0", "3.70", "3.0",
						   "/volume/v3/")));
}

const struct api_route api_version_routes[] = {
	{"GET", "/identity", identity_versions, NULL, API_NOAUTH, API_KEYSTONE},
	{"GET", "/identity/v3", identity_version, NULL, API_NOAUTH, API_KEYSTONE},
	{"GET", "/network", network_versions, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/network/v2.0", network_version, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/compute", compute_versions, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/compute/v2.1", compute_version, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/image", image_versions, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/image/v2", image_versions, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/volume", volume_versions, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/volume/v3", volume_version, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/volume/v3/*", volume_version, NULL, API_NOAUTH, API_NEUTRON},
	{NULL, NULL, NULL, NULL, 0, 0},
};
