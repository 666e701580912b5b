/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the node's dataplane should have, computed from the feed's cache
 * each pass: networks, ports (with their filters and DHCP answers),
 * routers and floating IPs. Pure: nothing here talks to the dataplane.
 * Control thread only.
 */
#ifndef AG_NETWORK_DESIRED_H
#define AG_NETWORK_DESIRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <virga/dp_api.h>

#include "common/feed.h"

#define AG_ID_LEN 64
#define AG_IFNAME_LEN 16 /* IFNAMSIZ */

struct ag_net {
	char id[AG_ID_LEN]; /* the Neutron network UUID: also its dataplane name */
	char physnet[DP_PHYSNET_LEN];
	uint32_t seg_id;
	uint16_t mtu;
	uint8_t type; /* enum dp_net_type */
};

struct ag_port {
	char id[AG_ID_LEN];
	char dp_name[DP_PORT_NAME_LEN]; /* "tap" + 11: the dataplane port, as Neutron names taps */
	char dp_if[AG_IFNAME_LEN];      /* "vg" + 11: the veth end the dataplane opens */
	char vm_if[AG_IFNAME_LEN];      /* "tap" + 11: the veth end a VM (or namespace) gets */
	char devargs[DP_DEVARGS_LEN]; /* af_packet on dp_if, or a VM's vhost-user socket */
	uint8_t kind;                 /* enum dp_port_kind: vhost-user for a VM's port */
	char network[AG_ID_LEN];
	uint16_t mtu;
	bool admin_up;
	bool active; /* the controller shows it ACTIVE */
	struct dp_port_security_req security;
	/* Its security groups' rules, flattened (secgroups.c); malloc'ed. */
	bool sg_enabled; /* port security on and at least one group */
	bool sg_stateful;
	struct dp_sg_rule_spec *sg_rules;
	size_t n_sg_rules;
	/* Its DHCP answer (dhcp.c), when it has an IPv4 fixed IP on a
	 * subnet with DHCP on and a DHCP port address. */
	bool dhcp_enabled;
	struct dp_dhcp_set_req dhcp;
};

/* The dataplane's limit on one router's interfaces (DP_MAX_RIFS). */
#define AG_MAX_RIFS 16

/* A router interface: the Neutron interface port's address, subnet and MAC. */
struct ag_rif {
	char network[AG_ID_LEN];
	uint8_t ip[4]; /* network order, as dp_api.h */
	uint8_t prefixlen;
	uint8_t mac[6];
	/* A second MAC it takes frames for (its router's csnat port here, csnat.c); zeros: none. */
	uint8_t mac2[6];
};

/* An extra route of a Neutron router ("routes": destination, nexthop). */
struct ag_route {
	uint8_t prefix[4];
	uint8_t prefixlen;
	uint8_t nexthop[4];
};

/*
 * A Neutron router as this node instantiates it (distributed, like Neutron's
 * DVR: each node routes for its own ports): the dataplane router is named
 * by the Neutron UUID and has interfaces on the networks of the node's
 * ports and on the router's other VXLAN networks (desired.c says why).
 */
struct ag_router {
	char id[AG_ID_LEN];
	struct ag_rif rifs[AG_MAX_RIFS];
	size_t n_rifs;
	struct ag_route *routes; /* only those through one of rifs */
	size_t n_routes;
	/* Its external gateway when this node hosts it (gateway.c): one of
	 * rifs; "" when it has none here. */
	char gw_network[AG_ID_LEN];
	bool gw_snat;
};

/* A floating IP of a router whose gateway this node hosts (fips.c). */
struct ag_fip {
	char id[AG_ID_LEN];
	char router[AG_ID_LEN];
	uint8_t fip[4]; /* network order, as dp_api.h */
	uint8_t fixed_ip[4];
	bool wanted; /* the router is one of d's, with its gateway: the engine should have it */
	bool active; /* the controller shows it ACTIVE */
};

/* A permanent neighbour of the node's routers (neighbours.c): a port's
 * fixed IPv4 address and MAC, the port here or on another node. */
struct ag_neigh {
	char network[AG_ID_LEN];
	uint8_t ip[4]; /* network order, as dp_api.h */
	uint8_t mac[6];
};

struct ag_desired {
	struct ag_net *nets;
	size_t n_nets;
	struct ag_port *ports;
	size_t n_ports;
	struct ag_router *routers;
	size_t n_routers;
	struct ag_fip *fips; /* every associated one this node hosts, wanted or not */
	size_t n_fips;
	struct ag_neigh *neighs; /* on the networks of routers' interfaces */
	size_t n_neighs;
};

/*
 * What the node's dataplane should have: every port of the cache (they are
 * all bound here) on a network the dataplane supports, and those networks;
 * every router that is up and has an interface on one of those networks,
 * with those interfaces and those on its other VXLAN networks (which become
 * d's too), the extra routes through them and the permanent neighbours on
 * them, and the floating IPs of the routers whose gateway the node hosts. What it cannot
 * program is left out with a log line (once per object and revision).
 * Returns 0 or -ENOMEM.
 */
int ag_desired_build(const struct ag_feed *f, struct ag_desired *d);
void ag_desired_free(struct ag_desired *d);
/* Pieces of desired.c that gateway.c shares. */
int ag_desired_build_net(const json_t *n, struct ag_net *out);
struct ag_net *ag_desired_find_net(struct ag_desired *d, const char *id);
void ag_desired_build_rif(
                const json_t *r, const json_t *in, struct ag_desired *d, struct ag_router *out);
/* Whether ip/prefixlen (network order) lies within the subnet of rif. */
bool ag_on_subnet(const struct ag_rif *rif, const uint8_t ip[4], uint8_t prefixlen);

#endif /* AG_NETWORK_DESIRED_H */
