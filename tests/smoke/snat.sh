#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A router's gateway with SNAT: "vm" on the tenant network reaches "out" on
# the external network, which has no route back to the tenant subnet, so
# only translated traffic can answer: TCP and UDP leave from the gateway's
# address and a port of its range, ping's identifier is translated, an ICMP
# error from outside reaches the VM's socket, the connection table and
# `nat stats` show the translation, and with a range of one port a second
# connection is refused (counted) while the first one goes on; a hairpin:
# "vm" reaches "vm2" at vm2's floating IP (from the gateway's address), and
# vm2 reaches itself at it.
. "$(dirname "$0")/lib.sh"
TOOL="/usr/bin/python3 $(dirname "$0")/tcp_tool.py"

topo_host out 02:00:00:00:0f:01 203.0.113.10/24
topo_host vm 02:00:00:00:0f:02 10.60.0.5/24
topo_host vm2 02:00:00:00:0f:03 10.60.0.6/24
ip netns exec "$(topo_ns vm)" ip route add default via 10.60.0.1
ip netns exec "$(topo_ns vm2)" ip route add default via 10.60.0.1
quiet_ipv6 out vm vm2
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add ext --type flat --physnet pext >/dev/null
vg dp network add tenant --type flat --physnet pten >/dev/null
vg dp port add out "net_af_packet0,iface=$(topo_if out)" >/dev/null
vg dp port add vm "net_af_packet1,iface=$(topo_if vm)" >/dev/null
vg dp port add vm2 "net_af_packet2,iface=$(topo_if vm2)" >/dev/null
vg dp port attach out --network ext
vg dp port attach vm --network tenant
vg dp port attach vm2 --network tenant
vg dp port security out on --mac 02:00:00:00:0f:01 --ip 203.0.113.10
vg dp port security vm on --mac 02:00:00:00:0f:02 --ip 10.60.0.5
vg dp port security vm2 on --mac 02:00:00:00:0f:03 --ip 10.60.0.6
vg dp router add r1 >/dev/null
vg dp router interface add r1 ext 203.0.113.1/24
vg dp router interface add r1 tenant 10.60.0.1/24
# One port of each protocol: the second connection at once finds none free.
vg dp router gw set r1 ext --ports 40000-40000

out() { ip netns exec "$(topo_ns out)" "$@"; }
vm() { ip netns exec "$(topo_ns vm)" "$@"; }

ip netns exec "$(topo_ns out)" $TOOL serve-peer "$SMOKE_DIR/peer.ready" 8000 &
TOPO_PIDS+=($!)
ip netns exec "$(topo_ns out)" $TOOL serve "$SMOKE_DIR/echo.ready" 7 &
TOPO_PIDS+=($!)
for _ in $(seq 50); do [ -e "$SMOKE_DIR/peer.ready" ] && [ -e "$SMOKE_DIR/echo.ready" ] && break; sleep 0.1; done

leaves_from_gateway() {
	local got
	got=$(vm $TOOL ask 203.0.113.10 8000) || return 1
	echo "the outside saw $got"
	[ "$got" = "203.0.113.1 40000" ]
}
check "a TCP connection out leaves from the gateway's address and its range's port" leaves_from_gateway
check "ping out is translated both ways" vm ping -c 2 -i 0.2 -W 2 203.0.113.10
check "an ICMP port unreachable from outside reaches the VM's UDP socket" \
	vm $TOOL udp-refused 203.0.113.10 9

translated() { vg --json dp ct list | /usr/bin/python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["network"] == "router r1"]
print(rows)
ok = any(r["protocol"] == 6 and r["src"] == "10.60.0.5" and r["nat"] == "203.0.113.1:40000" for r in rows)
sys.exit(0 if ok else 1)'; }
check "ct list shows the translated connection" translated
stats_show() { vg --json dp nat stats r1 | /usr/bin/python3 -c '
import json, sys
rows = {r["protocol"]: r for r in json.load(sys.stdin)}
print(rows)
sys.exit(0 if rows["tcp"]["used"] + rows["tcp"]["free"] == 1 and rows["udp"]["used"] == 1 else 1)'; }
check "nat stats shows the range in use" stats_show

# Exhaustion: a connection held open keeps the one TCP port (the first one's
# entry is in TIME_WAIT for 120 s: clear it first).
vg dp router gw clear r1
vg dp router gw set r1 ext --ports 40000-40000
# (A loaded machine may hold an echo back for a while: 3 s before the probe gives up.)
ip netns exec "$(topo_ns vm)" $TOOL probe 203.0.113.10 7 "$SMOKE_DIR/probe" 3 &
TOPO_PIDS+=($!)
lines() { wc -l <"$SMOKE_DIR/probe" 2>/dev/null || echo 0; }
for _ in $(seq 30); do [ "$(lines)" -ge 3 ] && break; sleep 0.1; done
before=$(drops snat_ports_exhausted)
refused() { ! vm $TOOL connect 203.0.113.10 7; }
check "with the range in use, a second TCP connection is refused" refused
check "... counted as snat_ports_exhausted" grew "$before" snat_ports_exhausted 1
n=$(lines)
still_alive() {
	for _ in $(seq 30); do [ "$(lines)" -gt $((n + 2)) ] && break; sleep 0.1; done
	tail -n 2 "$SMOKE_DIR/probe"
	[ "$(lines)" -gt $((n + 2)) ] && ! grep -q stopped "$SMOKE_DIR/probe"
}
check "... while the first one goes on" still_alive
counted() { vg --json dp nat stats r1 | /usr/bin/python3 -c '
import json, sys
rows = {r["protocol"]: r for r in json.load(sys.stdin)}
sys.exit(0 if rows["tcp"]["exhausted"] >= 1 and rows["tcp"]["over_90"] >= 1 else 1)'; }
check "nat stats counts the refusal and the crossing of 90%" counted

# Hairpin, over the default range: vm to vm2's floating IP, and vm2 to its own.
vg dp router gw clear r1
vg dp router gw set r1 ext
vg dp fip add r1 203.0.113.60 10.60.0.6
ip netns exec "$(topo_ns vm2)" $TOOL serve-peer "$SMOKE_DIR/vm2.ready" 8001 &
TOPO_PIDS+=($!)
for _ in $(seq 50); do [ -e "$SMOKE_DIR/vm2.ready" ] && break; sleep 0.1; done
hairpin_seen() {
	local got
	got=$(ip netns exec "$(topo_ns "$1")" $TOOL ask 203.0.113.60 8001) || return 1
	echo "vm2 saw $got"
	[ "${got% *}" = "$2" ]
}
check "a VM reaches another's floating IP behind the same router (from the gateway)" \
	hairpin_seen vm 203.0.113.1
check "a VM reaches its own floating IP (from it)" hairpin_seen vm2 203.0.113.60
