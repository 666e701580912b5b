/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Neutron routers as this node instantiates them: their interfaces,
 * routes and neighbours (routers.c), their external gateway on the node
 * that hosts it (gateway.c) and the floating IPs behind it (fips.c).
 * The *_build and *_rif functions fill the desired state; the others
 * program the dataplane. Control thread only.
 */
#ifndef AG_NETWORK_ROUTERS_H
#define AG_NETWORK_ROUTERS_H

#include <stdbool.h>

#include <jansson.h>

#include "common/feed.h"
#include "network/desired.h"
#include "network/dp.h"

/* ---- interfaces, routes and neighbours (network/routers.c) ---- */
/*
 * Removes the permanent neighbours and router interfaces the agent made
 * that d no longer has, then its routers that d no longer has: before their
 * networks go (the dataplane refuses to delete a network with a router
 * interface on it, and a neighbour would outlive it).
 */
void ag_routers_prune(struct ag_dp *dp, const struct ag_desired *d, struct ag_reconcile_stats *st);
/*
 * Adds d's routers, their interfaces on the networks that are ready
 * (net_ok[i] for d->nets[i]), their extra routes, and on those networks
 * d's permanent neighbours; replaces an
 * interface whose address or MAC changed, and removes extra routes no
 * longer wanted.
 */
void ag_routers_ensure(struct ag_dp *dp, const struct ag_desired *d, const bool *net_ok,
                struct ag_reconcile_stats *st);

/* ---- permanent neighbours (network/neighbours.c) ---- */
/* d's neighbours, after its routers: the fixed IPv4 addresses of its ports
 * and of the remote ports of f's l2pop entries, on each network a router
 * of d has an interface on. 0 or -ENOMEM. */
int ag_neighs_build(const struct ag_feed *f, struct ag_desired *d);
/* Whether router r (NULL: none) has an interface on network; whether a
 * router of d has. */
bool ag_router_has_rif(const struct ag_router *r, const char *network);
bool ag_router_on_network(const struct ag_desired *d, const char *network);

/* ---- external gateways (network/gateway.c) ---- */
/*
 * On the node that hosts the router's gateway (the feed's router "gateway"
 * with host = this node): its external network becomes one of d's networks
 * and the gateway port one of out's interfaces. Returns whether it did.
 */
bool ag_gateway_rif(const struct ag_feed *f, const json_t *r, struct ag_desired *d,
                struct ag_router *out);
/* The default route via the external subnet's gateway_ip, after
 * ag_gateway_rif added the interface (out->routes has room for one more). */
void ag_gateway_route(const json_t *r, struct ag_router *out);

/* GW_SET for r's gateway (ready: its network is in the dataplane), again
 * only when snat changed; GW_CLEAR when r lost it. A dataplane without
 * gateways (-EOPNOTSUPP) is said once; the interface and route still work. */
void ag_gateway_ensure(struct ag_dp *dp, const struct ag_router *r, bool ready,
                struct ag_reconcile_stats *st);
/* r was just added to the dataplane: what was set on its predecessor is gone. */
void ag_gateway_forget(struct ag_dp *dp, const char *router);
/* Whether GW_SET for router went through to this dataplane boot. */
bool ag_gateway_is_set(const struct ag_dp *dp, const char *router);

/* ---- centralized SNAT ports (network/csnat.c) ---- */
/*
 * After r's interfaces and routes are in out (out->routes with room for one
 * more): where this node hosts r's gateway (gateway_here), each csnat port
 * becomes the second MAC of out's interface on its network; on a node that
 * does not host it, out gets a default route via the csnat address of one
 * of its networks.
 */
void ag_csnat_build(
                const struct ag_feed *f, const json_t *r, bool gateway_here, struct ag_router *out);
/* ROUTER_IF_MAC_SET for rif's second MAC unless it went through since the
 * agent started or the interface was added: 1 when it changed since, 0
 * when kept (or re-sent after a start), or -errno. */
int ag_csnat_ensure(struct ag_dp *dp, const char *router, const struct ag_rif *rif);
/* The interface of router on network went, and its second MAC with it. */
void ag_csnat_forget(struct ag_dp *dp, const char *router, const char *network);

/* ---- floating IPs (network/fips.c) ---- */
/*
 * The feed's associated floating IPs of routers whose gateway this node
 * hosts, after d's routers are built: wanted when d routes for the router
 * through its gateway here. Returns 0 or -ENOMEM.
 */
int ag_fips_build(const struct ag_feed *f, struct ag_desired *d);
/*
 * After the routers: FIP_DEL for what the engine has on the agent's
 * routers and d does not want, FIP_ADD for what it wants and the engine
 * lacks or has with another fixed address, and each floating IP's status
 * reported through f (ACTIVE when the engine has it, else DOWN).
 */
void ag_fips_reconcile(struct ag_dp *dp, struct ag_feed *f, const struct ag_desired *d,
                struct ag_reconcile_stats *st);

#endif /* AG_NETWORK_ROUTERS_H */
