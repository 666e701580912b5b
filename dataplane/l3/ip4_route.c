/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ip4_route: frames addressed to a router interface. ARP for the interface
 * is answered and teaches the neighbour table; IPv4 is checked (RFC 1812
 * 5.2.2), answered when it is an echo to the router, else looked up in the
 * router's table, TTL-decremented, given the next hop's MAC and sent into
 * the egress network through the same switching decision as any frame
 * (so a route may end on a local port or behind a remote VTEP alike).
 * Errors go back as rate-limited ICMP.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "engine/dp_neigh.h"
#include "engine/dp_worker.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "nat/dp_nat_rewrite.h"
#include "nat/dp_snat.h"
#include "pkt/dp_arp.h"
#include "pkt/dp_ip4.h"
#include "dp_fip.h"
#include "dp_icmp.h"
#include "dp_ip4_frag.h"
#include "dp_ip4_route.h"

/* Next edge of a frame parked until its next hop answers ARP, or emitted already
 * (fragments): not enqueued by the caller. */
#define HELD UINT16_MAX
/* route_fast: the frame needs the full path. */
#define SLOW (UINT16_MAX - 1)

static uint16_t drop(enum dp_drop_reason r)
{
	return DP_L2_EDGE_DROP(r);
}

/* Sends a frame the router made (ICMP, ARP reply) into network net_id, to its Ethernet
 * destination. Returns the edge for it. */
static uint16_t send_into(struct rte_mbuf *m, uint16_t net_id)
{
	const struct dp_network *net = dp_network_get(net_id);
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint64_t key;

	if (net == NULL)
		return drop(DP_DROP_NO_NETWORK);
	key = dp_fdb_key(net_id, &eth->dst_addr);
	return dp_l2_output(m, net, rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, key,
	                dp_kv_hash(key), DP_SRC_ROUTER, false);
}

struct route_out {
	struct rte_mbuf **objs;
	uint16_t *next;
	uint16_t n;
	uint16_t frag_room; /* fragments this burst may still add (DP_IP4_ROUTE_FRAG_ROOM) */
	uint32_t gen;       /* dp_tables.conf_gen, read once per burst */
};

static void emit(struct route_out *o, struct rte_mbuf *m, uint16_t edge)
{
	o->objs[o->n] = m;
	o->next[o->n++] = edge;
}

/* An ICMP error about m to its sender, if one may be sent; m itself is dropped for r. */
static uint16_t icmp_error(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
                const struct dp_rif *in, uint8_t type, uint8_t code, uint16_t mtu,
                enum dp_drop_reason r)
{
	struct rte_mbuf *err = dp_icmp_error(w, m, in, type, code, mtu);

	if (err != NULL)
		emit(o, err, send_into(err, in->net_id));
	return drop(r);
}

static uint16_t route_one(
                struct dp_worker *w, struct route_out *o, struct rte_mbuf *m, uint32_t nh_index);

/* The next hop of dst (host order) in m's router, looked up alone. */
static uint32_t lookup_one(struct rte_mbuf *m, uint32_t dst)
{
	const struct dp_router *r = dp_router_get(dp_mbuf_meta(m)->router_id);

	return r != NULL ? dp_fib_lookup(r->fib, dst) : DP_NO_NEXTHOP;
}

/* A next hop answered: route again what waited for it, in the order it came. (Frames
 * that wait too long are given up by the worker's tick: engine/dp_arp_wait.h.) */
