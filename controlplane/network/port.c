/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ports: MAC generation (fa:16:3e:xx:xx:xx, unique on the network), fixed
 * IPs from IPAM (the ip_allocations primary key is what makes an address
 * impossible to hand out twice), security groups, allowed address pairs,
 * port security and binding.
 */
#include "network.h"
#include "subnet.h"
#include "../db/feed.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>

json_t *cp_ports_of(struct cp_ctx *ctx, const char *device_id, const char *device_owner)
{
	/* By the device_id index (migration 7): not every port of the cloud. */
	json_t *all = cp_obj_list_by(ctx->db, "port", "device_id", device_id), *out = json_array(), *p;
	size_t i;

	json_array_foreach(all, i, p)
		if (!device_owner || strcmp(cp_json_str(p, "device_owner") ?: "", device_owner) == 0)
			json_array_append(out, p);
	json_decref(all);
	return out;
}

int cp_port_release_ips(struct cp_ctx *ctx, const char *port_id)
{
	return cp_store_allocs_release_port(ctx->db, port_id);
}

struct used_ips {
	cp_u128 *v;
	size_t n, cap;
};

static int add_used_ip(const char *text, void *arg)
{
	struct used_ips *u = arg;
	int fam;
	cp_u128 ip;

	if (cp_ip_parse(text, &fam, &ip))
		return 0;
	if (u->n == u->cap) {
		cp_u128 *nv = realloc(u->v, (u->cap = u->cap ? u->cap * 2 : 64) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		u->v = nv;
	}
	u->v[u->n++] = ip;
	return 0;
}

/* Sorted used addresses of a subnet; *n set. Caller frees. */
static cp_u128 *used_ips(struct cp_ctx *ctx, const char *subnet_id, size_t *n)
{
	struct used_ips u = {NULL, 0, 0};

	cp_store_allocs_of_subnet(ctx->db, subnet_id, add_used_ip, &u);
	cp_ipam_sort(u.v, u.n);
	*n = u.n;
	return u.v;
}

static int record_ip(struct cp_ctx *ctx, const char *subnet_id, const char *ip, const char *port_id)
{
	int rc = cp_store_alloc_add(ctx->db, subnet_id, ip, port_id);

	if (rc == -EADDRINUSE)
		return cp_fail(&ctx->err, -EADDRINUSE, "IpAddressAlreadyAllocated",
			"IP address %s already allocated in subnet %s", ip, subnet_id);
	return rc;
}

/* Allocates one address on subnet (ip NULL: the next free one). */
static int allocate_on(struct cp_ctx *ctx, const json_t *subnet, const char *ip,
	const char *port_id, bool may_use_gateway, json_t *out)
{
	struct cp_pool pools[CP_MAX_POOLS];
	struct cp_cidr cidr;
	cp_u128 gw, addr, first, last;
	bool has_gw;
	char text[CP_IP_STRLEN];
	const char *sid = cp_json_str(subnet, "id");
	int n, fam, rc;

	if (cp_subnet_parse(subnet, &cidr, &has_gw, &gw, pools, &n))
		return -EIO;
	if (ip) {
		if (cp_ip_parse(ip, &fam, &addr) || !cp_cidr_contains(&cidr, fam, addr) ||
			!cp_cidr_host_range(&cidr, &first, &last) || addr < first || addr > last ||
			(has_gw && addr == gw && !may_use_gateway))
			return cp_fail(&ctx->err, -EINVAL, "InvalidIpForSubnet",
				"IP address %s is not a valid IP for the specified subnet.", ip);
	} else {
		size_t n_used;
		cp_u128 *used = used_ips(ctx, sid, &n_used);

		rc = cp_ipam_next_free(pools, n, used, n_used, &addr);
		free(used);
		if (rc)
			return cp_fail(&ctx->err, -ENOSPC, "IpAddressGenerationFailure",
				"No more IP addresses available on network %s.",
				cp_json_str(subnet, "network_id"));
	}
	cp_ip_format(cidr.family, addr, text);
	rc = record_ip(ctx, sid, text, port_id);
	if (rc == 0)
		json_array_append_new(out, json_pack("{s:s, s:s}", "subnet_id", sid, "ip_address",
						   text));
	return rc;
}

/* The network's subnet containing ip, or NULL. */
static json_t *subnet_for_ip(json_t *subnets, const char *ip)
{
	json_t *s;
	size_t i;
	int fam;
	cp_u128 addr;

	if (cp_ip_parse(ip, &fam, &addr))
		return NULL;
	json_array_foreach(subnets, i, s) {
		struct cp_cidr c;

		if (cp_cidr_parse(cp_json_str(s, "cidr"), &c, false) == 0 &&
			cp_cidr_contains(&c, fam, addr))
			return s;
	}
	return NULL;
}

int cp_port_allocate_ips(struct cp_ctx *ctx, const char *network_id, const char *port_id,
	json_t *fixed_ips, bool router_port)
{
	json_t *subnets = cp_obj_list(ctx->db, "subnet", NULL, false, network_id, 0);
	json_t *out = json_array(), *req = json_deep_copy(fixed_ips), *f, *s;
	size_t i;
	int rc = 0;
	bool have_v4 = false;

	if (json_array_size(req) == 0) {
		/* One IPv4 address (first subnet with room) and one per IPv6 subnet. */
		json_array_foreach(subnets, i, s) {
			bool v4 = json_integer_value(json_object_get(s, "ip_version")) == 4;

			if (v4 && have_v4)
				continue;
			rc = allocate_on(ctx, s, NULL, port_id, false, out);
			if (rc == -ENOSPC && v4)
				rc = 0; /* try the next IPv4 subnet */
			else if (rc)
				break;
			else if (v4)
				have_v4 = true;
		}
		if (rc == 0 && !have_v4 && json_array_size(out) == 0 && json_array_size(subnets))
			rc = cp_fail(&ctx->err, -ENOSPC, "IpAddressGenerationFailure",
				"No more IP addresses available on network %s.", network_id);
	}
	json_array_foreach(req, i, f) {
		const char *sid = cp_json_str(f, "subnet_id"), *ip = cp_json_str(f, "ip_address");

		if (!json_is_object(f) || (!sid && !ip) ||
			(json_object_get(f, "ip_address") && !ip) ||
			(json_object_get(f, "subnet_id") && !sid)) {
			rc = cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for fixed_ips: each entry needs subnet_id or "
				"ip_address strings");
			break;
		}
		s = NULL;
		if (sid) {
			size_t j;
			json_t *c;

			json_array_foreach(subnets, j, c)
				if (strcmp(cp_json_str(c, "id"), sid) == 0)
					s = c;
			if (!s) {
				rc = cp_fail(&ctx->err, -EINVAL, "InvalidInput",
					"Invalid input for operation: subnet %s is not on network %s.",
					sid, network_id);
				break;
			}
		} else {
			s = subnet_for_ip(subnets, ip);
			if (!s) {
				rc = cp_fail(&ctx->err, -EINVAL, "InvalidIpForNetwork",
					"IP address %s is not a valid IP for any of the subnets on the "
					"specified network.",
					ip);
				break;
			}
		}
		rc = allocate_on(ctx, s, ip, port_id, router_port, out);
		if (rc)
			break;
	}
	json_decref(req);
	json_decref(subnets);
	if (rc == 0) {
		json_array_clear(fixed_ips);
		json_array_extend(fixed_ips, out);
	}
	json_decref(out);
	return rc;
}

