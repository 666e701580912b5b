/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron's l2population: for each VXLAN network with a port bound to the
 * node, the other nodes that have ports on it, their tunnel addresses and
 * their ports' MACs and IPs. The agent makes each such node a VTEP peer of
 * the network (where its broadcasts go) and each such MAC a static entry
 * behind that peer, so no frame floods to find a port and a MAC never has
 * to be learned.
 *
 * A remote node is one whose agent reported a tunnel address and is not
 * declared dead (controlplane/network/agent.c); a remote port is any port
 * bound to such a node (binding:host_id). Ports bound nowhere (a network's
 * DHCP port, router interfaces) have no node to tunnel to.
 *
 * When an entry is sent again. The feed is revision-based, and what an
 * entry is made of leaves a revision behind whenever it changes:
 *  - a port on the network created, updated (its binding, MAC, IPs, or its
 *    status: every status report) or moved: the port's revision;
 *  - a port on it deleted: its tombstone, whose parent is the network;
 *  - the network itself: its revision;
 *  - a node registered, declared dead, back, or reporting another tunnel
 *    address, or its agent deleted: the agent's revision or tombstone.
 * So an entry is sent whole whenever one of those moved past since (agent
 * changes resend every entry: they are rare, and a node's ports may be on
 * any network). The cost is the whole port list of a network resent to
 * each of its nodes on any change of one of its ports; what it buys is
 * that an agent replaces an entry and never merges deltas, so a missed or
 * repeated poll cannot leave it wrong. What a poll reads for it: the ports
 * changed after since (feed.c reads them anyway), the node's networks from
 * the binding index, and for each entry sent the ports of its network
 * bound elsewhere (feed_ports.c), never every port.
 *
 * A network the node no longer has ports on is not sent (the node would
 * have nothing to remove: its agent drops the network, and the peers and
 * MACs go with it).
 *
 * The networks a node routes to without ports there (a distributed
 * router's, feed_dvr.c) have an entry too, under the same rules, and sent
 * whole besides when they became the node's (routed says when): its router
 * sends straight to the remote ports' nodes and knows their addresses. And
 * an entry lists, as peers without ports, the nodes that route into its
 * network so (those with ports on another network of one of its routers):
 * their routed frames come from there. A port that comes to or leaves a
 * router's network, or a router that changes, touches every network of
 * the router (cp_feed_dvr_touch).
 */
#include "feed_l2pop.h"
#include "feed_dvr.h"
#include "feed_ports.h"
#include "../network/network.h"

#include <stdlib.h>
#include <string.h>

static int64_t rev_of(const json_t *o)
{
	return json_integer_value(json_object_get(o, "revision_number"));
}

/* host -> tunnel address of the nodes a tunnel may go to; *changed when
 * any agent was written or deleted after since. A new reference. */
static json_t *tunnels_of(struct cp_ctx *ctx, int64_t since, bool *changed)
{
	json_t *agents = cp_obj_list(ctx->db, "agent", NULL, false, NULL, 0), *a;
	json_t *gone = cp_feed_ids_since(ctx,
		"SELECT id FROM tombstones WHERE kind='agent' AND rev > ?", since);
	json_t *out = json_object();
	size_t i;

	*changed = json_object_size(gone) > 0;
	json_array_foreach(agents, i, a) {
		const char *ip = cp_agent_tunnel_ip(a), *host = cp_json_str(a, "host");

		if (rev_of(a) > since)
			*changed = true;
		if (ip && host && host[0])
			json_object_set_new(out, host, json_string(ip));
	}
	json_decref(agents);
	json_decref(gone);
	return out;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of obj in strcmp order (malloc'ed; NULL for none or no memory),
 * so that an entry built again from the same ports is the same JSON. */
static const char **sorted_keys(const json_t *obj, size_t *n)
{
	const char **keys = malloc((json_object_size(obj) + 1) * sizeof(*keys)), *k;
	json_t *v;

	*n = 0;
	if (!keys)
		return NULL;
	json_object_foreach((json_t *)obj, k, v)
		keys[(*n)++] = k;
	qsort(keys, *n, sizeof(*keys), by_string);
	return keys;
}

static json_t *remote_port(const json_t *p)
{
	json_t *ips = json_array(), *f;
	size_t i;

	json_array_foreach(json_object_get(p, "fixed_ips"), i, f)
		if (cp_json_str(f, "ip_address"))
			json_array_append(ips, json_object_get(f, "ip_address"));
	return json_pack("{s:O, s:O, s:o}", "port_id", json_object_get(p, "id"), "mac_address",
		json_object_get(p, "mac_address"), "ip_addresses", ips);
}

/* host's {port id -> port} in hosts, made if missing; NULL when host is
 * node, or a tunnel does not reach it. */
static json_t *host_ports(json_t *hosts, const json_t *tunnels, const char *node, const char *host)
{
	const char *own_ip = json_string_value(json_object_get(tunnels, node));
	const char *ip = json_string_value(json_object_get(tunnels, host));
	json_t *mine;

	/* Two nodes behind one address would be a loop, not a peer. */
	if (strcmp(host, node) == 0 || !ip || (own_ip && strcmp(ip, own_ip) == 0))
		return NULL;
	if (!(mine = json_object_get(hosts, host))) {
		mine = json_object();
		json_object_set_new(hosts, host, mine);
	}
	return mine;
}

/* The ports of network nid bound to nodes other than node, read once a
 * poll into by_net (network id -> ports). */
static const json_t *ports_on(struct cp_ctx *ctx, json_t *by_net, const char *nid,
	const char *node)
{
	json_t *ports = json_object_get(by_net, nid);

	if (!ports) {
		ports = cp_feed_ports_elsewhere(ctx->db, nid, node);
		json_object_set_new(by_net, nid, ports);
	}
	return ports;
}

/* The entry of network net: its ports on nodes other than node that a
 * tunnel reaches, grouped by node, nodes and ports in name and id order;
 * and, without ports, the nodes with ports on the networks of around
 * (those that share a router with net: they route into it, feed_dvr.c). */
static json_t *entry_of(struct cp_ctx *ctx, const json_t *net, json_t *by_net,
	const json_t *around, const json_t *tunnels, const char *node)
{
	json_t *hosts = json_object(), *remote = json_array(), *p, *v, *mine;
	const char **names;
	const char *nid;
	size_t i, n;

	/* hosts: node -> {port id -> port} */
	json_array_foreach(ports_on(ctx, by_net, cp_json_str(net, "id") ?: "", node), i, p)
		if ((mine = host_ports(hosts, tunnels, node, cp_json_str(p, "binding:host_id"))))
			json_object_set(mine, cp_json_str(p, "id") ?: "", p);
	json_object_foreach((json_t *)around, nid, v)
		json_array_foreach(ports_on(ctx, by_net, nid, node), i, p)
			host_ports(hosts, tunnels, node, cp_json_str(p, "binding:host_id"));
	names = sorted_keys(hosts, &n);
	for (i = 0; names && i < n; i++) {
		const json_t *mine = json_object_get(hosts, names[i]);
		const char **ids;
		json_t *out = json_array();
		size_t j, m;

		ids = sorted_keys(mine, &m);
		for (j = 0; ids && j < m; j++)
			json_array_append_new(out, remote_port(json_object_get(mine, ids[j])));
		free(ids);
		json_array_append_new(remote, json_pack("{s:s, s:O, s:o}", "node", names[i],
			"tunnel_ip", json_object_get(tunnels, names[i]), "ports", out));
	}
	free(names);
	json_decref(hosts);
	return json_pack("{s:O, s:O, s:o}", "network_id", json_object_get(net, "id"), "vni",
		json_object_get(net, "provider:segmentation_id"), "remote", remote);
}

json_t *cp_feed_l2pop(struct cp_ctx *ctx, const json_t *ports,
	const struct cp_feed_bindings *bind, const char *node, int64_t since, const json_t *routed)
{
	json_t *out = json_object(), *by_net = json_object(), *local = json_object(), *p;
	json_t *touched = cp_feed_ids_since(ctx,
		"SELECT parent_id FROM tombstones WHERE kind='port' AND rev > ?", since);
	bool nodes_changed;
	json_t *tunnels = tunnels_of(ctx, since, &nodes_changed), *moved;
	const char *net_id;
	json_t *v;
	size_t i;

	/* Unbound now, a changed port may have been bound somewhere before. */
	json_array_foreach(ports, i, p)
		if (cp_json_str(p, "network_id") && rev_of(p) > since)
			json_object_set_new(touched, cp_json_str(p, "network_id"), json_true());
	/* The node's networks, its gateway and csnat ports' too. */
	json_object_foreach(bind->networks, net_id, v)
		json_object_set_new(local, net_id, json_false());
	json_object_foreach(bind->gateway_networks, net_id, v)
		json_object_set_new(local, net_id, json_false());
	json_object_foreach(bind->csnat_networks, net_id, v)
		json_object_set_new(local, net_id, json_false());
	cp_feed_dvr_touch(ctx, touched, since);
	/* local: network id -> whether its entry must be sent whatever changed. */
	json_object_foreach((json_t *)routed, net_id, v)
		if (!json_object_get(local, net_id))
			json_object_set(local, net_id, v);
	/* Past a first sync or a node change, an entry nothing of which moved
	 * is not sent: the node's other networks are not even read. */
	moved = since && !nodes_changed ? cp_feed_networks_since(ctx, since) : NULL;
	json_object_foreach(local, net_id, v) {
		json_t *net;

		if (moved && !json_is_true(v) && !json_object_get(touched, net_id) &&
			!json_object_get(moved, net_id))
			continue;
		net = cp_obj_get(ctx->db, "network", net_id);

		if (net &&
			strcmp(cp_json_str(net, "provider:network_type") ?: "", "vxlan") == 0 &&
			(since == 0 || nodes_changed || rev_of(net) > since || json_is_true(v) ||
				json_object_get(touched, net_id))) {
			json_t *around = cp_feed_dvr_around(ctx, net_id);

			json_object_set_new(out, net_id,
				entry_of(ctx, net, by_net, around, tunnels, node));
			json_decref(around);
		}
		json_decref(net);
	}
	json_decref(by_net);
	json_decref(local);
	json_decref(moved);
	json_decref(touched);
	json_decref(tunnels);
	return out;
}
