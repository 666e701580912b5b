/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp router ...`: IPv4 routers, each with its own routing table, and
 * their interfaces on networks (a gateway address and MAC on each, whose
 * subnet becomes a connected route). Static routes are `dp route`.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_MAX_ROUTES = VG_OPT_FIRST,
	OPT_MAC,
	OPT_EXIST_OK,
	OPT_NO_SNAT,
	OPT_PORTS,
};

/* The dataplane's ceiling: its route list cursor keeps a route's index in 24 bits. */
#define ROUTER_MAX_ROUTES (1u << 24)

static int router_add(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"max-routes", required_argument, NULL, OPT_MAX_ROUTES},
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{0},
	};
	struct dp_router_req req = {0};
	char what[128];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_MAX_ROUTES:
			/* 0 would mean the default, 1024. */
			if (vg_parse_u32(optarg, 1, ROUTER_MAX_ROUTES, &req.max_routes) < 0)
				return vg_usage_error(ctx, "--max-routes must be 1..%u, not '%s'",
						ROUTER_MAX_ROUTES, optarg);
			break;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", req.name, sizeof(req.name), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "router add %s", req.name);
	status = vg_request(ctx, what, DP_MSG_ROUTER_ADD, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int router_del(struct vg_ctx *ctx, int argc, char **argv)
{
	/* A router with interfaces left is refused (EBUSY): delete them first. */
	static const struct vg_del_cmd del = VG_DEL_CMD("router del", DP_MSG_ROUTER_DEL, struct dp_router_req);

	return vg_del_command(ctx, argc, argv, &del);
}

static const struct vg_col router_cols[] = {
	{"ID", true},
	{"NAME", false},
	{"INTERFACES", true},
	{"ROUTES", true}, /* connected routes included, as in MAX_ROUTES */
	{"MAX_ROUTES", true},
	{"MEM_KIB", true},
};

static int router_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_router_info r;

	memcpy(&r, entry, sizeof(r));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	r.name[sizeof(r.name) - 1] = '\0';

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:i, s:s, s:i, s:I, s:I, s:I}", "id", r.id, "name",
						r.name, "n_interfaces", r.n_interfaces, "n_routes",
						vg_json_int(r.n_routes), "max_routes",
						vg_json_int(r.max_routes), "mem_kib",
						vg_json_int(r.mem_kib)));
	vg_table_cell(rows->table, "%u", r.id);
	vg_table_cell(rows->table, "%s", r.name);
	vg_table_cell(rows->table, "%u", r.n_interfaces);
	vg_table_cell(rows->table, "%u", r.n_routes);
	vg_table_cell(rows->table, "%u", r.max_routes);
	vg_table_cell(rows->table, "%u", r.mem_kib);
	return 0;
}

static int router_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"router list", DP_MSG_ROUTER_LIST, sizeof(struct dp_router_info), router_cols,
			VG_ARRAY_SIZE(router_cols), router_row, NULL};

	return vg_list_command(ctx, argc, argv, &list);
}

/*
 * A.B.C.D/LEN: the interface's address and its subnet. The dataplane wants a
 * host of a subnet with room for another (a next hop, a VM): /1../30, and
 * neither the subnet's own address nor its broadcast. Say which before it
 * says EINVAL.
 */
static int interface_ip_arg(struct vg_ctx *ctx, const char *value, struct dp_router_if_req *req)
{
	struct dp_ip_prefix p;
	uint32_t ip, host_mask;

	/* Without /LEN, vg_parse_prefix() would make a /32: a subnet of one address. */
	if (strchr(value, '/') == NULL || vg_parse_prefix(value, &p) < 0 ||
			p.family != AF_INET || p.prefixlen == 0 || p.prefixlen > 30)
		return vg_usage_error(ctx, "A.B.C.D/LEN must be an IPv4 address with its subnet's "
					   "length (1..30), not '%s'",
				value);
	ip = (uint32_t)p.addr[0] << 24 | (uint32_t)p.addr[1] << 16 | (uint32_t)p.addr[2] << 8 |
			p.addr[3];
	host_mask = ~0u >> p.prefixlen;
	if ((ip & host_mask) == 0)
		return vg_usage_error(ctx, "%s is the subnet's own address, not a host on it", value);
	if ((ip & host_mask) == host_mask)
		return vg_usage_error(ctx, "%s is the subnet's broadcast address, not a host on it",
				value);
	memcpy(req->ip, p.addr, sizeof(req->ip));
	req->prefixlen = p.prefixlen;
	return VG_EXIT_OK;
}

/* ROUTER NETWORK: the operands interface add and interface del share. */
static int interface_names(struct vg_ctx *ctx, char **argv, struct dp_router_if_req *req)
{
	int status;

	status = vg_name_arg(ctx, "ROUTER", req->router, sizeof(req->router), argv[0]);
	if (status != VG_EXIT_OK)
		return status;
	return vg_name_arg(ctx, "NETWORK", req->network, sizeof(req->network), argv[1]);
}

static int interface_add(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"mac", required_argument, NULL, OPT_MAC},
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{0},
	};
	struct dp_router_if_req req = {0};
	char what[192];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_MAC:
			if (vg_parse_mac(optarg, req.mac) < 0)
				return vg_usage_error(ctx, "--mac must be a MAC address, not '%s'",
						optarg);
			/* All zeros is the protocol's "derive one": leaving --mac out says so. */
			if (vg_mac_is_zero(req.mac) || (req.mac[0] & 0x01) != 0)
				return vg_usage_error(ctx, "--mac must be a unicast MAC address, not "
							   "'%s' (leave it out to derive one)",
						optarg);
			break;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 3, 3);
	if (status == VG_EXIT_OK)
		status = interface_names(ctx, argv + optind, &req);
	if (status == VG_EXIT_OK)
		status = interface_ip_arg(ctx, argv[optind + 2], &req);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "router interface add %s %s", req.router, req.network);
	status = vg_request(ctx, what, DP_MSG_ROUTER_IF_ADD, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int interface_del(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_router_if_req req = {0};
	char what[192];
	int status;

	if (!vg_ok_option(ctx, argc, argv, false, &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = interface_names(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "router interface del %s %s", req.router, req.network);
	status = vg_request(ctx, what, DP_MSG_ROUTER_IF_DEL, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

/* MIN-MAX, 1..65535, MIN <= MAX. */
static int port_range_arg(struct vg_ctx *ctx, const char *value, struct dp_router_gw_req *req)
{
	const char *dash = strchr(value, '-');
	uint32_t lo, hi;
	char first[8];

	if (dash == NULL || (size_t)(dash - value) >= sizeof(first))
		return vg_usage_error(ctx, "--ports must be MIN-MAX, not '%s'", value);
	memcpy(first, value, (size_t)(dash - value));
	first[dash - value] = '\0';
	if (vg_parse_u32(first, 1, 65535, &lo) < 0 || vg_parse_u32(dash + 1, 1, 65535, &hi) < 0 ||
			lo > hi)
		return vg_usage_error(ctx, "--ports must be MIN-MAX within 1-65535, not '%s'", value);
	req->port_min = (uint16_t)lo;
	req->port_max = (uint16_t)hi;
	return VG_EXIT_OK;
}

static int gw_set(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"no-snat", no_argument, NULL, OPT_NO_SNAT},
		{"ports", required_argument, NULL, OPT_PORTS},
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{0},
	};
	struct dp_router_gw_req req = {.snat = 1};
	char what[192];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_NO_SNAT:
			req.snat = 0;
			break;
		case OPT_PORTS:
			status = port_range_arg(ctx, optarg, &req);
			if (status != VG_EXIT_OK)
				return status;
			break;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "ROUTER", req.router, sizeof(req.router), argv[optind]);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NETWORK", req.network, sizeof(req.network),
				argv[optind + 1]);
	if (status != VG_EXIT_OK)
		return status;
	snprintf(what, sizeof(what), "router gw set %s %s", req.router, req.network);
	status = vg_request(ctx, what, DP_MSG_ROUTER_GW_SET, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int gw_clear(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_router_gw_req req = {0};
	char what[192];
	int status;

	if (!vg_ok_option(ctx, argc, argv, false, &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "ROUTER", req.router, sizeof(req.router), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	snprintf(what, sizeof(what), "router gw clear %s", req.router);
	status = vg_request(ctx, what, DP_MSG_ROUTER_GW_CLEAR, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

const struct vg_cmd dp_router_cmds[] = {
	{"router", "add", "router add NAME [--max-routes N] [--exist-ok]",
			"create an IPv4 router with its own routing table (--max-routes: 1024, "
			"connected routes included)",
			router_add},
	{"router", "del", "router del NAME [--missing-ok]",
			"delete a router; its interfaces must be deleted first", router_del},
	{"router", "list", "router list", "list routers", router_list},
	{"router", "interface add",
			"router interface add ROUTER NETWORK A.B.C.D/LEN [--mac MAC] [--exist-ok]",
			"give a router its gateway address on a network; the subnet becomes a "
			"connected route (--mac: derived)",
			interface_add},
	{"router", "interface del", "router interface del ROUTER NETWORK [--missing-ok]",
			"remove a router's interface, its connected route and the routes through it",
			interface_del},
	{"router", "gw set", "router gw set ROUTER NETWORK [--no-snat] [--ports MIN-MAX] [--exist-ok]",
			"make the router's interface on NETWORK its gateway (no translation yet: "
			"the flag and range are stored for SNAT)",
			gw_set},
	{"router", "gw clear", "router gw clear ROUTER [--missing-ok]",
			"the router has no gateway any more", gw_clear},
	{0},
};