static bool mac_valid(const char *mac)
{
	unsigned b[6];
	char tail;

	return mac && strlen(mac) == 17 &&
		sscanf(mac, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			&tail) == 6 &&
		!(b[0] & 1); /* not multicast */
}

static bool mac_taken(struct cp_ctx *ctx, const char *network_id, const char *mac,
	const char *port_id)
{
	/* By the mac_address index, not the network's ports: reading those
	 * was 40% of a port create on a network of 100 ports. MACs are stored
	 * lowercase (assign_mac), so equality finds any spelling. */
	json_t *ports = cp_obj_list_by(ctx->db, "port", "mac_address", mac), *p;
	bool taken = false;
	size_t i;

	json_array_foreach(ports, i, p)
		if (strcmp(cp_json_str(p, "network_id") ?: "", network_id ?: "") == 0 &&
			strcmp(cp_json_str(p, "id"), port_id) != 0)
			taken = true;
	json_decref(ports);
	return taken;
}

static int assign_mac(struct cp_ctx *ctx, json_t *port)
{
	const char *net = cp_json_str(port, "network_id"), *mac = cp_json_str(port, "mac_address");

	if (mac) {
		char lower[18];

		if (!mac_valid(mac))
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for mac_address: '%s' is not a valid MAC address", mac);
		/* As Neutron shows them (netaddr's unix_expanded): lowercase. */
		for (size_t i = 0; i < sizeof(lower); i++)
			lower[i] = (char)tolower((unsigned char)mac[i]);
		json_object_set_new(port, "mac_address", json_string(lower));
		mac = cp_json_str(port, "mac_address");
		if (mac_taken(ctx, net, mac, cp_json_str(port, "id")))
			return cp_fail(&ctx->err, -EEXIST, "MacAddressInUse",
				"Unable to complete operation for network %s. The mac address %s is in "
				"use.",
				net, mac);
		return 0;
	}
	for (int tries = 0; tries < 16; tries++) {
		uint8_t r[3];
		char gen[18];

		randombytes_buf(r, sizeof(r));
		snprintf(gen, sizeof(gen), "fa:16:3e:%02x:%02x:%02x", r[0], r[1], r[2]);
		if (!mac_taken(ctx, net, gen, cp_json_str(port, "id"))) {
			json_object_set_new(port, "mac_address", json_string(gen));
			return 0;
		}
	}
	return cp_fail(&ctx->err, -ENOSPC, "MacAddressGenerationFailure",
		"Unable to generate unique mac on network %s.", net);
}

