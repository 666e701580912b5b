#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Mutual TLS for the node endpoints (--tls-client-ca): a node's agent must
# present a client certificate from the node CA issued to it
# (tools/make-certs.sh --node), on every /internal/v1/nodes/{node}/...
# request, beside the service token:
#  - its own certificate: the feed, the report and the status endpoints
#    answer;
#  - none, another node's, one from another CA, an expired one, a server
#    certificate: 403 with a NeutronError that says which;
#  - the public APIs need none: the openstack CLI works as before;
#  - without --tls-client-ca nothing is asked for (https.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

CERTS="$T_DIR/certs"
"$ROOT/tools/make-certs.sh" "$CERTS" >/dev/null || fail "make-certs.sh"
"$ROOT/tools/make-certs.sh" --node n1 "$CERTS" >/dev/null || fail "make-certs.sh --node n1"
[ "$(stat -c %a "$CERTS/node-n1-key.pem")" = 600 ] || fail "the node key is not 0600"
before=$(sha256sum "$CERTS/node-n1.pem")
"$ROOT/tools/make-certs.sh" --node n1 "$CERTS" >/dev/null
[ "$(sha256sum "$CERTS/node-n1.pem")" = "$before" ] || fail "make-certs.sh --node replaced a certificate"
subject=$(openssl x509 -in "$CERTS/node-n1.pem" -noout -subject -ext extendedKeyUsage)
grep -q "CN = n1" <<<"$subject" && grep -q "TLS Web Client Authentication" <<<"$subject" ||
	fail "the node certificate is not n1's client certificate: $subject"
openssl verify -CAfile "$CERTS/ca.pem" "$CERTS/node-n1.pem" >/dev/null || fail "not signed by the CA"
pass "make-certs.sh --node: n1's client certificate (CN n1, clientAuth) from the CA, key 0600, made once"
if "$ROOT/tools/make-certs.sh" --node "../x" "$CERTS" 2>/dev/null; then fail "a node name with a slash was taken"; fi
pass "make-certs.sh --node refuses a name that is not a plain word"

# Refused certificates: another CA's, an expired one from the right CA.
"$ROOT/tools/make-certs.sh" --node n1 "$T_DIR/other" >/dev/null
mkdir -p "$T_DIR/expired"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$T_DIR/expired/key.pem" -out "$T_DIR/expired/csr" -subj "/CN=n1" 2>/dev/null
printf 'extendedKeyUsage = clientAuth\n' >"$T_DIR/expired/ext"
openssl x509 -req -in "$T_DIR/expired/csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca-key.pem" \
	-set_serial "$RANDOM" -days -1 -extfile "$T_DIR/expired/ext" -out "$T_DIR/expired/cert.pem" 2>/dev/null

refuses_to_start "--tls-client-ca without --tls-cert" "tls-client-ca needs --tls-cert" \
	--tls-client-ca "$CERTS/ca.pem"

export CURL_CA_BUNDLE="$CERTS/ca.pem"
T_SCHEME=https
start_controller --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server-key.pem" \
	--tls-client-ca "$CERTS/ca.pem"
SVC=$(cat "$T_DIR/state/service-token")

# node_req CERT KEY METHOD PATH [BODY]: a node request with the service
# token and (CERT non-empty) a client certificate; sets R_STATUS, R_BODY.
node_req() {
	local cert=$1 key=$2 method=$3 path=$4 body=${5-}
	local -a opts=(-s -o "$T_DIR/node.out" -w '%{http_code}' -X "$method" -H "X-Auth-Token: $SVC")
	[ -n "$cert" ] && opts+=(--cert "$cert" --key "$key")
	[ -n "$body" ] && opts+=(-H 'Content-Type: application/json' --data-binary "$body")
	R_STATUS=$(curl "${opts[@]}" "$T_URL/internal/v1/nodes$path")
	R_BODY=$(cat "$T_DIR/node.out")
}
N1=("$CERTS/node-n1.pem" "$CERTS/node-n1-key.pem")
REPORT='{"agent_type": "Virga agent", "binary": "virga-agent", "configurations": {"tunneling_ip": "192.0.2.1"}}'

node_req "${N1[@]}" GET "/n1/changes?since=0&timeout=0"
expect_status 200 "n1's feed with n1's certificate"
[ "$(jget "$R_BODY" '"l2pop" in j and "revision" in j')" = True ] || fail "not a feed: $R_BODY"
node_req "${N1[@]}" PUT /n1 "$REPORT"
expect_status 201 "n1's report with n1's certificate"
pass "with its own certificate (and the service token) n1 reads its feed and reports"

# refused WHAT TEXT CERT KEY PATH: 403 NodeCertificateRefused whose message has TEXT.
refused() {
	local what=$1 text=$2
	node_req "$3" "$4" GET "$5"
	expect_neutron_error 403 "$what"
	[ "$(jget "$R_BODY" 'j["NeutronError"]["type"]')" = NodeCertificateRefused ] ||
		fail "$what: $R_BODY"
	grep -qF "$text" <<<"$(jget "$R_BODY" 'j["NeutronError"]["message"]')" ||
		fail "$what: the message does not say '$text': $R_BODY"
	pass "$what: 403, \"$text\""
}
refused "no certificate" "none was presented" "" "" "/n1/changes?since=0&timeout=0"
refused "n1's certificate for n2's feed" "issued to node 'n1', not 'n2'" "${N1[@]}" "/n2/changes?since=0&timeout=0"
refused "a certificate from another CA" "The certificate issuer is unknown" \
	"$T_DIR/other/node-n1.pem" "$T_DIR/other/node-n1-key.pem" "/n1/changes?since=0&timeout=0"
refused "an expired certificate from the node CA" "expired" \
	"$T_DIR/expired/cert.pem" "$T_DIR/expired/key.pem" "/n1/changes?since=0&timeout=0"
refused "the server's certificate (not for clients)" "does not match the intended purpose" \
	"$CERTS/server.pem" "$CERTS/server-key.pem" "/n1/changes?since=0&timeout=0"
node_req "" "" PUT /n1 "$REPORT"
expect_neutron_error 403 "a report without a certificate"
node_req "${N1[@]}" PUT /n2 "$REPORT"
expect_neutron_error 403 "a report for n2 with n1's certificate"
node_req "" "" PUT "/n1/ports/x/status" '{"status": "ACTIVE", "applied_rev": 1}'
expect_neutron_error 403 "a status report without a certificate"
pass "reports and status reports are refused the same way"
node_req "${N1[@]}" GET "/n1/changes?since=0&timeout=0"
expect_status 200 "n1's feed after the refusals"
R_STATUS=$(curl -s -o /dev/null -w '%{http_code}' --cert "${N1[0]}" --key "${N1[1]}" \
	"$T_URL/internal/v1/nodes/n1/changes?since=0&timeout=0")
[ "$R_STATUS" = 401 ] || fail "n1's certificate without the service token: HTTP $R_STATUS"
pass "a node certificate alone is not enough: without the service token, 401"

# The public APIs need no client certificate.
export OS_CACERT="$CERTS/ca.pem"
os token issue -f value -c id >/dev/null || fail "token issue without a client certificate"
os network create mtls-net >/dev/null || fail "network create without a client certificate"
pass "the openstack CLI, with no client certificate, works against the same port"
