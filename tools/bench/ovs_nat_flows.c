/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenFlow rules of the gateway scenarios (ports: 1 = a, 2 = b), route-1
 * (ovs_flows.c) with b as the router's gateway, as OVN programs a logical
 * router's NAT into OVS:
 *
 * snat: from a, conntrack in the router's zone with NAT applied to what it
 * already knows (ct(table=1,zone=1,nat)): a new connection is committed
 * with the gateway's address as its source (nat(src=GW); the port is kept
 * while it is free, as Virga keeps it), an established one is translated by
 * that lookup; both then get route-1's MAC rewrites and dec_ttl and leave on
 * b. From b, to the gateway's address: the same lookup translates a reply
 * back to its host on a (ct(table=2,zone=1,nat)), routed there by one flow
 * per host (its MAC, as Virga's permanent neighbours). Anything else drops.
 * That is one recirculation each way, conntrack's lookup and its NAT: the
 * work Virga's SNAT does in its connection table.
 *
 * fip: Virga's floating IPs are stateless 1:1 (a source rewrite, no
 * connection state), so OVS gets the same: one flow per fixed address
 * rewriting its source to its floating IP (mod_nw_src, which patches the IP
 * and UDP checksums), route-1's MACs and dec_ttl. OVN's dnat_and_snat with
 * --stateless is these flows; its stateful default would add conntrack,
 * which Virga does not do for a floating IP.
 */
#include <stdio.h>

#include "bench.h"

#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) m[0], m[1], m[2], m[3], m[4], m[5]

/* The gateway's address on b, and the hosts behind the router on a (scenario_fip.c). */
#define GW_IP "10.1.0.1"
#define HOST_MAC_FMT "02:41:00:00:00:%02x"

void bench_ovs_write_snat(FILE *f)
{
	uint8_t a[6], b[6], nh[6];

	bench_route_macs(a, b, nh);
	fprintf(f, "table=0,priority=100,in_port=1,dl_dst=" MAC_FMT ",ip,actions=ct(table=1,zone=1,nat)\n",
	                MAC_ARGS(a));
	fprintf(f,
	                "table=1,priority=100,in_port=1,ct_state=+new+trk,ip,actions=ct(commit,zone=1,"
	                "nat(src=" GW_IP ")),mod_dl_src:" MAC_FMT ",mod_dl_dst:" MAC_FMT
	                ",dec_ttl,output:2\n",
	                MAC_ARGS(b), MAC_ARGS(nh));
	fprintf(f,
	                "table=1,priority=100,in_port=1,ct_state=+est+trk,ip,actions=mod_dl_src:" MAC_FMT
	                ",mod_dl_dst:" MAC_FMT ",dec_ttl,output:2\n",
	                MAC_ARGS(b), MAC_ARGS(nh));
	fprintf(f,
	                "table=0,priority=100,in_port=2,dl_dst=" MAC_FMT ",ip,nw_dst=" GW_IP
	                ",actions=ct(table=2,zone=1,nat)\n",
	                MAC_ARGS(b));
	for (unsigned int k = 0; k < BENCH_FIP_HOSTS; k++)
		fprintf(f,
		                "table=2,priority=100,ct_state=+est+trk,ip,nw_dst=10.0.0.%u,actions=mod_dl_src:" MAC_FMT
		                ",mod_dl_dst:" HOST_MAC_FMT ",dec_ttl,output:1\n",
		                2 + k, MAC_ARGS(a), k);
	fprintf(f, "table=0,priority=0,actions=drop\n");
	fprintf(f, "table=1,priority=0,actions=drop\n");
	fprintf(f, "table=2,priority=0,actions=drop\n");
}

void bench_ovs_write_fip(FILE *f)
{
	uint8_t a[6], b[6], nh[6];

	bench_route_macs(a, b, nh);
	for (unsigned int k = 0; k < BENCH_FIP_HOSTS; k++)
		fprintf(f,
		                "table=0,priority=100,in_port=1,dl_dst=" MAC_FMT
		                ",ip,nw_src=10.0.0.%u,actions=mod_nw_src:10.1.0.%u,mod_dl_src:" MAC_FMT
		                ",mod_dl_dst:" MAC_FMT ",dec_ttl,output:2\n",
		                MAC_ARGS(a), 2 + k, 100 + k, MAC_ARGS(b), MAC_ARGS(nh));
	fprintf(f, "table=0,priority=0,actions=drop\n");
}
