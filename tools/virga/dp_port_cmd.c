/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp port ...`: the dataplane's ports, how they attach to networks,
 * and their list. Port security has its own file (dp_port_security_cmd.c).
 */
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_MTU = VG_OPT_FIRST,
	OPT_EXIST_OK,
	OPT_MISSING_OK,
	OPT_NETWORK,
	OPT_UPLINK,
	OPT_VHOST_USER,
};

static const char *port_kind_name(uint8_t kind)
{
	return kind == DP_PORT_KIND_VHOST_USER ? "vhost-user" : "ethdev";
}

static const char *port_mode_name(uint8_t mode)
{
	switch (mode) {
	case DP_PORT_DETACHED:
		return "detached";
	case DP_PORT_ACCESS:
		return "access";
	case DP_PORT_UPLINK:
		return "uplink";
	case DP_PORT_UNDERLAY:
		return "underlay";
	}
	return "unknown";
}

static int port_add(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"mtu", required_argument, NULL, OPT_MTU},
		{"exist-ok", no_argument, NULL, OPT_EXIST_OK},
		{"vhost-user", required_argument, NULL, OPT_VHOST_USER},
		{0},
	};
	struct dp_port_add_req req = {0};
	struct dp_port_add_reply reply;
	char what[128], mac[VG_MAC_STRLEN];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_MTU:
			if (vg_parse_mtu(optarg, &req.mtu) < 0)
				return vg_usage_error(ctx, "--mtu must be 68..65535, not '%s'", optarg);
			break;
		case OPT_EXIST_OK:
			req.exist_ok = 1;
			break;
		case OPT_VHOST_USER:
			/* The socket's path takes the devargs' place. */
			req.kind = DP_PORT_KIND_VHOST_USER;
			if (optarg[0] != '/')
				return vg_usage_error(ctx, "--vhost-user needs an absolute path");
			status = vg_name_arg(ctx, "--vhost-user", req.devargs, sizeof(req.devargs),
					optarg);
			if (status != VG_EXIT_OK)
				return status;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind,
			req.kind == DP_PORT_KIND_VHOST_USER ? 1 : 2,
			req.kind == DP_PORT_KIND_VHOST_USER ? 1 : 2);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", req.name, sizeof(req.name), argv[optind]);
	if (status == VG_EXIT_OK && req.kind == DP_PORT_KIND_ETHDEV)
		status = vg_name_arg(ctx, "DEVARGS", req.devargs, sizeof(req.devargs),
				argv[optind + 1]);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "port add %s", req.name);
	status = vg_request(ctx, what, DP_MSG_PORT_ADD, &req, sizeof(req), &reply, sizeof(reply));
	if (status != VG_EXIT_OK)
		return status;
	if (ctx->json)
		return vg_json_print(json_pack("{s:i, s:o}", "port_id", reply.port_id, "mac",
				vg_json_mac(reply.mac, false)));
	printf("port %s: id %u mac %s\n", req.name, reply.port_id, vg_format_mac(reply.mac, mac));
	return VG_EXIT_OK;
}

static int port_del(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_del_cmd del = VG_DEL_CMD("port del", DP_MSG_PORT_DEL, struct dp_port_del_req);

	return vg_del_command(ctx, argc, argv, &del);
}

static int port_attach(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"network", required_argument, NULL, OPT_NETWORK},
		{"uplink", required_argument, NULL, OPT_UPLINK},
		{0},
	};
	struct dp_port_attach_req req = {0};
	char what[128];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_NETWORK:
			if (req.mode != DP_PORT_DETACHED)
				return vg_usage_error(ctx, "give one --network or one --uplink");
			req.mode = DP_PORT_ACCESS;
			status = vg_name_arg(ctx, "--network", req.network, sizeof(req.network),
					optarg);
			if (status != VG_EXIT_OK)
				return status;
			break;
		case OPT_UPLINK:
			if (req.mode != DP_PORT_DETACHED)
				return vg_usage_error(ctx, "give one --network or one --uplink");
			req.mode = DP_PORT_UPLINK;
			status = vg_name_arg(ctx, "--uplink", req.physnet, sizeof(req.physnet),
					optarg);
			if (status != VG_EXIT_OK)
				return status;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", req.port, sizeof(req.port), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	if (req.mode == DP_PORT_DETACHED)
		return vg_usage_error(ctx, "--network or --uplink is required");

	snprintf(what, sizeof(what), "port attach %s", req.port);
	status = vg_request(ctx, what, DP_MSG_PORT_ATTACH, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int port_detach(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_port_detach_req req = {0};
	char what[128];
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", req.port, sizeof(req.port), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "port detach %s", req.port);
	status = vg_request(ctx, what, DP_MSG_PORT_DETACH, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static const struct vg_col port_cols[] = {
	{"ID", true},
	{"NAME", false},
	{"KIND", false},
	{"MODE", false},
	{"NETWORK", false},
	{"PHYSNET", false},
	{"MTU", true},
	{"LINK", false},
	{"SECURITY", false},
	{"MAC", false},
	{"DEVARGS", false},
};

static json_t *port_json(const struct dp_port_info *p)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:b, s:b, s:i, s:o, s:o,"
			 " s:I, s:I, s:I, s:I, s:I, s:I}",
			"name", p->name, "kind", port_kind_name(p->kind), "devargs", p->devargs, "network", p->network, "physnet",
			p->physnet, "port_id", p->port_id, "mtu", p->mtu, "mode",
			port_mode_name(p->mode), "security_enabled", p->security_enabled,
			"link_up", p->link_up, "n_addrs", p->n_addrs, "mac",
			vg_json_mac(p->mac, false), "allowed_mac", vg_json_mac(p->allowed_mac, true),
			"rx_packets", vg_json_int(p->rx_packets), "rx_bytes",
			vg_json_int(p->rx_bytes), "tx_packets", vg_json_int(p->tx_packets),
			"tx_bytes", vg_json_int(p->tx_bytes), "rx_dropped",
			vg_json_int(p->rx_dropped), "tx_dropped", vg_json_int(p->tx_dropped));
}

static int port_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_port_info p;
	char mac[VG_MAC_STRLEN];

	memcpy(&p, entry, sizeof(p));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	p.name[sizeof(p.name) - 1] = '\0';
	p.devargs[sizeof(p.devargs) - 1] = '\0';
	p.network[sizeof(p.network) - 1] = '\0';
	p.physnet[sizeof(p.physnet) - 1] = '\0';

	if (rows->array != NULL)
		return vg_json_append(rows->array, port_json(&p));
	vg_table_cell(rows->table, "%u", p.port_id);
	vg_table_cell(rows->table, "%s", p.name);
	vg_table_cell(rows->table, "%s", port_kind_name(p.kind));
	vg_table_cell(rows->table, "%s", port_mode_name(p.mode));
	vg_table_cell(rows->table, "%s", p.network);
	vg_table_cell(rows->table, "%s", p.physnet);
	vg_table_cell(rows->table, "%u", p.mtu);
	vg_table_cell(rows->table, "%s", p.link_up ? "up" : "down");
	vg_table_cell(rows->table, "%s", p.security_enabled ? "on" : "off");
	vg_table_cell(rows->table, "%s", vg_format_mac(p.mac, mac));
	vg_table_cell(rows->table, "%s", p.devargs);
	return 0;
}

static int port_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"port list", DP_MSG_PORT_LIST, sizeof(struct dp_port_info), port_cols,
			VG_ARRAY_SIZE(port_cols), port_row, NULL};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_port_cmds[] = {
	{"port", "add", "port add NAME (DEVARGS | --vhost-user SOCKET) [--mtu N] [--exist-ok]",
			"create a port on a DPDK device (e.g. net_af_packet0,iface=veth1), or a "
			"vhost-user port whose server (QEMU) listens on SOCKET; LINK says "
			"whether it is connected",
			port_add},
	{"port", "del", "port del NAME [--missing-ok]", "delete a port", port_del},
	{"port", "attach", "port attach NAME (--network NET | --uplink PHYSNET)",
			"make a port an access port of a network, or the uplink of a physnet",
			port_attach},
	{"port", "detach", "port detach NAME",
			"detach a port from its network or physnet (the underlay port: removes the VTEP)",
			port_detach},
	{"port", "list", "port list", "list ports", port_list},
	{0},
};
