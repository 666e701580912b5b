#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A floating IP makes a VM behind a router reachable from outside (1:1, both
# ways): "out" on the external network "ext" reaches "vm" on "tenant" at
# 203.0.113.50, the VM's server sees the outside address, the VM's own
# traffic leaves from the floating IP, the router announces it by gratuitous
# ARP, a security group on the VM's port still decides, and a deleted
# floating IP stops answering.
. "$(dirname "$0")/lib.sh"

topo_host out 02:00:00:00:0e:01 203.0.113.10/24
topo_host vm 02:00:00:00:0e:02 10.50.0.5/24
ip netns exec "$(topo_ns vm)" ip route add default via 10.50.0.1
quiet_ipv6 out vm
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add ext --type flat --physnet pext >/dev/null
vg dp network add tenant --type flat --physnet pten >/dev/null
vg dp port add out "net_af_packet0,iface=$(topo_if out)" >/dev/null
vg dp port add vm "net_af_packet1,iface=$(topo_if vm)" >/dev/null
vg dp port attach out --network ext
vg dp port attach vm --network tenant
vg dp port security out on --mac 02:00:00:00:0e:01 --ip 203.0.113.10
vg dp port security vm on --mac 02:00:00:00:0e:02 --ip 10.50.0.5
vg dp router add r1 >/dev/null
vg dp router interface add r1 ext 203.0.113.1/24
vg dp router interface add r1 tenant 10.50.0.1/24
vg dp router gw set r1 ext --no-snat

out() { ip netns exec "$(topo_ns out)" "$@"; }
vm() { ip netns exec "$(topo_ns vm)" "$@"; }

# The announcement: a gratuitous ARP for 203.0.113.50 reaches the outside when it is added.
# (Not through out(): a function in the background is a subshell, and killing it
# would leave tcpdump holding the test's output open.)
ip netns exec "$(topo_ns out)" timeout 20 tcpdump -l -n -i eth0 -c 1 \
	"arp and arp[14:4] = 0xcb007132 and arp[24:4] = 0xcb007132" >"$SMOKE_DIR/garp" 2>/dev/null &
dump=$!
TOPO_PIDS+=($dump)
sleep 1
check "fip add r1 203.0.113.50 10.50.0.5" vg dp fip add r1 203.0.113.50 10.50.0.5
garp() { for _ in $(seq 30); do grep -q "203.0.113.50" "$SMOKE_DIR/garp" && return 0; sleep 0.1; done; return 1; }
check "the outside sees a gratuitous ARP for the floating IP" garp
kill "$dump" 2>/dev/null

check "the outside pings the VM at its floating IP" out ping -c 2 -i 0.2 -W 2 203.0.113.50
# tell_peer HOST PORT: a server in namespace HOST that answers each connection
# with the address it came from. asked_from HOST ADDR PORT: what it answered.
tell_peer() {
	ip netns exec "$(topo_ns "$1")" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(4)
while True:
    c, peer = s.accept(); c.sendall((peer[0] + "\n").encode()); c.close()' "$2" &
	TOPO_PIDS+=($!)
}
asked_from() {
	ip netns exec "$(topo_ns "$1")" /usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
print(s.recv(100).decode().strip())' "$2" "$3"
}
tell_peer vm 22
tell_peer out 8000
sleep 0.5
peer_seen() {
	local got
	got=$(asked_from out 203.0.113.50 22) || return 1
	echo "the VM saw $got"
	[ "$got" = 203.0.113.10 ]
}
check "a TCP connection to the floating IP reaches the VM, which sees the outside address" peer_seen
# The outside has no route to 10.50.0.0/24: a reply reaches it only from the floating IP.
leaves_from_fip() {
	local got
	got=$(asked_from vm 203.0.113.10 8000) || return 1
	echo "the outside saw $got"
	[ "$got" = 203.0.113.50 ]
}
check "the VM's own connection out leaves from its floating IP" leaves_from_fip
counted() { vg --json dp fip list r1 | /usr/bin/python3 -c '
import json, sys
f = json.load(sys.stdin)[0]
print(f)
sys.exit(0 if f["packets_in"] > 0 and f["packets_out"] > 0 else 1)'; }
check "fip list counts packets both ways" counted

# Security groups apply to the fixed address, after the translation.
vg dp sg set vm
vg dp sg add-rule vm --direction ingress --protocol icmp --label ping >/dev/null
check "with a filter allowing only ICMP in, ping still answers" out ping -c 2 -i 0.2 -W 2 203.0.113.50
no_tcp() { ! out /usr/bin/python3 -c '
import socket
socket.create_connection(("203.0.113.50", 22), timeout=2)'; }
check "... and TCP to port 22 is refused by the VM's filter" no_tcp
vg dp sg clear vm >/dev/null

check "fip del r1 203.0.113.50" vg dp fip del r1 203.0.113.50
gone() { ! out ping -c 2 -i 0.2 -W 1 203.0.113.50; }
check "a deleted floating IP no longer answers" gone
