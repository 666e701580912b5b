/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's projects acting as domains. In Keystone a domain is a project
 * with is_domain true, domain_id and parent_id null: creating such a
 * project makes a domain, and the projects API reads, updates and deletes
 * domains as projects. Here a domain is its own kind, so the projects API
 * comes here: a project created with is_domain true is made a domain, and
 * an id that is no project but a domain is that domain shown as a project.
 * ?is_domain=true lists the domains so; any other list, as Keystone's,
 * only the projects that are not domains. One store, nothing to keep in
 * step: the domain's name, description, enabled and tags are the project's.
 */
#include "identity.h"

#include <errno.h>
#include <string.h>

static json_t *as_project(json_t *domain)
{
	json_object_set_new(domain, "is_domain", json_true());
	json_object_set_new(domain, "domain_id", json_null());
	json_object_set_new(domain, "parent_id", json_null());
	return domain;
}

/* What of a project's document a domain takes; the rest must be absent
 * or what a domain project is. */
static int domain_fields(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	const char *key;
	json_t *v;

	if (!json_is_null(json_object_get(req, "parent_id")) &&
		json_object_get(req, "parent_id"))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Only root projects are allowed to act as domains.");
	if (!json_is_null(json_object_get(req, "domain_id")) &&
		json_object_get(req, "domain_id"))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"A project acting as a domain has no domain: domain_id must be null.");
	*out = json_object();
	json_object_foreach((json_t *)req, key, v)
		if (strcmp(key, "is_domain") != 0 && strcmp(key, "domain_id") != 0 &&
			strcmp(key, "parent_id") != 0)
			json_object_set(*out, key, v);
	return 0;
}

int cp_project_create(struct cp_ctx *ctx, const json_t *req, json_t **out)
{
	json_t *fields = NULL;
	int rc;

	*out = NULL;
	if (!json_is_true(json_object_get(req, "is_domain")))
		return cp_res_create(ctx, &cp_kind_project, req, out);
	rc = domain_fields(ctx, req, &fields);
	if (rc)
		return rc;
	rc = cp_res_create(ctx, &cp_kind_domain, fields, out);
	json_decref(fields);
	if (rc == 0)
		as_project(*out);
	return rc;
}

/* Whether a list filter asks for domains (is_domain=true). */
static bool wants_domains(const json_t *filters)
{
	const json_t *want = json_object_get(filters, "is_domain"), *v;
	size_t i;

	json_array_foreach(want, i, v) {
		const char *s = json_string_value(v) ?: "";

		if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
			return true;
	}
	return false;
}

int cp_project_list(struct cp_ctx *ctx, const struct cp_list_opts *opts, json_t **out,
	bool *more)
{
	struct cp_list_opts dopts = *opts;
	json_t *d;
	size_t i;
	int rc;

	if (!wants_domains(opts->filters))
		return cp_res_list(ctx, &cp_kind_project, opts, out, more);
	/* Domains have no is_domain to match: the rest of the filters apply. */
	dopts.filters = json_deep_copy(opts->filters);
	json_object_del(dopts.filters, "is_domain");
	rc = cp_res_list(ctx, &cp_kind_domain, &dopts, out, more);
	json_decref(dopts.filters);
	if (rc == 0)
		json_array_foreach(*out, i, d)
			as_project(d);
	return rc;
}

/* Whether id is a domain (and not a project): the caller then acts on it. */
static bool is_domain_id(struct cp_ctx *ctx, const char *id)
{
	json_t *p, *d;
	bool yes;

	if (cp_db_begin(ctx->db, false))
		return false;
	p = cp_obj_get(ctx->db, "project", id);
	d = p ? NULL : cp_obj_get(ctx->db, "domain", id);
	cp_db_commit(ctx->db);
	yes = d != NULL;
	json_decref(p);
	json_decref(d);
	return yes;
}

int cp_project_show(struct cp_ctx *ctx, const char *id, json_t **out)
{
	int rc;

	if (!is_domain_id(ctx, id))
		return cp_res_show(ctx, &cp_kind_project, id, out);
	rc = cp_res_show(ctx, &cp_kind_domain, id, out);
	if (rc == 0)
		as_project(*out);
	return rc;
}

int cp_project_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out)
{
	int rc;

	*out = NULL;
	if (!is_domain_id(ctx, id))
		return cp_res_update(ctx, &cp_kind_project, id, req, out);
	/* Keystone: is_domain, domain_id and parent_id do not change. */
	if (json_object_get(req, "is_domain") || json_object_get(req, "domain_id") ||
		json_object_get(req, "parent_id"))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"is_domain, domain_id and parent_id of a project cannot be updated.");
	rc = cp_res_update(ctx, &cp_kind_domain, id, req, out);
	if (rc == 0)
		as_project(*out);
	return rc;
}

int cp_project_delete(struct cp_ctx *ctx, const char *id)
{
	return cp_res_delete(ctx, is_domain_id(ctx, id) ? &cp_kind_domain : &cp_kind_project, id);
}
