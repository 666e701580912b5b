/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SNAT of a router's gateway (as Neutron's centralized SNAT): connections
 * that leave through the gateway from the router's other interfaces leave
 * from the gateway's address, their source port kept when it is in the
 * router's range and free, else one of the range (nat/dp_snat_pool.h);
 * replies to the gateway's address are translated back; ICMP echo
 * identifiers are translated like ports; ICMP errors about a translated
 * connection have their quoted header translated too, both ways.
 *
 * Each translated connection is one entry of the connection table in its
 * router's zone (ct/dp_ct.h: a key for each direction, one state machine,
 * one expiry), created by the worker that sees its first packet.
 *
 * Runs inside ip4_route, after the burst's FIB lookup and before
 * forwarding, so it knows which frames leave through the gateway; what it
 * translates is then routed as the translated packet. What it leaves alone:
 * routers without SNAT, frames to the router itself, a source with a
 * floating IP (translated by l3/dp_fip.h instead), a TTL about to expire
 * (its ICMP error goes back to the untranslated source, as Linux NATs in
 * POSTROUTING, after the forward checks).
 *
 * Later fragments follow their first fragment's translation
 * (nat/dp_snat_frag.h), both ways.
 *
 * Not translated, and dropped with a counted reason: what leaves through
 * the gateway with nothing to find its connection by (a later fragment
 * before its first, an ICMP message of no connection: snat_untrackable), a TCP
 * packet that cannot open a connection (ct_invalid; no loose pickup, as
 * the security groups), a new connection when the router's range is in use
 * (snat_ports_exhausted) or the table is full (ct_table_full).
 */
#ifndef VIRGA_DP_SNAT_H
#define VIRGA_DP_SNAT_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "engine/dp_worker.h"

/*
 * Packet path: translates what SNAT owns among pkts (router interface frames
 * as ip4_route gets them; nh[i]: the FIB's next hop for each, which it
 * replaces for a frame whose destination it translated). drop[i] gets the
 * frame's drop reason, or DP_DROP_REASON_MAX to route it on.
 */
void dp_snat_burst(struct dp_worker *w, struct rte_mbuf **pkts, uint16_t n, uint32_t *nh,
		uint16_t *drop);

/* Packet path: whether any frame of a burst of router router_id's can be SNAT's. */
bool dp_snat_router_has(uint16_t router_id);

#endif
