/* SPDX-License-Identifier: Apache-2.0 */
/* SNAT of a router's gateway: see nat/dp_snat.h. */
#include <rte_byteorder.h>
#include <rte_graph_worker.h>

#include "ct/dp_ct.h"
#include "ct/dp_ct_parse.h"
#include "engine/dp_tables.h"
#include "l3/dp_fip.h"
#include "l3/dp_router.h"
#include "pkt/dp_mbuf.h"
#include "dp_nat_rewrite.h"
#include "dp_snat.h"
#include "dp_snat_frag.h"
#include "dp_snat_pool.h"

struct dp_snat_frag dp_snat_frags[DP_MAX_WORKERS][DP_SNAT_FRAG_SLOTS];

/* What a frame is to SNAT. */
enum kind {
	NONE,	 /* not SNAT's: routed as it is */
	OUT,	 /* leaving through the gateway: its connection, or a new one */
	IN,	 /* to the gateway's address: a reply, if it has a connection */
	OUT_REL, /* an ICMP error leaving, about a reply it got */
	IN_REL,	 /* an ICMP error arriving, about a packet that left */
	HAIRPIN, /* from behind the router to a floating IP or the gateway's address */
};

#define ZONE(r) ((uint16_t)(DP_CT_ZONE_ROUTER | (r)->id))

bool dp_snat_router_has(uint16_t router_id)
{
	return dp_snat_pool_get(router_id) != NULL || dp_fip_get(router_id) != NULL;
}

static inline struct rte_ipv4_hdr *ip_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, RTE_ETHER_HDR_LEN);
}

static inline uint32_t l3_len(const struct rte_mbuf *m)
{
	return rte_pktmbuf_data_len(m) - RTE_ETHER_HDR_LEN;
}

static enum kind parsed(int rc, struct rte_mbuf *m, struct dp_ct_pkt *p, enum kind plain,
		enum kind related)
{
	struct dp_ct_pkt rel;

	if (rc == DP_CT_PARSE_TRACKED)
		return plain;
	if (rc == DP_CT_PARSE_ICMP_ERROR && dp_ct_parse_related(m, p, &rel) == DP_CT_PARSE_TRACKED) {
		*p = rel;
		return related;
	}
	return NONE;
}

/* dp_ct_parse of a router's IPv4 frame (untagged: ip4_route's frames are). */
static inline int parse(struct rte_mbuf *m, uint16_t zone, struct dp_ct_pkt *p)
{
	return dp_ct_parse_any(m, RTE_ETHER_HDR_LEN, RTE_ETHER_TYPE_IPV4, zone, p);
}

/* First pass: what the frame is to SNAT, its parse into p, or a drop. */
/* A later fragment: translated as its first was (nat/dp_snat_frag.h), or dropped. */
static void later_fragment(const struct dp_worker *w, struct rte_mbuf *m, uint16_t zone,
		uint16_t *drop)
{
	struct rte_ipv4_hdr *ip = ip_of(m);
	const struct dp_snat_frag *f = dp_snat_frag_find(w->index, w->now_sec, zone, ip->src_addr,
			ip->dst_addr, ip->packet_id, ip->next_proto_id);

	if (f == NULL) {
		*drop = DP_DROP_SNAT_UNTRACKABLE;
		return;
	}
	if (f->new_src)
		dp_nat_rewrite_ip4_addr(ip, l3_len(m), true, f->new_src);
	if (f->new_dst)
		dp_nat_rewrite_ip4_addr(ip, l3_len(m), false, f->new_dst);
}

static enum kind classify(const struct dp_worker *w, struct rte_mbuf *m, uint32_t nh,
		struct dp_ct_pkt *p, uint16_t *drop)
{
	const struct dp_mbuf_meta *meta = dp_mbuf_meta(m);
	const struct dp_router *r = dp_router_get(meta->router_id);
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip;
	const struct dp_rif *gw;
	int rc;

