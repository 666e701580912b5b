/* SPDX-License-Identifier: Apache-2.0 */
/* The security-group check of sg_egress and sg_ingress (see sg/dp_sg_filter.h). */
#include <arpa/inet.h>
#include <stdio.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "engine/dp_conf.h"
#include "core/dp_trace.h"
#include "engine/dp_worker.h"
#include "ct/dp_ct.h"
#include "ct/dp_ct_parse.h"
#include "dp_sg_conf.h"
#include "dp_sg_filter.h"

/* Frames are checked in chunks of one bulk lookup. */
#define CHUNK DP_CT_BULK_MAX

#define DHCP_SERVER 67
#define DHCP_CLIENT 68
#define DHCP6_CLIENT 546
#define DHCP6_SERVER 547

/* What a frame still needs once its first pass is done. */
enum need {
	DONE,	   /* verdict set */
	LOOKUP,	   /* its connection, by its own key */
	RELATED,   /* the connection its ICMP error quotes (key in ct) */
	CLASSIFY,  /* rules only: stateless, untracked ICMP, a port without a record */
	NEW,	   /* rules, then create the connection */
	RECHECK,   /* rules on the original direction, then renew the record or kill */
};

/* Why, for the trace. */
enum why {
	WHY_RULE,	 /* allowed by rule (new connection, or stateless) */
	WHY_RENEWED,	 /* a stale record checked again and allowed by rule */
	WHY_ESTABLISHED, /* a packet of a connection this port allowed */
	WHY_RELATED,	 /* an ICMP error about a tracked connection */
	WHY_DHCP,
	WHY_ND,
	WHY_DHCP_SERVER, /* denied: a DHCP server in the port */
	WHY_NO_RULE,	 /* denied */
	WHY_RULE_GONE,	 /* denied: the connection's rule is gone, it was killed */
	WHY_INVALID,
	WHY_FULL,
	WHY_LIMIT,
	WHY_MALFORMED,
};

struct frame {
	const struct dp_port *port;
	struct dp_ct_pkt *ct; /* in an array of its own: one bulk lookup needs them side by side */
	uint32_t idx;
	uint32_t res;	   /* classify: rule id + 1, 0 to deny */
	uint8_t need;	   /* enum need */
	uint8_t why;	   /* enum why */
	uint8_t family;	   /* enum dp_sg_family */
	uint8_t cdir;	   /* classify: the rules of this direction */
	uint8_t role;	   /* enum dp_ct_role: this port's in the connection */
	uint16_t verdict;
	union {
		struct dp_sg_tuple4 t4;
		struct dp_sg_tuple6 t6;
	} t;
};

/* The record of a trace line, formatted on the control thread. */
struct sg_trace {
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t proto;
	uint8_t why;
	uint8_t reserved;
	uint16_t port;
	uint16_t sport; /* host byte order; 0 when the protocol has none */
	uint16_t dport;
	uint32_t rule;
	uint8_t src[16];
	uint8_t dst[16];
};
_Static_assert(sizeof(struct sg_trace) <= DP_TRACE_DATA_LEN, "a trace record's data");

static const char *proto_name(uint8_t p, char buf[16])
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	default: snprintf(buf, 16, "proto %u", p); return buf;
	}
}

static void endpoint(char *buf, size_t sz, uint8_t family, const uint8_t *addr, uint16_t port,
		bool has_port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, addr, a, sizeof(a));
	if (!has_port)
		snprintf(buf, sz, "%s", a);
	else if (family == AF_INET6)
		snprintf(buf, sz, "[%s]:%u", a, port);
	else
		snprintf(buf, sz, "%s:%u", a, port);
}

