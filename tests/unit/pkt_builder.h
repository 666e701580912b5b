/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Builds test frames into real mbufs: Ethernet (optionally 802.1Q tagged),
 * then IPv4/UDP, ARP or raw payload, with lengths and checksums filled in.
 */
#ifndef VIRGA_PKT_BUILDER_H
#define VIRGA_PKT_BUILDER_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define NO_VLAN 0xffff

struct pkt_spec {
	struct rte_ether_addr src;
	struct rte_ether_addr dst;
	uint16_t vlan; /* NO_VLAN for untagged */
	uint16_t in_port;
};

/* IPv4/UDP from src_ip to dst_ip (dotted strings) with `payload` bytes of data. */
struct rte_mbuf *pkt_ipv4_udp(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload);
/* IPv6/UDP from src_ip to dst_ip (RFC 5952 strings) with `payload` bytes of data. */
struct rte_mbuf *pkt_ipv6_udp(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload);
/* ICMP echo request from src_ip to dst_ip with `payload` bytes of data. */
struct rte_mbuf *pkt_icmp_echo(struct rte_mempool *mp, const struct pkt_spec *s, const char *src_ip,
		const char *dst_ip, uint16_t payload);
/* Sets the TTL and DF of an IPv4 frame built above and fixes its checksum. */
void pkt_ipv4_set(struct rte_mbuf *m, uint8_t ttl, int df);

/* ARP request: sender (eth src unless sha given) / sip asking for tip. */
struct rte_mbuf *pkt_arp_request(struct rte_mempool *mp, const struct pkt_spec *s,
		const struct rte_ether_addr *sha, const char *sip, const char *tip);
/* ARP reply from s->src at sip to s->dst at tip. */
struct rte_mbuf *pkt_arp_reply(struct rte_mempool *mp, const struct pkt_spec *s, const char *sip,
		const char *tip);
/* A frame of `len` bytes in total, Ethernet header truncated to fit when len < 14. */
struct rte_mbuf *pkt_raw(struct rte_mempool *mp, const struct pkt_spec *s, uint16_t ethertype,
		uint16_t len);

/* "02:00:00:00:00:0a" style helper for tests. */
struct rte_ether_addr mac_of(uint8_t last);

#endif
