/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one policy table: who may do what to which kind of object, and which
 * attributes only admins may set or see. Pure lookups (unit-tested); the
 * generic resource code and the few services with nested attributes call
 * it, nothing else decides authorisation.
 */
#ifndef CP_POLICY_H
#define CP_POLICY_H

#include <stdbool.h>
#include "cp.h"

enum cp_action {
	CP_CREATE = 1u << 0,
	CP_READ = 1u << 1,
	CP_UPDATE = 1u << 2,
	CP_DELETE = 1u << 3,
};
#define CP_ALL_ACTIONS (CP_CREATE | CP_READ | CP_UPDATE | CP_DELETE)

enum cp_rule {
	CP_RULE_ANY,   /* any authenticated caller */
	CP_RULE_OWNER, /* admin, or the caller's project owns the object */
	CP_RULE_ADMIN, /* admin only */
	/* admin, or the caller's project owns the network the object is on;
	 * checked by the kind's hook, which knows that network. */
	CP_RULE_NET_OWNER,
};

/* The rule for (kind, action, attr); attr NULL means the object itself.
 * Defaults: objects CP_RULE_OWNER, attributes CP_RULE_ANY. */
enum cp_rule cp_policy_rule(const char *kind, enum cp_action action, const char *attr);

/* True when caller is scoped to a project and that project is
 * owner_project (never for an unscoped caller or an unowned object). */
bool cp_policy_owns(const struct cp_caller *caller, const char *owner_project);

/* True when caller passes rule for an object owned by owner_project
 * (NULL: unowned, e.g. identity objects). */
bool cp_policy_allows(const struct cp_caller *caller, enum cp_rule rule, const char *owner_project);

/* 0, or -EPERM with err filled ("... is disallowed by policy"). */
int cp_policy_check(const struct cp_caller *caller, const char *kind, enum cp_action action,
	const char *attr, const char *owner_project, struct cp_err *err);

#endif
