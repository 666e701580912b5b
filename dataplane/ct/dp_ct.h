/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Connection tracking for stateful security groups, with Neutron's semantics
 * (what its OVS firewall driver gets from conntrack): a packet of a connection
 * some rule allowed passes both ways; a new connection needs a rule; a removed
 * rule ends the connections only it allowed.
 *
 * Contract
 *  - One table shared by every worker, explicitly multi-writer. af_packet fanout
 *    and vhost queues do not promise that both directions of a flow reach the
 *    same worker, so the reply of a connection one worker created may arrive on
 *    another; per-worker tables would need a handoff between workers.
 *  - Readers: workers and the control thread. dp_ct_lookup_bulk is lock-free
 *    (rte_hash with RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF): one bulk hash
 *    lookup per burst, no stores.
 *  - Writers:
 *     . workers add entries (dp_ct_create). rte_hash's MULTI_WRITER_ADD writer
 *       lock is taken only there, i.e. once per new connection. Two workers
 *       creating one connection at once get the same key position back from
 *       rte_hash; the one whose CAS takes the entry from free to busy fills
 *       it, the other waits the few stores that takes and gets -EEXIST and
 *       that entry. Lookups skip an entry until it is filled.
 *     . workers change the mutable fields of existing entries, each with a
 *       single atomic operation, which is why no lock is needed:
 *         state word (L4 state, originator side, flags): by CAS, the new value
 *           computed from the value it replaces, so two workers racing on one
 *           connection apply their transitions one after the other;
 *         last_seen: a relaxed store of the worker's clock second, only when
 *           the second changed. Two racing stores may leave it one second
 *           back (worker clocks differ by less than a second): expiry gives
 *           one second of slack for it, and the next packet moves it on;
 *         each allowed-by record's (generation, rule): one 64-bit store, never
 *           read torn. A record's port is fixed when the entry is created.
 *           The control thread renews records the same way when a port's
 *           rules change (sg/dp_sg_conf.c).
 *     . the control thread alone deletes: expiry, flushes, dp_ct_delete. A
 *       worker that wants a connection gone marks it dead (dp_ct_kill) and the
 *       control thread deletes it at its next dp_ct_expire.
 *  - Memory: rte_hash, plus an array of entries indexed by the key's position
 *    in the hash (the value rte_hash_add_key returns), allocated once at init.
 *    The key itself is kept once, in the hash (dp_ct_key_at). A deleted entry
 *    is marked dead and its key removed; its position, and with it the entry,
 *    goes back to rte_hash only after an RCU grace period on the workers' QSBR
 *    variable (our own defer queue, so the entry can be reset first): a worker
 *    that found the entry before the delete never sees it reused for another
 *    connection. The control thread must be an EAL thread (or registered with
 *    rte_thread_register), as must workers: MULTI_WRITER_ADD keeps free key
 *    positions in per-lcore caches.
 *  - Full: dp_ct_create fails with -ENOSPC when max_entries connections exist
 *    (deleted ones still in their grace period count), with -EDQUOT when one
 *    of its ports has port_limit connections. Existing entries are never
 *    evicted for new ones, and are still found.
 *  - Cost: a burst costs one rte_hash_lookup_bulk per 64 packets; a packet of
 *    a known connection then reads its 32-byte entry, and writes only when its
 *    TCP state changes (a CAS) or a new second began (one store). A new
 *    connection costs a second hash of the 48-byte key (CRC32, in
 *    rte_hash_add_key after the lookup's), a few atomic adds
 *    (table and port counters) and rte_hash's writer lock, which is what limits
 *    new connections per second: it serializes creation across all workers.
 *    Rough figures from the shared 2-core development box (noisy, no
 *    hugepages): ~1500 cycles per creation on one thread (~1.5 M/s), and
 *    130-280 cycles per packet for lookup_bulk over 200k connections, mostly
 *    cache and TLB misses: rte_hash lives in the EAL heap, which without
 *    hugepages is 4 KiB pages (see core/dp_mem.h). Measure with the
 *    benchmark before relying on them.
 *
 * What is not checked: TCP sequence and acknowledgement windows (Linux's
 * tcp_in_window). It would cost a window update per packet (two more written
 * fields, and an ordering problem between workers updating one connection),
 * and with asymmetric paths (one direction through another node) one side's
 * windows are never seen. So a forged RST or FIN with the right addresses and
 * ports moves a connection's state even if its sequence number is off; port
 * security keeps local VMs from forging other addresses.
 */
#ifndef VIRGA_DP_CT_H
#define VIRGA_DP_CT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include <virga/dp_api.h>

struct rte_hash;
struct rte_rcu_qsbr;
struct rte_rcu_qsbr_dq;
struct rte_ring;

#define DP_CT_DEFAULT_ENTRIES 262144
#define DP_CT_BULK_MAX 64        /* RTE_HASH_LOOKUP_BULK_MAX */
#define DP_CT_NONE UINT32_MAX    /* no entry */
#define DP_CT_NO_PORT UINT16_MAX /* no local port on that side (a remote endpoint) */
/* A generation no policy has: a record holding it must be checked again. */
#define DP_CT_GEN_NONE 0

/*
 * The key, canonical: the two endpoints (address, port) in lexicographic
 * order, so both directions of a connection find one entry. 48 bytes,
 * the last 8 zero (rte_hash compares the bytes, with SIMD at this size). Ports are in network byte order:
 *  - TCP, UDP, SCTP: the ports;
 *  - ICMP/ICMPv6 echo: the requester's port is the identifier, the
 *    responder's 0, as Linux inverts the type in the reply tuple: a request
 *    and its reply meet, but the same identifier used by the other side for
 *    its own request is another connection;
 *  - other protocols: 0 and 0 (addresses and protocol only).
 */
struct dp_ct_key {
	uint8_t addr[2][16]; /* IPv4 in the first 4 bytes, the rest zero */
	uint16_t port[2];
	uint16_t zone;  /* the network id: overlapping tenant addresses never meet */
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t proto;  /* IPPROTO_* */
	/* To 48 bytes: rte_hash compares keys of 16, 32, 48... bytes with SIMD
	 * and any other length with memcmp, on every bucket hit. Zeroed with the
	 * rest of the key (dp_ct_key_set). */
	uint8_t pad[8];
};

/* How an entry's protocol is tracked, and which timeouts apply. */
enum dp_ct_l4 {
	DP_CT_L4_TCP,
	DP_CT_L4_UDP,
	DP_CT_L4_SCTP,
	DP_CT_L4_ICMP, /* ICMP and ICMPv6 echo */
	DP_CT_L4_OTHER,
	DP_CT_L4_MAX,
};

/* TCP states, as Linux's enum tcp_conntrack (nf_conntrack_proto_tcp.c). */
enum dp_ct_tcp_state {
	DP_CT_TCP_NONE,
	DP_CT_TCP_SYN_SENT,
	DP_CT_TCP_SYN_RECV,
	DP_CT_TCP_ESTABLISHED,
	DP_CT_TCP_FIN_WAIT,
	DP_CT_TCP_CLOSE_WAIT,
	DP_CT_TCP_LAST_ACK,
	DP_CT_TCP_TIME_WAIT,
	DP_CT_TCP_CLOSE,
	DP_CT_TCP_SYN_SENT2, /* SYN seen from both sides: simultaneous open */
	DP_CT_TCP_N_STATES,
	/* Results of dp_ct_tcp_next only, never an entry's state. */
	DP_CT_TCP_INVALID = DP_CT_TCP_N_STATES, /* the packet does not fit (Linux's sIV) */
	DP_CT_TCP_IGNORE, /* may be valid; the state stays and is not refreshed (sIG) */
};

/* States of the other protocols. */
enum dp_ct_gen_state {
	DP_CT_UNREPLIED = 1,
	DP_CT_REPLIED = 2,
};

/* What a TCP packet's flags say, in Linux's order of precedence (get_conntrack_index). */
enum dp_ct_tcp_event {
	DP_CT_TCP_EV_SYN,
	DP_CT_TCP_EV_SYNACK,
	DP_CT_TCP_EV_FIN,
	DP_CT_TCP_EV_ACK,
	DP_CT_TCP_EV_RST,
	DP_CT_TCP_EV_NONE, /* no flag that moves the state, or a combination no TCP sends */
	DP_CT_TCP_N_EVENTS,
};

enum dp_ct_dir {
	DP_CT_DIR_ORIGINAL, /* from the side that opened the connection */
	DP_CT_DIR_REPLY,
};

enum dp_ct_role {
	DP_CT_ORIGINATOR, /* its record: the local port whose egress policy allowed it */
	DP_CT_RESPONDER,  /* its record: the local port whose ingress policy allowed it */
};

/* Which rule of which policy generation allowed a connection on one side. */
struct dp_ct_rec {
	uint16_t port; /* DP_CT_NO_PORT: none (remote side) */
	uint32_t gen;  /* DP_CT_GEN_NONE: check again */
	uint32_t rule;
};

/* What a parsed packet tells the table (ct/dp_ct_parse.h fills it). */
struct dp_ct_pkt {
	struct dp_ct_key key;
	uint8_t side; /* the key endpoint, 0 or 1, that sent the packet */
	uint8_t l4;   /* enum dp_ct_l4; DP_CT_L4_MAX: cannot be tracked (a later fragment) */
	uint8_t tcp_flags;
	uint8_t icmp_type; /* ICMP/ICMPv6; for a related packet, the error's */
	uint8_t icmp_code;
	bool related;    /* the key is that of the packet an ICMP error quotes */
	uint32_t l4_off; /* frame offset of the L4 header */
	uint32_t end;    /* frame offset just past the IP datagram (GRO frames pass 64 KiB) */
};

/*
 * Translated connections (nat/dp_snat.h) live in their router's zone, apart
 * from every network's: zone = DP_CT_ZONE_ROUTER | router id (network ids
 * stay below it).
 */
#define DP_CT_ZONE_ROUTER 0x8000u

/*
 * A translated connection is two keys, one entry each: its own (the original
 * direction as it arrived, before translation) holds the state, the timeouts
 * and, in place of the security-group records, this; the alias (the key its
 * replies carry, after translation) holds only where the entry is, so that a
 * reply's lookup finds the connection in the same bulk lookup as any packet.
 * The alias dies with its entry (one expiry), and is never listed.
 */
struct dp_ct_nat {
	uint32_t src_ip;   /* network order: the original direction's new source */
	uint16_t src_port; /* network order: its new port (ICMP echo: identifier); 0 = kept */
	uint32_t dst_ip;   /* network order: its new destination, 0 = unchanged */
};

/* Control thread: see dp_ct_set_nat_release. */
typedef void (*dp_ct_nat_release_fn)(void *arg, const struct dp_ct_key *key,
		const struct dp_ct_nat *nat);

/* The state word of an entry. */
#define DP_CT_SW_STATE 0xffu         /* enum dp_ct_tcp_state or dp_ct_gen_state */
#define DP_CT_SW_ORIG_1 (1u << 8)    /* key endpoint 1 opened the connection */
#define DP_CT_SW_DEAD (1u << 9)      /* packets of it are refused; deleted soon */
#define DP_CT_SW_UNLINKED (1u << 10) /* deleted: its key is gone, grace period running */
#define DP_CT_SW_L4_SHIFT 11         /* enum dp_ct_l4, 3 bits, fixed at creation */
#define DP_CT_SW_NAT (1u << 14)      /* translated: allow[] holds a struct dp_ct_nat */
#define DP_CT_SW_ALIAS (1u << 15)    /* the reply key of a translated one (dp_ct_create_nat) */
#define DP_CT_SW_BUSY (1u << 30)     /* being filled by its creator */
#define DP_CT_SW_LIVE (1u << 31)     /* filled; 0 is a free entry */

/*
 * 32 bytes: two per cache line. Neighbours are written only on state changes
 * and once a second, so the sharing of a line between two connections costs
 * little; padding to 64 would double the table.
 */
struct dp_ct_entry {
	uint32_t sw;
	uint32_t last_seen; /* clock second of the last packet that refreshed it */
	uint32_t created;
	uint16_t port[2];  /* by key endpoint: the local port on that side */
	uint64_t allow[2]; /* by key endpoint: gen << 32 | rule */
};

struct dp_ct_conf {
	uint32_t max_entries; /* 0: DP_CT_DEFAULT_ENTRIES */
	uint32_t port_limit;  /* connections per port, 0: unlimited */
	/*
	 * Create TCP connections from packets other than a SYN (Linux's
	 * nf_conntrack_tcp_loose, default 1, so that state survives a failover to
	 * another box). Off by default, like OVS's firewall: with it, anyone who
	 * can send a forged ACK through an allowing rule opens state that then
	 * lets the other side's packets in as replies.
	 */
	bool tcp_loose;
	struct rte_rcu_qsbr *rcu; /* the workers' QSBR variable (dp_tables.rcu) */
	int socket_id;
};

struct dp_ct_stats {
	uint64_t in_use;  /* live entries (dead ones included until deleted) */
	uint64_t pending; /* deleted, waiting for their grace period */
	uint64_t created;
	uint64_t table_full; /* creations refused with -ENOSPC */
	uint64_t port_limit; /* creations refused with -EDQUOT */
	uint64_t invalid;    /* creations refused: the packet cannot start a connection */
	uint64_t expired;    /* deleted by dp_ct_expire: timed out or dead */
	uint64_t flushed;    /* deleted by the flushes and dp_ct_delete */
};

/* One entry as listed by dp_ct_list: a snapshot. */
struct dp_ct_info {
	struct dp_ct_key key;
	uint32_t idx;
	uint8_t l4;
	uint8_t state;
	uint8_t orig_side; /* the key endpoint that opened the connection */
	bool dead;
	uint32_t last_seen;
	uint32_t created;
	struct dp_ct_rec rec[2]; /* [enum dp_ct_role] */
	bool nat;
	struct dp_ct_nat translation; /* when nat */
};

struct dp_ct {
	/* Read by workers. */
	struct rte_hash *hash;
	struct dp_ct_entry *entries;
	uint32_t n_slots; /* entries in the array: rte_hash_max_key_id + 1 */
	uint32_t max_entries;
	bool tcp_loose;
	struct rte_ring *kill_ring; /* workers -> control thread: dead entries */
	size_t entries_size;
	dp_ct_nat_release_fn nat_release; /* control thread */
	void *nat_release_arg;

	/* Written by workers when they create (atomics). */
	uint32_t n_used __rte_cache_aligned; /* live + pending */
	uint64_t created;
	uint64_t table_full;
	uint64_t port_full;
	uint64_t invalid;
	uint32_t port_count[DP_MAX_PORTS] __rte_cache_aligned;
	uint32_t port_limit[DP_MAX_PORTS]; /* 0: unlimited; written by the control thread */

	/* Control thread only. */
	struct rte_rcu_qsbr *rcu __rte_cache_aligned;
	struct rte_rcu_qsbr_dq *dq;
	uint32_t cursor; /* where the next dp_ct_expire starts */
	uint32_t pending;
	uint64_t expired;
	uint64_t flushed;
};

/* Timeouts in seconds, Linux's defaults (nf_conntrack_*_timeout_*). */
extern const uint32_t dp_ct_timeouts[DP_CT_L4_MAX][DP_CT_TCP_N_STATES];
/* [dir][event][state] -> state, DP_CT_TCP_INVALID or DP_CT_TCP_IGNORE (ct/dp_ct_tcp.c). */
extern const uint8_t dp_ct_tcp_table[2][DP_CT_TCP_N_EVENTS][DP_CT_TCP_N_STATES];
/* Valid TCP flag combinations, by flags & (FIN|SYN|RST|ACK|URG) (Linux's tcp_valid_flags). */
extern const uint8_t dp_ct_tcp_valid_flags[0x38];

/* ---- TCP state machine: pure functions, any thread ---- */

static inline enum dp_ct_tcp_event dp_ct_tcp_event(uint8_t flags)
{
	/* FIN, SYN, RST, PSH, ACK, URG are bits 0-5; PSH, ECE and CWR never matter. */
	uint8_t f = flags & 0x37;

	if (!dp_ct_tcp_valid_flags[f])
		return DP_CT_TCP_EV_NONE;
	if (f & 0x04)
		return DP_CT_TCP_EV_RST;
	if (f & 0x02)
		return (f & 0x10) ? DP_CT_TCP_EV_SYNACK : DP_CT_TCP_EV_SYN;
	if (f & 0x01)
		return DP_CT_TCP_EV_FIN;
	if (f & 0x10)
		return DP_CT_TCP_EV_ACK;
	return DP_CT_TCP_EV_NONE;
}

/* (state, direction, flags) -> new state, DP_CT_TCP_INVALID or DP_CT_TCP_IGNORE. */
static inline uint8_t dp_ct_tcp_next(uint8_t state, enum dp_ct_dir dir, uint8_t flags)
{
	if (unlikely(state >= DP_CT_TCP_N_STATES))
		return DP_CT_TCP_INVALID;
	return dp_ct_tcp_table[dir][dp_ct_tcp_event(flags)][state];
}

/* The state a connection starts in from this first packet, or DP_CT_TCP_INVALID. */
static inline uint8_t dp_ct_tcp_start(uint8_t flags, bool loose)
{
	uint8_t s = dp_ct_tcp_next(DP_CT_TCP_NONE, DP_CT_DIR_ORIGINAL, flags);

	/* As Linux's tcp_new: only a SYN opens, unless picking up mid-stream. */
	if (s == DP_CT_TCP_SYN_SENT || (loose && s == DP_CT_TCP_ESTABLISHED))
		return s;
	return DP_CT_TCP_INVALID;
}

/* "ESTABLISHED"... for listings. Any thread. */
const char *dp_ct_state_name(uint8_t l4, uint8_t state);

/* ---- Keys ---- */

/* Any thread: fills p->key canonically from a packet's tuple and p->side with
 * the endpoint that sent it. Addresses are 4 (AF_INET) or 16 bytes. */
static inline void dp_ct_key_set(struct dp_ct_pkt *p, uint16_t zone, uint8_t family, uint8_t proto,
		const void *src, const void *dst, uint16_t sport, uint16_t dport)
{
	size_t alen = family == AF_INET ? 4 : 16;
	int c = memcmp(src, dst, alen);
	uint8_t s = c > 0 || (c == 0 && sport > dport);

	memset(&p->key, 0, sizeof(p->key));
	memcpy(p->key.addr[s], src, alen);
	memcpy(p->key.addr[!s], dst, alen);
	p->key.port[s] = sport;
	p->key.port[!s] = dport;
	p->key.zone = zone;
	p->key.family = family;
	p->key.proto = proto;
	p->side = s;
}

/* ---- Packet path ---- */

static inline struct dp_ct_entry *dp_ct_entry(const struct dp_ct *ct, uint32_t idx)
{
	return &ct->entries[idx];
}

static inline void dp_ct_prefetch(const struct dp_ct *ct, uint32_t idx)
{
	rte_prefetch0(&ct->entries[idx]);
}

/*
 * Packet path: one rte_hash_lookup_bulk per DP_CT_BULK_MAX packets. idx[i] is
 * the entry of pkts[i], or DP_CT_NONE when there is none (or its creator is
 * still filling it: dp_ct_create then returns it with -EEXIST). Returns the
 * number found. Dead entries are returned: dp_ct_update says so.
 */
uint32_t dp_ct_lookup_bulk(
		const struct dp_ct *ct, const struct dp_ct_pkt *pkts, uint32_t n, uint32_t *idx);

/* Packet path: the direction of a packet sent by key endpoint `side`. */
static inline enum dp_ct_dir dp_ct_dir_of(const struct dp_ct *ct, uint32_t idx, uint8_t side)
{
	uint32_t sw = __atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE);

	return (side == !!(sw & DP_CT_SW_ORIG_1)) ? DP_CT_DIR_ORIGINAL : DP_CT_DIR_REPLY;
}

