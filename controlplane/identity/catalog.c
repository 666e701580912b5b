/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service catalog: every service under one address, devstack style.
 * Neutron is at /network (the SDK discovers v2.0 from its version list);
 * compute, image and volume are placeholders whose version documents answer.
 */
#include "identity.h"

#include <stdio.h>

static json_t *endpoints(const struct cp_identity *id, const char *svc, const char *url)
{
	static const char *const ifaces[] = {"public", "internal", "admin"};
	json_t *eps = json_array();

	for (int i = 0; i < 3; i++) {
		char eid[96];

		snprintf(eid, sizeof(eid), "%s-%s", svc, ifaces[i]);
		json_array_append_new(eps, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", eid,
						   "interface", ifaces[i], "region", id->region,
						   "region_id", id->region, "url", url));
	}
	return eps;
}

json_t *cp_identity_catalog(const struct cp_identity *id, const char *project_id)
{
	static const struct {
		const char *type, *name, *path;
		bool per_project;
	} services[] = {
		{"identity", "keystone", "/identity", false},
		{"network", "neutron", "/network", false},
		{"compute", "nova", "/compute/v2.1", false},
		{"image", "glance", "/image", false},
		{"block-storage", "cinder", "/volume/v3/", true},
		{"volumev3", "cinderv3", "/volume/v3/", true},
	};
	json_t *cat = json_array();

	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		char url[512];

		snprintf(url, sizeof(url), "%s%s%s", id->base_url, services[i].path,
			services[i].per_project ? project_id : "");
		json_array_append_new(cat, json_pack("{s:s, s:s, s:s, s:o}", "id", services[i].name,
						   "type", services[i].type, "name",
						   services[i].name, "endpoints",
						   endpoints(id, services[i].name, url)));
	}
	return cat;
}
