/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `virga dp dhcp ...`: DHCP answered by the engine, one entry per port with
 * the port's fixed address and what its OFFERs and ACKs carry.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vg_cli.h"
#include "vg_output.h"
#include "vg_parse.h"

enum {
	OPT_MAC = VG_OPT_FIRST,
	OPT_IP,
	OPT_GATEWAY,
	OPT_SERVER,
	OPT_DNS,
	OPT_ROUTE,
	OPT_MTU,
	OPT_LEASE,
	OPT_HOSTNAME,
	OPT_DOMAIN,
	OPT_EXIST_OK,
};

/* An IPv4 prefix "A.B.C.D/LEN" with LEN in [min, max] (a /LEN is required). */
static int ip4_prefix(const char *s, uint8_t min, uint8_t max, uint8_t addr[4], uint8_t *len)
{
	struct dp_ip_prefix p;

	if (strchr(s, '/') == NULL || vg_parse_prefix(s, &p) < 0 || p.family != AF_INET ||
	                p.prefixlen < min || p.prefixlen > max)
		return -EINVAL;
	memcpy(addr, p.addr, 4);
	*len = p.prefixlen;
	return 0;
}

/* --route DEST/LEN,NEXTHOP: option 121's descriptor. */
static int route_arg(struct vg_ctx *ctx, const char *value, struct dp_dhcp_set_req *req)
{
	char dest[VG_PREFIX_STRLEN];
	const char *comma = strchr(value, ',');
	struct dp_dhcp_route *r;

	if (req->route_count == DP_DHCP_MAX_ROUTES)
		return vg_usage_error(ctx, "at most %d --route", DP_DHCP_MAX_ROUTES);
	r = &req->routes[req->route_count];
	if (comma == NULL || (size_t)(comma - value) >= sizeof(dest))
		return vg_usage_error(ctx, "--route must be DEST/LEN,NEXTHOP, not '%s'", value);
	memcpy(dest, value, (size_t)(comma - value));
	dest[comma - value] = '\0';
	if (ip4_prefix(dest, 0, 32, r->dest, &r->prefix_len) < 0 ||
	                vg_parse_ip4(comma + 1, r->nexthop) < 0)
		return vg_usage_error(ctx, "--route must be DEST/LEN,NEXTHOP, not '%s'", value);
	req->route_count++;
	return VG_EXIT_OK;
}

/* One option of dhcp set into req; an exit status. */
static int set_option(struct vg_ctx *ctx, int c, const char *v, struct dp_dhcp_set_req *req)
{
	uint32_t n;

	switch (c) {
	case OPT_MAC:
		if (vg_parse_mac(v, req->mac) < 0)
			return vg_usage_error(ctx, "--mac must be a MAC address, not '%s'", v);
		break;
	case OPT_IP:
		if (ip4_prefix(v, 1, 30, req->ip, &req->prefix_len) < 0)
			return vg_usage_error(
			                ctx, "--ip must be A.B.C.D/LEN (LEN 1..30), not '%s'", v);
		break;
	case OPT_GATEWAY:
	case OPT_SERVER:
		if (vg_parse_ip4(v, c == OPT_GATEWAY ? req->gateway : req->server_ip) < 0)
			return vg_usage_error(ctx, "--%s must be an IPv4 address, not '%s'",
			                c == OPT_GATEWAY ? "gateway" : "server", v);
		break;
	case OPT_DNS:
		if (req->dns_count == DP_DHCP_MAX_DNS)
			return vg_usage_error(ctx, "at most %d --dns", DP_DHCP_MAX_DNS);
		if (vg_parse_ip4(v, req->dns[req->dns_count]) < 0)
			return vg_usage_error(ctx, "--dns must be an IPv4 address, not '%s'", v);
		req->dns_count++;
		break;
	case OPT_ROUTE:
		return route_arg(ctx, v, req);
	case OPT_MTU:
		if (vg_parse_mtu(v, &req->mtu) < 0)
			return vg_usage_error(ctx, "--mtu must be 68..65535, not '%s'", v);
		break;
	case OPT_LEASE:
		if (vg_parse_u32(v, 60, UINT32_MAX, &n) < 0)
			return vg_usage_error(
			                ctx, "--lease must be at least 60 seconds, not '%s'", v);
		req->lease_time = n;
		break;
	case OPT_HOSTNAME:
	case OPT_DOMAIN:
		if (c == OPT_HOSTNAME ? vg_copy_name(req->hostname, sizeof(req->hostname), v) < 0
		                      : vg_copy_name(req->domain, sizeof(req->domain), v) < 0)
			return vg_usage_error(ctx, "--%s must be 1..63 characters, not '%s'",
			                c == OPT_HOSTNAME ? "hostname" : "domain", v);
		break;
	case OPT_EXIST_OK:
		req->exist_ok = 1;
		break;
	}
	return VG_EXIT_OK;
}

