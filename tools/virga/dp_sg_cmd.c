/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp sg ...`: a port's security-group filter (see dp_sg_set_req). The
 * dataplane takes a filter whole; so the commands that change one rule read
 * the port's rules (SG_RULES, SG_LIST), change the list here and send it all
 * back (SG_SET, in chunks when it is long). The agent programs filters the
 * same way; this is for operators and tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

/* A port's filter as the dataplane has it. */
struct sg_filter {
	bool exists;
	bool stateful;
	uint32_t n;
	struct dp_sg_rule_spec *rules; /* malloc'd */
};

static int collect_info(void *arg, const void *entry)
{
	struct dp_sg_info *info = arg;

	memcpy(info, entry, sizeof(*info));
	return 0;
}

static int collect_rule(void *arg, const void *entry)
{
	struct sg_filter *f = arg;
	struct dp_sg_rule_spec *r = realloc(f->rules, (f->n + 1) * sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	f->rules = r;
	memcpy(&f->rules[f->n++], entry, sizeof(*r));
	return 0;
}

static int filter_read(struct vg_ctx *ctx, const char *port, struct sg_filter *f)
{
	struct dp_sg_info info = {0};
	char what[96];
	int status;

	*f = (struct sg_filter){0};
	snprintf(what, sizeof(what), "sg list %s", port);
	status = vg_list(ctx, what, DP_MSG_SG_LIST, port, sizeof(info), collect_info, &info);
	if (status != VG_EXIT_OK || info.port[0] == '\0')
		return status;
	f->exists = true;
	f->stateful = info.stateful != 0;
	snprintf(what, sizeof(what), "sg show %s", port);
	return vg_list(ctx, what, DP_MSG_SG_RULES, port, sizeof(struct dp_sg_rule_spec),
			collect_rule, f);
}

/* SG_SET of the whole filter, DP_SG_RULES_PER_MSG rules a message. */
static int filter_write(struct vg_ctx *ctx, const char *port, const struct sg_filter *f)
{
	size_t cap = sizeof(struct dp_sg_set_req) + DP_SG_RULES_PER_MSG * sizeof(f->rules[0]);
	struct dp_sg_set_req *req = calloc(1, cap);
	uint32_t off = 0;
	char what[96];
	int status = VG_EXIT_OK;

	if (req == NULL)
		return vg_fail("sg set", -ENOMEM);
	snprintf(what, sizeof(what), "sg set %s", port);
	snprintf(req->port, sizeof(req->port), "%s", port);
	req->enabled = f->exists;
	req->stateful = f->stateful;
	req->total = f->n;
	do {
		uint32_t n = f->n - off < DP_SG_RULES_PER_MSG ? f->n - off : DP_SG_RULES_PER_MSG;

		req->offset = off;
		req->n_rules = (uint16_t)n;
		memcpy(req->rules, f->rules + off, n * sizeof(f->rules[0]));
		status = vg_request(ctx, what, DP_MSG_SG_SET, req,
				sizeof(*req) + n * sizeof(f->rules[0]), NULL, 0);
		off += n;
	} while (status == VG_EXIT_OK && off < f->n);
	free(req);
	return status;
}

/* The PORT operand of a command taking exactly `n` operands. */
static int port_operand(struct vg_ctx *ctx, int argc, char **argv, int n, char port[DP_PORT_NAME_LEN])
{
	int status = vg_operands(ctx, argc - optind, argv + optind, n, n);

	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "PORT", port, DP_PORT_NAME_LEN, argv[optind]);
	return status;
}

static int protocol_arg(const char *s, uint8_t *proto)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} names[] = {{"any", 0}, {"tcp", 6}, {"udp", 17}, {"icmp", 1}, {"icmpv6", 58}, {"sctp", 132}};
	uint32_t v;

	for (size_t i = 0; i < VG_ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i].name) == 0) {
			*proto = names[i].proto;
			return 0;
		}
	if (vg_parse_u32(s, 0, 255, &v) < 0)
		return -EINVAL;
	*proto = (uint8_t)v;
	return 0;
}

static int ports_arg(const char *s, struct dp_sg_rule_spec *r)
{
	char buf[32];
	char *colon;
	uint32_t lo, hi;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
	if (vg_parse_u32(buf, 0, 65535, &lo) < 0 ||
			vg_parse_u32(colon ? colon + 1 : buf, 0, 65535, &hi) < 0 || hi < lo)
		return -EINVAL;
	r->has_ports = 1;
	r->port_min = (uint16_t)lo;
	r->port_max = (uint16_t)hi;
	return 0;
}

enum {
	OPT_DIRECTION = VG_OPT_FIRST,
	OPT_ETHERTYPE,
	OPT_PROTOCOL,
	OPT_DST_PORT,
	OPT_ICMP_TYPE,
	OPT_ICMP_CODE,
	OPT_REMOTE,
	OPT_LABEL,
	OPT_STATELESS,
};

static int sg_add_rule(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"direction", required_argument, NULL, OPT_DIRECTION},
		{"ethertype", required_argument, NULL, OPT_ETHERTYPE},
		{"protocol", required_argument, NULL, OPT_PROTOCOL},
		{"dst-port", required_argument, NULL, OPT_DST_PORT},
		{"icmp-type", required_argument, NULL, OPT_ICMP_TYPE},
		{"icmp-code", required_argument, NULL, OPT_ICMP_CODE},
		{"remote", required_argument, NULL, OPT_REMOTE},
		{"label", required_argument, NULL, OPT_LABEL},
		{0},
	};
	struct dp_sg_rule_spec r = {.family = AF_INET};
	struct dp_ip_prefix remote = {0};
	bool has_dir = false, has_remote = false, has_proto = false;
	char port[DP_PORT_NAME_LEN];
	struct sg_filter f;
	uint32_t v;
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_DIRECTION:
			if (strcmp(optarg, "ingress") == 0)
				r.direction = DP_SG_DIR_INGRESS;
			else if (strcmp(optarg, "egress") == 0)
				r.direction = DP_SG_DIR_EGRESS;
			else
				return vg_usage_error(ctx, "--direction is ingress or egress, not '%s'",
						optarg);
			has_dir = true;
			break;
		case OPT_ETHERTYPE:
			if (strcasecmp(optarg, "ipv4") == 0)
				r.family = AF_INET;
			else if (strcasecmp(optarg, "ipv6") == 0)
				r.family = AF_INET6;
			else
				return vg_usage_error(ctx, "--ethertype is IPv4 or IPv6, not '%s'", optarg);
			break;
		case OPT_PROTOCOL:
			if (protocol_arg(optarg, &r.proto) < 0)
				return vg_usage_error(ctx, "--protocol is tcp, udp, icmp, icmpv6, sctp, any "
							   "or 0..255, not '%s'",
						optarg);
			has_proto = true;
			break;
		case OPT_DST_PORT:
			if (ports_arg(optarg, &r) < 0)
				return vg_usage_error(ctx, "--dst-port is MIN[:MAX] (0..65535), not '%s'",
						optarg);
			break;
		case OPT_ICMP_TYPE:
			if (vg_parse_u32(optarg, 0, 255, &v) < 0)
				return vg_usage_error(ctx, "--icmp-type is 0..255, not '%s'", optarg);
			r.has_icmp_type = 1;
			r.icmp_type = (uint8_t)v;
			break;
		case OPT_ICMP_CODE:
			if (vg_parse_u32(optarg, 0, 255, &v) < 0)
				return vg_usage_error(ctx, "--icmp-code is 0..255, not '%s'", optarg);
			r.has_icmp_code = 1;
			r.icmp_code = (uint8_t)v;
			break;
		case OPT_REMOTE:
			if (vg_parse_prefix(optarg, &remote) < 0)
				return vg_usage_error(ctx, "--remote is ADDR[/LEN], not '%s'", optarg);
			has_remote = true;
			break;
		case OPT_LABEL:
			if (strlen(optarg) >= sizeof(r.label))
				return vg_usage_error(ctx, "--label is at most %zu characters",
						sizeof(r.label) - 1);
			snprintf(r.label, sizeof(r.label), "%s", optarg);
			break;
		}
	}
	status = port_operand(ctx, argc, argv, 1, port);
	if (status != VG_EXIT_OK)
		return status;
	if (!has_dir)
		return vg_usage_error(ctx, "--direction is required");
	if (has_remote && remote.family != r.family)
		return vg_usage_error(ctx, "--remote is not an address of the rule's --ethertype");
	/* Neutron's "icmp" on an IPv6 rule means ICMPv6. */
	if (has_proto && r.proto == 1 && r.family == AF_INET6)
		r.proto = 58;
	if (r.has_ports && r.proto != 6 && r.proto != 17 && r.proto != 132 && r.proto != 33 &&
			r.proto != 136)
		return vg_usage_error(ctx, "--dst-port needs --protocol tcp, udp or sctp");
	if ((r.has_icmp_type || r.has_icmp_code) && r.proto != 1 && r.proto != 58)
		return vg_usage_error(ctx, "--icmp-type needs --protocol icmp");
	if (r.has_icmp_code && !r.has_icmp_type)
		return vg_usage_error(ctx, "--icmp-code needs --icmp-type");
	if (has_remote) {
		r.prefixlen = remote.prefixlen;
		memcpy(r.remote, remote.addr, sizeof(r.remote));
	}

	status = filter_read(ctx, port, &f);
	if (status == VG_EXIT_OK) {
		/* A new filter is stateful, as Neutron's groups are by default. */
		if (!f.exists)
			f.stateful = true;
		f.exists = true;
		for (uint32_t i = 0; i < f.n; i++)
			if (f.rules[i].id >= r.id)
				r.id = f.rules[i].id + 1;
		if (r.label[0] == '\0')
			snprintf(r.label, sizeof(r.label), "%" PRIu32, r.id);
		status = collect_rule(&f, &r) < 0 ? vg_fail("sg add-rule", -ENOMEM) : VG_EXIT_OK;
	}
	if (status == VG_EXIT_OK)
		status = filter_write(ctx, port, &f);
	free(f.rules);
	if (status != VG_EXIT_OK)
		return status;
	if (ctx->json)
		return vg_json_print(json_pack("{s:I}", "id", vg_json_int(r.id)));
	printf("rule %" PRIu32 " added to port %s\n", r.id, port);
	return VG_EXIT_OK;
}

static int sg_del_rule(struct vg_ctx *ctx, int argc, char **argv)
{
	char port[DP_PORT_NAME_LEN];
	struct sg_filter f;
	uint32_t id, i;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = port_operand(ctx, argc, argv, 2, port);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_parse_u32(argv[optind + 1], 0, UINT32_MAX - 1, &id) < 0)
		return vg_usage_error(ctx, "ID must be a rule number, not '%s'", argv[optind + 1]);
	status = filter_read(ctx, port, &f);
	if (status == VG_EXIT_OK) {
		for (i = 0; i < f.n && f.rules[i].id != id; i++)
			;
		if (i == f.n) {
			fprintf(stderr, "virga: sg del-rule %s %" PRIu32 ": no such rule\n", port, id);
			status = VG_EXIT_FAIL;
		} else {
			memmove(&f.rules[i], &f.rules[i + 1], (f.n - i - 1) * sizeof(f.rules[0]));
			f.n--;
			status = filter_write(ctx, port, &f);
		}
	}
	free(f.rules);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int sg_set(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {{"stateless", no_argument, NULL, OPT_STATELESS}, {0}};
	struct sg_filter f = {.exists = true, .stateful = true};
	char port[DP_PORT_NAME_LEN];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		if (c == VG_OPT_STOP)
			return status;
		if (c == OPT_STATELESS)
			f.stateful = false;
	}
	status = port_operand(ctx, argc, argv, 1, port);
	if (status == VG_EXIT_OK)
		status = filter_write(ctx, port, &f);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int sg_set_stateless(struct vg_ctx *ctx, int argc, char **argv)
{
	char port[DP_PORT_NAME_LEN];
	struct sg_filter f;
	const char *state;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = port_operand(ctx, argc, argv, 2, port);
	if (status != VG_EXIT_OK)
		return status;
	state = argv[optind + 1];
	if (strcmp(state, "on") != 0 && strcmp(state, "off") != 0)
		return vg_usage_error(ctx, "expected on or off, not '%s'", state);
	status = filter_read(ctx, port, &f);
	if (status == VG_EXIT_OK) {
		f.exists = true;
		f.stateful = strcmp(state, "off") == 0;
		status = filter_write(ctx, port, &f);
	}
	free(f.rules);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int sg_clear(struct vg_ctx *ctx, int argc, char **argv)
{
	struct sg_filter f = {0};
	char port[DP_PORT_NAME_LEN];
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = port_operand(ctx, argc, argv, 1, port);
	if (status == VG_EXIT_OK)
		status = filter_write(ctx, port, &f);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static const struct vg_col list_cols[] = {
	{"PORT", false},
	{"STATEFUL", false},
	{"RULES", true},
	{"GENERATION", true},
	{"CONNECTIONS", true},
};

static int list_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_sg_info s;

	memcpy(&s, entry, sizeof(s));
	s.port[sizeof(s.port) - 1] = '\0';
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:s, s:b, s:I, s:I, s:I}", "port", s.port, "stateful",
						s.stateful != 0, "rules", vg_json_int(s.n_rules),
						"generation", vg_json_int(s.generation), "connections",
						vg_json_int(s.connections)));
	vg_table_cell(rows->table, "%s", s.port);
	vg_table_cell(rows->table, "%s", s.stateful ? "yes" : "no");
	vg_table_cell(rows->table, "%" PRIu32, s.n_rules);
	vg_table_cell(rows->table, "%" PRIu32, s.generation);
	vg_table_cell(rows->table, "%" PRIu32, s.connections);
	return 0;
}

static int sg_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"sg list", DP_MSG_SG_LIST, sizeof(struct dp_sg_info),
			list_cols, VG_ARRAY_SIZE(list_cols), list_row, "PORT"};

	return vg_list_command(ctx, argc, argv, &list);
}

static const struct vg_col rule_cols[] = {
	{"ID", true},
	{"DIRECTION", false},
	{"ETHERTYPE", false},
	{"PROTOCOL", false},
	{"PORTS", false}, /* destination ports, or ICMP type/code */
	{"REMOTE", false},
	{"LABEL", false},
};

static const char *proto_name(uint8_t p, char buf[8])
{
	switch (p) {
	case 0: return "any";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmpv6";
	case 132: return "sctp";
	default: snprintf(buf, 8, "%u", p); return buf;
	}
}

static int rule_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_sg_rule_spec r;
	struct dp_ip_prefix pfx = {0};
	char ports[32] = "", remote[VG_PREFIX_STRLEN] = "", pbuf[8];
	const char *dir, *eth;

	memcpy(&r, entry, sizeof(r));
	r.label[sizeof(r.label) - 1] = '\0';
	dir = r.direction == DP_SG_DIR_INGRESS ? "ingress" : "egress";
	eth = r.family == AF_INET6 ? "IPv6" : "IPv4";
	if (r.has_ports && r.port_min == r.port_max)
		snprintf(ports, sizeof(ports), "%u", r.port_min);
	else if (r.has_ports)
		snprintf(ports, sizeof(ports), "%u:%u", r.port_min, r.port_max);
	else if (r.has_icmp_type && r.has_icmp_code)
		snprintf(ports, sizeof(ports), "type %u code %u", r.icmp_type, r.icmp_code);
	else if (r.has_icmp_type)
		snprintf(ports, sizeof(ports), "type %u", r.icmp_type);
	if (r.prefixlen > 0) {
		pfx.family = r.family;
		pfx.prefixlen = r.prefixlen;
		memcpy(pfx.addr, r.remote, sizeof(pfx.addr));
		vg_format_prefix(&pfx, remote);
	}
	if (rows->array != NULL)
		return vg_json_append(rows->array,
				json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:s}", "id",
						vg_json_int(r.id), "direction", dir, "ethertype", eth,
						"protocol", vg_json_int(r.proto), "port_min",
						r.has_ports ? json_integer(r.port_min) : json_null(),
						"port_max",
						r.has_ports ? json_integer(r.port_max) : json_null(),
						"icmp_type",
						r.has_icmp_type ? json_integer(r.icmp_type) : json_null(),
						"remote", r.prefixlen ? json_string(remote) : json_null(),
						"label", r.label));
	vg_table_cell(rows->table, "%" PRIu32, r.id);
	vg_table_cell(rows->table, "%s", dir);
	vg_table_cell(rows->table, "%s", eth);
	vg_table_cell(rows->table, "%s", proto_name(r.proto, pbuf));
	vg_table_cell(rows->table, "%s", ports);
	vg_table_cell(rows->table, "%s", remote);
	vg_table_cell(rows->table, "%s", r.label);
	return 0;
}

static int sg_show(struct vg_ctx *ctx, int argc, char **argv)
{
	char port[DP_PORT_NAME_LEN], what[64];
	struct vg_rows rows;
	int status;

	if (!vg_no_options(ctx, argc, argv, &status))
		return status;
	status = port_operand(ctx, argc, argv, 1, port);
	if (status == VG_EXIT_OK)
		status = vg_rows_begin(ctx, &rows, rule_cols, VG_ARRAY_SIZE(rule_cols));
	if (status != VG_EXIT_OK)
		return status;
	snprintf(what, sizeof(what), "sg show %s", port);
	status = vg_list(ctx, what, DP_MSG_SG_RULES, port, sizeof(struct dp_sg_rule_spec),
			rule_row, &rows);
	if (status != VG_EXIT_OK) {
		vg_rows_drop(&rows);
		return status;
	}
	return vg_rows_end(&rows);
}

const struct vg_cmd dp_sg_cmds[] = {
	{"sg", "add-rule",
			"sg add-rule PORT --direction ingress|egress [--ethertype IPv4|IPv6] "
			"[--protocol tcp|udp|icmp|N] [--dst-port MIN[:MAX]] [--icmp-type T "
			"[--icmp-code C]] [--remote PREFIX] [--label TEXT]",
			"add an allow rule to PORT's filter (a new filter is stateful and denies "
			"what no rule allows)",
			sg_add_rule},
	{"sg", "del-rule", "sg del-rule PORT ID",
			"remove a rule: connections only it allowed end at their next packet", sg_del_rule},
	{"sg", "set", "sg set PORT [--stateless]",
			"give PORT a filter with no rules: IP is denied but what always passes", sg_set},
	{"sg", "set-stateless", "sg set-stateless PORT on|off",
			"check every packet (on) or track connections (off)", sg_set_stateless},
	{"sg", "clear", "sg clear PORT", "remove PORT's filter: everything passes again", sg_clear},
	{"sg", "list", "sg list [PORT]", "ports with a filter, its generation and connections",
			sg_list},
	{"sg", "show", "sg show PORT", "the rules of PORT's filter", sg_show},
	{0},
};
