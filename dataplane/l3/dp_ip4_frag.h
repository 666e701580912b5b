/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPv4 fragmentation by the router (RFC 791 3.2 "Fragmentation and
 * reassembly", RFC 1812 5.2.7): a datagram without DF that does not fit the
 * egress network's MTU leaves as fragments instead of being dropped.
 *
 * Packet path, but a rare one: the ~1500-byte datagram of an external
 * network routed into a VXLAN network of 1450. Each fragment is its own
 * single-segment mbuf holding a copy of its headers and payload, not an
 * indirect mbuf chained to the original (as rte_ipv4_fragment_packet
 * makes): every later stage (security groups, VXLAN, VLAN push) then reads
 * contiguous headers as it does for any frame. The copy is what a fragment
 * costs anyway on the wire.
 */
#ifndef VIRGA_DP_IP4_FRAG_H
#define VIRGA_DP_IP4_FRAG_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

/* Most fragments one call makes of a datagram, the original included: a 64 KiB
 * datagram into a 576-byte MTU (the smallest an IPv4 host must take). */
#define DP_IP4_FRAG_MAX 128

/*
 * Splits the IPv4 datagram of frame m (an Ethernet header of l2_len bytes,
 * then an IPv4 header whose fields are final: TTL and addresses as they
 * leave) into pieces whose total length is at most mtu, payloads multiples
 * of 8 bytes but the last (RFC 791). m becomes the first piece, in place; the
 * others are new frames from pool, written to more[] in order, each with m's
 * Ethernet header, m's metadata and the options that RFC 791 says are copied
 * into every fragment. A datagram that is itself a fragment keeps its
 * offset and, on its last piece, its MF flag. Header checksums are
 * recomputed.
 *
 * Returns how many frames were added to more[] (0: it fit), or
 *  -EINVAL: not a plain IPv4 datagram in one segment, DF set, or an mtu that
 *           cannot carry its header and 8 bytes;
 *  -ENOSPC: it needs more than max additional frames;
 *  -ENOMEM: pool ran dry.
 * On an error m is unchanged and nothing was allocated.
 */
int dp_ip4_fragment(struct rte_mbuf *m, uint32_t l2_len, uint16_t mtu, struct rte_mempool *pool,
		struct rte_mbuf **more, uint16_t max);

#endif
