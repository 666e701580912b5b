/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routers: interfaces (a port on a subnet, holding its gateway address),
 * the external gateway (a port on an external network, SNAT on by
 * default) and extra routes whose next hops must be on an attached subnet.
 */
#include "network.h"
#include "subnet.h"
#include "../core/policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Set once at start (before any request): the controller, not the agent,
 * chooses where gateways live. */
static char gateway_node[256];

void cp_router_set_gateway_node(const char *node)
{
	snprintf(gateway_node, sizeof(gateway_node), "%s", node ? node : "");
}

/* Subnet ids of the router's interface ports. */
static json_t *interface_subnets(struct cp_ctx *ctx, const char *router_id)
{
	json_t *ports = cp_ports_of(ctx, router_id, "network:router_interface"), *p, *ids;
	size_t i, j;
	json_t *f;

	ids = json_array();
	json_array_foreach(ports, i, p)
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f)
			json_array_append(ids, json_object_get(f, "subnet_id"));
	json_decref(ports);
	return ids;
}

static bool nexthop_connected(struct cp_ctx *ctx, const char *router_id, int fam, cp_u128 hop)
{
	json_t *ids = interface_subnets(ctx, router_id), *id;
	bool ok = false;
	size_t i;

	json_array_foreach(ids, i, id) {
		json_t *s = cp_obj_get(ctx->db, "subnet", json_string_value(id));
		struct cp_cidr c;

		if (s && cp_cidr_parse(cp_json_str(s, "cidr"), &c, false) == 0 &&
			cp_cidr_contains(&c, fam, hop))
			ok = true;
		json_decref(s);
	}
	json_decref(ids);
	return ok;
}

static int check_routes(struct cp_ctx *ctx, const json_t *router)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(router, "routes"), i, r) {
		struct cp_cidr dst;
		int fam;
		cp_u128 hop;

		if (!json_is_object(r) || cp_cidr_parse(cp_json_str(r, "destination"), &dst, false) ||
			cp_ip_parse(cp_json_str(r, "nexthop"), &fam, &hop) || fam != dst.family)
			return cp_fail(&ctx->err, -EINVAL, "InvalidRoutes",
				"Invalid format for routes: each needs a destination CIDR and a "
				"nexthop of the same IP version");
		if (!nexthop_connected(ctx, cp_json_str(router, "id"), fam, hop))
			return cp_fail(&ctx->err, -EINVAL, "InvalidRoutes",
				"Invalid format for routes: the nexthop %s is not connected with "
				"router",
				cp_json_str(r, "nexthop"));
	}
	return 0;
}

static bool fips_use_router(struct cp_ctx *ctx, const char *router_id)
{
	json_t *fips = cp_obj_list(ctx->db, "floatingip", NULL, false, NULL, 0), *f;
	bool used = false;
	size_t i;

	json_array_foreach(fips, i, f)
		if (strcmp(cp_json_str(f, "router_id") ?: "", router_id) == 0)
			used = true;
	json_decref(fips);
	return used;
}

