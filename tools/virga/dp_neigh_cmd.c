/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp neigh list`: the dataplane's ARP table, for the underlay (the
 * VTEP's peers and gateway) and for networks a router has an interface on.
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
	has_mac = n.state == DP_NEIGH_REACHABLE;

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
	struct vg_rows rows;
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, NULL, &status)) != -1) {
		if (c == VG_OPT_STOP)
			return status;
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status != VG_EXIT_OK)
		return status;

	status = vg_rows_begin(ctx, &rows, neigh_cols, VG_ARRAY_SIZE(neigh_cols));
	if (status != VG_EXIT_OK)
		return status;
	status = vg_list(ctx, "neigh list", DP_MSG_NEIGH_LIST, NULL, sizeof(struct dp_neigh_info),
			neigh_row, &rows);
	if (status != VG_EXIT_OK) {
		vg_rows_drop(&rows);
		return status;
	}
	return vg_rows_end(&rows);
}

const struct vg_cmd dp_neigh_cmds[] = {
	{"neigh", "list", "neigh list",
			"list ARP neighbours: the underlay's (scope \"underlay\") and routers' "
			"(scope: the network)",
			neigh_list},
	{0},
};
