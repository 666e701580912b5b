/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Security groups: compiled allow-rule sets on rte_acl, one set per port (or
 * per group of ports with the same rules).
 *
 * Contract
 *  - Writer: the control thread compiles a set (dp_sg_set_create) from the
 *    port's whole rule list; it may allocate, and an rte_acl build of a large
 *    set takes milliseconds to seconds (see Costs), so it never runs on the
 *    packet path nor while holding anything a worker waits for. A set is
 *    immutable once created; a rule change is a new set, published with a
 *    release store of its pointer.
 *  - Readers: any worker, lock-free and read-only, through dp_sg_classify
 *    (an acquire load of the set pointer, then the call; no pointer kept
 *    across loop iterations).
 *  - Reclaim: after unpublishing a set, the control thread calls
 *    dp_sg_set_free only once every worker has passed a quiescent state
 *    (rte_rcu_qsbr on dp_tables.rcu): one grace period for a whole change
 *    set, never one per set. dp_tables_retire() is NOT a substitute: it
 *    rte_free()s the struct alone and would leak its rte_acl contexts.
 *  - Full: more than DP_SG_MAX_RULES rules fails with ENOSPC, an rte_acl
 *    out of memory with ENOMEM; either way nothing is built and the set
 *    already published stays in force.
 *
 * Semantics (Neutron's OVS firewall driver)
 *  - Default deny; every rule is an allow. A packet is allowed when any rule
 *    of its direction and family matches, and the answer names one matching
 *    rule: the one with the lowest index in the array compiled, so the
 *    answer is deterministic and the same as the reference's
 *    (sg/dp_sg_ref.c). The id is the caller's (an index it maps to the
 *    Neutron rule UUID and group, for "allowed by rule 4f2c... of group web").
 *  - Ingress is traffic to the VM port, egress traffic from it. The remote
 *    address is the packet's source for ingress rules and its destination
 *    for egress rules.
 *  - Remote-group rules (remote_group_id) are expanded by the caller into
 *    one rule per member address (/32 or /128, same id), so a compiled set
 *    only holds prefixes; a membership change is a new set.
 *  - Ports: destination only (Neutron never matches source ports), for the
 *    protocols Neutron allows port ranges on: TCP, UDP, SCTP, DCCP, UDP-Lite.
 *    ICMP (IPv4 rules) and ICMPv6 (IPv6 rules): an optional type (Neutron's
 *    port_range_min) and an optional code (port_range_max, only with a type).
 *  - Protocols are numbers taken as given: the caller maps Neutron's names,
 *    including "icmp" on an IPv6 rule, which Neutron means as ICMPv6 (58).
 *  - This is the stateless part only: connection tracking (only new
 *    connections are classified; replies and related traffic are allowed)
 *    and the traffic the driver always allows (ARP, DHCP, ICMPv6 ND/MLD)
 *    belong to the pipeline.
 *
 * Costs (the 2-core shared development VM: 2.3 GHz TSC, AVX-512 CPU, EAL
 * max SIMD width 256, DPDK 22.11; quieter runs, a loaded machine doubles
 * them; test_sg prints them on every run and asserts nothing)
 *  - classify, bursts of 32, 1,000 rules in one direction and family:
 *    IPv4 ~35-50 TSC cycles per packet, IPv6 ~80-100, about the same for
 *    10 rules or 10,000: the walk is as deep as the tuple, not the set.
 *    That is most of the pipeline's budget (DESIGN.md), so the integrator
 *    classifies only what connection tracking has not seen before.
 *  - the reference loop costs 100-130 cycles for 10 rules and up to
 *    thousands for 1,000: even for tiny sets the compiled one is faster;
 *    the loop is a fallback while a build is pending or has failed.
 *  - build, 1,000 rules: IPv4 ~5-20 ms, IPv6 ~40-75 ms; 10,000 rules (ten
 *    rules after expanding a 1,000-member remote group): ~0.5 s IPv4,
 *    ~0.9 s IPv6 (ten times the rules took ten to twenty-five times as
 *    long). So builds stay on the control thread, and a burst of rule
 *    changes makes one rebuild, not one each.
 *  - memory (EAL heap, rules plus run-time tries): 1,000 rules ~90-400 KiB
 *    IPv4, ~300-650 KiB IPv6; 10,000 expanded rules ~5.5 MiB.
 */
#ifndef VIRGA_DP_SG_H
#define VIRGA_DP_SG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_acl.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

