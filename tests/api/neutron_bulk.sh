#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Neutron's bulk create: a plural body ({"networks": [{...}, {...}]}) makes
# every object in one transaction or none of them (a failure in the second
# leaves no trace of the first), answers 201 with the plural list, and
# counts the whole batch against the quota.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"

req POST /network/v2.0/networks "$tok" '{"networks": [{"name": "bulk-a"}, {"name": "bulk-b", "mtu": 1400}]}'
expect_status 201 "bulk network create"
[ "$(jget "$R_BODY" '[n["name"] for n in j["networks"]]')" = '["bulk-a", "bulk-b"]' ] ||
	fail "bulk create answered $R_BODY"
[ "$(jget "$R_BODY" 'j["networks"][1]["mtu"]')" = 1400 ] || fail "second network's mtu: $R_BODY"
net_a=$(jget "$R_BODY" 'j["networks"][0]["id"]')
net_b=$(jget "$R_BODY" 'j["networks"][1]["id"]')
[ "$(os network show bulk-b -f value -c id)" = "$net_b" ] || fail "bulk-b not stored"
pass "two networks in one request, 201 with the plural list"

req POST /network/v2.0/subnets "$tok" "{\"subnets\": [
	{\"network_id\": \"$net_a\", \"cidr\": \"10.71.0.0/24\", \"ip_version\": 4, \"name\": \"sa\"},
	{\"network_id\": \"$net_b\", \"cidr\": \"10.72.0.0/24\", \"ip_version\": 4, \"name\": \"sb\"}]}"
expect_status 201 "bulk subnet create"
[ "$(jget "$R_BODY" 'len(j["subnets"])')" = 2 ] || fail "bulk subnets: $R_BODY"
pass "two subnets in one request"

req POST /network/v2.0/ports "$tok" "{\"ports\": [{\"network_id\": \"$net_a\", \"name\": \"pa\"},
	{\"network_id\": \"$net_a\", \"name\": \"pb\"}, {\"network_id\": \"$net_b\", \"name\": \"pc\"}]}"
expect_status 201 "bulk port create"
[ "$(jget "$R_BODY" 'len(set(p["fixed_ips"][0]["ip_address"] for p in j["ports"]))')" = 3 ] ||
	fail "bulk ports do not have three distinct addresses: $R_BODY"
pass "three ports in one request, each its own address"

# A failure in a later item rolls back the earlier ones: nothing changes.
rev0=$(revision)
ports0=$(count /network/v2.0/ports ports "$tok")
req POST /network/v2.0/ports "$tok" "{\"ports\": [
	{\"network_id\": \"$net_a\", \"fixed_ips\": [{\"ip_address\": \"10.71.0.50\"}]},
	{\"network_id\": \"$net_a\", \"fixed_ips\": [{\"ip_address\": \"10.71.0.50\"}]}]}"
expect_neutron_error 409 "second port takes the first's address"
[ "$(count /network/v2.0/ports ports "$tok")" = "$ports0" ] || fail "a failed bulk left ports behind"
req POST /network/v2.0/networks "$tok" '{"networks": [{"name": "ok"}, {"name": "bad", "colour": "x"}]}'
expect_neutron_error 400 "second network invalid"
req POST /network/v2.0/subnets "$tok" "{\"subnets\": [
	{\"network_id\": \"$net_a\", \"cidr\": \"10.73.0.0/24\", \"ip_version\": 4},
	{\"network_id\": \"$net_a\", \"cidr\": \"10.73.0.0/25\", \"ip_version\": 4}]}"
expect_neutron_error 400 "second subnet overlaps the first"
req POST /network/v2.0/networks "$tok" '{"networks": []}'
expect_neutron_error 400 "empty list"
req POST /network/v2.0/networks "$tok" '{"networks": {"name": "x"}}'
expect_neutron_error 400 "plural key that is not a list"
[ "$(revision)" = "$rev0" ] || fail "a refused bulk create changed the revision"
os network show ok >/dev/null 2>&1 && fail "network 'ok' of a failed bulk exists"
pass "a failing item anywhere in the list leaves nothing"

# Quotas count the batch: 2 networks exist, the limit is 4.
proj=$(os project show admin -f value -c id)
os quota set --networks 4 "$proj"
req POST /network/v2.0/networks "$tok" '{"networks": [{"name": "q1"}, {"name": "q2"}, {"name": "q3"}]}'
expect_neutron_error 409 "a batch past the quota"
[ "$(jget "$R_BODY" 'j["NeutronError"]["type"]')" = OverQuota ] || fail "not OverQuota: $R_BODY"
[ "$(count /network/v2.0/networks networks "$tok")" = 2 ] || fail "a batch past the quota left networks"
req POST /network/v2.0/networks "$tok" '{"networks": [{"name": "q1"}, {"name": "q2"}]}'
expect_status 201 "a batch up to the quota"
pass "the quota counts the whole batch"
