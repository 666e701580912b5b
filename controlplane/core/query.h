/* SPDX-License-Identifier: Apache-2.0 */
/*
 * List filtering, sorting, pagination and field selection over arrays of
 * JSON objects, the way Neutron and Keystone do them. Pure functions: no
 * database, no globals; unit-tested in tests/api/test_query.c.
 */
#ifndef CP_QUERY_H
#define CP_QUERY_H

#include <stdbool.h>
#include <jansson.h>

#define CP_MAX_SORT 8

struct cp_list_opts {
	json_t *filters; /* object: key -> array of accepted values (strings) */
	const char *sort_keys[CP_MAX_SORT];
	bool sort_desc[CP_MAX_SORT];
	int n_sort;
	int limit; /* 0: no limit */
	const char *marker; /* id of the last item of the previous page */
	bool page_reverse;
	json_t *fields; /* array of attribute names, NULL: all */
};

/* True when obj matches every filter key. A filter value matches a scalar
 * by its text form ("true"/"True" for booleans, decimal for integers, ""
 * or "None" for null); for an array attribute it matches when any element
 * matches, "k=v" matching an element object whose k is v (Neutron's
 * ?fixed_ips=ip_address=10.0.0.5). The tag filters take comma-separated
 * tags against obj's "tags": tags (all of them), tags-any (one at least),
 * not-tags (not all), not-tags-any (none), as Neutron and Keystone. */
bool cp_query_match(const json_t *obj, const json_t *filters);
/* Whether key is one of those tag filters. */
bool cp_query_is_tag_filter(const char *key);

/* Sorts arr in place by the sort keys (stable; unsorted when n_sort == 0). */
void cp_query_sort(json_t *arr, const struct cp_list_opts *opts);

/* The page of arr selected by limit/marker/page_reverse, as a new array, in
 * forward order. *more is set when items remain past the page in the paging
 * direction. Returns NULL (errno ENOENT) when the marker is not in arr. */
json_t *cp_query_page(const json_t *arr, const struct cp_list_opts *opts, bool *more);

/* A new object with only the named fields of obj; when fields is NULL or
 * empty, a new reference to obj itself (the caller must not change it). */
json_t *cp_query_fields(const json_t *obj, const json_t *fields);

/* Compares two JSON scalars for sorting: null < bool < number < string. */
int cp_query_cmp(const json_t *a, const json_t *b);

#endif