static void release_waiting(struct dp_worker *w, struct route_out *o, uint16_t scope, uint32_t ip)
{
	struct rte_mbuf *m;

	/* At most what waits now: a frame routed again may wait anew (its route changed). */
	for (uint16_t left = w->arp_wait.n;
	                left && (m = dp_arp_wait_take(w, DP_WAIT_ROUTED, scope, ip)) != NULL;
	                left--) {
		/* Looked up again: the table may have changed while it waited. (It is an
		 * intact IPv4 frame: it was routed once.) */
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(
		                m, const struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
		uint16_t e = route_one(w, o, m, lookup_one(m, rte_be_to_cpu_32(ip->dst_addr)));

		if (e != HELD)
			emit(o, m, e);
	}
}

static uint16_t arp_input(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
                const struct dp_router *r, const struct dp_rif *in)
{
	struct rte_arp_hdr *arp = dp_arp_parse(m);
	uint32_t sip;

	if (arp == NULL)
		return drop(DP_DROP_RUNT_FRAME);
	sip = arp->arp_data.arp_sip;
	/* Learn only what is on the interface's subnet: the next hops we may need. */
	if (sip != 0 && ((sip ^ in->ip) & in->mask) == 0 &&
	                rte_is_unicast_ether_addr(&arp->arp_data.arp_sha)) {
		dp_neigh_learn(w, in->net_id, sip, &arp->arp_data.arp_sha);
		release_waiting(w, o, in->net_id, sip);
	}
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) &&
	                (arp->arp_data.arp_tip == in->ip ||
	                                dp_fip_answers_arp(r, (uint8_t)(in - r->rifs),
	                                                arp->arp_data.arp_tip))) {
		dp_arp_reply_in_place(m, arp, &in->mac);
		m->port = DP_SRC_ROUTER;
		return send_into(m, in->net_id);
	}
	return drop(DP_DROP_ARP_CONSUMED);
}

/* RFC 1812 5.2.2: length, version, header length, total length, checksum. */
static bool ip_header_ok(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	uint32_t hl;

	if (!dp_ip4_hdr_valid(ip, l3_len, l3_len))
		return false;
	hl = rte_ipv4_hdr_len(ip);
	return (hl == sizeof(*ip) ? dp_ip4_sum20(ip) : rte_raw_cksum(ip, hl)) == 0xffff;
}

static const struct dp_rif *local_rif(const struct dp_router *r, uint32_t dst)
{
	if (likely(!(r->local_bits & dp_router_local_bit(dst))))
		return NULL;
	for (uint8_t i = 0; i < r->n_rifs; i++)
		if (r->rifs[i].net_id && r->rifs[i].ip == dst)
			return &r->rifs[i];
	return NULL;
}

/* Decrements the TTL and patches the checksum for it (RFC 1624). */
static void ttl_decrement(struct rte_ipv4_hdr *ip)
{
	uint32_t sum = (uint16_t)~ip->hdr_checksum + (uint16_t)~RTE_BE16(0x0100);

	ip->time_to_live--;
	sum = (sum & 0xffff) + (sum >> 16);
	ip->hdr_checksum = ~(uint16_t)((sum & 0xffff) + (sum >> 16));
}

/* The frame waits for next hop `ip` in network `scope`, which interface `rif` asks for
 * (now, flooded into the network, and each second while it waits). */
static uint16_t park(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m, uint16_t scope,
                uint32_t ip, uint8_t rif)
{
	struct rte_mbuf *req;
	int rc = dp_arp_wait_park(w, m, DP_WAIT_ROUTED, scope, ip, rif, &req);

	if (req != NULL)
		emit(o, req, DP_L2_FLOOD);
	return rc < 0 ? drop(DP_DROP_NEIGH_QUEUE_FULL) : HELD;
}

/*
 * Asks a stale next hop to confirm itself while frames keep going to the MAC we
 * have: its answer (arp_input) refreshes the entry, or changes its MAC. The
 * entry itself is not touched, so one that never answers still ages out.
 * Called from the full path only, which a next hop takes once per second per
 * worker (its adjacency lasts a second): at most that many requests.
 */
static void probe(
                struct dp_worker *w, struct route_out *o, const struct dp_rif *out, uint32_t target)
{
	struct rte_mbuf *req = dp_arp_request(dp_tables.pool, &out->mac, out->ip, target);

	if (req == NULL) {
		w->drops[DP_DROP_NO_MBUF]++;
		return;
	}
	dp_flood_from_router(req, out->net_id, false);
	emit(o, req, DP_L2_FLOOD);
}

/* Sends a frame to a next hop whose egress is cached: what the full path below does,
 * minus the lookups. */
