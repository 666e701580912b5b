/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virga-agent: makes one node match the controller. One process, one
 * thread, one loop: long-poll the change feed (ag_feed.c), compute the
 * node's desired dataplane state from it (ag_desired.c), bring the
 * dataplane and the kernel to it without flushing what already forwards
 * (ag_reconcile.c, ag_netlink.c), and report port status back.
 *
 * Everything here runs on the agent's only thread; nothing is thread-safe.
 */
#ifndef AG_H
#define AG_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <virga/dp_api.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"

struct dp_client;

#define AG_MAX_UPLINKS 8
#define AG_ID_LEN 64
#define AG_IFNAME_LEN 16 /* IFNAMSIZ */

/* ---- HTTP (ag_http.c): libcurl, HTTP or HTTPS, one kept-alive connection per thread ---- */
struct ag_http_resp {
	int status; /* HTTP status code */
	char *body; /* NUL-terminated; caller frees */
	size_t len;
};

/*
 * Before the first request: the CA certificates (PEM file) an https
 * controller must be signed by (NULL: the system's), and a flag that, once
 * set (by a signal handler), ends the request in progress within a second.
 * Both are kept, not copied.
 */
void ag_http_init(const char *cacert_file, const volatile sig_atomic_t *stop);
/* The node's client certificate and key (PEM files, kept, not copied),
 * presented to a controller that asks for one (--tls-client-ca). */
void ag_http_set_client_cert(const char *cert_file, const char *key_file);
/*
 * Sends one request to base_url ("http[s]://HOST:PORT") + path and reads the
 * whole response, giving up after timeout_ms. body may be NULL. Returns 0
 * with *resp filled (any HTTP status) or a negative errno for a transport
 * failure (-ECONNREFUSED, -ETIMEDOUT, -EKEYREJECTED for a certificate that
 * does not verify, -EPROTO for a failed handshake or a malformed response,
 * -EINTR when the stop flag was set); ag_http_last_error() then says what
 * libcurl saw.
 */
int ag_http_request(const char *base_url, const char *method, const char *path, const char *token,
                const char *body, int timeout_ms, struct ag_http_resp *resp);
/* GET base_url + path into out (streamed, never whole in memory): 0 with
 * *status (any HTTP status; out then holds its body), or ag_http_request's errors. */
int ag_http_download(const char *base_url, const char *path, const char *token, FILE *out,
                int timeout_ms, int *status);
/* The last failed request's reason, in words ("" after a success). */
const char *ag_http_last_error(void);
/* Closes this thread's connection (at exit). */
void ag_http_close(void);

/* ---- the controller's view of the node (ag_feed.c) ---- */
struct ag_feed {
	const char *controller; /* base URL */
	const char *token;      /* the service token */
	const char *node;
	int64_t rev; /* the revision the cache reflects; 0 = nothing fetched yet */
	/* Objects by id, as the feed sent them. */
	json_t *ports, *networks, *subnets, *security_groups, *routers, *floatingips;
	json_t *l2pop; /* network id -> the feed's l2pop entry (network/l2pop.c) */
	json_t *servers; /* the node's servers (ag_compute.c) */
};

void ag_feed_init(struct ag_feed *f, const char *controller, const char *token, const char *node);
void ag_feed_free(struct ag_feed *f);
/*
 * Fetches what changed since f->rev (everything the first time), waiting up
 * to timeout_s for a change, and merges it into the cache. Returns 1 when
 * something changed, 0 when nothing did, or a negative errno (the cache is
 * then unchanged).
 */
int ag_feed_poll(struct ag_feed *f, int timeout_s);
/*
 * Tells the controller what the dataplane does with a port or a floating
 * IP (kind "ports" or "floatingips"): "ACTIVE", "DOWN", as programmed from
 * revision f->rev. On success the cached object's status is updated too,
 * so the report is not repeated. A report the controller refuses as stale
 * (the object changed since) returns -EBUSY: the feed brings the newer
 * object next.
 */
