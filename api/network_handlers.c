/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron v2.0 routes: one generic set of list/create/show/update/delete
 * handlers for every collection, plus the router actions and extensions.
 */
#include "api.h"
#include "../controlplane/network/network.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct net_coll {
	const struct cp_kind *kind;
	const char *collection; /* JSON key of a list, e.g. "security_groups" */
	const char *member;     /* JSON key of one object */
	const char *path;       /* URL segment, e.g. "security-groups" */
};

static const struct net_coll c_networks = {&cp_kind_network, "networks", "network", "networks"};
static const struct net_coll c_subnets = {&cp_kind_subnet, "subnets", "subnet", "subnets"};
static const struct net_coll c_ports = {&cp_kind_port, "ports", "port", "ports"};
static const struct net_coll c_routers = {&cp_kind_router, "routers", "router", "routers"};
static const struct net_coll c_fips = {&cp_kind_floatingip, "floatingips", "floatingip",
	"floatingips"};
static const struct net_coll c_sgs = {&cp_kind_secgroup, "security_groups", "security_group",
	"security-groups"};
static const struct net_coll c_rules = {&cp_kind_secgroup_rule, "security_group_rules",
	"security_group_rule", "security-group-rules"};
static const struct net_coll c_pools = {&cp_kind_subnetpool, "subnetpools", "subnetpool",
	"subnetpools"};

/* Not in collections[]: Neutron's version document lists its core
 * resources, and agents are an extension's. */
static const struct net_coll c_agents = {&cp_kind_agent, "agents", "agent", "agents"};

static const struct net_coll *const collections[] = {&c_networks, &c_subnets, &c_ports,
	&c_routers, &c_fips, &c_sgs, &c_rules, &c_pools};

/* GET /v2.0/: Neutron names each resource by its member and collection
 * keys (what clients look up in bodies), the link by its URL. */
static int version_resources(struct api_req *req, const void *arg)
{
	json_t *res = json_array();

	(void)arg;
	for (size_t i = 0; i < sizeof(collections) / sizeof(collections[0]); i++) {
		char href[512];

		snprintf(href, sizeof(href), "%s/network/v2.0/%s", api_base(req),
			collections[i]->path);
		json_array_append_new(res, json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "name",
						   collections[i]->member, "collection",
						   collections[i]->collection, "links", "rel", "self",
						   "href", href));
	}
	return api_reply(req, 200, json_pack("{s:o}", "resources", res));
}

/* Neutron's next/previous links, built from the request's own query. */
static json_t *page_links(struct api_req *req, const struct net_coll *c, const json_t *items,
	const struct cp_list_opts *opts, bool more)
{
	json_t *links = json_array();
	const char *last = cp_json_str(json_array_get(items, json_array_size(items) - 1), "id");
	const char *first = cp_json_str(json_array_get(items, 0), "id");
	char href[1024];

	if (opts->limit <= 0 || !json_array_size(items))
		return links;
	if (more || opts->page_reverse) {
		snprintf(href, sizeof(href), "%s/network/v2.0/%s?limit=%d&marker=%s", api_base(req),
			c->path, opts->limit, opts->page_reverse ? first : last);
		if (!opts->page_reverse || more)
			json_array_append_new(links, json_pack("{s:s, s:s}", "rel",
							     opts->page_reverse ? "previous" : "next",
							     "href", href));
	}
	if (opts->marker && !opts->page_reverse) {
		snprintf(href, sizeof(href), "%s/network/v2.0/%s?limit=%d&marker=%s&page_reverse=True",
			api_base(req), c->path, opts->limit, first);
		json_array_append_new(links, json_pack("{s:s, s:s}", "rel", "previous", "href", href));
	}
	return links;
}

static json_t *project_fields(json_t *obj, const json_t *fields)
{
	json_t *out = cp_query_fields(obj, fields);

	json_decref(obj);
	return out;
}

static int net_list(struct api_req *req, const void *arg)
{
	const struct net_coll *c = arg;
	struct cp_list_opts opts;
	json_t *items = NULL, *shaped, *o, *body;
	bool more = false;
	size_t i;
	int rc = api_list_opts(req, &opts);

	if (rc == 0)
		rc = cp_res_check_filters(&req->ctx, c->kind, opts.filters);
	if (rc == 0)
		rc = cp_res_list(&req->ctx, c->kind, &opts, &items, &more);
	if (rc) {
		api_list_opts_free(&opts);
		return rc;
	}
	shaped = json_array();
	json_array_foreach(items, i, o)
		json_array_append_new(shaped, cp_query_fields(o, opts.fields));
	body = json_pack("{s:o}", c->collection, shaped);
	if (opts.limit > 0) {
		char key[96];

		snprintf(key, sizeof(key), "%s_links", c->collection);
		json_object_set_new(body, key, page_links(req, c, items, &opts, more));
	}
	json_decref(items);
	api_list_opts_free(&opts);
	return api_reply(req, 200, body);
}

