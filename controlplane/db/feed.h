/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The change feed agents follow: what changed for one node since a
 * revision. Control threads only.
 */
#ifndef CP_FEED_H
#define CP_FEED_H

#include "../core/resource.h"

/* {"revision": R, "ports": [...], "networks": [...], "subnets": [...],
 *  "security_groups": [... with rules], "routers": [...], "floatingips": [...],
 *  "unbound": [port ids], "deleted": [{kind, id, revision}]}
 * with the node's bound ports changed after since, and the networks,
 * subnets and security groups they use that changed after since (all of
 * them for a port that itself changed, so a newly bound port arrives with
 * its dependencies). "unbound" names ports changed after since that are
 * not bound to the node (one moved away leaves no tombstone), none for
 * since 0; routers and floating IPs are every one changed after since.
 * since == 0 gives the full state of the node. Each subnet carries
 * "dhcp_server_ip", its DHCP port's address on it or null (feed_dhcp.c).
 *
 * How a poll reads (feed_ports.c): the ports changed after since one by
 * one (for since 0 the node's), by the revision index; what the node's
 * unchanged ports bring (their networks and groups) from an index on
 * their binding, without reading them; and for what is sent, its parts by
 * index (an l2pop entry's ports, a remote group's members, a router's
 * ports, a subnet's DHCP port). Its cost is what changed and what is
 * sent, never the number of ports in the cloud.
 *
 * Each router carries "interfaces": [{port_id, network_id, subnet_id,
 * ip_address, prefixlen, mac_address}], one per fixed IP of its
 * "network:router_interface" ports (prefixlen from the subnet's CIDR), and
 * is sent again when one of those ports or their subnets changed after
 * since, as a router's own revision does not move then. Its "gateway"
 * ({port_id, network_id, ip_address, prefixlen, mac_address, gateway_ip,
 * host, enable_snat}, or null) says which node hosts it. Its "host" names
 * the node that routes for all of it (its gateway's host; without a
 * gateway, the router node of cp_feed_set_router_node; "": none): that
 * node also gets every interface's network and subnets, VM port there or
 * not, as Neutron's network node. So does every node with a port on one
 * of its networks, with the l2pop entries of the others (distributed, as
 * Neutron's DVR: feed_dvr.c), but its gateway stays on the gateway node.
 *
 * Each floating IP is sent whole (floating_ip_address, router_id, port_id,
 * fixed_ip_address, status): the agent of the node hosting router_id's
 * gateway translates it and reports its status.
 *
 * "security_groups" holds the groups of the node's bound ports and the
 * groups their rules name as remote_group_id; each of the latter carries
 * "members": [{port_id, ip_address, ethertype}], an entry per fixed IP and
 * allowed address pair (ip_address may be a CIDR) of every port in it, on
 * any node. A group is sent again when it or its rules changed (a rule
 * deleted included), a bound port using it changed, or, for a remote
 * group, its membership changed or a group naming it is sent.
 *
 * "l2pop" ({network_id: {network_id, vni, remote: [{node, tunnel_ip,
 * ports: [{port_id, mac_address, ip_addresses}]}]}}) is Neutron's
 * l2population for the node's VXLAN networks: the other live nodes with
 * ports on each, where its agent tunnels to, and their ports. An entry is
 * sent whole when any of its parts changed after since (feed_l2pop.c). */
int cp_feed_changes(struct cp_ctx *ctx, const char *node, int64_t since, json_t **out);
/* The same document as compact JSON text (malloc'ed), as the HTTP answer
 * sends it: written once (feed_text.c), the ports as stored. */
int cp_feed_changes_text(struct cp_ctx *ctx, const char *node, int64_t since, char **out);

/* Set once at start (before any request): the node that hosts, whole, the
 * routers without an external gateway (--router-node), as Neutron's L3
 * scheduler places every router on a network node; "" (the default)
 * leaves them to the nodes of their ports only (distributed, DVR). */
void cp_feed_set_router_node(const char *node);

/*
 * Records, in the current write transaction, that the membership of the
 * security groups port (NULL: deleted) and old (NULL: created) differ in
 * changed: the groups joined or left, or every group of the port when its
 * fixed IPs or address pairs changed. Returns 0 or -EIO.
 */
int cp_feed_note_members(struct cp_db *db, const json_t *port, const json_t *old);

/* Forgets, in the current write transaction, the membership record of a
 * group being deleted: no port is in it any more (a group in use cannot be
 * deleted), and agents learn of the deletion itself from the feed. 0 or -EIO. */
int cp_feed_forget_group(struct cp_db *db, const char *group_id);

#endif
