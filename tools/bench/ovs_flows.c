/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenFlow rules OVS gets for a scenario: the work Neutron's OVS agent
 * would have it do for the same topology, so the comparison is with what an
 * OpenStack cloud runs. l2-vlan (ports: 1 = up, 2 = vm):
 *
 *   up: trunk of VLAN 100 (trunks=100); vm: access port (tag=100)
 *   table 0   in_port=up, dl_vlan=100          -> NORMAL (learn, look up, pop)
 *             in_port=vm                       -> table 71
 *             anything else                    -> drop
 *   table 71  port security, as the agent's ARP-spoofing / firewall table 71
 *             does it: from vm, only its MAC with its IP (IPv4) or ARP for
 *             its IP -> NORMAL (learn, push the tag); else drop
 *
 * What this leaves out of the agent's pipeline: the br-int/br-phys pair and
 * its patch ports (one bridge here, so one datapath pass less than the
 * agent's VLAN translation would take), and the stateful firewall (that is
 * sg-established). Virga's l2-vlan does the same MAC/IP check, learning and
 * tag push/pop.
 *
 * route-1, route-100k: see write_route; sg-established: see write_sg; snat
 * and fip: ovs_nat_flows.c; vxlan-encap, vxlan-decap: ovs_vxlan.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) m[0], m[1], m[2], m[3], m[4], m[5]

bool bench_ovs_supports(const struct bench_scenario *s)
{
	/* route-1m: a million flows take OVS minutes to install; not attempted. */
	return strcmp(s->name, "l2-vlan") == 0 || strcmp(s->name, "route-1") == 0 ||
	       strcmp(s->name, "route-100k") == 0 || strcmp(s->name, "sg-established") == 0 ||
	       s->topo == BENCH_TOPO_SNAT || s->topo == BENCH_TOPO_FIP ||
	       s->topo == BENCH_TOPO_VXLAN;
}

void bench_ovs_port_options(const struct bench_scenario *s, int port, char *buf, size_t len)
{
	if (s->topo == BENCH_TOPO_L2_VLAN || s->topo == BENCH_TOPO_SG)
		snprintf(buf, len, port == 0 ? "trunks=%d" : "tag=%d", BENCH_VLAN_ID);
	else
		buf[0] = '\0';
}

void bench_ovs_write_port_security(FILE *f, const char *allowed)
{
	const uint8_t *mac = bench_vm_mac, *ip = bench_vm_ip;

	fprintf(f,
	                "table=71,priority=95,in_port=2,dl_src=" MAC_FMT
	                ",ip,nw_src=%u.%u.%u.%u,actions=%s\n",
	                MAC_ARGS(mac), ip[0], ip[1], ip[2], ip[3], allowed);
	fprintf(f,
	                "table=71,priority=95,in_port=2,dl_src=" MAC_FMT
	                ",arp,arp_spa=%u.%u.%u.%u,arp_sha=" MAC_FMT ",actions=%s\n",
	                MAC_ARGS(mac), ip[0], ip[1], ip[2], ip[3], MAC_ARGS(mac), allowed);
	fprintf(f, "table=71,priority=10,in_port=2,actions=drop\n");
}

static void write_l2_vlan(FILE *f)
{
	fprintf(f, "table=0,priority=100,in_port=1,dl_vlan=%d,actions=NORMAL\n", BENCH_VLAN_ID);
	fprintf(f, "table=0,priority=100,in_port=2,actions=resubmit(,71)\n");
	fprintf(f, "table=0,priority=0,actions=drop\n");
	bench_ovs_write_port_security(f, "NORMAL");
}

/*
 * A router as OpenFlow, one flow per prefix, its priority the prefix length
 * (longest match wins): frames to the router's MAC on a, for the prefix,
 * get the MACs of the hop (router's b interface -> next hop), their TTL
 * decremented (dec_ttl; OVS fixes the checksum) and leave on b. Virga also
 * answers ARP, checks the IP header and sends ICMP errors; none is
 * exercised by these frames.
 */
