/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DHCP server's packet path, on the worker that received the request
 * (see dp_dhcp.h for why there): rate limit, parse, decide, and rewrite the
 * request's mbuf into the reply, which leaves by the port it came from.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "engine/dp_tables.h"
#include "engine/dp_worker.h"
#include "l2/dp_l2.h"
#include "pkt/dp_arp.h"
#include "pkt/dp_ip4.h"
#include "pkt/dp_mbuf.h"
#include "dp_dhcp.h"

bool dp_dhcp_bucket_take(
                struct dp_dhcp_bucket *b, uint64_t now, uint64_t hz, uint32_t rate, uint32_t burst)
{
	const uint64_t full = (uint64_t)burst * hz;

	if (b->last_tsc == 0) {
		b->tokens = full;
	} else if (now > b->last_tsc) {
		uint64_t elapsed = now - b->last_tsc;

		/* Capped before the multiplication: an idle hour must not overflow it. */
		if (elapsed >= full / rate)
			b->tokens = full;
		else
			b->tokens = RTE_MIN(full, b->tokens + elapsed * rate);
	}
	b->last_tsc = now;
	if (b->tokens < hz)
		return false;
	b->tokens -= hz;
	return true;
}

void dp_dhcp_server_mac(uint32_t server_ip, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x02; /* locally administered, unicast */
	mac->addr_bytes[1] = 0x76; /* 'v' */
	memcpy(&mac->addr_bytes[2], &server_ip, 4);
}

/* Whether any port with an entry is on net_id: then the engine is that network's DHCP
 * server, and a request it cannot answer goes no further. */
static bool network_served(uint16_t net_id)
{
	for (uint16_t p = 0; p < DP_MAX_PORTS; p++) {
		const struct dp_port *other;

		if (dp_dhcp_get(p) == NULL)
			continue;
		other = dp_port_get(p);
		if (other != NULL && other->mode == DP_PORT_ACCESS && other->net_id == net_id)
			return true;
	}
	return false;
}

/* The port's share of its rate: every worker polls every port (a queue each), so
 * each gets 1/n of the budget and the port as a whole never passes it. */
static bool rate_ok(struct dp_dhcp_worker *d)
{
	uint32_t n = dp_workers.n ? dp_workers.n : 1;

	return dp_dhcp_bucket_take(&d->bucket, rte_rdtsc(), rte_get_tsc_hz(),
	                RTE_MAX(DP_DHCP_RATE / n, 1u), RTE_MAX(DP_DHCP_BURST / n, 1u));
}

/* The BOOTP message of a request, after the IPv4 and UDP headers checked here. */
static enum dp_drop_reason locate(struct rte_mbuf *m, const uint8_t **msg, size_t *len)
{
	const uint32_t l2 = sizeof(struct rte_ether_hdr);
	uint32_t contig = rte_pktmbuf_data_len(m) - l2, hl, udp_len;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const void *, l2);
	const struct rte_udp_hdr *udp;

	/* Port security checked the header already, when it is on; not otherwise. */
	if (!dp_ip4_hdr_valid(ip, contig, rte_pktmbuf_pkt_len(m) - l2))
		return DP_DROP_INVALID_IP_HEADER;
	hl = rte_ipv4_hdr_len(ip);
	if (rte_raw_cksum(ip, hl) != 0xffff)
		return DP_DROP_BAD_IP_CHECKSUM;
	/* The request is read from the first segment only: a DHCP request is a few
	 * hundred bytes, and one that is not there whole is no request. */
	contig = RTE_MIN(contig, (uint32_t)rte_be_to_cpu_16(ip->total_length));
	udp = (const void *)((const uint8_t *)ip + hl);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (udp_len < sizeof(*udp) || hl + udp_len > contig)
		return DP_DROP_DHCP_TRUNCATED;
	*msg = (const uint8_t *)(udp + 1);
	*len = udp_len - sizeof(*udp);
	return DP_DROP_REASON_MAX;
}

/* RFC 2131 4.1: where a reply goes, when no relay is involved. */
static void reply_dest(const struct dp_dhcp_request *q, const struct dp_dhcp_reply *r,
                struct rte_ether_addr *mac, uint32_t *ip)
{
	if (r->type == DP_DHCP_NAK || (q->ciaddr == 0 && (q->flags & DP_DHCP_FLAG_BROADCAST))) {
		memset(mac, 0xff, sizeof(*mac));
		*ip = RTE_BE32(0xffffffff);
		return;
	}
	memcpy(mac, q->chaddr, sizeof(*mac));
	*ip = q->ciaddr != 0 ? q->ciaddr : r->yiaddr;
}