/* Control thread: one trace line. */
static void format_trace(const char *stage, const void *data, char *text, size_t sz)
{
	const struct sg_trace *t = data;
	bool ports = t->proto == IPPROTO_TCP || t->proto == IPPROTO_UDP || t->proto == IPPROTO_SCTP;
	const char *label = dp_sg_conf_label(t->port, t->rule);
	char src[64], dst[64], rule[64], pbuf[16];
	const char *why = "?";

	endpoint(src, sizeof(src), t->family, t->src, t->sport, ports);
	endpoint(dst, sizeof(dst), t->family, t->dst, t->dport, ports);
	if (label != NULL)
		snprintf(rule, sizeof(rule), "%s", label);
	else
		snprintf(rule, sizeof(rule), "#%u (since replaced)", t->rule);
	switch (t->why) {
	case WHY_RULE: why = "allowed by rule "; break;
	case WHY_RENEWED: why = "established, still allowed by rule "; break;
	case WHY_ESTABLISHED: why = "established"; break;
	case WHY_RELATED: why = "related to a tracked connection"; break;
	case WHY_DHCP: why = "allowed (DHCP)"; break;
	case WHY_ND: why = "allowed (neighbour discovery / MLD)"; break;
	case WHY_DHCP_SERVER: why = "denied (a DHCP server in the port)"; break;
	case WHY_NO_RULE: why = "denied (no rule)"; break;
	case WHY_RULE_GONE: why = "denied (no rule allows it any more: connection ended)"; break;
	case WHY_INVALID: why = "invalid (fits no connection)"; break;
	case WHY_FULL: why = "denied (connection table full)"; break;
	case WHY_LIMIT: why = "denied (port at its connection limit)"; break;
	case WHY_MALFORMED: why = "malformed"; break;
	}
	snprintf(text, sz, "%s: %s %s -> %s %s%s, port %s", stage, proto_name(t->proto, pbuf), src,
			dst, why, t->why == WHY_RULE || t->why == WHY_RENEWED ? rule : "",
			t->port < DP_MAX_PORTS && dp_port_confs[t->port].used ?
					dp_port_confs[t->port].name :
					"?");
}

static void trace_one(const char *stage, const struct frame *f)
{
	const struct dp_ct_key *k = &f->ct->key;
	uint8_t s = f->ct->side;
	struct sg_trace t = {
		.family = k->family,
		.proto = k->proto,
		.why = f->why,
		.port = f->port->port_id,
		.rule = f->res - 1,
	};

	/* The packet's own addresses; an ICMP error's key is that of what it quotes. */
	if (f->ct->related) {
		memcpy(t.src, k->addr[!s], 16);
		memcpy(t.dst, k->addr[s], 16);
		t.proto = k->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	} else {
		memcpy(t.src, k->addr[s], 16);
		memcpy(t.dst, k->addr[!s], 16);
		t.sport = rte_be_to_cpu_16(k->port[s]);
		t.dport = rte_be_to_cpu_16(k->port[!s]);
	}
	dp_trace_custom(stage, format_trace, &t, sizeof(t));
}

static inline void tuple_of(struct frame *f, const struct dp_ct_key *k, uint8_t sender,
		uint8_t icmp_type, uint8_t icmp_code)
{
	dp_sg_conn_tuple(k, sender, f->cdir, icmp_type, icmp_code, &f->t);
}

/* Classification of the packet itself, in the stage's direction. */
static void classify_packet(struct frame *f, enum dp_sg_dir dir, enum need need)
{
	f->need = need;
	f->cdir = dir;
	tuple_of(f, &f->ct->key, f->ct->side, f->ct->icmp_type, f->ct->icmp_code);
}

/* Classification of the connection's original direction, against this port's rules of
 * its role: its egress rules when it opened the connection, its ingress rules else. */
static void classify_original(struct frame *f, enum dp_ct_dir dir, enum need need)
{
	uint8_t orig = dir == DP_CT_DIR_ORIGINAL ? f->ct->side : !f->ct->side;

	f->need = need;
	f->cdir = f->role == DP_CT_ORIGINATOR ? DP_SG_EGRESS : DP_SG_INGRESS;
	/* The original direction of an echo connection is the request. */
	tuple_of(f, &f->ct->key, orig, dp_sg_echo_request(f->ct->key.family), 0);
}

static inline void verdict(struct frame *f, uint16_t v, enum why why)
{
	f->need = DONE;
	f->verdict = v;
	f->why = why;
}