static bool service_owner(const json_t *port)
{
	return strncmp(cp_json_str(port, "device_owner") ?: "", "network:", 8) == 0;
}

static int check_security(struct cp_ctx *ctx, json_t *port, const json_t *old)
{
	json_t *sgs = json_object_get(port, "security_groups"), *v;
	bool secure = cp_json_bool(port, "port_security_enabled", true), stateful[2] = {false};
	size_t i;

	if (!json_is_array(sgs)) {
		/* Neutron puts new ports in the project's default group. */
		sgs = json_array();
		if (secure && !service_owner(port) && !old) {
			json_t *all = cp_obj_list(ctx->db, "security_group",
				cp_json_str(port, "project_id"), false, NULL, 0), *g;

			if (json_array_size(all) == 0 &&
				cp_secgroup_ensure_default(ctx, cp_json_str(port, "project_id")) == 0) {
				json_decref(all);
				all = cp_obj_list(ctx->db, "security_group",
					cp_json_str(port, "project_id"), false, NULL, 0);
			}
			json_array_foreach(all, i, g)
				if (strcmp(cp_json_str(g, "name") ?: "", "default") == 0)
					json_array_append(sgs, json_object_get(g, "id"));
			json_decref(all);
		}
		json_object_set_new(port, "security_groups", sgs);
	}
	if (!secure && json_array_size(sgs))
		return cp_fail(&ctx->err, -EEXIST, "PortSecurityPortHasSecurityGroup",
			"Port has security group associated. Cannot disable port security or ip "
			"address until security group is removed");
	if (!secure && json_array_size(json_object_get(port, "allowed_address_pairs")))
		return cp_fail(&ctx->err, -EEXIST, "AddressPairAndPortSecurityRequired",
			"Port Security must be enabled in order to have allowed address pairs on a "
			"port.");
	json_array_foreach(sgs, i, v) {
		json_t *g = NULL;
		const char *owner;

		if (!json_is_string(v))
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for security_groups: not a list of ids");
		g = cp_obj_get(ctx->db, "security_group", json_string_value(v));
		owner = g ? cp_json_str(g, "project_id") : NULL;
		if (!g || (!ctx->caller->is_admin && !cp_policy_owns(ctx->caller, owner))) {
			json_decref(g);
			return cp_fail(&ctx->err, -ENOENT, "SecurityGroupNotFound",
				"Security group %s does not exist", json_string_value(v));
		}
		/* A port's filter is tracked or not as a whole: Neutron refuses
		 * groups of both kinds on one port. */
		stateful[cp_json_bool(g, "stateful", true)] = true;
		json_decref(g);
	}
	if (stateful[0] && stateful[1])
		return cp_fail(&ctx->err, -EEXIST, "SecurityGroupConflict",
			"Error Cannot apply both stateful and stateless security groups on the "
			"same port at the same time while attempting the operation.");
	json_array_foreach(json_object_get(port, "allowed_address_pairs"), i, v) {
		struct cp_cidr c;
		int fam;
		cp_u128 ip;
		const char *a = cp_json_str(v, "ip_address"), *mac = cp_json_str(v, "mac_address");

		if (!a || (cp_ip_parse(a, &fam, &ip) && cp_cidr_parse(a, &c, false)) ||
			(json_object_get(v, "mac_address") && !mac_valid(mac)))
			return cp_fail(&ctx->err, -EINVAL, "InvalidInput",
				"Invalid input for allowed_address_pairs: each pair needs an "
				"ip_address (IP or CIDR) and an optional valid mac_address");
		if (!mac)
			json_object_set(v, "mac_address", json_object_get(port, "mac_address"));
	}
	return 0;
}

