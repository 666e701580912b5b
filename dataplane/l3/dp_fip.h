/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Floating IPs: per router, 1:1 pairs of an address on the gateway's network
 * (fip) and a fixed address behind the router. The translation is stateless,
 * as OVN's dnat_and_snat with stateless=true: every packet is rewritten by
 * its address alone, with no connection-tracking entry, so a floating IP
 * costs workers no table writes.
 *
 * Contract
 *  - The control thread is the only writer (l3/dp_fip_conf.c). A router's
 *    table is immutable once published and replaced whole under RCU
 *    (dp_fip_tables[router_id], retired after a grace period), so FIP_DEL or
 *    a re-point takes effect from the next packet a worker reads it for.
 *  - Workers read it lock-free: dp_fip_get, then the lookups below. The table
 *    is small (DP_MAX_FIPS per router): a scan, no hash.
 *  - Full: FIP_ADD beyond DP_MAX_FIPS fails with -ENOSPC and changes nothing.
 *  - A fip is only used while its router has a gateway (dp_router.gw_rif);
 *    FIP_ADD asks for one, GW_CLEAR leaves the table but makes it inert.
 */
#ifndef VIRGA_DP_FIP_H
#define VIRGA_DP_FIP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include <virga/dp_api.h>

#include "dp_router.h"

#define DP_MAX_FIPS 64 /* floating IPs of one router */

struct dp_fip {
	uint32_t fip;      /* network byte order */
	uint32_t fixed_ip; /* network byte order */
	uint16_t slot;     /* its counters' index, stable while it exists (dp_fip_counts) */
};

/*
 * A router's floating-IP packet counts: one row per worker, written only by
 * that worker (no atomics) and summed on read, and the control thread's base
 * (the sums when a slot was last given to an entry, so a reused slot starts at
 * 0). Allocated with the router's first floating IP, shared by all its tables,
 * freed with the router after a grace period (l3/dp_router_conf.c).
 */
struct dp_fip_counts {
	uint64_t base[DP_MAX_FIPS][2];
	struct {
		uint64_t n[DP_MAX_FIPS][2]; /* [0] inbound, [1] outbound */
	} __rte_cache_aligned worker[];
};

static inline size_t dp_fip_counts_size(unsigned int n_workers)
{
	return sizeof(struct dp_fip_counts) +
			RTE_MAX(n_workers, 1u) * sizeof(((struct dp_fip_counts *)0)->worker[0]);
}

struct dp_fip_table {
	uint16_t n;
	struct dp_fip_counts *counts; /* the router's */
	struct dp_fip e[DP_MAX_FIPS];
};

/* Packet path: one packet of entry f translated by worker `worker` (its index). */
static inline void dp_fip_count(const struct dp_fip_table *t, const struct dp_fip *f,
		uint32_t worker, int outbound)
{
	t->counts->worker[worker].n[f->slot][outbound]++;
}

/* Per router id: its published table, or NULL (no floating IPs). */
extern struct dp_fip_table *dp_fip_tables[DP_MAX_ROUTERS];

/* Packet path: router id's table, or NULL. */
static inline const struct dp_fip_table *dp_fip_get(uint16_t router_id)
{
	return __atomic_load_n(&dp_fip_tables[router_id], __ATOMIC_ACQUIRE);
}

/* Packet path: the entry whose fip is `ip` (inbound), or NULL. */
static inline const struct dp_fip *dp_fip_by_fip(const struct dp_fip_table *t, uint32_t ip)
{
	for (uint16_t i = 0; t != NULL && i < t->n; i++)
		if (t->e[i].fip == ip)
			return &t->e[i];
	return NULL;
}

/* Packet path: the entry whose fixed address is `ip` (outbound), or NULL. */
static inline const struct dp_fip *dp_fip_by_fixed(const struct dp_fip_table *t, uint32_t ip)
{
	for (uint16_t i = 0; t != NULL && i < t->n; i++)
		if (t->e[i].fixed_ip == ip)
			return &t->e[i];
	return NULL;
}

/*
 * Packet path: whether router_id answers ARP for ip on its interface rif: ip is
 * one of its floating IPs and rif its gateway (ARP proxy, with the gateway's
 * MAC, as Neutron's router answers for its floating IPs on the external network).
 */
static inline bool dp_fip_answers_arp(const struct dp_router *r, uint8_t rif, uint32_t ip)
{
	return r != NULL && r->gw_rif == rif && dp_fip_by_fip(dp_fip_get(r->id), ip) != NULL;
}

/* Control thread: entry e of router_id's packets translated, summed over the workers
 * since it was added: [0] inbound (to fixed_ip), [1] outbound (to fip). */
void dp_conf_fip_packets(uint16_t router_id, const struct dp_fip *e, uint64_t out[2]);

/* Control thread (each 0 or -errno, changing nothing on failure). */
int dp_conf_fip_add(const struct dp_fip_req *req);
int dp_conf_fip_del(const struct dp_fip_req *req);
/* Control thread: router id is going: its table goes with it. */
void dp_conf_fip_router_gone(uint16_t router_id);

#endif
