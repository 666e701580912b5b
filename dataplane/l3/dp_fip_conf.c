/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Floating IPs on the control thread: FIP_ADD / FIP_DEL build a router's new
 * table from its current one and publish it whole (l3/dp_fip.h), and announce
 * an added or moved fip with a gratuitous ARP from the gateway interface, sent
 * through a worker's graph (engine/dp_inject.h), so the external network's
 * caches point at the router at once.
 */
#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_inject.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "dp_fip.h"
#include "dp_router_conf.h"

struct dp_fip_table *dp_fip_tables[DP_MAX_ROUTERS];

/* The workers' counts of a slot (the router's, l3/dp_fip.h), whose base is their sum
 * when its entry was added: a reused slot starts at 0. */
static void sum_slot(const struct dp_fip_counts *k, uint16_t slot, uint64_t out[2])
{
	out[0] = out[1] = 0;
	for (unsigned int i = 0; i < RTE_MAX(dp_workers.n, 1u); i++) {
		out[0] += k->worker[i].n[slot][0];
		out[1] += k->worker[i].n[slot][1];
	}
}

void dp_conf_fip_packets(uint16_t router_id, const struct dp_fip *e, uint64_t out[2])
{
	const struct dp_fip_counts *k = dp_router_confs[router_id]->fip_counts;

	sum_slot(k, e->slot, out);
	out[0] -= k->base[e->slot][0];
	out[1] -= k->base[e->slot][1];
}

/* A slot no entry of t uses (t has fewer than DP_MAX_FIPS). */
static uint16_t free_slot(const struct dp_fip_table *t)
{
	uint64_t used = 0;

	_Static_assert(DP_MAX_FIPS <= 64, "one bit per slot");
	for (uint16_t i = 0; i < t->n; i++)
		used |= 1ull << t->e[i].slot;
	return (uint16_t)__builtin_ctzll(~used);
}

static int publish(uint16_t id, const struct dp_fip_table *next)
{
	struct dp_fip_table *t = NULL;

	if (next->n) {
		t = rte_malloc("fips", sizeof(*t), RTE_CACHE_LINE_SIZE);
		if (t == NULL)
			return -ENOMEM;
		*t = *next;
	}
	/* Read by workers until they pass a quiescent state. */
	dp_tables_retire(__atomic_exchange_n(&dp_fip_tables[id], t, __ATOMIC_RELEASE));
	return 0;
}

static void current(uint16_t id, struct dp_fip_table *out)
{
	if (dp_fip_tables[id] != NULL)
		*out = *dp_fip_tables[id];
	else
		out->n = 0;
}

static int find(const struct dp_fip_table *t, uint32_t fip)
{
	for (uint16_t i = 0; i < t->n; i++)
		if (t->e[i].fip == fip)
			return i;
	return -1;
}

/* A unicast address a host can have: not 0/8, multicast, broadcast or loopback. */
static bool host_ip(uint32_t ip_be)
{
	uint32_t ip = rte_be_to_cpu_32(ip_be);

	return ip >> 24 != 0 && ip >> 24 != 127 && ip < 0xe0000000u;
}

int dp_conf_fip_add(const struct dp_fip_req *req)
{
	struct dp_fip_table t;
	struct dp_router_conf *c;
	struct dp_fip_counts *k;
	const struct dp_rif *gw;
	uint32_t fip, fixed;
	int id, i, rc;

	if (!dp_conf_name_ok(req->router, sizeof(req->router), true) || req->exist_ok > 1)
		return -EINVAL;
	memcpy(&fip, req->fip, 4);
	memcpy(&fixed, req->fixed_ip, 4);
	if (!host_ip(fip) || !host_ip(fixed) || fip == fixed)
		return -EINVAL;
	id = dp_conf_router_by_name(req->router);
	if (id < 0)
		return id;
	c = dp_router_confs[id];
	if (c->gw_rif == DP_NO_GW_RIF)
		return -ENOENT; /* GW_SET first: a fip lives on the gateway's network */
	gw = &c->rifs[c->gw_rif];
	if (fip == gw->ip || (fip & gw->mask) != (gw->ip & gw->mask))
		return -EINVAL; /* not an address of the gateway's network, or the router's own */
	k = dp_conf_router_fip_counts(c);
	if (k == NULL)
		return -ENOMEM;
	current(id, &t);
	t.counts = k;
	i = find(&t, fip);
	if (i >= 0 && !req->exist_ok)
		return -EEXIST;
	if (i >= 0 && t.e[i].fixed_ip == fixed)
		return 0; /* nothing moves: no announcement either */
	for (uint16_t k = 0; k < t.n; k++)
		if (t.e[k].fixed_ip == fixed && (int)k != i)
			return -EBUSY; /* one fip per fixed address, or outbound is ambiguous */
	if (i >= 0) {
		t.e[i].fixed_ip = fixed; /* moved: its counts go on */
	} else {
		uint16_t slot;

		if (t.n == DP_MAX_FIPS)
			return -ENOSPC;
		slot = free_slot(&t);
		sum_slot(k, slot, k->base[slot]);
		i = t.n++;
		t.e[i] = (struct dp_fip){.fip = fip, .fixed_ip = fixed, .slot = slot};
	}
	rc = publish(id, &t);
	if (rc < 0)
		return rc;
	/* Advisory: a lost announcement leaves a peer's cache stale until it asks. */
	if (dp_inject_garp(gw->net_id, &gw->mac, fip, false) < 0)
		DP_LOG(WARNING, "router %s: no gratuitous ARP for a floating IP", c->name);
	return 0;
}

int dp_conf_fip_del(const struct dp_fip_req *req)
{
	struct dp_fip_table t;
	uint32_t fip;
	int id, i;

	if (!dp_conf_name_ok(req->router, sizeof(req->router), true) || req->missing_ok > 1)
		return -EINVAL;
	memcpy(&fip, req->fip, 4);
	id = dp_conf_router_by_name(req->router);
	if (id < 0)
		return id == -ENOENT && req->missing_ok ? 0 : id;
	current(id, &t);
	i = find(&t, fip);
	if (i < 0)
		return req->missing_ok ? 0 : -ENOENT;
	t.e[i] = t.e[--t.n];
	return publish(id, &t);
}

void dp_conf_fip_router_gone(uint16_t router_id)
{
	dp_tables_retire(__atomic_exchange_n(&dp_fip_tables[router_id], NULL, __ATOMIC_RELEASE));
}
