/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tag calls of tags.h over an object's "tags" attribute.
 */
#include "tags.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int check_tag(struct cp_ctx *ctx, const struct cp_tag_rules *r, const char *s)
{
	if (!s || !s[0] || strlen(s) > r->max_len || (r->forbidden[0] && strpbrk(s, r->forbidden)))
		return cp_fail(&ctx->err, -EINVAL, r->invalid_type,
			"Invalid tag '%.64s': tags are 1-%zu characters%s%s.", s ? s : "",
			r->max_len, r->forbidden[0] ? " without any of " : "", r->forbidden);
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

/* A SET's list: strings that pass check_tag, at most max_tags, each once
 * when the service says so. */
static int check_list(struct cp_ctx *ctx, const struct cp_tag_rules *r, const json_t *all)
{
	size_t i, at;
	int rc = 0;

	if (!json_is_array(all))
		return cp_fail(&ctx->err, -EINVAL, r->invalid_type, "Expecting a list of tags.");
	if (r->max_tags && json_array_size(all) > r->max_tags)
		return cp_fail(&ctx->err, -EINVAL, r->invalid_type,
			"Expecting a list of at most %zu tags.", r->max_tags);
	for (i = 0; rc == 0 && i < json_array_size(all); i++) {
		const char *t = json_string_value(json_array_get(all, i));

		rc = check_tag(ctx, r, t);
		if (rc == 0 && r->unique && tag_index(all, t, &at) && at != i)
			rc = cp_fail(&ctx->err, -EINVAL, r->invalid_type,
				"Duplicate items in the list: '%.64s'", t);
	}
	return rc;
}

int cp_res_tags(struct cp_ctx *ctx, const struct cp_kind *k, const struct cp_tag_rules *r,
	const char *id, enum cp_tag_op op, const char *tag, const json_t *all, json_t **out)
{
	bool write = op != CP_TAG_LIST && op != CP_TAG_CHECK;
	json_t *obj = NULL, *tags;
	size_t i, at;
	int rc = cp_res_check_kind(ctx, k, write ? CP_UPDATE : CP_READ);

	if (rc)
		return rc;
	if (op == CP_TAG_ADD)
		rc = check_tag(ctx, r, tag);
	if (op == CP_TAG_SET)
		rc = check_list(ctx, r, all);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, write))
		return cp_fail(&ctx->err, -EIO, "InternalError", "database unavailable");
	rc = cp_res_load_owned(ctx, k, id, write ? CP_UPDATE : CP_READ, &obj);
	tags = rc ? NULL : json_object_get(obj, "tags");
	if (rc == 0 && !json_is_array(tags)) {
		tags = json_array();
		json_object_set_new(obj, "tags", tags);
	}
	switch (rc ? -1 : (int)op) {
	case CP_TAG_CHECK:
	case CP_TAG_DELETE:
		if (!tag_index(tags, tag, &at))
			rc = cp_fail(&ctx->err, -ENOENT, r->not_found_type,
				"Tag %.255s could not be found.", tag);
		else if (op == CP_TAG_DELETE)
			json_array_remove(tags, at);
		break;
	case CP_TAG_ADD:
		if (tag_index(tags, tag, &at))
			break;
		if (r->max_tags && json_array_size(tags) >= r->max_tags)
			rc = cp_fail(&ctx->err, -EINVAL, r->invalid_type,
				"A %s has at most %zu tags.", k->name, r->max_tags);
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
		rc = cp_res_store(ctx, k, obj);
	if (rc == 0 && out)
		*out = json_incref(tags);
	json_decref(obj);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return write ? cp_db_commit(ctx->db) : (cp_db_commit(ctx->db), 0);
}
