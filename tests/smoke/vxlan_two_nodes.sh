#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two dataplanes ("node1", "node2") joined by an underlay cable, each with a
# namespace on one VXLAN network: they ping each other through the overlay,
# the underlay carries UDP 4789, and the VTEPs resolved each other by ARP.
. "$(dirname "$0")/lib.sh"

SOCK2="$SMOKE_DIR/dp2.sock"
vg2() { "$BUILD/tools/virga/virga" --socket "$SOCK2" "$@"; }

topo_host h1 02:00:00:00:05:01 10.5.0.1/24
topo_host h2 02:00:00:00:05:02 10.5.0.2/24
quiet_ipv6 h1 h2
topo_wire u1 u2
# Each node in its own namespace with its underlay end and its VM's wire.
for n in 1 2; do
	topo_node "node$n"
	topo_move "u$n" "node$n"
	topo_move "h$n" "node$n"
done
TOPO_DP_NETNS=$(topo_ns node1) topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
TOPO_DP_NETNS=$(topo_ns node2) topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK2" || exit 1

# node N: VTEP 172.31.0.N/24 on its end of the cable, network "ov" (VNI 7000).
node() {
	local cli=$1 n=$2 other=$3
	$cli dp port add under "net_af_packet0,iface=$(topo_if "u$n")" >/dev/null
	$cli dp vtep set under --ip "172.31.0.$n/24" --learning
	$cli dp network add ov --type vxlan --vni 7000 >/dev/null
	$cli dp vtep peer add ov "172.31.0.$other"
	$cli dp port add vm "net_af_packet1,iface=$(topo_if "h$n")" >/dev/null
	$cli dp port attach vm --network ov
	$cli dp port security vm on --mac "02:00:00:00:05:0$n" --ip "10.5.0.$n"
}
node vg 1 2
node vg2 2 1

ip netns exec "$(topo_ns node1)" tcpdump -i "$(topo_if u1)" -n -c 4 udp port 4789 >"$SMOKE_DIR/underlay.txt" 2>/dev/null &
TCPDUMP=$!
sleep 0.5

# h1's ARP request waits for node1 to resolve node2's VTEP on the underlay, then
# goes: the first probe over the cold overlay gets through, and well before h1
# would ask again itself (Linux retransmits ARP after 1 s).
vtep_unknown() { local l; l=$(vg dp neigh list) && echo "$l" && ! grep -q "172.31.0.2" <<<"$l"; }
check "node1 knows nothing of node2's VTEP before the first probe" vtep_unknown
cold_ping() { ip netns exec "$(topo_ns h1)" ping -c 1 -W 0.5 10.5.0.2; }
check "the first probe from h1 over the cold overlay reaches h2" cold_ping
overlay_ping() { ip netns exec "$(topo_ns h1)" ping -c 3 -i 0.3 -W 2 10.5.0.2; }
check "h1 on node1 pings h2 on node2 over VXLAN" overlay_ping
check "ping within the 1450-byte overlay MTU works" ping_ok h1 -M do -s 1422 10.5.0.2
check_fails "a packet over the overlay MTU is refused" ping_ok h1 -M do -s 1423 10.5.0.2
sleep 0.5
kill "$TCPDUMP" 2>/dev/null
wait "$TCPDUMP" 2>/dev/null
# (af_packet sends with PACKET_QDISC_BYPASS, so tcpdump on u1 sees what node1
# receives, not what it sends.)
underlay_udp() { grep -q "172.31.0.2.[0-9]* > 172.31.0.1.4789: VXLAN, flags \[I\] (0x08), vni 7000" "$SMOKE_DIR/underlay.txt"; }
check "the underlay carried UDP 4789 between the VTEPs" underlay_udp
neigh_known() { vg dp neigh list | grep underlay | grep 172.31.0.2 | grep -q reachable; }
check "node1 resolved node2's VTEP by ARP" neigh_known
remote_mac() { vg dp mac list ov | grep 02:00:00:00:05:02 | grep -q 172.31.0.2; }
check "node1 learned h2's MAC behind node2's VTEP" remote_mac
