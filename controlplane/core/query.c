/* SPDX-License-Identifier: Apache-2.0 */
#include "query.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool scalar_matches(const json_t *v, const char *want)
{
	char buf[32];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return strcmp(json_string_value(v), want) == 0;
	case JSON_TRUE:
		return strcasecmp(want, "true") == 0 || strcmp(want, "1") == 0;
	case JSON_FALSE:
		return strcasecmp(want, "false") == 0 || strcmp(want, "0") == 0;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strcmp(buf, want) == 0;
	case JSON_NULL:
		return want[0] == '\0' || strcmp(want, "None") == 0;
	default:
		return false;
	}
}

static bool element_matches(const json_t *el, const char *want)
{
	const char *eq;
	char key[64];
	size_t klen;

	if (!json_is_object(el))
		return scalar_matches(el, want);
	eq = strchr(want, '=');
	if (!eq || (klen = (size_t)(eq - want)) >= sizeof(key))
		return false;
	memcpy(key, want, klen);
	key[klen] = '\0';
	return json_object_get(el, key) && scalar_matches(json_object_get(el, key), eq + 1);
}

static bool value_matches(const json_t *v, const char *want)
{
	size_t i;
	const json_t *el;

	if (!v)
		return false;
	if (!json_is_array(v))
		return scalar_matches(v, want);
	json_array_foreach(v, i, el)
		if (element_matches(el, want))
			return true;
	return false;
}

enum tag_filter { NOT_TAGS_FILTER, TAGS_ALL, TAGS_ANY, NOT_TAGS_ALL, NOT_TAGS_ANY };

static enum tag_filter tag_filter_of(const char *key)
{
	static const char *const keys[] = {"", "tags", "tags-any", "not-tags", "not-tags-any"};

	for (size_t i = 1; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return (enum tag_filter)i;
	return NOT_TAGS_FILTER;
}

bool cp_query_is_tag_filter(const char *key)
{
	return tag_filter_of(key) != NOT_TAGS_FILTER;
}

/* Into *n the comma-separated tags of every value of wants, into *present
 * how many of them tags holds. */
static void count_tags(const json_t *tags, const json_t *wants, size_t *n, size_t *present)
{
	const json_t *want;
	size_t i;

	*n = *present = 0;
	json_array_foreach(wants, i, want) {
		const char *s = json_string_value(want) ?: "";

		while (*s) {
			size_t len = strcspn(s, ",");
			const json_t *t;
			size_t j;
			bool has = false;

			json_array_foreach(tags, j, t)
				if (json_is_string(t) && strlen(json_string_value(t)) == len &&
				    strncmp(json_string_value(t), s, len) == 0)
					has = true;
			*n += len > 0;
			*present += len > 0 && has;
			s += len + (s[len] == ',');
		}
	}
}

/* Neutron's and Keystone's tag filters: each takes comma-separated tags;
 * tags: all of them, tags-any: one at least, not-tags: not all of them,
 * not-tags-any: none. */
static bool tags_match(const json_t *tags, enum tag_filter f, const json_t *wants)
{
	size_t n, present;

	count_tags(tags, wants, &n, &present);
	switch (f) {
	case TAGS_ALL:
		return present == n;
	case TAGS_ANY:
		return present > 0;
	case NOT_TAGS_ALL:
		return present < n;
	default:
		return present == 0;
	}
}

bool cp_query_match(const json_t *obj, const json_t *filters)
{
	const char *key;
	const json_t *wants;

	if (!filters)
		return true;
	json_object_foreach((json_t *)filters, key, wants) {
		const json_t *v = json_object_get(obj, key);
		enum tag_filter tf = tag_filter_of(key);
		bool any = false;
		size_t i;
		const json_t *want;

		if (tf != NOT_TAGS_FILTER) {
			if (!tags_match(json_object_get(obj, "tags"), tf, wants))
				return false;
			continue;
		}

		/* Values of one key are alternatives; keys must all match. */
		json_array_foreach(wants, i, want)
			if (json_is_string(want) && value_matches(v, json_string_value(want)))
				any = true;
		if (!any)
			return false;
	}
	return true;
}

static int type_rank(const json_t *v)
{
	if (!v || json_is_null(v))
		return 0;
	if (json_is_boolean(v))
		return 1;
	if (json_is_number(v))
		return 2;
	if (json_is_string(v))
		return 3;
	return 4;
}

int cp_query_cmp(const json_t *a, const json_t *b)
{
	int ra = type_rank(a), rb = type_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 1:
		return (int)json_is_true(a) - (int)json_is_true(b);
	case 2: {
		double x = json_number_value(a), y = json_number_value(b);
		return x < y ? -1 : x > y;
	}
	case 3:
		return strcmp(json_string_value(a), json_string_value(b));
	default:
		return 0;
	}
}

struct sort_item {
	json_t *obj;
	size_t pos;
};

/* qsort has no context argument; per thread since HTTP threads sort concurrently. */
static __thread const struct cp_list_opts *sort_opts;

static int sort_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;

	for (int k = 0; k < sort_opts->n_sort; k++) {
		int c = cp_query_cmp(json_object_get(a->obj, sort_opts->sort_keys[k]),
			json_object_get(b->obj, sort_opts->sort_keys[k]));
		if (c)
			return sort_opts->sort_desc[k] ? -c : c;
	}
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void cp_query_sort(json_t *arr, const struct cp_list_opts *opts)
{
	size_t n = json_array_size(arr);
	struct sort_item *items;

	if (!opts || opts->n_sort == 0 || n < 2)
		return;
	items = calloc(n, sizeof(*items));
	if (!items)
		return;
	for (size_t i = 0; i < n; i++) {
		items[i].obj = json_incref(json_array_get(arr, i));
		items[i].pos = i;
	}
	sort_opts = opts;
	qsort(items, n, sizeof(*items), sort_cmp);
	json_array_clear(arr);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, items[i].obj);
	free(items);
}

json_t *cp_query_page(const json_t *arr, const struct cp_list_opts *opts, bool *more)
{
	size_t n = json_array_size(arr), start = 0, end = n;
	json_t *page;

	*more = false;
	if (opts->marker) {
		size_t m;

		for (m = 0; m < n; m++) {
			const char *id = json_string_value(json_object_get(json_array_get(arr, m), "id"));

			if (id && strcmp(id, opts->marker) == 0)
				break;
		}
		if (m == n) {
			errno = ENOENT;
			return NULL;
		}
		if (opts->page_reverse)
			end = m;
		else
			start = m + 1;
	}
	if (opts->limit > 0 && end - start > (size_t)opts->limit) {
		*more = true;
		if (opts->page_reverse)
			start = end - (size_t)opts->limit;
		else
			end = start + (size_t)opts->limit;
	}
	page = json_array();
	for (size_t i = start; i < end; i++)
		json_array_append(page, json_array_get(arr, i));
	return page;
}

json_t *cp_query_fields(const json_t *obj, const json_t *fields)
{
	json_t *out;
	size_t i;
	const json_t *f;

	/* Without fields the object is answered whole: the caller's own
	 * reference, not a copy (a copy of every listed object was a tenth of
	 * a list's time). */
	if (!fields || json_array_size(fields) == 0)
		return json_incref((json_t *)obj);
	out = json_object();
	json_array_foreach(fields, i, f) {
		const json_t *v = json_is_string(f) ? json_object_get(obj, json_string_value(f)) : NULL;

		if (v)
			json_object_set(out, json_string_value(f), (json_t *)v);
	}
	return out;
}
