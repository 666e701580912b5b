/* SPDX-License-Identifier: Apache-2.0 */
/* Quota defaults, PUT body validation and policy (controlplane/network/quota.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "../../controlplane/network/quota.h"

/* parse TEXT: cp_quota_parse on the JSON text; *limits on success. */
static int parse(const char *text, json_t **limits, bool *check_limit, struct cp_err *err)
{
	json_t *req = json_loads(text, 0, NULL);
	int rc;

	assert_non_null(req);
	rc = cp_quota_parse(req, limits, check_limit, err);
	json_decref(req);
	return rc;
}

static void defaults_are_neutrons(void **state)
{
	static const struct {
		const char *name;
		json_int_t limit;
	} want[] = {{"network", 100}, {"subnet", 100}, {"port", 500}, {"router", 10},
		{"floatingip", 50}, {"security_group", 10}, {"security_group_rule", 100},
		{"rbac_policy", 10}, {"subnetpool", -1}};
	json_int_t limit;

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(cp_quota_default(want[i].name, &limit), 0);
		assert_int_equal(limit, want[i].limit);
	}
	assert_int_equal(cp_quota_default("networks", &limit), -ENOENT);
	assert_int_equal(cp_quota_default("cores", &limit), -ENOENT);
}

static void limits_may_be_integers_or_numeric_strings(void **state)
{
	struct cp_err err = {0};
	json_t *limits;
	bool check;

	(void)state;
	assert_int_equal(parse("{\"network\": 5, \"port\": \"-1\", \"router\": 2147483647}",
				 &limits, &check, &err),
		0);
	assert_int_equal(json_integer_value(json_object_get(limits, "network")), 5);
	assert_int_equal(json_integer_value(json_object_get(limits, "port")), -1);
	assert_int_equal(json_integer_value(json_object_get(limits, "router")), 2147483647);
	assert_int_equal(json_object_size(limits), 3);
	assert_false(check);
	json_decref(limits);
}

static void force_and_check_limit_are_options_not_resources(void **state)
{
	struct cp_err err = {0};
	json_t *limits;
	bool check;

	(void)state;
	assert_int_equal(parse("{\"subnet\": 0, \"force\": true, \"check_limit\": true}", &limits,
				 &check, &err),
		0);
	assert_true(check);
	assert_int_equal(json_object_size(limits), 1);
	json_decref(limits);
	assert_int_equal(parse("{}", &limits, &check, &err), 0);
	assert_int_equal(json_object_size(limits), 0);
	json_decref(limits);
}

static void unknown_resources_are_refused(void **state)
{
	struct cp_err err = {0};
	json_t *limits = NULL;
	bool check;

	(void)state;
	assert_int_equal(parse("{\"network\": 1, \"cores\": 4}", &limits, &check, &err), -EINVAL);
	assert_null(limits);
	assert_string_equal(err.msg, "Unrecognized attribute(s) 'cores'");
}

static void non_integers_and_out_of_range_limits_are_refused(void **state)
{
	static const char *const bad[] = {"{\"network\": \"abc\"}", "{\"network\": \"5x\"}",
		"{\"network\": \"\"}", "{\"network\": 1.5}", "{\"network\": true}",
		"{\"network\": null}", "{\"network\": [5]}", "{\"network\": -2}",
		"{\"network\": 2147483648}", "{\"network\": \"-7\"}"};
	struct cp_err err = {0};
	json_t *limits = NULL;
	bool check;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(parse(bad[i], &limits, &check, &err), -EINVAL);
		assert_null(limits);
		assert_string_equal(err.type, "InvalidInput");
		assert_non_null(strstr(err.msg, "Invalid input for network"));
	}
	assert_int_equal(parse("[]", &limits, &check, &err), -EINVAL);
}

static void quota_changes_are_admin_only(void **state)
{
	static const struct cp_caller admin = {.project_id = "p-admin", .is_admin = true};
	static const struct cp_caller member = {.project_id = "p-one"};
	struct cp_err err = {0};

	(void)state;
	assert_int_equal(cp_policy_check(&member, "quota", CP_READ, NULL, "p-one", &err), 0);
	assert_int_equal(cp_policy_check(&member, "quota", CP_READ, NULL, "p-two", &err), -EPERM);
	assert_int_equal(cp_policy_check(&member, "quota", CP_UPDATE, NULL, "p-one", &err), -EPERM);
	assert_string_equal(err.msg, "(rule:update_quota) is disallowed by policy");
	assert_int_equal(cp_policy_check(&member, "quota", CP_DELETE, NULL, "p-one", &err), -EPERM);
	assert_int_equal(cp_policy_check(&admin, "quota", CP_UPDATE, NULL, "p-one", &err), 0);
	assert_int_equal(cp_policy_check(&admin, "quota", CP_READ, NULL, NULL, &err), 0);
	assert_int_equal(cp_policy_check(&member, "quota", CP_READ, NULL, NULL, &err), -EPERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_neutrons),
		cmocka_unit_test(limits_may_be_integers_or_numeric_strings),
		cmocka_unit_test(force_and_check_limit_are_options_not_resources),
		cmocka_unit_test(unknown_resources_are_refused),
		cmocka_unit_test(non_integers_and_out_of_range_limits_are_refused),
		cmocka_unit_test(quota_changes_are_admin_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
