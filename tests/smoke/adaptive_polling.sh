#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Adaptive polling (--idle-sleep): an idle dataplane does not hold a core, and
# one that sleeps wakes for traffic at once: nothing is lost to its naps.
. "$(dirname "$0")/lib.sh"

topo_host a 02:00:00:00:0d:0a 10.40.0.1/24
topo_host b 02:00:00:00:0d:0b 10.40.0.2/24
quiet_ipv6 a b
TOPO_IDLE_SLEEP_US=1000 topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
DP_PID=${TOPO_PIDS[-1]}
vg dp network add n1 --type flat >/dev/null
vg dp port add a "net_af_packet0,iface=$(topo_if a)" >/dev/null
vg dp port add b "net_af_packet1,iface=$(topo_if b)" >/dev/null
vg dp port attach a --network n1
vg dp port attach b --network n1
vg dp port security a on --mac 02:00:00:00:0d:0a --ip 10.40.0.1
vg dp port security b on --mac 02:00:00:00:0d:0b --ip 10.40.0.2

# cpu_ticks: user + system clock ticks the dataplane has used, all its threads.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$DP_PID/stat"; }
idle_share() {
	local t0 t1 hz
	hz=$(getconf CLK_TCK)
	sleep 1 # past the last frame's 200 us of polling, and the start-up
	t0=$(cpu_ticks)
	sleep 3
	t1=$(cpu_ticks)
	echo "idle: $((t1 - t0)) ticks in 3 s ($hz a second)"
	# Polling takes a core: 3 s of ticks. Adaptive, a worker asleep 1 ms at a time
	# and the control thread take a few percent; a quarter of a core is the bound.
	[ $((t1 - t0)) -lt $((3 * hz / 4)) ]
}
check "an idle dataplane uses less than a quarter of a core" idle_share
check "a sleeping worker wakes for the first ping" ping_ok a 10.40.0.2
flood() {
	local out
	out=$(ip netns exec "$(topo_ns a)" ping -f -c 2000 -W 1 10.40.0.2) || return 1
	echo "$out" | tail -2
	grep -q " 0% packet loss" <<<"$out"
}
check "2,000 flood pings pass without a loss" flood
