/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups and their rules. Every project gets a "default" group on
 * first use (ingress from members of the group, egress anywhere, for IPv4
 * and IPv6); new groups get the two egress rules. Rules are validated as
 * Neutron does and never duplicated.
 */
#include "network.h"
#include "ipam.h"
#include "../db/feed.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_rule(struct cp_ctx *ctx, const json_t *group, const char *direction,
	const char *ethertype, bool remote_self)
{
	json_t *rule = json_pack("{s:O, s:s, s:s, s:O}", "security_group_id",
		json_object_get(group, "id"), "direction", direction, "ethertype", ethertype,
		"project_id", json_object_get(group, "project_id"));
	int rc;

	if (remote_self)
		json_object_set(rule, "remote_group_id", json_object_get(group, "id"));
	rc = cp_res_insert(ctx, &cp_kind_secgroup_rule, rule, NULL);
	json_decref(rule);
	return rc;
}

static int default_rules(struct cp_ctx *ctx, const json_t *group, bool is_default)
{
	static const char *const ethertypes[] = {"IPv4", "IPv6"};
	int rc = 0;

	for (int i = 0; i < 2 && rc == 0; i++) {
		rc = add_rule(ctx, group, "egress", ethertypes[i], false);
		if (rc == 0 && is_default)
			rc = add_rule(ctx, group, "ingress", ethertypes[i], true);
	}
	return rc;
}

int cp_secgroup_ensure_default(struct cp_ctx *ctx, const char *project_id)
{
	json_t *all, *g, *group = NULL;
	struct cp_caller root = {.is_admin = true};
	struct cp_ctx sub = {.db = ctx->db, .caller = &root};
	size_t i;
	bool found = false;
	int rc;

	if (!project_id || !project_id[0])
		return 0;
	all = cp_obj_list(ctx->db, "security_group", project_id, false, NULL, 0);
	json_array_foreach(all, i, g)
		if (strcmp(cp_json_str(g, "name") ?: "", "default") == 0)
			found = true;
	json_decref(all);
	if (found)
		return 0;
	g = json_pack("{s:s, s:s, s:s}", "name", "default", "description", "Default security group",
		"project_id", project_id);
	rc = cp_res_insert(&sub, &cp_kind_secgroup, g, &group);
	json_decref(g);
	if (rc == 0)
		rc = default_rules(&sub, group, true);
	json_decref(group);
	if (rc)
		ctx->err = sub.err;
	return rc;
}

