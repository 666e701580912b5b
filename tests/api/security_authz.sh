#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The controller's authorization, tried as an attacker would (issue 16):
# unscoped tokens act as nobody, a member cannot attach a port to another
# project's router, cannot choose addresses or network:* owners on networks
# it does not own, cannot renew a token forever, and cannot tell an unknown
# user from a wrong password by the time the answer takes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller --token-ttl 30

os project create p1 >/dev/null
os project create p2 >/dev/null
os user create --project p1 --password pw-one u1 >/dev/null
os user create --project p2 --password pw-two u2 >/dev/null
os user create --password pw-none u0 >/dev/null # no role anywhere
os role add --project p1 --user u1 member
os role add --project p2 --user u2 member

# unscoped_token USER PASSWORD: a token with no scope, as Keystone issues it
# when asked explicitly (with no scope at all a user with a default project
# gets a token scoped to it).
unscoped_token() {
	local body
	body=$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},"password":"%s"}}},"scope":"unscoped"}}' "$1" "$2")
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$body" \
		"$T_URL/identity/v3/auth/tokens" | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" {print $2}'
}

admin_tok=$(token admin "$T_ADMIN_PW" admin)
u1_tok=$(token u1 pw-one p1)
u2_tok=$(token u2 pw-two p2)
u0_tok=$(unscoped_token u0 pw-none)
[ -n "$admin_tok" ] && [ -n "$u1_tok" ] && [ -n "$u2_tok" ] && [ -n "$u0_tok" ] ||
	fail "could not get tokens"

# The admin's external network and a shared network, each with a subnet.
req POST /network/v2.0/networks "$admin_tok" '{"network": {"name": "ext", "router:external": true}}'
expect_status 201 "admin creates an external network"
ext=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/subnets "$admin_tok" "{\"subnet\": {\"network_id\": \"$ext\", \"cidr\": \"203.0.113.0/24\", \"ip_version\": 4}}"
expect_status 201 "external subnet"
req POST /network/v2.0/networks "$admin_tok" '{"network": {"name": "shared", "shared": true}}'
expect_status 201 "admin creates a shared network"
shared=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/subnets "$admin_tok" "{\"subnet\": {\"network_id\": \"$shared\", \"cidr\": \"10.50.0.0/24\", \"ip_version\": 4}}"
expect_status 201 "shared subnet"
shared_sub=$(jget "$R_BODY" 'j["subnet"]["id"]')

# p1's router with a gateway on the external network, and a floating IP.
req POST /network/v2.0/routers "$u1_tok" "{\"router\": {\"name\": \"r1\", \"external_gateway_info\": {\"network_id\": \"$ext\"}}}"
expect_status 201 "p1 creates a router with a gateway"
r1=$(jget "$R_BODY" 'j["router"]["id"]')
p1=$(jget "$R_BODY" 'j["router"]["project_id"]')
req POST /network/v2.0/floatingips "$u1_tok" "{\"floatingip\": {\"floating_network_id\": \"$ext\"}}"
expect_status 201 "p1 allocates a floating IP"
fip=$(jget "$R_BODY" 'j["floatingip"]["id"]')

# --- Unscoped tokens act as nobody -------------------------------------
req GET "/network/v2.0/ports?device_id=$r1" "$admin_tok"
gw_port=$(jget "$R_BODY" 'j["ports"][0]["id"]')
[ "$(jget "$R_BODY" 'j["ports"][0]["project_id"]')" = "$p1" ] ||
	fail "the router's gateway port does not belong to the router's project: $R_BODY"
req GET "/network/v2.0/ports?device_id=$fip" "$admin_tok"
[ "$(jget "$R_BODY" 'j["ports"][0]["project_id"]')" = "$p1" ] ||
	fail "the floating IP's port does not belong to the floating IP's project: $R_BODY"
pass "gateway and floating-IP ports belong to the router's and floating IP's project"

for t in "$u0_tok" "$(unscoped_token u1 pw-one)"; do
	req GET /network/v2.0/ports "$t"
	expect_neutron_error 403 "unscoped token lists ports"
	req PUT "/network/v2.0/ports/$gw_port" "$t" '{"port": {"name": "mine"}}'
	expect_neutron_error 403 "unscoped token renames a gateway port"
	req PUT "/network/v2.0/ports/$gw_port" "$t" '{"port": {"device_owner": "compute:nova"}}'
	expect_neutron_error 403 "unscoped token changes a gateway port's device_owner"
	req DELETE "/network/v2.0/ports/$gw_port" "$t"
	expect_neutron_error 403 "unscoped token deletes a gateway port"
	req POST /network/v2.0/networks "$t" '{"network": {"name": "nobodys"}}'
	expect_neutron_error 403 "unscoped token creates a network"
	req PUT "/network/v2.0/routers/$r1/add_router_interface" "$t" "{\"subnet_id\": \"$shared_sub\"}"
	expect_neutron_error 403 "unscoped token adds a router interface"
