#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `make run`'s all-in-one node (tools/allinone.sh) as a user meets it: it
# starts, prints the OS_* variables (HTTPS, with OS_CACERT naming the CA it
# made), the openstack CLI works with them and a port turns ACTIVE in its
# dataplane; Ctrl-C stops all three processes and (SIGTERM here) leaves no
# process, veth, socket or DPDK runtime directory behind.
set -uo pipefail
BUILD=${BUILD:?BUILD must name the build directory}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=$(mktemp -d /tmp/virga-allinone.XXXXXX)
RUNTIME=/var/run/dpdk/virga-virga-allinone
CHECK_OUT="$DIR/check.out"
. "$ROOT/tests/lib/checks.sh"
RUN_PID=""

finish() {
	local rc=$?
	if [ -n "$RUN_PID" ] && kill -0 "$RUN_PID" 2>/dev/null; then
		kill -TERM "$RUN_PID"
		for _ in $(seq 100); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 -- -"$RUN_PID" 2>/dev/null
	fi
	if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		tail -n 20 "$DIR"/run.out "$DIR"/state/*.log 2>/dev/null
	fi
	rm -rf "$DIR"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$PASSED" -gt 0 ]
	exit $?
}
trap finish EXIT
[ -e "$RUNTIME" ] && { echo "an all-in-one node is running here already ($RUNTIME)"; exit 1; }
PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NODE="allin$$"
# Its own session, so that the whole group can be killed if it does not stop.
VIRGA_STATE_DIR="$DIR/state" VIRGA_LISTEN="127.0.0.1:$PORT" VIRGA_NODE="$NODE" \
	setsid "$ROOT/tools/allinone.sh" "$BUILD" >"$DIR/run.out" 2>&1 &
RUN_PID=$!

started() { for _ in $(seq 300); do grep -q "Paste these" "$DIR/run.out" && return 0; sleep 0.1; done; return 1; }
check "the all-in-one node starts and prints the OS_* variables" started
eval "$(grep '^export OS_' "$DIR/run.out")"
check "it serves HTTPS and prints OS_CACERT, its own CA" \
	bash -c '[[ $OS_AUTH_URL == https://* ]] && [ -s "$OS_CACERT" ] && [ "$OS_CACERT" = "$0/state/tls/ca.pem" ]' "$DIR"
check "the CA's and the server's keys are 0600" \
	bash -c '[ "$(stat -c %a "$0"/state/tls/ca-key.pem "$0"/state/tls/server-key.pem)" = "600
600" ]' "$DIR"
os() { /usr/bin/openstack "$@"; }
check "the openstack CLI authenticates with them" os token issue
check "the tiny guest is the image service's virga-tiny, active" \
	bash -c '[ "$(openstack image show virga-tiny -f value -c status)" = active ]'
check "and the default flavors are there" bash -c 'openstack flavor show m1.tiny >/dev/null'

check "a network and a subnet are created" \
	bash -c 'openstack network create demo >/dev/null && openstack subnet create --network demo --subnet-range 10.77.0.0/24 demo-sub >/dev/null'
PORT_ID=$(os port create --network demo --host "$NODE" p1 -f value -c id)
active() {
	for _ in $(seq 100); do
		[ "$(os port show "$PORT_ID" -f value -c status)" = ACTIVE ] && return 0
		sleep 0.2
	done
	os port show "$PORT_ID"
	return 1
}
check "a port on the node turns ACTIVE once its dataplane has it" active
VETH="vg${PORT_ID:0:11}"
check "the agent made the port's veth" ip link show "$VETH"

# SIGTERM: a background job of a non-interactive shell starts with SIGINT ignored,
# which bash cannot trap; the script stops the same way on both.
kill -TERM "$RUN_PID"
stopped() { for _ in $(seq 150); do kill -0 "$RUN_PID" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
check "it stops on SIGTERM (as on Ctrl-C)" stopped
none_left() { ! pgrep -f "$DIR/state" >/dev/null; }
check "no controller, dataplane or agent of it is left" none_left
check "its veth is gone" bash -c "! ip link show $VETH 2>/dev/null"
check "the dataplane's socket is gone" test ! -e "$DIR/state/dataplane.sock"
check "the DPDK runtime directory is gone" test ! -e "$RUNTIME"
