#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Floating IPs end to end with the real openstack CLI: a router with its
# gateway on a flat external network (this node hosts it, --gateway-node;
# SNAT on), a VM port whose security group allows ICMP and tcp/8080, and
# an "outside" namespace on the external network that has no route to the
# tenant subnet: it reaches the VM only through the floating IP's 1:1
# translation, and sees the VM's connections come from the floating IP
# (from the router's gateway address without one).
#  - floating ip create: DOWN, not in the engine;
#  - floating ip set --port: the feed carries it (router, addresses, port),
#    the agent adds it (FIP_ADD), it shows ACTIVE, the outside pings it and
#    connects to 8080 but not 8081, and the VM's connections leave from it;
#  - an agent restart keeps it in the engine (nothing re-sent), and a TCP
#    connection through it lives on; a hand-deleted entry is put back; a
#    restarted (empty) dataplane gets it again;
#  - floating ip unset: out of the engine and no traffic within 2 s, DOWN;
#  - set again: back, ACTIVE; set --port to another VM: moved in place;
#  - floating ip delete: gone within 2 s.
TOPO_PREFIX=fip$$
. "$(dirname "$0")/lib.sh"

start_with_outside 02:00:00:73:00:01
os network create fnet >/dev/null || die "network create fnet"
os subnet create --network fnet --subnet-range 10.73.1.0/24 fsub >/dev/null || die "subnet create fsub"
os security group create fipweb >/dev/null || die "group create"
os security group rule create --protocol icmp fipweb >/dev/null || die "rule icmp"
os security group rule create --protocol tcp --dst-port 8080 fipweb >/dev/null || die "rule tcp"
vm=$(create_port fvm fnet --security-group fipweb) || die "port create"
wait_status "$vm" ACTIVE || die "port did not become ACTIVE"
plug "$vm" vm || die "plug"
ip netns exec "${TOPO_PREFIX}-vm" ip route add default via 10.73.1.1 || die "route vm"
vm2=$(create_port fvm2 fnet --security-group fipweb) || die "port create vm2"
wait_status "$vm2" ACTIVE || die "port vm2 did not become ACTIVE"
plug "$vm2" vm2 || die "plug vm2"
ip netns exec "${TOPO_PREFIX}-vm2" ip route add default via 10.73.1.1 || die "route vm2"
first_ip() { port_field "$1" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])'; }
fixed=$(first_ip "$vm")
fixed2=$(first_ip "$vm2")

router_to_outside fr1 fsub
rt=$RT gw_ip=$GW_IP
ext=$(os network show ext -f value -c id) || die "network show ext"
eventually grep -q "router $rt: gateway on network $ext" "$AGENT_LOG" || die "gateway not set"

ip netns exec "${TOPO_PREFIX}-vm" "$PY" "$PROBE" serve 8080 8081 &
TOPO_PIDS+=($!)
whois_server
# vm_leaves_from ADDRESS: a connection from the VM to the outside arrives from ADDRESS.
vm_leaves_from() { leaves_from vm "$1"; }

fip=$(os floating ip create ext -f value -c id) || die "floating ip create"
fip_ip=$(os floating ip show "$fip" -f value -c floating_ip_address) || die "floating ip show"

# fip_field ID FIELD: through the REST API (the CLI is too slow to poll with).
fip_field() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/floatingips/$1" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["floatingip"][sys.argv[1]])' "$2"
}
fip_status_is() { test "$(fip_field "$fip" status)" = "$1"; }
# in_engine [FIXED]: the engine translates the floating IP to FIXED (the first VM's).
in_engine() { vg dp fip list | grep -E "^$rt +$fip_ip +${1:-$fixed} "; }
not_in_engine() { ! vg dp fip list | grep -q " $fip_ip "; }

check "without a floating IP the VM's connections leave from the router's gateway (SNAT)" \
	within 5 vm_leaves_from "$gw_ip"
check "a new floating IP is DOWN" fip_status_is DOWN
check "and not in the engine" not_in_engine

os floating ip set --port "$vm" "$fip" || die "floating ip set --port"
feed() { curl -s -H "X-Auth-Token: $(cat "$SVC_TOKEN_FILE")" "$A_URL/internal/v1/nodes/$NODE/changes?since=0&timeout=0"; }
feed_fip() {
	feed | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
f = [f for f in d["floatingips"] if f["id"] == sys.argv[1]][0]
r = [r for r in d["routers"] if r["id"] == f["router_id"]][0]
print(f["router_id"], f["floating_ip_address"], f["fixed_ip_address"], f["port_id"], r["gateway"]["host"])' "$fip"
}
check "the feed carries it: router, floating and fixed address, port; the router's gateway is here" \
	test "$(feed_fip)" = "$rt $fip_ip $fixed $vm $NODE"
