/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the workers read: per-port and per-network snapshots, the VTEP, the
 * routers, and the MAC and neighbour tables. Every layer's published state in
 * one place (port/, l2/ and l3/ types), hence engine/ and not core/.
 *
 * Contract
 *  - The control thread is the only writer. It builds a new immutable
 *    snapshot from its own configuration (port/dp_port_conf.c,
 *    l2/dp_network_conf.c), publishes the pointer with a release store, and
 *    hands the old one to the RCU defer queue; it is freed once every worker
 *    has passed a quiescent state (once per loop).
 *  - Workers load a pointer once per frame (or once per run of frames from
 *    the same port) and never keep it across loop iterations.
 *  - A NULL pointer means "no such port/network": frames go to a drop edge.
 */
#ifndef VIRGA_DP_TABLES_H
#define VIRGA_DP_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include <virga/dp_api.h>

#include "l2/dp_fdb.h"
#include "l3/dp_router.h"

#define DP_MAX_NETWORKS 16384 /* network ids 1..16383; 0 is "none" */
#define DP_MAX_PEERS 1024    /* remote VTEPs */
#define DP_MAX_NET_PEERS 64  /* head-end replication list of one VXLAN network */
/* MAC table "ports" from DP_PEER_BASE on are remote VTEPs: DP_PEER_BASE + peer index. */
#define DP_PEER_BASE 2048 /* past DP_MAX_PORTS and DP_SRC_ROUTER */
#define DP_VNI_MAP_SIZE 32768 /* open addressing, at least twice DP_MAX_NETWORKS */
#define DP_PEER_MAP_SIZE 2048 /* open addressing, at least twice DP_MAX_PEERS */
#define DP_PEER_UNKNOWN (DP_PEER_BASE + DP_MAX_PEERS) /* source id of frames from an unlisted VTEP */
#define DP_MAX_SEC_ADDRS (DP_MAX_ADDRS + DP_MAX_PAIRS)

/* One address a port-security port may send from, and with which MAC. */
struct dp_sec_addr {
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t prefixlen;
	struct rte_ether_addr mac;
	union {
		uint32_t v4; /* network byte order */
		uint8_t v6[16];
	};
};

struct dp_sg_set;
struct dp_ct;

struct dp_port {
	uint16_t port_id;
	uint16_t epoch; /* stamps this port's MAC table entries; bumped to flush them */
	uint8_t mode;	/* enum dp_port_mode */
	bool security;
	uint16_t net_id;	 /* access ports */
	uint32_t max_payload;	 /* port MTU: largest frame payload after L2 headers */
	/* Security groups (sg/dp_sg_conf.h), access ports only: the compiled filter
	 * (NULL: none, everything passes), whether it tracks connections, and the
	 * generation of its rules, which connection records are checked against. The
	 * set is retired with the snapshot that drops it. */
	const struct dp_sg_set *sg;
	bool sg_stateful;
	uint32_t sg_gen;
	uint16_t vlan_net[4096]; /* uplinks: VLAN id -> network id; [0] = the flat network */
	/* port security */
	uint8_t n_macs;
	uint8_t n_addrs;
	struct rte_ether_addr macs[1 + DP_MAX_PAIRS];
	struct dp_sec_addr addrs[DP_MAX_SEC_ADDRS];
} __rte_cache_aligned;

struct dp_network {
	uint16_t id;
	uint8_t type; /* enum dp_net_type */
	uint16_t vlan_id;
	uint32_t vni;	       /* VXLAN networks */
	uint16_t n_peers;      /* VXLAN: remote VTEPs flooded to */
	uint16_t peers[DP_MAX_NET_PEERS];
	uint64_t peer_set[DP_MAX_PEERS / 64]; /* the same peers, by index: one bit test per frame */
	uint8_t n_rifs;	       /* routers with an interface on this network */
	struct dp_net_rif rifs[DP_MAX_NET_RIFS];
	uint16_t uplink_port; /* UINT16_MAX: none */
	uint32_t max_payload; /* network MTU */
	uint16_t n_members;   /* access ports, for flooding */
	uint16_t members[DP_MAX_PORTS];
} __rte_cache_aligned;

#define DP_NO_PORT UINT16_MAX

/* The node's VXLAN tunnel endpoint, with the VNI -> network map for decapsulation. */
struct dp_vtep {
	uint16_t port_id; /* the underlay port */
	uint16_t udp_port; /* network byte order */
	uint32_t local_ip; /* network byte order, like the masks and addresses below */
	uint32_t mask;
	uint32_t gateway; /* 0: none */
	bool learning;
	struct rte_ether_addr mac; /* the underlay port's own */
	uint32_t max_payload;	   /* underlay MTU */
	struct {
		uint32_t vni; /* 0: free slot */
		uint16_t net_id;
	} vni_map[DP_VNI_MAP_SIZE];
	struct {
		uint32_t ip; /* 0: free slot */
		uint16_t index;
	} peer_map[DP_PEER_MAP_SIZE];
} __rte_cache_aligned;