static inline uint16_t forward_adj(struct rte_mbuf *m, struct rte_ether_hdr *eth,
                struct rte_ipv4_hdr *ip, const struct dp_adj *a)
{
	struct dp_mbuf_meta *meta = dp_mbuf_meta(m);

	ttl_decrement(ip);
	eth->dst_addr = a->dst;
	eth->src_addr = a->src;
	m->port = DP_SRC_ROUTER;
	meta->out_port = a->out_port;
	meta->net_id = a->net_id;
	if (a->vlan_id && unlikely(dp_vlan_push(m, a->vlan_id) < 0))
		return drop(DP_DROP_NO_MBUF);
	return a->edge;
}

/* Remembers where the full path sent a frame to this next hop (its headers are final). */
static void adj_fill(struct dp_worker *w, uint32_t gen, uint32_t key, uint32_t target,
                uint16_t edge, struct rte_mbuf *m, const struct dp_network *net,
                const struct dp_rif *out)
{
	const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
	struct dp_adj *a = dp_adj_slot(w->adj, key, target, w->now_sec, gen);
	uint32_t max = net->max_payload;
	uint16_t vlan_id = 0;

	if (edge == DP_L2_TX || edge == DP_L2_SG_INGRESS) {
		const struct dp_port *p = dp_port_get(meta->out_port);

		if (p == NULL)
			return;
		if (p->mode == DP_PORT_UPLINK && net->type == DP_NET_VLAN)
			vlan_id = net->vlan_id;
		max = RTE_MIN(max, p->max_payload);
	}
	*a = (struct dp_adj){.key = key,
	                .target = target,
	                .sec = w->now_sec,
	                .gen = gen,
	                .edge = edge,
	                .out_port = meta->out_port,
	                .net_id = net->id,
	                .vlan_id = vlan_id,
	                .max_len = RTE_MIN(max, (uint32_t)UINT16_MAX),
	                .src = out->mac};
	/* The frame left with the next hop's MAC as its destination. */
	a->dst = rte_pktmbuf_mtod_offset(m, const struct rte_ether_hdr *, 0)->dst_addr;
}

/*
 * A datagram without DF too big for the egress network leaves as fragments
 * (RFC 1812 5.2.7), each switched on its own like any routed frame: m is the
 * first; all are emitted here (HELD: the caller emits nothing). Its headers
 * are final (TTL, MACs).
 * Fragments are never remembered in an adjacency: they would make its
 * max_len lie.
 */
static uint16_t fragment(struct route_out *o, struct rte_mbuf *m, const struct dp_network *out_net,
                uint64_t key)
{
	struct rte_mbuf *more[DP_IP4_FRAG_MAX];
	uint32_t hash = dp_kv_hash(key);
	int n = dp_ip4_fragment(m, RTE_ETHER_HDR_LEN, (uint16_t)out_net->max_payload,
	                dp_tables.pool, more, RTE_MIN(o->frag_room, (uint16_t)RTE_DIM(more)));

	if (unlikely(n < 0))
		return drop(n == -ENOMEM ? DP_DROP_NO_MBUF : DP_DROP_FRAG_NO_ROOM);
	o->frag_room -= (uint16_t)n;
	/* In order, the first first: receivers reassemble any order, but a capture reads
	 * better, and a receiver that keeps only the first fragment (for its ports) sooner. */
	emit(o, m,
	                dp_l2_output(m, out_net, rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, key,
	                                hash, DP_SRC_ROUTER, false));
	for (int i = 0; i < n; i++)
		emit(o, more[i],
		                dp_l2_output(more[i], out_net,
		                                rte_pktmbuf_pkt_len(more[i]) - RTE_ETHER_HDR_LEN,
		                                key, hash, DP_SRC_ROUTER, false));
	return HELD;
}

/*
 * The full path, for whatever route_fast left: ARP, echo to the router, bad
 * headers, ICMP errors, next hops to resolve, and the first frame to each next
 * hop (which fills its adjacency). `nh_index`: the FIB's answer for the
 * frame's destination (DP_NO_NEXTHOP: none; read only for IPv4 frames).
 */
