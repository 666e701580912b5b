/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp port security NAME on|off ...`: Neutron's port security, the
 * anti-spoofing list of what a port may send from (see dp_port_security_req).
 * The request replaces the whole list, so the command takes it whole too.
 */
#include <stdio.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_MAC = VG_OPT_FIRST,
	OPT_IP,
	OPT_PAIR,
};

/* "MAC,ADDR[/LEN]": one allowed address pair. */
static int parse_pair(const char *s, struct dp_addr_pair *pair)
{
	char mac[VG_MAC_STRLEN];
	const char *comma = strchr(s, ',');

	if (comma == NULL || (size_t)(comma - s) != sizeof(mac) - 1)
		return -1;
	memcpy(mac, s, sizeof(mac) - 1);
	mac[sizeof(mac) - 1] = '\0';
	if (vg_parse_mac(mac, pair->mac) < 0 || vg_parse_prefix(comma + 1, &pair->ip) < 0)
		return -1;
	return 0;
}

static int port_security(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{"mac", required_argument, NULL, OPT_MAC},
		{"ip", required_argument, NULL, OPT_IP},
		{"pair", required_argument, NULL, OPT_PAIR},
		{0},
	};
	struct dp_port_security_req req = {0};
	bool has_addresses = false;
	const char *state;
	char what[128];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		switch (c) {
		case VG_OPT_STOP:
			return status;
		case OPT_MAC:
			if (vg_parse_mac(optarg, req.mac) < 0)
				return vg_usage_error(ctx, "--mac '%s' is not a MAC address", optarg);
			has_addresses = true;
			break;
		case OPT_IP:
			if (req.n_addrs == DP_MAX_ADDRS)
				return vg_usage_error(ctx, "at most %d --ip", DP_MAX_ADDRS);
			if (vg_parse_prefix(optarg, &req.addrs[req.n_addrs]) < 0)
				return vg_usage_error(ctx, "--ip '%s' is not ADDR or ADDR/LEN", optarg);
			req.n_addrs++;
			has_addresses = true;
			break;
		case OPT_PAIR:
			if (req.n_pairs == DP_MAX_PAIRS)
				return vg_usage_error(ctx, "at most %d --pair", DP_MAX_PAIRS);
			if (parse_pair(optarg, &req.pairs[req.n_pairs]) < 0)
				return vg_usage_error(ctx, "--pair '%s' is not MAC,ADDR[/LEN]", optarg);
			req.n_pairs++;
			has_addresses = true;
			break;
		}
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 2, 2);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "NAME", req.port, sizeof(req.port), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	state = argv[optind + 1];
	if (strcmp(state, "on") == 0)
		req.enabled = 1;
	else if (strcmp(state, "off") != 0)
		return vg_usage_error(ctx, "expected on or off, not '%s'", state);
	/* Addresses given with "off" would be silently ignored: refuse them. */
	if (!req.enabled && has_addresses)
		return vg_usage_error(ctx, "--mac, --ip and --pair go with 'on'");

	snprintf(what, sizeof(what), "port security %s", req.port);
	status = vg_request(ctx, what, DP_MSG_PORT_SECURITY, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

const struct vg_cmd dp_port_security_cmds[] = {
	{"port", "security",
			"port security NAME on|off [--mac MAC] [--ip ADDR[/LEN]]... "
			"[--pair MAC,ADDR[/LEN]]...",
			"set what a port may send from (replaces the whole list)", port_security},
	{0},
};