static int dhcp_set(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	                {"mac", required_argument, NULL, OPT_MAC},
	                {"ip", required_argument, NULL, OPT_IP},
	                {"gateway", required_argument, NULL, OPT_GATEWAY},
	                {"server", required_argument, NULL, OPT_SERVER},
	                {"dns", required_argument, NULL, OPT_DNS},
	                {"route", required_argument, NULL, OPT_ROUTE},
	                {"mtu", required_argument, NULL, OPT_MTU},
	                {"lease", required_argument, NULL, OPT_LEASE},
	                {"hostname", required_argument, NULL, OPT_HOSTNAME},
	                {"domain", required_argument, NULL, OPT_DOMAIN},
	                {"exist-ok", no_argument, NULL, OPT_EXIST_OK},
	                {0},
	};
	struct dp_dhcp_set_req req = {0};
	char what[128];
	int c, status;

	while ((c = vg_opt_next(ctx, argc, argv, opts, &status)) != -1) {
		if (c == VG_OPT_STOP)
			return status;
		status = set_option(ctx, c, optarg, &req);
		if (status != VG_EXIT_OK)
			return status;
	}
	status = vg_operands(ctx, argc - optind, argv + optind, 1, 1);
	if (status == VG_EXIT_OK)
		status = vg_name_arg(ctx, "PORT", req.port, sizeof(req.port), argv[optind]);
	if (status != VG_EXIT_OK)
		return status;
	if (vg_mac_is_zero(req.mac) || req.prefix_len == 0 || vg_ip4_is_zero(req.server_ip))
		return vg_usage_error(ctx, "--mac, --ip and --server are required");
	/* EINVAL: an address that does not fit the subnet (the gateway off it, the
	 * subnet's own or broadcast address); ENOENT: no such port. */
	snprintf(what, sizeof(what), "dhcp set %s", req.port);
	status = vg_request(ctx, what, DP_MSG_DHCP_SET, &req, sizeof(req), NULL, 0);
	return status != VG_EXIT_OK ? status : vg_ok(ctx);
}

static int dhcp_del(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_del_cmd del = {"dhcp del", DP_MSG_DHCP_DEL,
	                sizeof(struct dp_dhcp_del_req), offsetof(struct dp_dhcp_del_req, port),
	                sizeof(((struct dp_dhcp_del_req *)0)->port),
	                offsetof(struct dp_dhcp_del_req, missing_ok)};

	return vg_del_command(ctx, argc, argv, &del);
}

static const struct vg_col dhcp_cols[] = {
                {"PORT", false},
                {"MAC", false},
                {"IP", false},
                {"GATEWAY", false},
                {"SERVER", false},
                {"MTU", true},
                {"LEASE", true},
                {"DISCOVERS", true},
                {"OFFERS", true},
                {"REQUESTS", true},
                {"ACKS", true},
                {"NAKS", true},
                {"RATE_LIMITED", true},
};

