/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From the feed's cache to what the node's dataplane should have: one
 * access port per Neutron port bound here (with Neutron's port security:
 * its MAC, fixed IPs and allowed address pairs), the networks those ports
 * are on, typed from their provider attributes, and the routers with an
 * interface on one of those networks.
 *
 * Routers are distributed, as Neutron's DVR: every node routes for its own
 * ports, so a router is instantiated on each node where it has an interface
 * on a network the node has ports on, with its interfaces on every VXLAN
 * network besides (router_nets: the gateway address and MAC of the Neutron
 * interface port, the same on every node) and the extra routes whose next
 * hop is on one of them.
 *
 * Each port's security groups become its filter (secgroups.c), its
 * subnets its DHCP answer (dhcp.c).
 *
 * A router's external gateway is an interface and a default route on the
 * gateway node only (gateway.c), and so are its floating IPs (fips.c).
 *
 * What the dataplane cannot do is named, once per object, rather than
 * silently dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "network/desired.h"
#include "network/dhcp.h"
#include "network/routers.h"
#include "network/secgroups.h"

/* Whether "what" about an object at this revision is news; records it. */
static bool first_time(const char *what, const json_t *obj)
{
	char key[192];

	snprintf(key, sizeof(key), "%s/%s", what, json_string_value(json_object_get(obj, "id")));
	return ag_once(key, json_integer_value(json_object_get(obj, "revision_number")));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static bool boolean(const json_t *o, const char *key, bool dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* The dataplane's network for a Neutron network; -EOPNOTSUPP for types it has not. */
int ag_desired_build_net(const json_t *n, struct ag_net *out)
{
	const char *type = str(n, "provider:network_type");
	json_int_t mtu = json_integer_value(json_object_get(n, "mtu"));

	memset(out, 0, sizeof(*out));
	if (strlen(str(n, "id")) >= sizeof(out->id) ||
	                strlen(str(n, "provider:physical_network")) >= sizeof(out->physnet))
		return -ENAMETOOLONG;
	snprintf(out->id, sizeof(out->id), "%s", str(n, "id"));
	out->seg_id = (uint32_t)json_integer_value(json_object_get(n, "provider:segmentation_id"));
	out->mtu = mtu >= 68 && mtu <= 9000 ? (uint16_t)mtu : 0;
	if (strcmp(type, "flat") == 0) {
		out->type = DP_NET_FLAT;
		out->seg_id = 0;
	} else if (strcmp(type, "vlan") == 0) {
		out->type = DP_NET_VLAN;
	} else if (strcmp(type, "vxlan") == 0) {
		out->type = DP_NET_VXLAN;
		return 0; /* no physnet: the overlay rides the VTEP */
	} else {
		return -EOPNOTSUPP;
	}
	snprintf(out->physnet, sizeof(out->physnet), "%s", str(n, "provider:physical_network"));
	return 0;
}

/* Neutron's port security as the dataplane's request; -E2BIG past its limits. */
static int build_security(const json_t *p, struct dp_port_security_req *sec)
{
	const json_t *v;
	size_t i;

	sec->enabled = boolean(p, "port_security_enabled", true);
	if (ag_parse_mac(str(p, "mac_address"), sec->mac) < 0)
		return -EINVAL;
	json_array_foreach(json_object_get(p, "fixed_ips"), i, v)
	{
		if (sec->n_addrs == DP_MAX_ADDRS)
			return -E2BIG;
		if (ag_parse_prefix(str(v, "ip_address"), &sec->addrs[sec->n_addrs]) < 0)
			return -EINVAL;
		sec->n_addrs++;
	}
	json_array_foreach(json_object_get(p, "allowed_address_pairs"), i, v)
	{
		struct dp_addr_pair *pair = &sec->pairs[sec->n_pairs];

		if (sec->n_pairs == DP_MAX_PAIRS)
			return -E2BIG;
		/* The API fills a pair's MAC with the port's when none is given. */
		if (ag_parse_mac(json_object_get(v, "mac_address") ? str(v, "mac_address")
		                                                : str(p, "mac_address"),
		                    pair->mac) < 0 ||
		                ag_parse_prefix(str(v, "ip_address"), &pair->ip) < 0)
			return -EINVAL;
		sec->n_pairs++;
	}
	return 0;
}

static int build_port(const json_t *p, const struct ag_net *net, struct ag_port *out)
{
	const char *id = str(p, "id");

	memset(out, 0, sizeof(*out));
	if (strlen(id) < AG_PORT_ID_CHARS || strlen(id) >= sizeof(out->id))
		return -EINVAL;
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->dp_name, sizeof(out->dp_name), "tap%.*s", AG_PORT_ID_CHARS, id);
	snprintf(out->vm_if, sizeof(out->vm_if), "tap%.*s", AG_PORT_ID_CHARS, id);
	snprintf(out->dp_if, sizeof(out->dp_if), "vg%.*s", AG_PORT_ID_CHARS, id);
	if (ag_port_is_vm(p)) {
		/* A VM's: a vhost-user socket its QEMU listens on (common/state_dir.h). */
		out->kind = DP_PORT_KIND_VHOST_USER;
		if (ag_vhost_socket(out->dp_name, out->devargs, sizeof(out->devargs)) < 0)
			return -ENAMETOOLONG;
	} else {
		/* The device name only has to be unique and start with the driver's
		 * name: the port id makes it both, and stable across agent restarts. */
		snprintf(out->devargs, sizeof(out->devargs), "net_af_packet_%.*s,iface=%s",
		                AG_PORT_ID_CHARS, id, out->dp_if);
	}
	snprintf(out->network, sizeof(out->network), "%s", net->id);
	out->mtu = net->mtu;
	out->admin_up = boolean(p, "admin_state_up", true);
	out->active = strcmp(str(p, "status"), "ACTIVE") == 0;
	snprintf(out->security.port, sizeof(out->security.port), "%s", out->dp_name);
	return build_security(p, &out->security);
}

struct ag_net *ag_desired_find_net(struct ag_desired *d, const char *id)
{
	for (size_t i = 0; i < d->n_nets; i++)
		if (strcmp(d->nets[i].id, id) == 0)
			return &d->nets[i];
	return NULL;
}

static uint32_t mask4(uint8_t prefixlen)
{
	return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0;
}

/* Whether ip/prefixlen (network order) lies within the subnet of rif. */
bool ag_on_subnet(const struct ag_rif *rif, const uint8_t ip[4], uint8_t prefixlen)
{
	uint32_t a, b;

	memcpy(&a, rif->ip, 4);
	memcpy(&b, ip, 4);
	return prefixlen >= rif->prefixlen && ((a ^ b) & mask4(rif->prefixlen)) == 0;
}

/* One of the feed's router "interfaces" into out, if it is on a network of this node. */
void ag_desired_build_rif(
                const json_t *r, const json_t *in, struct ag_desired *d, struct ag_router *out)
{
	const char *net = str(in, "network_id"), *why = NULL;
	json_int_t len = json_integer_value(json_object_get(in, "prefixlen"));
	struct ag_rif *rif = &out->rifs[out->n_rifs];
	struct dp_ip_prefix ip;
	char what[256];

	if (ag_desired_find_net(d, net) == NULL)
		return; /* no port of this node on it: the nodes that have one route for it */
	if (out->n_rifs == AG_MAX_RIFS)
		why = "the dataplane's limit of interfaces per router is reached";
	else if (ag_parse_prefix(str(in, "ip_address"), &ip) < 0 || ip.family != AF_INET)
		why = "this dataplane routes IPv4 only";
	else if (len < 1 || len > 30 || ag_parse_mac(str(in, "mac_address"), rif->mac) < 0)
		why = "malformed address, prefix length or MAC";
	for (size_t i = 0; why == NULL && i < out->n_rifs; i++)
		if (strcmp(out->rifs[i].network, net) == 0)
			why = "the dataplane has one interface per router and network";
	if (why != NULL) {
		/* Said once, not again at each revision of the router. */
		snprintf(what, sizeof(what), "rif/%s/%s/%s", str(r, "id"), str(in, "port_id"),
		                str(in, "ip_address"));
		if (ag_once(what, 0))
			ag_log(AG_WARN, "router %s: interface %s on network %s not routed (%s)",
			                str(r, "id"), str(in, "ip_address"), net, why);
		return;
	}
	snprintf(rif->network, sizeof(rif->network), "%s", net);
	memcpy(rif->ip, ip.addr, 4);
	rif->prefixlen = (uint8_t)len;
	out->n_rifs++;
}

/* The router's extra routes whose next hop is on one of out's interfaces. */
static int build_routes(const json_t *r, struct ag_router *out)
{
	const json_t *routes = json_object_get(r, "routes"), *rt;
	size_t i;

	out->routes = calloc(json_array_size(routes) + 1, sizeof(*out->routes));
	if (out->routes == NULL)
		return -ENOMEM;
	json_array_foreach(routes, i, rt)
	{
		struct ag_route *e = &out->routes[out->n_routes];
		struct dp_ip_prefix dst, hop;
		const char *why = NULL;
		bool via = false;
		char what[256];
		uint32_t a;

		if (ag_parse_prefix(str(rt, "destination"), &dst) < 0 ||
		                ag_parse_prefix(str(rt, "nexthop"), &hop) < 0 ||
		                dst.family != AF_INET || hop.family != AF_INET)
			why = "this dataplane routes IPv4 only";
		for (size_t j = 0; why == NULL && j < out->n_rifs; j++) {
			via = via || ag_on_subnet(&out->rifs[j], hop.addr, 32);
			if (dst.prefixlen == out->rifs[j].prefixlen &&
			                ag_on_subnet(&out->rifs[j], dst.addr, dst.prefixlen))
				why = "it is the subnet of an interface";
		}
		if (why == NULL && !via)
			continue; /* its next hop is on no network of this node */
		if (why != NULL) {
			snprintf(what, sizeof(what), "route/%s/%s/%s", str(r, "id"),
			                str(rt, "destination"), str(rt, "nexthop"));
			if (ag_once(what, 0))
				ag_log(AG_WARN, "router %s: route %s via %s not programmed (%s)",
				                str(r, "id"), str(rt, "destination"),
				                str(rt, "nexthop"), why);
			continue;
		}
		/* Neutron keeps a destination as given: the dataplane wants host bits clear. */
		memcpy(&a, dst.addr, 4);
		a &= mask4(dst.prefixlen);
		memcpy(e->prefix, &a, 4);
		e->prefixlen = dst.prefixlen;
		memcpy(e->nexthop, hop.addr, 4);
		out->n_routes++;
	}
	return 0;
}

static bool has_interface_on(const json_t *r, const struct ag_desired *d, size_t n_port_nets)
{
	const json_t *in;
	size_t i;

	json_array_foreach(json_object_get(r, "interfaces"), i, in)
	{
		for (size_t j = 0; j < n_port_nets; j++)
			if (strcmp(d->nets[j].id, str(in, "network_id")) == 0)
				return true;
	}
	return false;
}

/*
 * The networks of router r the node adds for it, VM port there or not
 * (d->nets[0..n_port_nets) are those of the node's ports):
 *  - all of them on the node that hosts it whole (the feed's router "host":
 *    its gateway's node, or the controller's router node), as Neutron's
 *    network node;
 *  - the VXLAN ones on a node with a port on one of them: the router is
 *    distributed, as Neutron's DVR, so the node routes its own ports'
 *    traffic to each of the router's networks and sends it straight to
 *    the destination's node (their l2pop entries say where, and give the
 *    router a permanent neighbour for each remote port). A VLAN or flat
 *    network has no l2pop: the router would have to ARP for a remote
 *    port, and the reply, addressed to the interface MAC every node's
 *    router shares, would be taken by the router of that port's node. So
 *    those are routed only by the nodes with ports on them, as before.
 * The feed sends these networks (controlplane/db/feed_dvr.c). A network of
 * a type the dataplane lacks is left out, as for a port.
 */
static void router_nets(const struct ag_feed *f, const json_t *r, struct ag_desired *d,
                size_t n_port_nets)
{
	bool whole = strcmp(str(r, "host"), f->node) == 0;
	const json_t *in, *n;
	struct ag_net net;
	size_t i;

	if (!whole && !has_interface_on(r, d, n_port_nets))
		return;
	json_array_foreach(json_object_get(r, "interfaces"), i, in)
	{
		n = json_object_get(f->networks, str(in, "network_id"));
		if (n != NULL && ag_desired_find_net(d, str(n, "id")) == NULL &&
		                ag_desired_build_net(n, &net) == 0 &&
		                (whole || net.type == DP_NET_VXLAN))
			d->nets[d->n_nets++] = net; /* ag_desired_build left room for it */
	}
}

/*
 * A Neutron router as this node instantiates it. Returns 0 when the node
 * routes for it, 1 when it has no part in it, or -ENOMEM.
 */
static int build_router(const struct ag_feed *f, const json_t *r, struct ag_desired *d,
                size_t n_port_nets, struct ag_router *out)
{
	const json_t *in;
	const char *id = str(r, "id");
	size_t i;
	bool gateway;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!ag_is_uuid(id)) {
		/* The agent removes only what a UUID names: it would never remove this one. */
		if (first_time("router id", r))
			ag_log(AG_ERR, "router %s: its id is not a UUID: not programmed", id);
		return 1;
	}
	if (!boolean(r, "admin_state_up", true))
		return 1; /* Neutron: a router that is down forwards nothing */
	snprintf(out->id, sizeof(out->id), "%s", id);
	router_nets(f, r, d, n_port_nets);
	json_array_foreach(json_object_get(r, "interfaces"), i, in)
	{
		ag_desired_build_rif(r, in, d, out);
	}
	if (out->n_rifs == 0)
		return 1;
	gateway = ag_gateway_rif(f, r, d, out);
	rc = build_routes(r, out);
	if (rc == 0 && gateway)
		ag_gateway_route(r, out);
	if (rc == 0)
		ag_csnat_build(f, r, gateway, out);
	return rc;
}