/* Rewrites m into the reply frame; false when it has no room (a tiny mbuf). */
static bool write_reply(struct rte_mbuf *m, const struct dp_dhcp_entry *e,
                const struct dp_dhcp_request *q, const struct dp_dhcp_reply *r)
{
	const uint32_t hdrs = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) +
	                      sizeof(struct rte_udp_hdr);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	size_t len;

	if (m->buf_len < RTE_PKTMBUF_HEADROOM + hdrs + DP_DHCP_REPLY_MAX)
		return false;
	if (m->next != NULL) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
		m->nb_segs = 1;
	}
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->ol_flags = 0;
	m->packet_type = 0;
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	udp = (struct rte_udp_hdr *)(ip + 1);
	len = dp_dhcp_reply_build(r, q, (uint8_t *)(udp + 1));

	reply_dest(q, r, &eth->dst_addr, &ip->dst_addr);
	eth->src_addr = e->src_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*udp) + len));
	ip->packet_id = 0;
	ip->fragment_offset = 0;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = e->server_ip;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(DP_DHCP_SERVER_PORT);
	udp->dst_port = RTE_BE16(DP_DHCP_CLIENT_PORT);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + len));
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	m->data_len = (uint16_t)(hdrs + len);
	m->pkt_len = m->data_len;
	return true;
}

static uint16_t drop(enum dp_drop_reason r)
{
	return DP_L2_EDGE_DROP(r);
}

uint16_t dp_dhcp_input(struct dp_worker *w, struct rte_mbuf *m, const struct dp_port *in)
{
	const struct dp_dhcp_entry *e;
	struct dp_dhcp_worker *d = &w->dhcp[in->port_id];
	struct dp_dhcp_request q;
	struct dp_dhcp_reply r;
	enum dp_drop_reason why;
	const uint8_t *msg;
	size_t len;

	e = dp_dhcp_get(in->port_id);
	if (e == NULL && !network_served(in->net_id))
		return DP_L2_EDGE_MAX;
	/* First, so that a storm costs one test per frame past the port's rate. */
	if (!rate_ok(d)) {
		d->c.rate_limited++;
		return drop(DP_DROP_DHCP_RATE_LIMITED);
	}
	if (e == NULL)
		return drop(DP_DROP_DHCP_NO_ENTRY);
	why = locate(m, &msg, &len);
	if (why == DP_DROP_REASON_MAX)
		why = dp_dhcp_parse(msg, len, &q);
	if (why != DP_DROP_REASON_MAX)
		return drop(why);
	if (memcmp(q.chaddr, &e->mac, RTE_ETHER_ADDR_LEN) != 0)
		return drop(DP_DROP_DHCP_UNKNOWN_MAC);
	d->c.by_type[q.type]++; /* dp_dhcp_parse let only a client's types through */

	r = (struct dp_dhcp_reply){.type = dp_dhcp_answer_type(&q, e->ip, e->server_ip),
	                .server_ip = e->server_ip};
	if (r.type == 0)
		return drop(DP_DROP_DHCP_CONSUMED);
	if (r.type != DP_DHCP_NAK) {
		r.opts = e->opts;
		r.opts_len = e->opts_len;
		/* RFC 2131 4.3.5: the ACK of an INFORM has no address and no lease. */
		if (q.type != DP_DHCP_INFORM) {
			r.yiaddr = e->ip;
			r.lease = e->conf.lease_time;
		}
	}
	if (!write_reply(m, e, &q, &r))
		return drop(DP_DROP_NO_MBUF);
	d->c.by_type[r.type]++;
	dp_mbuf_meta(m)->out_port = in->port_id;
	return DP_L2_TX;
}

uint16_t dp_dhcp_arp_input(struct rte_mbuf *m, const struct dp_port *in)
{
	const struct dp_dhcp_entry *e = dp_dhcp_get(in->port_id);
	const struct dp_network *net;
	struct rte_arp_hdr *arp;

	if (e == NULL || (arp = dp_arp_parse(m)) == NULL ||
	                arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	                arp->arp_data.arp_tip != e->server_ip)
		return DP_L2_EDGE_MAX;
	net = dp_network_get(in->net_id);
	for (uint8_t i = 0; net != NULL && i < net->n_rifs; i++)
		if (net->rifs[i].ip == e->server_ip)
			return DP_L2_EDGE_MAX; /* the router's address: it answers */
	dp_arp_reply_in_place(m, arp, &e->src_mac);
	dp_mbuf_meta(m)->out_port = in->port_id;
	return DP_L2_TX;
}
