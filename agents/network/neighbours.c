/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The permanent neighbours of the node's routers, as Neutron's DVR gives
 * its routers: on each network a desired router has an interface on, every
 * port's fixed IPv4 addresses with the port's MAC, the node's own ports'
 * and the remote ones the feed's l2pop entry names (behind other nodes'
 * tunnels). The router then never asks ARP for a port: not for a local one,
 * and not across the tunnel for a remote one, where the answer, addressed
 * to the interface MAC every node's router shares, would be taken by the
 * router of the port's node. Nor does it use a MAC learned for an address
 * Neutron has since given to another port (a freed address goes to the
 * next one). routers.c programs them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/parse.h"
#include "network/routers.h"

bool ag_router_on_network(const struct ag_desired *d, const char *network)
{
	for (size_t i = 0; i < d->n_routers; i++)
		if (ag_router_has_rif(&d->routers[i], network))
			return true;
	return false;
}

/* Adds (network, ip, mac) unless one of the first n_local has ip there: a
 * port of the node's own wins over a remote one the feed has not yet moved
 * away (Neutron's IPAM gives an address to one port of a network). */
static void add(struct ag_desired *d, size_t n_local, const char *network, const uint8_t ip[4],
                const uint8_t mac[6])
{
	struct ag_neigh *n = &d->neighs[d->n_neighs];

	for (size_t i = 0; i < n_local; i++)
		if (memcmp(d->neighs[i].ip, ip, 4) == 0 &&
		                strcmp(d->neighs[i].network, network) == 0)
			return;
	snprintf(n->network, sizeof(n->network), "%s", network);
	memcpy(n->ip, ip, 4);
	memcpy(n->mac, mac, 6);
	d->n_neighs++;
}

/* The remote ports of one l2pop entry on network net. */
static void add_remote(struct ag_desired *d, size_t n_local, const char *net, const json_t *entry)
{
	const json_t *r, *p, *a;
	struct dp_ip_prefix ip;
	uint8_t mac[6];
	size_t i, j, k;

	json_array_foreach(json_object_get(entry, "remote"), i, r)
	{
		json_array_foreach(json_object_get(r, "ports"), j, p)
		{
			if (ag_parse_mac(json_string_value(json_object_get(p, "mac_address")),
			                    mac) < 0)
				continue;
			json_array_foreach(json_object_get(p, "ip_addresses"), k, a)
			{
				if (ag_parse_prefix(json_string_value(a), &ip) == 0 &&
				                ip.family == AF_INET && ip.prefixlen == 32)
					add(d, n_local, net, ip.addr, mac);
			}
		}
	}
}

static size_t remote_addrs(const json_t *entry)
{
	const json_t *r, *p;
	size_t i, j, n = 0;

	json_array_foreach(json_object_get(entry, "remote"), i, r)
	{
		json_array_foreach(json_object_get(r, "ports"), j, p) n +=
		                json_array_size(json_object_get(p, "ip_addresses"));
	}
	return n;
}

int ag_neighs_build(const struct ag_feed *f, struct ag_desired *d)
{
	size_t cap = 1, n_local;

	for (size_t i = 0; i < d->n_ports; i++)
		cap += d->ports[i].security.n_addrs;
	for (size_t i = 0; i < d->n_nets; i++)
		cap += remote_addrs(json_object_get(f->l2pop, d->nets[i].id));
	d->neighs = calloc(cap, sizeof(*d->neighs));
	if (d->neighs == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < d->n_ports; i++) {
		const struct ag_port *p = &d->ports[i];

		if (!ag_router_on_network(d, p->network))
			continue;
		for (uint8_t j = 0; j < p->security.n_addrs; j++) {
			const struct dp_ip_prefix *a = &p->security.addrs[j];

			if (a->family == AF_INET && a->prefixlen == 32)
				add(d, 0, p->network, a->addr, p->security.mac);
		}
	}
	n_local = d->n_neighs;
	for (size_t i = 0; i < d->n_nets; i++) {
		const struct ag_net *n = &d->nets[i];
		const json_t *entry = json_object_get(f->l2pop, n->id);

		if (n->type == DP_NET_VXLAN && entry != NULL && ag_router_on_network(d, n->id))
			add_remote(d, n_local, n->id, entry);
	}
	return 0;
}
