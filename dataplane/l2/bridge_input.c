/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "dhcp/dp_dhcp.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "pkt/dp_mbuf.h"
#include "dp_bridge.h"
#include "dp_fdb.h"
#include "dp_l2.h"
#include "dp_port_security.h"

/* What the first pass learned about a frame, for the second. */
struct bridge_ctx {
	uint64_t src_key;
	uint64_t dst_key;
	uint32_t src_hash;
	uint32_t dst_hash;
	const struct dp_port *in;
	const struct dp_network *net;
	uint32_t payload; /* bytes after the L2 header(s) */
	uint8_t tagged;	  /* the VLAN tag is still in the frame */
	uint8_t routed;	  /* for a router interface: no destination lookup */
};

#define PENDING UINT16_MAX

static inline uint16_t drop(enum dp_drop_reason r)
{
	return DP_L2_EDGE_DROP(r);
}

/* First pass: everything that needs only the frame and the ingress port. */
static inline uint16_t classify(struct dp_worker *w, struct rte_mbuf *m, struct bridge_ctx *c)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct dp_port *in = dp_port_get(m->port);
	uint16_t etype, net_id, vlan_id = 0;
	uint32_t hdr = sizeof(*eth);
	bool tagged = false;

	if (unlikely(len < sizeof(*eth)))
		return drop(DP_DROP_RUNT_FRAME);
	/* A group address is never a valid source (IEEE 802.3 3.2.3), and all-zero is
	 * no station's address: learning either would poison the table. */
	if (unlikely(rte_is_multicast_ether_addr(&eth->src_addr) ||
			rte_is_zero_ether_addr(&eth->src_addr)))
		return drop(DP_DROP_INVALID_SRC_MAC);
	if (unlikely(in == NULL || in->mode == DP_PORT_DETACHED))
		return drop(DP_DROP_NO_NETWORK);
	if (in->mode == DP_PORT_UNDERLAY)
		return DP_L2_UNDERLAY;

	etype = eth->ether_type;
	if (etype == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh = (const void *)(eth + 1);

		if (unlikely(in->mode != DP_PORT_UPLINK))
			return drop(DP_DROP_BAD_VLAN);
		if (unlikely(len < sizeof(*eth) + sizeof(*vh)))
			return drop(DP_DROP_RUNT_FRAME);
		vlan_id = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		etype = vh->eth_proto;
		hdr += sizeof(*vh);
		tagged = true;
		if (unlikely(etype == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
				etype == RTE_BE16(RTE_ETHER_TYPE_QINQ)))
			return drop(DP_DROP_BAD_VLAN);
	} else if (unlikely(etype == RTE_BE16(RTE_ETHER_TYPE_QINQ))) {
		return drop(DP_DROP_BAD_VLAN);
	} else if (unlikely(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED)) {
		/* The device (or the kernel under af_packet) took the tag out of the frame. */
		if (in->mode != DP_PORT_UPLINK)
			return drop(DP_DROP_BAD_VLAN);
		vlan_id = m->vlan_tci & 0xfff;
	}

	/* VLAN id 0 is a priority tag (802.1Q 9.6): the frame belongs to the flat network. */
	net_id = in->mode == DP_PORT_ACCESS ? in->net_id : in->vlan_net[vlan_id];
	c->net = net_id ? dp_network_get(net_id) : NULL;
	if (unlikely(c->net == NULL))
		return drop(DP_DROP_NO_NETWORK);

	c->payload = rte_pktmbuf_pkt_len(m) - hdr;
	if (unlikely(c->payload > in->max_payload))
		return drop(DP_DROP_MTU_EXCEEDED);

	if (in->security) {
		unsigned int r = dp_port_security_check(in, eth, etype, (const uint8_t *)eth + hdr,
				len - hdr, c->payload);
		if (unlikely(r != DP_PORT_SECURITY_PASS))
			return drop(r);
	}

	/* The engine is the DHCP server of ports with an entry: their requests, and ARP
	 * for the server's address, are answered here and sent back (dhcp/dp_dhcp.h). */
	if (unlikely(dp_dhcp_active()) && in->mode == DP_PORT_ACCESS) {
		uint16_t e = DP_L2_EDGE_MAX;

		if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
				dp_dhcp_is_request((const uint8_t *)eth + hdr, len - hdr))
			e = dp_dhcp_input(w, m, in);
		else if (unlikely(etype == RTE_BE16(RTE_ETHER_TYPE_ARP)))
			e = dp_dhcp_arp_input(m, in);
		if (e != DP_L2_EDGE_MAX)
			return e;
	}

	c->in = in;
	c->tagged = tagged;
	c->routed = false;
	/* Frames for a router skip the destination's MAC table lookup altogether. */
	if (unlikely(c->net->n_rifs) && dp_l2_to_router(m, c->net, tagged) == DP_L2_ROUTE) {
		eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *); /* its tag is gone */
		c->routed = true;
		c->tagged = false;
	} else if (unlikely(c->payload > c->net->max_payload)) {
		/*
		 * Only switched frames answer to the network's MTU here: a routed one
		 * answers to its egress network's, where the router fragments it or
		 * says "fragmentation needed". So an IPv4 datagram that the port
		 * reassembled from fragments (af_packet does, in its fanout group)
		 * is not refused for arriving whole.
		 */
		return drop(DP_DROP_MTU_EXCEEDED);
	} else {
		c->dst_key = dp_fdb_key_hdr(net_id, &eth->dst_addr);
		c->dst_hash = dp_kv_hash(c->dst_key);
	}
	c->src_key = dp_fdb_key_hdr(net_id, &eth->src_addr);
	c->src_hash = dp_kv_hash(c->src_key);
	return PENDING;
}

