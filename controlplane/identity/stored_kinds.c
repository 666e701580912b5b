/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone objects that Virga keeps and returns but does not act on:
 * credentials (blobs such as EC2 keys, for other services to read), policy
 * blobs, OAuth1 consumers (the objects; no OAuth1 token flow is served) and
 * endpoint groups (filters over the catalog's endpoints). All admin-only.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

/* Keystone keeps blobs as text of any size; bound them as a body is. */
#define BLOB_MAX 65535u

static int credential_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	json_t *user;

	(void)old;
	user = cp_obj_get(ctx->db, "user", cp_json_str(obj, "user_id"));
	json_decref(user);
	if (!user)
		return cp_fail(&ctx->err, -EINVAL, "ValidationError", "Could not find user: %s.",
			cp_json_str(obj, "user_id"));
	/* Keystone: an EC2 credential is a project's (its token is scoped). */
	if (strcmp(cp_json_str(obj, "type") ?: "", "ec2") == 0 && !cp_json_str(obj, "project_id"))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Credential of type ec2 requires a project_id.");
	if (!json_object_get(obj, "project_id"))
		json_object_set_new(obj, "project_id", json_null());
	return 0;
}

static const struct cp_attr credential_attrs[] = {
	{"user_id", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"type", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"blob", CP_T_STR, CP_A_RW | CP_A_REQ, NULL, BLOB_MAX},
	{"project_id", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_credential = {
	.name = "credential",
	.not_found = "Not Found",
	.attrs = credential_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = credential_prepare,
};

static const struct cp_attr policy_attrs[] = {
	{"type", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"blob", CP_T_STR, CP_A_RW | CP_A_REQ, NULL, BLOB_MAX},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_policy = {
	.name = "policy",
	.not_found = "Not Found",
	.attrs = policy_attrs,
	.keystone = true,
	.extra_attrs = true,
};

/* Keystone makes the consumer's secret; the caller never chooses it. */
static int consumer_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	uint8_t raw[24];
	char hex[2 * sizeof(raw) + 1];

	(void)ctx;
	if (old)
		return 0;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	json_object_set_new(obj, "secret", json_string(hex));
	return 0;
}

static const struct cp_attr consumer_attrs[] = {
	{"description", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_consumer = {
	.name = "oauth1_consumer",
	.not_found = "Not Found",
	.attrs = consumer_attrs,
	.keystone = true,
	.extra_attrs = true,
	.prepare = consumer_prepare,
};

/* Keystone's endpoint group filters: attributes of an endpoint. */
static bool endpoint_filter(const char *key, const json_t *v)
{
	static const char *const allowed[] = {"service_id", "region_id", "interface"};

	for (size_t i = 0; json_is_string(v) && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (strcmp(key, allowed[i]) == 0)
			return true;
	return false;
}

static int endpoint_group_prepare(struct cp_ctx *ctx, json_t *obj, const json_t *old)
{
	const char *key;
	json_t *v;

	(void)old;
	json_object_foreach(json_object_get(obj, "filters"), key, v) {
		if (!endpoint_filter(key, v))
			return cp_fail(&ctx->err, -EINVAL, "ValidationError",
				"Invalid input for field 'filters': %s is not a string filter on "
				"service_id, region_id or interface.",
				key);
	}
	return 0;
}

static const struct cp_attr endpoint_group_attrs[] = {
	{"name", CP_T_STR, CP_A_RW | CP_A_REQ, NULL},
	{"description", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{"filters", CP_T_OBJ, CP_A_RW | CP_A_REQ, NULL},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_endpoint_group = {
	.name = "endpoint_group",
	.not_found = "Not Found",
	.attrs = endpoint_group_attrs,
	.keystone = true,
	.prepare = endpoint_group_prepare,
};
