/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routers on the control thread: their lifetime (ids, names, memory) and
 * snapshots. A router costs what it holds: ROUTER_ADD allocates its
 * configuration, a lazy FIB and DP_NEXTHOPS_MIN next hops (a few KiB);
 * ROUTER_DEL hands what workers may still read to the RCU defer queue,
 * and the id comes back only when that has been freed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "core/dp_log.h"
#include "engine/dp_conf.h"
#include "engine/dp_worker.h"
#include "dp_fip.h"
#include "dp_router_conf.h"

struct dp_router_conf *dp_router_confs[DP_MAX_ROUTERS];

/* Ids whose router went but whose grace period has not passed yet. */
static bool retiring[DP_MAX_ROUTERS];
static uint32_t n_routers, n_retiring;

/* Names to ids: chains of id + 1 through dp_router_conf.name_next, so the thousands of
 * requests that name a router do not each scan every router. */
#define NAME_BUCKETS 4096 /* a power of two */
static uint16_t name_heads[NAME_BUCKETS];

static uint32_t name_bucket(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h & (NAME_BUCKETS - 1);
}

int dp_conf_router_by_name(const char *name)
{
	for (uint16_t n = name_heads[name_bucket(name)]; n != 0;
			n = dp_router_confs[n - 1]->name_next)
		if (strcmp(dp_router_confs[n - 1]->name, name) == 0)
			return n - 1;
	return -ENOENT;
}

static void name_unlink(const struct dp_router_conf *c)
{
	uint16_t *link = &name_heads[name_bucket(c->name)];

	while (*link != c->id + 1)
		link = &dp_router_confs[*link - 1]->name_next;
	*link = c->name_next;
}

uint32_t dp_conf_router_count(void)
{
	return n_routers;
}

uint32_t dp_conf_router_retiring(void)
{
	return n_retiring;
}

int dp_conf_publish_router(uint16_t id)
{
	const struct dp_router_conf *c = dp_router_confs[id];
	struct dp_router *r;

	if (c == NULL) {
		dp_tables_publish_router(id, NULL);
		return 0;
	}
	r = rte_zmalloc("router", sizeof(*r), RTE_CACHE_LINE_SIZE);
	if (r == NULL)
		return -ENOMEM;
	r->id = id;
	r->fib = c->fib;
	r->nh = c->nh;
	r->default_nh = c->default_nh;
	r->n_rifs = c->n_rifs;
	r->gw_rif = c->gw_rif;
	r->gw_snat = c->gw_snat;
	r->gw_port_min = c->gw_port_min;
	r->gw_port_max = c->gw_port_max;
	memcpy(r->rifs, c->rifs, sizeof(r->rifs));
	for (uint8_t i = 0; i < r->n_rifs; i++)
		if (r->rifs[i].net_id)
			r->local_bits |= dp_router_local_bit(r->rifs[i].ip);
	dp_tables_publish_router(id, r);
	return 0;
}

/* Every router interface on net_id, as the network's snapshot lists them. */
uint8_t dp_conf_net_rifs(uint16_t net_id, struct dp_net_rif *out)
{
	uint8_t n = 0;

	for (uint16_t id = 0; id < DP_MAX_ROUTERS; id++) {
		const struct dp_router_conf *c = dp_router_confs[id];

		for (uint8_t i = 0; c != NULL && i < c->n_rifs && n < DP_MAX_NET_RIFS; i++) {
			if (c->rifs[i].net_id != net_id)
				continue;
			out[n++] = (struct dp_net_rif){.mac = c->rifs[i].mac, .router_id = id,
					.ip = c->rifs[i].ip, .rif = i};
			/* No address: ARP is answered for the interface's own only. */
			if (!rte_is_zero_ether_addr(&c->rif_mac2[i]) && n < DP_MAX_NET_RIFS)
				out[n++] = (struct dp_net_rif){.mac = c->rif_mac2[i],
						.router_id = id, .rif = i};
		}
	}
	return n;
}

int dp_conf_router_nh_grow(struct dp_router_conf *c, uint32_t want)
{
	uint32_t cap = c->nh_cap ? c->nh_cap : DP_NEXTHOPS_MIN;
	struct dp_nexthop *nh, *old = c->nh;
	uint32_t *refs;
	bool *retired;

	while (cap < want)
		cap *= 2;
	if (cap > DP_MAX_NEXTHOPS)
		return -ENOSPC;
	if (cap == c->nh_cap)
		return 0;
	nh = rte_zmalloc("nexthops", cap * sizeof(*nh), RTE_CACHE_LINE_SIZE);
	refs = realloc(c->nh_refs, cap * sizeof(*refs));
	if (refs != NULL)
		c->nh_refs = refs;
	retired = refs != NULL ? realloc(c->nh_retired, cap * sizeof(*retired)) : NULL;
	if (retired != NULL)
		c->nh_retired = retired;
	if (nh == NULL || refs == NULL || retired == NULL) {
		rte_free(nh);
		return -ENOMEM; /* the longer control arrays are harmless */
	}
	memset(refs + c->nh_cap, 0, (cap - c->nh_cap) * sizeof(*refs));
	memset(retired + c->nh_cap, 0, (cap - c->nh_cap) * sizeof(*retired));
	if (old != NULL)
		memcpy(nh, old, c->nh_cap * sizeof(*nh));
	c->nh = nh;
	c->nh_cap = cap;
	if (old == NULL)
		return 0; /* a router being added: nothing published yet */
	if (dp_conf_publish_router(c->id) < 0) {
		c->nh = old;
		rte_free(nh);
		return -ENOMEM;
	}
	dp_tables_retire(old);
	/* A worker that loaded the previous snapshot may yet look up the shared FIB, which
	 * is about to name slots past the old array's end: only once no worker can hold
	 * that snapshot does a route use them. Once per doubling, not per route. */
	dp_tables_synchronize();
	return 0;
}

