/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsed bodies kept by their text (controlplane/db/obj_cache.h): a body
 * read again is equal to its text, whatever an earlier reader did to its
 * own copy; another text (one byte apart) is another object; a body too
 * long to keep and text that is not JSON are answered as a parse would.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../controlplane/db/obj_cache.h"

static json_t *load(const char *text)
{
	return cp_obj_cache_load(text, strlen(text));
}

static void a_reader_changes_only_its_copy(void **state)
{
	const char *text = "{\"id\": \"p1\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.3\"}]}";
	json_t *a, *b, *want = json_loads(text, 0, NULL);

	(void)state;
	for (int round = 0; round < 3; round++) {
		a = load(text);
		assert_true(json_equal(a, want));
		json_object_set_new(a, "subnets", json_array());
		json_array_clear(json_object_get(a, "fixed_ips"));
		json_object_del(a, "id");
		b = load(text);
		assert_true(json_equal(b, want));
		assert_ptr_not_equal(a, b);
		json_decref(a);
		json_decref(b);
	}
	json_decref(want);
}

static void another_text_is_another_object(void **state)
{
	json_t *a = load("{\"id\": \"p1\", \"status\": \"DOWN\"}");
	json_t *b = load("{\"id\": \"p1\", \"status\": \"DOWM\"}");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(a, "status")), "DOWN");
	assert_string_equal(json_string_value(json_object_get(b, "status")), "DOWM");
	json_decref(a);
	json_decref(b);
	/* A length past the text's NUL is not read as the shorter text. */
	a = cp_obj_cache_load("{\"a\": 1}xx", 8);
	assert_non_null(a);
	assert_int_equal(json_integer_value(json_object_get(a, "a")), 1);
	json_decref(a);
}

static void long_and_bad_texts(void **state)
{
	size_t n = CP_OBJ_CACHE_MAX_TEXT * 2;
	char *big = malloc(n + 32);
	json_t *o;

	(void)state;
	snprintf(big, n + 32, "{\"d\": \"");
	memset(big + 7, 'x', n);
	snprintf(big + 7 + n, 25, "\"}");
	for (int round = 0; round < 2; round++) {
		o = load(big);
		assert_non_null(o);
		assert_int_equal(strlen(json_string_value(json_object_get(o, "d"))), n);
		json_decref(o);
	}
	free(big);
	for (int round = 0; round < 2; round++)
		assert_null(load("{\"id\": "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reader_changes_only_its_copy),
		cmocka_unit_test(another_text_is_another_object),
		cmocka_unit_test(long_and_bad_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