static uint16_t route_one(
                struct dp_worker *w, struct route_out *o, struct rte_mbuf *m, uint32_t nh_index)
{
	const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
	const struct dp_router *r = dp_router_get(meta->router_id);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t l3_len = rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN, target;
	const struct dp_rif *in, *out, *self;
	const struct dp_fip_table *fips;
	const struct dp_network *out_net;
	const struct dp_nexthop *nh;
	struct rte_ether_addr mac;
	bool resolved, stale, too_big;
	uint64_t key;
	uint16_t e;

	if (unlikely(r == NULL || meta->rif >= r->n_rifs))
		return drop(DP_DROP_NO_ROUTE);
	in = &r->rifs[meta->rif];
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return arp_input(w, o, m, r, in);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return drop(DP_DROP_ETHERTYPE_DENIED);
	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN || !ip_header_ok(ip, l3_len)))
		return drop(DP_DROP_IP_BAD_HEADER);

	fips = dp_fip_get(r->id);
	if (unlikely(fips != NULL) && meta->rif == r->gw_rif) {
		const struct dp_fip *f = dp_fip_by_fip(fips, ip->dst_addr);

		/* Stateless 1:1 (l3/dp_fip.h): to the fixed address, routed as such. */
		if (f != NULL) {
			dp_fip_count(fips, f, w->index, 0);
			dp_nat_rewrite_ip4_addr(ip, l3_len, false, f->fixed_ip);
			nh_index = dp_fib_lookup(r->fib, rte_be_to_cpu_32(f->fixed_ip));
		}
	}
	self = local_rif(r, ip->dst_addr);
	if (unlikely(self != NULL)) {
		if (unlikely(w->trace))
			dp_trace_note("ip4_route", DP_TRACE_ROUTE_LOCAL, ip->dst_addr, 0,
			                in->net_id);
		if (!dp_icmp_is_echo_request(ip, l3_len))
			return drop(DP_DROP_IP_LOCAL);
		dp_icmp_echo_reply(m, &in->mac, self->ip);
		return send_into(m, in->net_id);
	}
	if (unlikely(ip->time_to_live <= 1))
		return icmp_error(w, o, m, in, DP_ICMP_TIME_EXCEEDED, DP_ICMP_TTL_IN_TRANSIT, 0,
		                DP_DROP_TTL_EXCEEDED);
	if (unlikely(nh_index == DP_NO_NEXTHOP) && (nh_index = r->default_nh) == DP_NO_NEXTHOP)
		return icmp_error(w, o, m, in, DP_ICMP_DEST_UNREACH, DP_ICMP_NET_UNREACH, 0,
		                DP_DROP_NO_ROUTE);
	nh = &r->nh[nh_index];
	out = &r->rifs[nh->rif];
	out_net = dp_network_get(out->net_id);
	if (unlikely(out_net == NULL))
		return drop(DP_DROP_NO_ROUTE);
	too_big = rte_be_to_cpu_16(ip->total_length) > out_net->max_payload;
	if (unlikely(too_big) && (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
		return icmp_error(w, o, m, in, DP_ICMP_DEST_UNREACH, DP_ICMP_FRAG_NEEDED,
		                out_net->max_payload, DP_DROP_FRAG_NEEDED);
	target = nh->gateway ? nh->gateway : ip->dst_addr;
	resolved = dp_neigh_lookup_stale(out->net_id, target, &mac, w->now_sec, &stale);
	if (unlikely(w->trace))
		dp_trace_note("ip4_route",
		                resolved ? DP_TRACE_ROUTE_RESOLVED : DP_TRACE_ROUTE_WAITING,
		                ip->dst_addr, target, out->net_id);
	if (unlikely(!resolved))
		return park(w, o, m, out->net_id, target, nh->rif);
	if (unlikely(stale))
		probe(w, o, out, target);
	if (unlikely(fips != NULL) && nh->rif == r->gw_rif) {
		const struct dp_fip *f = dp_fip_by_fixed(fips, ip->src_addr);

		/* Leaves from its fip, before and instead of the router's SNAT. */
		if (f != NULL) {
			dp_fip_count(fips, f, w->index, 1);
			dp_nat_rewrite_ip4_addr(ip, l3_len, true, f->fip);
		}
	}
	ttl_decrement(ip);
	eth->dst_addr = mac;
	eth->src_addr = out->mac;
	m->port = DP_SRC_ROUTER;
	key = dp_fdb_key(out->net_id, &mac);
	if (unlikely(too_big)) /* (translation changes no length) */
		return fragment(o, m, out_net, key);
	e = dp_l2_output(m, out_net, rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, key,
	                dp_kv_hash(key), DP_SRC_ROUTER, false);
	/* (To a port with a security group too: sg_ingress checks each frame.) */
	if (e == DP_L2_TX || e == DP_L2_VXLAN || e == DP_L2_SG_INGRESS)
		adj_fill(w, o->gen, dp_adj_key(r->id, nh_index), target, e, m, out_net, out);
	return e;
}

/*
 * The common case whole, inline: an intact IPv4 frame (no options), not for
 * the router itself, with TTL to spare, to a next hop whose adjacency this
 * worker holds and whose egress takes the frame as it is. Anything else is
 * SLOW and goes to route_one, which checks it properly.
 */
static __rte_always_inline uint16_t route_fast(struct dp_worker *w, const struct dp_router *r,
                struct rte_mbuf *m, uint32_t nh_index, uint32_t gen)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	const struct dp_fip_table *fips;
	const struct dp_adj *a;
	uint32_t total;

	/* ip_header_ok's checks, specialised for a header without options: calling it
	 * here measured ~4 cycles a frame more (virga-stagebench, 1M routes). */
	if (nh_index == DP_NO_NEXTHOP)
		nh_index = r->default_nh;
	if (unlikely(eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	                    rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip) ||
	                    ip->version_ihl != RTE_IPV4_VHL_DEF || ip->time_to_live <= 1 ||
	                    nh_index == DP_NO_NEXTHOP))
		return SLOW;
	total = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(total < sizeof(*ip) || total > rte_pktmbuf_data_len(m) - sizeof(*eth) ||
	                    dp_ip4_sum20(ip) != 0xffff || local_rif(r, ip->dst_addr) != NULL))
		return SLOW;
	fips = dp_fip_get(r->id);
	/* Inbound to a fip: routed to its fixed address, looked up on the full path. */
	if (unlikely(fips != NULL) && dp_mbuf_meta(m)->rif == r->gw_rif &&
			dp_fip_by_fip(fips, ip->dst_addr) != NULL)
		return SLOW;
	a = dp_adj_find(w->adj, dp_adj_key(r->id, nh_index),
	                r->nh[nh_index].gateway ? r->nh[nh_index].gateway : ip->dst_addr, w->now_sec,
	                gen);
	if (unlikely(a == NULL || total > a->max_len))
		return SLOW;
	/* Outbound through the gateway from a fixed address: leaves from its fip. */
	if (unlikely(fips != NULL) && r->gw_rif < r->n_rifs &&
			a->net_id == r->rifs[r->gw_rif].net_id) {
		const struct dp_fip *f = dp_fip_by_fixed(fips, ip->src_addr);

		if (f != NULL) {
			dp_fip_count(fips, f, w->index, 1);
			dp_nat_rewrite_ip4_addr(ip, total, true, f->fip);
		}
	}
	return forward_adj(m, eth, ip, a);
}

