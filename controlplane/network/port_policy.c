/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who may set what on a port, beyond the plain owner rule: Neutron's
 * default policy for ports on networks the caller does not own (a shared
 * or external network), and the device ownership checks that keep one
 * project from attaching its ports to another project's router.
 *
 *  - A port goes on a network the caller's project owns, or on a shared
 *    one (Neutron's _validate_network_tenant_ownership): an external
 *    network's addresses are for the router and floating-IP APIs.
 *  - The attributes the policy table marks CP_RULE_NET_OWNER (an address
 *    of one's choosing, a network:* device_owner, port security, address
 *    pairs, a MAC address on create) need the network's owner or admin: on a shared network a member
 *    takes what IPAM gives it.
 *  - A device_id naming another project's router or floating IP is refused
 *    (DeviceIDNotOwnedByTenant), whatever the device_owner; router
 *    interfaces, gateways and floating-IP ports change only through their
 *    own APIs.
 * Admins pass every check. Inside the port's write transaction.
 */
#include "dhcp_port.h"
#include "network.h"

#include <errno.h>
#include <string.h>

static bool network_device(const json_t *port)
{
	return strncmp(cp_json_str(port, "device_owner") ?: "", "network:", 8) == 0;
}

bool cp_port_managed(const json_t *port)
{
	static const char *const owners[] = {"network:router_interface", "network:router_gateway",
		"network:floatingip", CP_OWNER_ROUTER_SNAT};
	const char *owner = cp_json_str(port, "device_owner") ?: "";

	for (size_t i = 0; i < sizeof(owners) / sizeof(owners[0]); i++)
		if (strcmp(owner, owners[i]) == 0)
			return true;
	return cp_dhcp_is_server_port(port);
}

static bool changed(const json_t *port, const json_t *old, const char *attr)
{
	return !old || !json_equal(json_object_get(port, attr), json_object_get(old, attr));
}

static bool asks_for_address(const json_t *port, const json_t *old)
{
	const json_t *f;
	size_t i;

	if (!changed(port, old, "fixed_ips"))
		return false;
	json_array_foreach(json_object_get(port, "fixed_ips"), i, f)
		if (json_object_get(f, "ip_address"))
			return true;
	return false;
}

/* -EPERM unless the caller may set attr on a port of a network owned by
 * net_owner. */
static int net_owner_attr(struct cp_ctx *ctx, enum cp_action action, const char *attr,
	const char *net_owner)
{
	return cp_policy_check(ctx->caller, "port", action, attr, net_owner, &ctx->err);
}

static int check_device_id(struct cp_ctx *ctx, const json_t *port, const json_t *old)
{
	static const char *const device_kinds[] = {"router", "floatingip"};
	const char *dev = cp_json_str(port, "device_id") ?: "";

	if (!dev[0] || !changed(port, old, "device_id"))
		return 0;
	for (size_t i = 0; i < sizeof(device_kinds) / sizeof(device_kinds[0]); i++) {
		json_t *obj = cp_obj_get(ctx->db, device_kinds[i], dev);
		bool mine = !obj || cp_policy_owns(ctx->caller, cp_res_owner(obj));

		json_decref(obj);
		if (!mine)
			return cp_fail(&ctx->err, -EEXIST, "DeviceIDNotOwnedByTenant",
				"The following device_id %s is not owned by your tenant or matches "
				"another tenants router.",
				dev);
	}
	return 0;
}

int cp_port_check_rights(struct cp_ctx *ctx, const json_t *port, const json_t *old,
	const json_t *net)
{
	enum cp_action action = old ? CP_UPDATE : CP_CREATE;
	const char *net_owner = cp_res_owner(net);
	int rc;

	if (ctx->caller->is_admin)
		return 0;
	if (!old && !cp_policy_owns(ctx->caller, net_owner) && !cp_json_bool(net, "shared", false))
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"Tenant %s not allowed to create port on this network",
			ctx->caller->project_id);
	if (old && cp_port_managed(old) &&
		(changed(port, old, "device_owner") || changed(port, old, "device_id")))
		return cp_fail(&ctx->err, -EPERM, "PolicyNotAuthorized",
			"(rule:update_port:device_owner) is disallowed by policy: port %s belongs "
			"to its %s",
			cp_json_str(old, "id"), cp_json_str(old, "device_owner"));
	if (asks_for_address(port, old) &&
		(rc = net_owner_attr(ctx, action, "fixed_ips:ip_address", net_owner)))
		return rc;
	if (network_device(port) &&
		(changed(port, old, "device_owner") || changed(port, old, "device_id")) &&
		(rc = net_owner_attr(ctx, action, "device_owner:network", net_owner)))
		return rc;
	if (json_object_get(port, "port_security_enabled") &&
		changed(port, old, "port_security_enabled") &&
		(rc = net_owner_attr(ctx, action, "port_security_enabled", net_owner)))
		return rc;
	if (json_object_get(port, "mac_address") && changed(port, old, "mac_address") &&
		(rc = net_owner_attr(ctx, action, "mac_address", net_owner)))
		return rc;
	if (json_array_size(json_object_get(port, "allowed_address_pairs")) &&
		changed(port, old, "allowed_address_pairs") &&
		(rc = net_owner_attr(ctx, action, "allowed_address_pairs", net_owner)))
		return rc;
	return check_device_id(ctx, port, old);
}
