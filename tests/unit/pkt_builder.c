/* SPDX-License-Identifier: Apache-2.0 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "pkt_builder.h"

struct rte_ether_addr mac_of(uint8_t last)
{
	struct rte_ether_addr m = {{0x02, 0x00, 0x00, 0x00, 0x00, last}};

	return m;
}

/* Ethernet (+ tag) header; returns where the L3 header goes. */
static uint8_t *put_l2(struct rte_mbuf *m, const struct pkt_spec *s, uint16_t etype, uint16_t l3_len)
{
	uint16_t l2 = sizeof(struct rte_ether_hdr) + (s->vlan != NO_VLAN ? 4 : 0);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, l2 + l3_len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;

	memset(p, 0, l2 + l3_len);
	eth->dst_addr = s->dst;
	eth->src_addr = s->src;
	if (s->vlan != NO_VLAN) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(s->vlan);
		vh->eth_proto = rte_cpu_to_be_16(etype);
	} else {
		eth->ether_type = rte_cpu_to_be_16(etype);
	}
	m->port = s->in_port;
	return p + l2;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

/* A 20-byte IPv4 header of l3_len bytes in all, TTL 64, with its checksum. */
static void fill_ipv4(struct rte_ipv4_hdr *ip, uint16_t l3_len, uint8_t proto, rte_be32_t src,
		rte_be32_t dst)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(l3_len);
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* A fixed IPv6 header for l4_len bytes of payload, addresses as text. */
static void fill_ipv6(struct rte_ipv6_hdr *ip, uint16_t l4_len, uint8_t proto, uint8_t hop_limit,
		const char *src, const char *dst)
{
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(l4_len);
	ip->proto = proto;
	ip->hop_limits = hop_limit;
	inet_pton(AF_INET6, src, ip->src_addr);
	inet_pton(AF_INET6, dst, ip->dst_addr);
}

struct rte_mbuf *pkt_ipv4_udp(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t l3_len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) + payload;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)put_l2(m, s, RTE_ETHER_TYPE_IPV4, l3_len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	fill_ipv4(ip, l3_len, IPPROTO_UDP, ip4(src_ip), ip4(dst_ip));
	udp->src_port = rte_cpu_to_be_16(68);
	udp->dst_port = rte_cpu_to_be_16(67);
	udp->dgram_len = rte_cpu_to_be_16(sizeof(*udp) + payload);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return m;
}

struct rte_mbuf *pkt_ipv6_udp(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t l4_len = sizeof(struct rte_udp_hdr) + payload;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)put_l2(m, s, RTE_ETHER_TYPE_IPV6,
			sizeof(*ip) + l4_len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	fill_ipv6(ip, l4_len, IPPROTO_UDP, 64, src_ip, dst_ip);
	udp->src_port = rte_cpu_to_be_16(546);
	udp->dst_port = rte_cpu_to_be_16(547);
	udp->dgram_len = rte_cpu_to_be_16(l4_len);
	udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	return m;
}

struct rte_mbuf *pkt_icmp_echo(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint16_t l3_len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + payload;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)put_l2(m, s, RTE_ETHER_TYPE_IPV4, l3_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);

	fill_ipv4(ip, l3_len, IPPROTO_ICMP, ip4(src_ip), ip4(dst_ip));
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REQUEST;
	icmp->icmp_ident = rte_cpu_to_be_16(0x1234);
	icmp->icmp_seq_nb = rte_cpu_to_be_16(1);
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + payload);
	return m;
}

void pkt_ipv4_set(struct rte_mbuf *m, uint8_t ttl, int df)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
			sizeof(struct rte_ether_hdr));

	ip->time_to_live = ttl;
	ip->fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

struct rte_mbuf *pkt_arp_request(struct rte_mempool *mp, const struct pkt_spec *s,
		const struct rte_ether_addr *sha, const char *sip, const char *tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_arp_hdr *arp =
			(struct rte_arp_hdr *)put_l2(m, s, RTE_ETHER_TYPE_ARP, sizeof(struct rte_arp_hdr));

	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = sha ? *sha : s->src;
	arp->arp_data.arp_sip = ip4(sip);
	arp->arp_data.arp_tip = ip4(tip);
	return m;
}