static int net_create(struct api_req *req, const void *arg)
{
	const struct net_coll *c = arg;
	const json_t *body, *many = json_object_get(req->json, c->collection);
	json_t *obj = NULL;
	int rc;

	/* Neutron's bulk create: the plural key holds a list, all or none. */
	if (json_is_object(req->json) && json_object_size(req->json) == 1 && many) {
		rc = cp_res_create_bulk(&req->ctx, c->kind, many, &obj);
		return rc ? rc : api_reply(req, 201, json_pack("{s:o}", c->collection, obj));
	}
	rc = api_body_member(req, c->member, &body);
	if (rc == 0)
		rc = cp_res_create(&req->ctx, c->kind, body, &obj);
	return rc ? rc : api_reply(req, 201, json_pack("{s:o}", c->member, obj));
}

static int net_show(struct api_req *req, const void *arg)
{
	const struct net_coll *c = arg;
	json_t *obj = NULL;
	int rc = cp_res_show(&req->ctx, c->kind, req->arg[0], &obj);

	if (rc)
		return rc;
	obj = project_fields(obj, json_object_get(req->query, "fields"));
	return api_reply(req, 200, json_pack("{s:o}", c->member, obj));
}

static int net_update(struct api_req *req, const void *arg)
{
	const struct net_coll *c = arg;
	const json_t *body;
	json_t *obj = NULL;
	int rc = api_body_member(req, c->member, &body);

	if (rc == 0)
		rc = cp_res_update(&req->ctx, c->kind, req->arg[0], body, &obj);
	return rc ? rc : api_reply(req, 200, json_pack("{s:o}", c->member, obj));
}

static int net_delete(struct api_req *req, const void *arg)
{
	const struct net_coll *c = arg;
	int rc = cp_res_delete(&req->ctx, c->kind, req->arg[0]);

	return rc ? rc : api_reply(req, 204, NULL);
}

static int router_iface(struct api_req *req, const void *arg)
{
	json_t *out = NULL;
	int rc;

	if (!json_is_object(req->json))
		return cp_fail(&req->ctx.err, -EINVAL, "HTTPBadRequest",
			"Resource body required: expected subnet_id or port_id");
	rc = cp_router_interface(&req->ctx, req->arg[0], req->json, arg != NULL, &out);
	return rc ? rc : api_reply(req, 200, out);
}

/* Neutron's standard-attr-tag: any number of tags, each 1-255 characters,
 * a list with one twice refused. */
static const struct cp_tag_rules neutron_tags = {0, 255, "", true, "InvalidInput", "TagNotFound"};

static int net_tags(struct api_req *req, const void *arg)
{
	return api_tags(req, ((const struct net_coll *)arg)->kind, &neutron_tags, false);
}

static int net_tag(struct api_req *req, const void *arg)
{
	return api_tags(req, ((const struct net_coll *)arg)->kind, &neutron_tags, true);
}