static int port_prepare(struct cp_ctx *ctx, json_t *port, const json_t *old)
{
	const char *net_id = cp_json_str(port, "network_id");
	bool router_port = strcmp(cp_json_str(port, "device_owner") ?: "",
				   "network:router_interface") == 0;
	json_t *net = NULL;
	int rc;

	rc = old ? ((net = cp_obj_get(ctx->db, "network", net_id)) ? 0 : -EIO)
		 : cp_res_load(ctx, &cp_kind_network, net_id, &net);
	if (rc == 0)
		rc = cp_port_check_rights(ctx, port, old, net);
	if (rc) {
		json_decref(net);
		return rc;
	}
	if (!old && !json_object_get(port, "port_security_enabled"))
		json_object_set(port, "port_security_enabled",
			json_object_get(net, "port_security_enabled"));
	json_decref(net);
	if (!old) {
		rc = assign_mac(ctx, port);
		if (rc)
			return rc;
		if (!json_is_array(json_object_get(port, "fixed_ips")))
			json_object_set_new(port, "fixed_ips", json_array());
		rc = cp_port_allocate_ips(ctx, net_id, cp_json_str(port, "id"),
			json_object_get(port, "fixed_ips"), router_port);
		if (rc)
			return rc;
		json_object_set_new(port, "status", json_string("DOWN"));
	} else if (!json_equal(json_object_get(port, "fixed_ips"), json_object_get(old, "fixed_ips"))) {
		rc = cp_port_release_ips(ctx, cp_json_str(port, "id"));
		if (rc == 0)
			rc = cp_port_allocate_ips(ctx, net_id, cp_json_str(port, "id"),
				json_object_get(port, "fixed_ips"), router_port);
		if (rc)
			return rc;
	}
	/* Only the agent of the node a port is bound to can say it forwards
	 * (cp_port_report_status); a port moved elsewhere is DOWN until that
	 * node's agent has it. */
	if (old && strcmp(cp_json_str(port, "binding:host_id") ?: "",
			   cp_json_str(old, "binding:host_id") ?: "") != 0)
		json_object_set_new(port, "status", json_string("DOWN"));
	json_object_set_new(port, "binding:vif_type",
		json_string((cp_json_str(port, "binding:host_id") ?: "")[0] ? "vhostuser" : "unbound"));
	rc = check_security(ctx, port, old);
	/* Agents that expand its groups as remote groups must hear of it. */
	return rc ? rc : cp_feed_note_members(ctx->db, port, old);
}

/* Neutron refuses direct deletion of ports that routers and floating IPs own. */
static int port_before_delete(struct cp_ctx *ctx, const json_t *port)
{
	const char *owner = cp_json_str(port, "device_owner") ?: "";
	json_t *fips;
	size_t i;
	json_t *f;
	int rc;

	if (cp_port_managed(port))
		return cp_fail(&ctx->err, -EBUSY, "PortInUse",
			"Port %s cannot be deleted directly via the port API: has device owner %s.",
			cp_json_str(port, "id"), owner);
	/* Floating IPs on this port are disassociated, not deleted. */
	fips = cp_obj_list(ctx->db, "floatingip", NULL, false, NULL, 0);
	json_array_foreach(fips, i, f) {
		if (strcmp(cp_json_str(f, "port_id") ?: "", cp_json_str(port, "id")) != 0)
			continue;
		json_object_set_new(f, "port_id", json_null());
		json_object_set_new(f, "fixed_ip_address", json_null());
		json_object_set_new(f, "router_id", json_null());
		json_object_set_new(f, "status", json_string("DOWN"));
		if ((rc = cp_res_store(ctx, &cp_kind_floatingip, f))) {
			json_decref(fips);
			return rc;
		}
	}
	json_decref(fips);
	rc = cp_feed_note_members(ctx->db, NULL, port);
	return rc ? rc : cp_port_release_ips(ctx, cp_json_str(port, "id"));
}

