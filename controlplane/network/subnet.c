/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subnets: CIDR, gateway, allocation pools, DNS servers and host routes,
 * validated with ipam.c; a subnet may not overlap another on its network
 * and may not be deleted while addresses are allocated from it. Its DHCP
 * server address (dhcp_port.c) follows enable_dhcp, and goes with it.
 */
#include "dhcp_port.h"
#include "network.h"
#include "subnet.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cp_subnet_parse(const json_t *subnet, struct cp_cidr *cidr, bool *has_gw, cp_u128 *gw,
	struct cp_pool *pools, int *n_pools)
{
	const json_t *gwv = json_object_get(subnet, "gateway_ip");
	const json_t *arr = json_object_get(subnet, "allocation_pools"), *p;
	int fam;
	size_t i;

	if (cp_cidr_parse(cp_json_str(subnet, "cidr"), cidr, false))
		return -EINVAL;
	*has_gw = json_is_string(gwv) && cp_ip_parse(json_string_value(gwv), &fam, gw) == 0;
	*n_pools = 0;
	json_array_foreach(arr, i, p) {
		int f1, f2;

		if (i >= CP_MAX_POOLS)
			return -EINVAL;
		if (!json_is_object(p) || cp_ip_parse(cp_json_str(p, "start"), &f1, &pools[i].start) ||
			cp_ip_parse(cp_json_str(p, "end"), &f2, &pools[i].end) ||
			f1 != cidr->family || f2 != cidr->family)
			return -EINVAL;
		(*n_pools)++;
	}
	return 0;
}

static json_t *pools_json(int family, const struct cp_pool *pools, int n)
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++) {
		char s[CP_IP_STRLEN], e[CP_IP_STRLEN];

		cp_ip_format(family, pools[i].start, s);
		cp_ip_format(family, pools[i].end, e);
		json_array_append_new(arr, json_pack("{s:s, s:s}", "start", s, "end", e));
	}
	return arr;
}

static int bad(struct cp_ctx *ctx, const char *fmt, const char *what)
{
	return cp_fail(&ctx->err, -EINVAL, "InvalidInput", fmt, what);
}

static int check_dns_and_routes(struct cp_ctx *ctx, const json_t *subnet, int family)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(subnet, "dns_nameservers"), i, v) {
		int f;
		cp_u128 ip;

		if (!json_is_string(v) || cp_ip_parse(json_string_value(v), &f, &ip))
			return bad(ctx, "Invalid input for dns_nameservers: '%s' is not a valid IP",
				json_is_string(v) ? json_string_value(v) : "?");
	}
	json_array_foreach(json_object_get(subnet, "host_routes"), i, v) {
		struct cp_cidr dst;
		int f;
		cp_u128 hop;

		if (!json_is_object(v) || cp_cidr_parse(cp_json_str(v, "destination"), &dst, false) ||
			cp_ip_parse(cp_json_str(v, "nexthop"), &f, &hop) || dst.family != family ||
			f != family)
			return bad(ctx, "Invalid input for host_routes: %s",
				"each route needs a destination CIDR and a nexthop of the subnet's "
				"IP version");
	}
	return 0;
}

static int check_overlap(struct cp_ctx *ctx, const json_t *subnet, const struct cp_cidr *cidr)
{
	json_t *others = cp_obj_list(ctx->db, "subnet", NULL, false,
		cp_json_str(subnet, "network_id"), 0), *o;
	size_t i;
	int rc = 0;

	json_array_foreach(others, i, o) {
		struct cp_cidr oc;

		if (strcmp(cp_json_str(o, "id"), cp_json_str(subnet, "id")) == 0 ||
			cp_cidr_parse(cp_json_str(o, "cidr"), &oc, false))
			continue;
		if (cp_cidr_overlap(&oc, cidr))
			rc = cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for operation: Requested subnet with cidr: %s for "
				"network: %s overlaps with another subnet.",
				cp_json_str(subnet, "cidr"), cp_json_str(subnet, "network_id"));
	}
	json_decref(others);
	return rc;
}