done
req GET "/network/v2.0/ports/$gw_port" "$admin_tok"
expect_status 200 "gateway port still there"
[ "$(jget "$R_BODY" 'j["port"]["device_owner"]')" = network:router_gateway ] || fail "gateway port changed"
[ "$(jget "$R_BODY" 'j["port"]["name"]')" = "" ] || fail "gateway port renamed"
req GET "/network/v2.0/networks?name=nobodys" "$admin_tok"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 0 ] || fail "a network owned by nobody was created"
# The owner itself may not repurpose the ports the router API made.
req PUT "/network/v2.0/ports/$gw_port" "$u1_tok" '{"port": {"device_owner": "compute:nova"}}'
expect_neutron_error 403 "owner changes its gateway port's device_owner"
pass "unscoped tokens: 403 on every Neutron call; managed ports keep their owner"

# --- Router hijack through device_owner/device_id ----------------------
req POST /network/v2.0/networks "$u2_tok" '{"network": {"name": "n2"}}'
expect_status 201 "p2 network"
n2=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/subnets "$u2_tok" "{\"subnet\": {\"network_id\": \"$n2\", \"cidr\": \"10.60.0.0/24\", \"ip_version\": 4}}"
expect_status 201 "p2 subnet"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$n2\", \"device_owner\": \"network:router_interface\", \"device_id\": \"$r1\"}}"
expect_neutron_error 409 "p2 creates an interface port on p1's router"
[ "$(jget "$R_BODY" 'j["NeutronError"]["type"]')" = DeviceIDNotOwnedByTenant ] || fail "not DeviceIDNotOwnedByTenant: $R_BODY"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$n2\"}}"
expect_status 201 "p2 plain port"
p2port=$(jget "$R_BODY" 'j["port"]["id"]')
req PUT "/network/v2.0/ports/$p2port" "$u2_tok" "{\"port\": {\"device_owner\": \"network:router_interface\", \"device_id\": \"$r1\"}}"
expect_neutron_error 409 "p2 turns its port into an interface of p1's router"
req PUT "/network/v2.0/ports/$p2port" "$u2_tok" "{\"port\": {\"device_id\": \"$r1\"}}"
expect_neutron_error 409 "p2 points its port's device_id at p1's router"
req GET "/network/v2.0/ports?device_id=$r1&device_owner=network:router_interface" "$admin_tok"
[ "$(jget "$R_BODY" 'len(j["ports"])')" = 0 ] || fail "p1's router got an interface from p2: $R_BODY"
req PUT "/network/v2.0/routers/$r1" "$u1_tok" '{"router": {"external_gateway_info": null}}'
expect_status 200 "p1 clears its gateway"
req DELETE "/network/v2.0/floatingips/$fip" "$u1_tok"
expect_status 204 "p1 releases its floating IP"
req DELETE "/network/v2.0/routers/$r1" "$u1_tok"
expect_status 204 "p1 deletes its router"
pass "router hijack: 409 DeviceIDNotOwnedByTenant, the victim's router stays its own"

# --- Ports on networks the member does not own --------------------------
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$ext\", \"fixed_ips\": [{\"ip_address\": \"203.0.113.77\"}]}}"
expect_neutron_error 403 "member chooses an address on the external network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$ext\"}}"
expect_neutron_error 403 "member creates a port on the external network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$shared\", \"fixed_ips\": [{\"ip_address\": \"10.50.0.77\"}]}}"
expect_neutron_error 403 "member chooses an address on a shared network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$shared\", \"device_owner\": \"network:dhcp\"}}"
expect_neutron_error 403 "member creates a network:dhcp port on a shared network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$shared\", \"port_security_enabled\": false}}"
expect_neutron_error 403 "member turns port security off on a shared network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$shared\", \"fixed_ips\": [{\"subnet_id\": \"$shared_sub\"}]}}"
expect_status 201 "member takes an address from IPAM on a shared network"
shared_port=$(jget "$R_BODY" 'j["port"]["id"]')
req PUT "/network/v2.0/ports/$shared_port" "$u2_tok" '{"port": {"fixed_ips": [{"ip_address": "10.50.0.78"}]}}'
expect_neutron_error 403 "member moves its shared-network port to an address of its choosing"
req POST /network/v2.0/floatingips "$admin_tok" "{\"floatingip\": {\"floating_network_id\": \"$ext\", \"floating_ip_address\": \"203.0.113.77\"}}"
expect_status 201 "the admin's floating IP address is still free"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$n2\", \"fixed_ips\": [{\"ip_address\": \"10.60.0.9\"}], \"device_owner\": \"network:dhcp\"}}"
expect_status 201 "on its own network the member chooses addresses and owners"
pass "ports on networks the member does not own: 403 for addresses, owners, port security"

