/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MAC table: (network, MAC) -> port, one dp_kv table shared by every
 * network (core/dp_kv.h has the concurrency contract).
 *  - Stale entries: each entry records its port's epoch; bumping a port's
 *    epoch (detach, delete) invalidates all its MACs in O(1). Aging on the
 *    control thread reclaims them, and entries not seen for the aging time.
 */
#ifndef VIRGA_DP_FDB_H
#define VIRGA_DP_FDB_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "core/dp_kv.h"

/*
 * Key: network id in the top 16 bits, MAC in the low 48. Network ids start
 * at 1, so a key is never 0, and 0 marks a free slot.
 * Value: port id (16) | port epoch (16) | static (1) | last seen, seconds (31).
 */
#define DP_FDB_VAL_PORT(v) ((uint16_t)((v)&0xffff))
#define DP_FDB_VAL_EPOCH(v) ((uint16_t)(((v) >> 16) & 0xffff))
#define DP_FDB_VAL_STATIC (1ull << 32)
#define DP_FDB_VAL_SEEN(v) ((uint32_t)((v) >> 33))

static inline uint64_t dp_fdb_val(uint16_t port, uint16_t epoch, bool is_static, uint32_t seen)
{
	return (uint64_t)port | ((uint64_t)epoch << 16) | (is_static ? DP_FDB_VAL_STATIC : 0) |
	       ((uint64_t)(seen & 0x7fffffff) << 33);
}

static inline uint64_t dp_fdb_key(uint16_t net_id, const struct rte_ether_addr *mac)
{
	uint64_t k = 0;

	/* The 6 MAC bytes land in the low 48 bits (little endian load of 8 bytes then mask
	 * would read past the address, so assemble). */
	k = (uint64_t)mac->addr_bytes[0] | (uint64_t)mac->addr_bytes[1] << 8 |
	    (uint64_t)mac->addr_bytes[2] << 16 | (uint64_t)mac->addr_bytes[3] << 24 |
	    (uint64_t)mac->addr_bytes[4] << 32 | (uint64_t)mac->addr_bytes[5] << 40;
	return k | (uint64_t)net_id << 48;
}

/*
 * Packet path: the key of an address inside an Ethernet header, with one
 * 8-byte load instead of six: both addresses of a 14-byte header have two
 * more readable bytes after them, which the mask drops.
 */
static inline uint64_t dp_fdb_key_hdr(uint16_t net_id, const struct rte_ether_addr *mac)
{
	uint64_t k;

	RTE_BUILD_BUG_ON(RTE_BYTE_ORDER != RTE_LITTLE_ENDIAN);
	memcpy(&k, mac, sizeof(k));
	return (k & 0xffffffffffffull) | (uint64_t)net_id << 48;
}

static inline uint16_t dp_fdb_key_net(uint64_t key)
{
	return key >> 48;
}

static inline void dp_fdb_key_mac(uint64_t key, struct rte_ether_addr *mac)
{
	for (int i = 0; i < 6; i++)
		mac->addr_bytes[i] = (key >> (8 * i)) & 0xff;
}

#endif
