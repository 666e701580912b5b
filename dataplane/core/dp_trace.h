/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Packet trace: when on, each stage records, per frame, what it decided and
 * why. Workers push raw records into a multi-producer ring (a full ring loses
 * records, never blocks); the control thread drains it, formats each record
 * as a line of text, and keeps the last N lines for `virga dp trace show`.
 * The records name the lcore that made them; networks are named by the
 * function given to dp_trace_init.
 */
#ifndef VIRGA_DP_TRACE_H
#define VIRGA_DP_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include <virga/dp_api.h>

/* Names the edge `edge` of a stage, for the trace text ("port_tx", "drop_mtu_exceeded"). */
typedef const char *(*dp_trace_edge_name_t)(uint16_t edge);

extern bool dp_trace_on;

/* Any thread: the switch, which workers copy once per loop. */
static inline bool dp_trace_enabled(void)
{
	return __atomic_load_n(&dp_trace_on, __ATOMIC_RELAXED);
}

/* Packet path (only while tracing): one record per frame of the burst. */
void dp_trace_burst(const char *stage, dp_trace_edge_name_t edge_name, struct rte_mbuf **pkts,
		const uint16_t *next, uint16_t n);

/* Why a stage decided what it did, beyond the edge: a line of its own in the trace. */
enum dp_trace_note {
	DP_TRACE_ROUTE_RESOLVED, /* ip1 via ip2 in net, next hop's MAC known */
	DP_TRACE_ROUTE_WAITING,	 /* ip1 via ip2 in net, ARP sent, the frame waits */
	DP_TRACE_ROUTE_LOCAL,	 /* ip1 is the router's own address */
	DP_TRACE_VXLAN_ENCAP,	 /* to VTEP ip1, VNI ip2, from net */
	DP_TRACE_VXLAN_DECAP,	 /* from VTEP ip1, VNI ip2, into net */
};

/* Packet path (only while tracing). Addresses in network byte order. */
void dp_trace_note(const char *stage, enum dp_trace_note note, uint32_t ip1, uint32_t ip2,
		uint16_t net_id);

/*
 * A stage's own record: `len` bytes of data (at most DP_TRACE_DATA_LEN), copied
 * into the record on the packet path and turned into text by `format` on the
 * control thread when the ring is drained (so the stage may name what only the
 * control thread knows, a rule's label). format must not block.
 */
#define DP_TRACE_DATA_LEN 64
typedef void (*dp_trace_format_t)(const char *stage, const void *data, char *text, size_t sz);

/* Packet path (only while tracing). */
void dp_trace_custom(const char *stage, dp_trace_format_t format, const void *data, size_t len);

/* Control thread. `net_name` names network ids in the text ("?" for none). */
int dp_trace_init(const char *(*net_name)(uint16_t net_id));
void dp_trace_fini(void);
int dp_trace_set(int enabled, uint32_t max_records);
/* Moves records from the ring into the text log; call from the control loop. */
void dp_trace_drain(void);
/* Copies up to max lines from position cursor on; returns the count, sets *next_cursor. */
uint32_t dp_trace_read(uint32_t cursor, struct dp_trace_record *out, uint32_t max,
		uint32_t *next_cursor);

#endif
