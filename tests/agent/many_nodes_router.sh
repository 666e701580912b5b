#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A distributed router across three nodes (nodes_lib.sh: a namespace each,
# their underlay ports on one bridge, VXLAN between them): networks A and B
# joined by one router, vm1 on node1 and vm3 on node3 in A, vm2 on node2 in
# B. Each node routes its own ports' traffic:
#  - every node instantiates the router with both interfaces, though none
#    has ports on both networks, and has permanent neighbours for the
#    remote ports (so no router ARPs across a tunnel);
#  - vm1 and vm2 ping each other both ways, and a capture on the bridge
#    side of each node's underlay veth shows their ICMP going straight
#    between node1 and node2 over VXLAN, each frame routed where it started
#    (its inner source is the router's MAC on the destination network), and
#    none of it at node3;
#  - node3 killed, vm1 and vm2 lose no ping and still reach each other.
TOPO_PREFIX="mr$$"
. "$(dirname "$0")/nodes_lib.sh"

nodes_topology 3
start_controller --agent-down-time 3
for n in 1 2 3; do start_node "$n"; done

for x in a b; do
	os network create "mrnet$x" >/dev/null || die "network create $x"
done
os subnet create --network mrneta --subnet-range 10.68.1.0/24 mrsuba >/dev/null || die "subnet a"
os subnet create --network mrnetb --subnet-range 10.68.2.0/24 mrsubb >/dev/null || die "subnet b"
rt=$(os router create mrrt -f value -c id) || die "router create"
os router add subnet mrrt mrsuba || die "router add subnet a"
os router add subnet mrrt mrsubb || die "router add subnet b"
rif_a=$(os port list --router mrrt --network mrneta -f value -c "MAC Address") || die "rif a"
rif_b=$(os port list --router mrrt --network mrnetb -f value -c "MAC Address") || die "rif b"

node_vms mrneta mrnetb mrneta
declare -A GW=([1]=10.68.1.1 [2]=10.68.2.1 [3]=10.68.1.1)
for n in 1 2 3; do
	ip netns exec "$(topo_ns "vm$n")" ip route add default via "${GW[$n]}" || die "route vm$n"
done

# dp_router N: node N's dataplane has the router with both interfaces.
dp_router() {
	vgn "$1" --json dp router list | "$PY" -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["name"] == sys.argv[1]]
sys.exit(0 if r and r[0]["n_interfaces"] == 2 else 1)' "$rt"
}
for n in 1 2 3; do
	check "node$n instantiates the router with both interfaces" eventually dp_router "$n"
done
# permanent N M: node N has port pM's address and MAC as a permanent neighbour.
permanent() {
	vgn "$1" dp neigh list | grep -F -- "${IP[$2]} " | grep -i -- "${MAC[$2]}" | grep permanent >/dev/null
}
check "node1's router has remote p2 as a permanent neighbour" eventually permanent 1 2
remote_on_2() { permanent 2 1 && permanent 2 3; }
check "node2's router has remote p1 and p3 as permanent neighbours" eventually remote_on_2

# Capture VXLAN on the bridge side of each node's underlay veth.
declare -A CAP
for n in 1 2 3; do
	tcpdump -i "$(topo_if "ub$n")" -U -s 256 -w "$A_DIR/ub$n.pcap" udp port 4789 \
		>/dev/null 2>"$A_DIR/tcpdump$n.err" &
	CAP[$n]=$!
	TOPO_PIDS+=($!)
done
listening() { grep listening "$A_DIR/tcpdump$1.err" >/dev/null; }
for n in 1 2 3; do eventually listening "$n" || die "tcpdump on ub$n did not start"; done

vm_ping() { ip netns exec "$(topo_ns "vm$1")" ping -c 3 -i 0.2 -W 1 "${IP[$2]}"; }
check "vm1 on node1 (A) pings vm2 on node2 (B) through the router" within 10 vm_ping 1 2
check "vm2 on node2 (B) pings vm1 on node1 (A)" within 10 vm_ping 2 1
sleep 0.5
for n in 1 2 3; do kill -INT "${CAP[$n]}" 2>/dev/null; wait "${CAP[$n]}" 2>/dev/null; done

# routed_icmp PCAP: "OUTER_SRC OUTER_DST INNER_SRC_MAC" per VXLAN frame of ICMP
# between vm1 and vm2.
routed_icmp() {
	"$PY" - "$1" "${IP[1]}" "${IP[2]}" <<-'EOF'
	import sys
	from scapy.all import rdpcap, IP, ICMP, Ether
	from scapy.layers.vxlan import VXLAN
	ends = {sys.argv[2], sys.argv[3]}
	for p in rdpcap(sys.argv[1]):
	    if VXLAN not in p:
	        continue
	    inner = p[VXLAN].payload
	    if ICMP in inner and {inner[IP].src, inner[IP].dst} == ends:
	        print(p[IP].src, p[IP].dst, inner[Ether].src)
	EOF
}
# straight N: at node N's veth, every such frame went between node1 and node2,
# node1's with the router's MAC on B as source and node2's with its MAC on A:
# routed on the node where it started; some of each way (ping -c 3 passes
# with one echo back: the count is not the point).
straight() {
	routed_icmp "$A_DIR/ub$1.pcap" >"$A_DIR/icmp$1" || return 1
	cat "$A_DIR/icmp$1" | sort | uniq -c
	"$PY" - "$A_DIR/icmp$1" "$rif_a" "$rif_b" <<-'EOF'
	import sys
	rows = [l.split() for l in open(sys.argv[1])]
	want = {("172.31.0.1", "172.31.0.2"): sys.argv[3].lower(),
	        ("172.31.0.2", "172.31.0.1"): sys.argv[2].lower()}
	ok = len(rows) >= 4 and all(want.get((s, d)) == m.lower() for s, d, m in rows)
	ok = ok and {(s, d) for s, d, _ in rows} == set(want)
	sys.exit(0 if ok else 1)
	EOF
}
check "at node1's veth the routed ICMP goes node1 <-> node2 directly, routed at its source" straight 1
check "at node2's veth too" straight 2
none_at_3() {
	routed_icmp "$A_DIR/ub3.pcap" >"$A_DIR/icmp3" || return 1
	cat "$A_DIR/icmp3"
	[ ! -s "$A_DIR/icmp3" ]
}
check "node3 saw none of it" none_at_3
check "vm3 on node3 (A) pings vm2 on node2 (B), routed on node3" within 10 vm_ping 3 2

# Node 3 dies: node1 and node2 route between themselves as before.
ip netns exec "$(topo_ns vm1)" ping -i 0.2 -W 1 "${IP[2]}" >"$A_DIR/steady.txt" 2>&1 &
STEADY=$!
sleep 1
kill -9 "${AGENT_PID[3]}" "${DP_PID[3]}"
check "p3 goes DOWN once node3 is declared dead" wait_status "${PORT[3]}" DOWN 15
gone_3() { ! vgn 2 dp neigh list | grep -F -- "${IP[3]} " | grep permanent >/dev/null; }
check "node2 drops remote p3's permanent neighbour" eventually gone_3
sleep 1
kill -INT "$STEADY"
wait "$STEADY" 2>/dev/null
check "vm1 -> vm2 lost no ping while node3 died" steady_ok "$A_DIR/steady.txt" 10
check "vm2 still pings vm1" vm_ping 2 1
both_route() { dp_router 1 && dp_router 2; }
check "node1 and node2 still route with both interfaces" both_route
