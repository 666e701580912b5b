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
/* TCP or UDP (proto 6 or 17) from src:sport to dst:dport, IPv4 or IPv6 by the
 * literals, with TCP flags `flags` (TCP only) and `payload` bytes of data. */
struct rte_mbuf *pkt_l4(struct rte_mempool *mp, const struct pkt_spec *s, uint8_t proto,
		const char *src, uint16_t sport, const char *dst, uint16_t dport, uint8_t flags,
		uint16_t payload);
/* An ICMPv4 error (type, code) from src to the sender of `quoted` (an IPv4 frame built
 * above), quoting its IP header and 8 bytes more, as RFC 792 says. */
struct rte_mbuf *pkt_icmp_error(struct rte_mempool *mp, const struct pkt_spec *s, const char *src,
		uint8_t type, uint8_t code, const struct rte_mbuf *quoted);
/* ICMPv6 of `type` (neighbour discovery, MLD...) from src to dst, 24 bytes of body. */
struct rte_mbuf *pkt_icmp6(struct rte_mempool *mp, const struct pkt_spec *s, const char *src,
		const char *dst, uint8_t type);

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