/*
 * How many frames ahead the second pass warms MAC table buckets: enough to
 * hide a miss, few enough that the prefetches do not queue behind each other
 * (a whole burst of them stalls the core).
 */
#define BUCKET_PREFETCH_AHEAD 4

static inline void prefetch_buckets(const struct bridge_ctx *c)
{
	dp_kv_prefetch(&dp_tables.fdb, c->src_hash);
	if (!c->routed)
		dp_kv_prefetch(&dp_tables.fdb, c->dst_hash);
}

/*
 * Second pass: learn the source, decide where the frame goes. What the burst
 * learned and looked up last, kept for the next frame: a burst from one VM is
 * mostly one source, and a burst towards one is mostly one destination.
 * Within a burst, a station's entry read once is as current as read again
 * (a control-thread change may land at any point of the burst either way).
 */
struct last_seen {
	uint64_t src_key; /* 0 is never a key: network ids start at 1 */
	uint16_t src_port;
	bool dst_found;
	uint64_t dst_key;
	uint64_t dst_val;
};

/*
 * Whether the frame came from the uplink with a router interface's MAC as its
 * source: another node's distributed router routed it onto the network, and
 * the MAC is this node's router's, not behind the uplink (dp_l2_is_rif_mac).
 * From an access port that source is a spoof, port security's to refuse.
 */
static inline bool from_a_router(struct rte_mbuf *m, const struct bridge_ctx *c)
{
	return unlikely(c->in->mode == DP_PORT_UPLINK) && c->net->n_rifs &&
			dp_l2_is_rif_mac(c->net,
					&rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr);
}

static inline uint16_t forward(struct dp_worker *w, struct rte_mbuf *m, const struct bridge_ctx *c,
		struct last_seen *last)
{
	uint16_t e;

	/* Checked once per run of frames from one source, as the learning is. */
	if ((c->src_key != last->src_key || m->port != last->src_port) && !from_a_router(m, c)) {
		dp_l2_learn(w, c->src_key, c->src_hash, m->port, c->in->epoch);
		last->src_key = c->src_key;
		last->src_port = m->port;
	}
	if (c->routed) {
		e = DP_L2_ROUTE;
	} else {
		if (c->dst_key != last->dst_key) {
			last->dst_val = 0;
			last->dst_found = dp_kv_lookup(
					&dp_tables.fdb, c->dst_key, c->dst_hash, &last->dst_val);
			last->dst_key = c->dst_key;
		}
		e = dp_l2_switch_to(m, c->net, c->payload, last->dst_found, last->dst_val, m->port,
				c->tagged);
	}
	/* From a port with a security group: its egress rules first, then where the
	 * frame was going (drops need no check). */
	if (unlikely(c->in->sg != NULL) && e < DP_L2_DROP) {
		dp_mbuf_meta(m)->sg_next = (uint8_t)e;
		return DP_L2_SG_EGRESS;
	}
	return e;
}

void dp_bridge_input_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint16_t *next)
{
	struct bridge_ctx ctx[RTE_GRAPH_BURST_SIZE];
	struct last_seen last = {0};
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (i + 4 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 4], void *));
		next[i] = classify(w, pkts[i], &ctx[i]);
	}
	for (i = 0; i < RTE_MIN(n, (uint16_t)BUCKET_PREFETCH_AHEAD); i++)
		if (next[i] == PENDING)
			prefetch_buckets(&ctx[i]);
	for (i = 0; i < n; i++) {
		if (i + BUCKET_PREFETCH_AHEAD < n && next[i + BUCKET_PREFETCH_AHEAD] == PENDING)
			prefetch_buckets(&ctx[i + BUCKET_PREFETCH_AHEAD]);
		if (next[i] == PENDING)
			next[i] = forward(w, pkts[i], &ctx[i], &last);
	}
	if (unlikely(w->trace))
		dp_trace_burst("bridge_input", dp_l2_edge_name, pkts, next, n);
}

static uint16_t bridge_input_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	uint16_t next[RTE_GRAPH_BURST_SIZE];

	dp_bridge_input_burst(w, (struct rte_mbuf **)objs, n, next);
	dp_node_enqueue_burst(graph, node, objs, next, n);
	return n;
}

int dp_bridge_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	return dp_node_register("bridge_input", bridge_input_process, edges, RTE_DIM(edges));
}
