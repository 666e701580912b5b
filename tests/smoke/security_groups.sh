#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Security groups with real TCP: a VM port "vm" (10.0.0.10, fd00::10) with a
# filter, a client c1 inside the allowed prefix (10.0.0.16/28) and c2 outside
# it, all on one flat network. Default deny, a rule from a prefix, replies of
# the VM's own connections, rules added and removed under live connections,
# a stateless filter, IPv6, and a connection table too small for one more.
. "$(dirname "$0")/lib.sh"

TOOL=$(dirname "$0")/tcp_tool.py

topo_host vm 02:00:00:00:0d:10 10.0.0.10/24
topo_host c1 02:00:00:00:0d:21 10.0.0.21/24
topo_host c2 02:00:00:00:0d:40 10.0.0.40/24
quiet_ipv6 c2
for h in vm c1; do
	ip netns exec "$(topo_ns "$h")" sysctl -qw net.ipv6.conf.eth0.accept_ra=0
done
ip netns exec "$(topo_ns vm)" ip -6 addr add fd00::10/64 dev eth0 nodad
ip netns exec "$(topo_ns c1)" ip -6 addr add fd00::21/64 dev eth0 nodad

in_ns() { local h=$1; shift; ip netns exec "$(topo_ns "$h")" /usr/bin/python3 "$TOOL" "$@"; }
# can HOST ADDR PORT: HOST opens a TCP connection to ADDR:PORT and gets an echo.
can() { in_ns "$1" connect "$2" "$3"; }

# The servers: the VM answers on 22, 23 and 24, c1 on 8080 (for the VM's own connections).
start_server() {
	local h=$1
	shift
	rm -f "$SMOKE_DIR/ready-$h"
	# Not through in_ns: $! must be the server itself (ip netns exec execs it), for
	# the cleanup to kill it.
	ip netns exec "$(topo_ns "$h")" /usr/bin/python3 "$TOOL" serve "$SMOKE_DIR/ready-$h" "$@" \
		>/dev/null 2>&1 &
	TOPO_PIDS+=($!)
	for _ in $(seq 50); do [ -e "$SMOKE_DIR/ready-$h" ] && return 0; sleep 0.1; done
	return 1
}
start_server vm 22 23 24 || exit 1
start_server c1 8080 || exit 1

program() {
	local i=0 h
	vg dp network add red --type flat >/dev/null
	for h in vm c1 c2; do
		vg dp port add "$h" "net_af_packet$i,iface=$(topo_if "$h")" >/dev/null
		vg dp port attach "$h" --network red
		i=$((i + 1))
	done
	vg dp port security vm on --mac 02:00:00:00:0d:10 --ip 10.0.0.10 --ip fd00::10
	vg dp port security c1 on --mac 02:00:00:00:0d:21 --ip 10.0.0.21 --ip fd00::21
	vg dp port security c2 on --mac 02:00:00:00:0d:40 --ip 10.0.0.40
}

topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
DP1=${TOPO_PIDS[-1]}
program

check "without a filter c1 reaches the VM on 22" can c1 10.0.0.10 22

# ---- default deny ----
vg dp sg set vm
before=$(drops sg_denied_ingress)
check_fails "with an empty filter c1 cannot reach the VM on 22" can c1 10.0.0.10 22
check "... and its SYNs are counted as sg_denied_ingress" grew "$before" sg_denied_ingress 1
before=$(drops sg_denied_egress)
check_fails "nor can the VM reach c1" can vm 10.0.0.21 8080
check "... counted as sg_denied_egress" grew "$before" sg_denied_egress 1
check "ARP still passes (c1 resolved the VM)" \
	sh -c "ip netns exec $(topo_ns c1) ip neigh show 10.0.0.10 | grep -q 02:00:00:00:0d:10"

# ---- a rule from a prefix, without a restart ----
vg dp sg add-rule vm --direction ingress --protocol tcp --dst-port 22 --remote 10.0.0.16/28 \
	--label ssh-from-c >/dev/null
check "tcp/22 from 10.0.0.16/28: c1 connects" can c1 10.0.0.10 22
check_fails "tcp/23 has no rule: c1 cannot connect" can c1 10.0.0.10 23
check_fails "c2 is outside the prefix: it cannot connect to 22" can c2 10.0.0.10 22

traced() {
	vg dp trace on && can c1 10.0.0.10 22 && vg dp trace off || return 1
	vg dp trace show | grep -E "sg_ingress: tcp 10.0.0.21:[0-9]+ -> 10.0.0.10:22 allowed by rule ssh-from-c, port vm"
}
check "the trace names the rule that let c1 in" traced

# ---- the VM's own connections ----
vg dp sg add-rule vm --direction egress --protocol tcp --label out >/dev/null
check "an egress rule lets the VM connect to c1, whose replies come back" can vm 10.0.0.21 8080

# ---- rules added and removed under live connections ----
vg dp sg add-rule vm --direction ingress --protocol tcp --dst-port 23 --remote 10.0.0.16/28 \
	--label telnet >/dev/null
check "a rule added lets a new connection in, at once" can c1 10.0.0.10 23

