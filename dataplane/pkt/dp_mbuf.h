/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-frame metadata carried between graph nodes, in an mbuf dynamic field
 * (the mbuf's second cache line, which the PMDs already touch).
 */
#ifndef VIRGA_DP_MBUF_H
#define VIRGA_DP_MBUF_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <virga/dp_api.h>

struct dp_mbuf_meta {
	uint16_t out_port;  /* port_tx: where to send */
	uint16_t net_id;    /* l2_flood: the network to flood in; ip4_route: where it came from */
	uint16_t router_id; /* ip4_route: the router whose interface the frame is addressed to */
	uint8_t rif;	    /* ip4_route: which interface of that router */
	uint8_t sg_next;    /* sg_egress: the edge bridge_input chose, taken once allowed */
};

/* m->port of frames the dataplane routed or made itself: no real port (ports are
 * below DP_MAX_PORTS) and not a remote VTEP (those are DP_PEER_BASE and up). */
#define DP_SRC_ROUTER DP_MAX_PORTS
/* m->port of frames a router made for this node's own ports only: l2_flood sends
 * them to neither the uplink nor the remote VTEPs. A distributed router's
 * interface has the same MAC and address on every node (l2/dp_l2.h), so its
 * announcement is the node's business: on the wire it would tell the other
 * nodes, and the physical switches, that the MAC lives here. */
#define DP_SRC_ROUTER_LOCAL (DP_MAX_PORTS + 1)

extern int dp_mbuf_meta_offset;

static inline struct dp_mbuf_meta *dp_mbuf_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_mbuf_meta_offset, struct dp_mbuf_meta *);
}

/* Start-up: registers the dynamic field; 0 or -errno. */
int dp_mbuf_meta_register(void);

/* Packet path: VLAN tag push/pop in the frame itself. 0, or -1 without headroom. */
static inline int dp_vlan_push(struct rte_mbuf *m, uint16_t vlan_id)
{
	uint8_t *old = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *p = (uint8_t *)rte_pktmbuf_prepend(m, 4);

	if (unlikely(p == NULL))
		return -1;
	memmove(p, old, 12);
	p[12] = 0x81;
	p[13] = 0x00;
	p[14] = (vlan_id >> 8) & 0x0f;
	p[15] = vlan_id & 0xff;
	return 0;
}

static inline void dp_vlan_pop(struct rte_mbuf *m)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	memmove(p + 4, p, 12);
	rte_pktmbuf_adj(m, 4);
}

#endif
