/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's project tags API (/v3/projects/{id}/tags[/{tag}]) over the
 * project's "tags" attribute, each call one transaction so two clients
 * adding tags at once both keep theirs. Keystone's limits: at most 80
 * tags, each 1-255 characters without "/" or ",".
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_TAGS 80
#define MAX_TAG_LEN 255

static int check_tag(struct cp_ctx *ctx, const char *s)
{
	if (!s || !s[0] || strlen(s) > MAX_TAG_LEN || strpbrk(s, "/,"))
		return cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Invalid project tag: tags are 1-%d characters without '/' or ','.",
			MAX_TAG_LEN);
	return 0;
}

static bool tag_index(const json_t *tags, const char *tag, size_t *at)
{
	size_t i;
	const json_t *v;

	json_array_foreach(tags, i, v)
		if (strcmp(json_string_value(v) ?: "", tag) == 0) {
			*at = i;
			return true;
		}
	return false;
}

int cp_identity_project_tags(struct cp_ctx *ctx, const char *project_id, enum cp_tag_op op,
	const char *tag, const json_t *all, json_t **out)
{
	bool write = op != CP_TAG_LIST && op != CP_TAG_CHECK;
	json_t *project = NULL, *tags;
	size_t i, at;
	int rc = cp_res_check_kind(ctx, &cp_kind_project, write ? CP_UPDATE : CP_READ);

	if (rc)
		return rc;
	if (op == CP_TAG_ADD)
		rc = check_tag(ctx, tag);
	for (i = 0; rc == 0 && op == CP_TAG_SET && i < json_array_size(all); i++)
		rc = check_tag(ctx, json_string_value(json_array_get(all, i)));
	if (rc == 0 && op == CP_TAG_SET && (!json_is_array(all) || json_array_size(all) > MAX_TAGS))
		rc = cp_fail(&ctx->err, -EINVAL, "ValidationError",
			"Expecting a list of at most %d tags.", MAX_TAGS);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, write))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_load_owned(ctx, &cp_kind_project, project_id, write ? CP_UPDATE : CP_READ,
		&project);
	tags = rc ? NULL : json_object_get(project, "tags");
	if (rc == 0 && !json_is_array(tags)) {
		tags = json_array();
		json_object_set_new(project, "tags", tags);
	}
	switch (rc ? -1 : (int)op) {
	case CP_TAG_CHECK:
	case CP_TAG_DELETE:
		if (!tag_index(tags, tag, &at))
			rc = cp_fail(&ctx->err, -ENOENT, "Not Found", "Tag %s not found.", tag);
		else if (op == CP_TAG_DELETE)
			json_array_remove(tags, at);
		break;
	case CP_TAG_ADD:
		if (tag_index(tags, tag, &at))
			break;
		if (json_array_size(tags) >= MAX_TAGS)
			rc = cp_fail(&ctx->err, -EINVAL, "ValidationError",
				"A project has at most %d tags.", MAX_TAGS);
		else
			json_array_append_new(tags, json_string(tag));
		break;
	case CP_TAG_SET:
		json_array_clear(tags);
		for (i = 0; i < json_array_size(all); i++)
			if (!tag_index(tags, json_string_value(json_array_get(all, i)), &at))
				json_array_append(tags, json_array_get(all, i));
		break;
	case CP_TAG_CLEAR:
		json_array_clear(tags);
		break;
	default:
		break;
	}
	if (rc == 0 && write)
		rc = cp_res_store(ctx, &cp_kind_project, project);
	if (rc == 0 && out)
		*out = json_incref(tags);
	json_decref(project);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return write ? cp_db_commit(ctx->db) : (cp_db_commit(ctx->db), 0);
}
