#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Three nodes on one machine, one controller: each node a dataplane and an
# agent in its own namespace, their underlay ports on one bridge, their
# agents reaching the controller over a management bridge. A VXLAN
# network made with the openstack CLI, a port bound to each node
# (--host nodeN) and a namespace "VM" behind each:
#  - the agents set their VTEPs and program each other's VTEPs as peers
#    and each other's ports' MACs as static entries (l2population);
#  - every pair pings;
#  - node 3's agent and dataplane are killed: its port goes DOWN within
#    the down time (3 s here) and a sweep, nodes 1 and 2 drop it as a peer
#    and keep talking without losing a ping;
#  - node 3 comes back: its port goes ACTIVE, it pings both again, and
#    nodes 1 and 2 changed nothing but node 3's peer and MAC.
TOPO_PREFIX="mn$$"
. "$(dirname "$0")/nodes_lib.sh"

nodes_topology 3
start_controller --agent-down-time 3
for n in 1 2 3; do start_node "$n"; done

os network create mnnet -f value -c id >"$A_DIR/net" || die "network create"
net=$(cat "$A_DIR/net")
os subnet create --network mnnet --subnet-range 10.66.0.0/24 mnsub >/dev/null || die "subnet create"
check "the network is VXLAN (the default type)" \
	test "$(os network show -f value -c provider:network_type mnnet)" = vxlan
node_vms mnnet mnnet mnnet

# peer_of N IP: node N's dataplane tunnels the network to IP.
peer_of() { vgn "$1" dp vtep peer list | grep -F -- "$net" | grep -qw -- "$2"; }
# mac_behind N M: node N has port pM's MAC as a static entry behind node M's VTEP.
mac_behind() { vgn "$1" dp mac list "$net" | grep -i "${MAC[$2]}" | grep "vtep:172.31.0.$2" | grep -q static; }
peers_of_1() { peer_of 1 172.31.0.2 && peer_of 1 172.31.0.3; }
check "node1's VTEP peers are node2 and node3" eventually peers_of_1
macs_on_1() { mac_behind 1 2 && mac_behind 1 3; }
check "node1 has p2's and p3's MACs behind their VTEPs (l2pop, not learned)" eventually macs_on_1
check "node3 has p1's MAC behind node1's VTEP" eventually mac_behind 3 1

vm_ping() { ip netns exec "$(topo_ns "vm$1")" ping -c 2 -i 0.2 -W 1 "${IP[$2]}"; }
for pair in "1 2" "1 3" "2 3" "3 1"; do
	set -- $pair
	check "vm$1 on node$1 pings vm$2 on node$2" within 10 vm_ping "$1" "$2"
done

# Node 3 dies. A ping between 1 and 2 runs all along.
ip netns exec "$(topo_ns vm1)" ping -i 0.2 -W 1 "${IP[2]}" >"$A_DIR/steady.txt" 2>&1 &
STEADY=$!
sleep 1
added1=$(grep -c "added port" "$A_DIR/agent1.log")
kill -9 "${AGENT_PID[3]}" "${DP_PID[3]}"
killed=$(date +%s)
check "p3 goes DOWN once node3 is declared dead" wait_status "${PORT[3]}" DOWN 15
took=$(($(date +%s) - killed))
check "within the down time and a sweep (3 + 1 s) and a heartbeat ($took s)" test "$took" -le 6
node3_dead() { os network agent list --host node3 -f value -c Alive | grep -qx False; }
check "node3 shows dead in network agent list" node3_dead
no_peer() { ! peer_of "$1" 172.31.0.3; }
check "node1 no longer tunnels to node3" eventually no_peer 1
check "nor does node2" eventually no_peer 2
no_mac_3() { ! vgn 1 dp mac list "$net" | grep -qi "${MAC[3]}"; }
check "node1 dropped p3's MAC" eventually no_mac_3
check "vm1 and vm2 still ping each other" vm_ping 1 2
both_active() { [ "$(port_field "${PORT[1]}" status)" = ACTIVE ] && [ "$(port_field "${PORT[2]}" status)" = ACTIVE ]; }
check "p1 and p2 are still ACTIVE" both_active

# Node 3 comes back: a new dataplane, a new agent, the veths as they were.
start_node 3
check "p3 is ACTIVE again" wait_status "${PORT[3]}" ACTIVE 30
check "node1 tunnels to node3 again" eventually peer_of 1 172.31.0.3
for pair in "3 1" "2 3"; do
	set -- $pair
	check "vm$1 pings vm$2 again" within 10 vm_ping "$1" "$2"
done
kill -INT "$STEADY"
wait "$STEADY" 2>/dev/null
check "vm1 -> vm2 lost no ping while node3 died and came back" steady_ok "$A_DIR/steady.txt" 20
check "node1's agent re-created none of its ports" test "$(grep -c "added port" "$A_DIR/agent1.log")" = "$added1"
check_fails "node1's agent removed nothing but node3's peer" grep -E "removed (port|network)" "$A_DIR/agent1.log"
