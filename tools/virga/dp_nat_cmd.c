/* SPDX-License-Identifier: Apache-2.0 */
/* `virga dp nat stats`: SNAT's ports in use, per router and protocol. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

static const struct vg_col nat_cols[] = {
	{"ROUTER", false},
	{"GATEWAY", false},
	{"SNAT", false},
	{"PROTO", false},
	{"USED", true},
	{"FREE", true},
	{"EXHAUSTED", true}, /* new connections refused for want of a port */
	{"OVER_90", true},   /* times usage rose to 90% of the range */
};

static const char *proto_name(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : "icmp";
}

static int nat_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_nat_stats_info e;
	char gw[VG_IP4_STRLEN];
	uint32_t free_ports;

	memcpy(&e, entry, sizeof(e));
	e.router[sizeof(e.router) - 1] = '\0';
	free_ports = e.ports_total > e.ports_used ? e.ports_total - e.ports_used : 0;
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:o, s:b, s:s, s:I, s:I, s:I, s:I}", "router",
						e.router, "gateway", vg_json_ip4(e.gw_ip, false),
						"snat", e.snat != 0, "protocol", proto_name(e.proto),
						"used", vg_json_int(e.ports_used), "free",
						vg_json_int(free_ports), "exhausted",
						(json_int_t)e.exhausted, "over_90",
						(json_int_t)e.over_90));
	vg_table_cell(rows->table, "%s", e.router);
	vg_table_cell(rows->table, "%s", vg_format_ip4(e.gw_ip, gw));
	vg_table_cell(rows->table, "%s", e.snat ? "on" : "off");
	vg_table_cell(rows->table, "%s", proto_name(e.proto));
	vg_table_cell(rows->table, "%" PRIu32, e.ports_used);
	vg_table_cell(rows->table, "%" PRIu32, free_ports);
	vg_table_cell(rows->table, "%" PRIu64, e.exhausted);
	vg_table_cell(rows->table, "%" PRIu64, e.over_90);
	return 0;
}

static int nat_stats(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"nat stats", DP_MSG_NAT_STATS,
			sizeof(struct dp_nat_stats_info), nat_cols, VG_ARRAY_SIZE(nat_cols), nat_row,
			"ROUTER"};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_nat_cmds[] = {
	{"nat", "stats", "nat stats [ROUTER]",
			"SNAT's source ports in use and free, per router with a gateway and protocol",
			nat_stats},
	{0},
};
