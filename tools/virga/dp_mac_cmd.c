/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp mac ...`: the per-network MAC tables, static entries and learned
 * ones. On a VXLAN network a MAC may be behind a remote VTEP instead of a
 * local port; the list shows such a MAC's port as "vtep:IP".
 */
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_EXIST_OK = VG_OPT_FIRST,
	OPT_REMOTE,
};

/* NETWORK MAC [PORT]: the operands mac add and mac del share. */
static int mac_operands(struct vg_ctx *ctx, char **argv, bool with_port, struct dp_mac_req *req)
{
	int status;

	status = vg_name_arg(ctx, "NETWORK", req->network, sizeof(req->network), argv[0]);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_mac(argv[1], req->mac) < 0)
		return vg_usage_error(ctx, "'%s' is not a MAC address", argv[1]);
	if (with_port)
		return vg_name_arg(ctx, "PORT", req->port, sizeof(req->port), argv[2]);
	return VG_EXIT_OK;
}

static int mac_add(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{"remote", required_argument, NULL, OPT_REMOTE},
		{0},
	};
	struct dp_mac_req req = {0};
	char what[160], mac[VG_MAC_STRLEN], vtep[VG_IP4_STRLEN];
	bool remote = false;
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		case OPT_REMOTE:
			if (vg_parse_ip4(optarg, req.remote_vtep) < 0)
				return vg_usage_error(ctx,
						"--remote must be an IPv4 address, not '%s'",
						optarg);
			/* The protocol's "no remote VTEP": the dataplane would want a port. */
			if (vg_ip4_is_zero(req.remote_vtep))
				return vg_usage_error(ctx, "0.0.0.0 is not a VTEP address");
			remote = true;
			break;
		}
	}
	/* NETWORK MAC, then PORT unless the MAC is behind a remote VTEP. */
	if (remote && argc - optind > 2)
		return vg_usage_error(ctx, "give PORT or --remote, not both");
	if (!remote && argc - optind == 2)
		return vg_usage_error(ctx, "PORT or --remote is required");
	status = vg_operands(ctx, argc - optind, argv + optind, remote ? 2 : 3, remote ? 2 : 3);
	if (status == VG_EXIT_OK)
		status = mac_operands(ctx, argv + optind, !remote, &req);
	if (status != VG_EXIT_OK)
		return status;

	/* The destination too: a missing port and a VTEP that is no peer both say ENOENT. */
	if (remote)
		snprintf(what, sizeof(what), "mac add %s %s --remote %s", req.network,
				vg_format_mac(req.mac, mac), vg_format_ip4(req.remote_vtep, vtep));
	else
		snprintf(what, sizeof(what), "mac add %s %s %s", req.network,
				vg_format_mac(req.mac, mac), req.port);
	status = vg_request(ctx, what, DP_MSG_MAC_ADD, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int mac_del(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_mac_req req = {0};
	char what[160], mac[VG_MAC_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, false, &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = mac_operands(ctx, argv + optind, false, &req);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "mac del %s %s", req.network, vg_format_mac(req.mac, mac));
	status = vg_request(ctx, what, DP_MSG_MAC_DEL, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static const struct vg_col mac_cols[] = {
	{"NETWORK", false},
	{"MAC", false},
	{"PORT", false}, /* or "vtep:IP" for a MAC behind a remote VTEP */
	{"TYPE", false},
	{"AGE_SEC", true},
};

static int mac_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_mac_info m;
	char mac[VG_MAC_STRLEN], vtep[VG_IP4_STRLEN];
	bool remote;

	memcpy(&m, entry, sizeof(m));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	m.network[sizeof(m.network) - 1] = '\0';
	m.port[sizeof(m.port) - 1] = '\0';
	remote = !vg_ip4_is_zero(m.remote_vtep);

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:s, s:o, s:o, s:b, s:I}", "network", m.network,
						"port", m.port, "remote_vtep",
						vg_json_ip4(m.remote_vtep, true), "mac",
						vg_json_mac(m.mac, false), "is_static", m.is_static,
						"age_sec", vg_json_int(m.age_sec)));
	vg_table_cell(rows->table, "%s", m.network);
	vg_table_cell(rows->table, "%s", vg_format_mac(m.mac, mac));
	/* Where frames to the MAC go: a local port, or a tunnel to another node. */
	if (remote)
		vg_table_cell(rows->table, "vtep:%s", vg_format_ip4(m.remote_vtep, vtep));
	else
		vg_table_cell(rows->table, "%s", m.port);
	vg_table_cell(rows->table, "%s", m.is_static ? "static" : "learned");
	/* Static entries do not age: "-" rather than 0. */
	if (m.is_static)
		vg_table_cell(rows->table, "%s", "");
	else
		vg_table_cell(rows->table, "%u", m.age_sec);
	return 0;
}

static int mac_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"mac list", DP_MSG_MAC_LIST, sizeof(struct dp_mac_info), mac_cols,
			VG_ARRAY_SIZE(mac_cols), mac_row, "NETWORK"};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_mac_cmds[] = {
	{"mac", "add", "mac add NETWORK MAC (PORT | --remote IP) [--exist-ok]",
			"add a static MAC entry: frames to MAC on NETWORK go to PORT, or (vxlan) "
			"to the VTEP at IP",
			mac_add},
	{"mac", "del", "mac del NETWORK MAC [--missing-ok]", "delete a MAC entry", mac_del},
	{"mac", "list", "mac list [NETWORK]", "list MAC entries, of one network or all", mac_list},
	{0},
};