	if (r == NULL || r->gw_rif >= r->n_rifs || eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*ip))
		return NONE;
	ip = ip_of(m);
	gw = &r->rifs[r->gw_rif];
	if (meta->rif == r->gw_rif) {
		if (ip->dst_addr != gw->ip || dp_snat_pool_get(r->id) == NULL)
			return NONE;
		rc = parse(m, ZONE(r), p);
		if (rc == DP_CT_PARSE_FRAGMENT)
			later_fragment(w, m, ZONE(r), drop);
		return parsed(rc, m, p, IN, IN_REL);
	}
	/* To the router's outside addresses from inside: a hairpin, or its reply.
	 * Floating IPs are addresses of the gateway's subnet: the table is scanned
	 * only for a destination there, not for every frame going out. */
	if (((ip->dst_addr ^ gw->ip) & gw->mask) == 0 &&
			(ip->dst_addr == gw->ip ||
					dp_fip_by_fip(dp_fip_get(r->id), ip->dst_addr) != NULL))
		return parse(m, ZONE(r), p) == DP_CT_PARSE_TRACKED ? HAIRPIN : NONE;
	if (!r->gw_snat || dp_snat_pool_get(r->id) == NULL)
		return NONE;
	if (nh == DP_NO_NEXTHOP)
		nh = r->default_nh;
	if (nh == DP_NO_NEXTHOP || r->nh[nh].rif != r->gw_rif || ip->time_to_live <= 1 ||
			dp_fip_by_fixed(dp_fip_get(r->id), ip->src_addr) != NULL)
		return NONE;
	rc = parse(m, ZONE(r), p);
	if (rc < 0)
		return NONE; /* malformed: ip4_route drops it for what it is */
	if (rc == DP_CT_PARSE_FRAGMENT) {
		later_fragment(w, m, ZONE(r), drop);
		return NONE;
	}
	if (parsed(rc, m, p, OUT, OUT_REL) == NONE) {
		*drop = DP_DROP_SNAT_UNTRACKABLE; /* it would leave with its inside address */
		return NONE;
	}
	return rc == DP_CT_PARSE_TRACKED ? OUT : OUT_REL;
}

static int pool_proto(uint8_t l4)
{
	switch (l4) {
	case DP_CT_L4_TCP: return DP_SNAT_TCP;
	case DP_CT_L4_UDP: return DP_SNAT_UDP;
	case DP_CT_L4_ICMP: return DP_SNAT_ICMP;
	default: return -1; /* addresses only */
	}
}

/*
 * A new connection from p leaving from src_ip, with a port of the router's
 * pool (pooled) or its own, to dst_ip (0: its own destination): its
 * translation into *nat and its entry into *idx; DP_DROP_REASON_MAX or a drop.
 */
static uint16_t create(struct dp_worker *w, const struct dp_router *r, const struct dp_ct_pkt *p,
		uint32_t src_ip, bool pooled, uint32_t dst_ip, struct dp_ct_nat *nat, uint32_t *idx)
{
	struct dp_snat_pool *pool = dp_snat_pool_get(r->id);
	int proto = pooled && pool != NULL ? pool_proto(p->l4) : -1, rc = -EADDRINUSE;
	uint8_t s = p->side;
	uint16_t port = 0;
	struct dp_ct_pkt reply;
	uint32_t to;

	/* A reply key in use means a stale claim (ct/dp_ct.h): another port, twice at most. */
	for (int tries = 0; tries < 3 && rc == -EADDRINUSE; tries++) {
		if (proto >= 0) {
			port = dp_snat_port_claim(pool, (enum dp_snat_proto)proto,
					tries ? 0 : rte_be_to_cpu_16(p->key.port[s]), w->index,
					dp_workers.n);
			if (port == 0)
				return DP_DROP_SNAT_PORTS_EXHAUSTED;
		}
		*nat = (struct dp_ct_nat){.src_ip = src_ip,
				.src_port = proto >= 0 ? rte_cpu_to_be_16(port) : 0,
				.dst_ip = dst_ip};
		memcpy(&to, p->key.addr[!s], 4);
		if (dst_ip != 0)
			to = dst_ip;
		/* The key of the packet as it leaves: its replies carry the same. */
		dp_ct_key_set(&reply, ZONE(r), AF_INET, p->key.proto, &src_ip, &to,
				proto >= 0 ? nat->src_port : p->key.port[s], p->key.port[!s]);
		rc = dp_ct_create_nat(dp_tables.ct, p, &reply.key, nat, w->now_sec, idx);
	}
	if (rc == 0)
		return DP_DROP_REASON_MAX;
	if (proto >= 0 && rc != -EADDRINUSE)
		dp_snat_port_release(pool, (enum dp_snat_proto)proto, port);
	switch (rc) {
	case -EEXIST: /* another worker's, a moment ago: its translation */
		if (!dp_ct_is_nat(dp_tables.ct, *idx))
			return DP_DROP_CT_INVALID;
		*nat = dp_ct_nat_get(dp_tables.ct, *idx);
		return DP_DROP_REASON_MAX;
	case -EADDRINUSE: return DP_DROP_SNAT_PORTS_EXHAUSTED;
	case -ENOSPC: return DP_DROP_CT_TABLE_FULL;
	default: return DP_DROP_CT_INVALID; /* it cannot open a connection */
	}
}

