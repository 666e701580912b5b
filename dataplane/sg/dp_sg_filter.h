/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The security-group check shared by the two stages: sg_egress (frames from a
 * port with a filter, after port security) and sg_ingress (frames about to be
 * sent to one). Semantics of Neutron's OVS firewall driver.
 *
 * What passes without a rule (before any rule or connection is looked at):
 *  - every frame that is neither IPv4 nor IPv6 (ARP above all: port security
 *    vetted what a port sends, and only IPv4, IPv6 and ARP leave a secured
 *    port);
 *  - DHCP: egress client requests (UDP 68 -> 67, DHCPv6 546 -> 547), ingress
 *    server answers (UDP 67 -> 68, 547 -> 546). A port's own DHCP server
 *    answers (egress 67 -> 68, 547 -> 546) are denied, whatever the rules say,
 *    as Neutron bans DHCP servers in instances;
 *  - ICMPv6 neighbour discovery and MLD as Neutron's firewall lists them:
 *    ingress MLD query (130), neighbour solicitation (135) and advertisement
 *    (136); egress MLD query (130), router solicitation (133), NS (135) and
 *    NA (136). Router advertisements to the port need a rule (Neutron adds
 *    one for the subnet's gateway), other link-local traffic too.
 *
 * Stateful filters (struct dp_port.sg_stateful) track connections in the
 * shared table (ct/dp_ct.h), zone = the port's network:
 *  - a packet of a connection passes when the connection's allowed-by record
 *    for this port's role in it (originator: its egress rules allowed the
 *    connection; responder: its ingress rules) carries the filter's current
 *    generation. A record of an older generation is checked again, at that
 *    packet, on the connection's original direction: allowed, the record is
 *    renewed; denied, the connection is killed and the packet dropped. So a
 *    removed rule ends, at their next packet, the connections only it
 *    allowed, and added rules reset nothing (the control thread does the
 *    same for idle connections: sg/dp_sg_conf.h, dp_sg_conf_expire);
 *  - a connection with no record for this port (it was tracked before the port
 *    had a filter, or for a flooded copy) is checked on every packet and
 *    never killed from here;
 *  - a packet of no connection is classified as a new one; allowed, the
 *    connection is created with this port's record (and, from sg_egress, the
 *    receiving local port's, unchecked yet, when both are in one network and
 *    the receiver's filter is stateful: its ingress check then fills it);
 *  - ICMP errors about a tracked connection pass, others are ct_invalid; so
 *    are later fragments (nothing reassembles them), a TCP packet that fits
 *    no state or cannot open a connection (no loose pickup), an echo reply
 *    with no request;
 *  - ICMP that is neither echo nor an error (redirects, router
 *    advertisements...) is classified on each packet.
 * Stateless filters classify every packet against the rules of its
 * direction; nothing is tracked (a later fragment has no ports: only rules
 * without ports can allow it).
 *
 * Packet path, any worker. No allocation; the trace (when on) says for each
 * IP packet why it passed or not, naming the rule by its label.
 */
#ifndef VIRGA_DP_SG_FILTER_H
#define VIRGA_DP_SG_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "core/dp_drop.h"
#include "engine/dp_tables.h"
#include "ct/dp_ct.h"
#include "dp_sg.h"

struct dp_worker;

/* A verdict: the frame may go on, or the reason it is dropped. */
#define DP_SG_PASS DP_DROP_REASON_MAX

/*
 * Checks n frames, each against the filter of ports[i] (non-NULL, with sg
 * set) in direction dir (DP_SG_EGRESS: the frame comes from that port;
 * DP_SG_INGRESS: it goes to it). peers[i]: sg_egress only, the local port
 * with a stateful filter in the same network the frame is switched to, or
 * DP_CT_NO_PORT (NULL: none for any). verdicts[i] gets DP_SG_PASS or a drop
 * reason. `stage` names the stage in the trace.
 */
void dp_sg_filter_burst(struct dp_worker *w, const char *stage, enum dp_sg_dir dir,
		struct rte_mbuf **pkts, const struct dp_port *const *ports, const uint16_t *peers,
		uint16_t n, uint16_t *verdicts);

/*
 * Any thread: the rules' tuple (struct dp_sg_tuple4 or 6, by k->family) of the
 * packet that key side `sender` sends in connection k, for the rules of
 * direction dir (remote: the sender for ingress, the receiver for egress).
 * icmp_type and icmp_code are the packet's (an echo connection's original
 * direction: the request).
 */
static inline void dp_sg_conn_tuple(const struct dp_ct_key *k, uint8_t sender, enum dp_sg_dir dir,
		uint8_t icmp_type, uint8_t icmp_code, void *tuple)
{
	const uint8_t *remote = dir == DP_SG_INGRESS ? k->addr[sender] : k->addr[!sender];
	rte_be16_t dport = k->port[!sender];

	if (k->family == AF_INET) {
		rte_be32_t r;

		memcpy(&r, remote, 4);
		dp_sg_tuple4_fill(tuple, k->proto, r, dport, icmp_type, icmp_code);
	} else {
		dp_sg_tuple6_fill(tuple, k->proto, remote, dport, icmp_type, icmp_code);
	}
}

/* The ICMP type of an echo request, which opens an echo connection of family. */
static inline uint8_t dp_sg_echo_request(uint8_t family)
{
	return family == AF_INET ? 8 : 128;
}

#endif
