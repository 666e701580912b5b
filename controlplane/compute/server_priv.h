/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the server files share (server.c the records, server_view.c how
 * one is shown, server_ports.c its ports, server_actions.c what is asked
 * of its node and what the node reports, server_volumes.c its volumes).
 * Not for other modules.
 */
#ifndef CP_SERVER_PRIV_H
#define CP_SERVER_PRIV_H

#include "server.h"

/* The console text a node sends: one row per server, its id the server's. */
#define CP_SERVER_CONSOLE_KIND "server_console"

/* Nova's 404 for a server, its 400 (badRequest, msg), and the 500 of a
 * store that fails. */
int cp_server_not_found(struct cp_ctx *ctx, const char *id);
int cp_server_bad(struct cp_ctx *ctx, const char *msg);
int cp_server_db_down(struct cp_ctx *ctx);
/* The server row if the caller may see it (owner, admin or the service),
 * else NULL. Its own read transaction. */
json_t *cp_server_load(struct cp_ctx *ctx, const char *id);
/* cp_server_load inside the caller's transaction. */
json_t *cp_server_get(struct cp_ctx *ctx, const char *id);
/* Rewrites the row with a new "updated" (and revision: its node's feed
 * sends it again). Its own write transaction; cp_server_put inside the
 * caller's. */
int cp_server_store(struct cp_ctx *ctx, json_t *s);
int cp_server_put(struct cp_ctx *ctx, json_t *s);

/* server_actions.c: whether the caller may report for the server row s
 * (NULL: not found) as node: the service token, and s placed on node. */
int cp_server_node_check(struct cp_ctx *ctx, const char *node, const char *id, const json_t *s);

/* server_volumes.c: srv's volumes back to available, as it is deleted
 * (inside the caller's write transaction). */
void cp_server_volumes_release(struct cp_ctx *ctx, const json_t *srv);
/* The volume a create boots from: Nova's block_device_mapping_v2 entry of
 * boot_index 0 with destination "volume", from an existing volume (source
 * "volume": `server create --volume`) or from an image into a new volume
 * (source "image", volume_size: `--boot-from-volume N`), made here. */
struct cp_server_boot {
	const char *store, *image_dir; /* in: the volume and image stores */
	const char *volume_id;         /* out: NULL without a boot volume */
	bool delete_on_termination;    /* the volume goes with the server */
	char made[CP_ID_LEN];          /* the volume made from the image, or "" */
};
/* 400 for a mapping not supported (a snapshot, more disks), or the volume
 * create's error. */
int cp_server_boot_volume(struct cp_ctx *ctx, const json_t *req, struct cp_server_boot *b);
/* A server create that failed after cp_server_boot_volume: deletes the
 * volume it made, keeping ctx's error. */
void cp_server_boot_volume_undo(struct cp_ctx *ctx, const struct cp_server_boot *b);
/* Reserves it for srv as its root disk, vda (inside the caller's write
 * transaction): 404 not the caller's, 400 not available. */
int cp_server_reserve_boot_volume(struct cp_ctx *ctx, json_t *srv, const struct cp_server_boot *b);
/* After a server's delete committed: deletes its volumes marked
 * delete_on_termination (each its own transaction; a failure is logged). */
void cp_server_volumes_delete_on_termination(struct cp_ctx *ctx, const json_t *srv,
	const char *store);

/* server_view.c: the server as Nova 2.1 shows it, status derived (inside
 * a read transaction). */
json_t *cp_server_view(struct cp_ctx *ctx, const json_t *s);

/* server_ports.c. */
/* Resolves Nova's "networks" ([{"uuid"} | {"port"}], or none: the
 * project's only network) into plan, before anything is written (inside a
 * read transaction). 400 for a network or port the caller cannot use, 409
 * for a port in use or a choice to make. */
int cp_server_plan_networks(struct cp_ctx *ctx, const json_t *networks, json_t *plan);
/* Resolves Nova's "security_groups" ([{"name": NAME or ID}], as the CLI
 * sends ids in "name") into the project's group ids, appended to ids
 * (inside a read transaction). "default" may not exist yet: then none is
 * added and the port gets Neutron's default. 400 unknown, 409 ambiguous. */
int cp_server_plan_groups(struct cp_ctx *ctx, const json_t *groups, json_t *ids);
/* Makes (or takes) the planned ports for srv on its host (the ports it
 * makes get srv's "virga:security_groups" when there are any), their
 * {"id", "made"} appended to made. Each port its own transaction. */
int cp_server_bind_ports(struct cp_ctx *ctx, const json_t *srv, const json_t *plan, json_t *made);
/* Deletes the ports srv made, gives back those it was given. */
void cp_server_release_ports(struct cp_ctx *ctx, const json_t *srv);

#endif