enum dp_sg_dir {
	DP_SG_INGRESS, /* to the VM port: remote = source */
	DP_SG_EGRESS,  /* from the VM port: remote = destination */
	DP_SG_N_DIRS,
};

enum dp_sg_family {
	DP_SG_IPV4,
	DP_SG_IPV6,
	DP_SG_N_FAMILIES,
};

#define DP_SG_PROTO_ANY 0
#define DP_SG_PROTO_ICMP 1
#define DP_SG_PROTO_TCP 6
#define DP_SG_PROTO_UDP 17
#define DP_SG_PROTO_DCCP 33
#define DP_SG_PROTO_ICMPV6 58
#define DP_SG_PROTO_SCTP 132
#define DP_SG_PROTO_UDPLITE 136

/* Rule indexes become rte_acl priorities (at most RTE_ACL_MAX_PRIORITY); a
 * Neutron port rarely has more than a few hundred rules before remote-group
 * expansion. */
#define DP_SG_MAX_RULES 65536u

/* One Neutron rule, control side. */
struct dp_sg_rule {
	uint32_t id;	    /* the caller's; UINT32_MAX is reserved (answers are id + 1) */
	uint8_t dir;	    /* enum dp_sg_dir */
	uint8_t family;	    /* enum dp_sg_family: the rule's ethertype */
	uint8_t proto;	    /* IP protocol / last IPv6 next header; DP_SG_PROTO_ANY */
	uint8_t prefixlen;  /* remote prefix, 0 (any) .. 32 or 128 */
	uint8_t remote[16]; /* network byte order; IPv4 in the first 4; host bits ignored */
	bool has_ports;	    /* port protocols only; none = every port */
	uint16_t port_min;  /* destination ports, inclusive, host byte order */
	uint16_t port_max;
	bool has_icmp_type; /* ICMP on IPv4, ICMPv6 on IPv6 only; none = every type */
	bool has_icmp_code; /* only with a type; none = every code of the type */
	uint8_t icmp_type;
	uint8_t icmp_code;
};

/*
 * What rte_acl reads, one per packet, in network byte order. The first field
 * must be one byte and every later one part of a 4-byte group (rte_acl
 * loads four input bytes per step): proto, then the address in 32-bit
 * words, then the L4 field with a pad that every rule matches as a
 * wildcard. The pads must be readable, their value does not matter.
 *
 * The L4 field is the destination port for port protocols, type << 8 | code
 * for the family's ICMP (the first two bytes of the ICMP header, as they
 * are), 0 otherwise.
 */
struct dp_sg_tuple4 {
	uint8_t proto;
	uint8_t pad0[3];
	rte_be32_t remote;
	rte_be16_t l4;
	uint16_t pad1;
} __rte_packed;

struct dp_sg_tuple6 {
	uint8_t proto;
	uint8_t pad0[3];
	uint8_t remote[16];
	rte_be16_t l4;
	uint16_t pad1;
} __rte_packed;

_Static_assert(sizeof(struct dp_sg_tuple4) == 12, "IPv4 tuple: 1 + 3 + 4 + 4 bytes");
_Static_assert(sizeof(struct dp_sg_tuple6) == 24, "IPv6 tuple: 1 + 3 + 16 + 4 bytes");

/* A compiled rule set. */
struct dp_sg_set {
	/* NULL when the direction and family have no rule (rte_acl refuses to
	 * build an empty context): everything is denied. */
	struct rte_acl_ctx *acl[DP_SG_N_DIRS][DP_SG_N_FAMILIES];
	uint32_t n_rules[DP_SG_N_DIRS][DP_SG_N_FAMILIES];
	uint32_t n_rules_total;
	/* Unique per set in this process, increasing with each create: names the
	 * rte_acl contexts (their names must be unique) and tells a trace record
	 * which compiled set decided. */
	uint64_t generation;
} __rte_cache_aligned;

static inline bool dp_sg_proto_has_ports(uint8_t proto)
{
	return proto == DP_SG_PROTO_TCP || proto == DP_SG_PROTO_UDP || proto == DP_SG_PROTO_SCTP ||
	       proto == DP_SG_PROTO_DCCP || proto == DP_SG_PROTO_UDPLITE;
}

static inline uint8_t dp_sg_icmp_proto(enum dp_sg_family family)
{
	return family == DP_SG_IPV6 ? DP_SG_PROTO_ICMPV6 : DP_SG_PROTO_ICMP;
}