check "the agent put it in the engine (FIP_ADD)" within 2 in_engine
check "it shows ACTIVE" within 5 fip_status_is ACTIVE
check "the openstack CLI shows it ACTIVE" \
	test "$(os floating ip show "$fip" -f value -c status)" = ACTIVE
check "the outside pings the floating IP" within 10 ns_ping out "$fip_ip"
check "the outside connects to the floating IP on the port its group allows" tcp out "$fip_ip" 8080
check_fails "but not on a port the group does not allow" tcp out "$fip_ip" 8081
check "the VM's connections leave from its floating IP, not the router's SNAT" \
	vm_leaves_from "$fip_ip"

vg dp fip del "$rt" "$fip_ip" || die "fip del by hand"
check "taken out of the engine by hand, the agent's next pass puts it back" within 5 in_engine

# An agent restart: the engine keeps the floating IP, nothing is re-sent, a connection lives.
ip netns exec "${TOPO_PREFIX}-out" "$PY" "$PROBE" hold "$fip_ip" 8080 "$A_DIR/hold" &
holder=$!
TOPO_PIDS+=($holder)
holder_slot=$((${#TOPO_PIDS[@]} - 1))
eventually grep -qx '[0-9][0-9]*' "$A_DIR/hold" || die "no held connection"
kill "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
check "with the agent stopped the engine still has the floating IP" in_engine
mark=$(wc -l <"$AGENT_LOG")
start_agent "${OUTSIDE_UPLINK[@]}"
restarted() {
	for _ in $(seq 100); do
		tail -n +"$((mark + 1))" "$AGENT_LOG" | grep -q 'reconciled with the dataplane' && return 0
		sleep 0.1
	done
	return 1
}
check "the agent came back" restarted
check "the restarted agent neither removed nor re-added it" \
	sh -c "! tail -n +$((mark + 1)) '$AGENT_LOG' | grep 'floating IP'"
check "the engine still has it" in_engine
n0=$(cat "$A_DIR/hold")
sleep 1
held() { n=$(cat "$A_DIR/hold"); echo "round trips: $n0 -> $n"; [ "$n" != broken ] && [ "$n" -gt "$n0" ]; }
check "a TCP connection through it lived across the restart" held
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
TOPO_PIDS[$holder_slot]="" # reaped: its pid is no longer ours to kill

# A dataplane restart: it comes back empty and the agent programs the floating IP again.
kill "${TOPO_PIDS[0]}"
wait "${TOPO_PIDS[0]}" 2>/dev/null
TOPO_PIDS[0]=""
rm -f "$SOCK"
start_dataplane
check "a restarted dataplane gets the floating IP again" within 20 in_engine
check "and the outside reaches the VM through it" within 10 ns_ping out "$fip_ip"
check "it stayed ACTIVE" fip_status_is ACTIVE

# since T0: milliseconds since T0 (date +%s%N), for the record.
since() { echo $((($(date +%s%N) - $1) / 1000000)); }
os floating ip unset --port "$fip" || die "floating ip unset"
t0=$(date +%s%N)
check "unset: out of the engine within 2 s" within 2 not_in_engine
echo "# unset: out of the engine $(since "$t0") ms after the CLI returned"
check_fails "and the outside no longer reaches the VM" ns_ping out "$fip_ip"
check "it shows DOWN" fip_status_is DOWN
check "and the VM's connections leave from the gateway again" vm_leaves_from "$gw_ip"

os floating ip set --port "$vm" "$fip" || die "floating ip set again"
check "set again: back in the engine within 2 s" within 2 in_engine
check "ACTIVE again" within 5 fip_status_is ACTIVE
check "and the outside pings it again" within 10 ns_ping out "$fip_ip"

os floating ip set --port "$vm2" "$fip" || die "floating ip set --port vm2"
check "moved to another port: the engine translates to its address within 2 s" \
	within 2 in_engine "$fixed2"
check "ACTIVE on the new port" within 5 fip_status_is ACTIVE
ip netns exec "${TOPO_PREFIX}-vm" ip link set eth0 down
check "the outside reaches the second VM through it (the first is unplugged)" \
	within 10 ns_ping out "$fip_ip"
ip netns exec "${TOPO_PREFIX}-vm" ip link set eth0 up

os floating ip delete "$fip" || die "floating ip delete"
t0=$(date +%s%N)
check "delete: gone from the engine within 2 s" within 2 not_in_engine
echo "# delete: out of the engine $(since "$t0") ms after the CLI returned"
check_fails "and the outside no longer reaches the VM" ns_ping out "$fip_ip"
check_fails "nothing is logged as not enforced" grep -i "not yet enforced" "$AGENT_LOG"
check_fails "the agent never failed a request" grep -E "ERROR|[1-9][0-9]* failed" "$AGENT_LOG"
