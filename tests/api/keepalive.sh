#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# HTTP/1.1 keep-alive: clients reuse one connection for many requests, and
# a connection kept alive between requests is bounded by the idle timeout,
# not cut at the header deadline; the next request's headers get that
# deadline from their first byte.
#  - curl with several URLs on one command line reuses its connection;
#  - python http.client: 100 requests of several kinds (token validation,
#    create/show/delete, 404, 401, 400) on one connection, never closed;
#  - a connection silent for 2.5x the header deadline still answers;
#  - a request trickled after that silence is closed one header deadline
#    after its first byte (the slow-loris protection still holds);
#  - the same three over HTTPS (the first byte is seen below TLS).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KA="$PY $(dirname "$0")/keepalive.py"

start_controller --header-timeout 1
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"

curl -sv -o /dev/null -o /dev/null -o /dev/null -H "X-Auth-Token: $tok" \
	"$T_URL/identity" "$T_URL/network/v2.0/networks" "$T_URL/identity/v3" 2>"$T_DIR/curl.err" ||
	fail "curl with three URLs failed: $(cat "$T_DIR/curl.err")"
reused=$(grep -c 'Re-using existing connection' "$T_DIR/curl.err" || true)
connected=$(grep -c '^\* Connected to' "$T_DIR/curl.err" || true)
[ "$reused" = 2 ] && [ "$connected" = 1 ] ||
	fail "curl: $connected connections, $reused reuses for 3 URLs: $(grep '^\*' "$T_DIR/curl.err")"
pass "curl: 3 URLs on one connection"

# client_checks N: as the admin, over $T_SCHEME, with a 1-s header deadline.
client_checks() {
	local tok out
	tok=$(token admin "$T_ADMIN_PW" admin)
	[ -n "$tok" ] || fail "$T_SCHEME: no admin token"
	out=$($KA "$T_PORT" "$tok" many "$1" 2>&1) || fail "$T_SCHEME http.client: $out"
	pass "$T_SCHEME http.client: $out"
	out=$($KA "$T_PORT" "$tok" idle 2.5 2>&1) || fail "$T_SCHEME idle keep-alive: $out"
	pass "$T_SCHEME, header deadline 1 s: $out"
	out=$($KA "$T_PORT" "$tok" trickle 1.5 1 2>&1) || fail "$T_SCHEME trickle after idle: $out"
	pass "$T_SCHEME, header deadline 1 s: $out"
}

client_checks 100
req GET /network/v2.0/networks "$tok"
expect_status 200 "the controller after the keep-alive checks"

# Over TLS: bytes_received counts records, so the same holds.
"$ROOT/tools/make-certs.sh" "$T_DIR/certs" >/dev/null || fail "make-certs.sh failed"
kill "$T_PID" && wait "$T_PID" 2>/dev/null || true
export CURL_CA_BUNDLE="$T_DIR/certs/ca.pem" KA_CA="$T_DIR/certs/ca.pem"
T_SCHEME=https
start_controller --header-timeout 1 --tls-cert "$T_DIR/certs/server.pem" \
	--tls-key "$T_DIR/certs/server-key.pem"
client_checks 20
