#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The controller's state stays private and its address its own: the
# database and its -wal/-shm journal are mode 0600 even in a state dir that
# already exists world-readable, a readable database left by an older
# version is tightened, and a state dir the controller creates is 0700. A
# second controller given the same address refuses to start, and the first
# keeps every request.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SECOND=""
trap '[ -z "$SECOND" ] || kill "$SECOND" 2>/dev/null || true; t_cleanup' EXIT

DB="$T_DIR/state/virga.db"

# expect_modes MODE WHAT FILE...: each file exists with that octal mode.
expect_modes() {
	local mode=$1 what=$2 f
	shift 2
	for f in "$@"; do
		[ -e "$f" ] || fail "$what: $f does not exist"
		[ "$(stat -c %a "$f")" = "$mode" ] || fail "$what: $f is mode $(stat -c %a "$f"), not $mode"
	done
}

# write_something WHAT: one write, so the WAL and its index hold data.
write_something() {
	req POST /network/v2.0/networks "$(token admin "$T_ADMIN_PW" admin)" "{\"network\": {\"name\": \"$1\"}}"
	expect_status 201 "$1"
}

mkdir -m 0755 "$T_DIR/state"
start_controller
write_something "first write"
expect_modes 600 "in a pre-existing 0755 state dir" "$DB" "$DB-wal" "$DB-shm"
expect_modes 755 "the operator's own state dir" "$T_DIR/state"
pass "database, -wal and -shm are 0600 in a pre-existing 0755 state dir"

kill9_controller
chmod 0644 "$DB" "$DB-wal" "$DB-shm"
start_controller
write_something "after restart"
expect_modes 600 "after a restart over readable files" "$DB" "$DB-wal" "$DB-shm"
pass "a restart makes a readable database, -wal and -shm 0600 again"

kill9_controller
rm -rf "$T_DIR/state"
start_controller
write_something "fresh state dir"
expect_modes 700 "a state dir the controller creates" "$T_DIR/state"
expect_modes 600 "in a fresh state dir" "$DB" "$DB-wal" "$DB-shm" "$T_DIR/state/service-token"
pass "a state dir the controller creates is 0700, its files 0600"

"$VIRGA_CONTROLLER" --state-dir "$T_DIR/state2" --listen "127.0.0.1:$T_PORT" \
	--admin-password other >/dev/null 2>"$T_DIR/second.err" &
SECOND=$!
for _ in $(seq 1 50); do
	kill -0 "$SECOND" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$SECOND" 2>/dev/null && fail "a second controller on 127.0.0.1:$T_PORT is still running after 5 s"
rc=0
wait "$SECOND" || rc=$?
SECOND=""
[ "$rc" -ne 0 ] || fail "a second controller on the same address exited 0"
grep -q "127.0.0.1:$T_PORT: Address already in use" "$T_DIR/second.err" ||
	fail "no clear message from the second controller: $(cat "$T_DIR/second.err")"
tok=$(token admin "$T_ADMIN_PW" admin)
for i in $(seq 1 20); do
	req GET /network/v2.0/networks "$tok"
	expect_status 200 "request $i to the first controller"
done
pass "a second controller on the same address exits $rc ($(tail -n 1 "$T_DIR/second.err")); the first answers 20 of 20"
