# SPDX-License-Identifier: Apache-2.0
# Shared by the smoke tests: checks that count, and a dataplane with its
# namespaces that is torn down whatever happens.
set -uo pipefail

BUILD=${BUILD:?BUILD must name the build directory}
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/topo.sh"

SMOKE_DIR=$(mktemp -d /tmp/virga-smoke.XXXXXX)
SOCK="$SMOKE_DIR/dp.sock"
TOPO_LOG="$SMOKE_DIR/dataplane.log"
CHECK_OUT="$SMOKE_DIR/out"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

smoke_exit() {
	local rc=$?
	topo_cleanup
	if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- dataplane log ---"
		cat "$TOPO_LOG" 2>/dev/null | tail -30
	fi
	rm -rf "$SMOKE_DIR"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$PASSED" -gt 0 ]
	exit $?
}
trap smoke_exit EXIT
trap 'exit 130' INT TERM

vg() { "$BUILD/tools/virga/virga" --socket "$SOCK" "$@"; }

# vhost_beside_host NET HOST PORT SOCKET: a flat network NET with two ports on
# it, HOST's veth (af_packet, see topo_host) and PORT, a vhost-user port on
# SOCKET; their port security is left to the caller.
vhost_beside_host() {
	vg dp network add "$1" --type flat >/dev/null &&
		vg dp port add "$2" "net_af_packet0,iface=$(topo_if "$2")" >/dev/null &&
		vg dp port add "$3" --vhost-user "$4" >/dev/null &&
		vg dp port attach "$2" --network "$1" &&
		vg dp port attach "$3" --network "$1"
}

# stop_gently PID: SIGTERM, five seconds to exit, then SIGKILL; reaped.
stop_gently() {
	kill -TERM "$1" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# drops REASON: the dataplane's drop counter for REASON.
drops() {
	vg --json dp stats | /usr/bin/python3 -c '
import json, sys
doc = json.load(sys.stdin)
print(next(d["packets"] for d in doc["drops"] if d["name"] == sys.argv[1]))' "$1"
}

# grew BEFORE REASON MIN: the counter rose by at least MIN since BEFORE.
grew() {
	local now
	now=$(drops "$2")
	echo "$2: $1 -> $now"
	[ "$now" -ge $(($1 + $3)) ]
}

# quiet_ipv6 HOST...: no IPv6 from these hosts (MLD reports, router solicitations),
# whose floods would resolve neighbours before a test means them to be.
quiet_ipv6() {
	local h
	for h in "$@"; do
		ip netns exec "$(topo_ns "$h")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
}

ping_ok() { ip netns exec "$(topo_ns "$1")" ping -c 2 -i 0.2 -W 1 "${@:2}"; }