static inline enum dp_drop_reason denied(enum dp_sg_dir dir)
{
	return dir == DP_SG_INGRESS ? DP_DROP_SG_DENIED_INGRESS : DP_DROP_SG_DENIED_EGRESS;
}

/* What passes before any rule: DHCP and neighbour discovery. Returns true when decided. */
static bool always(struct frame *f, enum dp_sg_dir dir, int parsed)
{
	const struct dp_ct_key *k = &f->ct->key;
	uint8_t s = f->ct->side;

	if (k->proto == IPPROTO_UDP && parsed == DP_CT_PARSE_TRACKED) {
		uint16_t sport = rte_be_to_cpu_16(k->port[s]), dport = rte_be_to_cpu_16(k->port[!s]);
		bool v4 = k->family == AF_INET;
		uint16_t client = v4 ? DHCP_CLIENT : DHCP6_CLIENT, server = v4 ? DHCP_SERVER : DHCP6_SERVER;

		if (sport == client && dport == server && dir == DP_SG_EGRESS) {
			verdict(f, DP_SG_PASS, WHY_DHCP);
			return true;
		}
		if (sport == server && dport == client) {
			if (dir == DP_SG_INGRESS)
				verdict(f, DP_SG_PASS, WHY_DHCP);
			else
				verdict(f, DP_DROP_SG_DENIED_EGRESS, WHY_DHCP_SERVER);
			return true;
		}
		return false;
	}
	if (k->proto == IPPROTO_ICMPV6 && k->family == AF_INET6 && parsed == DP_CT_PARSE_UNTRACKED) {
		switch (f->ct->icmp_type) {
		case 130: /* MLD query */
		case 135: /* neighbour solicitation */
		case 136: /* neighbour advertisement */
			verdict(f, DP_SG_PASS, WHY_ND);
			return true;
		case 133: /* router solicitation */
			if (dir == DP_SG_EGRESS) {
				verdict(f, DP_SG_PASS, WHY_ND);
				return true;
			}
			break;
		default:
			break;
		}
	}
	return false;
}

/* First pass: parse, what always passes, stateless, and what to look up. */
static void first_pass(struct frame *f, struct rte_mbuf *m, enum dp_sg_dir dir)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t etype = rte_be_to_cpu_16(eth->ether_type), l3 = sizeof(*eth);
	struct dp_ct_pkt rel;
	int rc;

	f->res = 0;
	if (etype == RTE_ETHER_TYPE_VLAN && rte_pktmbuf_data_len(m) >= sizeof(*eth) + 4) {
		etype = rte_be_to_cpu_16(*(const uint16_t *)((const uint8_t *)(eth + 1) + 2));
		l3 += 4;
	}
	if (etype != RTE_ETHER_TYPE_IPV4 && etype != RTE_ETHER_TYPE_IPV6) {
		f->need = DONE;
		f->verdict = DP_SG_PASS;
		f->why = 0xff; /* not IP: nothing to say */
		return;
	}
	f->family = etype == RTE_ETHER_TYPE_IPV4 ? DP_SG_IPV4 : DP_SG_IPV6;
	rc = dp_ct_parse_any(m, l3, etype, f->port->net_id, f->ct);
	if (unlikely(rc < 0)) {
		verdict(f, DP_DROP_INVALID_IP_HEADER, 0xff);
		return;
	}
	if (always(f, dir, rc))
		return;
	if (!f->port->sg_stateful || rc == DP_CT_PARSE_UNTRACKED) {
		/* A later fragment's key has no ports: rules with ports do not match. */
		classify_packet(f, dir, CLASSIFY);
		return;
	}
	switch (rc) {
	case DP_CT_PARSE_TRACKED:
		f->need = LOOKUP;
		return;
	case DP_CT_PARSE_ICMP_ERROR:
		if (dp_ct_parse_related(m, f->ct, &rel) == DP_CT_PARSE_TRACKED) {
			*f->ct = rel;
			f->need = RELATED;
			return;
		}
		verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
		return;
	default: /* DP_CT_PARSE_FRAGMENT: nothing to find its connection by */
		verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
		return;
	}
}

