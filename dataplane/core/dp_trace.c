/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include <arpa/inet.h>

#include "pkt/dp_mbuf.h"
#include "dp_trace.h"

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
	uint8_t note; /* NO_NOTE, CUSTOM, or enum dp_trace_note (then ip1, ip2, net_id say what) */
	uint32_t ip1;
	uint32_t ip2;
	dp_trace_format_t format; /* CUSTOM: formats data */
	uint8_t data[DP_TRACE_DATA_LEN];
};

#define NO_NOTE 0xff
#define CUSTOM 0xfe

#define RING_SIZE 4096
#define DEFAULT_RECORDS 1024

bool dp_trace_on;
static struct rte_ring *trace_ring; /* workers -> control thread: raw records */
static const char *(*name_of_net)(uint16_t net_id);

/* Control-thread only: the formatted log, a circular array. */
static struct {
	struct dp_trace_record *lines;
	uint32_t cap;
	uint64_t next_seq; /* seq of the next line written; line seq s lives at s % cap */
} trace_log;

void dp_trace_burst(const char *stage, dp_trace_edge_name_t edge_name, struct rte_mbuf **pkts,
		const uint16_t *next, uint16_t n)
{
	uint32_t lcore_id = rte_lcore_id();

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		struct raw_record r = {
			.tsc = rte_rdtsc(),
			.stage = stage,
			.edge_name = edge_name,
			.lcore_id = lcore_id,
			.len = rte_pktmbuf_pkt_len(m),
			.in_port = m->port,
			.out_port = dp_mbuf_meta(m)->out_port,
			.net_id = dp_mbuf_meta(m)->net_id,
			.edge = next[i],
			.vlan = 0xffff,
			.note = NO_NOTE,
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
		rte_ring_mp_enqueue_elem(trace_ring, &r, sizeof(r));
	}
}

void dp_trace_note(const char *stage, enum dp_trace_note note, uint32_t ip1, uint32_t ip2,
		uint16_t net_id)
{
	struct raw_record r = {
		.tsc = rte_rdtsc(),
		.stage = stage,
		.lcore_id = rte_lcore_id(),
		.net_id = net_id,
		.note = note,
		.ip1 = ip1,
		.ip2 = ip2,
	};

	rte_ring_mp_enqueue_elem(trace_ring, &r, sizeof(r));
}

void dp_trace_custom(const char *stage, dp_trace_format_t format, const void *data, size_t len)
{
	struct raw_record r = {
		.tsc = rte_rdtsc(),
		.stage = stage,
		.lcore_id = rte_lcore_id(),
		.note = CUSTOM,
		.format = format,
	};

	memcpy(r.data, data, RTE_MIN(len, sizeof(r.data)));
	rte_ring_mp_enqueue_elem(trace_ring, &r, sizeof(r));
}

int dp_trace_init(const char *(*net_name)(uint16_t net_id))
{
	name_of_net = net_name;
	trace_ring = rte_ring_create_elem("virga_trace", sizeof(struct raw_record), RING_SIZE,
			SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (trace_ring == NULL)
		return -rte_errno;
	return dp_trace_set(0, DEFAULT_RECORDS);
}

void dp_trace_fini(void)
{
	rte_ring_free(trace_ring);
	trace_ring = NULL;
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
	__atomic_store_n(&dp_trace_on, enabled != 0, __ATOMIC_RELEASE);
	return 0;
}

static void format_mac(char *buf, size_t sz, const uint8_t *m)
{
	snprintf(buf, sz, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static const char *net_name(uint16_t id)
{
	return name_of_net ? name_of_net(id) : "?";
}

static void format_note(const struct raw_record *r, char *text, size_t sz)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->ip1, a, sizeof(a));
	inet_ntop(AF_INET, &r->ip2, b, sizeof(b));
	switch (r->note) {
	case DP_TRACE_ROUTE_RESOLVED:
		snprintf(text, sz, "%s: %s -> via %s network %s, neigh resolved", r->stage, a, b,
				net_name(r->net_id));
		break;
	case DP_TRACE_ROUTE_WAITING:
		snprintf(text, sz, "%s: %s -> via %s network %s, neigh unresolved: ARP sent, frame waits",
				r->stage, a, b, net_name(r->net_id));
		break;
	case DP_TRACE_ROUTE_LOCAL:
		snprintf(text, sz, "%s: %s is the router's own address", r->stage, a);
		break;
	case DP_TRACE_VXLAN_ENCAP:
		snprintf(text, sz, "%s: network %s -> VTEP %s vni %u", r->stage, net_name(r->net_id), a,
				rte_be_to_cpu_32(r->ip2));
		break;
	case DP_TRACE_VXLAN_DECAP:
		snprintf(text, sz, "%s: VTEP %s vni %u -> network %s", r->stage, a,
				rte_be_to_cpu_32(r->ip2), net_name(r->net_id));
		break;
	default:
		snprintf(text, sz, "%s: ?", r->stage);
	}
}

static void format_record(const struct raw_record *r, struct dp_trace_record *out)
{
	char src[18], dst[18], vlan[12] = "-", via[96] = "";
	const char *edge = r->edge_name ? r->edge_name(r->edge) : "?";

	out->seq = trace_log.next_seq;
	out->tsc = r->tsc;
	out->lcore_id = r->lcore_id;
	if (r->note == CUSTOM) {
		r->format(r->stage, r->data, out->text, sizeof(out->text));
		return;
	}
	if (r->note != NO_NOTE) {
		format_note(r, out->text, sizeof(out->text));
		return;
	}

	format_mac(src, sizeof(src), r->src);
	format_mac(dst, sizeof(dst), r->dst);
	if (r->vlan != 0xffff)
		snprintf(vlan, sizeof(vlan), "%u", r->vlan);
	if (strcmp(edge, "port_tx") == 0)
		snprintf(via, sizeof(via), " port %u", r->out_port);
	else if (strcmp(edge, "l2_flood") == 0)
		snprintf(via, sizeof(via), " network %s", net_name(r->net_id));
	snprintf(out->text, sizeof(out->text),
			"%s: in port %u %s > %s vlan %s type 0x%04x len %u -> %s%s", r->stage,
			r->in_port, src, dst, vlan, r->etype, r->len, edge, via);
}

void dp_trace_drain(void)
{
	struct raw_record r;

	if (trace_ring == NULL)
		return;
	while (rte_ring_sc_dequeue_elem(trace_ring, &r, sizeof(r)) == 0) {
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
