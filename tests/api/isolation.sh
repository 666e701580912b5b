#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Projects are isolated: a member of another project cannot see or touch the
# first project's resources (404), and cannot use admin-only attributes (403).
# Identity is set up with the real openstack CLI.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller

os project create --description "second tenant" p2 >/dev/null
os user create --project p2 --password pw-two u2 >/dev/null
os role add --project p2 --user u2 member
grep -qx member <<<"$(os role assignment list --user u2 --project p2 --names -f value -c Role)" ||
	fail "role assignment not listed"
grep -qx u2 <<<"$(os user show u2 -f value -c name)" || fail "user show"
[ "$(os project list -f value -c Name | sort | tr '\n' ' ')" = "admin p2 " ] || fail "project list"
pass "identity: project/user create, role add, role assignment list (CLI)"

admin_tok=$(token admin "$T_ADMIN_PW" admin)
u2_tok=$(token u2 pw-two p2)
[ -n "$admin_tok" ] && [ -n "$u2_tok" ] || fail "could not get tokens"

req POST /network/v2.0/networks "$admin_tok" '{"network": {"name": "admin-net"}}'
expect_status 201 "admin creates a network"
admin_net=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/security-groups "$admin_tok" '{"security_group": {"name": "admin-sg"}}'
expect_status 201 "admin creates a group"
admin_sg=$(jget "$R_BODY" 'j["security_group"]["id"]')

req GET "/network/v2.0/networks/$admin_net" "$u2_tok"
expect_neutron_error 404 "member reads another project's network"
req PUT "/network/v2.0/networks/$admin_net" "$u2_tok" '{"network": {"name": "stolen"}}'
expect_neutron_error 404 "member updates another project's network"
req DELETE "/network/v2.0/networks/$admin_net" "$u2_tok"
expect_neutron_error 404 "member deletes another project's network"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$admin_net\"}}"
expect_neutron_error 404 "member creates a port on another project's network"
req GET "/network/v2.0/security-groups/$admin_sg" "$u2_tok"
expect_neutron_error 404 "member reads another project's group"
req GET /network/v2.0/networks "$u2_tok"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 0 ] || fail "member lists another project's networks: $R_BODY"
req GET "/network/v2.0/networks/$admin_net" "$admin_tok"
expect_status 200 "admin network untouched"
[ "$(jget "$R_BODY" 'j["network"]["name"]')" = admin-net ] || fail "admin network changed"
pass "another project's resources are 404 for a member, and unchanged"

req POST /network/v2.0/networks "$u2_tok" \
	'{"network": {"name": "prov", "provider:network_type": "vlan", "provider:physical_network": "physnet1", "provider:segmentation_id": 100}}'
expect_neutron_error 403 "member creates a provider network"
req POST /network/v2.0/networks "$u2_tok" '{"network": {"name": "ext", "router:external": true}}'
expect_neutron_error 403 "member creates an external network"
req GET /identity/v3/users "$u2_tok"
expect_keystone_error 403 "member lists users"
pass "admin-only attributes and identity administration are 403 for a member"

# The member through the real CLI: its own network, no provider attributes.
export OS_USERNAME=u2 OS_PASSWORD=pw-two OS_PROJECT_NAME=p2
os network create mine >/dev/null
[ "$(os network list -f value -c Name)" = mine ] || fail "member sees more than its own network"
if os network create --provider-network-type vlan --provider-physical-network physnet1 \
	--provider-segment 101 prov2 >/dev/null 2>"$T_DIR/err"; then
	fail "member created a provider network through the CLI"
fi
grep -q 403 "$T_DIR/err" || fail "CLI provider network refusal was not a 403: $(cat "$T_DIR/err")"
req GET /network/v2.0/networks "$u2_tok"
[ "$(jget "$R_BODY" '"provider:network_type" in j["networks"][0]')" = False ] ||
	fail "provider attributes shown to a member: $R_BODY"
pass "member CLI: own network only, provider network refused (403), provider attributes hidden"

req GET /network/v2.0/networks "$admin_tok"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 2 ] || fail "admin should see both projects' networks"
pass "admin sees every project"
