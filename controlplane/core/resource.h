/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generic resource machinery shared by every service: an attribute schema
 * per kind (types, which verbs accept it, defaults), and create / show /
 * list / update / delete that validate against it, apply the policy table,
 * hide other projects' objects (404), stamp ids, owners and timestamps, and
 * call the kind's hooks inside the write transaction. A service is its
 * schema plus hooks; it never repeats this code.
 */
#ifndef CP_RESOURCE_H
#define CP_RESOURCE_H

#include "cp.h"
#include "policy.h"
#include "query.h"
#include "../db/db.h"

enum cp_type { CP_T_STR, CP_T_BOOL, CP_T_INT, CP_T_LIST, CP_T_OBJ, CP_T_ANY };

#define CP_A_POST 0x1u /* accepted on create */
#define CP_A_PUT 0x2u  /* accepted on update */
#define CP_A_REQ 0x4u  /* required on create */
#define CP_A_NULL 0x8u /* null is a valid value */
#define CP_A_RW (CP_A_POST | CP_A_PUT)

/* Bounds on what a request may store: the longest string (in characters,
 * anywhere inside the value) when the attribute gives none, Neutron's limit
 * for names and descriptions; and how deep lists and objects may nest
 * (Neutron's deepest attribute is a list of objects: a document that a
 * client's JSON parser cannot read back is refused up front). */
#define CP_MAX_STR_LEN 255u
#define CP_MAX_NESTING 6

struct cp_attr {
	const char *name;
	enum cp_type type;
	unsigned flags;
	const char *dflt; /* JSON text of the default on create, NULL: none */
	unsigned max_len; /* longest string value, 0: CP_MAX_STR_LEN */
};

/* What a service call runs with. err is filled on failure. */
struct cp_ctx {
	struct cp_db *db;
	const struct cp_caller *caller;
	struct cp_err err;
	void *svc; /* service-wide settings (e.g. struct cp_identity) */
};

struct cp_kind {
	const char *name;       /* "network": DB kind and policy name */
	const char *not_found;  /* error type, e.g. "NetworkNotFound" */
	const struct cp_attr *attrs; /* NULL-name terminated */
	bool keystone;          /* 32-hex ids, no project/timestamps stamped */
	bool owned;             /* objects carry project_id and tenant_id */
	const char *parent_attr; /* attribute stored as the parent column */
	/* Attributes outside the schema are kept and returned as given
	 * (Keystone's users, groups and catalog objects), not refused. */
	bool extra_attrs;
	/* A list by a caller the kind's read rule refuses is empty rather than
	 * 403: Neutron's policy filters a list item by item (a member's agent
	 * list), where Keystone refuses the call. Show still refuses. */
	bool list_filtered;
	/* Hooks (all optional), called inside the write transaction. old is
	 * NULL on create. prepare validates and may write other objects. */
	int (*prepare)(struct cp_ctx *ctx, json_t *obj, const json_t *old);
	int (*after_create)(struct cp_ctx *ctx, json_t *obj);
	int (*before_delete)(struct cp_ctx *ctx, const json_t *obj);
	/* Adds computed attributes to an object about to be returned. */
	void (*render)(struct cp_ctx *ctx, json_t *obj);
	/* Runs (in its own write transaction) before any API call on the
	 * kind, e.g. to create a project's default security group. */
	int (*before_use)(struct cp_ctx *ctx);
	/* The list filters as the kind stores the values (a new reference):
	 * Neutron converts a filter's values as it converts the attribute. */
	json_t *(*convert_filters)(const json_t *filters);
	/* Whether every project may see the object (shared/external). */
	bool (*is_public)(const json_t *obj);
	/* Refuses (-EDQUOT) a create that takes obj's owner over its quota
	 * for the kind. Only cp_res_create calls it, after the insert and in
	 * the same transaction: objects services insert for themselves
	 * (cp_res_insert) count, but are never refused. */
	int (*check_quota)(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj);
};

/* Each returns 0 (with *out a new reference where given) or a negative
 * errno with ctx->err filled. Each runs its own transaction. */
int cp_res_create(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, json_t **out);
/* Creates every object of the array reqs in one transaction, or none;
 * *out is the array of created objects. */
int cp_res_create_bulk(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *reqs,
	json_t **out);
int cp_res_show(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, json_t **out);
int cp_res_update(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, const json_t *req,
	json_t **out);
int cp_res_delete(struct cp_ctx *ctx, const struct cp_kind *k, const char *id);
/* *out is the page; *more tells whether another page follows. */
int cp_res_list(struct cp_ctx *ctx, const struct cp_kind *k, const struct cp_list_opts *opts,
	json_t **out, bool *more);

/* Neutron's filter validation (the filter-validation extension, on by
 * default since Rocky): a list filter on anything but the kind's
 * attributes and the common ones is -EINVAL. */
int cp_res_check_filters(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *filters);

/* What every call on kind k checks first: a project scope for owned kinds,
 * the kind's before_use hook, admin-only kinds. 0 or -errno with ctx->err.
 * Its own transaction (before_use); for service calls outside the generic
 * five. */
int cp_res_check_kind(struct cp_ctx *ctx, const struct cp_kind *k, enum cp_action action);

/* Building blocks for hooks and service calls already inside a transaction. */
int cp_res_validate(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, unsigned verb);
int cp_res_insert(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *req, json_t **out);
int cp_res_store(struct cp_ctx *ctx, const struct cp_kind *k, json_t *obj);
int cp_res_remove(struct cp_ctx *ctx, const struct cp_kind *k, const json_t *obj);
/* Loads an object the caller may see (admin, owner, or public); -ENOENT otherwise. */
int cp_res_load(struct cp_ctx *ctx, const struct cp_kind *k, const char *id, json_t **out);
/* Like load, but the caller must also own it (-ENOENT if invisible, -EPERM
 * if only visible). */
int cp_res_load_owned(struct cp_ctx *ctx, const struct cp_kind *k, const char *id,
	enum cp_action action, json_t **out);
/* Render for the caller: hook, then drop attributes the caller may not read. */
void cp_res_render(struct cp_ctx *ctx, const struct cp_kind *k, json_t *obj);
/* Whether another object of kind has attr == value (and scope_attr ==
 * scope, when scope_attr is set), other than except_id. */
bool cp_res_exists(struct cp_ctx *ctx, const struct cp_kind *k, const char *attr,
	const char *value, const char *scope_attr, const char *scope, const char *except_id);
/* Owner project of obj, NULL when unowned. */
const char *cp_res_owner(const json_t *obj);

#endif