int ag_feed_report_status(struct ag_feed *f, const char *kind, const char *id, const char *status);
/* Merges a feed document's "l2pop" into f->l2pop (after its ports, as
 * ag_feed_poll does), and drops the entries of networks the node has no
 * port on any more. Returns whether that changed anything. */
bool ag_feed_merge_l2pop(struct ag_feed *f, const json_t *doc);

/* ---- desired state (ag_desired.c) ---- */
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
	/* Its security groups' rules, flattened (ag_secgroups.c); malloc'ed. */
	bool sg_enabled; /* port security on and at least one group */
	bool sg_stateful;
	struct dp_sg_rule_spec *sg_rules;
	size_t n_sg_rules;
	/* Its DHCP answer (ag_dhcp.c), when it has an IPv4 fixed IP on a
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
 * by the Neutron UUID and has interfaces only on the node's networks.
 */
struct ag_router {
	char id[AG_ID_LEN];
	struct ag_rif rifs[AG_MAX_RIFS];
	size_t n_rifs;
	struct ag_route *routes; /* only those through one of rifs */
	size_t n_routes;
	/* Its external gateway when this node hosts it (ag_gateway.c): one of
	 * rifs; "" when it has none here. */
	char gw_network[AG_ID_LEN];
	bool gw_snat;
};

/* A floating IP of a router whose gateway this node hosts (ag_fips.c). */
struct ag_fip {
	char id[AG_ID_LEN];
	char router[AG_ID_LEN];
	uint8_t fip[4]; /* network order, as dp_api.h */
	uint8_t fixed_ip[4];
	bool wanted; /* the router is one of d's, with its gateway: the engine should have it */
	bool active; /* the controller shows it ACTIVE */
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
};

/*
 * What the node's dataplane should have: every port of the cache (they are
 * all bound here) on a network the dataplane supports, and those networks;
 * every router that is up and has an interface on one of those networks,
 * with those interfaces and the extra routes through them, and the floating
 * IPs of the routers whose gateway the node hosts. What it cannot
 * program is left out with a log line (once per object and revision).
 * Returns 0 or -ENOMEM.
 */
int ag_desired_build(const struct ag_feed *f, struct ag_desired *d);
void ag_desired_free(struct ag_desired *d);
/* Pieces of ag_desired.c that ag_gateway.c shares. */
int ag_desired_build_net(const json_t *n, struct ag_net *out);
struct ag_net *ag_desired_find_net(struct ag_desired *d, const char *id);
void ag_desired_build_rif(
                const json_t *r, const json_t *in, struct ag_desired *d, struct ag_router *out);
/* Whether ip/prefixlen (network order) lies within the subnet of rif. */
bool ag_on_subnet(const struct ag_rif *rif, const uint8_t ip[4], uint8_t prefixlen);

/* ---- routers' external gateways (ag_gateway.c) ---- */
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

struct ag_dp;
struct ag_reconcile_stats;
/* GW_SET for r's gateway (ready: its network is in the dataplane), again
 * only when snat changed; GW_CLEAR when r lost it. A dataplane without
 * gateways (-EOPNOTSUPP) is said once; the interface and route still work. */
void ag_gateway_ensure(struct ag_dp *dp, const struct ag_router *r, bool ready,
                struct ag_reconcile_stats *st);
/* r was just added to the dataplane: what was set on its predecessor is gone. */
void ag_gateway_forget(struct ag_dp *dp, const char *router);
/* Whether GW_SET for router went through to this dataplane boot. */
bool ag_gateway_is_set(const struct ag_dp *dp, const char *router);

/* ---- floating IPs (ag_fips.c) ---- */
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

/* ---- the node's registration and heartbeat (ag_node.c) ---- */
#define AG_NODE_AGENT_TYPE "Virga agent" /* what `network agent list` shows */
#define AG_NODE_DEFAULT_INTERVAL 10      /* seconds between reports */

