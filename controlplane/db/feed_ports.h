/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the change feed reads of ports (feed_ports.c), for feed*.c only:
 * each read goes by an index of migration 11 and none reads every port of
 * the cloud, so a poll costs what changed and what the node has, not the
 * size of the database. Inside the feed's read transaction; control
 * threads only.
 */
#ifndef CP_FEED_PORTS_H
#define CP_FEED_PORTS_H

#include "db.h"

/* The ports a poll looks at one by one, in rowid order: since > 0, every
 * port changed after since (the node's or not: one bound away must be
 * named in "unbound"); since 0, the node's bound ports (an agent with
 * nothing has nothing to unbind). Each as the part of it the feed's rules
 * read ("id", "network_id", "revision_number", "binding:host_id",
 * "device_owner", "device_id", "security_groups", and "fixed_ips" for a
 * router interface), and in *texts, at the same index, its stored
 * document as a string: what "ports" sends. New references. */
json_t *cp_feed_ports_read(struct cp_db *db, const char *node, int64_t since, json_t **texts);

/* The node's share of the ports, from the binding index alone (no port is
 * parsed): what its unchanged ports bring into a poll. Sets (id -> true). */
struct cp_feed_bindings {
	json_t *networks;	  /* of its ports that are not a router's gateway or csnat port */
	json_t *gateway_networks; /* of its router gateway ports */
	json_t *csnat_networks;	  /* of its routers' csnat ports (l2pop only) */
	json_t *groups;		  /* security groups of the ports of networks */
};
void cp_feed_bindings_read(struct cp_db *db, const char *node, struct cp_feed_bindings *out);
void cp_feed_bindings_free(struct cp_feed_bindings *b);

/* The ports on network nid bound to a node other than node (not to none),
 * in rowid order: what l2pop lists. A new reference. */
json_t *cp_feed_ports_elsewhere(struct cp_db *db, const char *nid, const char *node);

/* The ports in security group gid that are not router gateways, on any
 * node, in rowid order, each as {"id", "fixed_ips", "allowed_address_pairs"}
 * only (what a remote group's members are made of). memo: an empty object
 * the caller keeps for the poll (the distinct group lists of all ports,
 * read once). A new reference. */
json_t *cp_feed_group_ports(struct cp_db *db, const char *gid, json_t *memo);

#endif