# Two live connections: to 22 (rule ssh-from-c) and to 23 (rule telnet).
probe() {
	ip netns exec "$(topo_ns c1)" /usr/bin/python3 "$TOOL" probe "$@" >/dev/null 2>&1 &
	TOPO_PIDS+=($!)
}
# (The connection that must live waits up to 3 s for an echo, as a loaded
# machine may hold one back; the one that must stop, the default 0.5 s.)
probe 10.0.0.10 22 "$SMOKE_DIR/probe22" 3
probe 10.0.0.10 23 "$SMOKE_DIR/probe23"
sleep 1
answers() { grep -c '^[0-9]' "$SMOKE_DIR/probe$1" 2>/dev/null || echo 0; }
check "both connections exchange data" sh -c "[ $(answers 22) -ge 3 ] && [ $(answers 23) -ge 3 ]"
check "ct list shows them, established, allowed by vm's ingress" \
	sh -c "$BUILD/tools/virga/virga --socket $SOCK dp ct list --port vm | grep -E 'red +tcp +10.0.0.21 +[0-9]+ +10.0.0.10 +23 +ESTABLISHED +- +vm'"
telnet_id=$(vg --json dp sg show vm | /usr/bin/python3 -c '
import json, sys
print(next(r["id"] for r in json.load(sys.stdin) if r["label"] == "telnet"))')
vg dp sg del-rule vm "$telnet_id"
sleep 1.2
n22=$(answers 22)
n23=$(answers 23)
sleep 1
stopped() {
	echo "23: $n23 -> $(answers 23); 22: $n22 -> $(answers 22)"
	grep -q stopped "$SMOKE_DIR/probe23" && [ "$(answers 23)" -eq "$n23" ]
}
check "removing the telnet rule stops the connection to 23 within a second" stopped
check "while the connection to 22, allowed by a rule that stays, goes on" \
	sh -c "[ $(answers 22) -gt $n22 ] && ! grep -q stopped $SMOKE_DIR/probe22"

# ---- IPv6 ----
check_fails "IPv6 to 22 has no IPv6 rule" can c1 fd00::10 22
vg dp sg add-rule vm --direction ingress --ethertype IPv6 --protocol tcp --dst-port 22 \
	--remote fd00::/64 --label ssh6 >/dev/null
check "an IPv6 rule lets c1 in over IPv6 (neighbour discovery passing on its own)" \
	can c1 fd00::10 22

# ---- stateless ----
vg dp sg set-stateless vm on
check "stateless: c1 still reaches 22 (ingress rule in, egress rule out)" can c1 10.0.0.10 22
check_fails "stateless: the VM's connection to c1 fails, no rule lets the replies in" \
	can vm 10.0.0.21 8080
vg dp sg set-stateless vm off
check "stateful again: it works" can vm 10.0.0.21 8080

# ---- the CLI ----
help_ok() { vg dp sg add-rule --help | grep -q "usage: .*dp sg add-rule PORT --direction"; }
check "sg add-rule --help prints its usage" help_ok
usage_exit() { "$@"; [ $? -eq 2 ]; }
check "add-rule without --direction is a usage error" usage_exit vg dp sg add-rule vm
check "a bad --direction is a usage error" usage_exit vg dp sg add-rule vm --direction up
check "--dst-port without tcp/udp is a usage error" \
	usage_exit vg dp sg add-rule vm --direction ingress --dst-port 80
check_fails "sg show of an unknown port fails" vg dp sg show nosuch
check_fails "ct flush of an unknown port fails" vg dp ct flush --port nosuch
check "sg list shows the filter" sh -c "$BUILD/tools/virga/virga --socket $SOCK dp sg list | grep -E '^vm +yes +3 '"

# ---- a full table: a dataplane with room for 3 connections ----
kill "${TOPO_PIDS[-1]}" "${TOPO_PIDS[-2]}" 2>/dev/null # the probes
kill "$DP1"
for _ in $(seq 50); do kill -0 "$DP1" 2>/dev/null || break; sleep 0.1; done
rm -f "$SOCK"
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" --ct-max 3 || exit 1
program
vg dp sg add-rule vm --direction ingress --protocol tcp --dst-port 22 --label ssh >/dev/null
probe 10.0.0.10 22 "$SMOKE_DIR/probe-full" 3
for _ in $(seq 50); do [ "$(answers -full)" -ge 2 ] && break; sleep 0.1; done
check "a first connection is up" [ "$(answers -full)" -ge 2 ]
opened=$(in_ns c1 open 10.0.0.10 22 4)
check "with room for 3, the 4 next connections get 2 (opened $opened)" [ "$opened" = 2 ]
full() { vg --json dp ct stats | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d)
sys.exit(0 if d["table_full"] > 0 and d["entries"] == 3 else 1)'; }
check "... and ct stats counts the refusals as table_full" full
check "... and the drop counter ct_table_full too" sh -c "[ $(drops ct_table_full) -gt 0 ]"
n=$(answers -full)
sleep 0.6
check "the existing connection goes on meanwhile" \
	sh -c "[ $(answers -full) -gt $n ] && ! grep -q stopped $SMOKE_DIR/probe-full"
