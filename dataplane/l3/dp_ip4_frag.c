/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_ip.h>

#include "pkt/dp_mbuf.h"
#include "dp_ip4_frag.h"

#define OFFSET_UNIT 8
#define OPT_END 0
#define OPT_NOP 1
#define OPT_COPIED 0x80 /* RFC 791: copied into all fragments */

/*
 * The options of a later fragment: those of the first (`opt`, `len` bytes)
 * whose copied flag is set, padded with end-of-list to 4 bytes. Returns the
 * length written to out (at most len). Options the first fragment carried
 * were already validated as a header; a malformed length stops the walk.
 */
static uint32_t copied_options(const uint8_t *opt, uint32_t len, uint8_t *out)
{
	uint32_t i = 0, n = 0;

	while (i < len && opt[i] != OPT_END) {
		uint32_t olen;

		if (opt[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = opt[i + 1]) < 2 || i + olen > len)
			break;
		if (opt[i] & OPT_COPIED) {
			memcpy(out + n, opt + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4)
		out[n++] = OPT_END;
	return n;
}

/* Total length, fragment field and checksum of a piece's header. */
static void finish_header(struct rte_ipv4_hdr *ip, uint32_t hl, uint32_t payload,
		uint16_t frag_field)
{
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hl + payload));
	ip->fragment_offset = rte_cpu_to_be_16(frag_field);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = ~rte_raw_cksum(ip, hl);
}

int dp_ip4_fragment(struct rte_mbuf *m, uint32_t l2_len, uint16_t mtu, struct rte_mempool *pool,
		struct rte_mbuf **more, uint16_t max)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2_len);
	uint8_t later_opts[RTE_IPV4_HDR_OPT_MAX_LEN];
	uint32_t hl, total, payload, first_chunk, chunk, later_hl, n_more, done;
	uint16_t frag, offset, mf;

	if (m->nb_segs != 1 || rte_pktmbuf_data_len(m) < l2_len + sizeof(*ip))
		return -EINVAL;
	hl = rte_ipv4_hdr_len(ip);
	total = rte_be_to_cpu_16(ip->total_length);
	frag = rte_be_to_cpu_16(ip->fragment_offset);
	if (hl < sizeof(*ip) || total < hl || l2_len + total > rte_pktmbuf_data_len(m) ||
			(frag & RTE_IPV4_HDR_DF_FLAG))
		return -EINVAL;
	if (total <= mtu)
		return 0;
	later_hl = sizeof(*ip) + copied_options((const uint8_t *)(ip + 1), hl - sizeof(*ip),
						 later_opts);
	if (mtu < hl + OFFSET_UNIT)
		return -EINVAL;
	payload = total - hl;
	first_chunk = RTE_ALIGN_FLOOR(mtu - hl, OFFSET_UNIT);
	chunk = RTE_ALIGN_FLOOR(mtu - later_hl, OFFSET_UNIT);
	n_more = (payload - first_chunk + chunk - 1) / chunk;
	if (n_more > max)
		return -ENOSPC;
	if (rte_pktmbuf_alloc_bulk(pool, more, n_more) != 0)
		return -ENOMEM;

	offset = frag & RTE_IPV4_HDR_OFFSET_MASK;
	mf = frag & RTE_IPV4_HDR_MF_FLAG;
	done = first_chunk;
	for (uint32_t i = 0; i < n_more; i++) {
		uint32_t len = RTE_MIN(chunk, payload - done);
		uint8_t *p = (uint8_t *)rte_pktmbuf_append(more[i], l2_len + later_hl + len);
		struct rte_ipv4_hdr *fip = (struct rte_ipv4_hdr *)(p + l2_len);
		bool last = done + len == payload;

		/* A pool's mbufs hold a full Ethernet frame: only an mtu beyond that fails. */
		if (p == NULL) {
			rte_pktmbuf_free_bulk(more, n_more);
			return -ENOMEM;
		}
		memcpy(p, rte_pktmbuf_mtod(m, const uint8_t *), l2_len);
		memcpy(fip, ip, sizeof(*ip));
		memcpy(fip + 1, later_opts, later_hl - sizeof(*ip));
		fip->version_ihl = (uint8_t)(0x40 | later_hl / 4);
		memcpy((uint8_t *)fip + later_hl, (const uint8_t *)ip + hl + done, len);
		finish_header(fip, later_hl, len,
				(uint16_t)((offset + done / OFFSET_UNIT) | (last ? mf : RTE_IPV4_HDR_MF_FLAG)));
		*dp_mbuf_meta(more[i]) = *dp_mbuf_meta(m);
		more[i]->port = m->port;
		done += len;
	}
	/* The original is the first piece: its header, options and all, and the first chunk. */
	rte_pktmbuf_trim(m, rte_pktmbuf_data_len(m) - (l2_len + hl + first_chunk));
	finish_header(ip, hl, first_chunk, (uint16_t)(offset | RTE_IPV4_HDR_MF_FLAG));
	return (int)n_more;
}
