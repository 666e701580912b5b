#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The controller over HTTPS, with certificates from tools/make-certs.sh:
#  - the key files are 0600, a key that is not the certificate's is refused,
#    and the catalog's endpoints say https;
#  - the real openstack CLI works with OS_CACERT, and without it fails on
#    certificate verification (it never talks to an unverified server);
#  - a plain-HTTP request to the TLS port, handshakes cut after 50 bytes
#    (closed, or held open) and 200 idle TLS connections on 4 threads never
#    keep another client from an answer within a second, and the server
#    closes those held open at the header deadline.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

HELPERS=()
stop_helpers() {
	local p
	for p in "${HELPERS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${HELPERS[@]}"; do wait "$p" 2>/dev/null || true; done
	HELPERS=()
}
trap 'stop_helpers; t_cleanup' EXIT

CERTS="$T_DIR/certs"
"$ROOT/tools/make-certs.sh" "$CERTS" >/dev/null || fail "make-certs.sh failed"
CA="$CERTS/ca.pem"
for k in ca-key.pem server-key.pem; do
	[ "$(stat -c %a "$CERTS/$k")" = 600 ] || fail "$k is mode $(stat -c %a "$CERTS/$k"), not 600"
done
before=$(sha256sum "$CERTS/server.pem")
"$ROOT/tools/make-certs.sh" "$CERTS" >/dev/null
[ "$(sha256sum "$CERTS/server.pem")" = "$before" ] || fail "make-certs.sh replaced an existing certificate"
pass "make-certs.sh: a CA and a server certificate, keys 0600, made once"

# A key that is not the certificate's: the controller refuses to start, and says so.
"$ROOT/tools/make-certs.sh" "$T_DIR/other" >/dev/null
refuses_to_start "a key that is not the certificate's" "is --tls-key the key of --tls-cert" \
	--tls-cert "$CERTS/server.pem" --tls-key "$T_DIR/other/server-key.pem"

# curl (lib.sh's helpers) trusts the CA; the CLI below is given it, or not, explicitly.
export CURL_CA_BUNDLE="$CA"
T_SCHEME=https
start_controller --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server-key.pem" \
	--http-threads 4 --header-timeout 3 --max-connections-per-ip 0
[[ $T_URL == https://* ]] || fail "not serving https: $T_URL"
grep -q "^export OS_AUTH_URL=https://127.0.0.1:$T_PORT/identity/v3" "$T_DIR/controller.out" ||
	fail "the controller's OS_AUTH_URL is not https: $(cat "$T_DIR/controller.out")"

body=$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' "$T_ADMIN_PW")
cat=$(curl -s -H 'Content-Type: application/json' -d "$body" "$T_URL/identity/v3/auth/tokens")
urls=$(jget "$cat" '" ".join(e["url"] for s in j["token"]["catalog"] for e in s["endpoints"])')
[ -n "$urls" ] || fail "empty catalog: $cat"
for u in $urls; do
	[[ $u == "https://127.0.0.1:$T_PORT"* ]] || fail "catalog endpoint $u is not https"
done
pass "the catalog's endpoints are https"

# The CLI with OS_CACERT only (no CURL_CA_BUNDLE, which requests would also take).
cli() { env -u CURL_CA_BUNDLE -u REQUESTS_CA_BUNDLE "$@"; }
cli OS_CACERT="$CA" "$OS_CLI" token issue -f value -c id >/dev/null || fail "token issue with OS_CACERT"
cli OS_CACERT="$CA" "$OS_CLI" network create tls-net >/dev/null || fail "network create with OS_CACERT"
[ "$(cli OS_CACERT="$CA" "$OS_CLI" network list -f value -c Name)" = tls-net ] ||
	fail "network list with OS_CACERT does not show tls-net"
pass "the openstack CLI with OS_CACERT: token issue, network create, network list"

if out=$(cli -u OS_CACERT "$OS_CLI" network list 2>&1); then
	fail "the CLI without OS_CACERT talked to a server it cannot verify: $out"
fi
grep -qi "certificate verify failed\|CERTIFICATE_VERIFY_FAILED" <<<"$out" ||
	fail "the CLI without OS_CACERT failed, but not on verification: $out"
pass "without OS_CACERT the CLI refuses: certificate verify failed"

# answered_fast WHAT: the API answers another client within one second.
answered_fast() {
	local out
	out=$(curl -s -o /dev/null -m 1 -w '%{http_code} %{time_total}' "$T_URL/identity") || true
	case "$out" in
	200\ * | 300\ *) echo "${out#* }" ;;
	*) fail "$1: no answer within 1 s (curl: ${out:-nothing})" ;;
	esac
}

# held MODE N WHAT: N clients misusing the port in MODE (tls_clients.py) are
# held while another client is answered, then closed by the server within
# the 3 s header deadline (and a sweep).
held() {
	local mode=$1 n=$2 what=$3 out="$T_DIR/clients.$1" secs closed
	"$PY" "$(dirname "$0")/tls_clients.py" 127.0.0.1 "$T_PORT" "$CA" "$mode" "$n" 8 >"$out" 2>&1 &
	HELPERS+=($!)
	for _ in $(seq 100); do grep -q '^ready\|^could not' "$out" && break; sleep 0.1; done
	grep -q '^ready' "$out" || fail "$what: $(cat "$out")"
	secs=$(answered_fast "beside $what")
	stop_helpers_wait
	closed=$(sed -n 's/^closed \([0-9]*\) of.*/\1/p' "$out")
	[ "$closed" = "$n" ] || fail "$what: the server did not close them: $(tail -1 "$out")"
	pass "$what: another client answered in ${secs}s; all $n gone ($(tail -1 "$out" | sed 's/.* in //'))"
}
stop_helpers_wait() {
	local p
	for p in "${HELPERS[@]}"; do wait "$p" || true; done
	HELPERS=()
}

plain=$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$T_PORT/identity" || true)
[ "$plain" = 000 ] || fail "a plain-HTTP request to the TLS port got HTTP $plain"
answered_fast "after a plain-HTTP request" >/dev/null
pass "a plain-HTTP request to the TLS port gets no HTTP answer; others are answered"

held plain 20 "20 plain-HTTP requests to the TLS port"
held cut 50 "50 handshakes cut after 50 bytes and closed"
held partial 50 "50 handshakes stopped after 50 bytes and held open"
held idle 200 "200 idle TLS connections"

req GET /network/v2.0/networks "$(token admin "$T_ADMIN_PW" admin)"
expect_status 200 "network list after the abuse"
pass "the controller still serves the API after it all"