enum dp_ct_verdict {
	DP_CT_VALID,   /* part of the connection */
	DP_CT_INVALID, /* does not fit the connection's state: drop it */
	DP_CT_DEAD,    /* the connection was killed or deleted: drop it */
	/*
	 * The originator's SYN after TIME_WAIT or CLOSE (RFC 1122 4.2.2.13): the
	 * entry is now a new connection in SYN_SENT, same roles (Linux and OVS
	 * kill the old entry and track the SYN as new; reusing it in place saves
	 * the creation). Both records were reset to DP_CT_GEN_NONE before the
	 * state changed: check the policy as for a new connection and
	 * dp_ct_rec_set both, or dp_ct_kill it. The responder's SYN in TIME_WAIT
	 * (it reopens with the roles swapped) gets DP_CT_DEAD instead: the entry
	 * is killed, and the SYN's retransmission finds no entry and opens a new
	 * one, through the policy.
	 */
	DP_CT_REOPENED,
};

/* Packet path: dp_ct_update_as, every case, out of line. */
enum dp_ct_verdict dp_ct_update_full(struct dp_ct *ct, uint32_t idx, const struct dp_ct_pkt *p,
		uint8_t side, uint32_t now, enum dp_ct_dir *dir);

/* Packet path: last_seen moved to now, stored only when the second moved on (a
 * steady flow writes once a second). */
