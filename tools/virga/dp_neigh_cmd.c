/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp neigh ...`: the dataplane's ARP table, for the underlay (the
 * VTEP's peers and gateway) and for networks a router has an interface on,
 * and the permanent entries the control plane adds to it (never aged, never
 * overwritten by ARP), so the first frame to a known address need not wait.
 */
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

static const char *neigh_state_name(uint8_t state)
{
	switch (state) {
	case DP_NEIGH_INCOMPLETE:
		return "incomplete";
	case DP_NEIGH_REACHABLE:
		return "reachable";
	case DP_NEIGH_PERMANENT:
		return "permanent";
	}
	return "unknown";
}

static const struct vg_col neigh_cols[] = {
	{"SCOPE", false},
	{"IP", false},
	{"MAC", false},
	{"STATE", false},
	{"AGE_SEC", true},
};

static int neigh_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_neigh_info n;
	char ip[VG_IP4_STRLEN], mac[VG_MAC_STRLEN];
	/* An address asked for and not answered has no MAC yet. */
	bool has_mac;

	memcpy(&n, entry, sizeof(n));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	n.scope[sizeof(n.scope) - 1] = '\0';
	has_mac = n.state == DP_NEIGH_REACHABLE || n.state == DP_NEIGH_PERMANENT;

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:o, s:o, s:s, s:I}", "scope", n.scope, "ip",
						vg_json_ip4(n.ip, false), "mac",
						has_mac ? vg_json_mac(n.mac, false) : json_null(),
						"state", neigh_state_name(n.state), "age_sec",
						vg_json_int(n.age_sec)));
	vg_table_cell(rows->table, "%s", n.scope);
	vg_table_cell(rows->table, "%s", vg_format_ip4(n.ip, ip));
	vg_table_cell(rows->table, "%s", has_mac ? vg_format_mac(n.mac, mac) : "");
	vg_table_cell(rows->table, "%s", neigh_state_name(n.state));
	vg_table_cell(rows->table, "%u", n.age_sec);
	return 0;
}

static int neigh_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"neigh list", DP_MSG_NEIGH_LIST, sizeof(struct dp_neigh_info), neigh_cols,
			VG_ARRAY_SIZE(neigh_cols), neigh_row, NULL};

	return vg_list_command(ctx, argc, argv, &list);
}

/* add and del differ in their operands (add takes the MAC), option and message. */
static int neigh_change(struct vg_ctx *ctx, int argc, char **argv, bool add)
{
	struct dp_neigh_req req = {0};
	char what[160], ip[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, add, add ? &req.exist_ok : &req.missing_ok, &status))
		return status;
	argc -= optind;
	argv += optind;
	status = vg_operands(ctx, argc, argv, add ? 3 : 2, add ? 3 : 2);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "SCOPE", req.scope, sizeof(req.scope), argv[0]);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_ip4(argv[1], req.ip) < 0)
		return vg_usage_error(ctx, "'%s' is not an IPv4 address", argv[1]);
	if (vg_ip4_is_zero(req.ip))
		return vg_usage_error(ctx, "0.0.0.0 is not a neighbour address");
	if (add) {
		if (vg_parse_mac(argv[2], req.mac) < 0)
			return vg_usage_error(ctx, "'%s' is not a MAC address", argv[2]);
		/* The dataplane says EINVAL for these; say which. */
		if (vg_mac_is_zero(req.mac) || (req.mac[0] & 1))
			return vg_usage_error(ctx, "a neighbour's MAC must be unicast, not '%s'",
					argv[2]);
	}

	snprintf(what, sizeof(what), "neigh %s %s %s", add ? "add" : "del", req.scope,
			vg_format_ip4(req.ip, ip));
	status = vg_request(ctx, what, add ? DP_MSG_NEIGH_ADD : DP_MSG_NEIGH_DEL, &req,
			sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int neigh_add(struct vg_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, true);
}

static int neigh_del(struct vg_ctx *ctx, int argc, char **argv)
{
	return neigh_change(ctx, argc, argv, false);
}

const struct vg_cmd dp_neigh_cmds[] = {
	{"neigh", "add", "neigh add SCOPE IP MAC [--exist-ok]",
			"add a permanent neighbour (never aged, never replaced by ARP); SCOPE is "
			"\"underlay\" or a network with a router interface",
			neigh_add},
	{"neigh", "del", "neigh del SCOPE IP [--missing-ok]",
			"remove a neighbour (permanent or learned)", neigh_del},
	{"neigh", "list", "neigh list",
			"list ARP neighbours: the underlay's (scope \"underlay\") and routers' "
			"(scope: the network)",
			neigh_list},
	{0},
};
