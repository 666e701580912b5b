/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp route ...`: the static routes of IPv4 routers, through next hops
 * on a router's connected subnets, and the list of every route, connected
 * ones included.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

static uint32_t ip4_host_order(const uint8_t ip[4])
{
	return (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 | (uint32_t)ip[2] << 8 | ip[3];
}

/* PREFIX/LEN: a destination, 0.0.0.0/0 being the default route. */
static int route_prefix_arg(struct vg_ctx *ctx, const char *value, struct dp_route_req *req)
{
	struct dp_ip_prefix p;
	uint32_t host_mask;
	char net[VG_IP4_STRLEN];

	/* A bare address would be a /32: too quiet a default for a forgotten /LEN. */
	if (strchr(value, '/') == NULL || vg_parse_prefix(value, &p) < 0 || p.family != AF_INET)
		return vg_usage_error(ctx, "PREFIX/LEN must be an IPv4 prefix with its length "
					   "(A.B.C.D/0..32), not '%s'",
				value);
	/* A prefix with host bits set is most often a typo for another one: refuse to guess. */
	host_mask = p.prefixlen == 32 ? 0 : ~0u >> p.prefixlen;
	if ((ip4_host_order(p.addr) & host_mask) != 0) {
		for (int i = 0; i < 4; i++)
			p.addr[i] &= (uint8_t)~(host_mask >> (24 - 8 * i));
		return vg_usage_error(ctx, "PREFIX/LEN must have its host bits zero: %s/%u, not %s",
				vg_format_ip4(p.addr, net), p.prefixlen, value);
	}
	memcpy(req->prefix, p.addr, sizeof(req->prefix));
	req->prefixlen = p.prefixlen;
	return VG_EXIT_OK;
}

/* ROUTER PREFIX/LEN: the operands route add and route del share. */
static int route_operands(struct vg_ctx *ctx, char **argv, struct dp_route_req *req)
{
	int status;

	status = vg_name_arg(ctx, "ROUTER", req->router, sizeof(req->router), argv[0]);
	if (status != VG_EXIT_OK)
		return status;
	return route_prefix_arg(ctx, argv[1], req);
}

static int route_add(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_route_req req = {0};
	char what[192], prefix[VG_IP4_STRLEN], nexthop[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, true, &req.exist_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 4, 4);
	if (status == VG_EXIT_OK)
		status = route_operands(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;
	argv += optind;
	if (strcmp(argv[2], "via") != 0)
		return vg_usage_error(ctx, "expected 'via' before NEXTHOP, not '%s'", argv[2]);
	if (vg_parse_ip4(argv[3], req.nexthop) < 0)
		return vg_usage_error(ctx, "NEXTHOP must be an IPv4 address, not '%s'", argv[3]);
	/* The protocol's "no next hop", which only connected routes have. */
	if (vg_ip4_is_zero(req.nexthop))
		return vg_usage_error(ctx, "0.0.0.0 is not a next hop");

	/* A next hop on none of the router's subnets fails with ENETUNREACH. */
	snprintf(what, sizeof(what), "route add %s %s/%u via %s", req.router,
			vg_format_ip4(req.prefix, prefix), req.prefixlen,
			vg_format_ip4(req.nexthop, nexthop));
	status = vg_request(ctx, what, DP_MSG_ROUTE_ADD, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int route_del(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_route_req req = {0};
	char what[160], prefix[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, false, &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = route_operands(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;

	/* A connected route is refused (EPERM): it goes with its router interface. */
	snprintf(what, sizeof(what), "route del %s %s/%u", req.router,
			vg_format_ip4(req.prefix, prefix), req.prefixlen);
	status = vg_request(ctx, what, DP_MSG_ROUTE_DEL, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

/*
 * The list is sorted before it is shown: the dataplane keeps each router's
 * routes in no useful order (a delete moves the last one into the hole).
 */
struct route_row {
	struct dp_route_info info;
	uint32_t router_seq; /* routers in the dataplane's order, which is by id */
};

struct route_rows {
	struct route_row *rows;
	size_t n;
	size_t cap;
};

static int route_collect(void *arg, const void *entry)
{
	struct route_rows *all = arg;
	struct route_row *row;

	if (all->n == all->cap) {
		size_t cap = all->cap != 0 ? all->cap * 2 : 64;
		struct route_row *rows = realloc(all->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return -ENOMEM;
		all->rows = rows;
		all->cap = cap;
	}
	row = &all->rows[all->n];
	memcpy(&row->info, entry, sizeof(row->info));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	row->info.router[sizeof(row->info.router) - 1] = '\0';
	row->info.network[sizeof(row->info.network) - 1] = '\0';
	/* Each router's routes come together, possibly over several pages. */
	row->router_seq = 0;
	if (all->n > 0)
		row->router_seq = all->rows[all->n - 1].router_seq +
				(strcmp(all->rows[all->n - 1].info.router, row->info.router) != 0);
	all->n++;
	return 0;
}

/* By router, then by address and length: the default route first, as in `ip route`. */
static int route_cmp(const void *a, const void *b)
{
	const struct route_row *x = a, *y = b;
	uint32_t xa = ip4_host_order(x->info.prefix), ya = ip4_host_order(y->info.prefix);

	if (x->router_seq != y->router_seq)
		return x->router_seq < y->router_seq ? -1 : 1;
	if (xa != ya)
		return xa < ya ? -1 : 1;
	return (int)x->info.prefixlen - (int)y->info.prefixlen;
}

static const struct vg_col route_cols[] = {
	{"ROUTER", false},
	{"PREFIX", false},
	{"NEXTHOP", false}, /* "connected" for an interface's subnet */
	{"NETWORK", false}, /* the egress interface's */
};

static int route_row_out(struct vg_rows *rows, const struct dp_route_info *r)
{
	char prefix[VG_IP4_STRLEN + 4], ip[VG_IP4_STRLEN];

	snprintf(prefix, sizeof(prefix), "%s/%u", vg_format_ip4(r->prefix, ip), r->prefixlen);
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:s, s:o, s:b, s:s}", "router", r->router,
						"prefix", prefix, "nexthop",
						r->connected ? json_null() :
							       vg_json_ip4(r->nexthop, false),
						"connected", r->connected != 0, "network",
						r->network));
	vg_table_cell(rows->table, "%s", r->router);
	vg_table_cell(rows->table, "%s", prefix);
	vg_table_cell(rows->table, "%s",
			r->connected ? "connected" : vg_format_ip4(r->nexthop, ip));
	vg_table_cell(rows->table, "%s", r->network);
	return 0;
}

static int route_list(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_list_req filter = {0}; /* for its name array's size */
	struct route_rows all = {0};
	struct vg_rows rows;
	char what[128];
	int status, ret = 0;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 1);
	if (status == VG_EXIT_OK && argc - optind == 1)
		status = vg_name_arg(ctx, "ROUTER", filter.filter, sizeof(filter.filter),
				argv[optind]);
	if (status != VG_EXIT_OK)
		return status;

	/* An unknown ROUTER fails with ENOENT rather than listing nothing. */
	snprintf(what, sizeof(what), "route list%s%s", filter.filter[0] != '\0' ? " " : "",
			filter.filter);
	status = vg_list(ctx, what, DP_MSG_ROUTE_LIST, filter.filter,
			sizeof(struct dp_route_info), route_collect, &all);
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &rows, route_cols, VG_ARRAY_SIZE(route_cols));
	if (status != VG_EXIT_OK) {
		free(all.rows);
		return status;
	}
	if (all.n > 0)
		qsort(all.rows, all.n, sizeof(all.rows[0]), route_cmp);
	for (size_t i = 0; i < all.n && ret == 0; i++)
		ret = route_row_out(&rows, &all.rows[i].info);
	free(all.rows);
	if (ret < 0) {
		vg_rows_drop(&rows);
		return vg_fail("output", ret);
	}
	return vg_rows_end(&rows);
}

const struct vg_cmd dp_route_cmds[] = {
	{"route", "add", "route add ROUTER PREFIX/LEN via NEXTHOP [--exist-ok]",
			"add a static route (0.0.0.0/0: the default route); NEXTHOP must be on "
			"one of the router's subnets",
			route_add},
	{"route", "del", "route del ROUTER PREFIX/LEN [--missing-ok]",
			"delete a static route (a connected route goes with its interface)",
			route_del},
	{"route", "list", "route list [ROUTER]",
			"list the routes of every router, or of one, connected ones included",
			route_list},
	{0},
};
