/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Nova v2.1 servers, the controller half: the records, their Neutron ports,
 * the scheduler, and the desired state a node's agent follows (the feed's
 * "servers", feed_servers.c) with what it reports back.
 *
 * A server is an object row of kind "server" owned by its project. Besides
 * what Nova shows it keeps private "virga:" members, never shown: the
 * flavor's sizes, the user data, the key's public half, the ports it made,
 * the desired power state ("running", "shutoff", "paused") and the reboot
 * generation. Its "addresses" are read from its ports when shown.
 *
 * The agent's report ("virga:report": power_state, fault, the reboot
 * generation done) is kept on the row; status is derived when shown:
 * ERROR when no node could take it or the node reports a fault; BUILD until
 * the node reports it running and its ports are ACTIVE; then ACTIVE,
 * SHUTOFF, PAUSED as reported, with Nova's task_state while the node has
 * not yet done what was asked (powering-off, powering-on, rebooting_hard).
 * The console output the node sends is a row of kind "server_console".
 *
 * Policy: owner or admin; others' servers are 404. OS-EXT-SRV-ATTR:* is
 * shown to admins only. Microversion 2.1 only. Each call is its own
 * transaction.
 */
#ifndef CP_SERVER_H
#define CP_SERVER_H

#include "../core/resource.h"

#define CP_SERVER_KIND "server"

/* req is the "server" member of POST /servers. *out is the server as shown.
 * A server no node can take is created all the same, in ERROR with the
 * fault "No valid host was found.". A server may boot from a volume
 * (block_device_mapping_v2, server_volumes.c) of the file driver's store
 * (store), or from one it makes from an image of image_dir. */
int cp_server_create(struct cp_ctx *ctx, const json_t *req, const char *store,
	const char *image_dir, json_t **out);
int cp_server_show(struct cp_ctx *ctx, const char *id, json_t **out);
/* The servers the caller may see, as shown; all projects' for an admin
 * with all_tenants. */
int cp_server_list(struct cp_ctx *ctx, bool all_tenants, json_t **out);
/* PUT: the name. */
int cp_server_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out);
/* Deletes the server and its ports, and the volumes of store it was to
 * take with it (delete_on_termination); the node's agent removes its domain. */
int cp_server_delete(struct cp_ctx *ctx, const char *id, const char *store);
/* os-stop, os-start, reboot ({"type": "SOFT"|"HARD"}), pause, unpause:
 * -EBUSY (409) when the server's state does not allow it, as Nova. */
int cp_server_action(struct cp_ctx *ctx, const char *id, const char *action, const json_t *body);
/* The server's ports as Nova's os-interface lists them. */
int cp_server_interfaces(struct cp_ctx *ctx, const char *id, json_t **out);
/* The console output the node last sent, its last length lines when > 0. */
int cp_server_console(struct cp_ctx *ctx, const char *id, long length, json_t **out);

/* The node agent's reports (service token or admin): {"power_state",
 * "fault", "reboot"}, and the console text. -EPERM when the server is not
 * on node. */
int cp_server_report(struct cp_ctx *ctx, const char *node, const char *id, const json_t *report);
int cp_server_report_console(struct cp_ctx *ctx, const char *node, const char *id,
	const char *output);

/*
 * Nova's os-volume_attachments (server_volumes.c). The server row keeps
 * "virga:volumes", what its node is asked: [{"volume_id", "attachment_id",
 * "device" ("/dev/vdb"), "connection_info" (the volume driver's, as Cinder
 * answers initialize_connection: {"driver_volume_type": "file", "data":
 * {"path", "format"}}), "size"? (GiB, once extended while attached),
 * "action": "attach"|"detach"}]; the volume's status follows Cinder's
 * machine (volume.h) as the node reports.
 * Attach: req is the "volumeAttachment" member ({"volumeId", "device"?});
 * 404 for a volume or server the caller cannot see, 400 for a volume not
 * available, 409 for a server not ACTIVE, PAUSED or SHUTOFF (or busy with
 * a task), as Nova. *out the attachment as Nova shows it. Detach: 404 when
 * the volume is not attached to it, 400 while it is still attaching or
 * already detaching.
 */
int cp_server_volume_attach(struct cp_ctx *ctx, const char *id, const json_t *req,
	const char *store, json_t **out);
int cp_server_volume_list(struct cp_ctx *ctx, const char *id, json_t **out);
int cp_server_volume_show(struct cp_ctx *ctx, const char *id, const char *volume_id,
	json_t **out);
int cp_server_volume_detach(struct cp_ctx *ctx, const char *id, const char *volume_id);
/* Cinder's "volume-extended" event (Nova's os-server-external-events): the
 * volume attached to server id is gb GiB now, which its node is asked to
 * show the guest. 404 when it is not attached to it. */
int cp_server_volume_extended(struct cp_ctx *ctx, const char *id, const char *volume_id,
	json_int_t gb);
/* The node's report on one of the server's volumes: {"attachment_id",
 * "status": "attached"|"detached"|"error", "fault"?}. A report on an
 * attachment the server no longer has is taken and changes nothing. */
int cp_server_report_volume(struct cp_ctx *ctx, const char *node, const char *id,
	const char *volume_id, const json_t *report);

/* scheduler.c: picks the node for a server of flavor (vcpus, ram, disk)
 * among agents whose "configurations"."compute" offers {"vcpus",
 * "memory_mb", "disk_gb"} (times Nova's default allocation ratios: 16
 * for vCPUs, 1.5 for RAM, 1.0 for disk), alive at now, admin_state_up, with room left
 * once the servers placed on them (OS-EXT-SRV-ATTR:host, virga:flavor) are
 * counted. Filters, then the weigher: most free RAM, then most free vCPUs,
 * then the host name. Pure: writes host and returns 0, or -ENOSPC. */
int cp_sched_pick(const json_t *agents, const json_t *servers, const json_t *flavor,
	int64_t now, int down_time, char host[256]);

/* What the servers placed on host take (the sums of their flavors, and how
 * many), as the scheduler counts it and os-hypervisors shows it. Pure. */
struct cp_sched_use {
	json_int_t vcpus, ram_mb, disk_gb, servers;
};
void cp_sched_used(const json_t *servers, const char *host, struct cp_sched_use *u);
/* What agent offers for servers, its "configurations"."compute" object, or
 * NULL when it is no compute node. Pure. */
const json_t *cp_sched_offer(const json_t *agent);

/*
 * Nova's os-hypervisors (hypervisor.c), admin only: every agent whose
 * report offers compute, alive or not, as a QEMU hypervisor whose id is
 * the agent's. Detail (and show) adds what it reports and what the servers
 * placed on it use. Show of an id that is no compute agent is 404.
 */
int cp_hypervisor_list(struct cp_ctx *ctx, bool detail, json_t **out);
int cp_hypervisor_show(struct cp_ctx *ctx, const char *id, json_t **out);

#endif