static int set_gateway(struct cp_ctx *ctx, json_t *router, const json_t *old)
{
	json_t *gw = json_object_get(router, "external_gateway_info");
	const json_t *old_gw = old ? json_object_get(old, "external_gateway_info") : NULL;
	const char *rid = cp_json_str(router, "id"), *net_id = cp_json_str(gw, "network_id");
	json_t *net = NULL, *port = NULL;
	int rc;

	if (old && json_equal(gw, old_gw))
		return 0;
	if (json_is_object(gw) && json_object_get(gw, "enable_snat") &&
		(rc = cp_policy_check(ctx->caller, "router", old ? CP_UPDATE : CP_CREATE,
			 "external_gateway_info:enable_snat", NULL, &ctx->err)))
		return rc;
	if (json_is_object(gw) && json_object_get(gw, "external_fixed_ips") &&
		(rc = cp_policy_check(ctx->caller, "router", old ? CP_UPDATE : CP_CREATE,
			 "external_gateway_info:external_fixed_ips", NULL, &ctx->err)))
		return rc;
	/* Changing or clearing: the old gateway port goes. */
	if (json_is_object(old_gw) && cp_json_str(old_gw, "network_id")) {
		if ((!net_id || strcmp(net_id, cp_json_str(old_gw, "network_id")) != 0) &&
			fips_use_router(ctx, rid))
			return cp_fail(&ctx->err, -EBUSY, "RouterExternalGatewayInUseByFloatingIp",
				"Gateway cannot be updated for router %s, since a gateway to external "
				"network %s is required by one or more floating IPs.",
				rid, cp_json_str(old_gw, "network_id"));
		rc = cp_port_delete_by_device(ctx, rid, "network:router_gateway");
		if (rc)
			return rc;
	}
	if (!json_is_object(gw) || !net_id) {
		if (json_is_object(gw) && json_object_size(gw) && !net_id)
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for external_gateway_info: network_id is required");
		json_object_set_new(router, "external_gateway_info", json_null());
		return 0;
	}
	rc = cp_res_load(ctx, &cp_kind_network, net_id, &net);
	if (rc)
		return rc;
	if (!cp_json_bool(net, "router:external", false)) {
		json_decref(net);
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			"Bad router request: Network %s is not an external network.", net_id);
	}
	json_decref(net);
	rc = cp_port_create_internal(ctx, net_id, cp_res_owner(router), rid, "network:router_gateway",
		json_object_get(gw, "external_fixed_ips"), gateway_node, &port);
	if (rc)
		return rc;
	json_object_set_new(router, "external_gateway_info",
		json_pack("{s:s, s:b, s:O}", "network_id", net_id, "enable_snat",
			cp_json_bool(gw, "enable_snat", true), "external_fixed_ips",
			json_object_get(port, "fixed_ips")));
	json_decref(port);
	return 0;
}

static int router_prepare(struct cp_ctx *ctx, json_t *router, const json_t *old)
{
	int rc;

	/* Neutron converts routes: null to no routes (convert_none_to_empty_list). */
	if (json_is_null(json_object_get(router, "routes")))
		json_object_set_new(router, "routes", json_array());
	rc = set_gateway(ctx, router, old);

	if (rc == 0)
		rc = check_routes(ctx, router);
	if (rc == 0 && old)
		rc = cp_router_sync_csnat(ctx, router); /* a new router has no interfaces yet */
	json_object_set_new(router, "status", json_string("ACTIVE"));
	return rc;
}

static int router_before_delete(struct cp_ctx *ctx, const json_t *router)
{
	const char *rid = cp_json_str(router, "id");
	json_t *ifaces = cp_ports_of(ctx, rid, "network:router_interface");
	size_t n = json_array_size(ifaces);
	int rc;

	json_decref(ifaces);
	if (n)
		return cp_fail(&ctx->err, -EBUSY, "RouterInUse",
			"Router %s still has ports", rid);
	if (fips_use_router(ctx, rid))
		return cp_fail(&ctx->err, -EBUSY, "RouterInUse",
			"Router %s is still used by floating IPs", rid);
	rc = cp_port_delete_by_device(ctx, rid, CP_OWNER_ROUTER_SNAT);
	return rc ? rc : cp_port_delete_by_device(ctx, rid, "network:router_gateway");
}

static json_t *interface_info(const json_t *router, const json_t *port)
{
	const json_t *f0 = json_array_get(json_object_get(port, "fixed_ips"), 0);
	json_t *ids = json_array(), *f;
	size_t i;

	json_array_foreach(json_object_get(port, "fixed_ips"), i, f)
		json_array_append(ids, json_object_get(f, "subnet_id"));
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "id", json_object_get(router, "id"),
		"tenant_id", json_object_get(router, "project_id"), "project_id",
		json_object_get(router, "project_id"), "port_id", json_object_get(port, "id"),
		"network_id", json_object_get(port, "network_id"), "subnet_id",
		json_object_get(f0, "subnet_id"), "subnet_ids", ids);
}

/* Neutron refuses an interface whose subnet overlaps one the router
 * already has: the router could not tell the two apart when forwarding. */
