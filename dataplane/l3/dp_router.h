/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 routers: what workers read.
 *
 * Contract
 *  - The control thread is the only writer (l3/dp_router_conf.c). A router's
 *    snapshot (interfaces) is replaced whole under RCU like ports and networks.
 *  - Its routing table is a dp_fib (l3/dp_fib.h) changed in place by the
 *    control thread and read lock-free by workers; a tbl8 group it no longer
 *    uses is reused only after a grace period on dp_tables.rcu, so a worker
 *    mid-lookup never reads a reused group.
 *  - Next hops: an array the control thread fills before a route refers to
 *    an entry, and does not reuse before a grace period; workers read it.
 *    It starts small and is replaced by one twice as long when full: the new
 *    snapshot points at it, and no route uses a new slot before a grace
 *    period has passed (a worker with the old snapshot reads the shared FIB).
 *  - A deleted router's id, FIB and next hops are reused or freed only after
 *    a grace period (l3/dp_router_conf.c).
 *  - Full: route adds beyond max_routes (or out of tbl8 groups) fail with
 *    -ENOSPC and change nothing.
 */
#ifndef VIRGA_DP_ROUTER_H
#define VIRGA_DP_ROUTER_H

#include <stdint.h>

#include <rte_ether.h>

#include "dp_fib.h"

/* Router ids 0..8191: a static array of snapshot pointers (64 KiB), so a worker reaches
 * a router in one load; everything else a router holds is allocated when it is added. */
#define DP_MAX_ROUTERS 8192
#define DP_MAX_RIFS 16	      /* interfaces of one router */
#define DP_MAX_NET_RIFS 4     /* router interfaces on one network */
#define DP_MAX_NEXTHOPS 4096  /* distinct next hops of one router */
#define DP_NEXTHOPS_MIN 16    /* a new router's next hop slots, doubled as needed */

struct dp_rif {
	uint16_t net_id;
	uint8_t prefixlen;
	uint32_t ip;   /* network byte order, like mask */
	uint32_t mask;
	struct rte_ether_addr mac;
};

struct dp_nexthop {
	uint32_t gateway; /* network byte order; 0: the destination itself (connected) */
	uint8_t rif;
};

#define DP_NO_NEXTHOP UINT32_MAX
_Static_assert(DP_NO_NEXTHOP == DP_FIB_MISS, "a FIB miss reads as no next hop");
_Static_assert(DP_MAX_NEXTHOPS - 1 <= DP_FIB_MAX_NH, "every next hop fits a FIB entry");

/* The router's gateway (GW_SET): one interface, read by workers in the snapshot. */
#define DP_NO_GW_RIF 0xff
#define DP_SNAT_PORT_MIN_DEFAULT 1024
#define DP_SNAT_PORT_MAX_DEFAULT 65535

struct dp_router {
	uint16_t id;
	uint8_t n_rifs;
	uint8_t gw_rif;	   /* DP_NO_GW_RIF: no gateway */
	uint8_t gw_snat;   /* 1: what leaves through gw_rif from other interfaces is translated */
	uint16_t gw_port_min; /* SNAT's source port range, inclusive */
	uint16_t gw_port_max;
	/* The FIB takes prefixes of /1 to /32: the default route lives here instead. */
	uint32_t default_nh;
	struct dp_fib *fib;	 /* owned by the router's conf, shared by its snapshots */
	struct dp_nexthop *nh;	 /* likewise; indexed by the FIB's next hop */
	/*
	 * Bit dp_router_local_bit(ip) set for the address of each interface: a
	 * frame whose destination's bit is clear is not for the router, without
	 * walking the interfaces (two loads and compares each, for every routed
	 * frame: 21 instructions a frame of virga-stagebench --path snat).
	 */
	uint64_t local_bits;
	struct dp_rif rifs[DP_MAX_RIFS];
} __rte_cache_aligned;

/* Any thread: the bit of address ip (network order) in local_bits. */
static inline uint64_t dp_router_local_bit(uint32_t ip)
{
	return 1ull << ((ip * 0x9e3779b1u) >> 26);
}

/* A router interface as its network sees it: frames to `mac` are routed. */
struct dp_net_rif {
	struct rte_ether_addr mac;
	uint16_t router_id;
	uint32_t ip;
	uint8_t rif;
};

#endif
