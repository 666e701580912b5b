/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vxlan-encap and vxlan-decap in OVS, as its userspace tunneling is set up
 * (Documentation/howto/userspace-tunneling.rst) and as Neutron's OVS agent
 * with l2population programs a VXLAN network, the node of scenario_vxlan.c:
 *
 *   br-int  vm (dpdk, ofport 2) and one vxlan port per peer, vxlan-K
 *           (ofport 10 + K, remote_ip the peer, local_ip 172.31.0.1,
 *           key=flow), as the agent makes one per remote VTEP
 *   br-phy  under (dpdk, ofport 1); the local VTEP address is on br-phy's
 *           own (LOCAL) port, its MAC the underlay device's, every peer a
 *           route (ovs/route/add) and a neighbour (tnl/neigh/set): no ARP
 *
 * br-int's flows (fail-mode secure, so only these forward):
 *   table 0   in_port=vm -> 71; in_port=vxlan-K -> 4; else drop
 *   table 71  l2-vlan's port security of the VM -> 20
 *   table 20  one flow per remote station (l2population's unicast flows):
 *             dl_dst -> set_field VNI->tun_id, output:vxlan-(peer)
 *   table 4   tun_id=VNI, dl_dst=VM -> output:vm
 * br-phy's: VXLAN to the local VTEP from under -> LOCAL (where OVS pops the
 * tunnel: tnl_pop, then br-int's flows on the inner frame), VXLAN from
 * LOCAL (where a pushed tunnel leaves from) -> under; else drop.
 *
 * What this leaves out of the agent's pipeline: the br-int/br-tun pair and
 * its patch ports with the local VLAN's push and pop (one bridge, so a
 * datapath pass less, as in l2-vlan), MAC learning of decapsulated frames
 * (table 10; Virga's entries are static too) and flooding (no unknown
 * destination is sent). Each direction is one datapath pass and a
 * recirculation after tnl_pop, as in any OVS userspace VTEP.
 *
 * The address has to be the kernel's: OVS finds a tunnel's local end among
 * the addresses of its netdevs, and a bridge's LOCAL port is a tap. So
 * ovs-vswitchd runs in a network namespace of its own (run_ovs.c) and the
 * address is put on br-phy there, touching no interface of the host.
 */
#include <limits.h>
#include <stdio.h>

#include "bench.h"

#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) m[0], m[1], m[2], m[3], m[4], m[5]
#define IP_FMT "%u.%u.%u.%u"
#define IP_ARGS(a) a[0], a[1], a[2], a[3]
#define TUN_OFPORT 10

void bench_ovs_write_vxlan(FILE *f, unsigned int stations)
{
	fprintf(f, "table=0,priority=100,in_port=2,actions=resubmit(,71)\n");
	for (unsigned int k = 0; k < BENCH_N_PEERS; k++)
		fprintf(f, "table=0,priority=100,in_port=%u,actions=resubmit(,4)\n",
		                TUN_OFPORT + k);
	fprintf(f, "table=0,priority=0,actions=drop\n");
	bench_ovs_write_port_security(f, "resubmit(,20)");
	for (unsigned int i = 0; i < stations; i++) {
		uint8_t mac[6];

		bench_remote_mac(i, mac);
		fprintf(f,
		                "table=20,priority=2,dl_dst=" MAC_FMT
		                ",actions=set_field:%u->tun_id,output:%u\n",
		                MAC_ARGS(mac), BENCH_VNI, TUN_OFPORT + i % BENCH_N_PEERS);
	}
	fprintf(f, "table=20,priority=0,actions=drop\n");
	fprintf(f, "table=4,priority=100,tun_id=%u,dl_dst=" MAC_FMT ",actions=output:2\n",
	                BENCH_VNI, MAC_ARGS(bench_vm_mac));
	fprintf(f, "table=4,priority=0,actions=drop\n");
}

/* The bridges, br-phy's address (before the tunnel ports, whose local_ip OVS looks
 * for among its netdevs' addresses) and br-phy's flows. */