static inline void dp_ct_touch(struct dp_ct_entry *e, uint32_t now)
{
	uint32_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);

	if (unlikely((int32_t)(now - seen) > 0))
		__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
}

/*
 * dp_ct_update for a packet sent by key endpoint `side` (a translated reply is
 * sent by the side of the connection's key that did not open it, whatever its
 * own key's p->side says: nat/dp_snat.c). The established case, a packet that
 * changes no state, is decided here inline: a call, the switch and the CAS
 * loop's set-up less a frame (callgrind, virga-stagebench --path snat).
 * Everything else is dp_ct_update_full's.
 */
static inline enum dp_ct_verdict dp_ct_update_as(struct dp_ct *ct, uint32_t idx,
		const struct dp_ct_pkt *p, uint8_t side, uint32_t now, enum dp_ct_dir *dir)
{
	struct dp_ct_entry *e = &ct->entries[idx];
	uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);
	uint8_t l4 = (sw >> DP_CT_SW_L4_SHIFT) & 0x7, state = sw & DP_CT_SW_STATE;
	enum dp_ct_dir d = side == !!(sw & DP_CT_SW_ORIG_1) ? DP_CT_DIR_ORIGINAL : DP_CT_DIR_REPLY;
	bool same; /* the packet leaves the state as it is */

	if (l4 == DP_CT_L4_TCP)
		same = dp_ct_tcp_next(state, d, p->tcp_flags) == state;
	else
		same = (l4 == DP_CT_L4_UDP || l4 == DP_CT_L4_SCTP || l4 == DP_CT_L4_OTHER) &&
		       (d == DP_CT_DIR_ORIGINAL || state == DP_CT_REPLIED);
	if (likely(same && (sw & (DP_CT_SW_LIVE | DP_CT_SW_DEAD)) == DP_CT_SW_LIVE && !p->related)) {
		*dir = d;
		dp_ct_touch(e, now);
		return DP_CT_VALID;
	}
	return dp_ct_update_full(ct, idx, p, side, now, dir);
}

