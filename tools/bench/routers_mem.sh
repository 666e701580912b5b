#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# routers_mem.sh DATAPLANE CLI N: the dataplane's resident and reserved memory (VmRSS, VmSize)
# and programming time for N routers, each with two /24 interfaces and 10 routes.
DP=$1; CLI=$2; N=$3
S=/tmp/rmem.$$.sock
$DP --socket $S --name rmem$$ --idle-sleep 1000 >/tmp/rmem.$$.log 2>&1 &
P=$!
for _ in $(seq 100); do [ -S $S ] && break; sleep 0.1; done
vg() { $CLI --socket $S "$@"; }
mem() { awk '/VmRSS|VmSize/ {printf "%s %s MB  ", $1, int($2/1024)}' /proc/$P/status; echo; }
echo -n "start: "; mem
t0=$(date +%s.%N)
for i in $(seq 1 $N); do
	a=$((i / 250)); b=$((i % 250))
	vg dp network add "l$i" --type vxlan --vni $((1000 + 2*i)) >/dev/null
	vg dp network add "r$i" --type vxlan --vni $((1001 + 2*i)) >/dev/null
	vg dp router add "rt$i" >/dev/null || { echo "router $i refused"; break; }
	vg dp router interface add "rt$i" "l$i" 10.$a.$b.1/24
	vg dp router interface add "rt$i" "r$i" 172.$((16 + a)).$b.1/24
	for k in $(seq 1 10); do vg dp route add "rt$i" 192.168.$k.0/24 via 172.$((16 + a)).$b.254 >/dev/null; done
done
t1=$(date +%s.%N)
echo -n "$N routers ($(echo "$t1 - $t0" | bc) s): "; mem
kill $P; wait $P 2>/dev/null; rm -f $S /tmp/rmem.$$.log
