#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What tempest's identity suite found Keystone does and Virga did not: a
# project_id on a user or group is an extra attribute, kept; an endpoint's
# legacy "region" makes the region it names; PUT /v3/regions/{id} creates
# with that id; a user, group or project in a missing domain is 404; a
# member reads the domain of its project (and no other); an admin changes
# a user's password with the original one (POST .../password), a member
# still only their own.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
proj=$(os project show admin -f value -c id)

req POST /identity/v3/users "$tok" "{\"user\": {\"name\": \"u1\", \"project_id\": \"$proj\", \"password\": \"pw-1\"}}"
expect_status 201 "user with a project_id"
uid=$(jget "$R_BODY" 'j["user"]["id"]')
[ "$(jget "$R_BODY" 'j["user"]["project_id"]')" = "$proj" ] || fail "user project_id not returned: $R_BODY"
req PATCH "/identity/v3/users/$uid" "$tok" '{"user": {"project_id": "elsewhere"}}'
expect_status 200 "user update of project_id"
req GET "/identity/v3/users/$uid" "$tok"
[ "$(jget "$R_BODY" 'j["user"]["project_id"]')" = elsewhere ] || fail "user project_id not kept: $R_BODY"
req POST /identity/v3/groups "$tok" "{\"group\": {\"name\": \"g1\", \"project_id\": \"$proj\"}}"
expect_status 201 "group with a project_id"
pass "a project_id on a user or group is kept as an extra attribute"

req POST /identity/v3/endpoints "$tok" '{"endpoint": {"service_id": "neutron", "interface": "public", "url": "http://192.0.2.9", "region": "Legacy"}}'
expect_status 201 "endpoint with a legacy region"
req GET /identity/v3/regions/Legacy "$tok"
expect_status 200 "the legacy region was made"
req POST /identity/v3/endpoints "$tok" '{"endpoint": {"service_id": "neutron", "interface": "public", "url": "http://192.0.2.9", "region_id": "Nowhere"}}'
expect_keystone_error 400 "a region_id must exist"
req PUT /identity/v3/regions/Chosen "$tok" '{"region": {"description": "put"}}'
expect_status 201 "PUT region"
[ "$(jget "$R_BODY" 'j["region"]["id"]')" = Chosen ] || fail "PUT region id: $R_BODY"
req PUT /identity/v3/regions/Chosen "$tok" '{"region": {}}'
expect_keystone_error 409 "PUT of an existing region"
pass "a legacy region is made, PUT creates a region with its id"

for kind in user group project; do
	req POST "/identity/v3/${kind}s" "$tok" "{\"$kind\": {\"name\": \"lost-$kind\", \"domain_id\": \"0123456789abcdef0123456789abcdef\"}}"
	expect_keystone_error 404 "$kind in a missing domain"
done
pass "a user, group or project in a missing domain is 404"

os project create p2 >/dev/null
os user create --project p2 --password pw-2 u2 >/dev/null
os role add --project p2 --user u2 member
tok2=$(token u2 pw-2 p2)
req GET /identity/v3/domains/default "$tok2"
expect_status 200 "a member reads its project's domain"
os domain create d2 >/dev/null
req GET "/identity/v3/domains/$(os domain show d2 -f value -c id)" "$tok2"
expect_keystone_error 403 "a member reads another domain"
pass "a member reads its project's domain, and no other"

req POST "/identity/v3/users/$uid/password" "$tok" '{"user": {"original_password": "wrong", "password": "pw-new"}}'
expect_keystone_error 401 "admin with a wrong original password"
req POST "/identity/v3/users/$uid/password" "$tok" '{"user": {"original_password": "pw-1", "password": "pw-new"}}'
expect_status 204 "admin changes a user's password with the original"
os role add --project admin --user u1 member
[ -n "$(token u1 pw-new admin)" ] || fail "the new password does not work"
req POST "/identity/v3/users/$uid/password" "$tok2" '{"user": {"original_password": "pw-new", "password": "x"}}'
expect_keystone_error 403 "a member changes another's password"
pass "an admin changes a password with the original one; a member only their own"
