#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Convergence across nodes (root): from a port bound to node 2 being
# created to the first ping from a VM on node 1 reaching it over VXLAN,
# through the controller's feed, node 2's agent (the port, its tap) and
# node 1's agent (node 2 as VTEP peer, the port's MAC behind it:
# l2population). A benchmark: it reports the median and the p99, it does
# not pass or fail.
#
#   sudo BUILD=build bench/api/convergence_nodes.sh [N]
#
# Two nodes as tests/agent/many_nodes.sh builds them (nodes_lib.sh). N
# (default 50) ports are created one at a time through the REST API, each
# plugged into a namespace as soon as its tap exists, pinged from vm1 (one
# echo every 10 ms) until the first reply, then deleted (a node's
# af_packet ports are few: Debian's DPDK has RTE_MAX_ETHPORTS 32).
TOPO_PREFIX="cv$$"
. "$(dirname "$0")/../../tests/agent/nodes_lib.sh"

N=${1:-50}
export TOPO_IDLE_SLEEP_US=0

b_exit() {
	local rc=$? n
	if [ "$rc" -ne 0 ]; then
		for n in 1 2; do
			echo "--- node$n: peers, MACs, drops"
			vgn "$n" dp vtep peer list
			vgn "$n" dp mac list
			vgn "$n" dp stats | grep -v " 0$" | tail -15
			tail -15 "$A_DIR/agent$n.log"
		done
	fi
	nodes_teardown
	exit "$rc"
}
trap b_exit EXIT

now() { echo "${EPOCHREALTIME/./}"; } # µs, no fork
ms() { echo $((($2 - $1) / 1000)); }

nodes_topology 2
start_controller
for n in 1 2; do start_node "$n"; done
NET=$(os network create cvnet -f value -c id) || die "network create"
os subnet create --network cvnet --subnet-range 10.89.0.0/16 cvsub >/dev/null || die "subnet create"
p0=$(node_port cvp0 cvnet 1) || die "port create"
wait_status "$p0" ACTIVE 30 || die "the first port never ACTIVE"
PLUG_NS=$(topo_ns node1) plug "$p0" vm1 || die "plug"

api() { curl -s -H "X-Auth-Token: $(admin_token)" -H 'Content-Type: application/json' "$@"; }
echo "== port create on node2 -> first ping from node1, $N ports one at a time"
for i in $(seq "$N"); do
	ns="${TOPO_PREFIX}-c$i"
	ip netns add "$ns" && TOPO_NS+=("$ns")
	t0=$(now)
	read -r id mac ip < <(api -d "{\"port\": {\"network_id\": \"$NET\", \"binding:host_id\": \"node2\"}}" \
		"$A_URL/network/v2.0/ports" | "$PY" -c 'import json, sys; p = json.load(sys.stdin)["port"]
print(p["id"], p["mac_address"], p["fixed_ips"][0]["ip_address"])') || die "port create $i"
	tap="tap${id:0:11}"
	until ip netns exec "$(topo_ns node2)" ip link show "$tap" >/dev/null 2>&1; do
		[ $(($(now) - t0)) -gt 30000000 ] && die "no $tap after 30 s"
	done
	ip netns exec "$(topo_ns node2)" ip link set "$tap" netns "$ns"
	ip netns exec "$ns" sh -c "ip link set $tap name eth0 && ip link set eth0 address $mac &&
		ip addr add $ip/16 dev eth0 && ip link set eth0 up"
	ip netns exec "$(topo_ns vm1)" ping -q -c 1 -i 0.01 -w 30 "$ip" >/dev/null ||
		die "port $i never answered"
	t1=$(now)
	ms "$t0" "$t1" | tee -a "$A_DIR/conv"
	api -X DELETE "$A_URL/network/v2.0/ports/$id" >/dev/null
	ip netns del "$ns"
	# The next port may get the same address with another MAC.
	ip netns exec "$(topo_ns vm1)" ip neigh flush to "$ip"
done
sort -n "$A_DIR/conv" | awk '{v[NR] = $1} END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
	printf "ports %d: median %s ms, p99 %s ms, min %s ms, max %s ms\n", NR, m, v[p], v[1], v[NR]
}'