/* Packet path: the tuple's L4 field from the packet's facts. dport is as in
 * the header (network byte order). */
static inline rte_be16_t dp_sg_l4_field(enum dp_sg_family family, uint8_t proto, rte_be16_t dport,
		uint8_t icmp_type, uint8_t icmp_code)
{
	if (dp_sg_proto_has_ports(proto))
		return dport;
	if (proto == dp_sg_icmp_proto(family))
		return rte_cpu_to_be_16((uint16_t)(icmp_type << 8 | icmp_code));
	return 0;
}

/* Packet path. remote: the source address for ingress, the destination for
 * egress, as in the header; proto: the upper-layer protocol, past any IPv6
 * extension headers. A non-first fragment has no L4 header to give: that
 * is for connection tracking (which reassembles) to decide, not this. */
static inline void dp_sg_tuple4_fill(struct dp_sg_tuple4 *t, uint8_t proto, rte_be32_t remote,
		rte_be16_t dport, uint8_t icmp_type, uint8_t icmp_code)
{
	memset(t, 0, sizeof(*t));
	t->proto = proto;
	t->remote = remote;
	t->l4 = dp_sg_l4_field(DP_SG_IPV4, proto, dport, icmp_type, icmp_code);
}

static inline void dp_sg_tuple6_fill(struct dp_sg_tuple6 *t, uint8_t proto,
		const uint8_t remote[16], rte_be16_t dport, uint8_t icmp_type, uint8_t icmp_code)
{
	memset(t, 0, sizeof(*t));
	t->proto = proto;
	memcpy(t->remote, remote, 16);
	t->l4 = dp_sg_l4_field(DP_SG_IPV6, proto, dport, icmp_type, icmp_code);
}

/*
 * Control thread only: compiles rules[0..n) (n may be 0) into a new set
 * with its rte_acl contexts on socket_id (or SOCKET_ID_ANY). NULL with
 * errno: EINVAL (a rule fails dp_sg_rule_check), ENOSPC (n >
 * DP_SG_MAX_RULES), ENOMEM, EEXIST (an rte_acl context of that name exists).
 */
struct dp_sg_set *dp_sg_set_create(const struct dp_sg_rule *rules, uint32_t n, int socket_id);

/* Control thread only, after a grace period (see Contract). NULL is ignored. */
void dp_sg_set_free(struct dp_sg_set *s);

/*
 * Packet path, any worker: for each of the n tuples of one direction and
 * family (struct dp_sg_tuple4 for IPv4, dp_sg_tuple6 for IPv6), res[i] is
 * the matching rule's id + 1, or 0 to deny. Bursts amortise rte_acl's
 * per-call setup and let it walk several tuples at once: group packets by
 * set, direction and family before calling.
 */
static inline void dp_sg_classify(const struct dp_sg_set *s, enum dp_sg_dir dir,
		enum dp_sg_family family, const uint8_t **tuples, uint32_t *res, uint32_t n)
{
	const struct rte_acl_ctx *acl = s->acl[dir][family];

	if (unlikely(acl == NULL)) {
		memset(res, 0, n * sizeof(*res));
		return;
	}
	/* One category: an allow-only set needs one answer per packet. Cannot
	 * fail with these arguments. */
	rte_acl_classify(acl, tuples, res, n, 1);
}

/* Any thread: 0, or -EINVAL for a rule the set cannot mean (see struct
 * dp_sg_rule): a control handler can name the bad rule before compiling. */
int dp_sg_rule_check(const struct dp_sg_rule *r);

/*
 * The reference matcher (sg/dp_sg_ref.c): the same answers as a compiled set
 * of the same valid rules, by a plain loop over them, O(rules) per packet.
 * Read-only and allocation-free, so safe on the packet path: for tests, and
 * as a fallback while a build is pending or has failed (it is slower than a
 * compiled set even for ten rules, see Costs).
 */
uint32_t dp_sg_ref_match(const struct dp_sg_rule *rules, uint32_t n_rules, enum dp_sg_dir dir,
		enum dp_sg_family family, const uint8_t *tuple);
void dp_sg_ref_classify(const struct dp_sg_rule *rules, uint32_t n_rules, enum dp_sg_dir dir,
		enum dp_sg_family family, const uint8_t **tuples, uint32_t *res, uint32_t n);

#endif
