/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Floating IPs: an address (held by a network:floatingip port) on an
 * external network, associated with a fixed IP of a port when a router
 * joins the port's subnet to that external network. The agent of the node
 * hosting that router's gateway programs the translation (the change feed
 * sends every floating IP) and reports it ACTIVE.
 */
#include "network.h"
#include "subnet.h"

#include <errno.h>
#include <string.h>

/* The router with a gateway on ext_net and an interface on the subnet
 * containing fixed_ip; NULL when the external network is unreachable. */
static json_t *find_router(struct cp_ctx *ctx, const char *ext_net, const char *subnet_id)
{
	json_t *routers = cp_obj_list(ctx->db, "router", NULL, false, NULL, 0), *r, *found = NULL;
	size_t i;

	json_array_foreach(routers, i, r) {
		const json_t *gw = json_object_get(r, "external_gateway_info");
		json_t *ports, *p, *f;
		size_t j, k;

		if (!json_is_object(gw) || strcmp(cp_json_str(gw, "network_id") ?: "", ext_net) != 0)
			continue;
		ports = cp_ports_of(ctx, cp_json_str(r, "id"), "network:router_interface");
		json_array_foreach(ports, j, p)
			json_array_foreach(json_object_get(p, "fixed_ips"), k, f)
				if (!found && strcmp(cp_json_str(f, "subnet_id"), subnet_id) == 0)
					found = json_incref(r);
		json_decref(ports);
	}
	json_decref(routers);
	return found;
}

static int associate(struct cp_ctx *ctx, json_t *fip)
{
	const char *port_id = cp_json_str(fip, "port_id"), *want = cp_json_str(fip, "fixed_ip_address");
	const char *ext = cp_json_str(fip, "floating_network_id");
	json_t *port = NULL, *f, *chosen = NULL, *router, *others, *o;
	size_t i;
	int rc;

	if (!port_id) {
		json_object_set_new(fip, "port_id", json_null());
		json_object_set_new(fip, "fixed_ip_address", json_null());
		json_object_set_new(fip, "router_id", json_null());
		json_object_set_new(fip, "status", json_string("DOWN"));
		return 0;
	}
	rc = cp_res_load_owned(ctx, &cp_kind_port, port_id, CP_UPDATE, &port);
	if (rc)
		return rc;
	json_array_foreach(json_object_get(port, "fixed_ips"), i, f) {
		const char *ip = cp_json_str(f, "ip_address");

		if (!chosen && (want ? strcmp(ip, want) == 0 : strchr(ip, ':') == NULL))
			chosen = f;
	}
	if (!chosen) {
		json_decref(port);
		return cp_fail(&ctx->err, -EINVAL, "BadRequest",
			"Bad floatingip request: Port %s does not have fixed ip %s.", port_id,
			want ? want : "(IPv4)");
	}
	router = find_router(ctx, ext, cp_json_str(chosen, "subnet_id"));
	if (!router) {
		rc = cp_fail(&ctx->err, -ENOENT, "ExternalGatewayForFloatingIPNotFound",
			"External network %s is not reachable from subnet %s. Therefore, cannot "
			"associate Port %s with a Floating IP.",
			ext, cp_json_str(chosen, "subnet_id"), port_id);
		json_decref(port);
		return rc;
	}
	others = cp_obj_list(ctx->db, "floatingip", NULL, false, NULL, 0);
	json_array_foreach(others, i, o)
		if (strcmp(cp_json_str(o, "id"), cp_json_str(fip, "id")) != 0 &&
			strcmp(cp_json_str(o, "port_id") ?: "", port_id) == 0 &&
			strcmp(cp_json_str(o, "fixed_ip_address") ?: "",
				cp_json_str(chosen, "ip_address")) == 0 &&
			strcmp(cp_json_str(o, "floating_network_id"), ext) == 0)
			rc = cp_fail(&ctx->err, -EEXIST, "FloatingIPPortAlreadyAssociated",
				"Cannot associate floating IP with port %s using fixed IP %s, as that "
				"fixed IP already has a floating IP on external network %s.",
				port_id, cp_json_str(chosen, "ip_address"), ext);
	json_decref(others);
	if (rc == 0) {
		json_object_set(fip, "fixed_ip_address", json_object_get(chosen, "ip_address"));
		json_object_set(fip, "router_id", json_object_get(router, "id"));
		/* ACTIVE once the agent of the gateway node says its dataplane
		 * translates it (status.c), as Neutron's L3 agent does. */
		json_object_set_new(fip, "status", json_string("DOWN"));
	}
	json_decref(router);
	json_decref(port);
	return rc;
}