struct dp_fip_counts *dp_conf_router_fip_counts(struct dp_router_conf *c)
{
	if (c->fip_counts == NULL)
		c->fip_counts = rte_zmalloc("fip_counts", dp_fip_counts_size(dp_workers.n),
				RTE_CACHE_LINE_SIZE);
	return c->fip_counts;
}

uint64_t dp_conf_router_bytes(const struct dp_router_conf *c)
{
	const struct dp_fip_table *t = dp_fip_tables[c->id];

	return sizeof(*c) + sizeof(struct dp_router) + dp_fib_bytes(c->fib) +
			(uint64_t)c->nh_cap * (sizeof(*c->nh) + sizeof(*c->nh_refs) +
						      sizeof(*c->nh_retired)) +
			(uint64_t)c->cap_routes * sizeof(*c->routes) +
			(c->fip_counts ? dp_fip_counts_size(dp_workers.n) : 0) +
			(t != NULL ? sizeof(*t) : 0);
}

/* What workers may still read of a deleted router, and its id: freed and given back
 * together once no worker can hold any of it. */
struct remains {
	uint16_t id;
	struct dp_fib *fib;
	struct dp_nexthop *nh;
	struct dp_fip_counts *fip_counts;
};

static void remains_free(void *p)
{
	struct remains *r = p;

	dp_fib_free(r->fib);
	rte_free(r->nh);
	rte_free(r->fip_counts);
	retiring[r->id] = false;
	n_retiring--;
	free(r);
}

static void conf_free(struct dp_router_conf *c)
{
	free(c->nh_refs);
	free(c->nh_retired);
	free(c->routes);
	free(c);
}

/* The lowest id neither in use nor retiring, or -ENOSPC. */
static int id_alloc(void)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int id = 0; id < DP_MAX_ROUTERS; id++)
			if (dp_router_confs[id] == NULL && !retiring[id])
				return id;
		if (n_retiring == 0)
			break;
		/* Every free id is waiting for workers: wait for them once, then free what
		 * the queue holds, a batch a call, until an id comes back. */
		dp_tables_synchronize();
		for (uint32_t i = 0, before = n_retiring; i < 64 && n_retiring == before; i++)
			dp_tables_reclaim();
	}
	return -ENOSPC;
}

int dp_conf_router_add(const struct dp_router_req *req)
{
	uint32_t max_routes = req->max_routes ? req->max_routes : 1024;
	/* Prefixes longer than /24 take a group per /24; few tables need many. */
	uint32_t n_groups = RTE_MIN(RTE_MAX(max_routes / 8, 256u), DP_FIB_MAX_GROUPS);
	struct dp_router_conf *c;
	uint32_t bucket;
	int id, rc;

	if (!dp_conf_name_ok(req->name, sizeof(req->name), true) || max_routes > (1u << 24))
		return -EINVAL;
	id = dp_conf_router_by_name(req->name);
	if (id >= 0)
		return req->exist_ok ? 0 : -EEXIST;
	id = id_alloc();
	if (id < 0)
		return id;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->id = (uint16_t)id;
	c->fib = dp_fib_create_lazy(max_routes, n_groups);
	if (c->fib == NULL || dp_conf_router_nh_grow(c, DP_NEXTHOPS_MIN) < 0) {
		dp_fib_free(c->fib);
		rte_free(c->nh);
		conf_free(c);
		return -ENOMEM;
	}
	c->max_routes = max_routes;
	c->default_nh = DP_NO_NEXTHOP;
	c->gw_rif = DP_NO_GW_RIF;
	snprintf(c->name, sizeof(c->name), "%s", req->name);
	dp_router_confs[id] = c;
	rc = dp_conf_publish_router(c->id);
	if (rc < 0) {
		dp_router_confs[id] = NULL;
		dp_fib_free(c->fib);
		rte_free(c->nh);
		conf_free(c);
		return rc;
	}
	bucket = name_bucket(c->name);
	c->name_next = name_heads[bucket];
	name_heads[bucket] = c->id + 1;
	n_routers++;
	DP_LOG(INFO, "router %s added (id %d, %u routes)", c->name, id, max_routes);
	return 0;
}

int dp_conf_router_del(const struct dp_router_req *req)
{
	int id = dp_conf_router_by_name(req->name);
	struct dp_router_conf *c;
	struct remains *rest;

	if (id < 0)
		return req->missing_ok ? 0 : id;
	c = dp_router_confs[id];
	for (uint8_t i = 0; i < c->n_rifs; i++)
		if (c->rifs[i].net_id)
			return -EBUSY; /* interfaces first, as Neutron asks */
	rest = malloc(sizeof(*rest));
	if (rest == NULL)
		return -ENOMEM;
	*rest = (struct remains){.id = c->id, .fib = c->fib, .nh = c->nh,
			.fip_counts = c->fip_counts};
	name_unlink(c);
	dp_conf_fip_router_gone(c->id);
	dp_router_confs[id] = NULL;
	retiring[id] = true;
	n_retiring++;
	n_routers--;
	/* Queued after its last snapshot: both go once workers have passed a quiescent
	 * state, and the id with them. */
	dp_conf_publish_router(c->id);
	dp_tables_retire_with(rest, remains_free);
	conf_free(c);
	return 0;
}
