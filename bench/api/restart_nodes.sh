#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A node restart with many ports (root): three nodes as
# tests/agent/many_nodes.sh builds them, N ports (default 500) on one
# VXLAN network bound round-robin to the nodes as VM ports (device_owner
# compute:nova: vhost-user ports of the engine, so no VM and no
# RTE_MAX_ETHPORTS ceiling), then node 3's dataplane and agent killed with
# -9 and, once the controller has declared it dead (its ports DOWN),
# started again. It reports how long node 3 takes to be whole again:
# every port of its own in its engine and ACTIVE in the API, and every
# other node's port behind its VTEP peer (l2population), and that nodes 1
# and 2 re-added nothing. A benchmark: it prints figures, it does not
# pass or fail.
#
#   sudo BUILD=build bench/api/restart_nodes.sh [N]
TOPO_PREFIX="rn$$"
. "$(dirname "$0")/../../tests/agent/nodes_lib.sh"

N=${1:-500}

b_exit() {
	local rc=$?
	[ "$rc" -ne 0 ] && tail -20 "$A_DIR/agent3.log"
	nodes_teardown
	exit "$rc"
}
trap b_exit EXIT

now() { echo "${EPOCHREALTIME/./}"; } # µs, no fork
api() { curl -s -H "X-Auth-Token: $(admin_token)" -H 'Content-Type: application/json' "$@"; }
# count_ports HOST [STATUS]: the API's ports bound to HOST (with STATUS).
count_ports() {
	api "$A_URL/network/v2.0/ports?binding:host_id=$1${2:+&status=$2}&fields=id" |
		"$PY" -c 'import json, sys; print(len(json.load(sys.stdin)["ports"]))'
}
# engine_ports N: the ports in node N's engine; remote_macs N: the MACs it
# has behind VTEP peers.
engine_ports() { vgn "$1" --json dp port list | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
remote_macs() { vgn "$1" dp mac list "$NET" | grep -c "vtep:"; }
# wait_for SECONDS COMMAND WANT: until COMMAND prints WANT.
wait_for() {
	local deadline=$(($(now) + $1 * 1000000))
	until [ "$(eval "$2" 2>/dev/null)" = "$3" ]; do
		[ "$(now)" -gt "$deadline" ] && die "$2 is $(eval "$2" 2>/dev/null), not $3, after $1 s"
		sleep 0.05
	done
}

nodes_topology 3
start_controller --agent-down-time 3
for n in 1 2 3; do start_node "$n"; done
NET=$(os network create rnnet -f value -c id) || die "network create"
os subnet create --network rnnet --subnet-range 10.90.0.0/16 rnsub >/dev/null || die "subnet create"

os quota set --ports $((N + 100)) admin || die "quota set"
echo "== $N VM ports across three nodes"
t0=$(now)
for i in $(seq 0 $((N - 1))); do
	code=$(api -o "$A_DIR/body" -w '%{http_code}' -d "{\"port\": {\"network_id\": \"$NET\",
		\"binding:host_id\": \"node$((i % 3 + 1))\", \"device_owner\": \"compute:nova\",
		\"device_id\": \"rn-$i\"}}" "$A_URL/network/v2.0/ports")
	[ "$code" = 201 ] || die "port create $i: $code $(cat "$A_DIR/body")"
done
echo "created in $((($(now) - t0) / 1000)) ms"
for n in 1 2 3; do wait_for 300 "count_ports node$n ACTIVE" "$(count_ports "node$n")"; done
OWN3=$(count_ports node3)
wait_for 300 "remote_macs 3" "$((N - OWN3))"
echo "converged in $((($(now) - t0) / 1000)) ms after the first create; node3 has $OWN3 ports"
ports3=$(engine_ports 3)
added1=$(grep -c "added port" "$A_DIR/agent1.log")

echo "== node3 killed; started again once it is declared dead"
kill -9 "${AGENT_PID[3]}" "${DP_PID[3]}"
wait "${AGENT_PID[3]}" "${DP_PID[3]}" 2>/dev/null
t_kill=$(now)
wait_for 30 "count_ports node3 DOWN" "$OWN3"
echo "its $OWN3 ports DOWN $((($(now) - t_kill) / 1000)) ms after the kill"
t_start=$(now)
start_node 3
t_dp=$(now) # the dataplane answers on its socket; the agent just started
wait_for 300 "engine_ports 3" "$ports3"
t_engine=$(now)
wait_for 300 "remote_macs 3" "$((N - OWN3))"
t_macs=$(now)
wait_for 300 "count_ports node3 ACTIVE" "$OWN3"
t_active=$(now)
echo "restart -> its dataplane answers:               $(((t_dp - t_start) / 1000)) ms"
echo "restart -> its engine has its $ports3 ports:      $(((t_engine - t_start) / 1000)) ms"
echo "restart -> the other nodes' $((N - OWN3)) MACs behind VTEPs: $(((t_macs - t_start) / 1000)) ms"
echo "restart -> its $OWN3 ports ACTIVE in the API:      $(((t_active - t_start) / 1000)) ms"
echo "node1 re-added $(($(grep -c "added port" "$A_DIR/agent1.log") - added1)) ports (0 expected)"
echo "node1 and node2 MACs behind node3's VTEP: $(vgn 1 dp mac list "$NET" | grep -c vtep:172.31.0.3) and $(vgn 2 dp mac list "$NET" | grep -c vtep:172.31.0.3)"
