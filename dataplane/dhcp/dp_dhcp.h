/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DHCPv4 answered by the engine, per port, with no DHCP daemon: a port with
 * an entry gets its fixed address and the rest of its configuration from
 * whatever DHCP request it sends (dhcp_input.c), as Neutron's DHCP agent
 * would answer it.
 *
 * Where answers are built: in the worker that received the request, on its
 * slow path (bridge_input hands it any UDP to port 67 from an access port),
 * by rewriting the request's own mbuf into the reply and sending it back out
 * of the same port. No queue to the control thread, no allocation; a storm
 * costs the worker at most the port's rate of parses and builds, the rest is
 * dropped after one token-bucket test (DP_DHCP_RATE per second, DP_DHCP_BURST
 * at once, per port, shared out between the workers).
 *
 * Contract
 *  - The control thread is the only writer (dp_dhcp_conf.c). A port's entry
 *    is immutable once published and replaced whole under RCU
 *    (dp_dhcp_entries[port_id], retired after a grace period).
 *  - Workers read it lock-free with dp_dhcp_get; counters and token buckets
 *    are each worker's own (struct dp_dhcp_worker), summed by the control
 *    thread on DHCP_LIST.
 *  - A port's entry goes with the port (dp_conf_dhcp_port_gone).
 */
#ifndef VIRGA_DP_DHCP_H
#define VIRGA_DP_DHCP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include <virga/dp_api.h>

#include "dp_dhcp_proto.h"

/* A port's requests answered per second and at once, all workers together. */
#define DP_DHCP_RATE 50
#define DP_DHCP_BURST 100
/* Neutron's dhcp_lease_duration default, for an entry set with lease 0. */
#define DP_DHCP_DEFAULT_LEASE 86400

/* What the workers read for one port, built once by the control thread. */
struct dp_dhcp_entry {
	struct dp_dhcp_set_req conf;   /* as set (lease filled in), for DHCP_LIST */
	struct rte_ether_addr mac;     /* the only chaddr answered */
	struct rte_ether_addr src_mac; /* the replies' source: dp_dhcp_server_mac */
	uint32_t ip;                   /* network byte order */
	uint32_t server_ip;            /* network byte order */
	uint16_t opts_len;
	uint8_t opts[DP_DHCP_OPTS_MAX]; /* dp_dhcp_options_build's */
};

/* Per port id: its published entry, or NULL. */
extern struct dp_dhcp_entry *dp_dhcp_entries[DP_MAX_PORTS];
/* How many there are: with none, bridge_input spends one load per frame on DHCP
 * (an engine that answers none, or a benchmark's UDP 68 -> 67 frames). */
extern uint32_t dp_dhcp_n_entries;

/* Packet path: whether any port has an entry (else nothing here needs a look). */
static inline bool dp_dhcp_active(void)
{
	return __atomic_load_n(&dp_dhcp_n_entries, __ATOMIC_RELAXED) != 0;
}

/* Packet path: port_id's entry, or NULL. */
static inline const struct dp_dhcp_entry *dp_dhcp_get(uint16_t port_id)
{
	return __atomic_load_n(&dp_dhcp_entries[port_id], __ATOMIC_ACQUIRE);
}

/* A worker's requests and answers for one port, by message type (requests and
 * answers have types of their own: by_type[DP_DHCP_OFFER] counts OFFERs sent). */
struct dp_dhcp_counters {
	uint64_t by_type[DP_DHCP_INFORM + 1];
	uint64_t rate_limited;
};

/* Token bucket: tokens in units of 1/hz, so refilling is one multiplication. */
struct dp_dhcp_bucket {
	uint64_t tokens;
	uint64_t last_tsc; /* 0: never used, the bucket is full */
};

struct dp_dhcp_worker {
	struct dp_dhcp_counters c;
	struct dp_dhcp_bucket bucket;
};

/*
 * Packet path: takes one token from b at time now (hz ticks a second) for a
 * bucket filling at rate per second up to burst; false when it is empty.
 */
bool dp_dhcp_bucket_take(
                struct dp_dhcp_bucket *b, uint64_t now, uint64_t hz, uint32_t rate, uint32_t burst);

/* Packet path, inline: whether the IPv4 packet at ip (len bytes of it in the frame) is
 * UDP to the DHCP server port, unfragmented (what bridge_input hands dp_dhcp_input). */
static inline bool dp_dhcp_is_request(const uint8_t *ip, uint32_t len)
{
	uint32_t hl;

	if (len < 20 + 8 || ip[9] != 17 /* UDP */ || (ip[6] & 0x3f) != 0 || ip[7] != 0)
		return false; /* a fragment (MF or an offset) is no whole request */
	hl = (ip[0] & 0xfu) * 4u;
	return hl >= 20 && len >= hl + 8 && ip[hl + 2] == 0 && ip[hl + 3] == DP_DHCP_SERVER_PORT;
}

struct dp_worker;
struct dp_port;

/*
 * Packet path, bridge_input's worker: a request from access port `in` (an
 * untagged IPv4 frame that dp_dhcp_is_request accepted). Returns
 *  - DP_L2_TX with the frame rewritten into the reply (dp_mbuf_meta out_port =
 *    the port it came from),
 *  - a DP_L2_EDGE_DROP(reason): malformed, unknown MAC, no entry, rate
 *    limited, or nothing to answer (dhcp_consumed),
 *  - DP_L2_EDGE_MAX when the engine serves no DHCP on the port's network:
 *    the frame is switched like any other (a DHCP server of the tenant's).
 */
uint16_t dp_dhcp_input(struct dp_worker *w, struct rte_mbuf *m, const struct dp_port *in);

/*
 * Packet path: an ARP request from access port `in` for its DHCP server's
 * address, so a client can unicast its renewal (RFC 2131 4.4.5). Answers in
 * place and returns DP_L2_TX; DP_L2_EDGE_MAX when the frame is not that.
 * A router interface with the same address answers instead (dp_l2_to_router).
 */
uint16_t dp_dhcp_arp_input(struct rte_mbuf *m, const struct dp_port *in);

/* The source MAC of a server's answers and ARP replies: 02:76 and its address, locally
 * administered, the same on every node (the answers never cross the network). */
void dp_dhcp_server_mac(uint32_t server_ip, struct rte_ether_addr *mac);

/* Control thread (0 or -errno, changing nothing on failure). */
int dp_conf_dhcp_set(const struct dp_dhcp_set_req *req);
int dp_conf_dhcp_del(const struct dp_dhcp_del_req *req);
/* Control thread: port_id's entry's counters, summed over the workers since it was set. */
void dp_conf_dhcp_counters(uint16_t port_id, struct dp_dhcp_counters *out);
/* Control thread: port_id is being deleted: its entry goes with it. */
void dp_conf_dhcp_port_gone(uint16_t port_id);

#endif