static int extensions(struct api_req *req, const void *arg)
{
	static const char *const ext[][2] = {
		{"router", "Neutron L3 Router"},
		{"external-net", "Neutron external network"},
		{"ext-gw-mode", "Neutron L3 Configurable external gateway mode"},
		{"extraroute", "Neutron Extra Route"},
		{"provider", "Provider Network"},
		{"binding", "Port Binding"},
		{"port-security", "Port Security"},
		{"allowed-address-pairs", "Allowed Address Pairs"},
		{"security-group", "security-group"},
		{"project-id", "project_id field enabled"},
		{"pagination", "Pagination support"},
		{"sorting", "Sorting support"},
		{"standard-attr-description", "standard-attr-description"},
		{"standard-attr-revisions", "Resource revision numbers"},
		{"standard-attr-timestamp", "Resource timestamps"},
		{"net-mtu", "Network MTU"},
		{"quotas", "Quota management support"},
		{"filter-validation", "Filter parameters validation"},
		{"agent", "agent"},
		{"standard-attr-tag", "Tag support for resources with standard attribute"},
		{"tag", "Tag support"},
		{"subnet_allocation", "Subnet Allocation"},
	};
	json_t *list = json_array();

	(void)arg;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:[]}", "alias",
						    ext[i][0], "name", ext[i][1], "description",
						    ext[i][1], "updated", "2024-01-01T00:00:00-00:00",
						    "links"));
	if (req->arg[0]) {
		for (size_t i = 0; i < json_array_size(list); i++) {
			json_t *e = json_array_get(list, i);

			if (strcmp(cp_json_str(e, "alias"), req->arg[0]) == 0) {
				json_t *body = json_pack("{s:O}", "extension", e);

				json_decref(list);
				return api_reply(req, 200, body);
			}
		}
		json_decref(list);
		return cp_fail(&req->ctx.err, -ENOENT, "ExtensionNotFound",
			"Extension %s could not be found.", req->arg[0]);
	}
	return api_reply(req, 200, json_pack("{s:o}", "extensions", list));
}

#define NET_CRUD(path, arg)                                                                        \
	{"GET", "/network/v2.0/" path, net_list, arg, 0, API_NEUTRON},                             \
		{"POST", "/network/v2.0/" path, net_create, arg, 0, API_NEUTRON},                  \
		{"GET", "/network/v2.0/" path "/*", net_show, arg, 0, API_NEUTRON},                \
		{"PUT", "/network/v2.0/" path "/*", net_update, arg, 0, API_NEUTRON},              \
		{"DELETE", "/network/v2.0/" path "/*", net_delete, arg, 0, API_NEUTRON}

#define NET_TAGS(path, arg)                                                                        \
	{"GET", "/network/v2.0/" path "/*/tags", net_tags, arg, 0, API_NEUTRON},                   \
		{"PUT", "/network/v2.0/" path "/*/tags", net_tags, arg, 0, API_NEUTRON},           \
		{"DELETE", "/network/v2.0/" path "/*/tags", net_tags, arg, 0, API_NEUTRON},        \
		{"GET", "/network/v2.0/" path "/*/tags/*", net_tag, arg, 0, API_NEUTRON},          \
		{"PUT", "/network/v2.0/" path "/*/tags/*", net_tag, arg, 0, API_NEUTRON},          \
		{"DELETE", "/network/v2.0/" path "/*/tags/*", net_tag, arg, 0, API_NEUTRON}

const struct api_route api_network_routes[] = {
	{"GET", "/network/v2.0", version_resources, NULL, API_NOAUTH, API_NEUTRON},
	{"GET", "/network/v2.0/extensions", extensions, NULL, 0, API_NEUTRON},
	{"GET", "/network/v2.0/extensions/*", extensions, NULL, 0, API_NEUTRON},
	{"PUT", "/network/v2.0/routers/*/add_router_interface", router_iface, "add", 0, API_NEUTRON},
	{"PUT", "/network/v2.0/routers/*/remove_router_interface", router_iface, NULL, 0,
		API_NEUTRON},
	NET_CRUD("networks", &c_networks),
	NET_CRUD("subnets", &c_subnets),
	NET_CRUD("ports", &c_ports),
	NET_CRUD("routers", &c_routers),
	NET_CRUD("floatingips", &c_fips),
	NET_CRUD("security-groups", &c_sgs),
	NET_CRUD("security-group-rules", &c_rules),
	NET_CRUD("subnetpools", &c_pools),
	NET_TAGS("networks", &c_networks),
	NET_TAGS("subnets", &c_subnets),
	NET_TAGS("ports", &c_ports),
	NET_TAGS("routers", &c_routers),
	NET_TAGS("floatingips", &c_fips),
	NET_TAGS("security-groups", &c_sgs),
	NET_TAGS("subnetpools", &c_pools),
	/* Agents register through /internal/v1/nodes/{node}: no POST. */
	{"GET", "/network/v2.0/agents", net_list, &c_agents, 0, API_NEUTRON},
	{"GET", "/network/v2.0/agents/*", net_show, &c_agents, 0, API_NEUTRON},
	{"PUT", "/network/v2.0/agents/*", net_update, &c_agents, 0, API_NEUTRON},
	{"DELETE", "/network/v2.0/agents/*", net_delete, &c_agents, 0, API_NEUTRON},
	{NULL, NULL, NULL, NULL, 0, 0},
};