static int add_bridges(const struct bench_opts *o, const struct bench_scenario *s,
                const char *vsctl, int pid, char *why, size_t why_len)
{
	const uint8_t *l = bench_vxlan_local_vtep, *m = s->underlay_mac;
	char hwaddr[64] = "";
	int rc;

	/* Decap's frames are to the underlay device's MAC (the probe's): br-phy answers to it. */
	if (m[0] | m[1] | m[2] | m[3] | m[4] | m[5])
		snprintf(hwaddr, sizeof(hwaddr), "other-config:hwaddr=" MAC_FMT, MAC_ARGS(m));
	if ((rc = bench_ovs_sh(o, NULL, 0,
	                     "%s add-br br-int -- set bridge br-int datapath_type=netdev "
	                     "fail-mode=secure -- add-br br-phy -- set bridge br-phy "
	                     "datapath_type=netdev fail-mode=secure %s",
	                     vsctl, hwaddr)) < 0) {
		snprintf(why, why_len, "add-br br-int, br-phy failed");
		return rc;
	}
	if ((rc = bench_ovs_sh(o, NULL, 0,
	                     "nsenter -t %d -n ip addr add " IP_FMT "/24 dev br-phy && "
	                     "nsenter -t %d -n ip link set br-phy up",
	                     pid, IP_ARGS(l), pid)) < 0) {
		snprintf(why, why_len, "cannot put the VTEP address on br-phy");
		return rc;
	}
	if ((rc = bench_ovs_sh(o, NULL, 0,
	                     "ovs-ofctl add-flow br-phy 'table=0,priority=100,in_port=1,udp,"
	                     "nw_dst=" IP_FMT ",tp_dst=4789,actions=LOCAL' && "
	                     "ovs-ofctl add-flow br-phy 'table=0,priority=100,in_port=LOCAL,udp,"
	                     "tp_dst=4789,actions=output:1' && "
	                     "ovs-ofctl add-flow br-phy 'table=0,priority=0,actions=drop'",
	                     IP_ARGS(l))) < 0) {
		snprintf(why, why_len, "br-phy's flows failed");
		return rc;
	}
	return 0;
}

int bench_ovs_setup_vxlan(const struct bench_opts *o, const struct bench_scenario *s,
                const char *sock, const char *ctl, int pid, const char *flows_path, char *why,
                size_t why_len)
{
	const uint8_t *l = bench_vxlan_local_vtep;
	char vsctl[PATH_MAX + 64];
	int rc;

	snprintf(vsctl, sizeof(vsctl), "ovs-vsctl --db=unix:%s --timeout=60", sock);
	if ((rc = add_bridges(o, s, vsctl, pid, why, why_len)) < 0)
		return rc;
	for (unsigned int k = 0; k < BENCH_N_PEERS; k++) {
		uint8_t ip[4], mac[6];

		bench_vxlan_peer_ip(k, ip);
		bench_vxlan_peer_mac(k, mac);
		if ((rc = bench_ovs_sh(o, NULL, 0,
		                     "ovs-appctl -t %s ovs/route/add " IP_FMT "/32 br-phy && "
		                     "ovs-appctl -t %s tnl/neigh/set br-phy " IP_FMT " " MAC_FMT
		                     " && %s add-port br-int vxlan-%u -- set Interface vxlan-%u "
		                     "type=vxlan options:remote_ip=" IP_FMT
		                     " options:local_ip=" IP_FMT
		                     " options:key=flow ofport_request=%u",
		                     ctl, IP_ARGS(ip), ctl, IP_ARGS(ip), MAC_ARGS(mac), vsctl, k, k,
		                     IP_ARGS(ip), IP_ARGS(l), TUN_OFPORT + k)) < 0) {
			snprintf(why, why_len, "peer %u: route, neighbour or tunnel port failed",
			                k);
			return rc;
		}
	}
	if ((rc = bench_ovs_add_flows(o, s, "br-int", flows_path, why, why_len)) < 0)
		return rc;
	/* The devices last, as br0's: no frame arrives before its flows and tunnels are in. */
	for (int i = 0; i < 2; i++)
		if ((rc = bench_ovs_add_dpdk(o, sock, i == 0 ? "br-phy" : "br-int", s, i, why,
		                     why_len)) < 0)
			return rc;
	if (o->verbose)
		bench_ovs_sh(o, NULL, 0,
		                "ovs-appctl -t %s ovs/route/show >&2; ovs-appctl -t %s "
		                "tnl/neigh/show >&2; ovs-appctl -t %s tnl/ports/show >&2",
		                ctl, ctl, ctl);
	return 0;
}
