/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp vtep ...`: the node's VXLAN tunnel endpoint (RFC 7348) and the
 * remote VTEPs of each VXLAN network, which its broadcast and unknown frames
 * are replicated to.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_IP = VG_OPT_FIRST,
	OPT_GATEWAY,
	OPT_LEARNING,
	OPT_UDP_PORT,
};

/* --ip A.B.C.D/LEN: the VTEP's address and its subnet on the underlay. */
static int vtep_ip_arg(struct vg_ctx *ctx, const char *value, struct dp_vtep_set_req *req)
{
	struct dp_ip_prefix p;

	/* Without /LEN, vg_parse_prefix() would make a /32 and send every peer to
	 * the gateway: too quiet a default for a typo. */
	if (strchr(value, '/') == NULL || vg_parse_prefix(value, &p) < 0 ||
			p.family != AF_INET || p.prefixlen == 0)
		return vg_usage_error(ctx, "--ip must be an IPv4 address with its length "
					   "(A.B.C.D/1..32), not '%s'",
				value);
	if (vg_ip4_is_zero(p.addr))
		return vg_usage_error(ctx, "0.0.0.0 is not a VTEP address");
	memcpy(req->local_ip, p.addr, sizeof(req->local_ip));
	req->prefixlen = p.prefixlen;
	return VG_EXIT_OK;
}

/* Whether ip is on the subnet of the VTEP's --ip (prefixlen 1..32). */
static bool vtep_on_subnet(const struct dp_vtep_set_req *req, const uint8_t ip[4])
{
	int bits = req->prefixlen;

	for (int i = 0; i < 4 && bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if (((ip[i] ^ req->local_ip[i]) & mask) != 0)
			return false;
	}
	return true;
}

static int vtep_set(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"ip", required_argument, NULL, OPT_IP},
		{"gateway", required_argument, NULL, OPT_GATEWAY},
		{"learning", no_argument, NULL, OPT_LEARNING},
		{"udp-port", required_argument, NULL, OPT_UDP_PORT},
		{0},
	};
	struct dp_vtep_set_req req = {0};
	uint32_t udp_port;
	char what[128], gw[VG_IP4_STRLEN], ip[VG_IP4_STRLEN];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_IP:
			status = vtep_ip_arg(ctx, optarg, &req);
			if (status != VG_EXIT_OK)
				return status;
			break;
		case OPT_GATEWAY:
			/* 0.0.0.0 is the protocol's "no gateway", the same as leaving it out. */
			if (vg_parse_ip4(optarg, req.gateway) < 0)
				return vg_usage_error(ctx,
						"--gateway must be an IPv4 address, not '%s'",
						optarg);
			break;
		case OPT_LEARNING:
			req.learning = 1;
			break;
		case OPT_UDP_PORT:
			/* 0 would mean the default, 4789 (IANA, RFC 7348 section 5). */
			if (vg_parse_u32(optarg, 1, UINT16_MAX, &udp_port) < 0)
				return vg_usage_error(ctx, "--udp-port must be 1..65535, not '%s'",
						optarg);
			req.udp_port = (uint16_t)udp_port;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "PORT", req.port, sizeof(req.port), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	if (req.prefixlen == 0)
		return vg_usage_error(ctx, "--ip is required");
	/* The dataplane resolves the gateway by ARP on the underlay's subnet, and
	 * refuses one it could not reach; say why before it says EINVAL. */
	if (!vg_ip4_is_zero(req.gateway) && !vtep_on_subnet(&req, req.gateway))
		return vg_usage_error(ctx, "--gateway %s is not on the subnet of %s/%u",
				vg_format_ip4(req.gateway, gw), vg_format_ip4(req.local_ip, ip),
				req.prefixlen);
	if (memcmp(req.gateway, req.local_ip, sizeof(req.gateway)) == 0)
		return vg_usage_error(ctx, "--gateway must not be the VTEP's own address");

	snprintf(what, sizeof(what), "vtep set %s", req.port);
	status = vg_request(ctx, what, DP_MSG_VTEP_SET, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

/* NETWORK IP: the operands peer add and peer del share. */
static int peer_operands(struct vg_ctx *ctx, char **argv, struct dp_vtep_peer_req *req)
{
	int status;

	status = vg_name_arg(ctx, "NETWORK", req->network, sizeof(req->network), argv[0]);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_ip4(argv[1], req->ip) < 0)
		return vg_usage_error(ctx, "'%s' is not an IPv4 address", argv[1]);
	if (vg_ip4_is_zero(req->ip))
		return vg_usage_error(ctx, "0.0.0.0 is not a VTEP address");
	return VG_EXIT_OK;
}

/* peer add and peer del differ only in their option and message. */
static int peer_change(struct vg_ctx *ctx, int argc, char **argv, bool add)
{
	struct dp_vtep_peer_req req = {0};
	char what[160], ip[VG_IP4_STRLEN];
	int status;

	if (!vg_ok_option(ctx, argc, argv, add, add ? &req.exist_ok : &req.missing_ok, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = peer_operands(ctx, argv + optind, &req);
	if (status != VG_EXIT_OK)
		return status;

	snprintf(what, sizeof(what), "vtep peer %s %s %s", add ? "add" : "del", req.network,
			vg_format_ip4(req.ip, ip));
	status = vg_request(ctx, what, add ? DP_MSG_VTEP_PEER_ADD : DP_MSG_VTEP_PEER_DEL, &req,
			sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int peer_add(struct vg_ctx *ctx, int argc, char **argv)
{
	return peer_change(ctx, argc, argv, true);
}

static int peer_del(struct vg_ctx *ctx, int argc, char **argv)
{
	return peer_change(ctx, argc, argv, false);
}

static const struct vg_col peer_cols[] = {
	{"NETWORK", false},
	{"VNI", true},
	{"PEER", false},
};

static int peer_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_vtep_peer_info p;
	char ip[VG_IP4_STRLEN];

	memcpy(&p, entry, sizeof(p));
	/* The protocol promises NUL-terminated names; do not read past one that is not. */
	p.network[sizeof(p.network) - 1] = '\0';

	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:I, s:o}", "network", p.network, "vni",
						vg_json_int(p.vni), "peer",
						vg_json_ip4(p.ip, false)));
	vg_table_cell(rows->table, "%s", p.network);
	vg_table_cell(rows->table, "%u", p.vni);
	vg_table_cell(rows->table, "%s", vg_format_ip4(p.ip, ip));
	return 0;
}

static int peer_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"vtep peer list", DP_MSG_VTEP_PEER_LIST, sizeof(struct dp_vtep_peer_info), peer_cols,
			VG_ARRAY_SIZE(peer_cols), peer_row, NULL};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_vtep_cmds[] = {
	{"vtep", "set",
			"vtep set PORT --ip A.B.C.D/LEN [--gateway A.B.C.D] [--learning] "
			"[--udp-port N]",
			"make PORT the VXLAN underlay, at --ip (--learning: learn remote MACs; "
			"--udp-port: 4789)",
			vtep_set},
	{"vtep", "peer add", "vtep peer add NETWORK IP [--exist-ok]",
			"add a remote VTEP to a vxlan network: its broadcast and unknown frames "
			"go there too",
			peer_add},
	{"vtep", "peer del", "vtep peer del NETWORK IP [--missing-ok]",
			"remove a remote VTEP from a vxlan network", peer_del},
	{"vtep", "peer list", "vtep peer list", "list the remote VTEPs of every vxlan network",
			peer_list},
	{0},
};
