#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# North-south traffic of a distributed router across three nodes
# (nodes_lib.sh), as Neutron's DVR with its centralized SNAT ports: the
# router's gateway lives on node1 (--gateway-node), whose uplink of physnet
# extnet leads to an "outside" host (203.0.113.1); vm1 on node1 and vm2 on
# node2 share one VXLAN subnet behind the router; node3 has no VM.
#  - the router gets a csnat port on the subnet, bound to node1, listed by
#    `openstack port list` and refused to a direct delete (409 PortInUse);
#  - node2's router has a default route via the csnat address, and the
#    csnat port as a permanent neighbour (behind node1's tunnel);
#  - vm2 pings the outside, and its connections arrive from the router's
#    gateway address (SNAT on node1), as vm1's do, also after node1's
#    agent restarts (which finds everything in place);
#  - a floating IP on vm2: the outside pings it and connects through it
#    (DNAT on node1, then over the tunnel to node2), and vm2's connections
#    arrive from it (routed by node2 to node1, translated 1:1 there);
#  - the gateway removed: the csnat port goes, node2's default route goes,
#    and vm2 no longer reaches the outside.
TOPO_PREFIX="mg$$"
. "$(dirname "$0")/nodes_lib.sh"

nodes_topology 3
NODE=node1 # start_controller binds every gateway to $NODE
start_controller --agent-down-time 5
outside_host 02:00:00:74:00:01
topo_move out node1
start_node 1 "${OUTSIDE_UPLINK[@]}"
for n in 2 3; do start_node "$n"; done
ext_network

os network create mgnet >/dev/null || die "network create"
os subnet create --network mgnet --subnet-range 10.74.1.0/24 mgsub >/dev/null || die "subnet"
# The VMs' default group: the outside may ping them and reach tcp/8080.
os security group rule create --protocol icmp default >/dev/null || die "rule icmp"
os security group rule create --protocol tcp --dst-port 8080 default >/dev/null || die "rule tcp"
router_to_outside mgrt mgsub
rt=$RT gw_ip=$GW_IP

csnat_ports() { os port list --router mgrt --device-owner network:router_centralized_snat -f value -c ID; }
csnat=$(csnat_ports) || die "port list csnat"
check "the router has one csnat port on its subnet" test "$(echo "$csnat" | grep -c .)" = 1
check "bound to the gateway node" test "$(port_field "$csnat" binding:host_id)" = node1
csnat_ip=$(first_ip "$csnat")
csnat_mac=$(port_field "$csnat" mac_address)
check "with an address of its own on the subnet" test "$csnat_ip" != 10.74.1.1
check_fails "a direct delete of the csnat port is refused" os port delete "$csnat"
delete_refused() {
	local code
	code=$(curl -s -o "$A_DIR/delete.json" -w '%{http_code}' -X DELETE \
		-H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/ports/$1")
	cat "$A_DIR/delete.json"
	[ "$code" = 409 ] && grep '"type": *"PortInUse"' "$A_DIR/delete.json" >/dev/null
}
check "as a 409 PortInUse through the REST API" delete_refused "$csnat"
check "and it is still there" test "$(csnat_ports)" = "$csnat"

node_vms mgnet mgnet
for n in 1 2; do
	ip netns exec "$(topo_ns "vm$n")" ip route add default via 10.74.1.1 || die "route vm$n"
done

dp_default() { vgn "$1" dp route list "$rt" | grep -E "^$rt +0.0.0.0/0 +$2 "; }
check "node1's router leaves through the external gateway" eventually dp_default 1 203.0.113.1
check "node2's router has a default route via the csnat port" eventually dp_default 2 "$csnat_ip"
csnat_neigh() {
	vgn 2 dp neigh list | grep -F -- "$csnat_ip " | grep -i -- "$csnat_mac" | grep permanent
}
check "and the csnat port as a permanent neighbour" eventually csnat_neigh

whois_server
check "vm2 on node2 pings the outside" within 20 ns_ping vm2 203.0.113.1
check "vm2's connections arrive from the router's gateway address (SNAT on node1)" \
	within 10 leaves_from vm2 "$gw_ip"
check "vm1's, on the gateway node, too" within 10 leaves_from vm1 "$gw_ip"

# The gateway node's agent restarted: it finds the csnat MAC in place.
kill -9 "${AGENT_PID[1]}"
wait "${AGENT_PID[1]}" 2>/dev/null
mark=$(wc -l <"$A_DIR/agent1.log")
node_agent 1 "${OUTSIDE_UPLINK[@]}"
since_restart() { tail -n +"$((mark + 1))" "$A_DIR/agent1.log"; }
# (It sets the gateway again, GW_SET, counted as added: the engine lists no gateways.)
restarted() { since_restart | grep 'reconciled with the dataplane' | grep ' 0 removed, 0 failed'; }
check "node1's restarted agent reconciled, removing nothing" within 30 restarted
csnat_changed() { since_restart | grep 'takes frames'; }
check_fails "and found the csnat MAC in place (no change said)" csnat_changed
check "vm2's connections still arrive from the gateway address" within 10 leaves_from vm2 "$gw_ip"

fip=$(os floating ip create ext -f value -c id) || die "floating ip create"
fip_ip=$(os floating ip show "$fip" -f value -c floating_ip_address) || die "floating ip show"
os floating ip set --port "${PORT[2]}" "$fip" || die "floating ip set --port"
ip netns exec "$(topo_ns vm2)" "$PY" "$PROBE" serve 8080 &
TOPO_PIDS+=($!)
in_engine() { vgn 1 dp fip list | grep -E "^$rt +$fip_ip +${IP[2]} "; }
check "node1's engine translates the floating IP to vm2's address" eventually in_engine
check "the outside pings vm2's floating IP" within 20 ns_ping out "$fip_ip"
check "the outside connects to vm2 through it" within 10 tcp out "$fip_ip" 8080
check "vm2's connections arrive from its floating IP" within 10 leaves_from vm2 "$fip_ip"
check "vm1's still from the gateway address" within 10 leaves_from vm1 "$gw_ip"

os floating ip delete "$fip" || die "floating ip delete"
os router unset --external-gateway mgrt || die "router unset --external-gateway"
check "without the gateway the csnat port is gone" test -z "$(csnat_ports)"
no_default() { ! dp_default 2 "$csnat_ip"; }
check "and node2's default route with it" eventually no_default
no_neigh() { ! csnat_neigh; }
check "and its permanent neighbour" eventually no_neigh
check_fails "vm2 no longer reaches the outside" ns_ping vm2 203.0.113.1
check "vm1 and vm2 still reach each other" ns_ping vm2 "${IP[1]}"
for n in 1 2 3; do
	check_fails "node$n's agent never failed a request" \
		grep -E "ERROR|[1-9][0-9]* failed" "$A_DIR/agent$n.log"
done
