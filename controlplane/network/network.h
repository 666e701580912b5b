/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Networking (Neutron v2.0) service: networks, subnets (with IPAM), ports,
 * routers, floating IPs, security groups and rules, as generic resource
 * kinds with hooks, plus the router and floating IP actions that are not
 * plain CRUD. Control threads only.
 */
#ifndef CP_NETWORK_H
#define CP_NETWORK_H

#include "../core/resource.h"
#include "quota.h"

extern const struct cp_kind cp_kind_network, cp_kind_subnet, cp_kind_port, cp_kind_router,
	cp_kind_floatingip, cp_kind_secgroup, cp_kind_secgroup_rule, cp_kind_agent,
	cp_kind_subnetpool;

/* agent.c: node's virga-agent registers or keeps alive its agent from a
 * report {"agent_type", "binary", "configurations", "topic"?, "start_flag"?}
 * (Neutron's report_state). Service token or admin. Returns 1 when the
 * agent was created, 0 when it existed, or a negative errno; *out is the
 * agent as shown. Its own transaction. */
int cp_agent_report(struct cp_ctx *ctx, const char *node, const json_t *report, json_t **out);
/* An agent whose last heartbeat is older than this is shown dead
 * (Neutron's agent_down_time); <= 0 restores the default, 30 s. */
void cp_agent_set_down_time(int seconds);
/* Declares dead every agent whose last heartbeat is older than the down
 * time at now (Unix seconds), once: stored on the agent, a revision, and
 * every port bound to its host set DOWN. A report from the node undoes
 * it. Returns how many were declared dead, or a negative errno. Its own
 * transaction (none when nobody died). */
int cp_agent_sweep(struct cp_ctx *ctx, int64_t now);
/* Whether agent is alive at now (Unix seconds) for a down time of down
 * seconds: its last heartbeat within it, and not declared dead; and the
 * down time in force. For the scheduler. */
bool cp_agent_alive_at(const json_t *agent, int64_t now, int down);
int cp_agent_down_time(void);
/* The tunnel address an agent reported (configurations.tunneling_ip),
 * unless it has none or is declared dead: NULL then. */
const char *cp_agent_tunnel_ip(const json_t *agent);

/* PUT /routers/{id}/add_router_interface and remove_router_interface:
 * body {"subnet_id"} or {"port_id"}; *out is Neutron's interface info. */
int cp_router_interface(struct cp_ctx *ctx, const char *router_id, const json_t *body, bool add,
	json_t **out);

/* Ensures the caller's project has its "default" security group (Neutron
 * creates it on first use). Inside a write transaction. */
int cp_secgroup_ensure_default(struct cp_ctx *ctx, const char *project_id);
/* Same, in its own transaction; for list/show entry points. */
int cp_secgroup_ensure_default_tx(struct cp_ctx *ctx);

/* The agent of node reports what its dataplane does with a port bound
 * there: status "ACTIVE" once it forwards for it, "DOWN" or "ERROR"
 * otherwise. applied_rev is the feed revision the agent programmed; a
 * report older than the port's last change is refused (-EBUSY), as is one
 * for a port bound to another node. Service token or admin. Its own
 * transaction. */
int cp_port_report_status(struct cp_ctx *ctx, const char *node, const char *port_id,
	const char *status, int64_t applied_rev);
/* The same for a floating IP, from the node that hosts its router's gateway
 * (status.c): ACTIVE once the dataplane translates for it. */
int cp_fip_report_status(struct cp_ctx *ctx, const char *node, const char *fip_id,
	const char *status, int64_t applied_rev);
/* subnetpool.c, inside subnet create's transaction: the CIDR of a subnet
 * that names a pool, checked to lie in the pool's prefixes or (none
 * given) the pool's lowest free block of its prefixlen (else the pool's
 * default), overlapping no other subnet of the pool. */
int cp_subnetpool_allocate(struct cp_ctx *ctx, json_t *subnet);
/* Whether node hosts port (it is bound there), or fip (the gateway of its
 * router is bound there). */
bool cp_port_hosted_on(struct cp_ctx *ctx, const json_t *port, const char *node);
bool cp_fip_hosted_on(struct cp_ctx *ctx, const json_t *fip, const char *node);
/* Many reports of one kind at once, {id: status}, in one transaction: those
 * refused alone (unknown, stale, elsewhere, a bad status) come back in
 * *refused as {id: message}, the rest are taken. 0, or an error with none
 * taken (*refused NULL). */
int cp_port_report_statuses(struct cp_ctx *ctx, const char *node, const json_t *statuses,
	int64_t applied_rev, json_t **refused);
int cp_fip_report_statuses(struct cp_ctx *ctx, const char *node, const json_t *statuses,
	int64_t applied_rev, json_t **refused);

/* Internal helpers shared by the network files (inside a transaction). */
/* port_policy.c: 0, or -EPERM/-EEXIST with ctx->err, for a port about to be
 * created (old NULL) or updated on network net. */
int cp_port_check_rights(struct cp_ctx *ctx, const json_t *port, const json_t *old,
	const json_t *net);
/* Whether port was made by the router or floating-IP API (interface,
 * gateway, floating IP), or is a network's DHCP port (dhcp_port.c): it
 * changes and goes only through that API. */
bool cp_port_managed(const json_t *port);
/* Allocates the fixed IPs a port asks for (or one per subnet of its
 * network when none), writing ip_allocations rows; rewrites *fixed_ips. */
int cp_port_allocate_ips(struct cp_ctx *ctx, const char *network_id, const char *port_id,
	json_t *fixed_ips, bool default_v4_only);
int cp_port_release_ips(struct cp_ctx *ctx, const char *port_id);
/* Creates a service port (router interface/gateway, floating IP) owned by
 * project_id, bypassing the caller's policy. */
int cp_port_create_internal(struct cp_ctx *ctx, const char *network_id, const char *project_id,
	const char *device_id, const char *device_owner, json_t *fixed_ips, const char *host,
	json_t **out);
/* The node that hosts every router's gateway port (its binding:host_id), as
 * Neutron DVR's snat node; "" leaves gateways unbound (hosted nowhere). */
void cp_router_set_gateway_node(const char *node);
/* Deletes a service port (its addresses go back to IPAM), bypassing the
 * refusal of direct deletes. */
int cp_port_delete_internal(struct cp_ctx *ctx, const json_t *port);
/* A router's centralized SNAT port (Neutron DVR's csnat): one per subnet of
 * its VXLAN interfaces while it has a gateway, bound to the gateway's node,
 * where the router's instances on other nodes send their external traffic. */
#define CP_OWNER_ROUTER_SNAT "network:router_centralized_snat"
/* Inside the caller's write transaction: creates the csnat ports router
 * should have and deletes the others (router_csnat.c). */
int cp_router_sync_csnat(struct cp_ctx *ctx, const json_t *router);
/* Deletes every port with this device_id and device_owner (NULL: any). */
int cp_port_delete_by_device(struct cp_ctx *ctx, const char *device_id, const char *device_owner);
json_t *cp_ports_of(struct cp_ctx *ctx, const char *device_id, const char *device_owner);
/* The object regardless of owner (service code only). */
json_t *cp_net_get(struct cp_ctx *ctx, const char *kind, const char *id);

#endif
