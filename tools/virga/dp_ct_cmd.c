/* SPDX-License-Identifier: Apache-2.0 */
/* `virga dp ct ...`: the connections stateful security groups track. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum { OPT_PORT = VG_OPT_FIRST };

static const struct option port_opts[] = {{"port", required_argument, NULL, OPT_PORT}, {0}};

/* [--port P] and no operands. */
static int port_option(struct vg_ctx *ctx, int argc, char **argv, char port[DP_PORT_NAME_LEN])
{
	int c, status;

	port[0] = '\0';
	while ((c = vg_opt_next(ctx, argc, argv, port_opts, &status)) != -1) {
		if (c == VG_OPT_STOP)
			return status;
		if (c == OPT_PORT) {
			status = vg_name_arg(ctx, "--port", port, DP_PORT_NAME_LEN, optarg);
			if (status != VG_EXIT_OK)
				return status;
		}
	}
	return vg_operands(ctx, argc - optind, argv + optind, 0, 0);
}

static const char *const tcp_states[] = {"-", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
		"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"};

static const char *state_name(const struct dp_ct_entry_info *e)
{
	if (e->proto == 6 && e->state < VG_ARRAY_SIZE(tcp_states))
		return tcp_states[e->state];
	return e->replied ? "REPLIED" : "UNREPLIED";
}

static const char *proto_name(uint8_t p, char buf[8])
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	default: snprintf(buf, 8, "%u", p); return buf;
	}
}

static const struct vg_col ct_cols[] = {
	{"NETWORK", false},
	{"PROTO", false},
	{"SRC", false},
	{"SPORT", true},
	{"DST", false},
	{"DPORT", true},
	{"STATE", false},
	{"ORIG_PORT", false}, /* whose egress filter allowed it */
	{"RESP_PORT", false}, /* whose ingress filter allowed it */
	{"AGE_SEC", true},
	{"EXPIRES_SEC", true},
	{"NAT", false}, /* SNAT: what SRC:SPORT leaves as (and DST is sent to, in a hairpin) */
};

static int ct_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_ct_entry_info e;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], pbuf[8], nat[64] = "-";
	int af;

	memcpy(&e, entry, sizeof(e));
	e.network[sizeof(e.network) - 1] = '\0';
	e.orig_port[sizeof(e.orig_port) - 1] = '\0';
	e.resp_port[sizeof(e.resp_port) - 1] = '\0';
	af = e.family == AF_INET6 ? AF_INET6 : AF_INET;
	inet_ntop(af, e.src, src, sizeof(src));
	inet_ntop(af, e.dst, dst, sizeof(dst));
	if (e.nat) {
		char a[VG_IP4_STRLEN], d[VG_IP4_STRLEN];
		static const uint8_t none[4];

		if (memcmp(e.nat_dst, none, 4) != 0)
			snprintf(nat, sizeof(nat), "%s:%u -> %s", vg_format_ip4(e.nat_src, a),
					e.nat_sport, vg_format_ip4(e.nat_dst, d));
		else
			snprintf(nat, sizeof(nat), "%s:%u", vg_format_ip4(e.nat_src, a), e.nat_sport);
	}
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:I, s:s, s:I, s:s, s:I, s:s, s:b, s:s, s:s, s:I, s:I, s:s}",
						"network", e.network, "protocol", vg_json_int(e.proto),
						"src", src, "sport", vg_json_int(e.sport), "dst", dst,
						"dport", vg_json_int(e.dport), "state", state_name(&e),
						"replied", e.replied != 0, "orig_port", e.orig_port,
						"resp_port", e.resp_port, "age_sec",
						vg_json_int(e.age_sec), "expires_sec",
						vg_json_int(e.expires_sec), "nat", nat));
	vg_table_cell(rows->table, "%s", e.network);
	vg_table_cell(rows->table, "%s", proto_name(e.proto, pbuf));
	vg_table_cell(rows->table, "%s", src);
	vg_table_cell(rows->table, "%u", e.sport);
	vg_table_cell(rows->table, "%s", dst);
	vg_table_cell(rows->table, "%u", e.dport);
	vg_table_cell(rows->table, "%s", state_name(&e));
	vg_table_cell(rows->table, "%s", e.orig_port);
	vg_table_cell(rows->table, "%s", e.resp_port);
	vg_table_cell(rows->table, "%" PRIu32, e.age_sec);
	vg_table_cell(rows->table, "%" PRIu32, e.expires_sec);
	vg_table_cell(rows->table, "%s", nat);
	return 0;
}

