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

#include "core/dp_neigh.h"
#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "l2/dp_flood.h"
#include "l2/dp_l2.h"
#include "pkt/dp_arp.h"
#include "dp_icmp.h"
#include "dp_ip4_route.h"

/* Next edge of a frame parked until its next hop answers ARP: not enqueued. */
#define HELD UINT16_MAX

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
	return dp_l2_output(m, net, rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, key, dp_kv_hash(key),
			DP_SRC_ROUTER, false);
}

struct route_out {
	struct rte_mbuf **objs;
	uint16_t *next;
	uint16_t n;
};

static void emit(struct route_out *o, struct rte_mbuf *m, uint16_t edge)
{
	o->objs[o->n] = m;
	o->next[o->n++] = edge;
}

/* An ICMP error about m to its sender, if one may be sent; m itself is dropped for r. */
static uint16_t icmp_error(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
		const struct dp_rif *in, uint8_t type, uint8_t code, uint16_t mtu, enum dp_drop_reason r)
{
	struct rte_mbuf *err = dp_icmp_error(w, m, in, type, code, mtu);

	if (err != NULL)
		emit(o, err, send_into(err, in->net_id));
	return drop(r);
}

static uint16_t route_one(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
		const uint32_t *looked_up);

/* A next hop answered: route again what waited for it. */
static void release_waiting(struct dp_worker *w, struct route_out *o, uint16_t scope, uint32_t ip)
{
	for (uint16_t i = 0; i < w->arp_wait.n;) {
		if (w->arp_wait.q[i].scope != scope || w->arp_wait.q[i].ip != ip) {
			i++;
			continue;
		}
		struct rte_mbuf *m = w->arp_wait.q[i].m;

		w->arp_wait.q[i] = w->arp_wait.q[--w->arp_wait.n];
		uint16_t e = route_one(w, o, m, NULL);
		if (e != HELD)
			emit(o, m, e);
	}
}

/* Frames waiting too long: their next hop does not answer. */
static void expire_waiting(struct dp_worker *w, struct route_out *o)
{
	for (uint16_t i = 0; i < w->arp_wait.n;) {
		if (w->now_sec - w->arp_wait.q[i].since <= DP_ARP_WAIT_SEC) {
			i++;
			continue;
		}
		emit(o, w->arp_wait.q[i].m, drop(DP_DROP_NEIGH_UNRESOLVED));
		w->arp_wait.q[i] = w->arp_wait.q[--w->arp_wait.n];
	}
}

static uint16_t arp_input(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
		const struct dp_rif *in)
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
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) && arp->arp_data.arp_tip == in->ip) {
		dp_arp_reply_in_place(m, arp, &in->mac);
		m->port = DP_SRC_ROUTER;
		return send_into(m, in->net_id);
	}
	return drop(DP_DROP_ARP_CONSUMED);
}

