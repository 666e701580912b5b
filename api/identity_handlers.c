/* SPDX-License-Identifier: Apache-2.0 */
/* Keystone v3 routes: tokens, catalog, CRUD for identity objects, grants. */
#include "api.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct id_coll {
	const struct cp_kind *kind;
	const char *collection; /* the path under /v3 */
	const char *member;
	const char *list_key; /* the list's JSON key when not the path's (extensions) */
};

static const struct id_coll c_domains = {&cp_kind_domain, "domains", "domain"};
static const struct id_coll c_projects = {&cp_kind_project, "projects", "project"};
static const struct id_coll c_users = {&cp_kind_user, "users", "user"};
static const struct id_coll c_groups = {&cp_kind_group, "groups", "group"};
static const struct id_coll c_roles = {&cp_kind_role, "roles", "role"};
static const struct id_coll c_regions = {&cp_kind_region, "regions", "region"};
static const struct id_coll c_services = {&cp_kind_service, "services", "service"};
static const struct id_coll c_endpoints = {&cp_kind_endpoint, "endpoints", "endpoint"};
static const struct id_coll c_credentials = {&cp_kind_credential, "credentials", "credential"};
static const struct id_coll c_policies = {&cp_kind_policy, "policies", "policy"};
static const struct id_coll c_consumers = {&cp_kind_consumer, "OS-OAUTH1/consumers", "consumer",
	"consumers"};
static const struct id_coll c_endpoint_groups = {&cp_kind_endpoint_group,
	"OS-EP-FILTER/endpoint_groups", "endpoint_group", "endpoint_groups"};

static json_t *with_link(struct api_req *req, const char *collection, json_t *obj)
{
	char href[512];

	snprintf(href, sizeof(href), "%s/identity/v3/%s/%s", api_base(req), collection,
		cp_json_str(obj, "id") ?: "");
	json_object_set_new(obj, "links", json_pack("{s:s}", "self", href));
	return obj;
}

static int reply_list(struct api_req *req, const char *collection, const char *key,
	json_t *items)
{
	char href[512];
	size_t i;
	json_t *o;

	json_array_foreach(items, i, o)
		with_link(req, collection, o);
	snprintf(href, sizeof(href), "%s/identity/v3/%s", api_base(req), collection);
	return api_reply(req, 200, json_pack("{s:o, s:{s:s, s:n, s:n}}", key, items, "links",
					   "self", href, "next", "previous"));
}

static int reply_collection(struct api_req *req, const char *collection, json_t *items)
{
	return reply_list(req, collection, collection, items);
}

static int id_list(struct api_req *req, const void *arg)
{
	const struct id_coll *c = arg;
	struct cp_list_opts opts;
	json_t *items = NULL;
	bool more;
	int rc = api_list_opts(req, &opts);

	if (rc == 0)
		rc = c->kind == &cp_kind_project ? cp_project_list(&req->ctx, &opts, &items, &more)
						 : cp_res_list(&req->ctx, c->kind, &opts, &items, &more);
	api_list_opts_free(&opts);
	return rc ? rc : reply_list(req, c->collection, c->list_key ?: c->collection, items);
}

static int id_create(struct api_req *req, const void *arg)
{
	const struct id_coll *c = arg;
	const json_t *body;
	json_t *obj = NULL;
	int rc = api_body_member(req, c->member, &body);

	if (rc == 0)
		rc = c->kind == &cp_kind_project ? cp_project_create(&req->ctx, body, &obj)
						 : cp_res_create(&req->ctx, c->kind, body, &obj);
	if (rc)
		return rc;
	return api_reply(req, 201, json_pack("{s:o}", c->member, with_link(req, c->collection, obj)));
}

/* PUT /v3/regions/{id}: Keystone's create with the caller's id. */
static int region_put(struct api_req *req, const void *arg)
{
	const json_t *body;
	json_t *withid, *obj = NULL;
	int rc = api_body_member(req, "region", &body);

	(void)arg;
	if (rc)
		return rc;
	withid = json_deep_copy(body);
	json_object_set_new(withid, "id", json_string(req->arg[0]));
	rc = cp_res_create(&req->ctx, &cp_kind_region, withid, &obj);
	json_decref(withid);
	if (rc)
		return rc;
	return api_reply(req, 201, json_pack("{s:o}", "region", with_link(req, "regions", obj)));
}