/* A packet of a known connection: its record for this port, or the rules. */
static void known(struct dp_ct *ct, struct frame *f, enum dp_sg_dir dir, uint32_t now)
{
	enum dp_ct_dir cdir;
	struct dp_ct_rec rec;

	switch (dp_ct_update(ct, f->idx, f->ct, now, &cdir)) {
	case DP_CT_INVALID:
	case DP_CT_DEAD:
		verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
		return;
	default: /* DP_CT_VALID, DP_CT_REOPENED (records reset: checked again below) */
		break;
	}
	/* Sending the original direction or receiving a reply: the opener. */
	f->role = (dir == DP_SG_EGRESS) == (cdir == DP_CT_DIR_ORIGINAL) ? DP_CT_ORIGINATOR :
									  DP_CT_RESPONDER;
	rec = dp_ct_rec_get(ct, f->idx, f->role);
	if (rec.port != f->port->port_id) {
		classify_original(f, cdir, CLASSIFY);
		return;
	}
	if (likely(rec.gen == f->port->sg_gen)) {
		f->res = rec.rule + 1;
		verdict(f, DP_SG_PASS, WHY_ESTABLISHED);
		return;
	}
	classify_original(f, cdir, RECHECK);
}

/* Classifies every frame that needs it, one call per set, direction and family. */
static void classify_all(struct frame *fr, uint16_t n)
{
	uint64_t pending = 0; /* CHUNK <= 64 */
	const uint8_t *tuples[CHUNK];
	uint32_t res[CHUNK];
	uint16_t which[CHUNK];

	for (uint16_t i = 0; i < n; i++)
		if (fr[i].need >= CLASSIFY)
			pending |= 1ull << i;
	while (pending) {
		uint16_t first = __builtin_ctzll(pending), k = 0;
		const struct dp_sg_set *set = fr[first].port->sg;
		uint8_t cdir = fr[first].cdir, fam = fr[first].family;

		for (uint64_t p = pending; p; p &= p - 1) {
			uint16_t i = __builtin_ctzll(p);

			if (fr[i].port->sg != set || fr[i].cdir != cdir || fr[i].family != fam)
				continue;
			which[k] = i;
			tuples[k++] = (const uint8_t *)&fr[i].t;
			pending &= ~(1ull << i);
		}
		dp_sg_classify(set, cdir, fam, tuples, res, k);
		for (uint16_t j = 0; j < k; j++)
			fr[which[j]].res = res[j];
	}
}

/* A new connection its rules allow. */
static void create(struct dp_ct *ct, struct frame *f, enum dp_sg_dir dir, uint16_t peer,
		uint32_t now)
{
	struct dp_ct_rec mine = {f->port->port_id, f->port->sg_gen, f->res - 1};
	struct dp_ct_rec other = {peer, DP_CT_GEN_NONE, 0};
	enum dp_ct_dir cdir;
	int rc;

	rc = dir == DP_SG_EGRESS ? dp_ct_create(ct, f->ct, &mine, &other, now, &f->idx) :
				   dp_ct_create(ct, f->ct, &other, &mine, now, &f->idx);
	switch (rc) {
	case 0:
		verdict(f, DP_SG_PASS, WHY_RULE);
		return;
	case -EEXIST:
		/* Another worker created it meanwhile: a packet of it, then. What this
		 * port's rules allowed was this packet's direction: record it if that is
		 * the connection's original one. */
		if (dp_ct_update(ct, f->idx, f->ct, now, &cdir) != DP_CT_VALID) {
			verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
			return;
		}
		f->role = (dir == DP_SG_EGRESS) ? DP_CT_ORIGINATOR : DP_CT_RESPONDER;
		if (cdir == DP_CT_DIR_ORIGINAL &&
				dp_ct_rec_get(ct, f->idx, f->role).port == f->port->port_id)
			dp_ct_rec_set(ct, f->idx, f->role, f->port->sg_gen, f->res - 1);
		verdict(f, DP_SG_PASS, WHY_RULE);
		return;
	case -ENOSPC:
		verdict(f, DP_DROP_CT_TABLE_FULL, WHY_FULL);
		return;
	case -EDQUOT:
		verdict(f, DP_DROP_CT_PORT_LIMIT, WHY_LIMIT);
		return;
	default: /* -EINVAL: it cannot open a connection (a bare ACK, an echo reply) */
		verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
		return;
	}
}