/*
 * Packet path: applies packet p (found at idx) to its connection at clock
 * second now: TCP state by dp_ct_tcp_next, UNREPLIED -> REPLIED on a reply,
 * last_seen. *dir gets the packet's direction. A related packet (ICMP error)
 * changes nothing and is valid unless the entry is dead. Counts nothing: the
 * caller counts its drops.
 */
static inline enum dp_ct_verdict dp_ct_update(struct dp_ct *ct, uint32_t idx,
		const struct dp_ct_pkt *p, uint32_t now, enum dp_ct_dir *dir)
{
	return dp_ct_update_as(ct, idx, p, p->side, now, dir);
}

/*
 * Packet path: creates the connection packet p opens, allowed on the sender's
 * side by `orig` (port: the local port the packet came from, or
 * DP_CT_NO_PORT) and on the receiver's by `resp`. Returns 0 and *idx, or
 *  -EEXIST and *idx: it exists (another worker may have just created it),
 *   apply dp_ct_update to it;
 *  -EINVAL: p cannot start a connection (a TCP packet other than a SYN
 *   without loose pickup, an ICMP echo reply, an ICMP error), or a port out
 *   of range;
 *  -ENOSPC: the table is full; -EDQUOT: orig or resp's port is at its limit.
 */
int dp_ct_create(struct dp_ct *ct, const struct dp_ct_pkt *p, const struct dp_ct_rec *orig,
		const struct dp_ct_rec *resp, uint32_t now, uint32_t *idx);

