/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp fip ...`: a router's floating IPs, 1:1 pairs of an address on its
 * gateway's network and a fixed address behind it (stateless: translated by
 * address alone, no connection tracking).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

/* ROUTER FIP: the operands fip add and fip del share. */
static int fip_operands(struct vg_ctx *ctx, char **argv, struct dp_fip_req *req)
{
	int status = vg_name_arg(ctx, "ROUTER", req->router, sizeof(req->router), argv[0]);

	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_ip4(argv[1], req->fip) < 0)
		return vg_usage_error(ctx, "FIP must be an IPv4 address, not '%s'", argv[1]);
	return VG_EXIT_OK;
}

static int fip_add(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_fip_req req = {0};
	char what[160], f[VG_IP4_STRLEN], x[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, true, &req.exist_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 3, 3);
	if (status == VG_EXIT_OK)
		status = fip_operands(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_ip4(argv[optind + 2], req.fixed_ip) < 0)
		return vg_usage_error(
		                ctx, "FIXED must be an IPv4 address, not '%s'", argv[optind + 2]);
	/* ENOENT: no such router, or it has no gateway yet (router gateway set first). */
	snprintf(what, sizeof(what), "fip add %s %s %s", req.router, vg_format_ip4(req.fip, f),
	                vg_format_ip4(req.fixed_ip, x));
	status = vg_request(ctx, what, DP_MSG_FIP_ADD, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int fip_del(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_fip_req req = {0};
	char what[128], f[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, false, &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = fip_operands(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;
	snprintf(what, sizeof(what), "fip del %s %s", req.router, vg_format_ip4(req.fip, f));
	status = vg_request(ctx, what, DP_MSG_FIP_DEL, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

struct fip_rows {
	struct dp_fip_info *rows;
	size_t n;
	size_t cap;
};

static int fip_collect(void *arg, const void *entry)
{
	struct fip_rows *all = arg;

	if (all->n == all->cap) {
		size_t cap = all->cap != 0 ? all->cap * 2 : 64;
		struct dp_fip_info *rows = realloc(all->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return -ENOMEM;
		all->rows = rows;
		all->cap = cap;
	}
	memcpy(&all->rows[all->n], entry, sizeof(all->rows[0]));
	/* The protocol promises a NUL-terminated name; do not read past one that is not. */
	all->rows[all->n].router[sizeof(all->rows[0].router) - 1] = '\0';
	all->n++;
	return 0;
}

static const struct vg_col fip_cols[] = {
                {"ROUTER", false}, {"FIP", false}, {"FIXED", false},
                {"PACKETS_IN", true},  /* translated to the fixed address */
                {"PACKETS_OUT", true}, /* translated to the fip */
};

static int fip_row_out(struct vg_rows *rows, const struct dp_fip_info *e)
{
	char f[VG_IP4_STRLEN], x[VG_IP4_STRLEN];

	if (rows->array != NULL)
		return vg_json_append(rows->array,
		                json_pack("{s:s, s:o, s:o, s:I, s:I}", "router", e->router, "fip",
		                                vg_json_ip4(e->fip, false), "fixed_ip",
		                                vg_json_ip4(e->fixed_ip, false), "packets_in",
		                                (json_int_t)e->packets_in, "packets_out",
		                                (json_int_t)e->packets_out));
	vg_table_cell(rows->table, "%s", e->router);
	vg_table_cell(rows->table, "%s", vg_format_ip4(e->fip, f));
	vg_table_cell(rows->table, "%s", vg_format_ip4(e->fixed_ip, x));
	vg_table_cell(rows->table, "%" PRIu64, e->packets_in);
	vg_table_cell(rows->table, "%" PRIu64, e->packets_out);
	return 0;
}

static int fip_list(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_list_req filter = {0}; /* for its name array's size */
	struct fip_rows all = {0};
	struct vg_rows rows;
	char what[128];
	int status, ret = 0;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 1);
	if (status == VG_EXIT_OK && argc - optind == 1)
		status = vg_name_arg(
		                ctx, "ROUTER", filter.filter, sizeof(filter.filter), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	/* An unknown ROUTER fails with ENOENT rather than listing nothing. */
	snprintf(what, sizeof(what), "fip list%s%s", filter.filter[0] != '\0' ? " " : "",
	                filter.filter);
	status = vg_list(ctx, what, DP_MSG_FIP_LIST, filter.filter, sizeof(struct dp_fip_info),
	                fip_collect, &all);
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &rows, fip_cols, VG_ARRAY_SIZE(fip_cols));
	if (status != VG_EXIT_OK) {
		free(all.rows);
		return status;
	}
	for (size_t i = 0; i < all.n && ret == 0; i++)
		ret = fip_row_out(&rows, &all.rows[i]);
	free(all.rows);
	if (ret < 0) {
		vg_rows_drop(&rows);
		return vg_fail("output", ret);
	}
	return vg_rows_end(&rows);
}

const struct vg_cmd dp_fip_cmds[] = {
                {"fip", "add", "fip add ROUTER FIP FIXED [--exist-ok]",
                                "translate FIP, an address of the router's gateway network, to "
                                "FIXED and "
                                "back (--exist-ok moves an existing FIP to FIXED)",
                                fip_add},
                {"fip", "del", "fip del ROUTER FIP [--missing-ok]", "delete a floating IP",
                                fip_del},
                {"fip", "list", "fip list [ROUTER]",
                                "list the floating IPs of every router, or of one, with packet "
                                "counts",
                                fip_list},
                {0},
};
