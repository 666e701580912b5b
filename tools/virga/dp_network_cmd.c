/* SPDX-License-Identifier: Apache-2.0 */
/* `virga dp network ...`: the dataplane's L2 networks (flat, VLAN and VXLAN). */
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_TYPE = VG_OPT_FIRST,
	OPT_PHYSNET,
	OPT_VID,
	OPT_VNI,
	OPT_MTU,
	OPT_EXIST_OK,
	OPT_MISSING_OK,
};

static int network_add(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, OPT_TYPE},
		{"physnet", required_argument, NULL, OPT_PHYSNET},
		{"vid", required_argument, NULL, OPT_VID},
		{"vni", required_argument, NULL, OPT_VNI},
		{"mtu", required_argument, NULL, OPT_MTU},
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{0},
	};
	struct dp_network_add_req req = {0};
	struct dp_network_add_reply reply;
	uint32_t vid = 0, vni = 0; /* 0: not given */
	char what[128];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_TYPE:
			if (strcmp(optarg, "flat") == 0)
				req.type = DP_NET_FLAT;
			else if (strcmp(optarg, "vlan") == 0)
				req.type = DP_NET_VLAN;
			else if (strcmp(optarg, "vxlan") == 0)
				req.type = DP_NET_VXLAN;
			else
				return vg_usage_error(ctx,
						"--type must be flat, vlan or vxlan, not '%s'",
						optarg);
			break;
		case OPT_PHYSNET:
			status = vg_name_arg(ctx, "--physnet", req.physnet, sizeof(req.physnet),
					optarg);
			if (status != VG_EXIT_OK)
				return status;
			break;
		case OPT_VID:
			/* 0 and 4095 are reserved by IEEE 802.1Q. */
			if (vg_parse_u32(optarg, 1, 4094, &vid) < 0)
				return vg_usage_error(ctx, "--vid must be 1..4094, not '%s'", optarg);
			break;
		case OPT_VNI:
			/* 24 bits (RFC 7348); the dataplane keeps 0 for "no VNI". */
			if (vg_parse_u32(optarg, 1, 0xffffff, &vni) < 0)
				return vg_usage_error(ctx, "--vni must be 1..16777215, not '%s'",
						optarg);
			break;
		case OPT_MTU:
			if (vg_parse_mtu(optarg, &req.mtu) < 0)
				return vg_usage_error(ctx, "--mtu must be 68..65535, not '%s'", optarg);
			break;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status != VG_EXIT_OK)
		return status;
	status = vg_name_arg(ctx, "NAME", req.name, sizeof(req.name), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	if (req.type == 0)
		return vg_usage_error(ctx, "--type is required");
	if (req.type == DP_NET_VLAN && vid == 0)
		return vg_usage_error(ctx, "a vlan network needs --vid");
	if (req.type != DP_NET_VLAN && vid != 0)
		return vg_usage_error(ctx, "--vid is only for vlan networks");
	if (req.type == DP_NET_VXLAN && vni == 0)
		return vg_usage_error(ctx, "a vxlan network needs --vni");
	if (req.type != DP_NET_VXLAN && vni != 0)
		return vg_usage_error(ctx, "--vni is only for vxlan networks");
	/* A VXLAN network rides the VTEP's underlay, not a provider network. */
	if (req.type == DP_NET_VXLAN && req.physnet[0] != '\0')
		return vg_usage_error(ctx, "a vxlan network takes no --physnet");
	req.seg_id = req.type == DP_NET_VXLAN ? vni : vid;

	snprintf(what, sizeof(what), "network add %s", req.name);
	status = vg_request(ctx, what, DP_MSG_NETWORK_ADD, &req, sizeof(req), &reply,
			sizeof(reply));
	if (status != VG_EXIT_OK)
		return status;
	if (ctx->json)
		return vg_json_print(json_pack("{s:i}", "id", reply.id));
	printf("network %s: id %u\n", req.name, reply.id);
	return VG_EXIT_OK;
}

static int network_del(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_del_cmd del = VG_DEL_CMD("network del", DP_MSG_NETWORK_DEL, struct dp_network_del_req);

	return vg_del_command(ctx, argc, argv, &del);
}

static const struct vg_col network_cols[] = {
	{"ID", true},
	{"NAME", false},
	{"TYPE", false},
	{"PHYSNET", false},
	{"SEG_ID", true},
	{"MTU", true},
	{"N_PORTS", true},
	{"N_MACS", true},
};

static int network_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_network_info n;

	memcpy(&n, entry, sizeof(n));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	n.name[sizeof(n.name) - 1] = '\0';
	n.physnet[sizeof(n.physnet) - 1] = '\0';

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:i, s:s, s:s, s:s, s:I, s:i, s:I, s:I}", "id", n.id,
						"name", n.name, "type", dp_net_type_name(n.type),
						"physnet", n.physnet, "seg_id",
						vg_json_int(n.seg_id), "mtu", n.mtu, "n_ports",
						vg_json_int(n.n_ports), "n_macs",
						vg_json_int(n.n_macs)));
	vg_table_cell(rows->table, "%u", n.id);
	vg_table_cell(rows->table, "%s", n.name);
	vg_table_cell(rows->table, "%s", dp_net_type_name(n.type));
	vg_table_cell(rows->table, "%s", n.physnet);
	/* A flat network has no segment: show "-" rather than a misleading 0. For a
	 * VXLAN network the segment is the VNI. */
	if (n.type == DP_NET_FLAT)
		vg_table_cell(rows->table, "%s", "");
	else
		vg_table_cell(rows->table, "%u", n.seg_id);
	vg_table_cell(rows->table, "%u", n.mtu);
	vg_table_cell(rows->table, "%u", n.n_ports);
	vg_table_cell(rows->table, "%u", n.n_macs);
	return 0;
}

static int network_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"network list", DP_MSG_NETWORK_LIST, sizeof(struct dp_network_info), network_cols,
			VG_ARRAY_SIZE(network_cols), network_row, NULL};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_network_cmds[] = {
	{"network", "add",
			"network add NAME --type flat|vlan|vxlan [--physnet P] [--vid N] [--vni N] "
			"[--mtu N] [--exist-ok]",
			"create a network; vxlan takes --vni, no --physnet (--exist-ok: succeed if "
			"it exists alike)",
			network_add},
	{"network", "del", "network del NAME [--missing-ok]", "delete a network", network_del},
	{"network", "list", "network list", "list networks", network_list},
	{0},
};