struct ag_uplink;
struct ag_node {
	const char *controller, *token, *node;
	const char *tunnel_ip; /* NULL: none (no overlay on this node) */
	const char *state_dir; /* its free space is the disk capacity; NULL: none */
	bool compute;          /* servers can run here (--libvirt): capacity offered as "compute" */
	const struct ag_uplink *uplinks;
	int n_uplinks;
	int interval_s;
	int64_t next_ms;   /* CLOCK_MONOTONIC of the next report; 0: now */
	int last_status;   /* HTTP status of the last answered report, to log changes once */
	bool started;      /* the next report is the first since the agent started */
};

/* Defaults (interval AG_NODE_DEFAULT_INTERVAL, no tunnel, no disk); the
 * caller sets the rest. Strings are kept, not copied. */
void ag_node_init(struct ag_node *n, const char *controller, const char *token, const char *node);
/* The report (a new reference): type, binary, topic, start_flag and the
 * configurations {tunneling_ip, tunnel_types, bridge_mappings, vcpus,
 * memory_mb, disk_gb} (what cannot be measured is null). */
json_t *ag_node_report_body(const struct ag_node *n);
/* Reports when due (at once the first time, then every interval, a second
 * after a failure). Returns the seconds until the next report is due, for
 * the caller to wait no longer. */
int ag_node_tick(struct ag_node *n);

/* ---- kernel interfaces (ag_netlink.c) ---- */
struct ag_nl;
int ag_nl_open(struct ag_nl **out);
void ag_nl_close(struct ag_nl *nl);
/*
 * Makes the veth pair dp_if <-> vm_if exist with this MTU, the dataplane
 * end up, IPv6 off on it, and TX checksum offload off on both ends (af_packet
 * hands the dataplane frames as the kernel built them: offloaded checksums
 * would never be filled in). An existing pair is kept as it is, so a
 * restarted agent does not disturb a running VM. Returns 0 or -errno.
 */
int ag_veth_ensure(struct ag_nl *nl, const char *dp_if, const char *vm_if, uint16_t mtu);
/* Deletes a link (and so its veth peer); a missing one is fine. */
int ag_link_del(struct ag_nl *nl, const char *ifname);

/* ---- the dataplane (ag_reconcile.c) ---- */
struct ag_uplink {
	char physnet[DP_PHYSNET_LEN];
	char ifname[DP_PORT_NAME_LEN]; /* a dataplane port, or a kernel interface to open */
};

struct ag_dp {
	const char *socket;
	struct dp_client *client; /* NULL while disconnected */
	uint64_t boot_id;         /* of the dataplane last programmed; 0 = none yet */
	json_t *applied;          /* port name -> hash of the config last sent (this boot) */
	json_t *ports_ok;         /* port name -> true: forwarding as desired after the last pass */
	struct ag_uplink uplinks[AG_MAX_UPLINKS];
	int n_uplinks;
	unsigned int passes;      /* reconcile passes done; the first one is logged in full */
	bool sg_unsupported_said; /* the dataplane answered sg_set with -EOPNOTSUPP */
};

struct ag_reconcile_stats {
	unsigned int kept, added, updated, removed, failed;
};

void ag_dp_init(struct ag_dp *dp, const char *socket);
void ag_dp_free(struct ag_dp *dp);
/*
 * Brings the dataplane to d: adds what is missing, updates what differs,
 * and removes only what the agent owns ("tap" ports, networks named by a
 * UUID) and d no longer has. Never flushes. Reports each port's status
 * through f. Returns 0 or a negative errno when the dataplane is
 * unreachable (nothing is then reported).
 */
int ag_reconcile(struct ag_dp *dp, struct ag_nl *nl, struct ag_feed *f, const struct ag_desired *d,
                struct ag_reconcile_stats *st);

/* ---- the dataplane client (network/dp.c), which every part that programs it uses ---- */
/* Connects if needed and says hello; a new boot forgets what was sent.
 * 0, or a negative errno (then disconnected). */