static int check_subnet_overlap(struct cp_ctx *ctx, const char *router_id, const char *sid)
{
	json_t *ids = interface_subnets(ctx, router_id), *id;
	json_t *s = cp_obj_get(ctx->db, "subnet", sid);
	struct cp_cidr c;
	size_t i;
	int rc = 0;

	if (s && cp_cidr_parse(cp_json_str(s, "cidr"), &c, false) == 0)
		json_array_foreach(ids, i, id) {
			json_t *o = cp_obj_get(ctx->db, "subnet", json_string_value(id));
			struct cp_cidr oc;

			if (rc == 0 && o && strcmp(cp_json_str(o, "id"), sid) != 0 &&
				cp_cidr_parse(cp_json_str(o, "cidr"), &oc, false) == 0 &&
				cp_cidr_overlap(&c, &oc))
				rc = cp_fail(&ctx->err, -EINVAL, "BadRequest",
					"Bad router request: Cidr %s of subnet %s overlaps with cidr "
					"%s of subnet %s.",
					cp_json_str(s, "cidr"), sid, cp_json_str(o, "cidr"),
					cp_json_str(o, "id"));
			json_decref(o);
		}
	json_decref(s);
	json_decref(ids);
	return rc;
}

/* Every subnet of port's fixed IPs against the router's interfaces. */
static int check_port_overlap(struct cp_ctx *ctx, const char *router_id, const json_t *port)
{
	const json_t *f;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(port, "fixed_ips"), i, f)
		if (rc == 0 && cp_json_str(f, "subnet_id"))
			rc = check_subnet_overlap(ctx, router_id, cp_json_str(f, "subnet_id"));
	return rc;
}

static int add_interface(struct cp_ctx *ctx, json_t *router, const json_t *body, json_t **port)
{
	const char *rid = cp_json_str(router, "id");
	const char *sid = cp_json_str(body, "subnet_id"), *pid = cp_json_str(body, "port_id");
	json_t *subnet = NULL, *attached, *fixed;
	int rc;

	if (pid) {
		rc = cp_res_load_owned(ctx, &cp_kind_port, pid, CP_UPDATE, port);
		if (rc)
			return rc;
		if (cp_json_str(*port, "device_id")[0])
			return cp_fail(&ctx->err, -EBUSY, "PortInUse",
				"Unable to complete operation on port %s. The port is already in use.",
				pid);
		if (!json_array_size(json_object_get(*port, "fixed_ips")))
			return cp_fail(&ctx->err, -EINVAL, "BadRequest",
				"Bad router request: Router port must have at least one fixed IP.");
		rc = check_port_overlap(ctx, rid, *port);
		if (rc)
			return rc;
		json_object_set_new(*port, "device_id", json_string(rid));
		json_object_set_new(*port, "device_owner", json_string("network:router_interface"));
		json_object_set_new(*port, "security_groups", json_array());
		json_object_set_new(*port, "port_security_enabled", json_false());
		return cp_res_store(ctx, &cp_kind_port, *port);
	}
	rc = cp_res_load_owned(ctx, &cp_kind_subnet, sid, CP_UPDATE, &subnet);
	if (rc)
		return rc;
	if (!cp_json_str(subnet, "gateway_ip")) {
		json_decref(subnet);
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			"Bad router request: Subnet %s has no gateway IP.", sid);
	}
	attached = interface_subnets(ctx, rid);
	for (size_t i = 0; i < json_array_size(attached); i++)
		if (strcmp(json_string_value(json_array_get(attached, i)), sid) == 0)
			rc = cp_fail(&ctx->err, -EINVAL, "BadRequest",
				"Bad router request: Router already has a port on subnet %s.", sid);
	json_decref(attached);
	if (rc == 0)
		rc = check_subnet_overlap(ctx, rid, sid);
	if (rc == 0) {
		fixed = json_pack("[{s:s, s:O}]", "subnet_id", sid, "ip_address",
			json_object_get(subnet, "gateway_ip"));
		rc = cp_port_create_internal(ctx, cp_json_str(subnet, "network_id"),
			cp_json_str(router, "project_id"), rid, "network:router_interface", fixed,
			NULL, port);
		json_decref(fixed);
	}
	json_decref(subnet);
	return rc;
}