int cp_secgroup_ensure_default_tx(struct cp_ctx *ctx)
{
	json_t *all, *g;
	size_t i;
	bool found = false;
	int rc;

	/* Cheap read first: the write lock only on a project's first call. */
	if (!ctx->caller->project_id[0] || cp_db_begin(ctx->db, false))
		return 0;
	all = cp_obj_list(ctx->db, "security_group", ctx->caller->project_id, false, NULL, 0);
	json_array_foreach(all, i, g)
		if (strcmp(cp_json_str(g, "name") ?: "", "default") == 0)
			found = true;
	json_decref(all);
	cp_db_commit(ctx->db);
	if (found)
		return 0;
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = cp_secgroup_ensure_default(ctx, ctx->caller->project_id);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

static int sg_after_create(struct cp_ctx *ctx, json_t *group)
{
	/* The default group adds its own rules (ensure_default). */
	if (strcmp(cp_json_str(group, "name") ?: "", "default") == 0 && !ctx->caller->project_id[0])
		return 0;
	return default_rules(ctx, group, false);
}

/* Whether any port has group_id among its security groups. */
static bool group_in_use(struct cp_ctx *ctx, const char *group_id)
{
	json_t *ports = cp_obj_list(ctx->db, "port", NULL, false, NULL, 0), *p, *v;
	bool used = false;
	size_t i, j;

	json_array_foreach(ports, i, p)
		json_array_foreach(json_object_get(p, "security_groups"), j, v)
			used = used || strcmp(json_string_value(v) ?: "", group_id) == 0;
	json_decref(ports);
	return used;
}

static int sg_prepare(struct cp_ctx *ctx, json_t *group, const json_t *old)
{
	/* Ports hold groups of one kind only (port.c), so a group in use keeps
	 * its kind, as in Neutron. */
	if (old && cp_json_bool(group, "stateful", true) != cp_json_bool(old, "stateful", true) &&
		group_in_use(ctx, cp_json_str(old, "id")))
		return cp_fail(&ctx->err, -EBUSY, "SecurityGroupInUse",
			"Security Group %s in use.", cp_json_str(old, "id"));
	if (old && strcmp(cp_json_str(old, "name") ?: "", "default") == 0 &&
		strcmp(cp_json_str(group, "name") ?: "", "default") != 0)
		return cp_fail(&ctx->err, -EINVAL, "SecurityGroupCannotUpdateDefault",
			"Updating default security group not allowed.");
	/* Another "default", made or renamed to: Neutron's 409. */
	if ((!old || strcmp(cp_json_str(old, "name") ?: "", "default") != 0) &&
		strcmp(cp_json_str(group, "name") ?: "", "default") == 0 &&
		(old || ctx->caller->project_id[0]))
		return cp_fail(&ctx->err, -EEXIST, "SecurityGroupDefaultAlreadyExists",
			"Default security group already exists.");
	return 0;
}

static int sg_before_delete(struct cp_ctx *ctx, const json_t *group)
{
	const char *id = cp_json_str(group, "id");
	json_t *rules, *r;
	size_t i;
	int rc = 0;

	if (strcmp(cp_json_str(group, "name") ?: "", "default") == 0 && !ctx->caller->is_admin)
		rc = cp_fail(&ctx->err, -EBUSY, "SecurityGroupCannotRemoveDefault",
			"Insufficient rights for removing default security group.");
	if (rc == 0 && group_in_use(ctx, id))
		rc = cp_fail(&ctx->err, -EBUSY, "SecurityGroupInUse", "Security Group %s in use.",
			id);
	if (rc)
		return rc;
	/* Its own rules, and, as Neutron's foreign key cascades, the rules of
	 * other groups that name it as their remote group. */
	rules = cp_obj_list(ctx->db, "security_group_rule", NULL, false, NULL, 0);
	json_array_foreach(rules, i, r)
		if (rc == 0 && (strcmp(cp_json_str(r, "security_group_id") ?: "", id) == 0 ||
				       strcmp(cp_json_str(r, "remote_group_id") ?: "", id) == 0))
			rc = cp_obj_del(ctx->db, "security_group_rule", cp_json_str(r, "id"));
	json_decref(rules);
	return rc ? rc : cp_feed_forget_group(ctx->db, id);
}

static void sg_render(struct cp_ctx *ctx, json_t *group)
{
	json_object_set_new(group, "security_group_rules",
		cp_obj_list(ctx->db, "security_group_rule", NULL, false, cp_json_str(group, "id"),
			0));
}

static int sg_before_use(struct cp_ctx *ctx)
{
	return cp_secgroup_ensure_default_tx(ctx);
}

static const struct cp_attr sg_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"stateful", CP_T_BOOL, CP_A_RW, "true"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_secgroup = {
	.name = "security_group",
	.not_found = "SecurityGroupNotFound",
	.attrs = sg_attrs,
	.owned = true,
	.prepare = sg_prepare,
	.after_create = sg_after_create,
	.before_delete = sg_before_delete,
	.render = sg_render,
	.before_use = sg_before_use,
	.check_quota = cp_quota_check,
};

/* Protocol name or number -> canonical text; NULL when invalid. */
static const char *protocol_of(const json_t *v, char buf[8])
{
	/* Neutron's names (neutron-lib's IP_PROTOCOL_MAP, and "any"). */
	static const char *const names[] = {"tcp", "udp", "icmp", "icmpv6", "ipv6-icmp", "sctp",
		"gre", "esp", "ah", "any", "dccp", "egp", "hopopt", "igmp", "ipip", "ipv6-encap",
		"ipv6-frag", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp",
		"udplite", "vrrp"};
	long n;
	char *end;

	if (json_is_null(v) || !v)
		return "";
	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (!json_is_string(v))
		return NULL;
	else {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(json_string_value(v), names[i]) == 0)
				return names[i];
		n = strtol(json_string_value(v), &end, 10);
		if (*end || !json_string_value(v)[0])
			return NULL;
	}
	if (n < 0 || n > 255)
		return NULL;
	snprintf(buf, 8, "%ld", n);
	return buf;
}