int ag_dp_hello(struct ag_dp *dp);
/* Drops the connection (after a failure: the next pass reconnects). */
void ag_dp_disconnect(struct ag_dp *dp);
/* One request to the connected dataplane; a failure is logged with what. */
int ag_dp_call(struct ag_dp *dp, enum dp_msg_type type, const char *what, const void *req,
                size_t len, void *resp, size_t cap);
/* Every page of a list (filter ""), as one malloc'ed array of entry_size entries. */
int ag_dp_list(struct ag_dp *dp, enum dp_msg_type type, size_t entry_size, void **out,
                size_t *n_out);
uint64_t ag_fnv1a(uint64_t h, const void *data, size_t len);
#define AG_FNV1A_INIT 0xcbf29ce484222325ull

/* ---- security groups (ag_secgroups.c) ---- */
/*
 * The filter of one Neutron port into out (whose security is built):
 * the rules of all its groups flattened, remote groups expanded into one
 * rule per member address of the rule's family. No filter (sg_enabled
 * false) without port security or groups. Returns 0 or -ENOMEM.
 */
int ag_sg_build(const struct ag_feed *f, const json_t *port, struct ag_port *out);
/*
 * Sends the port's filter (SG_SET, chunked) unless what was last sent to
 * this dataplane boot is the same. Returns 1 when that changed the filter,
 * 0 when nothing changed (nothing to send, the same rules resent after a
 * restart, or a dataplane without security groups: said once), or a
 * negative errno (logged).
 */
int ag_sg_ensure(struct ag_dp *dp, const struct ag_port *p);
/* The key of a port's filter digest in ag_dp.applied. */
void ag_sg_key(char *key, size_t cap, const char *dp_name);

/* ---- DHCP answered by the engine (ag_dhcp.c) ---- */
/* The port's DHCP answer into out (whose dp_name, security.mac and mtu are
 * built), from its fixed IPs' subnets in the feed. */
void ag_dhcp_build(const struct ag_feed *f, const json_t *port, struct ag_port *out);
/* Brings the engine's DHCP entries of the agent's ports to d, against
 * DHCP_LIST: sets what differs on the ports that are in place (port_ok[i]
 * for d->ports[i]), deletes what d no longer wants. Never flushes. */
void ag_dhcp_reconcile(struct ag_dp *dp, const struct ag_desired *d, const bool *port_ok,
                struct ag_reconcile_stats *st);

/* ---- routers (ag_routers.c) ---- */
/*
 * Removes the permanent neighbours and router interfaces the agent made
 * that d no longer has, then its routers that d no longer has: before their
 * networks go (the dataplane refuses to delete a network with a router
 * interface on it, and a neighbour would outlive it).
 */
void ag_routers_prune(struct ag_dp *dp, const struct ag_desired *d, struct ag_reconcile_stats *st);
/*
 * Adds d's routers, their interfaces on the networks that are ready
 * (net_ok[i] for d->nets[i]), their extra routes, and on those networks a
 * permanent neighbour for each fixed IPv4 address of d's ports; replaces an
 * interface whose address or MAC changed, and removes extra routes no
 * longer wanted.
 */
void ag_routers_ensure(struct ag_dp *dp, const struct ag_desired *d, const bool *net_ok,
                struct ag_reconcile_stats *st);

/* ---- the overlay across nodes: l2population (ag_l2pop.c) ---- */
/*
 * The node's VTEP, which the agent sets on each dataplane boot: the
 * underlay port (a dataplane port, or a kernel interface it opens with
 * af_packet) and the local address and prefix length. Without it the VTEP
 * is left to whoever set it. 0 or -EINVAL.
 */
int ag_l2pop_configure(const char *underlay, const char *tunnel_ip, uint8_t prefixlen);
/* After the networks (net_ok[i] for d->nets[i]) and before the ports: the
 * VTEP, then for each VXLAN network its VTEP peers and static remote MACs
 * as f->l2pop says, sending only the differences. */
void ag_l2pop_reconcile(struct ag_dp *dp, const struct ag_feed *f, const struct ag_desired *d,
                const bool *net_ok, struct ag_reconcile_stats *st);

#endif /* AG_H */