static int remove_interface(struct cp_ctx *ctx, json_t *router, const json_t *body, json_t **port)
{
	const char *rid = cp_json_str(router, "id");
	const char *sid = cp_json_str(body, "subnet_id"), *pid = cp_json_str(body, "port_id");
	json_t *ports = cp_ports_of(ctx, rid, "network:router_interface"), *p, *f;
	size_t i, j;

	*port = NULL;
	json_array_foreach(ports, i, p) {
		if (pid && strcmp(cp_json_str(p, "id"), pid) == 0)
			*port = json_incref(p);
		json_array_foreach(json_object_get(p, "fixed_ips"), j, f)
			if (sid && !*port && strcmp(cp_json_str(f, "subnet_id"), sid) == 0)
				*port = json_incref(p);
	}
	json_decref(ports);
	if (!*port)
		return cp_fail(&ctx->err, -ENOENT, "RouterInterfaceNotFound",
			"Router %s does not have an interface with %s %s", rid,
			pid ? "port" : "subnet", pid ? pid : sid);
	if (fips_use_router(ctx, rid)) {
		/* Conservative: Neutron checks the subnet; any FIP via this router blocks. */
		return cp_fail(&ctx->err, -EBUSY, "RouterInterfaceInUseByFloatingIP",
			"Router interface for subnet on router %s cannot be deleted, as it is "
			"required by one or more floating IPs.",
			rid);
	}
	if (cp_port_release_ips(ctx, cp_json_str(*port, "id")))
		return -EIO;
	return cp_obj_del(ctx->db, "port", cp_json_str(*port, "id"));
}

int cp_router_interface(struct cp_ctx *ctx, const char *router_id, const json_t *body, bool add,
	json_t **out)
{
	json_t *router = NULL, *port = NULL;
	const json_t *sid = json_object_get(body, "subnet_id"), *pid = json_object_get(body, "port_id");
	int rc;

	if ((!sid == !pid) || (sid && !json_is_string(sid)) || (pid && !json_is_string(pid)) ||
		json_object_size(body) != 1)
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			"Bad router request: Must specify either subnet_id or port_id (a string).");
	rc = cp_res_check_kind(ctx, &cp_kind_router, CP_UPDATE);
	if (rc)
		return rc;
	if (cp_db_begin(ctx->db, true))
		return -EIO;
	rc = cp_res_load_owned(ctx, &cp_kind_router, router_id, CP_UPDATE, &router);
	if (rc == 0)
		rc = add ? add_interface(ctx, router, body, &port)
			 : remove_interface(ctx, router, body, &port);
	if (rc == 0)
		rc = check_routes(ctx, router); /* removing may orphan a next hop */
	if (rc == 0)
		rc = cp_router_sync_csnat(ctx, router);
	if (rc == 0)
		rc = cp_res_store(ctx, &cp_kind_router, router); /* bumps its revision */
	if (rc == 0)
		*out = interface_info(router, port);
	json_decref(router);
	json_decref(port);
	if (rc) {
		cp_db_rollback(ctx->db);
		return rc;
	}
	return cp_db_commit(ctx->db);
}

static const struct cp_attr router_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"admin_state_up", CP_T_BOOL, CP_A_RW, "true"},
	{"external_gateway_info", CP_T_OBJ, CP_A_RW | CP_A_NULL, "null"},
	{"routes", CP_T_LIST, CP_A_PUT | CP_A_NULL, "[]"},
	{"availability_zone_hints", CP_T_LIST, CP_A_POST, "[]"},
	{"availability_zones", CP_T_LIST, 0, "[]"},
	{"distributed", CP_T_BOOL, 0, "false"},
	{"ha", CP_T_BOOL, 0, "false"},
	{"flavor_id", CP_T_STR, CP_A_NULL, "null"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_router = {
	.name = "router",
	.not_found = "RouterNotFound",
	.attrs = router_attrs,
	.owned = true,
	.prepare = router_prepare,
	.before_delete = router_before_delete,
	.check_quota = cp_quota_check,
};
