#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Restarts never flush: with two ACTIVE ports pinging each other, the agent
# is SIGKILLed and started again while traffic flows; at most a handful of
# packets may go missing, and the dataplane keeps both ports (same ids: they
# were never re-created). Then the dataplane itself restarts, and the agent
# notices its new boot id and programs it again.
. "$(dirname "$0")/lib.sh"

start_controller
start_dataplane
start_agent

os network create rsnet >/dev/null || die "network create"
os subnet create --network rsnet --subnet-range 10.78.0.0/24 rssub >/dev/null || die "subnet create"
a=$(create_port rsa rsnet) || die "port create a"
b=$(create_port rsb rsnet) || die "port create b"
wait_status "$a" ACTIVE && wait_status "$b" ACTIVE || die "ports did not become ACTIVE"
plug "$a" a && plug "$b" b || die "plug"
ip_b=$(port_field "$b" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
check "a pings b before the restart" ns_ping a "$ip_b"

ports_table() { vg --json dp port list | "$PY" -c '
import json, sys
print(sorted((p["name"], p["port_id"], p["devargs"]) for p in json.load(sys.stdin)))'; }
before=$(ports_table)

# 100 pings, 50 ms apart: the agent dies at 1 s and is back at 1.5 s.
ip netns exec "${TOPO_PREFIX}-a" ping -i 0.05 -c 100 -W 1 "$ip_b" >"$A_DIR/ping" 2>&1 &
pinger=$!
TOPO_PIDS+=($pinger)
pinger_slot=$((${#TOPO_PIDS[@]} - 1))
sleep 1
kill -9 "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
sleep 0.5
start_agent
wait "$pinger"
TOPO_PIDS[$pinger_slot]="" # reaped: its pid is no longer ours to kill
sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$A_DIR/ping")
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$A_DIR/ping")
echo "# continuous ping across the agent restart: $got of $sent answered"
check "at most 3 of 100 pings lost across the agent restart" test "$((${sent:-0} - ${got:-0}))" -le 3 -a "${sent:-0}" -ge 100

reconciled() {
	for _ in $(seq 50); do
		[ "$(grep -c 'reconciled with the dataplane' "$AGENT_LOG")" -ge 2 ] && break
		sleep 0.1
	done
	grep 'reconciled with the dataplane' "$AGENT_LOG" | tail -1 | tee /dev/stderr |
		grep -q "2 ports/routers kept, 0 added, 0 updated, 0 removed, 0 failed"
}
check "the restarted agent reconciled: both ports kept, nothing added or removed" reconciled
after=$(ports_table)
check "the dataplane still has both ports, never re-created" test "$before" = "$after"
check "the ports stayed ACTIVE" wait_status "$a" ACTIVE 1
check "a still pings b" ns_ping a "$ip_b"

# The dataplane restarts (empty): the agent sees a new boot id and programs it again.
kill "${TOPO_PIDS[0]}"
wait "${TOPO_PIDS[0]}" 2>/dev/null
TOPO_PIDS[0]=""
rm -f "$SOCK"
start_dataplane
reprogrammed() {
	for _ in $(seq 100); do
		dp_has_port "$a" access "$(port_field "$a" network_id)" &&
			dp_has_port "$b" access "$(port_field "$a" network_id)" && return 0
		sleep 0.1
	done
	return 1
}
check "the agent programs a restarted dataplane again" reprogrammed
check "and a pings b through it" ns_ping a "$ip_b"
check "the agent said why" grep -q "the dataplane restarted" "$AGENT_LOG"