/*
 * Each frame's destination (host order; 0.0.0.0 for anything not plainly
 * IPv4, which route_one checks properly) into dst. Returns the router when
 * the whole burst is for one (the common case), else NULL.
 */
static const struct dp_router *burst_router(struct rte_mbuf **pkts, uint16_t n, uint32_t *dst)
{
	uint16_t router_id = dp_mbuf_meta(pkts[0])->router_id;
	const struct dp_router *r = dp_router_get(router_id);
	bool one_router = r != NULL;

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth =
		                rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

		one_router &= dp_mbuf_meta(pkts[i])->router_id == router_id;
		dst[i] = eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
		                                         rte_pktmbuf_data_len(pkts[i]) >=
		                                                         sizeof(*eth) + sizeof(*ip)
		                         ? rte_be_to_cpu_32(ip->dst_addr)
		                         : 0;
	}
	return one_router ? r : NULL;
}

uint16_t dp_ip4_route_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
                struct rte_mbuf **out_pkts, uint16_t *next)
{
	struct route_out o = {.objs = out_pkts,
	                .next = next,
	                .frag_room = DP_IP4_ROUTE_FRAG_ROOM,
	                .gen = dp_conf_gen()};
	uint32_t dst[RTE_GRAPH_BURST_SIZE], nh[RTE_GRAPH_BURST_SIZE];
	uint16_t nat_drop[RTE_GRAPH_BURST_SIZE];
	const struct dp_router *r = burst_router(pkts, n, dst);
	bool nat;

