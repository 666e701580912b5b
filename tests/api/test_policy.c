/* SPDX-License-Identifier: Apache-2.0 */
/* The policy table (controlplane/core/policy.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>

#include "../../controlplane/core/policy.h"

static const struct cp_caller admin = {.project_id = "p-admin", .is_admin = true};
static const struct cp_caller member = {.project_id = "p-one"};
static const struct cp_caller unscoped = {.user_id = "u-none"};

static void provider_attributes_are_admin_only(void **state)
{
	struct cp_err err = {0};

	(void)state;
	assert_int_equal(cp_policy_rule("network", CP_CREATE, "provider:network_type"),
		CP_RULE_ADMIN);
	assert_int_equal(cp_policy_rule("network", CP_READ, "provider:segmentation_id"),
		CP_RULE_ADMIN);
	assert_int_equal(cp_policy_check(&member, "network", CP_CREATE, "provider:network_type",
				 NULL, &err),
		-EPERM);
	assert_string_equal(err.type, "PolicyNotAuthorized");
	assert_int_equal(cp_policy_check(&admin, "network", CP_CREATE, "provider:network_type",
				 NULL, &err),
		0);
}

static void ordinary_attributes_are_open(void **state)
{
	(void)state;
	assert_int_equal(cp_policy_rule("network", CP_CREATE, "name"), CP_RULE_ANY);
	assert_int_equal(cp_policy_rule("port", CP_UPDATE, "fixed_ips"), CP_RULE_ANY);
	assert_int_equal(cp_policy_rule("port", CP_UPDATE, "binding:host_id"), CP_RULE_ADMIN);
}

static void objects_belong_to_their_project(void **state)
{
	(void)state;
	assert_int_equal(cp_policy_rule("network", CP_DELETE, NULL), CP_RULE_OWNER);
	assert_true(cp_policy_allows(&member, CP_RULE_OWNER, "p-one"));
	assert_false(cp_policy_allows(&member, CP_RULE_OWNER, "p-two"));
	assert_false(cp_policy_allows(&member, CP_RULE_OWNER, NULL));
	assert_true(cp_policy_allows(&admin, CP_RULE_OWNER, "p-two"));
}

static void an_unscoped_caller_owns_nothing_not_even_unowned_objects(void **state)
{
	(void)state;
	assert_false(cp_policy_owns(&unscoped, ""));
	assert_false(cp_policy_owns(&unscoped, NULL));
	assert_false(cp_policy_allows(&unscoped, CP_RULE_OWNER, ""));
	assert_false(cp_policy_allows(&unscoped, CP_RULE_NET_OWNER, ""));
	assert_true(cp_policy_owns(&member, "p-one"));
}

static void choosing_addresses_and_network_owners_needs_the_network(void **state)
{
	struct cp_err err = {0};

	(void)state;
	assert_int_equal(cp_policy_rule("port", CP_CREATE, "fixed_ips:ip_address"),
		CP_RULE_NET_OWNER);
	assert_int_equal(cp_policy_rule("port", CP_UPDATE, "device_owner:network"),
		CP_RULE_NET_OWNER);
	assert_int_equal(cp_policy_check(&member, "port", CP_CREATE, "fixed_ips:ip_address",
				 "p-admin", &err),
		-EPERM);
	assert_non_null(strstr(err.msg, "create_port:fixed_ips:ip_address"));
	assert_int_equal(cp_policy_check(&member, "port", CP_CREATE, "fixed_ips:ip_address",
				 "p-one", &err),
		0);
	assert_int_equal(cp_policy_check(&admin, "port", CP_UPDATE, "port_security_enabled",
				 "p-one", &err),
		0);
}

static void identity_administration_is_admin_only(void **state)
{
	struct cp_err err = {0};

	(void)state;
	assert_int_equal(cp_policy_rule("user", CP_READ, NULL), CP_RULE_ADMIN);
	assert_int_equal(cp_policy_rule("project", CP_CREATE, NULL), CP_RULE_ADMIN);
	assert_int_equal(cp_policy_check(&member, "role_assignment", CP_CREATE, NULL, NULL, &err),
		-EPERM);
	assert_non_null(strstr(err.msg, "create_role_assignment"));
}

static void creating_in_another_project_needs_admin(void **state)
{
	(void)state;
	assert_int_equal(cp_policy_rule("subnet", CP_CREATE, "project_id"), CP_RULE_ADMIN);
	assert_int_equal(cp_policy_rule("port", CP_CREATE, "tenant_id"), CP_RULE_ADMIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(provider_attributes_are_admin_only),
		cmocka_unit_test(ordinary_attributes_are_open),
		cmocka_unit_test(objects_belong_to_their_project),
		cmocka_unit_test(an_unscoped_caller_owns_nothing_not_even_unowned_objects),
		cmocka_unit_test(choosing_addresses_and_network_owners_needs_the_network),
		cmocka_unit_test(identity_administration_is_admin_only),
		cmocka_unit_test(creating_in_another_project_needs_admin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
