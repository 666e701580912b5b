#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input gets a 4xx with an OpenStack-shaped error body and leaves the
# database unchanged (same global revision, same list counts); never a 5xx.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
DB="$T_DIR/state/virga.db"

tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"
req POST /network/v2.0/networks "$tok" '{"network": {"name": "n1"}}'
expect_status 201 "create n1"
net=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/subnets "$tok" "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.1.0.0/24\", \"ip_version\": 4}}"
expect_status 201 "create subnet"
sub=$(jget "$R_BODY" 'j["subnet"]["id"]')
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"fixed_ips\": [{\"ip_address\": \"10.1.0.5\"}]}}"
expect_status 201 "create port"

rev0=$(revision)
nets0=$(count /network/v2.0/networks networks "$tok")
subs0=$(count /network/v2.0/subnets subnets "$tok")
ports0=$(count /network/v2.0/ports ports "$tok")

# neutron_bad STATUS WHAT METHOD PATH BODY
neutron_bad() {
	req "$3" "$4" "$tok" "$5"
	expect_neutron_error "$1" "$2"
	pass "$2 -> $1"
}

neutron_bad 400 "malformed JSON" POST /network/v2.0/networks '{"network": {"name": "x"'
neutron_bad 400 "JSON that is not an object" POST /network/v2.0/networks '[1, 2]'
neutron_bad 400 "missing resource key" POST /network/v2.0/networks '{"name": "x"}'
neutron_bad 400 "wrong type" POST /network/v2.0/networks '{"network": {"name": 42}}'
neutron_bad 400 "wrong boolean type" POST /network/v2.0/networks '{"network": {"admin_state_up": "yes"}}'
neutron_bad 400 "unknown field" POST /network/v2.0/networks '{"network": {"name": "x", "colour": "blue"}}'
neutron_bad 400 "read-only field on update" PUT "/network/v2.0/networks/$net" '{"network": {"id": "abc"}}'
neutron_bad 400 "invalid CIDR" POST /network/v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"banana\", \"ip_version\": 4}}"
neutron_bad 400 "CIDR with host bits" POST /network/v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.2.0.1/24\", \"ip_version\": 4}}"
neutron_bad 400 "overlapping subnet" POST /network/v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.1.0.128/25\", \"ip_version\": 4}}"
neutron_bad 400 "gateway outside the subnet" POST /network/v2.0/subnets "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.3.0.0/24\", \"gateway_ip\": \"10.4.0.1\"}}"
neutron_bad 400 "IP outside the subnet" POST /network/v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"fixed_ips\": [{\"subnet_id\": \"$sub\", \"ip_address\": \"10.9.0.5\"}]}}"
neutron_bad 400 "IP on no subnet of the network" POST /network/v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"fixed_ips\": [{\"ip_address\": \"192.0.2.1\"}]}}"
neutron_bad 409 "address already in use" POST /network/v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"fixed_ips\": [{\"ip_address\": \"10.1.0.5\"}]}}"
neutron_bad 400 "bad MAC" POST /network/v2.0/ports "{\"port\": {\"network_id\": \"$net\", \"mac_address\": \"zz:16:3e:00:00:01\"}}"
neutron_bad 404 "port on a missing network" POST /network/v2.0/ports '{"port": {"network_id": "00000000-0000-0000-0000-000000000000"}}'
neutron_bad 409 "deleting a network that has ports" DELETE "/network/v2.0/networks/$net" ''
neutron_bad 409 "deleting a subnet with allocations" DELETE "/network/v2.0/subnets/$sub" ''
neutron_bad 400 "rule with ports but no protocol" POST /network/v2.0/security-group-rules '{"security_group_rule": {"security_group_id": "x", "direction": "ingress", "port_range_min": 22, "port_range_max": 22}}'
neutron_bad 400 "bad page limit" GET "/network/v2.0/networks?limit=-3" ''
neutron_bad 404 "unknown resource" GET /network/v2.0/widgets ''
neutron_bad 405 "unsupported method" PATCH /network/v2.0/networks ''

head -c 2000000 /dev/zero | tr '\0' 'a' >"$T_DIR/big"
R_STATUS=$(curl -s -o "$T_DIR/big.out" -w '%{http_code}' -X POST -H "X-Auth-Token: $tok" \
	-H 'Content-Type: application/json' --data-binary @"$T_DIR/big" "$T_URL/network/v2.0/networks")
R_BODY=$(cat "$T_DIR/big.out")
expect_neutron_error 413 "oversized body"
pass "oversized body -> 413"

[ "$(revision)" = "$rev0" ] || fail "a rejected request changed the database (revision $rev0 -> $(revision))"
[ "$(count /network/v2.0/networks networks "$tok")" = "$nets0" ] || fail "network count changed"
[ "$(count /network/v2.0/subnets subnets "$tok")" = "$subs0" ] || fail "subnet count changed"
[ "$(count /network/v2.0/ports ports "$tok")" = "$ports0" ] || fail "port count changed"
pass "database unchanged after every rejected request"

# Authentication failures: 401 in the service's own error shape.
req GET /network/v2.0/networks ""
expect_neutron_error 401 "missing token"
req GET /network/v2.0/networks "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
expect_neutron_error 401 "unknown token"
req GET /identity/v3/projects ""
expect_keystone_error 401 "missing token (identity)"
req POST /identity/v3/auth/tokens "" '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "wrong"}}}}}'
expect_keystone_error 401 "wrong password"
req POST /identity/v3/auth/tokens "" '{"auth": '
expect_keystone_error 400 "malformed auth JSON"
req POST /identity/v3/projects "$tok" '{"project": {"name": "admin"}}'
expect_keystone_error 409 "duplicate project name"
req POST /identity/v3/users "$tok" '{"user": {"name": "u", "enabled": "yes"}}'
expect_keystone_error 400 "user field of the wrong type"
req POST /identity/v3/users "$tok" '{"user": {"name": "u", "id": "chosen"}}'
expect_keystone_error 400 "user id chosen by the client"
pass "identity errors: 401 missing/unknown/wrong password, 400 malformed/wrong type/own id, 409 duplicate"

tok2=$(token admin "$T_ADMIN_PW" admin)
R_STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "X-Auth-Token: $tok" \
	-H "X-Subject-Token: $tok2" "$T_URL/identity/v3/auth/tokens")
expect_status 204 "revoke a token"
req GET /network/v2.0/networks "$tok2"
expect_neutron_error 401 "revoked token"
pass "revoked token -> 401"

# Expiry: restart on the same state with four-second tokens.
kill "$T_PID"
wait "$T_PID" 2>/dev/null || true
start_controller --token-ttl 4
short=$(token admin "$T_ADMIN_PW" admin)
req GET /network/v2.0/networks "$short"
expect_status 200 "fresh short-lived token"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = "$nets0" ] || fail "state lost across restart"
sleep 5
req GET /network/v2.0/networks "$short"
expect_neutron_error 401 "expired token"
pass "expired token -> 401 (and state kept across a restart)"
grep -q "$T_ADMIN_PW" "$DB" "$T_DIR/controller.err" && fail "the admin password appears in clear"
pass "the password is not stored or logged in clear"
