/* SPDX-License-Identifier: Apache-2.0 */
/*
 * underlay_input: what arrives on the underlay port. ARP for the VTEP address
 * is answered and ARP from the underlay teaches the neighbour table, which
 * releases the frames this worker held for that next hop to vxlan_output;
 * VXLAN to our VTEP is decapsulated and switched in the network of its VNI,
 * learning inner source MACs behind the sending VTEP when learning is on (when
 * it is off, only the network's own peers may send into it). The rest is not
 * for us.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "engine/dp_neigh.h"
#include "engine/dp_worker.h"
#include "pkt/dp_arp.h"
#include "dp_l2.h"
#include "dp_vxlan.h"

static uint16_t drop(enum dp_drop_reason r)
{
	return DP_L2_EDGE_DROP(r);
}

/* Frames handed back to vxlan_output: they waited for an underlay next hop. */
struct released {
	struct rte_mbuf **m;
	uint16_t n;
};

static void release_waiting(struct dp_worker *w, struct released *rel, uint32_t ip)
{
	struct rte_mbuf *m;

	/* Nothing parks while this stage runs, so the queue's room bounds what comes out. */
	while (rel->n < DP_ARP_WAIT_MAX &&
			(m = dp_arp_wait_take(w, DP_WAIT_ENCAP, DP_NEIGH_SCOPE_UNDERLAY, ip)) != NULL)
		rel->m[rel->n++] = m;
}

static uint16_t arp_input(struct dp_worker *w, struct released *rel, struct rte_mbuf *m,
		const struct dp_vtep *v)
{
	struct rte_arp_hdr *arp = dp_arp_parse(m);
	uint32_t sip;

	if (arp == NULL)
		return drop(DP_DROP_RUNT_FRAME);
	sip = arp->arp_data.arp_sip;
	/* Learn senders on our subnet only: those are the next hops we may need. */
	if (((sip ^ v->local_ip) & v->mask) == 0 && sip != 0 &&
			rte_is_unicast_ether_addr(&arp->arp_data.arp_sha)) {
		dp_neigh_learn(w, DP_NEIGH_SCOPE_UNDERLAY, sip, &arp->arp_data.arp_sha);
		if (unlikely(w->arp_wait.n))
			release_waiting(w, rel, sip);
	}
	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) && arp->arp_data.arp_tip == v->local_ip) {
		dp_arp_reply_in_place(m, arp, &v->mac);
		dp_mbuf_meta(m)->out_port = v->port_id;
		return DP_L2_TX;
	}
	return drop(DP_DROP_ARP_CONSUMED);
}

static uint16_t vxlan_input(struct dp_worker *w, struct rte_mbuf *m, const struct dp_vtep *v)
{
	const struct rte_ether_hdr *eth;
	const struct dp_network *net;
	uint32_t vni, src_ip, payload;
	uint64_t src_key, dst_key;
	uint16_t net_id, in_id;
	unsigned int r;
	int peer;

	r = dp_vxlan_decap(m, v, &vni, &src_ip);
	if (r != DP_DROP_REASON_MAX)
		return drop(r);
	net_id = dp_vtep_vni_net(v, vni);
	net = net_id ? dp_network_get(net_id) : NULL;
	if (unlikely(w->trace))
		dp_trace_note("underlay_input", DP_TRACE_VXLAN_DECAP, src_ip, rte_cpu_to_be_32(vni),
				net_id);
	if (net == NULL)
		return drop(DP_DROP_VXLAN_UNKNOWN_VNI);
	peer = dp_vtep_peer_index(v, src_ip);
	/* Without learning (l2population) the control plane names every VTEP of a
	 * network, and a network takes frames from those alone, as Neutron's per-peer
	 * tunnels do; a learning VTEP discovers its peers from what they send. */
	if (!v->learning && unlikely(!dp_network_has_peer(net, peer)))
		return drop(DP_DROP_VXLAN_UNKNOWN_PEER);
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (rte_is_multicast_ether_addr(&eth->src_addr) || rte_is_zero_ether_addr(&eth->src_addr))
		return drop(DP_DROP_INVALID_SRC_MAC);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
			eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ))
		return drop(DP_DROP_BAD_VLAN);
	payload = rte_pktmbuf_pkt_len(m) - RTE_ETHER_HDR_LEN;
	if (payload > net->max_payload)
		return drop(DP_DROP_MTU_EXCEEDED);
	in_id = peer >= 0 ? DP_PEER_BASE + peer : DP_PEER_UNKNOWN;
	/* Another node's distributed router routed it here: its interface MAC is
	 * this node's router's, not behind the peer (dp_l2_is_rif_mac). */
	if (v->learning && peer >= 0 &&
			!(unlikely(net->n_rifs) && dp_l2_is_rif_mac(net, &eth->src_addr))) {
		src_key = dp_fdb_key(net_id, &eth->src_addr);
		dp_l2_learn(w, src_key, dp_kv_hash(src_key), in_id, dp_tables.peer_epoch[peer]);
	}
	dst_key = dp_fdb_key(net_id, &eth->dst_addr);
	return dp_l2_output(m, net, payload, dst_key, dp_kv_hash(dst_key), in_id, false);
}

static uint16_t underlay_one(struct dp_worker *w, struct released *rel, struct rte_mbuf *m,
		const struct dp_vtep *v)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (v == NULL || v->port_id != m->port)
		return drop(DP_DROP_VXLAN_NO_VTEP);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return arp_input(w, rel, m, v);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
			rte_is_same_ether_addr(&eth->dst_addr, &v->mac))
		return vxlan_input(w, m, v);
	return drop(DP_DROP_VXLAN_NOT_FOR_US);
}

uint16_t dp_underlay_input_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n,
		uint16_t *next, struct rte_mbuf **released)
{
	const struct dp_vtep *v = dp_vtep_get();
	struct released rel = {.m = released};

	for (uint16_t i = 0; i < n; i++)
		next[i] = underlay_one(w, &rel, pkts[i], v);
	if (unlikely(w->trace))
		dp_trace_burst("underlay_input", dp_l2_edge_name, pkts, next, n);
	return rel.n;
}

static uint16_t underlay_input_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	uint16_t next[RTE_GRAPH_BURST_SIZE], n_rel;
	struct rte_mbuf *released[DP_ARP_WAIT_MAX];

	n_rel = dp_underlay_input_burst(w, (struct rte_mbuf **)objs, n, next, released);
	/* The burst itself first, so the common case still hands over its stream whole. */
	dp_node_enqueue_burst(graph, node, objs, next, n);
	if (unlikely(n_rel))
		rte_node_enqueue(graph, node, DP_L2_VXLAN, (void **)released, n_rel);
	return n;
}

int dp_underlay_input_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	/* It never sends a frame to itself, and rte_graph refuses a loop edge. */
	edges[DP_L2_UNDERLAY] = dp_drop_node_name(DP_DROP_VXLAN_NOT_FOR_US);
	/* Nor does it come from a local port's security group. */
	edges[DP_L2_SG_EGRESS] = dp_drop_node_name(DP_DROP_SG_DENIED_EGRESS);
	return dp_node_register("underlay_input", underlay_input_process, edges, RTE_DIM(edges));
}