static void write_route(FILE *f, const struct bench_routes *r)
{
	uint8_t a[6], b[6], nh[6];

	bench_route_macs(a, b, nh);
	for (unsigned int i = 0; i < bench_routes_count(r); i++) {
		uint32_t p;
		uint8_t len;

		bench_routes_get(r, i, &p, &len);
		fprintf(f,
		                "table=0,priority=%u,in_port=1,dl_dst=" MAC_FMT
		                ",ip,nw_dst=%u.%u.%u.%u/%u,actions=mod_dl_src:" MAC_FMT
		                ",mod_dl_dst:" MAC_FMT ",dec_ttl,output:2\n",
		                100 + len, MAC_ARGS(a), p >> 24, (p >> 16) & 0xff, (p >> 8) & 0xff,
		                p & 0xff, len, MAC_ARGS(b), MAC_ARGS(nh));
	}
	fprintf(f, "table=0,priority=0,actions=drop\n");
}

/* One flow per value/mask block of [lo, hi], as Neutron's OVS firewall splits a range. */
static void write_port_blocks(FILE *f, const char *prefix, uint16_t lo, uint16_t hi)
{
	uint32_t v = lo;

	while (v <= hi) {
		uint32_t size = 1;

		while ((v & (size * 2 - 1)) == 0 && v + size * 2 - 1 <= hi && size < 0x8000)
			size *= 2;
		fprintf(f, "%s,tp_dst=0x%x/0x%x,actions=ct(commit,zone=1),output:2\n", prefix, v,
		                0xffff & ~(size - 1));
		v += size;
	}
}

/*
 * sg-established as the Neutron OVS firewall driver does ingress to a port:
 * the frame (VLAN 100, to the VM) has its tag removed and goes through
 * conntrack in the port's zone (ct(table=82,zone=1)); table 82 sends an
 * established connection's packet straight to the port, and a new one
 * through the group's ingress rules (one flow per rule and port block,
 * committing the connection), else drops. The 500 egress rules are not
 * installed: nothing is measured from the VM (its one frame goes through
 * l2-vlan's table 71), as nothing from it is measured in Virga either.
 */
static void write_sg(FILE *f)
{
	const uint8_t *mac = bench_vm_mac;

	fprintf(f,
	                "table=0,priority=110,in_port=1,dl_vlan=%d,dl_dst=" MAC_FMT
	                ",ip,actions=strip_vlan,ct(table=82,zone=1)\n",
	                BENCH_VLAN_ID, MAC_ARGS(mac));
	fprintf(f, "table=82,priority=70,ct_state=+est-rel-rpl,ct_zone=1,ip,actions=output:2\n");
	for (unsigned int id = 0; id < BENCH_SG_RULES; id++) {
		struct dp_sg_rule_spec r;
		char prefix[160];

		bench_sg_rule(id, &r);
		if (r.direction != DP_SG_DIR_INGRESS)
			continue;
		snprintf(prefix, sizeof(prefix),
		                "table=82,priority=70,ct_state=+new-est,ct_zone=1,%s,nw_src=%u.%u.%"
		                "u.%u/%u",
		                r.proto == 6 ? "tcp" : "udp", r.remote[0], r.remote[1], r.remote[2],
		                r.remote[3], r.prefixlen);
		write_port_blocks(f, prefix, r.port_min, r.port_max);
	}
	fprintf(f, "table=82,priority=0,actions=drop\n");
}

int bench_ovs_write_flows(const char *path, const struct bench_scenario *s, unsigned int stations)
{
	FILE *f;

	if (!bench_ovs_supports(s))
		return -EOPNOTSUPP;
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	if (s->topo == BENCH_TOPO_ROUTE) {
		write_route(f, s->routes);
	} else if (s->topo == BENCH_TOPO_SNAT) {
		bench_ovs_write_snat(f);
	} else if (s->topo == BENCH_TOPO_FIP) {
		bench_ovs_write_fip(f);
	} else if (s->topo == BENCH_TOPO_VXLAN) {
		bench_ovs_write_vxlan(f, stations);
	} else {
		if (s->topo == BENCH_TOPO_SG)
			write_sg(f);
		write_l2_vlan(f);
	}
	return fclose(f) == 0 ? 0 : -EIO;
}
