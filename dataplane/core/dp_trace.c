/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_log.h"
#include "dp_tables.h"
#include "dp_trace.h"
#include "pkt/dp_mbuf.h"

struct raw_record {
	uint64_t tsc;
	const char *stage;
	dp_trace_edge_name_t edge_name;
	uint32_t lcore_id;
	uint32_t len;
	uint16_t in_port;
	uint16_t out_port;
	uint16_t net_id;
	uint16_t edge;
	uint16_t vlan; /* 0xffff: untagged */
	uint16_t etype;
	uint8_t src[6];
	uint8_t dst[6];
};

#define RING_SIZE 4096
#define DEFAULT_RECORDS 1024

/* Control-thread only: the formatted log, a circular array. */
static struct {
	struct dp_trace_record *lines;
	uint32_t cap;
	uint64_t next_seq; /* seq of the next line written; line seq s lives at s % cap */
} trace_log;

void dp_trace_burst(struct dp_worker *w, const char *stage, dp_trace_edge_name_t edge_name,
		struct rte_mbuf **pkts, const uint16_t *next, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		struct raw_record r = {
			.tsc = rte_rdtsc(),
			.stage = stage,
			.edge_name = edge_name,
			.lcore_id = w->lcore_id,
			.len = rte_pktmbuf_pkt_len(m),
			.in_port = m->port,
			.out_port = dp_mbuf_meta(m)->out_port,
			.net_id = dp_mbuf_meta(m)->net_id,
			.edge = next[i],
			.vlan = 0xffff,
		};

		if (rte_pktmbuf_data_len(m) >= 14) {
			memcpy(r.dst, d, 6);
			memcpy(r.src, d + 6, 6);
			r.etype = (uint16_t)(d[12] << 8 | d[13]);
			if (r.etype == 0x8100 && rte_pktmbuf_data_len(m) >= 18) {
				r.vlan = (uint16_t)((d[14] << 8 | d[15]) & 0xfff);
				r.etype = (uint16_t)(d[16] << 8 | d[17]);
			}
		}
		rte_ring_mp_enqueue_elem(dp_tables.trace_ring, &r, sizeof(r));
	}
}

int dp_trace_init(void)
{
	dp_tables.trace_ring = rte_ring_create_elem("virga_trace", sizeof(struct raw_record),
			RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (dp_tables.trace_ring == NULL)
		return -rte_errno;
	return dp_trace_set(0, DEFAULT_RECORDS);
}

void dp_trace_fini(void)
{
	rte_ring_free(dp_tables.trace_ring);
	dp_tables.trace_ring = NULL;
	free(trace_log.lines);
	memset(&trace_log, 0, sizeof(trace_log));
}

int dp_trace_set(int enabled, uint32_t max_records)
{
	if (max_records > 1u << 20)
		return -EINVAL;
	if (max_records && max_records != trace_log.cap) {
		struct dp_trace_record *l = calloc(max_records, sizeof(*l));

		if (l == NULL)
			return -ENOMEM;
		free(trace_log.lines);
		trace_log.lines = l;
		trace_log.cap = max_records;
		trace_log.next_seq = 0;
	}
	/* Workers copy the switch once per loop: it takes effect within one loop. */
	__atomic_store_n(&dp_tables.trace, enabled != 0, __ATOMIC_RELEASE);
	return 0;
}

static void format_mac(char *buf, size_t sz, const uint8_t *m)
{
	snprintf(buf, sz, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void format_record(const struct raw_record *r, struct dp_trace_record *out)
{
	char src[18], dst[18], vlan[12] = "-", via[48] = "";
	const char *edge = r->edge_name ? r->edge_name(r->edge) : "?";

	format_mac(src, sizeof(src), r->src);
	format_mac(dst, sizeof(dst), r->dst);
	if (r->vlan != 0xffff)
		snprintf(vlan, sizeof(vlan), "%u", r->vlan);
	if (strcmp(edge, "port_tx") == 0)
		snprintf(via, sizeof(via), " port %u", r->out_port);
	else if (strcmp(edge, "l2_flood") == 0)
		snprintf(via, sizeof(via), " network %u", r->net_id);
	out->seq = trace_log.next_seq;
	out->tsc = r->tsc;
	out->lcore_id = r->lcore_id;
	snprintf(out->text, sizeof(out->text),
			"%s: in port %u %s > %s vlan %s type 0x%04x len %u -> %s%s", r->stage,
			r->in_port, src, dst, vlan, r->etype, r->len, edge, via);
}

void dp_trace_drain(void)
{
	struct raw_record r;

	if (dp_tables.trace_ring == NULL)
		return;
	while (rte_ring_sc_dequeue_elem(dp_tables.trace_ring, &r, sizeof(r)) == 0) {
		if (trace_log.cap == 0)
			continue;
		format_record(&r, &trace_log.lines[trace_log.next_seq % trace_log.cap]);
		trace_log.next_seq++;
	}
}

uint32_t dp_trace_read(uint32_t cursor, struct dp_trace_record *out, uint32_t max,
		uint32_t *next_cursor)
{
	uint64_t first = trace_log.next_seq > trace_log.cap ? trace_log.next_seq - trace_log.cap : 0;
	uint64_t s = RTE_MAX((uint64_t)cursor, first);
	uint32_t n = 0;

	for (; s < trace_log.next_seq && n < max; s++, n++)
		out[n] = trace_log.lines[s % trace_log.cap];
	*next_cursor = s < trace_log.next_seq ? (uint32_t)s : 0;
	return n;
}
