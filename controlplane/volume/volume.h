/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cinder v3 volumes: a volume is an object row of kind "volume" holding
 * Cinder's volume document, its bytes kept by a backend driver
 * (volume_driver.h: the row's host names it; the file driver, a sparse raw
 * file <store>/<id>.raw, is the one built). Creation and extension on the
 * file driver only allocate the file's length (sparse), so they finish
 * inside the request: a volume is "available" when the create returns
 * (Cinder passes through "creating", which a driver this quick has no use
 * for). Deleting removes the row and the driver's volume.
 *
 * Snapshots (kind "volume_snapshot") are the driver's (the file driver's
 * are sparse copies, volume_file.h); a volume may be made from a snapshot,
 * from another volume, or from an image (volume_image.c reads the image;
 * the file driver copies a raw or iso one and converts a qcow2 one).
 * Attachments to servers: volume_attach.c (below).
 *
 * Quotas as Cinder's defaults, per project: 10 volumes, 1,000 GiB
 * (413 overLimit). Volume types: the one default type.
 * Control threads only; each call runs its own transaction.
 *
 * The plan for a second driver, Ceph RBD (not built yet). What is here:
 * Debian 12 has Ceph 16.2 (ceph-mon, ceph-osd, ceph-common, librbd-dev)
 * and QEMU 7.2, whose rbd driver is a module of qemu-block-extra (not in
 * qemu-utils: without it qemu-img says "Unknown protocol 'rbd'"); libvirt
 * attaches an RBD image natively (<disk type='network'><source
 * protocol='rbd' name='pool/vol'> with <host> monitors and a cephx <auth>
 * secret defined by virSecret), so no node mounts anything. The steps:
 *  - done: the driver of ops (volume_driver.h), chosen by the volume
 *    type's volume_backend_name, the file driver its first implementation;
 *    the feed carries each attachment's connection_info, whose
 *    driver_volume_type the agent picks its connector by
 *    (agents/compute/volume_connector.h);
 *  - rbd, a driver "rbd" in volume_driver.c's table (its pool and
 *    ceph.conf a backend's configuration, with a second volume type whose
 *    volume_backend_name is "rbd"): create, extend and delete with librbd
 *    (rbd_create, rbd_resize, rbd_remove); a snapshot is rbd_snap_create
 *    + rbd_snap_protect, and a volume from it rbd_clone (copy-on-write,
 *    instant: unlike the file driver's copy); a volume from an image is one
 *    qemu-img convert into rbd:pool/id:conf=... (tried: raw and qcow2 alike),
 *    or, with Glance on the same pool, a clone of the image's snapshot, as
 *    Cinder does; in-use extend as the file driver's (the node resizes);
 *  - connection {driver_volume_type: "rbd", data: {name, hosts, ports,
 *    auth_enabled, auth_username, secret_uuid}}, Cinder's: done on the
 *    agent's side (agents/compute/volume_rbd.c: the network disk; the
 *    cephx key a libvirt secret of the node's, as Nova's rbd_secret_uuid).
 *    Tried on the one-node cluster below with libvirt 9 and QEMU 7.2: that
 *    disk attaches live to a running domain in about 140 ms and
 *    virDomainBlockResize grows it. No mount nor link, so no one-file-
 *    system limit: several nodes share volumes;
 *  - tests: tools/ceph/one_node.sh starts a one-node cluster in a
 *    directory of the test's. Tried here (2 cores): no systemd needed (the
 *    daemons fork, pid files in the directory), one mon and one OSD on a
 *    sparse 2 GiB file-backed BlueStore, pools of size 1, no manager
 *    (pools, RBD images, snapshots, clones and resizes work without one;
 *    `ceph -s` only lacks the usage figures). cephx is needed: with auth
 *    none, Ceph 16's OSD sends its commands with a zero fsid and the mon
 *    refuses them ("wrong fsid"). Start to pool ready 10-13 s (the OSD's
 *    mkfs most of it), stop about 9 s, 31 MB (mon) + 45 MB (OSD) resident,
 *    42 MB on disk: well inside the minute and the memory make test has.
 */
#ifndef CP_VOLUME_H
#define CP_VOLUME_H

#include "../core/resource.h"

#define CP_VOLUME_QUOTA_VOLUMES 10
#define CP_VOLUME_QUOTA_GIGABYTES 1000
#define CP_VOLUME_QUOTA_SNAPSHOTS 10
#define CP_VOLUME_MAX_GB 16384

/* The default volume type, as Cinder's __DEFAULT__ (a new reference). */
json_t *cp_volume_default_type(void);

