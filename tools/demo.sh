#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make run`: the dataplane with a small demo topology a newcomer can watch.
# Four namespaces ("VMs") on two VLAN networks; they ping within their
# network and fail across. Ctrl-C stops everything and removes what it made.
set -uo pipefail
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
TOPO_PREFIX=vgdemo
. "$(dirname "$0")/lib/topo.sh"

STATE=$(mktemp -d /tmp/virga-demo.XXXXXX)
SOCK="$STATE/dataplane.sock"
TOPO_LOG="$STATE/dataplane.log"
vg() { "$BUILD/tools/virga/virga" --socket "$SOCK" "$@"; }
finish() {
	echo
	echo "== stopping: dataplane, namespaces and veths go away"
	topo_cleanup
	rm -rf "$STATE"
}
trap finish EXIT
trap 'exit 0' INT TERM

[ "$(id -u)" -eq 0 ] || { echo "make run needs root (namespaces, af_packet)" >&2; exit 1; }
topo_cleanup_stale() { for ns in $(ip netns list | awk '/^vgdemo-/{print $1}'); do ip netns del "$ns"; done; }
topo_cleanup_stale

echo "== four namespaces: red-1, red-2 on VLAN 100; blue-1, blue-2 on VLAN 200"
topo_host r1 02:00:00:00:01:01 10.100.0.1/24
topo_host r2 02:00:00:00:01:02 10.100.0.2/24
topo_host b1 02:00:00:00:02:01 10.100.0.11/24
topo_host b2 02:00:00:00:02:02 10.100.0.12/24

echo "== starting virga-dataplane (no hugepages, 1 worker), socket $SOCK"
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add red --type vlan --physnet physnet1 --vid 100 >/dev/null
vg dp network add blue --type vlan --physnet physnet1 --vid 200 >/dev/null
i=0
for h in r1 r2 b1 b2; do
	vg dp port add "$h" "net_af_packet$i,iface=$(topo_if "$h")" >/dev/null
	i=$((i + 1))
done
vg dp port attach r1 --network red
vg dp port attach r2 --network red
vg dp port attach b1 --network blue
vg dp port attach b2 --network blue
vg dp port security r1 on --mac 02:00:00:00:01:01 --ip 10.100.0.1
vg dp port security r2 on --mac 02:00:00:00:01:02 --ip 10.100.0.2
vg dp port security b1 on --mac 02:00:00:00:02:01 --ip 10.100.0.11
vg dp port security b2 on --mac 02:00:00:00:02:02 --ip 10.100.0.12
echo
vg dp network list
echo
vg dp port list

ping_from() {
	if ip netns exec "$(topo_ns "$1")" ping -c 1 -W 1 "$2" >/dev/null; then
		echo "   $1 -> $2: reply"
	else
		echo "   $1 -> $2: no reply"
	fi
}
echo
echo "== same network answers; across networks (same subnet!) nothing leaks"
ping_from r1 10.100.0.2
ping_from b1 10.100.0.12
ping_from r1 10.100.0.11
echo
vg dp mac list
echo
echo "== pinging every second; try in another shell:"
echo "   $BUILD/tools/virga/virga --socket $SOCK dp stats"
echo "   $BUILD/tools/virga/virga --socket $SOCK dp trace on; ... dp trace show"
echo "   Ctrl-C to stop."
while true; do
	ip netns exec "$(topo_ns r1)" ping -c 1 -W 1 10.100.0.2 >/dev/null && ok=reply || ok="no reply"
	printf '\r   r1 -> r2: %-8s  %s' "$ok" "$(date +%T)"
	sleep 1
done
