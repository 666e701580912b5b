/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCP answered by the engine for the node's ports, as Neutron's DHCP agent
 * (dnsmasq) would answer them: a port with an IPv4 fixed IP on an
 * enable_dhcp subnet gets that address (no pool), the subnet's gateway_ip
 * as router, its dns_nameservers, its host_routes as classless static
 * routes (the engine adds the default route through the router), the
 * network's MTU, Neutron's default lease (dhcp_lease_duration 86400), the
 * host name Neutron gives (dns_name, else "host-" + the address with
 * dashes) and Neutron's default dns_domain "openstacklocal". The answers
 * come from the subnet's DHCP port address, which the feed puts on the
 * subnet as dhcp_server_ip; a subnet without one gets no DHCP (Neutron's
 * dnsmasq would not listen there either).
 *
 * One entry per port: with several such fixed IPs the first is served.
 * Neutron's dnsmasq offers itself as DNS server when a subnet has none; the
 * engine runs no resolver, so then no DNS option is sent.
 *
 * DHCP_LIST shows each entry whole, so it is the record: each pass compares
 * what the engine has with what the port wants and sends only differences
 * (a restarted agent changes nothing). An entry goes with its port; one
 * whose subnet turned DHCP off is deleted. Only the agent's "tap" ports
 * are touched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "network/dhcp.h"

#define NEUTRON_LEASE 86400             /* neutron.conf dhcp_lease_duration */
#define NEUTRON_DOMAIN "openstacklocal" /* neutron.conf dns_domain */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Said once per port, subnet and revision of the subnet. */
static void note(const json_t *port, const json_t *subnet, const char *why)
{
	char key[192];

	snprintf(key, sizeof(key), "dhcp/%s/%s", str(port, "id"), str(subnet, "id"));
	if (ag_once(key, json_integer_value(json_object_get(subnet, "revision_number"))))
		ag_log(AG_WARN, "port %s: subnet %s: %s", str(port, "id"), str(subnet, "id"), why);
}

static int ip4(const char *s, uint8_t out[4])
{
	return inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

/* The subnet's DNS servers and host routes into req, as many as fit. */
static void build_options(const json_t *port, const json_t *subnet, struct dp_dhcp_set_req *req)
{
	const json_t *v;
	size_t i;

	json_array_foreach(json_object_get(subnet, "dns_nameservers"), i, v)
	{
		if (req->dns_count == DP_DHCP_MAX_DNS) {
			note(port, subnet, "more DNS servers than DHCP sends: the first 4 are");
			break;
		}
		if (ip4(json_string_value(v) ? json_string_value(v) : "",
		                    req->dns[req->dns_count]) == 0)
			req->dns_count++;
	}
	json_array_foreach(json_object_get(subnet, "host_routes"), i, v)
	{
		struct dp_dhcp_route *r = &req->routes[req->route_count];
		struct dp_ip_prefix dst;
		uint32_t a;

		if (req->route_count == DP_DHCP_MAX_ROUTES) {
			note(port, subnet, "more host routes than DHCP sends: the first 8 are");
			break;
		}
		if (ag_parse_prefix(str(v, "destination"), &dst) < 0 || dst.family != AF_INET ||
		                ip4(str(v, "nexthop"), r->nexthop) < 0) {
			memset(r, 0, sizeof(*r));
			continue;
		}
		/* Neutron keeps a destination as given; RFC 3442 wants host bits clear. */
		memcpy(&a, dst.addr, 4);
		a &= dst.prefixlen ? htonl(~0u << (32 - dst.prefixlen)) : 0;
		memcpy(r->dest, &a, 4);
		r->prefix_len = dst.prefixlen;
		req->route_count++;
	}
}

/* The answer for one fixed IP; 0, or 1 when its subnet gives none. */
static int build_one(const struct ag_feed *f, const json_t *port, const json_t *fixed,
                struct ag_port *out)
{
	const json_t *s = json_object_get(f->subnets, str(fixed, "subnet_id"));
	struct dp_dhcp_set_req *req = &out->dhcp;
	const json_t *dns_name = json_object_get(port, "dns_name");
	struct dp_ip_prefix cidr;
	const char *ip = str(fixed, "ip_address");

	if (s == NULL || json_integer_value(json_object_get(s, "ip_version")) != 4 ||
	                !json_is_true(json_object_get(s, "enable_dhcp")))
		return 1;
	memset(req, 0, sizeof(*req));
	if (!json_is_string(json_object_get(s, "dhcp_server_ip")) ||
	                ip4(str(s, "dhcp_server_ip"), req->server_ip) < 0) {
		note(port, s, "DHCP is on but the subnet has no DHCP port address: no DHCP");
		return 1;
	}
	if (ip4(ip, req->ip) < 0 || ag_parse_prefix(str(s, "cidr"), &cidr) < 0 ||
	                cidr.family != AF_INET) {
		note(port, s, "malformed address or CIDR: no DHCP");
		return 1;
	}
	snprintf(req->port, sizeof(req->port), "%s", out->dp_name);
	memcpy(req->mac, out->security.mac, sizeof(req->mac));
	req->prefix_len = cidr.prefixlen;
	if (json_is_string(json_object_get(s, "gateway_ip")))
		ip4(str(s, "gateway_ip"), req->gateway);
	build_options(port, s, req);
	req->mtu = out->mtu;
	req->lease_time = NEUTRON_LEASE;
	if (json_is_string(dns_name) && json_string_length(dns_name) > 0)
		snprintf(req->hostname, sizeof(req->hostname), "%s", json_string_value(dns_name));
	else {
		snprintf(req->hostname, sizeof(req->hostname), "host-%s", ip);
		for (char *c = req->hostname; *c; c++)
			if (*c == '.')
				*c = '-';
	}
	snprintf(req->domain, sizeof(req->domain), "%s", NEUTRON_DOMAIN);
	return 0;
}

void ag_dhcp_build(const struct ag_feed *f, const json_t *port, struct ag_port *out)
{
	const json_t *fixed;
	size_t i;

	out->dhcp_enabled = false;
	json_array_foreach(json_object_get(port, "fixed_ips"), i, fixed)
	{
		if (build_one(f, port, fixed, out) == 0) {
			out->dhcp_enabled = true;
			return;
		}
	}
	memset(&out->dhcp, 0, sizeof(out->dhcp));
}

/* The agent's ports: "tap" + 11 characters of the Neutron id. */
static bool ours(const char *name)
{
	return strncmp(name, "tap", 3) == 0 && strlen(name) == 3 + AG_PORT_ID_CHARS;
}

static const struct dp_dhcp_info *listed(
                const struct dp_dhcp_info *have, size_t n, const char *port)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(have[i].conf.port, port) == 0)
			return &have[i];
	return NULL;
}