/* A packet of the connection at idx sent by its key's endpoint `side`: its state. */
static bool update(struct dp_worker *w, uint32_t idx, const struct dp_ct_pkt *p, uint8_t side)
{
	enum dp_ct_dir dir;
	enum dp_ct_verdict v = dp_ct_update_as(dp_tables.ct, idx, p, side, w->now_sec, &dir);

	return v == DP_CT_VALID || v == DP_CT_REOPENED;
}

/*
 * The quoted header of an ICMP error at ip: its source (src) or destination
 * address and port become addr and port, with the quoted IP checksum, the
 * quoted L4 checksum where the quote holds it (RFC 792 quotes 8 bytes: UDP's
 * is there, TCP's only in longer quotes), and the ICMP checksum, which covers
 * the quote, computed again.
 */
static void rewrite_quoted(struct rte_ipv4_hdr *ip, uint32_t len, bool src, uint32_t addr,
		uint16_t port)
{
	uint32_t hl = rte_ipv4_hdr_len(ip), icmp_len = rte_be_to_cpu_16(ip->total_length) - hl;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hl);
	struct rte_ipv4_hdr *in = (struct rte_ipv4_hdr *)(icmp + 1);
	uint32_t room = len - hl - sizeof(*icmp), ihl;
	uint8_t *l4;

	/* (dp_ct_parse_related checked that the quote holds its header and 8 bytes.) */
	if (icmp_len > len - hl || room < sizeof(*in))
		return;
	ihl = rte_ipv4_hdr_len(in);
	if (room < ihl + 8)
		return;
	l4 = (uint8_t *)in + ihl;
	if (in->next_proto_id == IPPROTO_TCP || in->next_proto_id == IPPROTO_UDP) {
		uint16_t *field = (uint16_t *)(l4 + (src ? 0 : 2));
		uint32_t sum_off = in->next_proto_id == IPPROTO_TCP ? 16 : 6;
		uint32_t old_addr = src ? in->src_addr : in->dst_addr;
		uint16_t old_port = *field;

		*field = port;
		if (room >= ihl + sum_off + 2) {
			uint16_t *sum = (uint16_t *)(l4 + sum_off);

			if (*sum != 0 || in->next_proto_id == IPPROTO_TCP) {
				*sum = dp_nat_csum_update32(*sum, old_addr, addr);
				*sum = dp_nat_csum_update16(*sum, old_port, port);
			}
		}
	} else if (in->next_proto_id == IPPROTO_ICMP) {
		struct rte_icmp_hdr *echo = (struct rte_icmp_hdr *)l4;
		uint16_t old = echo->icmp_ident;

		echo->icmp_ident = port;
		echo->icmp_cksum = dp_nat_csum_update16(echo->icmp_cksum, old, port);
	}
	/* The quoted IP header's own address and checksum. */
	{
		rte_be32_t *field = src ? &in->src_addr : &in->dst_addr;
		uint32_t old = *field;

		*field = addr;
		in->hdr_checksum = dp_nat_csum_update32(in->hdr_checksum, old, addr);
	}
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, icmp_len);
}