struct rte_mbuf *pkt_arp_reply(struct rte_mempool *mp, const struct pkt_spec *s, const char *sip,
		const char *tip)
{
	struct rte_mbuf *m = pkt_arp_request(mp, s, NULL, sip, tip);
	struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *,
			sizeof(struct rte_ether_hdr) + (s->vlan != NO_VLAN ? 4 : 0));

	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = s->dst;
	return m;
}

struct rte_mbuf *pkt_raw(struct rte_mempool *mp, const struct pkt_spec *s, uint16_t ethertype,
		uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr eth = {.dst_addr = s->dst, .src_addr = s->src,
			.ether_type = rte_cpu_to_be_16(ethertype)};
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);

	memset(p, 0, len);
	memcpy(p, &eth, RTE_MIN(len, (uint16_t)sizeof(eth)));
	m->port = s->in_port;
	return m;
}

struct rte_mbuf *pkt_l4(struct rte_mempool *mp, const struct pkt_spec *s, uint8_t proto,
		const char *src, uint16_t sport, const char *dst, uint16_t dport, uint8_t flags,
		uint16_t payload)
{
	bool v6 = strchr(src, ':') != NULL;
	uint16_t l4_len = (proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
						  sizeof(struct rte_udp_hdr)) + payload;
	uint16_t l3_len = (v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr)) + l4_len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *l3 = put_l2(m, s, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4, l3_len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;
	uint8_t *l4 = l3 + (v6 ? sizeof(*ip6) : sizeof(*ip));

	if (v6) {
		fill_ipv6(ip6, l4_len, proto, 64, src, dst);
	} else {
		fill_ipv4(ip, l3_len, proto, ip4(src), ip4(dst));
	}
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)l4;

		tcp->src_port = rte_cpu_to_be_16(sport);
		tcp->dst_port = rte_cpu_to_be_16(dport);
		tcp->data_off = 5 << 4;
		tcp->tcp_flags = flags;
		tcp->rx_win = rte_cpu_to_be_16(65535);
		tcp->cksum = v6 ? rte_ipv6_udptcp_cksum(ip6, tcp) : rte_ipv4_udptcp_cksum(ip, tcp);
	} else {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)l4;

		udp->src_port = rte_cpu_to_be_16(sport);
		udp->dst_port = rte_cpu_to_be_16(dport);
		udp->dgram_len = rte_cpu_to_be_16(l4_len);
		udp->dgram_cksum = v6 ? rte_ipv6_udptcp_cksum(ip6, udp) : rte_ipv4_udptcp_cksum(ip, udp);
	}
	return m;
}

struct rte_mbuf *pkt_icmp_error(struct rte_mempool *mp, const struct pkt_spec *s, const char *src,
		uint8_t type, uint8_t code, const struct rte_mbuf *quoted)
{
	const struct rte_ipv4_hdr *q = rte_pktmbuf_mtod_offset(quoted, const struct rte_ipv4_hdr *,
			sizeof(struct rte_ether_hdr));
	uint16_t qlen = rte_ipv4_hdr_len(q) + 8;
	uint16_t l3_len = sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_icmp_hdr) + qlen;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)put_l2(m, s, RTE_ETHER_TYPE_IPV4, l3_len);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(ip + 1);

	fill_ipv4(ip, l3_len, IPPROTO_ICMP, ip4(src), q->src_addr);
	icmp->icmp_type = type;
	icmp->icmp_code = code;
	memcpy(icmp + 1, q, qlen);
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, sizeof(*icmp) + qlen);
	return m;
}

struct rte_mbuf *pkt_icmp6(struct rte_mempool *mp, const struct pkt_spec *s, const char *src,
		const char *dst, uint8_t type)
{
	uint16_t l4_len = 4 + 24;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)put_l2(m, s, RTE_ETHER_TYPE_IPV6,
			sizeof(struct rte_ipv6_hdr) + l4_len);
	uint8_t *icmp = (uint8_t *)(ip6 + 1);

	fill_ipv6(ip6, l4_len, IPPROTO_ICMPV6, 255, src, dst);
	icmp[0] = type;
	return m;
}