/* The routers this node routes for, from the networks of its ports (d's so far). */
static int build_routers(const struct ag_feed *f, struct ag_desired *d)
{
	size_t n_port_nets = d->n_nets;
	const char *id;
	json_t *r;
	int rc;

	d->routers = calloc(json_object_size(f->routers) + 1, sizeof(*d->routers));
	if (d->routers == NULL)
		return -ENOMEM;
	json_object_foreach(f->routers, id, r)
	{
		rc = build_router(f, r, d, n_port_nets, &d->routers[d->n_routers]);
		if (rc == 0)
			d->n_routers++;
		else if (rc < 0)
			return rc;
	}
	return 0;
}

int ag_desired_build(const struct ag_feed *f, struct ag_desired *d)
{
	size_t n_ports = json_object_size(f->ports);
	const char *id;
	json_t *p;
	int rc;

	memset(d, 0, sizeof(*d));
	d->ports = calloc(n_ports ? n_ports : 1, sizeof(*d->ports));
	/* Room for each router's external network too (gateway.c), and for
	 * every network of the feed (the routers this node hosts whole). */
	d->nets = calloc(n_ports + json_object_size(f->routers) + json_object_size(f->networks) + 1,
	                sizeof(*d->nets));
	if (d->ports == NULL || d->nets == NULL) {
		ag_desired_free(d);
		return -ENOMEM;
	}
	json_object_foreach(f->ports, id, p)
	{
		const json_t *n = json_object_get(f->networks, str(p, "network_id"));
		struct ag_net net, *have;

		if (n == NULL) {
			/* The feed sends a port's network with it; a gap is a bug upstream. */
			if (first_time("nonet", p))
				ag_log(AG_ERR, "port %s: its network %s is not in the feed", id,
				                str(p, "network_id"));
			continue;
		}
		rc = ag_desired_build_net(n, &net);
		if (rc < 0) {
			if (first_time("nettype", p))
				ag_log(AG_WARN,
				                "port %s: network %s of type '%s' is not supported "
				                "by "
				                "this dataplane (%s): not programmed",
				                id, net.id, str(n, "provider:network_type"),
				                strerror(-rc));
			continue;
		}
		have = ag_desired_find_net(d, net.id);
		if (have == NULL) {
			have = &d->nets[d->n_nets++];
			*have = net;
		}
		rc = build_port(p, have, &d->ports[d->n_ports]);
		if (rc == 0) {
			ag_dhcp_build(f, p, &d->ports[d->n_ports]);
			rc = ag_sg_build(f, p, &d->ports[d->n_ports]);
			if (rc < 0) {
				ag_desired_free(d);
				return rc;
			}
		}
		if (rc < 0) {
			if (first_time("port", p))
				ag_log(AG_WARN,
				                "port %s: cannot be programmed (%s): more than %d "
				                "fixed IPs or address pairs, or a malformed "
				                "address",
				                id, strerror(-rc), DP_MAX_ADDRS);
			continue;
		}
		d->n_ports++;
	}
	rc = build_routers(f, d);
	if (rc == 0)
		rc = ag_neighs_build(f, d);
	if (rc == 0)
		rc = ag_fips_build(f, d);
	if (rc < 0)
		ag_desired_free(d);
	return rc;
}

void ag_desired_free(struct ag_desired *d)
{
	for (size_t i = 0; d->routers != NULL && i < d->n_routers; i++)
		free(d->routers[i].routes);
	free(d->routers);
	for (size_t i = 0; d->ports != NULL && i < d->n_ports; i++)
		free(d->ports[i].sg_rules);
	free(d->ports);
	free(d->nets);
	free(d->fips);
	free(d->neighs);
	memset(d, 0, sizeof(*d));
}
