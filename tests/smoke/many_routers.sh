#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A network node's count of tenant routers: 2,000 routers, each between two
# networks of its own with the same two subnets (tenants reuse addresses),
# programmed through the CLI in one batch; the lists page over them; traffic
# between two namespaces goes through a few routers picked at random, each
# in turn, by moving the two VM ports onto that router's networks.
TOPO_PREFIX=rou$$
. "$(dirname "$0")/lib.sh"

N=${MANY_ROUTERS:-2000}
BATCH="$SMOKE_DIR/batch"

topo_host h1 02:00:00:00:0a:01 10.1.0.10/24
topo_host h2 02:00:00:00:0b:02 10.2.0.20/24
ip netns exec "$(topo_ns h1)" ip route add default via 10.1.0.1
ip netns exec "$(topo_ns h2)" ip route add default via 10.2.0.1
quiet_ipv6 h1 h2
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp port add vm1 "net_af_packet0,iface=$(topo_if h1)" >/dev/null
vg dp port add vm2 "net_af_packet1,iface=$(topo_if h2)" >/dev/null
vg dp port security vm1 on --mac 02:00:00:00:0a:01 --ip 10.1.0.10
vg dp port security vm2 on --mac 02:00:00:00:0b:02 --ip 10.2.0.20

for i in $(seq 1 "$N"); do
	echo "dp network add a$i --type vxlan --vni $((10000 + 2 * i))"
	echo "dp network add b$i --type vxlan --vni $((10001 + 2 * i))"
	echo "dp router add t$i"
	echo "dp router interface add t$i a$i 10.1.0.1/24"
	echo "dp router interface add t$i b$i 10.2.0.1/24"
done >"$BATCH"

program() {
	local t0 t1
	t0=$(date +%s.%N)
	vg --batch "$BATCH" >/dev/null || return 1
	t1=$(date +%s.%N)
	awk -v d="$(echo "$t1 - $t0" | bc)" -v n="$(wc -l <"$BATCH")" -v r="$N" \
		'BEGIN { printf "%d routers, %d commands in one batch: %.2f s\n", r, n, d }'
	[ "$(echo "$t1 - $t0 < 60" | bc)" = 1 ]
}
check "$N routers with two interfaces each are programmed through the CLI in under 60 s" program
cat "$CHECK_OUT"

# One process per command, for comparison: 50 that change nothing (status), to say
# what the batch's commands would cost that way.
per_call() {
	local t0 t1
	t0=$(date +%s.%N)
	for _ in $(seq 50); do vg dp status >/dev/null || return 1; done
	t1=$(date +%s.%N)
	awk -v d="$(echo "$t1 - $t0" | bc)" -v n="$(wc -l <"$BATCH")" 'BEGIN {
		printf "one CLI process per command: %.1f ms each, %.0f s for the batch'"'"'s %d\n",
			d * 20, d / 50 * n, n }'
}
check "the CLI's cost per call, measured" per_call
cat "$CHECK_OUT"

count_routers() { [ "$(vg --json dp router list | /usr/bin/python3 -c '
import json, sys; print(len(json.load(sys.stdin)))')" = "$N" ]; }
check "router list pages through all $N routers" count_routers
count_routes() { [ "$(vg --json dp route list | /usr/bin/python3 -c '
import json, sys; print(len(json.load(sys.stdin)))')" = $((2 * N)) ]; }
check "route list pages through all $((2 * N)) connected routes" count_routes
small() { vg --json dp router list | /usr/bin/python3 -c '
import json, sys
rs = json.load(sys.stdin)
worst = max(r["mem_kib"] for r in rs)
print("largest router:", worst, "KiB")
sys.exit(worst > 16)'; }
check "each router with two interfaces costs at most 16 KiB" small
cat "$CHECK_OUT"

# through K: VM ports onto router K's networks; h1 reaches h2 through it, and it was K
# that resolved h2 (its neighbour entry is on K's second network).
through() {
	local k=$1
	vg dp port detach vm1 >/dev/null 2>&1
	vg dp port detach vm2 >/dev/null 2>&1
	vg dp port attach vm1 --network "a$k" && vg dp port attach vm2 --network "b$k" || return 1
	ip netns exec "$(topo_ns h1)" ip neigh flush all
	ip netns exec "$(topo_ns h2)" ip neigh flush all
	ping_ok h1 10.2.0.20 || return 1
	vg dp neigh list | grep -E "^b$k +10.2.0.20 .*reachable"
}
for k in $((RANDOM % N + 1)) $((RANDOM % N + 1)) $((RANDOM % N + 1)) "$N"; do
	check "h1 reaches h2 through router t$k of $N" through "$k"
done

# A router deleted and made again among thousands keeps routing.
remake() {
	local k=$((RANDOM % N + 1))
	printf '%s\n' "dp router interface del t$k a$k" "dp router interface del t$k b$k" \
		"dp router del t$k" "dp router add t$k" \
		"dp router interface add t$k a$k 10.1.0.1/24" \
		"dp router interface add t$k b$k 10.2.0.1/24" | vg --batch - || return 1
	through "$k"
}
check "a router deleted and added again routes" remake