static int id_show(struct api_req *req, const void *arg)
{
	const struct id_coll *c = arg;
	struct cp_caller self = req->caller;
	struct cp_ctx ctx = req->ctx;
	json_t *obj = NULL;
	int rc;

	/* Users may read their own record, and the domain of their project
	 * (Keystone's identity:get_domain, token.project.domain.id). */
	if ((c->kind == &cp_kind_user && strcmp(req->arg[0], req->caller.user_id) == 0) ||
		(c->kind == &cp_kind_domain && req->caller.project_domain_id[0] &&
			strcmp(req->arg[0], req->caller.project_domain_id) == 0)) {
		self.is_admin = true;
		ctx.caller = &self;
	}
	rc = c->kind == &cp_kind_project ? cp_project_show(&ctx, req->arg[0], &obj)
					 : cp_res_show(&ctx, c->kind, req->arg[0], &obj);
	req->ctx.err = ctx.err;
	if (rc)
		return rc;
	return api_reply(req, 200, json_pack("{s:o}", c->member, with_link(req, c->collection, obj)));
}

static int id_update(struct api_req *req, const void *arg)
{
	const struct id_coll *c = arg;
	const json_t *body;
	json_t *obj = NULL, *rest = NULL;
	int rc = api_body_member(req, c->member, &body);

	/* Clients send the object back whole: Keystone takes its own id in an
	 * update (another id is still refused, as any read-only attribute). */
	if (rc == 0 && json_is_object(body) && json_is_string(json_object_get(body, "id")) &&
		strcmp(cp_json_str(body, "id"), req->arg[0]) == 0) {
		body = rest = json_deep_copy(body);
		json_object_del(rest, "id");
	}
	if (rc == 0)
		rc = c->kind == &cp_kind_project
			     ? cp_project_update(&req->ctx, req->arg[0], body, &obj)
			     : cp_res_update(&req->ctx, c->kind, req->arg[0], body, &obj);
	json_decref(rest);
	if (rc)
		return rc;
	return api_reply(req, 200, json_pack("{s:o}", c->member, with_link(req, c->collection, obj)));
}

static int id_delete(struct api_req *req, const void *arg)
{
	const struct id_coll *c = arg;
	int rc = c->kind == &cp_kind_project ? cp_project_delete(&req->ctx, req->arg[0])
					     : cp_res_delete(&req->ctx, c->kind, req->arg[0]);

	return rc ? rc : api_reply(req, 204, NULL);
}

static int token_create(struct api_req *req, const void *arg)
{
	const json_t *auth;
	json_t *doc = NULL;
	int rc;

	(void)arg;
	rc = api_body_member(req, "auth", &auth);
	if (rc == 0)
		rc = cp_identity_authenticate(&req->ctx, auth, req->subject_token, &doc);
	if (rc) {
		req->subject_token[0] = '\0';
		return rc;
	}
	return api_reply(req, 201, doc);
}

static const char *subject_token(struct api_req *req)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-Subject-Token");
}

static int token_show(struct api_req *req, const void *arg)
{
	const char *subject = subject_token(req);
	struct cp_caller who;
	char *doc = NULL;
	int rc;

	(void)arg;
	rc = cp_identity_validate(&req->ctx, subject, &who, &doc);
	if (rc) {
		/* An invalid subject token is "not found", not the caller's 401.
		 * The message is copied out: cp_fail would format it onto itself. */
		char why[sizeof(req->ctx.err.msg)];

		snprintf(why, sizeof(why), "%s", req->ctx.err.msg);
		return cp_fail(&req->ctx.err, -ENOENT, "Not Found", "%s", why);
	}
	if (!req->caller.is_admin && !req->caller.is_service &&
		strcmp(who.user_id, req->caller.user_id) != 0) {
		free(doc);
		return cp_fail(&req->ctx.err, -EPERM, "Forbidden",
			"You are not authorized to perform the requested action.");
	}
	snprintf(req->subject_token, sizeof(req->subject_token), "%s", subject);
	return api_reply_text(req, 200, doc);
}

static int token_delete(struct api_req *req, const void *arg)
{
	int rc;

	(void)arg;
	rc = cp_identity_revoke(&req->ctx, subject_token(req));
	return rc ? rc : api_reply(req, 204, NULL);
}

