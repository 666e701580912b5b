#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two dataplanes whose VTEPs sit on different underlay subnets, joined by a
# Linux router between them (a namespace forwarding 172.31.1.0/24 <->
# 172.31.2.0/24): each VTEP has the router as its gateway (`vtep set
# --gateway`), so it resolves the gateway's MAC, not the peer's, and the
# overlay pings across the routed underlay. Without the gateway the peer
# is off-link and unreachable, which the first check shows.
. "$(dirname "$0")/lib.sh"

SOCK2="$SMOKE_DIR/dp2.sock"
vg2() { "$BUILD/tools/virga/virga" --socket "$SOCK2" "$@"; }

topo_host h1 02:00:00:00:06:01 10.6.0.1/24
topo_host h2 02:00:00:00:06:02 10.6.0.2/24
quiet_ipv6 h1 h2
topo_wire u1 r1
topo_wire u2 r2
topo_node rt
for n in 1 2; do
	topo_node "node$n"
	topo_move "u$n" "node$n"
	topo_move "h$n" "node$n"
	topo_move "r$n" rt
	ip netns exec "$(topo_ns rt)" ip addr add "172.31.$n.254/24" dev "$(topo_if "r$n")"
done
ip netns exec "$(topo_ns rt)" sysctl -qw net.ipv4.ip_forward=1
TOPO_DP_NETNS=$(topo_ns node1) topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
TOPO_DP_NETNS=$(topo_ns node2) topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK2" || exit 1

# node CLI N OTHER [GATEWAY]: VTEP 172.31.N.1/24 (through GATEWAY), network
# "ov" (VNI 7100) with OTHER's VTEP as its peer, and a VM port.
node() {
	local cli=$1 n=$2 other=$3
	$cli dp port add under "net_af_packet0,iface=$(topo_if "u$n")" >/dev/null
	$cli dp vtep set under --ip "172.31.$n.1/24" ${4:+--gateway "$4"}
	$cli dp network add ov --type vxlan --vni 7100 >/dev/null
	$cli dp vtep peer add ov "172.31.$other.1"
	$cli dp port add vm "net_af_packet1,iface=$(topo_if "h$n")" >/dev/null
	$cli dp port attach vm --network ov
	$cli dp port security vm on --mac "02:00:00:00:06:0$n" --ip "10.6.0.$n"
	$cli dp mac add ov "02:00:00:00:06:0$other" --remote "172.31.$other.1"
}
node vg 1 2
node vg2 2 1

overlay_ping() { ip netns exec "$(topo_ns h1)" ping -c 2 -i 0.3 -W 1 10.6.0.2; }
check_fails "without a gateway the off-link peer is not reached" overlay_ping
vg dp vtep set under --ip 172.31.1.1/24 --gateway 172.31.1.254
vg2 dp vtep set under --ip 172.31.2.1/24 --gateway 172.31.2.254
check "h1 on node1 pings h2 on node2 over VXLAN through the routed underlay" overlay_ping
gw_known() { vg dp neigh list | grep underlay | grep 172.31.1.254 | grep reachable >/dev/null; }
check "node1 resolved its gateway by ARP" gw_known
no_peer_arp() { ! vg dp neigh list | grep underlay | grep 172.31.2.1 >/dev/null; }
check "node1 never ARPs for the off-link peer itself" no_peer_arp
routed() { ip netns exec "$(topo_ns rt)" ip -s link show "$(topo_if r1)" | awk '/RX:/{getline; exit !($2 > 0)}'; }
check "the router forwarded the tunnel's packets" routed
