/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The switching decision shared by the stages that hand frames to a network:
 * bridge_input (frames from local ports), underlay_input (frames from remote
 * VTEPs) and ip4_route (routed frames). Those, l2_flood and vxlan_output share
 * one edge layout, so each can reach port_tx, l2_flood, vxlan_output and every
 * drop; an edge a stage never takes, or that would loop back on itself, leads
 * to a drop node in its registration.
 *
 * Packet path, inline.
 */
#ifndef VIRGA_DP_L2_H
#define VIRGA_DP_L2_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/dp_drop.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "l3/dp_fip.h"
#include "pkt/dp_mbuf.h"
#include "dp_fdb.h"

enum dp_l2_edge {
	DP_L2_TX,         /* port_tx, to dp_mbuf_meta(m)->out_port: the only way out */
	DP_L2_FLOOD,      /* l2_flood, in dp_mbuf_meta(m)->net_id */
	DP_L2_VXLAN,      /* vxlan_output, to remote VTEP out_port - DP_PEER_BASE */
	DP_L2_UNDERLAY,   /* underlay_input: a frame that arrived on the underlay port */
	DP_L2_ROUTE,      /* ip4_route: addressed to a router interface (meta router_id, rif) */
	DP_L2_SG_EGRESS,  /* sg_egress: from a port with a security group; then meta sg_next */
	DP_L2_SG_INGRESS, /* sg_ingress: to port meta out_port, which has a security group */
	DP_L2_DROP,       /* + enum dp_drop_reason: drop_<reason> */
	DP_L2_EDGE_MAX = DP_L2_DROP + DP_DROP_REASON_MAX,
};

#define DP_L2_EDGE_DROP(reason) ((uint16_t)(DP_L2_DROP + (reason)))

/* "port_tx", "l2_flood", ..., "drop_<reason>": the node an edge leads to. */
const char *dp_l2_edge_name(uint16_t edge);

/* The epoch a MAC table entry of source/port `id` must carry to be valid. */
static inline uint16_t dp_l2_epoch(uint16_t id, const struct dp_port *p)
{
	return id >= DP_PEER_BASE ? dp_tables.peer_epoch[id - DP_PEER_BASE] : p->epoch;
}

/* Learns (key -> id), writing only when something changed. */
static inline void dp_l2_learn(
                struct dp_worker *w, uint64_t key, uint32_t hash, uint16_t id, uint16_t epoch)
{
	struct dp_kv *fdb = &dp_tables.fdb;
	uint64_t v = 0;
	bool found;

	do {
		found = dp_kv_lookup(fdb, key, hash, &v);
		if (found) {
			/* Static entries are the operator's word: a frame does not move them,
			 * nor one added while we decide (dp_kv_update refuses; we look again). */
			if (v & DP_FDB_VAL_STATIC)
				return;
			if (DP_FDB_VAL_PORT(v) == id && DP_FDB_VAL_EPOCH(v) == epoch &&
			                DP_FDB_VAL_SEEN(v) == w->now_sec)
				return;
		}
	} while (dp_kv_update(fdb, key, hash, found, v, dp_fdb_val(id, epoch, false, w->now_sec)) ==
	                -EAGAIN);
}

static inline uint16_t dp_l2_flood(struct rte_mbuf *m, const struct dp_network *net, bool tagged)
{
	if (tagged)
		dp_vlan_pop(m);
	m->ol_flags &= ~RTE_MBUF_F_RX_VLAN_STRIPPED;
	dp_mbuf_meta(m)->net_id = net->id;
	return DP_L2_FLOOD;
}

/*
 * Frames for a router of this network: to an interface's MAC, or an ARP
 * request for an interface's address (answered by the router, not flooded).
 * Returns DP_L2_ROUTE, or DP_L2_EDGE_MAX when the frame is not the router's.
 */
static inline uint16_t dp_l2_to_router(
                struct rte_mbuf *m, const struct dp_network *net, bool tagged)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const uint8_t *l3 = (const uint8_t *)(eth + 1) + (tagged ? 4 : 0);
	uint16_t etype = tagged ? *(const uint16_t *)(l3 - 2) : eth->ether_type;
	uint32_t tip = 0;

	if (rte_is_broadcast_ether_addr(&eth->dst_addr) && etype == RTE_BE16(RTE_ETHER_TYPE_ARP) &&
	                rte_pktmbuf_data_len(m) >= (uint32_t)(l3 - (const uint8_t *)eth) + 28)
		memcpy(&tip, l3 + 24, 4); /* the ARP target address */
	for (uint8_t i = 0; i < net->n_rifs; i++) {
		const struct dp_net_rif *r = &net->rifs[i];

		/* A broadcast ARP for a floating IP goes to the router whose gateway this is. */
		if (rte_is_same_ether_addr(&eth->dst_addr, &r->mac) ||
		                (tip && (tip == r->ip ||
		                                        dp_fip_answers_arp(
		                                                        dp_router_get(r->router_id),
		                                                        r->rif, tip)))) {
			struct dp_mbuf_meta *meta = dp_mbuf_meta(m);

			if (tagged)
				dp_vlan_pop(m);
			meta->net_id = net->id;
			meta->router_id = r->router_id;
			meta->rif = r->rif;
			return DP_L2_ROUTE;
		}
	}
	return DP_L2_EDGE_MAX;
}