static int subnet_prepare(struct cp_ctx *ctx, json_t *subnet, const json_t *old)
{
	struct cp_pool pools[CP_MAX_POOLS];
	struct cp_cidr cidr;
	cp_u128 gw = 0;
	bool has_gw;
	int n, rc, fam;
	json_int_t version;

	if (!old) {
		json_t *net;

		rc = cp_res_load_owned(ctx, &cp_kind_network, cp_json_str(subnet, "network_id"),
			CP_UPDATE, &net);
		if (rc)
			return rc;
		json_decref(net);
		if (json_is_string(json_object_get(subnet, "subnetpool_id")) &&
			(rc = cp_subnetpool_allocate(ctx, subnet)))
			return rc;
		json_object_del(subnet, "prefixlen"); /* a pool's request only */
		if (!cp_json_str(subnet, "cidr"))
			return cp_fail(&ctx->err, -EINVAL, "HTTPBadRequest",
				"Failed to parse request. Required attribute 'cidr' not specified");
		if (cp_cidr_parse(cp_json_str(subnet, "cidr"), &cidr, true))
			return bad(ctx, "Invalid input for cidr: '%s' is not a valid CIDR (host bits "
					"must be zero)",
				cp_json_str(subnet, "cidr"));
		version = cidr.family == AF_INET ? 4 : 6;
		if (json_object_get(subnet, "ip_version") &&
			json_integer_value(json_object_get(subnet, "ip_version")) != version)
			return bad(ctx, "Invalid input for operation: %s",
				"ip_version does not match the CIDR");
		json_object_set_new(subnet, "ip_version", json_integer(version));
		if (cidr.family == AF_INET && cidr.prefix > 30)
			return bad(ctx, "Invalid input for cidr: %s has too few addresses",
				cp_json_str(subnet, "cidr"));
		/* The gateway defaults to the first host address. */
		if (!json_object_get(subnet, "gateway_ip")) {
			char ip[CP_IP_STRLEN];

			cp_ip_format(cidr.family, cidr.net + 1, ip);
			json_object_set_new(subnet, "gateway_ip", json_string(ip));
		}
		rc = check_overlap(ctx, subnet, &cidr);
		if (rc)
			return rc;
	}
	if (cp_cidr_parse(cp_json_str(subnet, "cidr"), &cidr, false))
		return bad(ctx, "Invalid input for cidr: '%s'", cp_json_str(subnet, "cidr"));
	if (json_is_string(json_object_get(subnet, "gateway_ip")) &&
		(cp_ip_parse(cp_json_str(subnet, "gateway_ip"), &fam, &gw) ||
			!cp_cidr_contains(&cidr, fam, gw)))
		return bad(ctx, "Invalid input for gateway_ip: '%s' is not an address of the subnet",
			cp_json_str(subnet, "gateway_ip"));
	if (cp_subnet_parse(subnet, &cidr, &has_gw, &gw, pools, &n))
		return bad(ctx, "Invalid input for allocation_pools: %s",
			"each pool needs start and end addresses of the subnet's IP version");
	if (!json_object_get(subnet, "allocation_pools")) {
		n = cp_ipam_default_pools(&cidr, has_gw, gw, pools);
		json_object_set_new(subnet, "allocation_pools", pools_json(cidr.family, pools, n));
	}
	rc = cp_ipam_check_pools(&cidr, pools, n, has_gw, gw);
	if (rc == -EEXIST)
		return cp_fail(&ctx->err, -EEXIST, "GatewayConflictWithAllocationPools",
			"Gateway ip %s conflicts with allocation pool",
			cp_json_str(subnet, "gateway_ip"));
	if (rc)
		return bad(ctx, "Invalid input for allocation_pools: %s",
			"pools must lie in the subnet and not overlap");
	rc = check_dns_and_routes(ctx, subnet, cidr.family);
	/* Stored first (the update stores it again, at the same revision), so
	 * that a DHCP address comes from the pools as updated. */
	if (rc == 0 && old &&
		cp_json_bool(subnet, "enable_dhcp", true) != cp_json_bool(old, "enable_dhcp", true) &&
		(rc = cp_res_store(ctx, &cp_kind_subnet, subnet)) == 0)
		rc = cp_dhcp_port_sync(ctx, cp_json_str(subnet, "network_id"), subnet, NULL, true);
	return rc;
}

/* Once stored, so that its address comes from its own pools. */
static int subnet_after_create(struct cp_ctx *ctx, json_t *subnet)
{
	return cp_dhcp_port_sync(ctx, cp_json_str(subnet, "network_id"), subnet, NULL, true);
}

static int subnet_before_delete(struct cp_ctx *ctx, const json_t *subnet)
{
	int n, rc;

	/* The DHCP server's address is the subnet's own: it goes first. */
	rc = cp_dhcp_port_sync(ctx, cp_json_str(subnet, "network_id"), NULL,
		cp_json_str(subnet, "id"), false);
	if (rc)
		return rc;
	n = cp_store_allocs_count(ctx->db, cp_json_str(subnet, "id"));
	if (n < 0)
		return -EIO;
	if (n > 0)
		return cp_fail(&ctx->err, -EBUSY, "SubnetInUse",
			"Unable to complete operation on subnet %s: One or more ports have an IP "
			"allocation from this subnet.",
			cp_json_str(subnet, "id"));
	return 0;
}

static const struct cp_attr subnet_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"network_id", CP_T_STR, CP_A_POST | CP_A_REQ, NULL},
	{"ip_version", CP_T_INT, CP_A_POST, NULL},
	{"cidr", CP_T_STR, CP_A_POST, NULL}, /* or from subnetpool_id's pool */
	{"prefixlen", CP_T_INT, CP_A_POST, NULL}, /* with a pool; not kept */
	{"gateway_ip", CP_T_STR, CP_A_RW | CP_A_NULL, NULL},
	{"allocation_pools", CP_T_LIST, CP_A_RW, NULL},
	{"dns_nameservers", CP_T_LIST, CP_A_RW, "[]"},
	{"host_routes", CP_T_LIST, CP_A_RW, "[]"},
	{"enable_dhcp", CP_T_BOOL, CP_A_RW, "true"},
	{"ipv6_ra_mode", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"ipv6_address_mode", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"subnetpool_id", CP_T_STR, CP_A_POST | CP_A_NULL, "null"},
	{"service_types", CP_T_LIST, CP_A_RW, "[]"},
	{"segment_id", CP_T_STR, CP_A_NULL, "null"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_subnet = {
	.name = "subnet",
	.not_found = "SubnetNotFound",
	.attrs = subnet_attrs,
	.owned = true,
	.parent_attr = "network_id",
	.prepare = subnet_prepare,
	.after_create = subnet_after_create,
	.before_delete = subnet_before_delete,
	.check_quota = cp_quota_check,
};
