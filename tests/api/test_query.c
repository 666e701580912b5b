/* SPDX-License-Identifier: Apache-2.0 */
/* List filters, sorting and pagination (controlplane/core/query.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "../../controlplane/core/query.h"

static json_t *items(void)
{
	return json_pack("[{s:s, s:s, s:b, s:i, s:[{s:s}]}, {s:s, s:s, s:b, s:i, s:[]},"
			 " {s:s, s:s, s:b, s:i, s:[]}, {s:s, s:s, s:b, s:i, s:[]}]",
		"id", "a", "name", "web", "shared", 1, "mtu", 1500, "fixed_ips", "ip_address",
		"10.0.0.5", "id", "b", "name", "db", "shared", 0, "mtu", 1450, "fixed_ips", "id",
		"c", "name", "web", "shared", 0, "mtu", 9000, "fixed_ips", "id", "d", "name", "app",
		"shared", 1, "mtu", 1450, "fixed_ips");
}

static void filters_match_strings_booleans_integers_and_lists(void **state)
{
	json_t *all = items();
	json_t *f1 = json_pack("{s:[s]}", "name", "web");
	json_t *f2 = json_pack("{s:[s], s:[s]}", "name", "web", "shared", "True");
	json_t *f3 = json_pack("{s:[s, s]}", "mtu", "1450", "9000");
	json_t *f4 = json_pack("{s:[s]}", "fixed_ips", "ip_address=10.0.0.5");
	json_t *f5 = json_pack("{s:[s]}", "missing", "x");
	int n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;

	(void)state;
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *o = json_array_get(all, i);

		n1 += cp_query_match(o, f1);
		n2 += cp_query_match(o, f2);
		n3 += cp_query_match(o, f3);
		n4 += cp_query_match(o, f4);
		n5 += cp_query_match(o, f5);
	}
	assert_int_equal(n1, 2);
	assert_int_equal(n2, 1);
	assert_int_equal(n3, 3);
	assert_int_equal(n4, 1);
	assert_int_equal(n5, 0);
	assert_true(cp_query_match(json_array_get(all, 0), NULL));
	json_decref(f1);
	json_decref(f2);
	json_decref(f3);
	json_decref(f4);
	json_decref(f5);
	json_decref(all);
}

/* Whether an object with these tags passes key=value. */
static bool tagged(const char *key, const char *value, json_t *tags)
{
	json_t *obj = json_pack("{s:o}", "tags", tags), *f = json_pack("{s:[s]}", key, value);
	bool m = cp_query_match(obj, f);

	json_decref(obj);
	json_decref(f);
	return m;
}

static void tag_filters_take_comma_separated_tags(void **state)
{
	(void)state;
	assert_true(tagged("tags", "red,blue", json_pack("[s, s, s]", "blue", "x", "red")));
	assert_false(tagged("tags", "red,blue", json_pack("[s]", "red")));
	assert_true(tagged("tags-any", "red,blue", json_pack("[s]", "blue")));
	assert_false(tagged("tags-any", "red,blue", json_pack("[s]", "green")));
	assert_true(tagged("not-tags", "red,blue", json_pack("[s]", "red")));
	assert_false(tagged("not-tags", "red,blue", json_pack("[s, s]", "red", "blue")));
	assert_true(tagged("not-tags-any", "red,blue", json_pack("[s]", "green")));
	assert_false(tagged("not-tags-any", "red,blue", json_pack("[s]", "blue")));
	/* A tag is matched whole, not as a prefix of another. */
	assert_false(tagged("tags", "re", json_pack("[s]", "red")));
	assert_true(tagged("not-tags-any", "x", json_array()));
}

static void sort_by_two_keys_is_stable(void **state)
{
	json_t *all = items();
	struct cp_list_opts o = {.sort_keys = {"mtu", "id"}, .sort_desc = {false, true}, .n_sort = 2};

	(void)state;
	cp_query_sort(all, &o);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "id")), "d");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 1), "id")), "b");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 3), "id")), "c");
	json_decref(all);
}

static const char *id_at(json_t *arr, size_t i)
{
	return json_string_value(json_object_get(json_array_get(arr, i), "id"));
}

static void pages_follow_the_marker_forward_and_backward(void **state)
{
	json_t *all = items(), *page;
	struct cp_list_opts o = {.limit = 2};
	bool more;

	(void)state;
	page = cp_query_page(all, &o, &more);
	assert_int_equal(json_array_size(page), 2);
	assert_true(more);
	assert_string_equal(id_at(page, 1), "b");
	json_decref(page);
	o.marker = "b";
	page = cp_query_page(all, &o, &more);
	assert_int_equal(json_array_size(page), 2);
	assert_false(more);
	assert_string_equal(id_at(page, 0), "c");
	json_decref(page);
	o.marker = "d";
	page = cp_query_page(all, &o, &more);
	assert_int_equal(json_array_size(page), 0);
	json_decref(page);
	o.marker = "c";
	o.page_reverse = true;
	page = cp_query_page(all, &o, &more);
	assert_int_equal(json_array_size(page), 2);
	assert_string_equal(id_at(page, 0), "a");
	assert_string_equal(id_at(page, 1), "b");
	json_decref(page);
	o.marker = "nope";
	assert_null(cp_query_page(all, &o, &more));
	assert_int_equal(errno, ENOENT);
	json_decref(all);
}

static void fields_keep_only_what_was_asked(void **state)
{
	json_t *all = items(), *f = json_pack("[s, s]", "id", "nope"), *out;

	(void)state;
	out = cp_query_fields(json_array_get(all, 0), f);
	assert_int_equal(json_object_size(out), 1);
	assert_string_equal(json_string_value(json_object_get(out, "id")), "a");
	json_decref(out);
	out = cp_query_fields(json_array_get(all, 0), NULL);
	assert_int_equal(json_object_size(out), 5);
	json_decref(out);
	json_decref(f);
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(filters_match_strings_booleans_integers_and_lists),
		cmocka_unit_test(tag_filters_take_comma_separated_tags),
		cmocka_unit_test(sort_by_two_keys_is_stable),
		cmocka_unit_test(pages_follow_the_marker_forward_and_backward),
		cmocka_unit_test(fields_keep_only_what_was_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