/* The protocols Neutron takes port ranges on, by name or number. */
static bool has_ports(const char *proto)
{
	static const char *const with_ports[] = {"tcp", "udp", "sctp", "dccp", "udplite", "6",
		"17", "132", "33", "136"};

	for (size_t i = 0; i < sizeof(with_ports) / sizeof(with_ports[0]); i++)
		if (strcmp(proto, with_ports[i]) == 0)
			return true;
	return false;
}

static bool is_icmp(const char *proto)
{
	return strcmp(proto, "icmp") == 0 || strcmp(proto, "icmpv6") == 0 ||
		strcmp(proto, "ipv6-icmp") == 0 || strcmp(proto, "1") == 0 ||
		strcmp(proto, "58") == 0;
}

static int bad_rule(struct cp_ctx *ctx, const char *msg)
{
	return cp_fail(&ctx->err, -EINVAL, "InvalidInput", "Invalid input for operation: %s", msg);
}

static int check_ports(struct cp_ctx *ctx, const char *proto, const json_t *minv,
	const json_t *maxv)
{
	json_int_t lo = json_integer_value(minv), hi = json_integer_value(maxv);
	bool have_lo = json_is_integer(minv), have_hi = json_is_integer(maxv);

	if (!have_lo && !have_hi)
		return 0;
	if (has_ports(proto)) {
		/* Neutron's two errors: a port out of range names it (tempest reads it). */
		if (have_lo && (lo < 1 || lo > 65535))
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupInvalidPortValue",
				"Invalid value for port %lld", (long long)lo);
		if (have_hi && (hi < 1 || hi > 65535))
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupInvalidPortValue",
				"Invalid value for port %lld", (long long)hi);
		if (!have_lo || !have_hi || lo > hi)
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupInvalidPortRange",
				"For TCP/UDP protocols, port_range_min must be <= port_range_max");
		return 0;
	}
	if (is_icmp(proto)) {
		/* Neutron's words, which tempest matches. */
		if (have_lo && (lo < 0 || lo > 255))
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupInvalidIcmpValue",
				"Invalid value for ICMP type (port-range-min) %lld. It must be 0 to 255.",
				(long long)lo);
		if (have_hi && (hi < 0 || hi > 255))
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupInvalidIcmpValue",
				"Invalid value for ICMP code (port-range-max) %lld. It must be 0 to 255.",
				(long long)hi);
		if (have_hi && !have_lo)
			return cp_fail(&ctx->err, -EINVAL, "SecurityGroupMissingIcmpType",
				"ICMP code (port-range-max) %lld is provided but ICMP type (port-range-min) is missing.",
				(long long)hi);
		return 0;
	}
	return bad_rule(ctx, "port ranges need protocol tcp, udp, sctp, dccp, udplite or icmp");
}

static bool same_rule(const json_t *a, const json_t *b)
{
	static const char *const keys[] = {"direction", "ethertype", "protocol", "port_range_min",
		"port_range_max", "remote_ip_prefix", "remote_group_id"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *x = json_object_get(a, keys[i]), *y = json_object_get(b, keys[i]);

		if (!json_equal(x ? x : json_null(), y ? y : json_null()) &&
			!((!x || json_is_null(x)) && (!y || json_is_null(y))))
			return false;
	}
	return true;
}