# --- Tokens keep their expiry when re-scoped ----------------------------
# token_doc BODY: sets R_STATUS/R_BODY for POST /v3/auth/tokens.
token_doc() {
	R_STATUS=$(curl -s -o "$T_DIR/tok.json" -D "$T_DIR/tok.hdr" -w '%{http_code}' \
		-H 'Content-Type: application/json' -d "$1" "$T_URL/identity/v3/auth/tokens")
	R_BODY=$(cat "$T_DIR/tok.json")
	R_TOKEN=$(tr -d '\r' <"$T_DIR/tok.hdr" | awk 'tolower($1) == "x-subject-token:" {print $2}')
}
token_doc '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u1","domain":{"id":"default"},"password":"pw-one"}}}}}'
expect_status 201 "password token"
first_exp=$(jget "$R_BODY" 'j["token"]["expires_at"]')
[ "$(jget "$R_BODY" 'j["token"]["methods"]')" = '["password"]' ] || fail "a password token's methods: $R_BODY"
sleep 2
tok=$R_TOKEN
for _ in 1 2; do
	token_doc "{\"auth\":{\"identity\":{\"methods\":[\"token\"],\"token\":{\"id\":\"$tok\"}},\"scope\":{\"project\":{\"name\":\"p1\",\"domain\":{\"id\":\"default\"}}}}}"
	expect_status 201 "token-method token"
	[ "$(jget "$R_BODY" 'j["token"]["expires_at"]')" = "$first_exp" ] ||
		fail "re-scoping renewed the token: $first_exp -> $(jget "$R_BODY" 'j["token"]["expires_at"]')"
	# Keystone: the token's methods and its parent's, each once.
	[ "$(jget "$R_BODY" 'j["token"]["methods"]')" = '["token", "password"]' ] ||
		fail "a rescoped token's methods: $R_BODY"
	tok=$R_TOKEN
done
R_STATUS=$(curl -s -o "$T_DIR/tok.json" -w '%{http_code}' -H "X-Auth-Token: $tok" -H "X-Subject-Token: $tok" \
	"$T_URL/identity/v3/auth/tokens")
expect_status 200 "validating the rescoped token"
[ "$(jget "$(cat "$T_DIR/tok.json")" 'j["token"]["methods"]')" = '["token", "password"]' ] ||
	fail "the validated rescoped token's methods: $(cat "$T_DIR/tok.json")"
pass "a token from the token method expires when the original does ($first_exp), and lists both methods"

# --- An unknown or disabled user costs what a wrong password costs ------
os user create --password pw-off --disable u-off >/dev/null
# auth_ms USER PASSWORD: milliseconds one password authentication takes.
auth_ms() {
	local body
	body=$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},"password":"%s"}}}}}' "$1" "$2")
	curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' -d "$body" \
		"$T_URL/identity/v3/auth/tokens" | awk '{printf "%d\n", $1 * 1000}'
}
# Interleaved, so a busy machine slows the three kinds alike; medians of 9.
for _ in 1 2 3 4 5 6 7 8 9; do
	auth_ms u1 not-the-password >>"$T_DIR/wrong.ms"
	auth_ms no-such-user not-the-password >>"$T_DIR/unknown.ms"
	auth_ms u-off pw-off >>"$T_DIR/disabled.ms"
done
median() { sort -n "$1" | sed -n 5p; }
wrong=$(median "$T_DIR/wrong.ms")
unknown=$(median "$T_DIR/unknown.ms")
disabled=$(median "$T_DIR/disabled.ms")
echo "median ms: wrong password $wrong, unknown user $unknown, disabled user $disabled"
[ "$wrong" -ge 5 ] || fail "a password check takes under 5 ms ($wrong ms): is it hashed at all?"
# What leaks is an answer much faster than a wrong password's (~1 ms
# against tens before the dummy hash): each must take a third of it at least.
for t in "$unknown" "$disabled"; do
	[ $((t * 3)) -ge "$wrong" ] ||
		fail "unknown/disabled users are told apart by time: $t ms vs $wrong ms"
done
pass "unknown and disabled users take as long as a wrong password"
