/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routers on the control thread: their configuration, and the operations
 * the control socket calls. Control thread only; each returns 0 or -errno
 * and changes nothing when it fails.
 */
#ifndef VIRGA_DP_ROUTER_CONF_H
#define VIRGA_DP_ROUTER_CONF_H

#include <stdbool.h>
#include <stdint.h>

#include <virga/dp_api.h>

#include "dp_router.h"

struct dp_fip_counts;

struct dp_route_entry {
	uint32_t prefix; /* host byte order, as the FIB takes it */
	uint8_t prefixlen;
	bool connected;
	uint16_t nh; /* index into the router's next hops */
};

/*
 * A router's configuration, allocated by ROUTER_ADD and freed by ROUTER_DEL:
 * what workers read through it (FIB, next hops, floating-IP counts) goes
 * after a grace period, with the id, so a worker holding the id (in a
 * network's snapshot, a frame's metadata) never meets another router there.
 */
struct dp_router_conf {
	uint16_t id;
	uint16_t name_next; /* the next id + 1 in its name's hash chain; 0: none */
	char name[DP_NAME_LEN];
	uint32_t max_routes;
	/* Its rules' cookies are their routes' indexes in `routes`. */
	struct dp_fib *fib;
	/* Next hops: nh_cap slots (DP_NEXTHOPS_MIN, doubled up to DP_MAX_NEXTHOPS as
	 * routes need them); `nh` is what the router's snapshots point at. */
	struct dp_nexthop *nh;
	uint32_t *nh_refs;
	uint32_t nh_cap;
	uint32_t nh_high; /* slots at and above were never used */
	/* A next hop no route uses may still be read by a worker that looked a route up
	 * just before it went: reused only after a grace period. */
	bool *nh_retired;
	uint8_t n_rifs; /* slots in use are those with net_id != 0, below n_rifs */
	struct dp_rif rifs[DP_MAX_RIFS];
	/* Each interface's second MAC (ROUTER_IF_MAC_SET), all zeros for none:
	 * only networks' snapshots list it, so workers never read it here. */
	struct rte_ether_addr rif_mac2[DP_MAX_RIFS];
	uint8_t gw_rif;	      /* DP_NO_GW_RIF: no gateway (GW_SET) */
	uint8_t gw_snat;
	uint16_t gw_port_min;
	uint16_t gw_port_max;
	uint32_t default_nh; /* DP_NO_NEXTHOP: no 0.0.0.0/0 route */
	uint32_t default_route; /* if there is one, its index in `routes` */
	uint32_t n_routes;
	uint32_t cap_routes;
	struct dp_route_entry *routes;
	/* Floating-IP packet counts (l3/dp_fip.h), from its first FIP_ADD; NULL before. */
	struct dp_fip_counts *fip_counts;
};

/* By id: the router's configuration, or NULL (no router, or one still retiring). */
extern struct dp_router_conf *dp_router_confs[DP_MAX_ROUTERS];

int dp_conf_router_by_name(const char *name);
int dp_conf_router_add(const struct dp_router_req *req);
int dp_conf_router_del(const struct dp_router_req *req);
int dp_conf_router_if_add(const struct dp_router_if_req *req);
int dp_conf_router_if_del(const struct dp_router_if_req *req);
int dp_conf_router_if_mac_set(const struct dp_router_if_req *req);
int dp_conf_route_add(const struct dp_route_req *req);
int dp_conf_route_del(const struct dp_route_req *req);
int dp_conf_router_gw_set(const struct dp_router_gw_req *req);
int dp_conf_router_gw_clear(const struct dp_router_gw_req *req);
/* The interface in `slot` goes: if it was the gateway, the router has none. */
void dp_conf_router_gw_forget_rif(struct dp_router_conf *c, uint8_t slot);
int dp_conf_publish_router(uint16_t id);
/* Next hop slots up to at least `want` (<= DP_MAX_NEXTHOPS): 0 or -ENOMEM. Waits for a
 * grace period when the array moves (the FIB is shared by old and new snapshots). */
int dp_conf_router_nh_grow(struct dp_router_conf *c, uint32_t want);
/* c's floating-IP counts, allocated on first use; NULL when out of memory. */
struct dp_fip_counts *dp_conf_router_fip_counts(struct dp_router_conf *c);
/* Bytes the router holds (configuration, snapshot, FIB, next hops, floating IPs). */
uint64_t dp_conf_router_bytes(const struct dp_router_conf *c);
/* Routers configured, and ids waiting for their grace period. */
uint32_t dp_conf_router_count(void);
uint32_t dp_conf_router_retiring(void);
/* The router interfaces on a network, for its snapshot; returns how many. */
uint8_t dp_conf_net_rifs(uint16_t net_id, struct dp_net_rif *out);

#endif
