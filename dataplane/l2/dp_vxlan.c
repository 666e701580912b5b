/* SPDX-License-Identifier: Apache-2.0 */
#include <rte_hash_crc.h>

#include "engine/dp_arp_wait.h"
#include "engine/dp_neigh.h"
#include "pkt/dp_ip4.h"
#include "dp_vxlan.h"

uint16_t dp_vxlan_src_port(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), h;

	/* Both MACs, then for IPv4 both addresses and, for TCP/UDP, both ports: fields
	 * that stay the same for a flow (unlike the IP id or checksum). */
	h = rte_hash_crc(p, RTE_MIN(len, 12u), 0);
	if (len >= 34 && p[12] == 0x08 && p[13] == 0x00) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + 14);
		uint32_t l4 = 14 + rte_ipv4_hdr_len(ip);

		h = rte_hash_crc(&ip->src_addr, 8, h);
		if ((ip->next_proto_id == IPPROTO_TCP || ip->next_proto_id == IPPROTO_UDP) &&
				len >= l4 + 4)
			h = rte_hash_crc(p + l4, 4, h);
	}
	return 49152 | (h & 0x3fff);
}

unsigned int dp_vxlan_encap(struct dp_worker *w, struct rte_mbuf *m, const struct dp_vtep *v,
		uint32_t vni, uint32_t peer_ip, struct rte_mbuf **req)
{
	uint32_t nexthop = ((peer_ip ^ v->local_ip) & v->mask) == 0 ? peer_ip : v->gateway;
	uint32_t inner_len = rte_pktmbuf_pkt_len(m);
	struct dp_vxlan_outer *o;
	struct rte_ether_addr dst;

	*req = NULL;
	if (unlikely(inner_len + DP_VXLAN_OVERHEAD - RTE_ETHER_HDR_LEN > v->max_payload))
		return DP_DROP_UNDERLAY_MTU;
	if (unlikely(nexthop == 0))
		return DP_DROP_NEIGH_UNRESOLVED; /* off-subnet and no gateway: nobody to ask */
	if (unlikely(!dp_neigh_lookup(DP_NEIGH_SCOPE_UNDERLAY, nexthop, &dst))) {
		if (dp_arp_wait_park(w, m, DP_WAIT_ENCAP, DP_NEIGH_SCOPE_UNDERLAY, nexthop, 0, req) < 0)
			return DP_DROP_NEIGH_QUEUE_FULL;
		return DP_VXLAN_WAITING;
	}
	/* The hash reads the inner frame: take it before the outer headers go on. */
	uint16_t sport = dp_vxlan_src_port(m);

	o = (struct dp_vxlan_outer *)rte_pktmbuf_prepend(m, sizeof(*o));
	if (unlikely(o == NULL))
		return DP_DROP_NO_MBUF;
	o->eth.dst_addr = dst;
	o->eth.src_addr = v->mac;
	o->eth.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	o->ip.version_ihl = RTE_IPV4_VHL_DEF;
	o->ip.type_of_service = 0;
	o->ip.total_length = rte_cpu_to_be_16(inner_len + sizeof(*o) - sizeof(o->eth));
	o->ip.packet_id = 0;
	/* Section 4.3: VTEPs SHOULD NOT fragment VXLAN packets. */
	o->ip.fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	o->ip.time_to_live = 64;
	o->ip.next_proto_id = IPPROTO_UDP;
	o->ip.src_addr = v->local_ip;
	o->ip.dst_addr = peer_ip;
	o->ip.hdr_checksum = 0;
	o->ip.hdr_checksum = rte_ipv4_cksum(&o->ip);
	o->udp.src_port = rte_cpu_to_be_16(sport);
	o->udp.dst_port = v->udp_port;
	o->udp.dgram_len = rte_cpu_to_be_16(inner_len + sizeof(o->udp) + sizeof(o->vxlan));
	o->udp.dgram_cksum = 0;
	memset(&o->vxlan, 0, sizeof(o->vxlan));
	o->vxlan.flags = DP_VXLAN_FLAG_VNI;
	o->vxlan.vni[0] = vni >> 16;
	o->vxlan.vni[1] = vni >> 8;
	o->vxlan.vni[2] = vni;
	m->ol_flags = 0;
	return DP_DROP_REASON_MAX;
}

unsigned int dp_vxlan_decap(struct rte_mbuf *m, const struct dp_vtep *v, uint32_t *vni,
		uint32_t *src_ip)
{
	const struct dp_vxlan_outer *o = rte_pktmbuf_mtod(m, const struct dp_vxlan_outer *);
	uint16_t total;

	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*o) + RTE_ETHER_HDR_LEN))
		return DP_DROP_RUNT_FRAME;
	if (o->ip.dst_addr != v->local_ip || o->ip.next_proto_id != IPPROTO_UDP ||
			o->udp.dst_port != v->udp_port)
		return DP_DROP_VXLAN_NOT_FOR_US;
	total = rte_be_to_cpu_16(o->ip.total_length);
	/* No IP options, no fragments (we never send them, RFC 7348 4.3), a length that
	 * covers the headers and fits the frame, and the I flag. */
	if (o->ip.version_ihl != RTE_IPV4_VHL_DEF ||
			(o->ip.fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) ||
			total < sizeof(*o) - sizeof(o->eth) + RTE_ETHER_HDR_LEN ||
			total > rte_pktmbuf_pkt_len(m) - sizeof(o->eth) ||
			!(o->vxlan.flags & DP_VXLAN_FLAG_VNI))
		return DP_DROP_VXLAN_BAD_HEADER;
	/* RFC 1122 3.2.1.2: verified, and a bad one silently discarded (and counted). */
	if (unlikely(!dp_ip4_rx_cksum20_ok(m, &o->ip)))
		return DP_DROP_BAD_IP_CHECKSUM;
	*vni = (uint32_t)o->vxlan.vni[0] << 16 | (uint32_t)o->vxlan.vni[1] << 8 | o->vxlan.vni[2];
	*src_ip = o->ip.src_addr;
	/* Drop the Ethernet padding too, if the outer frame had any. */
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - sizeof(o->eth) - total);
	rte_pktmbuf_adj(m, sizeof(*o));
	return DP_DROP_REASON_MAX;
}