static int fip_prepare(struct cp_ctx *ctx, json_t *fip, const json_t *old)
{
	const char *ext = cp_json_str(fip, "floating_network_id");
	json_t *net = NULL, *port = NULL, *fixed = NULL;
	int rc;

	if (!old) {
		rc = cp_res_load(ctx, &cp_kind_network, ext, &net);
		if (rc)
			return rc;
		if (!cp_json_bool(net, "router:external", false)) {
			json_decref(net);
			return cp_fail(&ctx->err, -EINVAL, "BadRequest",
				"Bad floatingip request: Network %s is not a valid external network.",
				ext);
		}
		json_decref(net);
		if (cp_json_str(fip, "floating_ip_address") || cp_json_str(fip, "subnet_id")) {
			fixed = json_pack("[{}]");
			if (cp_json_str(fip, "floating_ip_address"))
				json_object_set(json_array_get(fixed, 0), "ip_address",
					json_object_get(fip, "floating_ip_address"));
			if (cp_json_str(fip, "subnet_id"))
				json_object_set(json_array_get(fixed, 0), "subnet_id",
					json_object_get(fip, "subnet_id"));
		}
		rc = cp_port_create_internal(ctx, ext, cp_res_owner(fip), cp_json_str(fip, "id"),
			"network:floatingip", fixed, NULL, &port);
		json_decref(fixed);
		if (rc)
			return rc;
		/* Floating IPs are IPv4: take the port's first IPv4 address. */
		json_object_set(fip, "floating_ip_address",
			json_object_get(json_array_get(json_object_get(port, "fixed_ips"), 0),
				"ip_address"));
		json_object_set(fip, "subnet_id",
			json_object_get(json_array_get(json_object_get(port, "fixed_ips"), 0),
				"subnet_id"));
		json_decref(port);
	}
	if (old && json_equal(json_object_get(fip, "port_id"), json_object_get(old, "port_id")) &&
		json_equal(json_object_get(fip, "fixed_ip_address"),
			json_object_get(old, "fixed_ip_address")))
		return 0;
	/* Moved to another port without naming an address (`floating ip set
	 * --port P2`): the old port's address is not P2's; as Neutron, take
	 * P2's IPv4 address. */
	if (old && !json_equal(json_object_get(fip, "port_id"), json_object_get(old, "port_id")) &&
		json_equal(json_object_get(fip, "fixed_ip_address"),
			json_object_get(old, "fixed_ip_address")))
		json_object_set_new(fip, "fixed_ip_address", json_null());
	return associate(ctx, fip);
}

static int fip_before_delete(struct cp_ctx *ctx, const json_t *fip)
{
	return cp_port_delete_by_device(ctx, cp_json_str(fip, "id"), "network:floatingip");
}

static const struct cp_attr fip_attrs[] = {
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"floating_network_id", CP_T_STR, CP_A_POST | CP_A_REQ, NULL},
	{"floating_ip_address", CP_T_STR, CP_A_POST, NULL},
	{"subnet_id", CP_T_STR, CP_A_POST | CP_A_NULL, NULL},
	{"port_id", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{"fixed_ip_address", CP_T_STR, CP_A_RW | CP_A_NULL, "null"},
	{"router_id", CP_T_STR, CP_A_NULL, "null"},
	{"status", CP_T_STR, 0, "\"DOWN\""},
	{"dns_domain", CP_T_STR, 0, "\"\""},
	{"dns_name", CP_T_STR, 0, "\"\""},
	{"port_details", CP_T_OBJ, CP_A_NULL, "null"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_floatingip = {
	.name = "floatingip",
	.not_found = "FloatingIPNotFound",
	.attrs = fip_attrs,
	.owned = true,
	.prepare = fip_prepare,
	.before_delete = fip_before_delete,
	.check_quota = cp_quota_check,
};