/*
 * Packet path: creates the translated connection packet p (original
 * direction, key in a router zone) opens, whose replies carry reply_key (the
 * key of p as translated by nat). No security-group records. Returns 0 and
 * *idx (the connection's entry, not the alias), or
 *  -EEXIST and *idx: the connection exists (another worker just created it):
 *   use its translation, not this one;
 *  -EADDRINUSE: reply_key belongs to another connection already: translate
 *   to something else (nothing was created);
 *  -EINVAL, -ENOSPC: as dp_ct_create.
 * The alias counts as an entry against max_entries.
 */
int dp_ct_create_nat(struct dp_ct *ct, const struct dp_ct_pkt *p, const struct dp_ct_key *reply_key,
		const struct dp_ct_nat *nat, uint32_t now, uint32_t *idx);

static inline bool dp_ct_is_alias(const struct dp_ct *ct, uint32_t idx)
{
	return __atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE) & DP_CT_SW_ALIAS;
}

static inline bool dp_ct_is_nat(const struct dp_ct *ct, uint32_t idx)
{
	return __atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE) & DP_CT_SW_NAT;
}

/* Packet path: the entry an alias stands for. */
static inline uint32_t dp_ct_alias_of(const struct dp_ct *ct, uint32_t alias)
{
	return (uint32_t)ct->entries[alias].allow[0];
}

