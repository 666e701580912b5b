#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Neutron routers end to end: ports on two subnets of this node reach each
# other only once `openstack router` joins the subnets, through the router
# the agent instantiates in the dataplane (named by its UUID, one interface
# per subnet with the Neutron interface port's address and MAC, which it
# follows when the port changes). Extra routes follow `router set/unset
# --route`; a restarted agent keeps the router as it is; a disabled router
# leaves the node; removing a subnet takes its interface away, and the last
# one the router itself.
. "$(dirname "$0")/lib.sh"

start_controller
start_dataplane
start_agent

for n in 1 2; do
	os network create "rnet$n" >/dev/null || die "network create $n"
	os subnet create --network "rnet$n" --subnet-range "10.71.$n.0/24" "rsub$n" >/dev/null ||
		die "subnet create $n"
done
two_vms ra rnet1 10.71.1.1 rb rnet2 10.71.2.1
a=$VM_A b=$VM_B
first_ip() { port_field "$1" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])'; }
ip_a=$(first_ip "$a")
ip_b=$(first_ip "$b")

check_fails "without a router, a does not reach b on the other subnet" ns_ping a "$ip_b"

rt=$(os router create rt -f value -c id) || die "router create"
os router add subnet rt rsub1 || die "router add subnet rsub1"
os router add subnet rt rsub2 || die "router add subnet rsub2"

# dp_router NAME N: the dataplane has router NAME with N interfaces.
dp_router() {
	vg --json dp router list | "$PY" -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["name"] == sys.argv[1]]
print(r)
sys.exit(0 if r and r[0]["n_interfaces"] == int(sys.argv[2]) else 1)' "$1" "$2"
}
# dp_route ROUTER PREFIX NEXTHOP: one line of `virga dp route list`.
dp_route() { vg dp route list "$1" | grep -E "^$1 +$2 +$3 "; }
no_dp_router() { ! vg dp router list | grep -q " $1 "; }

check "the dataplane has the router, named by its UUID, with two interfaces" eventually dp_router "$rt" 2
connected() { dp_route "$rt" 10.71.1.0/24 connected && dp_route "$rt" 10.71.2.0/24 connected; }
check "its interfaces' subnets are connected routes" connected
check "a pings b through the router" ns_ping a "$ip_b"
check "b pings a through the router" ns_ping b "$ip_a"
check "a pings its gateway" ns_ping a 10.71.1.1
gw_mac=$(os port list --router rt --network rnet1 -f value -c "MAC Address") || die "router port list"
check "the gateway answers ARP with the Neutron interface port's MAC ($gw_mac)" \
	bash -c "ip netns exec ${TOPO_PREFIX}-a ip neigh show 10.71.1.1 | grep -qi 'lladdr $gw_mac'"

# The feed: each router with its interfaces, and sent again when one of its
# interface ports changes (which does not write the router itself).
feed() { curl -s -H "X-Auth-Token: $(cat "$SVC_TOKEN_FILE")" "$A_URL/internal/v1/nodes/$NODE/changes?since=$1&timeout=0"; }
feed_ifaces() {
	feed 0 | "$PY" -c '
import json, sys
r = [r for r in json.load(sys.stdin)["routers"] if r["id"] == sys.argv[1]][0]
print(sorted((i["ip_address"], i["prefixlen"], i["network_id"] != "", i["mac_address"] != "") for i in r["interfaces"]))' "$1"
}
check "the feed embeds the router's interfaces (address, prefix length, network, MAC)" \
	test "$(feed_ifaces "$rt")" = "[('10.71.1.1', 24, True, True), ('10.71.2.1', 24, True, True)]"

os router set --route destination=10.99.0.0/16,gateway=10.71.2.50 rt || die "router set --route"
check "an extra route shows in the dataplane's route list" eventually dp_route "$rt" 10.99.0.0/16 10.71.2.50

