/* SPDX-License-Identifier: Apache-2.0 */
/*
 * l2_flood: broadcast, multicast and unknown unicast, sent to every port of
 * the frame's network but the one it came from. Access ports share the frame
 * (reference count, no copy); the uplink of a VLAN network gets a copy with
 * its tag pushed, and each remote VTEP of a VXLAN network a copy with outer
 * headers (head-end replication), since a shared frame cannot be rewritten.
 * A copy for a VTEP whose underlay next hop is unresolved waits for it, like
 * any frame to that VTEP (dp_vxlan_encap): on a cold overlay, that is what
 * lets a router's ARP request through. Frames that came from the overlay are
 * not replicated back into it.
 */
#include <rte_graph_worker.h>

#include "core/dp_node.h"
#include "core/dp_tables.h"
#include "core/dp_trace.h"
#include "pkt/dp_mbuf.h"
#include "dp_bridge.h"
#include "dp_flood.h"
#include "dp_vxlan.h"

static void flood_to_uplink(struct dp_worker *w, struct rte_mbuf *m, const struct dp_network *net,
		const struct dp_port *up, uint32_t payload)
{
	struct rte_mbuf *c;

	if (payload > up->max_payload) {
		w->drops[DP_DROP_MTU_EXCEEDED]++;
		return;
	}
	if (net->type != DP_NET_VLAN) {
		rte_mbuf_refcnt_update(m, 1);
		dp_tx_enqueue(w, up->port_id, m);
		return;
	}
	c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (c == NULL || dp_vlan_push(c, net->vlan_id) < 0) {
		if (c)
			rte_pktmbuf_free(c);
		w->drops[DP_DROP_NO_MBUF]++;
		return;
	}
	dp_tx_enqueue(w, up->port_id, c);
}

static void flood_to_peers(struct dp_worker *w, struct rte_mbuf *m, const struct dp_network *net)
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
		struct dp_mbuf_meta *meta;
		unsigned int r;

		if (c == NULL) {
			w->drops[DP_DROP_NO_MBUF]++;
			continue;
		}
		/* Where vxlan_output sends the copy should it wait for the underlay. */
		meta = dp_mbuf_meta(c);
		meta->out_port = DP_PEER_BASE + net->peers[i];
		meta->net_id = net->id;
		r = dp_vxlan_encap(w, c, v, net->vni, dp_tables.peer_ip[net->peers[i]]);
		if (r == DP_DROP_REASON_MAX)
			dp_tx_enqueue(w, v->port_id, c);
		else if (r != DP_VXLAN_WAITING)
			dp_drop_one(w, r, c);
	}
}

void dp_flood_one(struct dp_worker *w, struct rte_mbuf *m)
{
	const struct dp_network *net = dp_network_get(dp_mbuf_meta(m)->net_id);
	uint32_t payload = rte_pktmbuf_pkt_len(m) - sizeof(struct rte_ether_hdr);
	const struct dp_port *out;

	if (unlikely(net == NULL)) {
		dp_drop_one(w, DP_DROP_NO_NETWORK, m);
		return;
	}
	/* One reference per copy handed out below; ours is dropped at the end. */
	for (uint16_t i = 0; i < net->n_members; i++) {
		uint16_t p = net->members[i];

		if (p == m->port || (out = dp_port_get(p)) == NULL)
			continue;
		if (payload > out->max_payload) {
			w->drops[DP_DROP_MTU_EXCEEDED]++;
			continue;
		}
		rte_mbuf_refcnt_update(m, 1);
		dp_tx_enqueue(w, p, m);
	}
	if (net->uplink_port != DP_NO_PORT && net->uplink_port != m->port &&
			(out = dp_port_get(net->uplink_port)) != NULL)
		flood_to_uplink(w, m, net, out, payload);
	if (net->n_peers)
		flood_to_peers(w, m, net);
	rte_pktmbuf_free(m);
}

static uint16_t l2_flood_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	struct dp_worker *w = dp_node_worker(node);

	RTE_SET_USED(graph);
	for (uint16_t i = 0; i < n; i++)
		dp_flood_one(w, objs[i]);
	dp_tx_flush(w);
	return n;
}

int dp_flood_node_register(void)
{
	return dp_node_register("l2_flood", l2_flood_process, NULL, 0);
}
