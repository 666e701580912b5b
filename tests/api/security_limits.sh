#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The controller bounds what one client can make it hold (issue 16): the
# memory of concurrent password checks, the length of stored strings, the
# nesting of stored JSON, and sort keys it does not know.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
admin_tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$admin_tok" ] || fail "no admin token"

# --- Concurrent wrong passwords: memory stays bounded -------------------
rss_kb() { awk '$1 == "VmHWM:" {print $2}' "/proc/$T_PID/status"; }
before=$(rss_kb)
"$PY" - "$T_URL" >"$T_DIR/storm.out" <<'EOF'
import json, sys, threading, urllib.request, urllib.error
url = sys.argv[1] + "/identity/v3/auth/tokens"
body = json.dumps({"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": "wrong"}}}}}).encode()
codes = []
lock = threading.Lock()
start = threading.Barrier(200)
def one():
    start.wait()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=60)
        code = 201
    except urllib.error.HTTPError as e:
        code = e.code
    except Exception as e:
        code = "error:" + type(e).__name__
    with lock:
        codes.append(code)
threads = [threading.Thread(target=one) for _ in range(200)]
for t in threads: t.start()
for t in threads: t.join()
print(" ".join(str(c) for c in sorted(codes, key=str)))
EOF
after=$(rss_kb)
codes=$(cat "$T_DIR/storm.out")
echo "peak RSS before $before kB, after 200 concurrent wrong passwords $after kB"
n401=$(tr ' ' '\n' <<<"$codes" | grep -c '^401$' || true)
others=$(tr ' ' '\n' <<<"$codes" | grep -vcE '^(401|429)$' || true)
echo "answers: $n401 x 401, $(tr ' ' '\n' <<<"$codes" | grep -c '^429$' || true) x 429, $others other"
[ "$others" = 0 ] || fail "wrong passwords got answers other than 401/429: $codes"
[ "$n401" -ge 1 ] || fail "no wrong password was checked at all"
# Four checks at a time of 19 MiB each, plus what the process had.
[ "$after" -le $((before + 160 * 1024)) ] ||
	fail "200 concurrent wrong passwords took the controller from $before kB to $after kB"
[ -n "$(token admin "$T_ADMIN_PW" admin)" ] || fail "the right password fails after the storm"
pass "200 concurrent wrong passwords: 401/429 only, peak memory +$(((after - before) / 1024)) MiB"

# --- Stored strings are bounded ------------------------------------------
long() { head -c "$1" /dev/zero | tr '\0' "${2:-a}"; }
req POST /network/v2.0/networks "$admin_tok" "{\"network\": {\"name\": \"$(long 255)\"}}"
expect_status 201 "a 255-character network name"
req POST /network/v2.0/networks "$admin_tok" "{\"network\": {\"name\": \"$(long 256)\"}}"
expect_neutron_error 400 "a 256-character network name"
printf '{"network": {"name": "%s"}}' "$(long 1048000)" >"$T_DIR/huge.json"
R_STATUS=$(curl -s -o "$T_DIR/huge.out" -w '%{http_code}' -X POST -H "X-Auth-Token: $admin_tok" \
	-H 'Content-Type: application/json' --data-binary @"$T_DIR/huge.json" "$T_URL/network/v2.0/networks")
R_BODY=$(cat "$T_DIR/huge.out")
expect_neutron_error 400 "a 1 MiB network name"
req POST /network/v2.0/networks "$admin_tok" "{\"network\": {\"name\": \"x\", \"description\": \"$(long 256)\"}}"
expect_neutron_error 400 "a 256-character description"
# 255 characters of two bytes each: characters count, not bytes.
req POST /network/v2.0/security-groups "$admin_tok" "{\"security_group\": {\"name\": \"$(printf 'é%.0s' $(seq 255))\"}}"
expect_status 201 "a name of 255 two-byte characters"
req POST /identity/v3/projects "$admin_tok" "{\"project\": {\"name\": \"$(long 65)\"}}"
expect_keystone_error 400 "a 65-character project name"
req POST /identity/v3/domains "$admin_tok" "{\"domain\": {\"name\": \"$(long 65)\"}}"
expect_keystone_error 400 "a 65-character domain name"
req POST /identity/v3/projects "$admin_tok" "{\"project\": {\"name\": \"$(long 64)\"}}"
expect_status 201 "a 64-character project name"
req POST /identity/v3/projects "$admin_tok" "{\"project\": {\"name\": \"d\", \"description\": \"$(long 256)\"}}"
expect_keystone_error 400 "a 256-character project description"
pass "names and descriptions: Neutron 255, Keystone 64 for projects and domains, in characters"

# --- Stored JSON nesting is bounded ---------------------------------------
req POST /network/v2.0/networks "$admin_tok" '{"network": {"name": "nest"}}'
expect_status 201 "network for nesting"
net=$(jget "$R_BODY" 'j["network"]["id"]')
deep=$("$PY" -c 'print("[" * 2000 + "]" * 2000)')
req POST /network/v2.0/ports "$admin_tok" "{\"port\": {\"network_id\": \"$net\", \"extra_dhcp_opts\": $deep}}"
expect_neutron_error 400 "2,000 levels of nesting in extra_dhcp_opts"
req POST /network/v2.0/ports "$admin_tok" "{\"port\": {\"network_id\": \"$net\", \"binding:profile\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {}}}}}}}}}"
expect_neutron_error 400 "seven levels of objects in binding:profile"
req POST /network/v2.0/ports "$admin_tok" "{\"port\": {\"network_id\": \"$net\", \"extra_dhcp_opts\": [{\"opt_name\": \"mtu\", \"opt_value\": \"1400\"}]}}"
expect_status 201 "an ordinary extra_dhcp_opts"
os port list -f value -c ID >/dev/null || fail "the CLI cannot read the port list"
pass "nesting: deep documents refused; the CLI still reads every port list"

# --- Sort keys ---------------------------------------------------------
req GET "/network/v2.0/networks?sort_key=no_such_attribute" "$admin_tok"
expect_neutron_error 400 "an unknown sort_key"
req GET "/network/v2.0/networks?sort_key=name&sort_dir=asc" "$admin_tok"
expect_status 200 "a known sort_key"
req GET "/network/v2.0/ports?sort_key=created_at" "$admin_tok"
expect_status 200 "a standard sort_key"
pass "unknown sort_key is 400"
