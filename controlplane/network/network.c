/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Networks: provider segments (flat / vlan / vxlan, allocated or given by an
 * admin, never shared by two networks), external and shared flags, and the
 * cascade of subnets on delete (refused while ports remain).
 */
#include "dhcp_port.h"
#include "network.h"

#include <errno.h>
#include <string.h>

#define VXLAN_MAX_VNI 16777215
#define DEFAULT_PHYSNET "physnet1"

json_t *cp_net_get(struct cp_ctx *ctx, const char *kind, const char *id)
{
	return id ? cp_obj_get(ctx->db, kind, id) : NULL;
}

/* Whether another network has net's segment (a flat one: its physnet). */
static bool segment_taken(struct cp_ctx *ctx, const json_t *net)
{
	const char *type = cp_json_str(net, "provider:network_type") ?: "";
	bool flat = strcmp(type, "flat") == 0;
	int taken = cp_store_segment_taken(ctx->db, cp_json_str(net, "id") ?: "", type,
		cp_json_str(net, "provider:physical_network"),
		flat ? -1 : json_integer_value(json_object_get(net, "provider:segmentation_id")));

	return taken != 0; /* an error refuses rather than share a segment */
}

/* The lowest VNI no other network uses, or -1 when none is left. */
static json_int_t free_vni(struct cp_ctx *ctx)
{
	int64_t vni = cp_store_vni_first_free(ctx->db);

	return vni >= 1 && vni <= VXLAN_MAX_VNI ? vni : -1;
}

static int check_segment(struct cp_ctx *ctx, json_t *net)
{
	const char *type = cp_json_str(net, "provider:network_type");
	const char *phys = cp_json_str(net, "provider:physical_network");
	const json_t *segv = json_object_get(net, "provider:segmentation_id");
	json_int_t seg = json_integer_value(segv);

	if (!type) {
		json_int_t vni = free_vni(ctx);

		if (vni < 0)
			return cp_fail(&ctx->err, -ENOSPC, "NoNetworkAvailable",
				"Unable to create the network. No tenant network is available for "
				"allocation.");
		json_object_set_new(net, "provider:network_type", json_string("vxlan"));
		json_object_set_new(net, "provider:physical_network", json_null());
		json_object_set_new(net, "provider:segmentation_id", json_integer(vni));
		return 0;
	}
	if (strcmp(type, "flat") == 0) {
		if (json_is_integer(segv))
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for operation: segmentation_id specified for flat "
				"provider network.");
		if (!phys)
			json_object_set_new(net, "provider:physical_network",
				json_string(DEFAULT_PHYSNET));
	} else if (strcmp(type, "vlan") == 0) {
		if (!json_is_integer(segv) || seg < 1 || seg > 4094)
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for operation: segmentation_id out of range (1 through "
				"4094).");
		if (!phys)
			json_object_set_new(net, "provider:physical_network",
				json_string(DEFAULT_PHYSNET));
	} else if (strcmp(type, "vxlan") == 0) {
		if (phys)
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for operation: provider:physical_network specified "
				"for vxlan network.");
		if (!json_is_integer(segv)) {
			json_int_t vni = free_vni(ctx);

			json_object_set_new(net, "provider:segmentation_id", json_integer(vni));
		} else if (seg < 1 || seg > VXLAN_MAX_VNI) {
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for operation: segmentation_id out of range (1 through "
				"16777215).");
		}
	} else {
		return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
			"Invalid input for operation: network_type value '%s' not supported.", type);
	}
	if (!json_object_get(net, "provider:physical_network"))
		json_object_set_new(net, "provider:physical_network", json_null());
	if (!json_object_get(net, "provider:segmentation_id"))
		json_object_set_new(net, "provider:segmentation_id", json_null());
	if (segment_taken(ctx, net))
		return cp_fail(&ctx->err, -EEXIST, "SegmentationIdInUse",
			"Unable to create the network. The segment of type %s is already in use.",
			type);
	return 0;
}

static int network_prepare(struct cp_ctx *ctx, json_t *net, const json_t *old)
{
	int rc = 0;

	if (!old) {
		rc = check_segment(ctx, net);
		if (rc == 0 && !json_is_integer(json_object_get(net, "mtu")))
			json_object_set_new(net, "mtu", json_integer(strcmp(cp_json_str(net,
				"provider:network_type"), "vxlan") == 0 ? 1450 : 1500));
	}
	if (json_integer_value(json_object_get(net, "mtu")) < 68 ||
		json_integer_value(json_object_get(net, "mtu")) > 9000)
		return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
			"Invalid input for mtu: must be between 68 and 9000");
	json_object_set_new(net, "status", json_string("ACTIVE"));
	return rc;
}