/* Packet path: the opener's address and port (network order) an alias keeps, where
 * the replies it stands for go back to (IPv4: SNAT's connections are). */
static inline void dp_ct_alias_opener(const struct dp_ct *ct, uint32_t alias, uint32_t *ip,
		uint16_t *port)
{
	uint64_t a = ct->entries[alias].allow[1];

	*ip = (uint32_t)(a >> 32);
	*port = (uint16_t)(a >> 16);
}

/* Packet path and control thread: a translated entry's translation. */
static inline struct dp_ct_nat dp_ct_nat_get(const struct dp_ct *ct, uint32_t idx)
{
	const struct dp_ct_entry *e = &ct->entries[idx];
	struct dp_ct_nat n = {
			.src_ip = (uint32_t)(e->allow[0] >> 32),
			.src_port = (uint16_t)(e->allow[0] >> 16),
			.dst_ip = (uint32_t)(e->allow[1] >> 32),
	};

	return n;
}

/* Packet path: the side of the key at idx that opened the connection. */
static inline uint8_t dp_ct_orig_side(const struct dp_ct *ct, uint32_t idx)
{
	return !!(__atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE) & DP_CT_SW_ORIG_1);
}

/*
 * Control thread: called as each translated connection is deleted (before its
 * grace period), with its key and translation: the translation's owner (the
 * router's port pool, nat/dp_snat_pool.h) takes its port back.
 */
