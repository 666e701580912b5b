/* SPDX-License-Identifier: Apache-2.0 */
/* ICMP the routers send (RFC 792): echo replies and errors. Packet path. */
#ifndef VIRGA_DP_ICMP_H
#define VIRGA_DP_ICMP_H

#include <stdint.h>

#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "engine/dp_worker.h"
#include "dp_router.h"

#define DP_ICMP_DEST_UNREACH 3
#define DP_ICMP_NET_UNREACH 0
#define DP_ICMP_FRAG_NEEDED 4
#define DP_ICMP_TIME_EXCEEDED 11
#define DP_ICMP_TTL_IN_TRANSIT 0

/*
 * A new frame carrying ICMP `type`/`code` about `orig` (an IPv4 frame that
 * came in on interface `rif`), from the interface's address to the sender,
 * Ethernet-addressed back to the frame's source. `mtu` goes in the header
 * for fragmentation needed (RFC 1191). NULL when none should be sent: over
 * the rate limit, about an ICMP error, a fragment or a non-unicast
 * destination (RFC 1122 3.2.2), or no mbuf free.
 */
struct rte_mbuf *dp_icmp_error(struct dp_worker *w, struct rte_mbuf *orig, const struct dp_rif *rif,
		uint8_t type, uint8_t code, uint16_t mtu);

/* Turns an echo request to the router's address `ip` into the reply, in place, sent
 * back from `mac` (the interface it came in on). */
void dp_icmp_echo_reply(struct rte_mbuf *m, const struct rte_ether_addr *mac, uint32_t ip);

/* True when m (IPv4 header at l3) is an ICMP echo request with a complete header. */
static inline int dp_icmp_is_echo_request(const struct rte_ipv4_hdr *ip, uint32_t l3_len)
{
	uint32_t hl = rte_ipv4_hdr_len(ip);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)((const uint8_t *)ip + hl);

	return ip->next_proto_id == IPPROTO_ICMP && l3_len >= hl + sizeof(*icmp) &&
	       icmp->icmp_type == RTE_IP_ICMP_ECHO_REQUEST && icmp->icmp_code == 0;
}

#endif
