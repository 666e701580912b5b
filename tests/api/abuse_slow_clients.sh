#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Clients that hold connections open cannot take the API from the others:
#  - change-feed long polls, eight times as many as HTTP threads, hold no
#    thread: other requests are answered at once, the polls outlive the
#    header deadline, end at their own timeout or wake on a write;
#  - 5,000 connections from 127.0.0.1 that trickle their request line a
#    byte a second (past FD_SETSIZE and past the per-address limit) leave a
#    client from 127.0.0.2 answered within a second, and the server closes
#    them at the header deadline, however they trickle.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

HELPERS=()
stop_helpers() {
	local p
	for p in "${HELPERS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${HELPERS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	HELPERS=()
}
trap 'stop_helpers; t_cleanup' EXIT

# answered_fast WHAT CURL_ARGS...: HTTP 200 or 300 within one second.
answered_fast() {
	local what=$1 out
	shift
	out=$(curl -s -o /dev/null -m 1 -w '%{http_code} %{time_total}' "$@") || true
	case "$out" in
	200\ * | 300\ *) ;;
	*) fail "$what: no answer within 1 s (curl: ${out:-nothing})" ;;
	esac
	echo "${out#* }"
}

# polls N TIMEOUT: N long polls on node1 since $rev in the background; poll
# I writes "CODE SECONDS" to poll.I.st and its body to poll.I.
polls() {
	local i
	for i in $(seq 1 "$1"); do
		curl -s -o "$T_DIR/poll.$i" -w '%{http_code} %{time_total}\n' -H "X-Auth-Token: $svc" \
			"$T_URL/internal/v1/nodes/node1/changes?since=$rev&timeout=$2" >"$T_DIR/poll.$i.st" &
		HELPERS+=($!)
	done
}

# polls_answered N MIN_S MAX_S PYEXPR: every poll got 200 after MIN_S..MAX_S
# seconds with a body for which PYEXPR (on j) is true.
polls_answered() {
	local i code secs p
	for p in "${HELPERS[@]}"; do
		wait "$p" || true
	done
	HELPERS=()
	for i in $(seq 1 "$1"); do
		read -r code secs <"$T_DIR/poll.$i.st" || fail "poll $i: no status"
		[ "$code" = 200 ] || fail "poll $i: HTTP $code after ${secs}s"
		"$PY" -c "import sys; sys.exit(not $2 <= float(sys.argv[1]) <= $3)" "$secs" ||
			fail "poll $i: answered after ${secs}s, not within $2..$3 s"
		[ "$(jget "$(cat "$T_DIR/poll.$i")" "$4")" = True ] || fail "poll $i: body $(cat "$T_DIR/poll.$i")"
	done
}

start_controller --http-threads 4 --header-timeout 2
svc=$(cat "$T_DIR/state/service-token")
tok=$(token admin "$T_ADMIN_PW" admin)
req GET "/internal/v1/nodes/node1/changes?since=0&timeout=0" "$svc"
expect_status 200 "initial feed"
rev=$(jget "$R_BODY" 'j["revision"]')

polls 32 4
sleep 0.5
secs=$(answered_fast "a request beside 32 held polls" -H "X-Auth-Token: $tok" "$T_URL/network/v2.0/networks")
polls_answered 32 3.9 6 "j['revision'] == $rev and not j['ports'] and not j['deleted']"
pass "32 long polls on 4 threads: another request answered in ${secs}s; polls outlive a 2 s header deadline and end at their 4 s timeout"

polls 32 20
sleep 1
req POST /network/v2.0/networks "$tok" '{"network": {"name": "wake"}}'
expect_status 201 "the write that wakes the polls"
polls_answered 32 0 5 "j['revision'] > $rev"
pass "a write wakes all 32 held polls at once"

kill "$T_PID"
wait "$T_PID" 2>/dev/null || true
T_PID=""
start_controller --max-connections-per-ip 2000
tok=$(token admin "$T_ADMIN_PW" admin)
answered_fast "127.0.0.2 before the tricklers" --interface 127.0.0.2 "$T_URL/identity" >/dev/null

ST="$T_DIR/trickle"
"$PY" "$(dirname "$0")/trickle.py" 127.0.0.1 "$T_PORT" 5000 1 40 "$ST" &
HELPERS+=($!)
# trickle_field NAME: a number from the helper's status line.
trickle_field() {
	sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$ST" 2>/dev/null
}
for _ in $(seq 1 100); do
	[ "$(trickle_field connected)" = 5000 ] && [ "$(trickle_field open)" -le 2000 ] && break
	kill -0 "${HELPERS[0]}" 2>/dev/null || fail "trickle.py exited: $(cat "$ST" 2>/dev/null)"
	sleep 0.1
done
t0=$(date +%s)
[ "$(trickle_field connected)" = 5000 ] || fail "5,000 tricklers did not connect: $(cat "$ST")"
[ "$(trickle_field open)" -ge 1900 ] && [ "$(trickle_field open)" -le 2000 ] ||
	fail "expected the server to hold 2,000 tricklers and refuse the rest: $(cat "$ST")"
pass "5,000 tricklers from 127.0.0.1: 2,000 held open, the rest refused by the per-address limit"

times=""
for _ in 1 2 3; do
	times+=" $(answered_fast "127.0.0.2 among the tricklers" --interface 127.0.0.2 "$T_URL/identity")"
	times+=" $(answered_fast "127.0.0.2 among the tricklers, authenticated" --interface 127.0.0.2 \
		-H "X-Auth-Token: $tok" "$T_URL/network/v2.0/networks")"
done
[ "$(trickle_field open)" -ge 1900 ] || fail "the tricklers were gone before the checks: $(cat "$ST")"
pass "127.0.0.2 answered 6 times among 2,000 open tricklers (seconds:$times)"

while [ "$(trickle_field open)" != 0 ]; do
	[ $(($(date +%s) - t0)) -le 15 ] || fail "tricklers still open 15 s on: $(cat "$ST")"
	sleep 0.2
done
secs=$(($(date +%s) - t0))
[ "$secs" -ge 8 ] || fail "tricklers closed after ${secs}s, before the 10 s header deadline"
pass "the server closed every trickler at the 10 s header deadline (${secs}s after they connected)"
answered_fast "127.0.0.1 after the tricklers" -H "X-Auth-Token: $tok" "$T_URL/network/v2.0/networks" >/dev/null
pass "127.0.0.1 answered again"
