/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The control thread's view of the configuration: what was asked over the
 * control socket (or on the command line), as mutable records. Workers never
 * read these; after each change the control thread rebuilds the affected
 * snapshots in dp_tables (dp_conf_publish_*).
 *
 * Control thread only. Every function returns 0 or a negative errno and
 * changes nothing when it fails.
 */
#ifndef VIRGA_DP_CONF_H
#define VIRGA_DP_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include <virga/dp_api.h>

#include "dp_tables.h"

struct dp_port_conf {
	bool used;
	char name[DP_PORT_NAME_LEN];
	char devargs[DP_DEVARGS_LEN]; /* vhost-user: the socket's path */
	uint8_t kind;		      /* enum dp_port_kind */
	uint16_t port_id;
	uint16_t mtu;
	uint8_t mode; /* enum dp_port_mode */
	uint16_t net_id;
	char physnet[DP_PHYSNET_LEN];
	struct rte_ether_addr dev_mac;
	/* port security */
	bool security;
	struct rte_ether_addr mac;
	uint8_t n_addrs;
	uint8_t n_pairs;
	struct dp_ip_prefix addrs[DP_MAX_ADDRS];
	struct dp_addr_pair pairs[DP_MAX_PAIRS];
};

struct dp_net_conf {
	bool used;
	char name[DP_NAME_LEN];
	char physnet[DP_PHYSNET_LEN];
	uint8_t type;
	uint32_t seg_id;
	uint16_t mtu;
	uint16_t n_peers; /* VXLAN: remote VTEPs (indexes into dp_peer_confs) */
	uint16_t peers[DP_MAX_NET_PEERS];
};

struct dp_vtep_conf {
	bool set;
	uint16_t port_id;
	uint32_t local_ip; /* network byte order */
	uint32_t gateway;
	uint8_t prefixlen;
	bool learning;
	uint16_t udp_port; /* host byte order */
};

struct dp_peer_conf {
	bool used;
	uint32_t ip;   /* network byte order */
	uint32_t refs; /* networks listing it */
};

/* Indexed by port id (an ethdev's, or a vhost-user port's: port/dp_vhost.h), and by
 * network id (1..DP_MAX_NETWORKS-1). */
extern struct dp_port_conf dp_port_confs[DP_MAX_PORTS];
extern struct dp_net_conf dp_net_confs[DP_MAX_NETWORKS];
extern struct dp_vtep_conf dp_vtep_conf;
extern struct dp_peer_conf dp_peer_confs[DP_MAX_PEERS];
/* Bumped on every change that must invalidate a port's MAC entries; survives the port. */
extern uint16_t dp_port_epochs[DP_MAX_PORTS];

/* A MAC table entry whose port or remote VTEP was flushed (epoch moved on) since. */
static inline bool dp_conf_fdb_stale(uint64_t val)
{
	uint16_t id = DP_FDB_VAL_PORT(val);

	if (id >= DP_PEER_BASE)
		return id - DP_PEER_BASE >= DP_MAX_PEERS ||
		       DP_FDB_VAL_EPOCH(val) != dp_tables.peer_epoch[id - DP_PEER_BASE];
	return id >= DP_MAX_PORTS || DP_FDB_VAL_EPOCH(val) != dp_port_epochs[id];
}

/* Lookups by name: the id, or -ENOENT. */
int dp_conf_port_by_name(const char *name);
int dp_conf_net_by_name(const char *name);
/* A network's name, "?" when there is none by that id (for the packet trace). */
const char *dp_conf_net_name(uint16_t id);

/* Networks (l2/dp_network_conf.c). */
int dp_conf_net_add(const struct dp_network_add_req *req, uint16_t *id);
int dp_conf_net_del(const char *name, bool missing_ok);
uint32_t dp_conf_net_count_ports(uint16_t net_id);

/* Ports (port/dp_port_conf.c); devices are opened by port/dp_port_dev.c. */
int dp_conf_port_add(const struct dp_port_add_req *req, struct dp_port_add_reply *reply);
int dp_conf_port_del(const char *name, bool missing_ok);
int dp_conf_port_attach(const struct dp_port_attach_req *req);
int dp_conf_port_detach(const char *name);
int dp_conf_port_security(const struct dp_port_security_req *req);

/* VXLAN (l2/dp_vtep_conf.c). */
int dp_conf_vtep_set(const struct dp_vtep_set_req *req);
void dp_conf_vtep_unset(void);
int dp_conf_peer_add(const struct dp_vtep_peer_req *req);
int dp_conf_peer_del(const struct dp_vtep_peer_req *req);
/* Forgets every peer of a network (it is being deleted). */
void dp_conf_peers_release(uint16_t net_id);
int dp_conf_peer_by_ip(uint32_t ip);
int dp_conf_publish_vtep(void);

/* Rebuild and publish the snapshot of one port / network from its conf. */
int dp_conf_publish_port(uint16_t port_id);
int dp_conf_publish_network(uint16_t net_id);
/* Republish every network on physnet and its uplink (after an uplink or network change). */
int dp_conf_publish_physnet(const char *physnet);

/* Validates a fixed-size name field: NUL-terminated, non-empty when required. */
bool dp_conf_name_ok(const char *name, size_t size, bool required);

#endif