static int auth_catalog(struct api_req *req, const void *arg)
{
	char href[512];
	json_t *cat;

	(void)arg;
	if (cp_db_begin(req->ctx.db, false))
		return cp_fail(&req->ctx.err, -EIO, "InternalError", "database unavailable");
	cat = cp_identity_catalog(&req->ctx, req->caller.project_id);
	cp_db_commit(req->ctx.db);
	snprintf(href, sizeof(href), "%s/identity/v3/auth/catalog", api_base(req));
	return api_reply(req, 200, json_pack("{s:o, s:{s:s, s:n, s:n}}", "catalog", cat, "links",
					   "self", href, "next", "previous"));
}

static int user_projects(struct api_req *req, const void *arg)
{
	json_t *items = NULL;
	int rc = cp_identity_user_targets(&req->ctx, arg ? req->caller.user_id : req->arg[0],
		"project", &items);

	return rc ? rc : reply_collection(req, "projects", items);
}

static int auth_domains(struct api_req *req, const void *arg)
{
	json_t *items = NULL;
	int rc = cp_identity_user_targets(&req->ctx, req->caller.user_id, "domain", &items);

	(void)arg;
	return rc ? rc : reply_collection(req, "domains", items);
}

/* Virga has no system-scope role assignments: the list is always empty. */
static int auth_system(struct api_req *req, const void *arg)
{
	char href[512];

	(void)arg;
	snprintf(href, sizeof(href), "%s/identity/v3/auth/system", api_base(req));
	return api_reply(req, 200, json_pack("{s:[], s:{s:s, s:n, s:n}}", "system", "links",
					   "self", href, "next", "previous"));
}

static int user_password(struct api_req *req, const void *arg)
{
	const json_t *body;
	int rc = api_body_member(req, "user", &body);

	(void)arg;
	if (rc == 0)
		rc = cp_identity_change_password(&req->ctx, req->arg[0], body);
	return rc ? rc : api_reply(req, 204, NULL);
}

static int user_groups(struct api_req *req, const void *arg)
{
	json_t *items = NULL;
	int rc;

	(void)arg;
	rc = cp_identity_user_groups(&req->ctx, req->arg[0], &items);
	return rc ? rc : reply_collection(req, "groups", items);
}

static int group_users(struct api_req *req, const void *arg)
{
	json_t *items = NULL;
	int rc;

	(void)arg;
	rc = cp_identity_group_users(&req->ctx, req->arg[0], &items);
	return rc ? rc : reply_collection(req, "users", items);
}

static int group_user_op(struct api_req *req, const void *arg)
{
	int op = strcmp(req->method, "PUT") == 0 ? 1 : strcmp(req->method, "DELETE") == 0 ? -1 : 0;
	int rc;

	(void)arg;
	rc = cp_identity_membership(&req->ctx, req->arg[0], req->arg[1], op);
	return rc ? rc : api_reply(req, 204, NULL);
}

/* arg is "project/user", "project/group", "domain/user" or "domain/group". */
static int grant(struct api_req *req, const void *arg)
{
	char target[16], actor[16];
	int rc;

	sscanf((const char *)arg, "%15[^/]/%15s", target, actor);
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		rc = cp_identity_check_assignment(&req->ctx, target, req->arg[0], actor,
			req->arg[1], req->arg[2]);
	else
		rc = cp_identity_assign(&req->ctx, target, req->arg[0], actor, req->arg[1],
			req->arg[2], strcmp(req->method, "PUT") == 0);
	return rc ? rc : api_reply(req, 204, NULL);
}

static int grants_list(struct api_req *req, const void *arg)
{
	char target[16], actor[16];
	json_t *items = NULL;
	int rc;

	sscanf((const char *)arg, "%15[^/]/%15s", target, actor);
	rc = cp_identity_list_roles_on(&req->ctx, target, req->arg[0], actor, req->arg[1], &items);
	return rc ? rc : reply_collection(req, "roles", items);
}

static int role_assignments(struct api_req *req, const void *arg)
{
	json_t *items = NULL;
	char href[512];
	int rc;

	(void)arg;
	rc = cp_identity_list_assignments(&req->ctx, req->query,
		json_object_get(req->query, "effective") != NULL,
		json_object_get(req->query, "include_names") != NULL, &items);
	if (rc)
		return rc;
	snprintf(href, sizeof(href), "%s/identity/v3/role_assignments", api_base(req));
	return api_reply(req, 200, json_pack("{s:o, s:{s:s, s:n, s:n}}", "role_assignments", items,
					   "links", "self", href, "next", "previous"));
}

