/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The later fragments of a datagram SNAT translated. Only the first fragment
 * carries the ports that find its connection; the later ones follow it by
 * (source, destination, protocol, IP identification), as Linux's conntrack
 * finds them only after reassembly and OVS's by its own reassembly. Here
 * nothing is reassembled: when the first fragment is translated, the worker
 * remembers the datagram's new address for its later fragments.
 *
 * Contract
 *  - Per worker (no sharing): fragments of one datagram are expected on one
 *    worker, as NICs' RSS hashes fragments by addresses only, and af_packet
 *    ports hand the engine datagrams already reassembled by the kernel.
 *  - A slot is kept DP_SNAT_FRAG_SEC seconds, or until another datagram's
 *    hash takes it (direct-mapped, DP_SNAT_FRAG_SLOTS of them).
 *  - A later fragment with no slot (it came before the first, or after its
 *    slot went) is not translated and is dropped (snat_untrackable): it would
 *    leave with its inside address, or reach nobody.
 *
 * Packet path, inline.
 */
#ifndef VIRGA_DP_SNAT_FRAG_H
#define VIRGA_DP_SNAT_FRAG_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "engine/dp_worker.h"

#define DP_SNAT_FRAG_SLOTS 256 /* power of two */
#define DP_SNAT_FRAG_SEC 2

struct dp_snat_frag {
	uint32_t src, dst; /* the datagram's, as it arrived (network order) */
	uint16_t id;	   /* IP identification, network order */
	uint16_t zone;
	uint8_t proto;
	uint32_t new_src;  /* 0: unchanged */
	uint32_t new_dst;  /* 0: unchanged */
	uint32_t until;	   /* worker clock second it is kept to */
};

extern struct dp_snat_frag dp_snat_frags[DP_MAX_WORKERS][DP_SNAT_FRAG_SLOTS];

static inline struct dp_snat_frag *dp_snat_frag_slot(uint32_t worker, uint32_t src, uint32_t dst,
		uint16_t id)
{
	uint32_t h = (src * 0x9e3779b1u) ^ (dst * 0x85ebca6bu) ^ id;

	return &dp_snat_frags[worker][(h ^ h >> 15) & (DP_SNAT_FRAG_SLOTS - 1)];
}

/* Remembers the translation of a first fragment for its later ones. */
static inline void dp_snat_frag_note(uint32_t worker, uint32_t now, uint16_t zone, uint32_t src,
		uint32_t dst, uint16_t id, uint8_t proto, uint32_t new_src, uint32_t new_dst)
{
	struct dp_snat_frag *f = dp_snat_frag_slot(worker, src, dst, id);

	*f = (struct dp_snat_frag){.src = src, .dst = dst, .id = id, .zone = zone, .proto = proto,
			.new_src = new_src, .new_dst = new_dst, .until = now + DP_SNAT_FRAG_SEC};
}

/* The translation of a later fragment, or NULL. */
static inline const struct dp_snat_frag *dp_snat_frag_find(uint32_t worker, uint32_t now,
		uint16_t zone, uint32_t src, uint32_t dst, uint16_t id, uint8_t proto)
{
	const struct dp_snat_frag *f = dp_snat_frag_slot(worker, src, dst, id);

	if (f->src == src && f->dst == dst && f->id == id && f->zone == zone && f->proto == proto &&
			(int32_t)(f->until - now) >= 0)
		return f;
	return NULL;
}

#endif
