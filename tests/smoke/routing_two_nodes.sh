#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A router between two subnets across two nodes: h1 (subnet A, node1) reaches
# h2 (subnet B, node2) through router r1 on node1, over VXLAN; a TTL-limited
# probe gets "time exceeded" from the gateway; no route gets "unreachable".
. "$(dirname "$0")/lib.sh"

SOCK2="$SMOKE_DIR/dp2.sock"
vg2() { "$BUILD/tools/virga/virga" --socket "$SOCK2" "$@"; }

topo_host h1 02:00:00:00:0a:01 10.10.1.10/24
topo_host h2 02:00:00:00:0b:02 10.10.2.20/24
ip netns exec "$(topo_ns h1)" ip route add default via 10.10.1.1
ip netns exec "$(topo_ns h2)" ip route add default via 10.10.2.1
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

# Both nodes: VTEP 172.31.1.N, network B (VNI 200) shared; node1 also has A (VNI 100).
for n in 1 2; do
	cli=vg; [ "$n" = 2 ] && cli=vg2
	other=$((3 - n))
	$cli dp port add under "net_af_packet0,iface=$(topo_if "u$n")" >/dev/null
	$cli dp vtep set under --ip "172.31.1.$n/24" --learning
	$cli dp network add B --type vxlan --vni 200 >/dev/null
	$cli dp vtep peer add B "172.31.1.$other"
	$cli dp port add vm "net_af_packet1,iface=$(topo_if "h$n")" >/dev/null
done
vg dp network add A --type vxlan --vni 100 >/dev/null
vg dp port attach vm --network A
vg dp port security vm on --mac 02:00:00:00:0a:01 --ip 10.10.1.10
vg2 dp port attach vm --network B
vg2 dp port security vm on --mac 02:00:00:00:0b:02 --ip 10.10.2.20
vg dp router add r1 >/dev/null
vg dp router interface add r1 A 10.10.1.1/24
vg dp router interface add r1 B 10.10.2.1/24
# The interfaces announce their addresses (gratuitous ARP) to node1's own
# ports only: a router interface may be distributed, the same MAC on every
# node (l2/dp_l2.h), so B's does not cross the overlay, and node1 resolves
# nothing before the cold start below.

# Nothing is resolved yet: the first routed frame waits for h2 behind the router,
# whose ARP request waits in turn for node2's VTEP on the underlay; each is sent
# as soon as its answer comes, so the very first probe gets through.
no_neigh() { local l; l=$(vg dp neigh list) && echo "$l" && ! grep -qE "reachable|incomplete" <<<"$l"; }
check "node1 knows no neighbour before the first probe" no_neigh
cold_overlay_ping() { ip netns exec "$(topo_ns h1)" ping -c 1 -W 3 10.10.2.20; }
check "the first probe over the cold overlay reaches h2 through r1" cold_overlay_ping

h1_ping() { ip netns exec "$(topo_ns h1)" ping -c 3 -i 0.3 -W 2 "$@"; }
check "h1 pings its gateway" h1_ping 10.10.1.1
check "h1 pings the router's far interface" h1_ping 10.10.2.1
check "h1 (node1, subnet A) reaches h2 (node2, subnet B) through r1" h1_ping 10.10.2.20
check "h2 reaches h1 back" ip netns exec "$(topo_ns h2)" ping -c 2 -i 0.3 -W 2 10.10.1.10

# (ping itself fails when no echo reply comes: only its output matters here.)
ttl_probe() { { h1_ping -c 1 -t 1 10.10.2.20 || true; } | grep "From 10.10.1.1 .*Time to live exceeded"; }
check "a TTL-1 probe gets time exceeded from the gateway" ttl_probe
unreachable() { { h1_ping -c 1 192.0.2.1 || true; } | grep "From 10.10.1.1 .*Destination Net Unreachable"; }
check "a destination with no route gets net unreachable" unreachable
before=$(drops ttl_exceeded)
h1_ping -c 2 -t 1 10.10.2.20 >/dev/null
check "expired packets are counted as ttl_exceeded" grew "$before" ttl_exceeded 2
router_neigh() { vg dp neigh list | grep -E "^B +10.10.2.20 .*reachable"; }
check "the router resolved h2 by ARP" router_neigh

# The trace says why: the lookup, the next hop, and the tunnel it took.
traced() {
	vg dp trace on && h1_ping -c 1 10.10.2.20 && vg dp trace off || return 1
	vg dp trace show >"$SMOKE_DIR/trace"
	grep "ip4_route: 10.10.2.20 -> via 10.10.2.20 network B, neigh resolved" "$SMOKE_DIR/trace" &&
		grep "vxlan_output: network B -> VTEP 172.31.1.2 vni 200" "$SMOKE_DIR/trace"
}
check "the packet trace explains the routing and the encapsulation" traced

# The router's gateway (what SNAT will translate through): an interface it has.
check_fails "gw set on a network without an interface of r1 fails" vg dp router gw set r1 nosuch
check_fails "gw set with a backwards port range is a usage error" vg dp router gw set r1 B --ports 5-1
check "gw set r1 B with a port range" vg dp router gw set r1 B --ports 2000-2001
check_fails "a second gw set without --exist-ok fails" vg dp router gw set r1 B
check "... and with --exist-ok changes it" vg dp router gw set r1 B --no-snat --exist-ok
check_fails "a gateway on another interface needs the first cleared" vg dp router gw set r1 A --exist-ok
check "gw clear r1" vg dp router gw clear r1
check_fails "gw clear of no gateway fails" vg dp router gw clear r1
check "... and succeeds with --missing-ok" vg dp router gw clear r1 --missing-ok
check "h1 still reaches h2 through r1" h1_ping 10.10.2.20