/* /v3/projects/{id}/tags (arg NULL) and /v3/projects/{id}/tags/{tag}, with
 * Keystone's limits: at most 80 tags, each 1-255 characters without "/" or ",". */
static int project_tags(struct api_req *req, const void *arg)
{
	static const struct cp_tag_rules keystone = {80, 255, "/,", false, "ValidationError",
		"Not Found"};

	return api_tags(req, &cp_kind_project, &keystone, arg != NULL);
}

#define ID_CRUD(coll, arg)                                                                         \
	{"GET", "/identity/v3/" coll, id_list, arg, 0, API_KEYSTONE},                              \
		{"POST", "/identity/v3/" coll, id_create, arg, 0, API_KEYSTONE},                   \
		{"GET", "/identity/v3/" coll "/*", id_show, arg, 0, API_KEYSTONE},                 \
		{"PATCH", "/identity/v3/" coll "/*", id_update, arg, 0, API_KEYSTONE},             \
		{"DELETE", "/identity/v3/" coll "/*", id_delete, arg, 0, API_KEYSTONE}

#define GRANT(target, actor)                                                                       \
	{"PUT", "/identity/v3/" target "s/*/" actor "s/*/roles/*", grant, target "/" actor, 0,     \
		API_KEYSTONE},                                                                     \
		{"GET", "/identity/v3/" target "s/*/" actor "s/*/roles/*", grant, target "/" actor, \
			0, API_KEYSTONE},                                                          \
		{"DELETE", "/identity/v3/" target "s/*/" actor "s/*/roles/*", grant,               \
			target "/" actor, 0, API_KEYSTONE},                                        \
		{"GET", "/identity/v3/" target "s/*/" actor "s/*/roles", grants_list,              \
			target "/" actor, 0, API_KEYSTONE}

const struct api_route api_identity_routes[] = {
	{"POST", "/identity/v3/auth/tokens", token_create, NULL, API_NOAUTH, API_KEYSTONE},
	{"GET", "/identity/v3/auth/tokens", token_show, NULL, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/auth/tokens", token_delete, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/auth/catalog", auth_catalog, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/auth/projects", user_projects, "self", 0, API_KEYSTONE},
	{"GET", "/identity/v3/auth/domains", auth_domains, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/auth/system", auth_system, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/users/*/projects", user_projects, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/users/*/groups", user_groups, NULL, 0, API_KEYSTONE},
	{"POST", "/identity/v3/users/*/password", user_password, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/groups/*/users", group_users, NULL, 0, API_KEYSTONE},
	{"PUT", "/identity/v3/groups/*/users/*", group_user_op, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/groups/*/users/*", group_user_op, NULL, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/groups/*/users/*", group_user_op, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/role_assignments", role_assignments, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/projects/*/tags", project_tags, NULL, 0, API_KEYSTONE},
	{"PUT", "/identity/v3/projects/*/tags", project_tags, NULL, 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/projects/*/tags", project_tags, NULL, 0, API_KEYSTONE},
	{"GET", "/identity/v3/projects/*/tags/*", project_tags, "one", 0, API_KEYSTONE},
	{"PUT", "/identity/v3/projects/*/tags/*", project_tags, "one", 0, API_KEYSTONE},
	{"DELETE", "/identity/v3/projects/*/tags/*", project_tags, "one", 0, API_KEYSTONE},
	GRANT("project", "user"),
	GRANT("project", "group"),
	GRANT("domain", "user"),
	GRANT("domain", "group"),
	ID_CRUD("domains", &c_domains),
	ID_CRUD("projects", &c_projects),
	ID_CRUD("users", &c_users),
	ID_CRUD("groups", &c_groups),
	ID_CRUD("roles", &c_roles),
	{"PUT", "/identity/v3/regions/*", region_put, NULL, 0, API_KEYSTONE},
	ID_CRUD("regions", &c_regions),
	ID_CRUD("services", &c_services),
	ID_CRUD("endpoints", &c_endpoints),
	ID_CRUD("credentials", &c_credentials),
	ID_CRUD("policies", &c_policies),
	ID_CRUD("OS-OAUTH1/consumers", &c_consumers),
	ID_CRUD("OS-EP-FILTER/endpoint_groups", &c_endpoint_groups),
	{NULL, NULL, NULL, NULL, 0, 0},
};