/* RFC 1812 5.2.2: length, version, header length, total length, checksum. */
static bool ip_header_ok(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	uint32_t hl, total;

	if (l3_len < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && l3_len >= hl && total >= hl && total <= l3_len &&
	       rte_raw_cksum(ip, hl) == 0xffff;
}

static const struct dp_rif *local_rif(const struct dp_router *r, uint32_t dst)
{
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

static uint16_t park(struct dp_worker *w, struct rte_mbuf *m, uint16_t scope, uint32_t ip)
{
	if (w->arp_wait.n == DP_ARP_WAIT_MAX)
		return drop(DP_DROP_NEIGH_QUEUE_FULL);
	w->arp_wait.q[w->arp_wait.n++] = (typeof(w->arp_wait.q[0])){
		.m = m, .ip = ip, .scope = scope, .since = w->now_sec};
	return HELD;
}

/*
 * `looked_up`: this frame's LPM result from the burst's bulk lookup, or NULL
 * to look it up here.
 */
static uint16_t route_one(struct dp_worker *w, struct route_out *o, struct rte_mbuf *m,
		const uint32_t *looked_up)
{
	const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
	const struct dp_router *r = dp_router_get(meta->router_id);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t l3_len = rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN, nh_index, target;
	const struct dp_rif *in, *out, *self;
	const struct dp_network *out_net;
	const struct dp_nexthop *nh;
	struct rte_ether_addr mac;
	bool resolved;
	uint64_t key;

	if (unlikely(r == NULL || meta->rif >= r->n_rifs))
		return drop(DP_DROP_NO_ROUTE);
	in = &r->rifs[meta->rif];
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return arp_input(w, o, m, in);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return drop(DP_DROP_ETHERTYPE_DENIED);
	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN || !ip_header_ok(ip, l3_len)))
		return drop(DP_DROP_IP_BAD_HEADER);

	self = local_rif(r, ip->dst_addr);
	if (unlikely(self != NULL)) {
		if (unlikely(w->trace))
			dp_trace_note(w, "ip4_route", DP_TRACE_ROUTE_LOCAL, ip->dst_addr, 0, in->net_id);
		if (!dp_icmp_is_echo_request(ip, l3_len))
			return drop(DP_DROP_IP_LOCAL);
		dp_icmp_echo_reply(m, &in->mac, self->ip);
		return send_into(m, in->net_id);
	}
	if (unlikely(ip->time_to_live <= 1))
		return icmp_error(w, o, m, in, DP_ICMP_TIME_EXCEEDED, DP_ICMP_TTL_IN_TRANSIT, 0,
				DP_DROP_TTL_EXCEEDED);
	if (looked_up != NULL)
		nh_index = *looked_up & RTE_LPM_LOOKUP_SUCCESS ? *looked_up & 0x00ffffff : DP_NO_NEXTHOP;
	else if (rte_lpm_lookup(r->lpm, rte_be_to_cpu_32(ip->dst_addr), &nh_index) != 0)
		nh_index = DP_NO_NEXTHOP;
	if (unlikely(nh_index == DP_NO_NEXTHOP) && (nh_index = r->default_nh) == DP_NO_NEXTHOP)
		return icmp_error(w, o, m, in, DP_ICMP_DEST_UNREACH, DP_ICMP_NET_UNREACH, 0,
				DP_DROP_NO_ROUTE);
	nh = &r->nh[nh_index];
	out = &r->rifs[nh->rif];
	out_net = dp_network_get(out->net_id);
	if (unlikely(out_net == NULL))
		return drop(DP_DROP_NO_ROUTE);
	if (unlikely(rte_be_to_cpu_16(ip->total_length) > out_net->max_payload)) {
		if (!(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG)))
			return drop(DP_DROP_FRAG_UNSUPPORTED);
		return icmp_error(w, o, m, in, DP_ICMP_DEST_UNREACH, DP_ICMP_FRAG_NEEDED,
				out_net->max_payload, DP_DROP_FRAG_NEEDED);
	}
	target = nh->gateway ? nh->gateway : ip->dst_addr;
	resolved = dp_neigh_lookup(out->net_id, target, &mac);
	if (unlikely(w->trace))
		dp_trace_note(w, "ip4_route", resolved ? DP_TRACE_ROUTE_RESOLVED : DP_TRACE_ROUTE_WAITING,
				ip->dst_addr, target, out->net_id);
	if (unlikely(!resolved)) {
		struct rte_mbuf *req = dp_neigh_solicit(w, out->net_id, target, &out->mac, out->ip);

		if (req != NULL) {
			dp_mbuf_meta(req)->net_id = out->net_id;
			req->port = DP_SRC_ROUTER;
			dp_flood_one(w, req);
		}
		return park(w, m, out->net_id, target);
	}
	ttl_decrement(ip);
	eth->dst_addr = mac;
	eth->src_addr = out->mac;
	m->port = DP_SRC_ROUTER;
	key = dp_fdb_key(out->net_id, &mac);
	return dp_l2_output(m, out_net, rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN, key,
			dp_kv_hash(key), DP_SRC_ROUTER, false);
}

/*
 * Looks up every frame's destination in one pass when the whole burst is for
 * one router (the common case): the lookups are independent, so their cache
 * and TLB misses overlap instead of stalling frame after frame. Returns false
 * when the frames must be looked up one by one.
 */
static bool lookup_burst(struct rte_mbuf **pkts, uint16_t n, uint32_t *nh)
{
	uint16_t router_id = dp_mbuf_meta(pkts[0])->router_id;
	const struct dp_router *r = dp_router_get(router_id);
	uint32_t dst[RTE_GRAPH_BURST_SIZE];

	if (n < 2 || r == NULL)
		return false;
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], const struct rte_ether_hdr *);
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

		if (dp_mbuf_meta(pkts[i])->router_id != router_id)
			return false;
		/* Anything not plainly IPv4 is looked up as 0.0.0.0 and checked properly later. */
		dst[i] = eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
					 rte_pktmbuf_data_len(pkts[i]) >= sizeof(*eth) + sizeof(*ip) ?
				 rte_be_to_cpu_32(ip->dst_addr) :
				 0;
	}
	rte_lpm_lookup_bulk(r->lpm, dst, nh, n);
	return true;
}

uint16_t dp_ip4_route_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		struct rte_mbuf **out_pkts, uint16_t *next)
{
	struct route_out o = {.objs = out_pkts, .next = next};
	uint32_t nh[RTE_GRAPH_BURST_SIZE];
	bool bulk = lookup_burst(pkts, n, nh);

	if (unlikely(w->arp_wait.n))
		expire_waiting(w, &o);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t e = route_one(w, &o, pkts[i], bulk ? &nh[i] : NULL);

		if (e != HELD)
			emit(&o, pkts[i], e);
	}
	if (unlikely(w->trace))
		dp_trace_burst(w, "ip4_route", dp_l2_edge_name, o.objs, o.next, o.n);
	return o.n;
}

static uint16_t ip4_route_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	/* Room for each frame and an ICMP error for each, twice over for those released
	 * from waiting. */
	struct rte_mbuf *out[2 * RTE_GRAPH_BURST_SIZE + 2 * DP_ARP_WAIT_MAX];
	uint16_t next[RTE_DIM(out)], n_out;

	n_out = dp_ip4_route_burst(w, (struct rte_mbuf **)objs, n, out, next);
	dp_tx_flush(w); /* ARP requests flooded by solicitation */
	dp_node_enqueue_burst(graph, node, (void **)out, next, n_out);
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
	return dp_node_register("ip4_route", ip4_route_process, edges, RTE_DIM(edges));
}