static bool same(const struct dp_dhcp_set_req *have, const struct dp_dhcp_set_req *want)
{
	struct dp_dhcp_set_req a = *have, b = *want;

	a.exist_ok = b.exist_ok = 0;
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static const struct ag_port *wanted(const struct ag_desired *d, const char *name)
{
	for (size_t i = 0; i < d->n_ports; i++)
		if (d->ports[i].dhcp_enabled && strcmp(d->ports[i].dp_name, name) == 0)
			return &d->ports[i];
	return NULL;
}

void ag_dhcp_reconcile(struct ag_dp *dp, const struct ag_desired *d, const bool *port_ok,
                struct ag_reconcile_stats *st)
{
	static bool unsupported_said;
	struct dp_dhcp_info *have = NULL;
	size_t n = 0;
	int rc = ag_dp_list(dp, DP_MSG_DHCP_LIST, sizeof(*have), (void **)&have, &n);

	if (rc == -EOPNOTSUPP) {
		if (!unsupported_said)
			ag_log(AG_WARN, "this dataplane does not answer DHCP (dhcp_list: not "
			                "supported): ports get no DHCP");
		unsupported_said = true;
		return;
	}
	if (rc < 0) {
		ag_log(AG_ERR, "dataplane dhcp_list: %s", strerror(-rc));
		st->failed++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct dp_dhcp_del_req del = {.missing_ok = 1};

		have[i].conf.port[sizeof(have[i].conf.port) - 1] = '\0';
		have[i].conf.hostname[sizeof(have[i].conf.hostname) - 1] = '\0';
		have[i].conf.domain[sizeof(have[i].conf.domain) - 1] = '\0';
		if (!ours(have[i].conf.port) || wanted(d, have[i].conf.port) != NULL)
			continue;
		snprintf(del.port, sizeof(del.port), "%s", have[i].conf.port);
		if (ag_dp_call(dp, DP_MSG_DHCP_DEL, del.port, &del, sizeof(del), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		ag_log(AG_INFO, "port %s: no DHCP any more", del.port);
		st->removed++;
	}
	for (size_t i = 0; i < d->n_ports; i++) {
		const struct ag_port *p = &d->ports[i];
		const struct dp_dhcp_info *h = listed(have, n, p->dp_name);
		struct dp_dhcp_set_req req = p->dhcp;
		char ip[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];

		if (!p->dhcp_enabled || !port_ok[i] || (h != NULL && same(&h->conf, &req)))
			continue;
		req.exist_ok = 1;
		if (ag_dp_call(dp, DP_MSG_DHCP_SET, p->dp_name, &req, sizeof(req), NULL, 0) < 0) {
			st->failed++;
			continue;
		}
		inet_ntop(AF_INET, req.ip, ip, sizeof(ip));
		inet_ntop(AF_INET, req.server_ip, srv, sizeof(srv));
		ag_log(AG_INFO, "port %s: DHCP answers %s/%u from %s", p->dp_name, ip,
		                req.prefix_len, srv);
		if (h == NULL)
			st->added++;
		else
			st->updated++;
	}
	free(have);
}