/*
 * A new hairpin: from behind the router to one of its floating IPs. Sent on
 * to the fip's fixed address, from the sender's own floating IP when it has
 * one (its port kept), else from the gateway's address and a port of the
 * router's SNAT, so that the reply comes back through the router and is
 * translated back (not straight to the sender, which would not know it).
 * With neither, it is not translated (UINT16_MAX); 0 when created.
 */
static uint16_t hairpin(struct dp_worker *w, const struct dp_router *r, const struct dp_ct_pkt *p,
		struct dp_ct_nat *nat, uint32_t *idx)
{
	const struct dp_fip_table *fips = dp_fip_get(r->id);
	const struct dp_fip *to, *from;
	uint32_t dst, src;
	uint16_t rc;

	memcpy(&dst, p->key.addr[!p->side], 4);
	memcpy(&src, p->key.addr[p->side], 4);
	to = dp_fip_by_fip(fips, dst);
	if (to == NULL)
		return UINT16_MAX; /* to the gateway's address: the router's own */
	from = dp_fip_by_fixed(fips, src);
	if (from != NULL)
		rc = create(w, r, p, from->fip, false, to->fixed_ip, nat, idx);
	else if (r->gw_snat && dp_snat_pool_get(r->id) != NULL)
		rc = create(w, r, p, r->rifs[r->gw_rif].ip, true, to->fixed_ip, nat, idx);
	else
		return UINT16_MAX;
	return rc == DP_DROP_REASON_MAX ? 0 : rc;
}

/* Translates frame m of kind k whose connection is idx; 0 or a drop. */
static uint16_t translate(struct dp_worker *w, struct rte_mbuf *m, enum kind k,
		const struct dp_ct_pkt *p, uint32_t idx, uint32_t *nh)
{
	struct dp_ct *ct = dp_tables.ct;
	const struct dp_router *r = dp_router_get(dp_mbuf_meta(m)->router_id);
	struct rte_ipv4_hdr *ip = ip_of(m);
	uint32_t len = l3_len(m);
	const struct dp_ct_key *key;
	struct dp_ct_nat nat;
	uint32_t opener_ip;
	uint16_t rc, opener_port;
	uint8_t orig;

	if (k == HAIRPIN) {
		if (idx != DP_CT_NONE && dp_ct_is_alias(ct, idx))
			k = IN; /* the reply of one */
		else if (idx == DP_CT_NONE && (rc = hairpin(w, r, p, &nat, &idx)) != 0)
			return rc == UINT16_MAX ? DP_DROP_REASON_MAX : rc;
	}
	switch (k) {
	case OUT:
	case HAIRPIN:
		if (idx == DP_CT_NONE) {
			rc = create(w, r, p, r->rifs[r->gw_rif].ip, true, 0, &nat, &idx);
			if (rc != DP_DROP_REASON_MAX)
				return rc;
		} else if (!dp_ct_is_nat(ct, idx)) {
			return DP_DROP_CT_INVALID;
		} else {
			nat = dp_ct_nat_get(ct, idx);
		}
		if (!update(w, idx, p, p->side))
			return DP_DROP_CT_INVALID;
		dp_nat_rewrite_ip4_addr_port(ip, len, true, nat.src_ip, nat.src_port != 0, nat.src_port);
		if (nat.dst_ip) {
			dp_nat_rewrite_ip4_addr(ip, len, false, nat.dst_ip);
			*nh = dp_fib_lookup(r->fib, rte_be_to_cpu_32(nat.dst_ip));
		}
		return DP_DROP_REASON_MAX;
	case OUT_REL: /* about a reply the inside host got: quoted as to the gateway */
		if (idx == DP_CT_NONE || !dp_ct_is_nat(ct, idx) || dp_ct_is_dead(ct, idx))
			return DP_DROP_SNAT_UNTRACKABLE;
		nat = dp_ct_nat_get(ct, idx);
		rewrite_quoted(ip, len, false, nat.src_ip,
				nat.src_port ? nat.src_port : p->key.port[p->side]);
		dp_nat_rewrite_ip4_addr(ip, len, true, nat.src_ip);
		return DP_DROP_REASON_MAX;
	default: /* IN, IN_REL: to the gateway, through the alias */
		if (idx == DP_CT_NONE || !dp_ct_is_alias(ct, idx))
			return DP_DROP_REASON_MAX; /* the router's own (an echo to it) */
		dp_ct_alias_opener(ct, idx, &opener_ip, &opener_port);
		idx = dp_ct_alias_of(ct, idx);
		if (!dp_ct_is_nat(ct, idx))
			return DP_DROP_CT_INVALID;
		orig = dp_ct_orig_side(ct, idx);
		if (k == IN) {
			/* A reply: from the side that did not open it. */
			if (!update(w, idx, p, !orig))
				return DP_DROP_CT_INVALID;
			nat = dp_ct_nat_get(ct, idx);
			dp_nat_rewrite_ip4_addr_port(
					ip, len, false, opener_ip, nat.src_port != 0, opener_port);
			/* A hairpin's reply comes from the address first asked for (in the key). */
			if (nat.dst_ip) {
				key = dp_ct_key_at(ct, idx);
				if (key == NULL)
					return DP_DROP_CT_INVALID;
				dp_nat_rewrite_ip4_addr(ip, len, true, *(const uint32_t *)key->addr[!orig]);
			}
		} else {
			if (dp_ct_is_dead(ct, idx))
				return DP_DROP_CT_INVALID;
			rewrite_quoted(ip, len, true, opener_ip, opener_port);
			dp_nat_rewrite_ip4_addr(ip, len, false, opener_ip);
		}
		*nh = dp_fib_lookup(r->fib, rte_be_to_cpu_32(ip->dst_addr));
		return DP_DROP_REASON_MAX;
	}
}