/*
 * Whether mac is the MAC of a router interface on net. Router MACs on the wire
 * between nodes: a distributed router (Neutron's DVR, agents/network/desired.c)
 * has its interface on a network with the same MAC and address on every node
 * that instantiates it, the Neutron port's. Neutron gives each host a MAC of
 * its own for routed frames instead, rewritten at both ends; here each node's
 * router sends with the shared one, and what keeps that straight is that
 *  - frames to an interface MAC, and ARP requests for its address, go to this
 *    node's router before any MAC table lookup (dp_l2_to_router): a node's VMs
 *    resolve and reach their gateway on their own node, never across;
 *  - the interface's gratuitous ARP stays on the node (DP_SRC_ROUTER_LOCAL);
 *  - a frame that arrives from the uplink or a tunnel with an interface MAC as
 *    its source (another node's router routed it here) is delivered but its
 *    source is not learned: the MAC is this node's router's, not behind a port
 *    (from an access port that source is a spoof: port security's business);
 *  - the router never ARPs across a tunnel for a port: the agent gives it a
 *    permanent neighbour for each remote one (from l2population).
 */
static inline bool dp_l2_is_rif_mac(const struct dp_network *net, const struct rte_ether_addr *mac)
{
	for (uint8_t i = 0; i < net->n_rifs; i++)
		if (rte_is_same_ether_addr(mac, &net->rifs[i].mac))
			return true;
	return false;
}

/*
 * Where a frame of network `net` that is not for a router goes, from source `in_id` (a port id, or
 * DP_PEER_BASE + peer for frames from a tunnel, or DP_SRC_ROUTER). `payload`
 * is its size after the L2 header, `tagged` says its VLAN tag is still in
 * the frame.
 */
/*
 * Where a frame of destination entry (found, v) goes, as dp_l2_switch; for a
 * caller that looked the entry up already (bridge_input looks it up once for
 * a run of frames to one station).
 */
static inline uint16_t dp_l2_switch_to(struct rte_mbuf *m, const struct dp_network *net,
                uint32_t payload, bool found, uint64_t v, uint16_t in_id, bool tagged)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
	const struct dp_port *out;
	uint16_t out_id;

	if (rte_is_multicast_ether_addr(&eth->dst_addr) || !found)
		return dp_l2_flood(m, net, tagged);
	out_id = DP_FDB_VAL_PORT(v);
	if (out_id >= DP_PEER_BASE) {
		if (unlikely(DP_FDB_VAL_EPOCH(v) != dp_tables.peer_epoch[out_id - DP_PEER_BASE]))
			return dp_l2_flood(m, net, tagged);
		/* Split horizon: what came from the overlay never goes back into it. */
		if (unlikely(in_id >= DP_PEER_BASE))
			return DP_L2_EDGE_DROP(DP_DROP_SAME_PORT);
		if (tagged)
			dp_vlan_pop(m);
		meta->out_port = out_id;
		meta->net_id = net->id;
		return DP_L2_VXLAN;
	}
	out = dp_port_get(out_id);
	/* An entry of a port that was detached or deleted since: as good as unknown. */
	if (unlikely(out == NULL || DP_FDB_VAL_EPOCH(v) != out->epoch))
		return dp_l2_flood(m, net, tagged);
	if (unlikely(out_id == in_id))
		return DP_L2_EDGE_DROP(DP_DROP_SAME_PORT);
	if (unlikely(payload > out->max_payload))
		return DP_L2_EDGE_DROP(DP_DROP_MTU_EXCEEDED);
	if (tagged)
		dp_vlan_pop(m);
	if (out->mode == DP_PORT_UPLINK && net->type == DP_NET_VLAN &&
	                unlikely(dp_vlan_push(m, net->vlan_id) < 0))
		return DP_L2_EDGE_DROP(DP_DROP_NO_MBUF);
	meta->out_port = out_id;
	/* A port with a security group checks what it receives first. */
	if (unlikely(out->sg != NULL))
		return DP_L2_SG_INGRESS;
	return DP_L2_TX;
}

static inline uint16_t dp_l2_switch(struct rte_mbuf *m, const struct dp_network *net,
                uint32_t payload, uint64_t dst_key, uint32_t dst_hash, uint16_t in_id, bool tagged)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint64_t v = 0;
	bool found = !rte_is_multicast_ether_addr(&eth->dst_addr) &&
	             dp_kv_lookup(&dp_tables.fdb, dst_key, dst_hash, &v);

	return dp_l2_switch_to(m, net, payload, found, v, in_id, tagged);
}

/* dp_l2_switch for a frame that may be for a router of the network. */
static inline uint16_t dp_l2_output(struct rte_mbuf *m, const struct dp_network *net,
                uint32_t payload, uint64_t dst_key, uint32_t dst_hash, uint16_t in_id, bool tagged)
{
	if (unlikely(net->n_rifs)) {
		uint16_t e = dp_l2_to_router(m, net, tagged);

		if (e != DP_L2_EDGE_MAX)
			return e;
	}
	return dp_l2_switch(m, net, payload, dst_key, dst_hash, in_id, tagged);
}

/* Start-up: the next_nodes table every L2 stage registers with. */
void dp_l2_edges(const char *edges[DP_L2_EDGE_MAX]);

#endif
