/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Port security, as Neutron defines it for a VM port: the port may send only
 * from its own MAC (or an allowed address pair's), and when addresses are
 * configured, only IPv4/IPv6 packets and ARP from those addresses, each with
 * the MAC it was given with. Like Neutron's OVS firewall, only IPv4, ARP and
 * IPv6 may leave such a port.
 *
 * The addresses are read only from headers a receiver would read the same
 * way: a malformed IPv4, IPv6 or ARP header (or one the frame does not hold)
 * is dropped as invalid_ip_header, whatever source it claims.
 *
 * Packet path, inline: called once per frame from bridge_input, only for
 * ports with security on.
 */
#ifndef VIRGA_DP_PORT_SECURITY_H
#define VIRGA_DP_PORT_SECURITY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "core/dp_drop.h"
#include "engine/dp_tables.h"
#include "pkt/dp_arp.h"
#include "pkt/dp_ip4.h"

/* Result: DP_DROP_REASON_MAX when the frame may pass, else why not. */
#define DP_PORT_SECURITY_PASS DP_DROP_REASON_MAX

static inline bool dp_mac_eq(const struct rte_ether_addr *a, const struct rte_ether_addr *b)
{
	return rte_is_same_ether_addr(a, b);
}

static inline bool dp_v4_in(uint32_t addr, uint32_t net, uint8_t prefixlen)
{
	uint32_t mask = prefixlen ? rte_cpu_to_be_32(~0u << (32 - prefixlen)) : 0;

	return ((addr ^ net) & mask) == 0;
}

static inline bool dp_v6_in(const uint8_t *addr, const uint8_t *net, uint8_t prefixlen)
{
	uint8_t full = prefixlen / 8, rest = prefixlen % 8;

	if (memcmp(addr, net, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((addr[full] ^ net[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static inline bool dp_sec_v4_allowed(const struct dp_port *p, const struct rte_ether_addr *src,
		uint32_t ip)
{
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		const struct dp_sec_addr *a = &p->addrs[i];

		if (a->family == AF_INET && dp_v4_in(ip, a->v4, a->prefixlen) &&
				dp_mac_eq(&a->mac, src))
			return true;
	}
	return false;
}

static inline bool dp_sec_v6_allowed(const struct dp_port *p, const struct rte_ether_addr *src,
		const uint8_t *ip)
{
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		const struct dp_sec_addr *a = &p->addrs[i];

		if (a->family == AF_INET6 && dp_v6_in(ip, a->v6, a->prefixlen) &&
				dp_mac_eq(&a->mac, src))
			return true;
	}
	return false;
}

/* RFC 8200 3: version 6, and a payload that follows the fixed header within the frame. */
static inline bool dp_sec_ipv6_valid(const struct rte_ipv6_hdr *ip6, uint32_t l3_total)
{
	return (rte_be_to_cpu_32(ip6->vtc_flow) >> 28) == 6 &&
	       sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len) <= l3_total;
}

/*
 * `l3` points after the Ethernet/VLAN header; `l3_len` bytes of it are in
 * the first segment, `l3_total` in the whole frame. `etype` is in network
 * byte order.
 */
static inline unsigned int dp_port_security_check(const struct dp_port *p,
		const struct rte_ether_hdr *eth, uint16_t etype, const void *l3, uint32_t l3_len,
		uint32_t l3_total)
{
	const struct rte_ether_addr *src = &eth->src_addr;
	bool mac_ok = false;

	for (unsigned int i = 0; i < p->n_macs; i++)
		mac_ok |= dp_mac_eq(&p->macs[i], src);
	if (!mac_ok)
		return DP_DROP_SPOOFED_SRC_MAC;

	if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = l3;

		if (l3_len < sizeof(*ip))
			return DP_DROP_RUNT_FRAME;
		if (unlikely(!dp_ip4_hdr_valid(ip, l3_len, l3_total)))
			return DP_DROP_INVALID_IP_HEADER;
		/* 0.0.0.0 is how a VM asks DHCP for its address (RFC 2131 4.1). */
		if (p->n_addrs == 0 || ip->src_addr == 0 || dp_sec_v4_allowed(p, src, ip->src_addr))
			return DP_PORT_SECURITY_PASS;
		return DP_DROP_SPOOFED_SRC_IP;
	}
	if (etype == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		const struct rte_arp_hdr *arp = l3;

		if (l3_len < sizeof(*arp))
			return DP_DROP_RUNT_FRAME;
		if (unlikely(!dp_arp_is_ether_ipv4(arp)))
			return DP_DROP_INVALID_IP_HEADER;
		/* The sender hardware address must be the frame's source, else the VM could
		 * poison its neighbours' caches with another's MAC. */
		if (!dp_mac_eq(&arp->arp_data.arp_sha, src))
			return DP_DROP_SPOOFED_ARP;
		/* Sender IP 0.0.0.0 is an ARP probe (RFC 5227 2.1.1). */
		if (p->n_addrs == 0 || arp->arp_data.arp_sip == 0 ||
				dp_sec_v4_allowed(p, src, arp->arp_data.arp_sip))
			return DP_PORT_SECURITY_PASS;
		return DP_DROP_SPOOFED_ARP;
	}
	if (etype == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = l3;
		static const uint8_t unspecified[16];

		if (l3_len < sizeof(*ip6))
			return DP_DROP_RUNT_FRAME;
		if (unlikely(!dp_sec_ipv6_valid(ip6, l3_total)))
			return DP_DROP_INVALID_IP_HEADER;
		/* Link-local (fe80::/10) and :: (duplicate address detection, RFC 4862 5.4)
		 * are how any IPv6 host starts; Neutron allows them too. */
		if (p->n_addrs == 0 || (ip6->src_addr[0] == 0xfe && (ip6->src_addr[1] & 0xc0) == 0x80) ||
				memcmp(ip6->src_addr, unspecified, 16) == 0 ||
				dp_sec_v6_allowed(p, src, ip6->src_addr))
			return DP_PORT_SECURITY_PASS;
		return DP_DROP_SPOOFED_SRC_IP;
	}
	return DP_DROP_ETHERTYPE_DENIED;
}

#endif