int cp_port_delete_internal(struct cp_ctx *ctx, const json_t *port)
{
	int rc = cp_port_release_ips(ctx, cp_json_str(port, "id"));

	if (rc == 0)
		rc = cp_feed_note_members(ctx->db, NULL, port);
	return rc ? rc : cp_obj_del(ctx->db, "port", cp_json_str(port, "id"));
}

int cp_port_delete_by_device(struct cp_ctx *ctx, const char *device_id, const char *device_owner)
{
	json_t *ports = cp_ports_of(ctx, device_id, device_owner), *p;
	size_t i;
	int rc = 0;

	json_array_foreach(ports, i, p)
		if ((rc = cp_port_delete_internal(ctx, p)))
			break;
	json_decref(ports);
	return rc;
}

int cp_port_create_internal(struct cp_ctx *ctx, const char *network_id, const char *project_id,
	const char *device_id, const char *device_owner, json_t *fixed_ips, const char *host,
	json_t **out)
{
	struct cp_caller root = {.is_admin = true};
	struct cp_ctx sub = {.db = ctx->db, .caller = &root, .svc = ctx->svc};
	json_t *req = json_pack("{s:s, s:s, s:s, s:s, s:o}", "network_id", network_id, "project_id",
		project_id, "device_id", device_id, "device_owner", device_owner, "fixed_ips",
		fixed_ips ? json_deep_copy(fixed_ips) : json_array());
	int rc;

	json_object_set_new(req, "port_security_enabled", json_false());
	if (host && host[0])
		json_object_set_new(req, "binding:host_id", json_string(host));
	rc = cp_res_insert(&sub, &cp_kind_port, req, out);
	json_decref(req);
	if (rc)
		ctx->err = sub.err;
	return rc;
}

static const struct cp_attr port_attrs[] = {
	{"name", CP_T_STR, CP_A_RW, "\"\""},
	{"description", CP_T_STR, CP_A_RW, "\"\""},
	{"network_id", CP_T_STR, CP_A_POST | CP_A_REQ, NULL},
	{"admin_state_up", CP_T_BOOL, CP_A_RW, "true"},
	{"mac_address", CP_T_STR, CP_A_RW, NULL},
	{"fixed_ips", CP_T_LIST, CP_A_RW, NULL},
	{"device_id", CP_T_STR, CP_A_RW, "\"\""},
	{"device_owner", CP_T_STR, CP_A_RW, "\"\""},
	{"security_groups", CP_T_LIST, CP_A_RW, NULL},
	{"port_security_enabled", CP_T_BOOL, CP_A_RW, NULL},
	{"allowed_address_pairs", CP_T_LIST, CP_A_RW, "[]"},
	{"binding:host_id", CP_T_STR, CP_A_RW, "\"\""},
	{"binding:profile", CP_T_OBJ, CP_A_RW, "{}"},
	{"binding:vnic_type", CP_T_STR, CP_A_RW, "\"normal\""},
	{"binding:vif_type", CP_T_STR, 0, "\"unbound\""},
	{"binding:vif_details", CP_T_OBJ, 0, "{}"},
	{"extra_dhcp_opts", CP_T_LIST, CP_A_RW, "[]"},
	{"tags", CP_T_LIST, 0, "[]"},
	{NULL, 0, 0, NULL},
};

const struct cp_kind cp_kind_port = {
	.name = "port",
	.not_found = "PortNotFound",
	.attrs = port_attrs,
	.owned = true,
	.parent_attr = "network_id",
	.prepare = port_prepare,
	.before_delete = port_before_delete,
	.check_quota = cp_quota_check,
};