static void check_chunk(struct dp_worker *w, const char *stage, enum dp_sg_dir dir,
		struct rte_mbuf **pkts, const struct dp_port *const *ports, const uint16_t *peers,
		uint16_t n, uint16_t *verdicts)
{
	struct dp_ct *ct = dp_tables.ct;
	struct frame fr[CHUNK];
	struct dp_ct_pkt pk[CHUNK], keys[CHUNK];
	uint32_t idx[CHUNK];
	uint16_t at[CHUNK], n_keys = 0;
	uint32_t now = w->now_sec;

	for (uint16_t i = 0; i < n; i++) {
		fr[i].port = ports[i];
		fr[i].ct = &pk[i];
		first_pass(&fr[i], pkts[i], dir);
		if (fr[i].need == LOOKUP || fr[i].need == RELATED)
			at[n_keys++] = i;
	}
	if (n_keys) {
		/* The common case, every frame to look up, needs no copy. */
		if (n_keys == n) {
			dp_ct_lookup_bulk(ct, pk, n, idx);
		} else {
			for (uint16_t j = 0; j < n_keys; j++)
				keys[j] = pk[at[j]];
			dp_ct_lookup_bulk(ct, keys, n_keys, idx);
		}
		for (uint16_t j = 0; j < n_keys; j++) {
			struct frame *f = &fr[at[j]];

			f->idx = idx[j];
			if (f->need == RELATED) {
				if (idx[j] != DP_CT_NONE && !dp_ct_is_dead(ct, idx[j]))
					verdict(f, DP_SG_PASS, WHY_RELATED);
				else
					verdict(f, DP_DROP_CT_INVALID, WHY_INVALID);
			} else if (idx[j] == DP_CT_NONE) {
				classify_packet(f, dir, NEW);
			} else {
				known(ct, f, dir, now);
			}
		}
	}
	classify_all(fr, n);
	for (uint16_t i = 0; i < n; i++) {
		struct frame *f = &fr[i];

		switch (f->need) {
		case CLASSIFY:
			if (f->res)
				verdict(f, DP_SG_PASS, WHY_RULE);
			else
				verdict(f, denied(dir), WHY_NO_RULE);
			break;
		case NEW:
			if (f->res)
				create(ct, f, dir, peers ? peers[i] : DP_CT_NO_PORT, now);
			else
				verdict(f, denied(dir), WHY_NO_RULE);
			break;
		case RECHECK:
			if (f->res) {
				dp_ct_rec_set(ct, f->idx, f->role, f->port->sg_gen, f->res - 1);
				verdict(f, DP_SG_PASS, WHY_RENEWED);
			} else {
				dp_ct_kill(ct, f->idx);
				verdict(f, denied(dir), WHY_RULE_GONE);
			}
			break;
		default:
			break;
		}
		verdicts[i] = f->verdict;
		if (unlikely(w->trace) && f->why != 0xff)
			trace_one(stage, f);
	}
}

void dp_sg_filter_burst(struct dp_worker *w, const char *stage, enum dp_sg_dir dir,
		struct rte_mbuf **pkts, const struct dp_port *const *ports, const uint16_t *peers,
		uint16_t n, uint16_t *verdicts)
{
	for (uint16_t base = 0; base < n; base += CHUNK)
		check_chunk(w, stage, dir, pkts + base, ports + base, peers ? peers + base : NULL,
				RTE_MIN((uint16_t)(n - base), (uint16_t)CHUNK), verdicts + base);
}
