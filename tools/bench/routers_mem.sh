#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# routers_mem.sh DATAPLANE CLI N...: for each N, a fresh dataplane's resident and
# reserved memory (VmRSS, VmSize) before and after N routers, each with two /24
# interfaces and 10 routes, the programming time (one `virga --batch` of all the
# commands), and what the routers say they hold (the sum of router list's MEM_KIB).
DP=$1; CLI=$2; shift 2
S=/tmp/rmem.$$.sock
B=/tmp/rmem.$$.batch
L=/tmp/rmem.$$.log
# (The EAL leaves its runtime directory behind: removed too.)
trap 'kill $P 2>/dev/null; rm -rf $S $B $L /var/run/dpdk/virga-rmem$$' EXIT
mb() { awk -v k="$1" '$1 == k":" { printf "%d", $2 / 1024 }' /proc/$P/status; }
printf '| routers | reserved (VmSize) | resident (VmRSS) | programming | routers hold |\n'
printf '|---:|---:|---:|---:|---:|\n'
for N in "$@"; do
	$DP --socket $S --name rmem$$ --idle-sleep 1000 >$L 2>&1 &
	P=$!
	for _ in $(seq 100); do [ -S $S ] && break; sleep 0.1; done
	for i in $(seq 1 "$N"); do
		a=$((i / 250)); b=$((i % 250))
		echo "dp network add l$i --type vxlan --vni $((1000 + 2 * i))"
		echo "dp network add r$i --type vxlan --vni $((1001 + 2 * i))"
		echo "dp router add rt$i"
		echo "dp router interface add rt$i l$i 10.$a.$b.1/24"
		echo "dp router interface add rt$i r$i 172.$((16 + a)).$b.1/24"
		for k in $(seq 1 10); do echo "dp route add rt$i 192.168.$k.0/24 via 172.$((16 + a)).$b.254"; done
	done >$B
	v0=$(mb VmSize); r0=$(mb VmRSS)
	t0=$(date +%s.%N)
	$CLI --socket $S --batch $B >/dev/null || echo "(the batch stopped early)"
	t1=$(date +%s.%N)
	kib=$($CLI --socket $S --json dp router list |
		/usr/bin/python3 -c 'import json, sys; print(sum(r["mem_kib"] for r in json.load(sys.stdin)))')
	printf '| %d | %d → %d MB | %d → %d MB | %.2f s | %d KiB |\n' "$N" "$v0" "$(mb VmSize)" \
		"$r0" "$(mb VmRSS)" "$(echo "$t1 - $t0" | bc)" "$kib"
	kill $P; wait $P 2>/dev/null
	rm -f $S
done