/* One chunk of at most DP_CT_BULK_MAX frames: classified, looked up and translated
 * while their headers and entries are still in the cache (a whole burst of 256
 * is not: its first frames' lines are gone by the time the last is looked up). */
static void snat_chunk(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint32_t *nh,
		uint16_t *drop)
{
	struct dp_ct_pkt pk[DP_CT_BULK_MAX];
	uint32_t idx[DP_CT_BULK_MAX];
	uint16_t at[DP_CT_BULK_MAX], k = 0;
	uint8_t kind[DP_CT_BULK_MAX];

	for (uint16_t i = 0; i < n; i++) {
		drop[i] = DP_DROP_REASON_MAX;
		kind[k] = (uint8_t)classify(w, pkts[i], nh[i], &pk[k], &drop[i]);
		if (kind[k] != NONE)
			at[k++] = i;
	}
	if (k == 0)
		return;
	dp_ct_lookup_bulk(dp_tables.ct, pk, k, idx);
	/* A reply's lookup found its alias: warm the connections' entries too, all at once. */
	for (uint16_t j = 0; j < k; j++)
		if (kind[j] != OUT && idx[j] != DP_CT_NONE && dp_ct_is_alias(dp_tables.ct, idx[j]))
			dp_ct_prefetch(dp_tables.ct, dp_ct_alias_of(dp_tables.ct, idx[j]));
	for (uint16_t j = 0; j < k; j++) {
		struct rte_mbuf *m = pkts[at[j]];
		struct rte_ipv4_hdr *ip = ip_of(m);
		uint32_t src = ip->src_addr, dst = ip->dst_addr;

		drop[at[j]] = translate(w, m, (enum kind)kind[j], &pk[j], idx[j], &nh[at[j]]);
		/* A first fragment: its later ones follow its new address. */
		if (unlikely(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG)) &&
				drop[at[j]] == DP_DROP_REASON_MAX && (ip->src_addr != src || ip->dst_addr != dst))
			dp_snat_frag_note(w->index, w->now_sec, pk[j].key.zone, src, dst, ip->packet_id,
					ip->next_proto_id, ip->src_addr != src ? ip->src_addr : 0,
					ip->dst_addr != dst ? ip->dst_addr : 0);
	}
}

void dp_snat_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint32_t *nh,
		uint16_t *drop)
{
	for (uint16_t base = 0; base < n; base += DP_CT_BULK_MAX)
		snat_chunk(w, pkts + base, RTE_MIN((uint16_t)(n - base), (uint16_t)DP_CT_BULK_MAX),
				nh + base, drop + base);
}
