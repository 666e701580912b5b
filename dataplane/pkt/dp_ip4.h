/* SPDX-License-Identifier: Apache-2.0 */
/* IPv4 header checks shared by the stages that read one (RFC 791 3.1). Packet path, inline. */
#ifndef VIRGA_DP_IP4_H
#define VIRGA_DP_IP4_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

/*
 * The header can be trusted field by field: version 4, a header length (IHL)
 * of at least 20 bytes that lies within the `contig` bytes readable at ip,
 * and a total length that covers the header and fits the `avail` bytes the
 * frame carries from ip on (more is Ethernet padding). RFC 1812 5.2.2's
 * checks but the checksum.
 */
static inline bool dp_ip4_hdr_valid(const struct rte_ipv4_hdr *ip, uint32_t contig, uint32_t avail)
{
	uint32_t hl, total;

	if (contig < sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		return false;
	hl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	return hl >= sizeof(*ip) && hl <= contig && total >= hl && total <= avail;
}

#endif