static int rule_prepare(struct cp_ctx *ctx, json_t *rule, const json_t *old)
{
	const char *dir = cp_json_str(rule, "direction"), *eth = cp_json_str(rule, "ethertype");
	const char *prefix = cp_json_str(rule, "remote_ip_prefix");
	const char *remote = cp_json_str(rule, "remote_group_id");
	json_t *group = NULL, *others, *o;
	char buf[8];
	const char *proto = protocol_of(json_object_get(rule, "protocol"), buf);
	size_t i;
	int rc;

	(void)old;
	if (!dir || (strcmp(dir, "ingress") != 0 && strcmp(dir, "egress") != 0))
		return bad_rule(ctx, "direction must be ingress or egress");
	if (!eth || (strcmp(eth, "IPv4") != 0 && strcmp(eth, "IPv6") != 0))
		return bad_rule(ctx, "ethertype must be IPv4 or IPv6");
	if (!proto)
		return cp_fail(&ctx->err, -EINVAL, "SecurityGroupRuleInvalidProtocol",
			"Security group rule protocol not supported: use a name or 0..255.");
	json_object_set_new(rule, "protocol", proto[0] && strcmp(proto, "any") != 0
			? json_string(proto)
			: json_null());
	rc = check_ports(ctx, proto, json_object_get(rule, "port_range_min"),
		json_object_get(rule, "port_range_max"));
	if (rc)
		return rc;
	if (prefix && remote)
		return cp_fail(&ctx->err, -EINVAL, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
			"Only remote_ip_prefix or remote_group_id may be provided.");
	if (prefix) {
		struct cp_cidr c;
		char norm[CP_IP_STRLEN + 4];

		if (cp_cidr_parse(prefix, &c, false)) {
			int fam;
			cp_u128 ip;

			if (cp_ip_parse(prefix, &fam, &ip))
				return bad_rule(ctx, "remote_ip_prefix is not a valid CIDR");
			c = (struct cp_cidr){fam, ip, fam == AF_INET ? 32 : 128};
		}
		if ((c.family == AF_INET) != (strcmp(eth, "IPv4") == 0))
			return bad_rule(ctx, "Conflicting value ethertype and remote_ip_prefix");
		cp_cidr_format(&c, norm);
		json_object_set_new(rule, "remote_ip_prefix", json_string(norm));
	}
	rc = cp_res_load_owned(ctx, &cp_kind_secgroup, cp_json_str(rule, "security_group_id"),
		CP_UPDATE, &group);
	if (rc)
		return rc;
	json_object_set(rule, "project_id", json_object_get(group, "project_id"));
	json_object_set(rule, "tenant_id", json_object_get(group, "project_id"));
	json_decref(group);
	if (remote) {
		rc = cp_res_load(ctx, &cp_kind_secgroup, remote, &group);
		if (rc)
			return rc;
		json_decref(group);
	}
	others = cp_obj_list(ctx->db, "security_group_rule", NULL, false,
		cp_json_str(rule, "security_group_id"), 0);
	json_array_foreach(others, i, o)
		if (rc == 0 && same_rule(o, rule))
			rc = cp_fail(&ctx->err, -EEXIST, "SecurityGroupRuleExists",
				"Security group rule already exists. Rule id is %s.",
				cp_json_str(o, "id"));
	json_decref(others);
	return rc;
}

/* ?protocol=any lists the rules stored with protocol null, as Neutron's
 * convert_protocol makes of both. */
static json_t *rule_filters(const json_t *filters)
{
	json_t *out = json_deep_copy(filters), *vals = json_object_get(out, "protocol"), *v;
	size_t i;

	json_array_foreach(vals, i, v)
		if (strcmp(json_string_value(v) ?: "", "any") == 0)
			json_array_set_new(vals, i, json_string("None"));
	return out;
}

static const struct cp_attr rule_attrs[] = {
	{"security_group_id", CP_T_STR, CP_A_POST | CP_A_REQ, NULL},
	{"direction", CP_T_STR, CP_A_POST | CP_A_REQ, NULL},
	{"ethertype", CP_T_STR, CP_A_POST, "\"IPv4\""},
	{"protocol", CP_T_ANY, CP_A_POST | CP_A_NULL, "null"},
	{"port_range_min", CP_T_INT, CP_A_POST | CP_A_NULL, "null"},
	{"port_range_max", CP_T_INT, CP_A_POST | CP_A_NULL, "null"},
	{"remote_ip_prefix", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"remote_group_id", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"remote_address_group_id", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"description", CP_T_STR, CP_A_POST, "\"\""},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_secgroup_rule = {
	.name = "security_group_rule",
	.not_found = "SecurityGroupRuleNotFound",
	.attrs = rule_attrs,
	.owned = true,
	.parent_attr = "security_group_id",
	.prepare = rule_prepare,
	.convert_filters = rule_filters,
	.check_quota = cp_quota_check,
};
