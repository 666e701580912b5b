#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# kill -9 the controller in the middle of a stream of creates: after a
# restart every create that got a 2xx is there and the database is sound.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"
acked="$T_DIR/acked"
: >"$acked"

# One fork per create (forks are slow here): responses and status codes go
# to a log, parsed once the stream is over.
create_stream() {
	local i=0
	while :; do
		i=$((i + 1))
		curl -s -m 5 -w '\n%{http_code}\n' -X POST -H "X-Auth-Token: $tok" \
			-H 'Content-Type: application/json' \
			-d "{\"network\": {\"name\": \"stream-$i\"}}" "$T_URL/network/v2.0/networks" \
			>>"$T_DIR/stream.log" || return 0
	done
}

create_stream &
stream=$!
sleep 3
kill9_controller
wait "$stream" || true
# A body line followed by a 201 line is an acknowledged create.
"$PY" - "$T_DIR/stream.log" >"$acked" <<'PYEOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
for body, code in zip(lines, lines[1:]):
    if code == "201":
        print(json.loads(body)["network"]["id"])
PYEOF
n=$(wc -l <"$acked")
[ "$n" -ge 5 ] || fail "only $n creates acknowledged before the kill: the stream did not run"
pass "$n creates acknowledged before kill -9"

[ "$(sqlite3 "$T_DIR/state/virga.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after kill -9"
start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
req GET "/network/v2.0/networks?fields=id" "$tok"
expect_status 200 "list after restart"
have=$(jget "$R_BODY" '"\n".join(n["id"] for n in j["networks"])')
missing=0
while read -r id; do
	grep -qx "$id" <<<"$have" || { echo "lost: $id" >&2; missing=$((missing + 1)); }
done <"$acked"
[ "$missing" = 0 ] || fail "$missing acknowledged creates lost after kill -9"
pass "every acknowledged create survived kill -9"
[ "$(sqlite3 "$T_DIR/state/virga.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check after restart"
pass "PRAGMA integrity_check: ok"
