/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-project quotas on Neutron resources, as Neutron's quota engine: a
 * limit per (project, resource), Neutron's default unless an admin set
 * another, -1 for unlimited; the usage is the number of objects of the
 * resource's kind the project owns. A create through the API over the
 * limit is refused with Neutron's OverQuota (409); objects the services
 * make for themselves (router ports, a project's default security group
 * and its rules) count but are never refused, since Neutron enforces quota
 * at its API layer only. Resource names are the kinds' names.
 * Control threads only.
 */
#ifndef CP_QUOTA_H
#define CP_QUOTA_H

#include "../core/resource.h"

#define CP_QUOTA_MAX 2147483647 /* Neutron's DB_INTEGER_MAX_VALUE */

enum cp_quota_view {
	CP_QUOTA_LIMITS,   /* {resource: limit} */
	CP_QUOTA_DEFAULTS, /* {resource: default limit} */
	CP_QUOTA_DETAILS,  /* {resource: {"limit", "used", "reserved"}} */
};

/* Pure helpers (unit-tested). */
/* Neutron's default limit of resource into *limit; -ENOENT when Neutron
 * has no quota of that name. */
int cp_quota_default(const char *resource, json_int_t *limit);
/* Validates the object of a PUT /quotas/{project} body as Neutron does:
 * known resources only, integers (or numeric strings) from -1 to
 * CP_QUOTA_MAX; "force" and "check_limit" are options, not resources.
 * *limits gets {resource: integer}, *check_limit the option. -EINVAL with
 * err filled otherwise. */
int cp_quota_parse(const json_t *req, json_t **limits, bool *check_limit, struct cp_err *err);

/* Service calls, each in its own transaction; *out is a new reference. */
/* GET /quotas/{project}[/default|/details]: admin, or the project itself. */
int cp_quota_show(struct cp_ctx *ctx, const char *project_id, enum cp_quota_view view,
	json_t **out);
/* GET /quotas: the projects with a limit set, each with all its limits
 * and its "project_id"/"tenant_id". Admin only. */
int cp_quota_list(struct cp_ctx *ctx, json_t **out);
/* PUT /quotas/{project}: sets the limits in req (see cp_quota_parse);
 * with check_limit, a limit below the current usage is refused. *out is
 * the project's limits afterwards. Admin only. */
int cp_quota_update(struct cp_ctx *ctx, const char *project_id, const json_t *req, json_t **out);
/* DELETE /quotas/{project}: every limit back to its default. Admin only. */
int cp_quota_reset(struct cp_ctx *ctx, const char *project_id);

/* The check_quota hook of the Neutron kinds (see struct cp_kind): inside
 * cp_res_create's write transaction. */
int cp_quota_check(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj);

#endif