static int network_before_delete(struct cp_ctx *ctx, const json_t *net)
{
	const char *id = cp_json_str(net, "id");
	json_t *ports = cp_obj_list(ctx->db, "port", NULL, false, id, 0), *subnets, *o, *fips;
	size_t i;
	int rc = 0;

	/* Only the network's own service ports may be removed along with it,
	 * and an external network's floating IPs, which Neutron deletes with
	 * it (each takes its network:floatingip port). */
	json_array_foreach(ports, i, o) {
		const char *owner = cp_json_str(o, "device_owner") ?: "";

		if (strcmp(owner, "network:dhcp") != 0 && strcmp(owner, "network:floatingip") != 0)
			rc = cp_fail(&ctx->err, -EBUSY, "NetworkInUse",
				"Unable to complete operation on network %s. There are one or more "
				"ports still in use on the network.",
				id);
	}
	fips = rc ? json_array() : cp_obj_list_by(ctx->db, "floatingip", "floating_network_id", id);
	json_array_foreach(fips, i, o)
		if (rc == 0)
			rc = cp_res_remove(ctx, &cp_kind_floatingip, o);
	json_decref(fips);
	json_decref(ports);
	ports = rc ? json_array() : cp_obj_list(ctx->db, "port", NULL, false, id, 0);
	json_array_foreach(ports, i, o)
		if (rc == 0 && !cp_dhcp_is_server_port(o))
			rc = cp_res_remove(ctx, &cp_kind_port, o);
	json_decref(ports);
	if (rc == 0)
		rc = cp_dhcp_port_drop(ctx, id);
	if (rc)
		return rc;
	subnets = cp_obj_list(ctx->db, "subnet", NULL, false, id, 0);
	json_array_foreach(subnets, i, o)
		if (rc == 0)
			rc = cp_res_remove(ctx, &cp_kind_subnet, o);
	json_decref(subnets);
	return rc;
}

static void network_render(struct cp_ctx *ctx, json_t *net)
{
	json_t *subnets = cp_obj_list(ctx->db, "subnet", NULL, false, cp_json_str(net, "id"), 0);
	json_t *ids = json_array(), *s;
	size_t i;

	json_array_foreach(subnets, i, s)
		json_array_append(ids, json_object_get(s, "id"));
	json_decref(subnets);
	json_object_set_new(net, "subnets", ids);
}

static bool network_is_public(const json_t *net)
{
	return cp_json_bool(net, "shared", false) || cp_json_bool(net, "router:external", false);
}

static const struct cp_attr network_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"admin_state_up", CP_T_BOOL, CP_A_RW, "true"},
	{"shared", CP_T_BOOL, CP_A_RW, "false"},
	{"router:external", CP_T_BOOL, CP_A_RW, "false"},
	{"is_default", CP_T_BOOL, CP_A_RW, "false"},
	{"provider:network_type", CP_T_STR, CP_A_POST, NULL},
	{"provider:physical_network", CP_T_STR, CP_A_POST | CP_A_NULL, NULL},
	{"provider:segmentation_id", CP_T_INT, CP_A_POST | CP_A_NULL, NULL},
	{"mtu", CP_T_INT, CP_A_RW, NULL},
	{"port_security_enabled", CP_T_BOOL, CP_A_RW, "true"},
	{"availability_zone_hints", CP_T_LIST, CP_A_POST, "[]"},
	{"availability_zones", CP_T_LIST, 0, "[]"},
	{"dns_domain", CP_T_STR, CP_A_RW, "\"\""},
	{"ipv4_address_scope", CP_T_STR, CP_A_NULL, "null"},
	{"ipv6_address_scope", CP_T_STR, CP_A_NULL, "null"},
	{"l2_adjacency", CP_T_BOOL, 0, "true"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_network = {
	.name = "network",
	.not_found = "NetworkNotFound",
	.attrs = network_attrs,
	.owned = true,
	.prepare = network_prepare,
	.before_delete = network_before_delete,
	.render = network_render,
	.is_public = network_is_public,
	.check_quota = cp_quota_check,
};
