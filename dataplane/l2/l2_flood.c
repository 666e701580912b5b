/* SPDX-License-Identifier: Apache-2.0 */
/*
 * l2_flood: broadcast, multicast and unknown unicast, copied to every port of
 * the frame's network but the one it came from, and to its remote VTEPs. Every
 * copy goes on along an edge: to port_tx (meta out_port) for a port (through
 * sg_ingress first for a port with a security group), to
 * vxlan_output (meta out_port = DP_PEER_BASE + peer) for a remote VTEP, which
 * encapsulates it (head-end replication) or holds it while the VTEP's
 * underlay next hop is resolved: on a cold overlay, that is what lets a
 * router's ARP request through.
 *
 * Ports share the frame's data: each takes an indirect mbuf (rte_pktmbuf_attach:
 * a header of its own, and so meta of its own, over the same buffer) and the
 * last takes the frame itself. That costs a header allocation and its free per
 * extra port (virga-stagebench --path flood, BENCHMARKS.md). A frame shared by reference count alone would
 * carry one out_port for every copy. The uplink of a VLAN network and each
 * remote VTEP get a real copy, since theirs is rewritten (tag pushed, outer
 * headers prepended). Frames that came from the overlay are not replicated
 * back into it, and what a router means for this node only (DP_SRC_ROUTER_LOCAL)
 * goes to its ports alone.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_trace.h"
#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "pkt/dp_mbuf.h"
#include "dp_flood.h"
#include "dp_l2.h"

struct flood_out {
	struct rte_mbuf **m;
	uint16_t *next;
	uint16_t n;
};

static inline void emit(struct flood_out *o, struct rte_mbuf *m, uint16_t out_port, uint16_t edge)
{
	dp_mbuf_meta(m)->out_port = out_port;
	o->m[o->n] = m;
	o->next[o->n++] = edge;
}

/* The uplink of a VLAN network: a copy of its own, tagged. */
static void to_vlan_uplink(struct dp_worker *w, struct flood_out *o, struct rte_mbuf *m,
		const struct dp_network *net, uint16_t port_id)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);

	if (c == NULL || dp_vlan_push(c, net->vlan_id) < 0) {
		if (c)
			rte_pktmbuf_free(c);
		w->drops[DP_DROP_NO_MBUF]++;
		return;
	}
	emit(o, c, port_id, DP_L2_TX);
}

/* A copy for each remote VTEP, for vxlan_output to encapsulate. */
static void to_peers(struct dp_worker *w, struct flood_out *o, struct rte_mbuf *m,
		const struct dp_network *net)
{
	const struct dp_vtep *v = dp_vtep_get();

	if (v == NULL) {
		w->drops[DP_DROP_VXLAN_NO_VTEP] += net->n_peers;
		return;
	}
	if (m->port == v->port_id)
		return;
	for (uint16_t i = 0; i < net->n_peers; i++) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);

		if (c == NULL) {
			w->drops[DP_DROP_NO_MBUF]++;
			continue;
		}
		dp_mbuf_meta(c)->net_id = net->id;
		emit(o, c, DP_PEER_BASE + net->peers[i], DP_L2_VXLAN);
	}
}

uint16_t dp_flood_one(struct dp_worker *w, struct rte_mbuf *m, struct rte_mbuf **out,
		uint16_t *next)
{
	const struct dp_network *net = dp_network_get(dp_mbuf_meta(m)->net_id);
	uint32_t payload = rte_pktmbuf_pkt_len(m) - sizeof(struct rte_ether_hdr);
	struct flood_out o = {.m = out, .next = next};
	uint16_t shared[DP_MAX_PORTS + 1], n_shared = 0;
	uint8_t edge[DP_MAX_PORTS + 1]; /* port_tx, or sg_ingress for a port with a filter */
	bool node_only = m->port == DP_SRC_ROUTER_LOCAL;
	const struct dp_port *p;

	if (unlikely(net == NULL)) {
		dp_drop_one(w, DP_DROP_NO_NETWORK, m);
		return 0;
	}
	for (uint16_t i = 0; i < net->n_members; i++) {
		uint16_t id = net->members[i];

		if (id == m->port || (p = dp_port_get(id)) == NULL)
			continue;
		if (payload > p->max_payload) {
			w->drops[DP_DROP_MTU_EXCEEDED]++;
			continue;
		}
		edge[n_shared] = unlikely(p->sg != NULL) ? DP_L2_SG_INGRESS : DP_L2_TX;
		shared[n_shared++] = id;
	}
	if (net->uplink_port != DP_NO_PORT && net->uplink_port != m->port && !node_only &&
			(p = dp_port_get(net->uplink_port)) != NULL) {
		if (payload > p->max_payload)
			w->drops[DP_DROP_MTU_EXCEEDED]++;
		else if (net->type == DP_NET_VLAN)
			to_vlan_uplink(w, &o, m, net, p->port_id);
		else {
			edge[n_shared] = DP_L2_TX;
			shared[n_shared++] = p->port_id;
		}
	}
	if (net->n_peers && !node_only)
		to_peers(w, &o, m, net);
	if (n_shared == 0) {
		rte_pktmbuf_free(m);
		goto out;
	}
	/* The copies above read m; from here on it is shared and nobody writes it. The
	 * indirect headers come in one allocation: a mempool call per copy costs more
	 * than the attach itself. */
	if (n_shared > 1) {
		struct rte_mbuf *c[DP_MAX_PORTS];

		if (unlikely(rte_pktmbuf_alloc_bulk(m->pool, c, n_shared - 1) < 0)) {
			w->drops[DP_DROP_NO_MBUF] += n_shared - 1;
		} else {
			for (uint16_t i = 0; i + 1 < n_shared; i++) {
				rte_pktmbuf_attach(c[i], m);
				emit(&o, c[i], shared[i], edge[i]);
			}
		}
	}
	emit(&o, m, shared[n_shared - 1], edge[n_shared - 1]);
out:
	/* Where each copy went: port_tx and the port, or vxlan_output (which says the VTEP). */
	if (unlikely(w->trace))
		dp_trace_burst("l2_flood", dp_l2_edge_name, out, next, o.n);
	return o.n;
}

static uint16_t l2_flood_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);
	/* Room for a burst's worth and then one frame's copies, which may be more than a
	 * burst when a network has hundreds of ports. */
	struct rte_mbuf *out[RTE_GRAPH_BURST_SIZE + DP_FLOOD_MAX_COPIES];
	uint16_t next[RTE_DIM(out)], n_out = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (n_out > RTE_GRAPH_BURST_SIZE) {
			dp_node_enqueue_burst(graph, node, (void **)out, next, n_out);
			n_out = 0;
		}
		n_out += dp_flood_one(w, objs[i], out + n_out, next + n_out);
	}
	dp_node_enqueue_burst(graph, node, (void **)out, next, n_out);
	return n;
}

int dp_flood_node_register(void)
{
	const char *edges[DP_L2_EDGE_MAX];

	dp_l2_edges(edges);
	/* Never taken: rte_graph refuses a loop edge, and nothing floods to a router or
	 * into the underlay. */
	edges[DP_L2_FLOOD] = dp_drop_node_name(DP_DROP_NO_NETWORK);
	edges[DP_L2_UNDERLAY] = dp_drop_node_name(DP_DROP_VXLAN_NOT_FOR_US);
	edges[DP_L2_ROUTE] = dp_drop_node_name(DP_DROP_IP_LOCAL);
	return dp_node_register("l2_flood", l2_flood_process, edges, RTE_DIM(edges));
}
