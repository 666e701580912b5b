#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A network node's routers through the API: with this node as the
# controller's --router-node, 300 Neutron routers, each with two networks
# and an interface on each and no VM port on most of them, are created
# through the REST API (tools/bench/neutron_routers.py --controller) and
# the engine must hold every one with both interfaces: the node hosts them
# whole, not only where its VMs are. The agent is then killed and started
# again: it must re-add and remove nothing, leave the engine's router list
# as it was, and a ping across one of the routers keeps working.
. "$(dirname "$0")/lib.sh"

N=300
start_controller --router-node "$NODE"
start_dataplane
start_agent

BENCH="$(dirname "$0")/../../tools/bench/neutron_routers.py"
"$PY" "$BENCH" --controller "$A_URL" --admin-password "$OS_PASSWORD" "$N" ||
	die "creating $N routers through the API"

# The API's routers and what the engine holds for them: "ID INTERFACES" per router.
api_routers() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/routers" |
		"$PY" -c 'import json, sys; print("\n".join(sorted(r["id"] for r in json.load(sys.stdin)["routers"])))'
}
engine_routers() {
	vg --json dp router list |
		"$PY" -c 'import json, sys; print("\n".join(sorted(r["name"] + " " + str(r["n_interfaces"]) for r in json.load(sys.stdin))))'
}
api_routers >"$A_DIR/api" || die "router list"
check "the API lists the $N routers" test "$(wc -l <"$A_DIR/api")" -eq "$N"
sed 's/$/ 2/' "$A_DIR/api" >"$A_DIR/want"
all_there() { engine_routers | diff "$A_DIR/want" - >/dev/null; }
check "the engine holds every router with both its interfaces" within 60 all_there

# One of them routes between two VMs (r0: 10.0.0.0/24 and 11.0.0.0/24).
two_vms ma n0a 10.0.0.1 mb n0b 11.0.0.1
a=$VM_A b=$VM_B
ip_b=$(port_field "$b" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
check "a pings b across router r0" within 10 ns_ping a "$ip_b"

# The engine's own view, ids included: a router added again gets a new id.
table() { vg --json dp router list | "$PY" -c '
import json, sys
print(sorted((r["id"], r["name"], r["n_interfaces"], r["n_routes"]) for r in json.load(sys.stdin)))'; }
before=$(table)
kill -9 "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
start_agent
reconciled() {
	[ "$(grep -c 'reconciled with the dataplane' "$AGENT_LOG")" -ge 2 ] &&
		grep 'reconciled with the dataplane' "$AGENT_LOG" | tail -1 | tee /dev/stderr |
		grep -q "kept, 0 added, 0 updated, 0 removed, 0 failed"
}
check "the restarted agent reconciled, re-adding and removing nothing" within 30 reconciled
check "the engine's routers are the same, never re-created" test "$before" = "$(table)"
check "a still pings b across r0" ns_ping a "$ip_b"
check_fails "the agent never failed a request" grep -E "ERROR|[1-9][0-9]* failed" "$AGENT_LOG"
