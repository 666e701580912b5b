#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Hostile URIs get an HTTP answer, never a shortcut or a dropped connection:
# an encoded NUL (%00) in the path makes it match nothing (404, so
# /networks/%00 is not the list and /networks/ID%00junk not the network,
# and a DELETE of it deletes nothing), one in a query value is refused
# (400) rather than cut short, a thousand fields= parameters are answered,
# and more parameters, a longer URI or too many headers get a 4xx.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"
req POST /network/v2.0/networks "$tok" '{"network": {"name": "n1"}}'
expect_status 201 "create n1"
net=$(jget "$R_BODY" 'j["network"]["id"]')

req GET /network/v2.0/networks/%00 "$tok"
expect_neutron_error 404 "GET /networks/%00"
req GET "/network/v2.0/networks/$net%00junk" "$tok"
expect_neutron_error 404 "GET /networks/ID%00junk"
req PUT "/network/v2.0/networks/$net%00junk" "$tok" '{"network": {"name": "renamed"}}'
expect_neutron_error 404 "PUT /networks/ID%00junk"
req DELETE "/network/v2.0/networks/$net%00" "$tok"
expect_neutron_error 404 "DELETE /networks/ID%00"
req GET "/network/v2.0/networks/$net" "$tok"
expect_status 200 "n1 after the %00 requests"
[ "$(jget "$R_BODY" 'j["network"]["name"]')" = n1 ] || fail "n1 changed: $R_BODY"
req GET "/identity/v3/projects/%00" "$tok"
expect_keystone_error 404 "GET /identity/v3/projects/%00"
pass "a %00 in the path matches no route and no object (404), n1 untouched"

req GET "/network/v2.0/networks?name=n1%00junk" "$tok"
expect_neutron_error 400 "a %00 in a query value"
req GET "/network/v2.0/networks?na%00me=n1" "$tok"
expect_neutron_error 400 "a %00 in a query key"
req GET "/network/v2.0/networks?name=n1%2500" "$tok"
expect_status 200 "an escaped percent before 00 is no NUL"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 0 ] || fail "name=n1%2500 matched n1: $R_BODY"
pass "a %00 in the query is refused (400), not cut short"

fields=$("$PY" -c 'print("&".join(["fields=id"] * 1000))')
req GET "/network/v2.0/networks?$fields" "$tok"
expect_status 200 "1,000 fields=id"
[ "$(jget "$R_BODY" '[sorted(n) for n in j["networks"]]')" = '[["id"]]' ] ||
	fail "1,000 fields=id: not just the id: $R_BODY"
pass "1,000 fields= parameters are answered (200, only id)"

# 1,500 parameters in 13 kB: too many, but not too long.
fields=$("$PY" -c 'print("&".join(["fields=id"] * 1500))')
req GET "/network/v2.0/networks?$fields" "$tok"
expect_neutron_error 400 "1,500 fields=id"
pass "more parameters get a 400 NeutronError"
req GET "/network/v2.0/networks?name=$(head -c 20000 /dev/zero | tr '\0' a)" "$tok"
expect_neutron_error 414 "a 20 kB URI"
pass "a longer URI gets a 414 NeutronError (RFC 9110 15.5.15)"

# Past what MHD can hold at all, it answers itself (414, 431): still an
# answer, not a connection closed without a word.
T_PORT="$T_PORT" T_TOK="$tok" "$PY" - <<'PYEOF' || fail "oversized requests (see above)"
import os, socket, sys

def status_of(data):
    s = socket.create_connection(("127.0.0.1", int(os.environ["T_PORT"])), timeout=10)
    s.sendall(data)
    out = b""
    try:
        while b"\r\n" not in out:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    s.close()
    return out.split(b"\r\n", 1)[0].decode(errors="replace")

tok = os.environ["T_TOK"]
checks = [
    ("a 300 kB URI", b"GET /network/v2.0/networks?name=" + b"a" * 300000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "414"),
    ("3,000 headers", b"GET /network/v2.0/networks HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + tok.encode() +
        b"\r\n" + b"".join(b"X-Pad-%d: p\r\n" % i for i in range(3000)) + b"\r\n", "431"),
    ("1,024 parameters and 100 kB of headers", b"GET /network/v2.0/networks?" +
        b"&".join([b"fields=" + b"i" * 6] * 1024) + b" HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 100000 +
        b"\r\n\r\n", "431"),
]
bad = 0
for what, data, want in checks:
    line = status_of(data)
    if line.split(" ")[1:2] != [want]:
        print("FAIL: %s: expected HTTP %s, got %r" % (what, want, line or "a closed connection"))
        bad += 1
    else:
        print("ok: %s -> %s" % (what, line))
sys.exit(1 if bad else 0)
PYEOF
req GET /network/v2.0/networks "$tok"
expect_status 200 "still serving after the oversized requests"
pass "oversized requests get MHD's 414/431, and the controller serves on"