	/*
	 * One bulk lookup when the burst is for one router: with a large table each
	 * entry is a likely cache (and, in a VM, costly TLB) miss, and asking for all
	 * of them at once overlaps the most. (Measured with virga-stagebench: slower
	 * when prefetched a few frames ahead, and slower still when asked for in
	 * bridge_input, a stage ahead.)
	 */
	if (likely(r != NULL)) {
		dp_fib_lookup_bulk(r->fib, dst, nh, n);
	} else {
		for (uint16_t i = 0; i < n; i++)
			nh[i] = lookup_one(pkts[i], dst[i]);
	}
	/* SNAT next, once the next hops say what leaves through a gateway (nat/dp_snat.h). */
	nat = r == NULL || unlikely(dp_snat_router_has(r->id));
	if (nat)
		dp_snat_burst(w, pkts, n, nh, nat_drop);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t e;

		if (nat && unlikely(nat_drop[i] != DP_DROP_REASON_MAX)) {
			emit(&o, pkts[i], drop(nat_drop[i]));
			continue;
		}
		/* Traced frames take the full path, which explains itself. */
		e = likely(r != NULL && !w->trace) ? route_fast(w, r, pkts[i], nh[i], o.gen) : SLOW;

		if (e == SLOW)
			e = route_one(w, &o, pkts[i], nh[i]);

		if (e != HELD)
			emit(&o, pkts[i], e);
	}
	if (unlikely(w->trace))
		dp_trace_burst("ip4_route", dp_l2_edge_name, o.objs, o.next, o.n);
	return o.n;
}

static uint16_t ip4_route_process(
                struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	struct rte_mbuf *out[DP_IP4_ROUTE_OUT_MAX(RTE_GRAPH_BURST_SIZE)];
	uint16_t next[RTE_DIM(out)], n_out;

	/* Several stages feed this one, so a walk may bring more than a burst. */
	for (uint16_t done = 0; done < n;) {
		uint16_t chunk = RTE_MIN(n - done, (uint16_t)RTE_GRAPH_BURST_SIZE);

		n_out = dp_ip4_route_burst(w, (struct rte_mbuf **)objs + done, chunk, out, next);
		dp_node_enqueue_burst(graph, node, (void **)out, next, n_out);
		done += chunk;
	}
	return n;
}

int dp_ip4_route_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	/* A routed frame is never a frame from the underlay; and one addressed to another
	 * router's interface (router to router on one node) is not supported yet. */
	edges[DP_L2_UNDERLAY] = dp_drop_node_name(DP_DROP_VXLAN_NOT_FOR_US);
	edges[DP_L2_ROUTE] = dp_drop_node_name(DP_DROP_IP_LOCAL);
	/* A routed frame was checked by its sender's egress rules before routing. */
	edges[DP_L2_SG_EGRESS] = dp_drop_node_name(DP_DROP_SG_DENIED_EGRESS);
	return dp_node_register("ip4_route", ip4_route_process, edges, RTE_DIM(edges));
}