static int ct_list(struct vg_ctx *ctx, int argc, char **argv)
{
	char port[DP_PORT_NAME_LEN];
	struct vg_rows rows;
	int status;

	status = port_option(ctx, argc, argv, port);
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &rows, ct_cols, VG_ARRAY_SIZE(ct_cols));
	if (status != VG_EXIT_OK)
		return status;
	status = vg_list(ctx, "ct list", DP_MSG_CT_LIST, port, sizeof(struct dp_ct_entry_info),
			ct_row, &rows);
	if (status != VG_EXIT_OK) {
		vg_rows_drop(&rows);
		return status;
	}
	return vg_rows_end(&rows);
}

static const struct vg_col stat_cols[] = {
	{"COUNTER", false},
	{"VALUE", true},
};

static int ct_stats(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_ct_stats_reply st;
	struct vg_rows rows;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = vg_operands(ctx, argc - optind, argv + optind, 0, 0);
	if (status == VG_EXIT_OK)
		status = vg_request(ctx, "ct stats", DP_MSG_CT_STATS, NULL, 0, &st, sizeof(st));
	if (status != VG_EXIT_OK)
		return status;
	if (ctx->json)
		return vg_json_print(json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "entries",
				vg_json_int(st.entries), "max_entries", vg_json_int(st.max_entries),
				"created", vg_json_int(st.created), "expired", vg_json_int(st.expired),
				"table_full", vg_json_int(st.table_full), "port_limit",
				vg_json_int(st.port_limit), "invalid", vg_json_int(st.invalid),
				"per_port_limit", vg_json_int(st.per_port_limit)));
	status = vg_rows_begin(ctx, &rows, stat_cols, VG_ARRAY_SIZE(stat_cols));
	if (status != VG_EXIT_OK)
		return status;
	const struct {
		const char *name;
		uint64_t v;
	} cells[] = {{"entries", st.entries}, {"max_entries", st.max_entries},
			{"created", st.created}, {"expired", st.expired},
			{"table_full", st.table_full}, {"port_limit", st.port_limit},
			{"invalid", st.invalid}, {"per_port_limit", st.per_port_limit}};
	for (size_t i = 0; i < VG_ARRAY_SIZE(cells); i++) {
		vg_table_cell(rows.table, "%s", cells[i].name);
		vg_table_cell(rows.table, "%" PRIu64, cells[i].v);
	}
	return vg_rows_end(&rows);
}

static int ct_flush(struct vg_ctx *ctx, int argc, char **argv)
{
	struct dp_ct_flush_req req;
	struct dp_ct_flush_reply rep;
	int status;

	memset(&req, 0, sizeof(req));
	status = port_option(ctx, argc, argv, req.port);
	if (status == VG_EXIT_OK)
		status = vg_request(ctx, "ct flush", DP_MSG_CT_FLUSH, &req, sizeof(req), &rep,
				sizeof(rep));
	if (status != VG_EXIT_OK)
		return status;
	if (ctx->json)
		return vg_json_print(json_pack("{s:I}", "flushed", vg_json_int(rep.flushed)));
	printf("flushed %" PRIu32 " connections\n", rep.flushed);
	return VG_EXIT_OK;
}

const struct vg_cmd dp_ct_cmds[] = {
	{"ct", "list", "ct list [--port PORT]",
			"tracked connections, all or those a port's filter allowed", ct_list},
	{"ct", "stats", "ct stats", "the connection table: size, creations, refusals", ct_stats},
	{"ct", "flush", "ct flush [--port PORT]",
			"forget every tracked connection, or a port's: the next packet of each is "
			"checked as new",
			ct_flush},
	{0},
};
