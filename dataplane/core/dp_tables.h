/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the workers read: per-port and per-network snapshots.
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

#define DP_MAX_NETWORKS 4096 /* network ids 1..4095; 0 is "none" */
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

struct dp_port {
	uint16_t port_id;
	uint16_t epoch; /* stamps this port's MAC table entries; bumped to flush them */
	uint8_t mode;	/* enum dp_port_mode */
	bool security;
	uint16_t net_id;	 /* access ports */
	uint32_t max_payload;	 /* port MTU: largest frame payload after L2 headers */
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
	uint16_t uplink_port; /* UINT16_MAX: none */
	uint32_t max_payload; /* network MTU */
	uint16_t n_members;   /* access ports, for flooding */
	uint16_t members[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

#define DP_NO_PORT UINT16_MAX

struct dp_tables {
	struct dp_port *ports[RTE_MAX_ETHPORTS];
	struct dp_network *networks[DP_MAX_NETWORKS];
	struct dp_kv fdb;
	struct rte_rcu_qsbr *rcu;
	struct rte_rcu_qsbr_dq *defer;
	bool trace;			/* packet trace switch */
	struct rte_ring *trace_ring; /* workers -> control thread trace records */
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

/* Control thread: RCU variable for n_workers readers, defer queue, MAC table. */
int dp_tables_init(unsigned int n_workers, uint32_t fdb_entries, uint32_t aging_sec);
void dp_tables_fini(void);

/* Control thread: publish a snapshot (or NULL) and retire the old one after a grace period. */
void dp_tables_publish_port(uint16_t port_id, struct dp_port *p);
void dp_tables_publish_network(uint16_t net_id, struct dp_network *n);

/* Control thread: frees retired snapshots whose grace period has passed. */
void dp_tables_reclaim(void);

/* Control thread: waits until every worker has passed a quiescent state. */
void dp_tables_synchronize(void);

#endif