/* From nothing, a snapshot, a volume or an image (of image_dir's store). */
int cp_volume_create(struct cp_ctx *ctx, const json_t *req, const char *store,
		const char *image_dir, json_t **out);
/* Every volume of the caller's project, oldest first (an admin's: all with all_tenants). */
int cp_volume_list(struct cp_ctx *ctx, bool all_tenants, json_t **out);
int cp_volume_show(struct cp_ctx *ctx, const char *id, json_t **out);
/* name, description, metadata. */
int cp_volume_update(struct cp_ctx *ctx, const char *id, const json_t *req, json_t **out);
/* Its metadata: merged with set (replaced by it when replace), or key unset
 * (-ENOENT when absent); *out the metadata after (a new reference). */
int cp_volume_metadata(struct cp_ctx *ctx, const char *id, const json_t *set, bool replace,
		const char *unset, json_t **out);
/* To new_gb, larger than its size (else -EINVAL); an available volume, or
 * an in-use one when in_use_ok (Cinder's microversion 3.42): then server_id
 * is the server it is attached to, whose node is to resize the disk
 * (cp_server_volume_extended), else "". */
int cp_volume_extend(struct cp_ctx *ctx, const char *id, json_int_t new_gb, const char *store,
		bool in_use_ok, char server_id[CP_ID_LEN]);
int cp_volume_delete(struct cp_ctx *ctx, const char *id, const char *store);

/* Snapshots (snapshot.c): of an available volume of the caller's project. */
int cp_snapshot_create(struct cp_ctx *ctx, const json_t *req, const char *store, json_t **out);
int cp_snapshot_list(struct cp_ctx *ctx, bool all_tenants, json_t **out);
int cp_snapshot_show(struct cp_ctx *ctx, const char *id, json_t **out);
int cp_snapshot_delete(struct cp_ctx *ctx, const char *id, const char *store);

/* For volume.c and snapshot.c, inside a transaction: -EMSGSIZE (413) when the
 * project would pass its quotas with add_* more (except_id's size not counted). */
int cp_volume_quota(struct cp_ctx *ctx, const char *project, json_int_t add_volumes,
		json_int_t add_snapshots, json_int_t add_gb, const char *except_id);
/* The volumes or snapshots (kind) of the caller's project, or all (an admin's all_tenants). */
int cp_volume_list_kind(struct cp_ctx *ctx, const char *kind, bool all_tenants, json_t **out);
/* The volume or snapshot the caller may see (a new reference), or NULL. */
json_t *cp_volume_load(struct cp_ctx *ctx, const char *kind, const char *id);
/* Whether the caller may see the volume or snapshot row v (its project's, or an admin). */
bool cp_volume_visible(const struct cp_ctx *ctx, const json_t *v);
/* Volume row v's driver (NULL v: the default) into *drv, or -EINVAL (400)
 * when its backend is not built here. */
struct cp_volume_driver;
int cp_volume_driver_check(struct cp_ctx *ctx, const json_t *v,
		const struct cp_volume_driver **drv);
/* Inside the caller's transaction: what a node attaches for volume id, as
 * Cinder's initialize_connection answers ({"driver_volume_type", "data"}),
 * a new reference; NULL with ctx->err set. */
json_t *cp_volume_connection(struct cp_ctx *ctx, const char *id, const char *store);

/*
 * Attachments (volume_attach.c): Cinder's status machine as the compute side
 * drives it (os-volume_attachments, the node's reports, a server's delete),
 * one step each call, inside the caller's write transaction:
 *
 *   available --reserve--> attaching --attached--> in-use
 *   in-use --begin_detach--> detaching --release--> available
 *   attaching --release--> available        (the node could not attach it)
 *   detaching --detach_failed--> in-use     (the node could not detach it)
 *   any --release--> available              (its server is deleted)
 *
 * "attachments" (what `volume show` lists) holds the attachment from
 * attached until release. Not multiattach: one attachment at most.
 */
enum cp_volume_step {
	CP_VOLUME_RESERVE,       /* the caller's volume (else 404), available (else 400) */
	CP_VOLUME_ATTACHED,      /* attachment: {"server_id", "attachment_id", "device", "host_name"} */
	CP_VOLUME_BEGIN_DETACH,  /* in-use, else 400 */
	CP_VOLUME_DETACH_FAILED,
	CP_VOLUME_RELEASE,
};
/* attachment only for CP_VOLUME_ATTACHED. A step that does not apply to the
 * volume's status (a repeated report) is 0 and changes nothing, but for the
 * refusals said above. */
int cp_volume_step(struct cp_ctx *ctx, const char *id, enum cp_volume_step step,
		const json_t *attachment);

#endif