# A new MAC on an interface port: the port changes, its router does not.
rev=$(feed 0 | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["revision"])')
if_port=$(os port list --router rt --network rnet2 -f value -c ID) || die "router port list"
os port set --mac-address fa:16:3e:71:02:01 "$if_port" || die "port set --mac-address"
resent() {
	feed "$rev" | "$PY" -c '
import json, sys
sys.exit(0 if [r for r in json.load(sys.stdin)["routers"] if r["id"] == sys.argv[1]] else 1)' "$rt"
}
check "an interface port's update sends its router again in the feed" resent
new_mac() {
	ip netns exec "${TOPO_PREFIX}-b" ip neigh flush all &&
		ns_ping b "$ip_a" && ip netns exec "${TOPO_PREFIX}-b" ip neigh show 10.71.2.1 | grep -i "lladdr fa:16:3e:71:02:01"
}
check "the dataplane's interface takes the port's new MAC" eventually new_mac
check "and the route through it is put back" eventually dp_route "$rt" 10.99.0.0/16 10.71.2.50

# The agent restarts: it finds the router as it left it and changes nothing.
kill -9 "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
start_agent
reconciled() {
	for _ in $(seq 50); do
		[ "$(grep -c 'reconciled with the dataplane' "$AGENT_LOG")" -ge 2 ] && break
		sleep 0.1
	done
	grep 'reconciled with the dataplane' "$AGENT_LOG" | tail -1 |
		grep "3 ports/routers kept, 0 added, 0 updated, 0 removed, 0 failed"
}
check "a restarted agent keeps the router, its interfaces and route (nothing re-sent)" reconciled
check "the route is still there" dp_route "$rt" 10.99.0.0/16 10.71.2.50
check "a still pings b" ns_ping a "$ip_b"

os router set --disable rt || die "router set --disable"
check "a disabled router leaves the dataplane, interfaces first" eventually no_dp_router "$rt"
check_fails "and a no longer reaches b" ns_ping a "$ip_b"
os router set --enable rt || die "router set --enable"
check "enabled again, it comes back with both interfaces" eventually dp_router "$rt" 2
check "and its route" eventually dp_route "$rt" 10.99.0.0/16 10.71.2.50
check "a pings b again" ns_ping a "$ip_b"

os router unset --route destination=10.99.0.0/16,gateway=10.71.2.50 rt || die "router unset --route"
no_route() { ! dp_route "$rt" 10.99.0.0/16 10.71.2.50; }
check "an unset route leaves the dataplane" eventually no_route

# b was rnet2's only port here, but a's rnet1 is on the router: the node
# still routes into rnet2 (distributed, as Neutron's DVR), so the router
# keeps its interface there and b's permanent neighbour goes. A new port
# takes b's address with another MAC, as a new VM may: the router must not
# keep b's.
net2=$(port_field "$b" network_id)
mac_b=$(port_field "$b" mac_address)
# neigh IP MAC: the router has IP at MAC as a permanent neighbour.
neigh() { vg dp neigh list | grep -F -- "$1 " | grep -i -- "$2" | grep permanent >/dev/null; }
no_neigh() { ! neigh "$@"; }
os port delete "$b" || die "port delete b"
check "the last port of a network gone, its permanent neighbour goes" eventually no_neigh "$ip_b" "$mac_b"
check "the router keeps its interface there, routing for a's rnet1" dp_router "$rt" 2
check "and the network stays" dp_has_network "$net2"
c=$(create_port rc rnet2 --fixed-ip "subnet=rsub2,ip-address=$ip_b") || die "port create c"
check "a new port on that network gets its own neighbour" eventually neigh "$ip_b" "$(port_field "$c" mac_address)"
plug "$c" c || die "plug c"
ip netns exec "${TOPO_PREFIX}-c" ip route add default via 10.71.2.1 || die "route c"
check "a pings c, on b's freed address, through the router" ns_ping a "$ip_b"

os router remove subnet rt rsub2 || die "router remove subnet rsub2"
check "a removed subnet's interface leaves the dataplane" eventually dp_router "$rt" 1
check_fails "and its connected route" dp_route "$rt" 10.71.2.0/24 connected
check_fails "a no longer reaches c" ns_ping a "$ip_b"
check "a still pings its gateway" ns_ping a 10.71.1.1

os router remove subnet rt rsub1 || die "router remove subnet rsub1"
check "with no interface on this node, the router leaves it" eventually no_dp_router "$rt"
os router delete rt || die "router delete"
check_fails "openstack router delete deleted it" os router show rt
check "and it stays out of the dataplane" no_dp_router "$rt"
check "the networks are still there for the ports" dp_has_network "$(port_field "$a" network_id)"
check_fails "the agent never failed a request" grep -E "ERROR|[1-9][0-9]* failed" "$AGENT_LOG"