void dp_ct_set_nat_release(struct dp_ct *ct, dp_ct_nat_release_fn fn, void *arg);

/* Packet path: marks the connection dead (its packets get DP_CT_DEAD) and asks
 * the control thread to delete it. */
void dp_ct_kill(struct dp_ct *ct, uint32_t idx);

static inline bool dp_ct_is_dead(const struct dp_ct *ct, uint32_t idx)
{
	return __atomic_load_n(&ct->entries[idx].sw, __ATOMIC_ACQUIRE) & DP_CT_SW_DEAD;
}

/* Packet path and control thread: the allowed-by record of one role. */
static inline struct dp_ct_rec dp_ct_rec_get(
		const struct dp_ct *ct, uint32_t idx, enum dp_ct_role role)
{
	const struct dp_ct_entry *e = &ct->entries[idx];
	uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);
	uint8_t side = !!(sw & DP_CT_SW_ORIG_1) ^ (role == DP_CT_RESPONDER);
	uint64_t a = __atomic_load_n(&e->allow[side], __ATOMIC_RELAXED);
	struct dp_ct_rec r = {.port = e->port[side], .gen = a >> 32, .rule = (uint32_t)a};

	return r;
}

/* Packet path: records that generation gen's rule allowed the connection on
 * the side of `role` (after checking a stale record again). */
