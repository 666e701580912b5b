#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Convergence benchmark (root): how long from a port bound to this node
# being created to (a) ACTIVE in the API and (b) its namespace forwarding
# through the dataplane, and how long a cold agent takes to program K ports.
# A benchmark: it reports medians, it does not pass or fail.
#
#   sudo BUILD=build bench/api/convergence.sh [N] [K...]
#
# N (default 5) ports are created one at a time, each through the REST API
# (binding:host_id = this node, as `openstack port create --host` sends),
# against a controller, a dataplane (--idle-sleep 0) and an agent set up as
# tests/agent/lib.sh does. Then for each K (default 10 20 30): agent and
# dataplane stopped, K ports created, a fresh dataplane and agent started,
# and the time until all K are ACTIVE. K <= 31: Debian's DPDK has
# RTE_MAX_ETHPORTS=32. Everything it starts is removed on exit, Ctrl-C too.
# Uses the helpers of tests/agent/lib.sh, but replaces its pass/fail exit.
. "$(dirname "$0")/../../tests/agent/lib.sh"

N=${1:-5}
shift || true
KS=("${@:-10 20 30}")
read -r -a KS <<<"${KS[*]}"
export TOPO_IDLE_SLEEP_US=0
NET=""
POLLER=""
SUBNET_CIDR=10.88.0.0/16

c_exit() {
	local rc=$? id
	[ -n "$POLLER" ] && kill "$POLLER" 2>/dev/null
	if [ -n "$A_AGENT_PID" ]; then
		kill -9 "$A_AGENT_PID" 2>/dev/null
		wait "$A_AGENT_PID" 2>/dev/null
	fi
	topo_cleanup
	for id in "${A_PORTS[@]}"; do ip link del "vg${id:0:11}" 2>/dev/null; done
	if [ -n "$A_CTL_PID" ]; then
		kill "$A_CTL_PID" 2>/dev/null
		wait "$A_CTL_PID" 2>/dev/null
	fi
	if [ "$rc" -ne 0 ]; then
		echo "--- agent log ---"
		tail -20 "$AGENT_LOG" 2>/dev/null
		echo "--- dataplane log ---"
		tail -10 "$TOPO_LOG" 2>/dev/null
		echo "--- controller log ---"
		tail -10 "$A_DIR/controller.err" 2>/dev/null
	fi
	rm -rf "$A_DIR"
	exit "$rc"
}
trap c_exit EXIT

now() { echo "${EPOCHREALTIME/./}"; } # µs, no fork
ms() { echo $((($2 - $1) / 1000)); }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# api_port_create NETWORK: a port bound to this node; prints its id, MAC and IP.
api_port_create() {
	curl -s -H "X-Auth-Token: $(admin_token)" -H 'Content-Type: application/json' \
		-d "{\"port\": {\"network_id\": \"$1\", \"binding:host_id\": \"$NODE\"}}" \
		"$A_URL/network/v2.0/ports" | "$PY" -c 'import json, sys; p = json.load(sys.stdin)["port"]
print(p["id"], p["mac_address"], p["fixed_ips"][0]["ip_address"])'
}

# active_count: ports of this node that are ACTIVE.
active_count() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/ports?network_id=$NET" |
		grep -o '"status": *"ACTIVE"' | wc -l
}

stop_agent() {
	kill "$A_AGENT_PID" 2>/dev/null
	wait "$A_AGENT_PID" 2>/dev/null
	A_AGENT_PID=""
}

start_controller
start_dataplane
start_agent
NET=$(os network create convnet -f value -c id) || die "network create"
os subnet create --network convnet --subnet-range "$SUBNET_CIDR" convsub >/dev/null || die "subnet create"

# The first port: the one every later port pings.
read -r p0 _ ip0 < <(api_port_create "$NET") || die "port create"
A_PORTS+=("$p0")
wait_status "$p0" ACTIVE 30 || die "first port never ACTIVE"
plug "$p0" p0 || die "plug p0"

echo "== port create -> ACTIVE / tap / forwarding, $N ports, one at a time"
# Times from just before the POST; "created" is when curl and the JSON parse
# (a python3 start, ~40 ms of it) returned.
printf '%4s %10s %10s %10s %10s %10s\n' port "created ms" "active ms" "tap ms" "plugged ms" "ping ms"
for i in $(seq "$N"); do
	ns="${TOPO_PREFIX}-c$i"
	ip netns add "$ns" && TOPO_NS+=("$ns")
	t0=$(now)
	read -r id mac ip < <(api_port_create "$NET") || die "port create $i"
	t_made=$(now)
	A_PORTS+=("$id")
	# ACTIVE in the API, polled on its own while this shell plugs and pings.
	(
		until curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/ports/$id" |
			grep -q '"status": *"ACTIVE"'; do
			[ $(($(now) - t0)) -gt 30000000 ] && exit 1
		done
		now >"$A_DIR/active.$i"
	) &
	POLLER=$!
	tap="tap${id:0:11}"
	until ip link show "$tap" >/dev/null 2>&1; do
		[ $(($(now) - t0)) -gt 30000000 ] && die "no $tap after 30 s"
	done
	t_tap=$(now)
	ip link set "$tap" netns "$ns"
	ip netns exec "$ns" sh -c "ip link set $tap name eth0 && ip link set eth0 address $mac &&
		ip addr add $ip/16 dev eth0 && ip link set eth0 up"
	t_plug=$(now)
	# One echo every 10 ms until the first reply.
	ip netns exec "$ns" ping -q -c 1 -i 0.01 -w 30 "$ip0" >/dev/null || die "port $i never reached p0"
	t_ping=$(now)
	wait "$POLLER" || die "port $i never ACTIVE"
	POLLER=""
	t_act=$(cat "$A_DIR/active.$i")
	printf '%4d %10d %10d %10d %10d %10d\n' "$i" "$(ms "$t0" "$t_made")" "$(ms "$t0" "$t_act")" "$(ms "$t0" "$t_tap")" \
		"$(ms "$t0" "$t_plug")" "$(ms "$t0" "$t_ping")" | tee -a "$A_DIR/conv"
done
printf 'median'
for col in 2 3 4 5 6; do printf ' %10s' "$(awk -v c=$col '{print $c}' "$A_DIR/conv" | median)"; done
echo

echo "== cold agent start: K ports created while agent and dataplane are down"
printf '%4s %12s %14s\n' K "all ACTIVE ms" "per port ms"
for k in "${KS[@]}"; do
	stop_agent
	topo_cleanup
	for id in "${A_PORTS[@]}"; do
		ip link del "vg${id:0:11}" 2>/dev/null
		curl -s -o /dev/null -X DELETE -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/ports/$id"
	done
	A_PORTS=()
	rm -f "$SOCK"
	for _ in $(seq "$k"); do
		read -r id _ < <(api_port_create "$NET") || die "port create"
		A_PORTS+=("$id")
	done
	start_dataplane
	t0=$(now)
	start_agent
	while [ "$(active_count)" -lt "$k" ]; do
		[ $(($(now) - t0)) -gt 120000000 ] && die "K=$k: only $(active_count) ACTIVE after 120 s"
		sleep 0.02
	done
	t1=$(now)
	printf '%4d %12d %14.1f\n' "$k" "$(ms "$t0" "$t1")" "$(awk -v d=$((t1 - t0)) -v k="$k" 'BEGIN {print d / 1000 / k}')"
done