static json_t *dhcp_json(const struct dp_dhcp_info *e)
{
	const struct dp_dhcp_set_req *c = &e->conf;
	char ip[VG_PREFIX_STRLEN], dest[VG_PREFIX_STRLEN];
	json_t *dns = json_array(), *routes = json_array();
	struct dp_ip_prefix p = {.family = AF_INET, .prefixlen = c->prefix_len};

	for (unsigned int i = 0; i < c->dns_count && i < DP_DHCP_MAX_DNS; i++)
		json_array_append_new(dns, vg_json_ip4(c->dns[i], false));
	for (unsigned int i = 0; i < c->route_count && i < DP_DHCP_MAX_ROUTES; i++) {
		struct dp_ip_prefix d = {.family = AF_INET, .prefixlen = c->routes[i].prefix_len};

		memcpy(d.addr, c->routes[i].dest, 4);
		json_array_append_new(
		                routes, json_pack("{s:s, s:o}", "destination",
		                                        vg_format_prefix(&d, dest), "nexthop",
		                                        vg_json_ip4(c->routes[i].nexthop, false)));
	}
	memcpy(p.addr, c->ip, 4);
	return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:i, s:I, s:s, s:s, s:{s:I, s:I, "
	                 "s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
	                "port", c->port, "mac", vg_json_mac(c->mac, false), "ip",
	                vg_format_prefix(&p, ip), "gateway", vg_json_ip4(c->gateway, true),
	                "server", vg_json_ip4(c->server_ip, false), "dns", dns, "routes", routes,
	                "mtu", (int)c->mtu, "lease", (json_int_t)c->lease_time, "hostname",
	                c->hostname, "domain", c->domain, "counters", "discovers",
	                vg_json_int(e->discovers), "requests", vg_json_int(e->requests), "informs",
	                vg_json_int(e->informs), "releases", vg_json_int(e->releases), "declines",
	                vg_json_int(e->declines), "offers", vg_json_int(e->offers), "acks",
	                vg_json_int(e->acks), "naks", vg_json_int(e->naks), "rate_limited",
	                vg_json_int(e->rate_limited));
}

static int dhcp_row(void *arg, const void *entry)
{
	struct vg_rows *rows = arg;
	struct dp_dhcp_info e;
	char mac[VG_MAC_STRLEN], gw[VG_IP4_STRLEN], srv[VG_IP4_STRLEN], ip[VG_IP4_STRLEN];

	memcpy(&e, entry, sizeof(e));
	/* The protocol promises NUL-terminated strings; do not read past ones that are not. */
	e.conf.port[sizeof(e.conf.port) - 1] = '\0';
	e.conf.hostname[sizeof(e.conf.hostname) - 1] = '\0';
	e.conf.domain[sizeof(e.conf.domain) - 1] = '\0';
	if (rows->array != NULL)
		return vg_json_append(rows->array, dhcp_json(&e));
	vg_table_cell(rows->table, "%s", e.conf.port);
	vg_table_cell(rows->table, "%s", vg_format_mac(e.conf.mac, mac));
	vg_table_cell(rows->table, "%s/%u", vg_format_ip4(e.conf.ip, ip), e.conf.prefix_len);
	vg_table_cell(rows->table, "%s",
	                vg_ip4_is_zero(e.conf.gateway) ? "-" : vg_format_ip4(e.conf.gateway, gw));
	vg_table_cell(rows->table, "%s", vg_format_ip4(e.conf.server_ip, srv));
	vg_table_cell(rows->table, "%u", e.conf.mtu);
	vg_table_cell(rows->table, "%" PRIu32, e.conf.lease_time);
	vg_table_cell(rows->table, "%" PRIu64, e.discovers);
	vg_table_cell(rows->table, "%" PRIu64, e.offers);
	vg_table_cell(rows->table, "%" PRIu64, e.requests);
	vg_table_cell(rows->table, "%" PRIu64, e.acks);
	vg_table_cell(rows->table, "%" PRIu64, e.naks);
	vg_table_cell(rows->table, "%" PRIu64, e.rate_limited);
	return 0;
}

static int dhcp_list(struct vg_ctx *ctx, int argc, char **argv)
{
	static const struct vg_list_cmd list = {"dhcp list", DP_MSG_DHCP_LIST,
	                sizeof(struct dp_dhcp_info), dhcp_cols, VG_ARRAY_SIZE(dhcp_cols), dhcp_row,
	                "PORT"};

	return vg_list_command(ctx, argc, argv, &list);
}

const struct vg_cmd dp_dhcp_cmds[] = {
                {"dhcp", "set",
                                "dhcp set PORT --mac MAC --ip A.B.C.D/LEN --server S [--gateway G] "
                                "[--dns D]... [--route DEST/LEN,NEXTHOP]... [--mtu N] [--lease "
                                "SECS] "
                                "[--hostname H] [--domain D] [--exist-ok]",
                                "answer DHCP on PORT for MAC with its fixed address and this "
                                "configuration, as server S (--exist-ok replaces an entry)",
                                dhcp_set},
                {"dhcp", "del", "dhcp del PORT [--missing-ok]", "stop answering DHCP on PORT",
                                dhcp_del},
                {"dhcp", "list", "dhcp list [PORT]",
                                "list the ports the engine answers DHCP for, with request and "
                                "answer "
                                "counts",
                                dhcp_list},
                {0},
};