static inline void dp_ct_rec_set(
		struct dp_ct *ct, uint32_t idx, enum dp_ct_role role, uint32_t gen, uint32_t rule)
{
	struct dp_ct_entry *e = &ct->entries[idx];
	uint32_t sw = __atomic_load_n(&e->sw, __ATOMIC_ACQUIRE);
	uint8_t side = !!(sw & DP_CT_SW_ORIG_1) ^ (role == DP_CT_RESPONDER);

	__atomic_store_n(&e->allow[side], (uint64_t)gen << 32 | rule, __ATOMIC_RELAXED);
}

/* ---- Control thread ---- */

/* The table, or NULL with errno set. conf->rcu is required. */
struct dp_ct *dp_ct_init(const struct dp_ct_conf *conf);
/* Once no worker uses the table any more. NULL is ignored. */
void dp_ct_fini(struct dp_ct *ct);

/* Overrides conf.port_limit for one port (0: unlimited). 0 or -EINVAL. */
int dp_ct_port_limit_set(struct dp_ct *ct, uint16_t port, uint32_t limit);
/* Connections counted against port. */
uint32_t dp_ct_port_count(const struct dp_ct *ct, uint16_t port);

/*
 * Visits at most `budget` entries from where the previous call stopped
 * (wrapping), deletes those idle longer than their state's timeout against
 * clock second now, or dead, and frees what finished its grace period. Returns
 * how many it deleted. A caller that calls it ten times a second with a
 * budget of n_slots / 50 visits the whole table every five seconds.
 */
uint32_t dp_ct_expire(struct dp_ct *ct, uint32_t now, uint32_t budget);

/* Deletes one entry; 0 or -ENOENT. */
int dp_ct_delete(struct dp_ct *ct, uint32_t idx);
/*
 * Delete every entry, or those with a record on port. Returns the count. An
 * entry a worker is creating while they run may survive them: flush a port
 * after it stopped receiving and a grace period passed.
 */
uint32_t dp_ct_flush(struct dp_ct *ct);
uint32_t dp_ct_flush_port(struct dp_ct *ct, uint16_t port);
/* The same for one zone: a deleted network's id may be reused, and the next
 * network must not inherit its connections. */
uint32_t dp_ct_flush_zone(struct dp_ct *ct, uint16_t zone);

/* Frees deleted entries whose grace period is over (dp_ct_expire does it too). */
void dp_ct_reclaim(struct dp_ct *ct);

/* Fills out[] with at most n entries from *cursor on and moves *cursor past
 * them; returns the count, 0 at the end. Start with *cursor = 0. */
uint32_t dp_ct_list(const struct dp_ct *ct, uint32_t *cursor, struct dp_ct_info *out, uint32_t n);

/* The key stored at idx, or NULL when idx holds no key. */
const struct dp_ct_key *dp_ct_key_at(const struct dp_ct *ct, uint32_t idx);

void dp_ct_stats_get(const struct dp_ct *ct, struct dp_ct_stats *st);

/* The timeout of an entry in state `state` of protocol class l4. Any thread. */
static inline uint32_t dp_ct_timeout(uint8_t l4, uint8_t state)
{
	if (l4 >= DP_CT_L4_MAX || state >= DP_CT_TCP_N_STATES)
		return 0;
	return dp_ct_timeouts[l4][state];
}

#endif
