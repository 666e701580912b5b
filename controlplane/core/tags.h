/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tags on any kind with a "tags" attribute, as Keystone's project tags
 * (/v3/projects/{id}/tags[/{tag}]) and Neutron's standard-attr-tag
 * (/v2.0/{networks,ports,...}/{id}/tags[/{tag}]) both shape them: the same
 * six calls, each one transaction so two clients adding tags at once both
 * keep theirs; the services differ only in their limits and error names.
 */
#ifndef CP_TAGS_H
#define CP_TAGS_H

#include "resource.h"

/* LIST and SET give *out the tags (SET replaces them with the array all),
 * CHECK and DELETE are -ENOENT for a tag the object lacks, ADD keeps a tag
 * once, CLEAR removes them all. */
enum cp_tag_op { CP_TAG_LIST, CP_TAG_CHECK, CP_TAG_ADD, CP_TAG_DELETE, CP_TAG_SET, CP_TAG_CLEAR };

struct cp_tag_rules {
	size_t max_tags;           /* per object; 0: no limit */
	size_t max_len;            /* characters of one tag */
	const char *forbidden;     /* characters a tag may not hold */
	bool unique;               /* SET with a tag twice is refused (else kept once) */
	const char *invalid_type;  /* the error type of a refused tag or list */
	const char *not_found_type; /* the error type of CHECK/DELETE of a missing tag */
};

int cp_res_tags(struct cp_ctx *ctx, const struct cp_kind *k, const struct cp_tag_rules *rules,
	const char *id, enum cp_tag_op op, const char *tag, const json_t *all, json_t **out);

#endif
