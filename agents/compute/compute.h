/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compute side of the agent: the servers the controller placed on this
 * node, run by libvirt (QEMU, KVM when the CPU can, else TCG), their NICs
 * the engine's vhost-user ports.
 *
 * The feed's "servers" are the desired state, as its ports are: each pass
 * brings libvirt to it (domains named "virga-<server id>", with the
 * server's UUID), and removes the "virga-" domains it no longer has, and
 * their instance directories; nothing else of libvirt is touched. Reports
 * go back to the controller: the power state when it changes (with the
 * fault that stopped a server from starting), and the serial console's tail
 * when it grows.
 *
 * Files, under the agent's --state-dir:
 *   vhost/<tap name>.sock           a VM port's socket: QEMU listens (libvirt's
 *                                   mode='server'), the engine connects
 *   instances/_base/<image id>      the image as the image service gave it
 *                                   (its md5 checked), shared by its servers
 *   instances/<server id>/disk.qcow2  the server's disk: a qcow2 overlay on the base
 *   instances/<server id>/config.iso  its config drive (OpenStack's "config-2")
 *   instances/<server id>/console.log its serial console
 *   instances/<server id>/volume-<volume id>.raw  an attached volume's file
 *                                   (a hard link to the controller's: volumes.c)
 * QEMU runs as libvirt's user: the directories are made traversable for it.
 */
#ifndef AG_COMPUTE_H
#define AG_COMPUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct ag_feed;

struct ag_compute;

/* Opens libvirt at uri (qemu:///system). NULL with the reason logged. */
struct ag_compute *ag_compute_open(const char *uri, const char *controller, const char *token,
                const char *node);
void ag_compute_close(struct ag_compute *c);
/*
 * One pass: libvirt brought to the feed's servers for this node (a server
 * starts only once every one of its ports is programmed in the dataplane:
 * ports_ok, the engine's port name -> true, as the network half's pass
 * left it), and what changed reported. Errors are per server: a server
 * that cannot be built is reported in error with its fault, and not tried
 * again until the controller sends it anew.
 */
void ag_compute_reconcile(struct ag_compute *c, struct ag_feed *f, const json_t *ports_ok);

/* ---- instance.c: a server's files ---- */

/* What a server is, from the feed (valid while the feed's object lives). */
struct ag_server {
	const char *id, *name, *hostname;
	const char *image_id;
	json_int_t vcpus, ram_mb, disk_gb;
	const char *power;      /* desired: "running", "shutoff", "paused" */
	json_int_t reboot;      /* desired reboot generation: a reset when above the done one */
	const char *user_data;  /* base64, or NULL */
	const char *key_name, *key_data; /* its key pair's public half, or NULL */
	const json_t *ports;    /* [{"port_id", "mac_address"}] */
	const json_t *volumes;  /* [{"volume_id", "attachment_id", "device", "connection_info", "size"?, "action"}] */
	const json_t *boot_volume; /* the entry of volumes it boots from (vda), or NULL: the image */
};

/* Parses the feed's server object; -EINVAL with *why set. */
int ag_server_parse(const json_t *o, struct ag_server *s, const char **why);
/* The instance directory of server id into buf. */
int ag_instance_dir(const char *id, char *buf, size_t cap);
/* The base image, the overlay disk, the config drive and an empty console
 * log of s: made when missing. 0, or -errno with fault (cap bytes) saying why. */
int ag_instance_prepare(const struct ag_server *s, const char *controller, const char *token,
                char *fault, size_t cap);
/* Removes the instance directory of server id (the base image stays). */
void ag_instance_remove(const char *id);

/* ---- libvirt.c: the domain ---- */

/* The domain XML of s, its files in dir; NULL on allocation failure. */
char *ag_domain_xml(const struct ag_server *s, const char *dir, bool kvm);
/* Whether KVM can run guests here: /dev/kvm usable and the CPU says vmx or svm. */
bool ag_kvm_usable(void);

/* ---- compute.c, for volumes.c ---- */

/* CLOCK_MONOTONIC in milliseconds. */
int64_t ag_compute_now_ms(void);
/* PUTs body to /internal/v1/nodes/{node}/servers/{id}/{what}; whether the controller took it. */
bool ag_compute_put(struct ag_compute *c, const char *id, const char *what, json_t *body);

/* ---- volumes.c: a server's volumes (attached live through libvirt) ---- */

/* One of the feed server's "volumes" (valid while the feed's object lives). */
struct ag_volume {
	const char *volume_id, *attachment_id;
	const char *device; /* "vdb" (the feed's "/dev/vdb") */
	/* From its connection_info (Cinder's, as the volume driver gives it):
	 * how to attach it ("file" only so far) and, for a file, where it is. */
	const char *driver; /* driver_volume_type */
	const json_t *data; /* its "data", which the connector reads */
	const char *path;   /* a file's: the volume's file, as the controller has it */
	const char *format; /* "raw" or "qcow2" */
	json_int_t size_gb; /* extended while attached: the size the guest is to see; else 0 */
	bool attach;        /* else detach */
	bool boot;          /* the root disk, vda */
};

/* Parses one entry; -EINVAL with *why set. */
int ag_volume_parse(const json_t *o, struct ag_volume *v, const char **why);
/* The file connector's pieces (volume_file.c): where the volume's file is
 * linked for QEMU (the server's instance directory), and the <disk>
 * libvirt attaches and detaches, source its file; NULL on allocation failure. */
int ag_volume_link_path(const char *server_id, const struct ag_volume *v, char *buf, size_t cap);
char *ag_volume_disk_xml(const struct ag_volume *v, const char *source);
/* A server booted from a volume: the entry of volumes marked "boot" (NULL: none); its
 * volume connected for QEMU (0, or -errno with fault); its root <disk> (NULL: no memory). */
const json_t *ag_volume_boot_entry(const json_t *volumes);
int ag_volume_connect_boot(const struct ag_server *s, char *fault, size_t cap);
char *ag_volume_boot_disk_xml(const struct ag_server *s);

struct ag_volumes;
struct _virDomain; /* libvirt's virDomainPtr, without its header here */

struct ag_volumes *ag_volumes_new(void);
void ag_volumes_free(struct ag_volumes *vs);
/* One pass over s's volumes on its domain dom: attached, detached, reported. */
void ag_volumes_reconcile(struct ag_volumes *vs, struct ag_compute *c, struct _virDomain *dom,
                const struct ag_server *s);
/* What is kept for a server that is gone. */
void ag_volumes_forget(struct ag_volumes *vs, const char *server_id);

#endif