/* Packet path: the index of the remote VTEP at `ip`, or -1. */
static inline int dp_vtep_peer_index(const struct dp_vtep *v, uint32_t ip)
{
	for (uint32_t i = rte_be_to_cpu_32(ip) & (DP_PEER_MAP_SIZE - 1);;
			i = (i + 1) & (DP_PEER_MAP_SIZE - 1)) {
		if (v->peer_map[i].ip == ip)
			return v->peer_map[i].index;
		if (v->peer_map[i].ip == 0)
			return -1;
	}
}

/* Packet path: whether remote VTEP `peer` (an index, see dp_vtep_peer_index) is one of net's. */
static inline bool dp_network_has_peer(const struct dp_network *net, int peer)
{
	return peer >= 0 && (net->peer_set[peer / 64] >> (peer % 64)) & 1;
}

/* Packet path: the network carrying VNI `vni`, or 0. */
static inline uint16_t dp_vtep_vni_net(const struct dp_vtep *v, uint32_t vni)
{
	for (uint32_t i = vni & (DP_VNI_MAP_SIZE - 1);; i = (i + 1) & (DP_VNI_MAP_SIZE - 1)) {
		if (v->vni_map[i].vni == vni)
			return v->vni_map[i].net_id;
		if (v->vni_map[i].vni == 0)
			return 0;
	}
}

struct dp_tables {
	struct dp_port *ports[DP_MAX_PORTS];
	struct dp_network *networks[DP_MAX_NETWORKS];
	struct dp_vtep *vtep; /* NULL until DP_MSG_VTEP_SET */
	struct dp_router *routers[DP_MAX_ROUTERS];
	/* Remote VTEPs by index: written by the control thread before any table entry
	 * or network refers to the index; an epoch bump retires every MAC behind one. */
	uint32_t peer_ip[DP_MAX_PEERS];
	uint16_t peer_epoch[DP_MAX_PEERS];
	struct dp_kv fdb;
	struct dp_kv neigh;
	struct rte_mempool *pool; /* for frames the dataplane builds itself (ARP, copies) */
	struct rte_rcu_qsbr *rcu;
	struct rte_rcu_qsbr_dq *defer;
	/* Bumped by the control thread before and after every control message: what
	 * workers cache from the tables (l3/dp_adj.h) is valid only while it stands. */
	uint32_t conf_gen;
	/* Bumped whenever a neighbour becomes reachable (learned by any worker, or made
	 * permanent): workers with frames waiting for ARP look again (engine/dp_arp_wait.h). */
	uint32_t neigh_gen;
	/* Connection tracking for stateful security groups (ct/dp_ct.h): created at
	 * start by the control thread (sg/dp_sg_conf.h), NULL in programs without. */
	struct dp_ct *ct;
};

extern struct dp_tables dp_tables;

static inline const struct dp_port *dp_port_get(uint16_t port_id)
{
	return __atomic_load_n(&dp_tables.ports[port_id], __ATOMIC_ACQUIRE);
}

static inline const struct dp_network *dp_network_get(uint16_t net_id)
{
	return __atomic_load_n(&dp_tables.networks[net_id], __ATOMIC_ACQUIRE);
}

static inline const struct dp_router *dp_router_get(uint16_t id)
{
	return __atomic_load_n(&dp_tables.routers[id], __ATOMIC_ACQUIRE);
}

static inline uint32_t dp_conf_gen(void)
{
	return __atomic_load_n(&dp_tables.conf_gen, __ATOMIC_ACQUIRE);
}

static inline const struct dp_vtep *dp_vtep_get(void)
{
	return __atomic_load_n(&dp_tables.vtep, __ATOMIC_ACQUIRE);
}

/* Control thread: RCU variable for n_workers readers, defer queue, MAC table. */
int dp_tables_init(unsigned int n_workers, uint32_t fdb_entries, uint32_t aging_sec);
void dp_tables_fini(void);

/* Control thread: publish a snapshot (or NULL) and retire the old one after a grace period. */
void dp_tables_publish_port(uint16_t port_id, struct dp_port *p);
void dp_tables_publish_network(uint16_t net_id, struct dp_network *n);
void dp_tables_publish_vtep(struct dp_vtep *v);
void dp_tables_publish_router(uint16_t id, struct dp_router *r);

/* Control thread: frees an unpublished snapshot (rte_malloc'd) once every worker
 * has passed a quiescent state. NULL is ignored. */
void dp_tables_retire(void *old);

/* Control thread: the same for an object that rte_free() alone cannot free (a
 * compiled rule set with its rte_acl contexts): destroy(old) runs, on the control
 * thread, once every worker has passed a quiescent state. NULL is ignored. */
void dp_tables_retire_with(void *old, void (*destroy)(void *));

/* Control thread: frees retired snapshots whose grace period has passed. */
void dp_tables_reclaim(void);

/* Control thread: waits until every worker has passed a quiescent state. */
void dp_tables_synchronize(void);

#endif
