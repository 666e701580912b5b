/* SPDX-License-Identifier: Apache-2.0 */
#include "policy.h"

#include <errno.h>
#include <string.h>

struct cp_policy_entry {
	const char *kind;
	unsigned actions;
	const char *attr; /* NULL: the object */
	enum cp_rule rule;
};

/* Mirrors Neutron's and Keystone's default policies for what Virga serves. */
static const struct cp_policy_entry policy_table[] = {
	/* Networks: provider and external attributes are the operator's. */
	{"network", CP_ALL_ACTIONS, "provider:network_type", CP_RULE_ADMIN},
	{"network", CP_ALL_ACTIONS, "provider:physical_network", CP_RULE_ADMIN},
	{"network", CP_ALL_ACTIONS, "provider:segmentation_id", CP_RULE_ADMIN},
	{"network", CP_CREATE | CP_UPDATE, "router:external", CP_RULE_ADMIN},
	{"network", CP_CREATE | CP_UPDATE, "shared", CP_RULE_ADMIN},
	{"network", CP_CREATE | CP_UPDATE, "is_default", CP_RULE_ADMIN},
	/* Ports: binding is for the operator (and the agents). */
	{"port", CP_ALL_ACTIONS, "binding:host_id", CP_RULE_ADMIN},
	{"port", CP_ALL_ACTIONS, "binding:profile", CP_RULE_ADMIN},
	/* Neutron: create_port:mac_address is network_owner or admin,
	 * update_port:mac_address admin only. */
	{"port", CP_CREATE, "mac_address", CP_RULE_NET_OWNER},
	{"port", CP_UPDATE, "mac_address", CP_RULE_ADMIN},
	/* On a network another project owns (shared), a member takes what
	 * IPAM gives it: Neutron's rule:network_owner (port_policy.c). */
	{"port", CP_CREATE | CP_UPDATE, "fixed_ips:ip_address", CP_RULE_NET_OWNER},
	{"port", CP_CREATE | CP_UPDATE, "device_owner:network", CP_RULE_NET_OWNER},
	{"port", CP_CREATE | CP_UPDATE, "port_security_enabled", CP_RULE_NET_OWNER},
	{"port", CP_CREATE | CP_UPDATE, "allowed_address_pairs", CP_RULE_NET_OWNER},
	/* Routers and floating IPs. */
	{"router", CP_CREATE | CP_UPDATE, "external_gateway_info:enable_snat", CP_RULE_ADMIN},
	{"router", CP_CREATE | CP_UPDATE, "external_gateway_info:external_fixed_ips",
		CP_RULE_ADMIN},
	{"floatingip", CP_CREATE, "floating_ip_address", CP_RULE_ADMIN},
	/* Subnet pools: sharing one and the default pool are the operator's. */
	{"subnetpool", CP_CREATE | CP_UPDATE, "shared", CP_RULE_ADMIN},
	{"subnetpool", CP_CREATE | CP_UPDATE, "is_default", CP_RULE_ADMIN},
	/* Agents: Neutron's get/update/delete_agent are admin_only (and
	 * agents are never created through the API); a list filters them
	 * out (cp_kind.list_filtered). */
	{"agent", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	/* Quotas: a project may read its own; only admins change any. */
	{"quota", CP_CREATE | CP_UPDATE | CP_DELETE, NULL, CP_RULE_ADMIN},
	/* Everyone may create in their own project; another project is admin's. */
	{NULL, CP_CREATE, "project_id", CP_RULE_ADMIN},
	{NULL, CP_CREATE, "tenant_id", CP_RULE_ADMIN},
	/* Identity administration. */
	{"domain", CP_CREATE | CP_UPDATE | CP_DELETE, NULL, CP_RULE_ADMIN},
	{"domain", CP_READ, NULL, CP_RULE_ADMIN},
	{"project", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"user", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"group", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"role", CP_CREATE | CP_UPDATE | CP_DELETE, NULL, CP_RULE_ADMIN},
	{"role", CP_READ, NULL, CP_RULE_ADMIN},
	{"role_assignment", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"implied_role", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"group_membership", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	/* The catalog's objects: Keystone's admin_required (a token's own
	 * catalog is in the token and at /v3/auth/catalog). */
	{"region", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"service", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"endpoint", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	/* Kept for other services (stored_kinds.c): admin_required too. */
	{"credential", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"policy", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"oauth1_consumer", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	{"endpoint_group", CP_ALL_ACTIONS, NULL, CP_RULE_ADMIN},
	/* The change feed. */
	{"feed", CP_READ, NULL, CP_RULE_ADMIN},
};

enum cp_rule cp_policy_rule(const char *kind, enum cp_action action, const char *attr)
{
	for (size_t i = 0; i < sizeof(policy_table) / sizeof(policy_table[0]); i++) {
		const struct cp_policy_entry *e = &policy_table[i];

		if (e->kind && strcmp(e->kind, kind) != 0)
			continue;
		if (!(e->actions & action))
			continue;
		if ((e->attr == NULL) != (attr == NULL))
			continue;
		if (attr && strcmp(e->attr, attr) != 0)
			continue;
		return e->rule;
	}
	return attr ? CP_RULE_ANY : CP_RULE_OWNER;
}

bool cp_policy_owns(const struct cp_caller *caller, const char *owner_project)
{
	/* An unscoped caller has project "": it owns nothing, least of all
	 * the objects that no project owns. */
	return caller->project_id[0] && owner_project &&
		strcmp(owner_project, caller->project_id) == 0;
}

bool cp_policy_allows(const struct cp_caller *caller, enum cp_rule rule, const char *owner_project)
{
	switch (rule) {
	case CP_RULE_ANY:
		return true;
	case CP_RULE_OWNER:
		return caller->is_admin || cp_policy_owns(caller, owner_project);
	case CP_RULE_ADMIN:
		return caller->is_admin;
	case CP_RULE_NET_OWNER:
		return caller->is_admin || cp_policy_owns(caller, owner_project);
	}
	return false;
}

int cp_policy_check(const struct cp_caller *caller, const char *kind, enum cp_action action,
	const char *attr, const char *owner_project, struct cp_err *err)
{
	static const char *const verbs[] = {"create", "get", "update", "delete"};
	const char *verb = verbs[__builtin_ctz((unsigned)action)];

	if (cp_policy_allows(caller, cp_policy_rule(kind, action, attr), owner_project))
		return 0;
	if (attr)
		return cp_fail(err, -EPERM, "PolicyNotAuthorized",
			"(rule:%s_%s:%s) is disallowed by policy", verb, kind, attr);
	return cp_fail(err, -EPERM, "PolicyNotAuthorized", "(rule:%s_%s) is disallowed by policy",
		verb, kind);
}
