#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keystone's catalog as real objects: regions, services and endpoints that
# `openstack region|service|endpoint list|create|set|delete` drive, the
# token's catalog built from them (project substituted, disabled ones out),
# the controller's own services put back with its new address at restart,
# operators' additions kept; refusals as Keystone's (400, 403). Group
# names: a rename onto another group's name is 409, over 64 characters 400.
# Attributes Keystone does not define, on users, groups and the catalog's
# objects, are kept and returned as Keystone keeps them. A user changes
# their own password (`openstack user password set`), which ends their
# tokens; a wrong original password is 401, another user's 403. Auth with
# no scope gives the user's default project where the user has a role.
# Deleting a domain deletes its projects, users and groups. /v3/auth/domains
# and /v3/auth/system answer. A project acting as a domain (is_domain) is a
# domain, through either API.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
proj=$(os project show admin -f value -c id)

[ "$(os service list -f value -c Name | sort | tr '\n' ' ')" = "cinder cinderv3 glance keystone neutron nova " ] ||
	fail "service list: $(os service list -f value)"
[ "$(os service show neutron -f value -c type)" = network ] || fail "service show neutron"
[ "$(os endpoint list -f value -c ID | wc -l)" = 18 ] || fail "endpoint list: $(os endpoint list -f value)"
[ "$(os endpoint list --service neutron --interface public -f value -c URL)" = "$T_URL/network" ] ||
	fail "endpoint list --service --interface"
[ "$(os region list -f value -c Region)" = RegionOne ] || fail "region list"
pass "service, endpoint and region list show what the controller serves"

os region create --description "second site" RegionTwo >/dev/null
os region create --parent-region RegionTwo RegionTwoA >/dev/null
[ "$(os region show RegionTwoA -f value -c parent_region)" = RegionTwo ] || fail "child region"
os service create --name swift --description objects object-store >/dev/null
ep=$(os endpoint create --region RegionTwo swift public 'http://192.0.2.1:8080/v1/AUTH_$(project_id)s' -f value -c id)
[ "$(os endpoint show "$ep" -f value -c region)" = RegionTwo ] || fail "endpoint region"
cat_json=$(os catalog show object-store -f json)
grep -q "http://192.0.2.1:8080/v1/AUTH_$proj" <<<"$cat_json" ||
	fail "the token's catalog lacks the new endpoint with the project substituted: $cat_json"
os endpoint set --disable "$ep"
cat_json=$(os catalog show object-store -f json)
grep -q "192.0.2.1" <<<"$cat_json" && fail "a disabled endpoint is in the catalog: $cat_json"
os endpoint set --enable --url http://192.0.2.2:8080/v1 "$ep"
cat_json=$(os catalog show object-store -f json)
grep -q "http://192.0.2.2:8080/v1" <<<"$cat_json" ||
	fail "endpoint set --url: $cat_json; $(os endpoint show "$ep" -f json)"
pass "region, service and endpoint create/set; the catalog follows"

tok=$(token admin "$T_ADMIN_PW" admin)
req POST /identity/v3/endpoints "$tok" '{"endpoint": {"interface": "sideways", "service_id": "swift", "url": "http://x"}}'
expect_keystone_error 400 "unknown interface"
req POST /identity/v3/endpoints "$tok" '{"endpoint": {"interface": "public", "service_id": "nope", "url": "http://x"}}'
expect_keystone_error 400 "missing service"
req POST /identity/v3/endpoints "$tok" '{"endpoint": {"interface": "public", "service_id": "neutron", "url": "http://x", "region_id": "Atlantis"}}'
expect_keystone_error 400 "missing region"
req POST /identity/v3/services "$tok" '{"service": {"name": "typeless"}}'
expect_keystone_error 400 "service without a type"
req POST /identity/v3/regions "$tok" '{"region": {"id": "RegionTwo"}}'
expect_keystone_error 409 "duplicate region id"
req DELETE /identity/v3/regions/RegionTwo "$tok"
expect_keystone_error 403 "region with a child region and an endpoint"
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
u2=$(token u2 pw2 p2)
req GET /identity/v3/services "$u2"
expect_keystone_error 403 "a member lists services"
req POST /identity/v3/services "$u2" '{"service": {"type": "x"}}'
expect_keystone_error 403 "a member creates a service"
pass "refusals: 400 bad endpoint or service, 409 duplicate region, 403 in-use region and members"

# Restart elsewhere: the controller's endpoints move, the operator's stay.
kill "$T_PID"; wait "$T_PID" 2>/dev/null || true
T_PID=""
T_PORT=$(free_port)
start_controller
[ "$(os endpoint list --service keystone --interface public -f value -c URL)" = "$T_URL/identity" ] ||
	fail "endpoints did not move to the new address"
[ "$(os endpoint list --service swift -f value -c URL)" = http://192.0.2.2:8080/v1 ] ||
	fail "the operator's endpoint did not survive a restart"
os service delete swift
[ "$(count /identity/v3/endpoints endpoints "$(token admin "$T_ADMIN_PW" admin)")" = 18 ] ||
	fail "a deleted service left its endpoints"
os region delete RegionTwoA
os region delete RegionTwo
[ "$(os region list -f value -c Region)" = RegionOne ] || fail "regions left after delete"
pass "restart moves the controller's endpoints and keeps the rest; deletes cascade"

# Group names (Keystone: unique in the domain, at most 64 characters).
os group create g1 >/dev/null
os group create g2 >/dev/null
g2=$(os group show g2 -f value -c id)
tok=$(token admin "$T_ADMIN_PW" admin)
req PATCH "/identity/v3/groups/$g2" "$tok" '{"group": {"name": "g1"}}'
expect_keystone_error 409 "group renamed onto another's name"
long=$(printf 'g%.0s' $(seq 1 65))
req PATCH "/identity/v3/groups/$g2" "$tok" "{\"group\": {\"name\": \"$long\"}}"
expect_keystone_error 400 "group name over 64 characters"
req POST /identity/v3/groups "$tok" "{\"group\": {\"name\": \"$long\"}}"
expect_keystone_error 400 "new group name over 64 characters"
[ "$(os group show g2 -f value -c name)" = g2 ] || fail "a refused rename changed the group"
pass "group rename conflict 409, names over 64 characters 400"

# Extra attributes (Keystone's additionalProperties) are kept.
req POST /identity/v3/users "$tok" '{"user": {"name": "ext", "shoe_size": 44, "team": {"name": "net"}}}'
expect_status 201 "user with extra attributes"
uid=$(jget "$R_BODY" 'j["user"]["id"]')
[ "$(jget "$R_BODY" 'j["user"]["shoe_size"]')" = 44 ] || fail "extra attribute not answered: $R_BODY"
req PATCH "/identity/v3/users/$uid" "$tok" '{"user": {"shoe_size": 45, "email": "e@example.org"}}'
expect_status 200 "update an extra attribute"
req GET "/identity/v3/users/$uid" "$tok"
[ "$(jget "$R_BODY" '[j["user"]["shoe_size"], j["user"]["team"]["name"]]')" = '[45, "net"]' ] ||
	fail "extra attributes not kept: $R_BODY"
os group create --description d g3 >/dev/null
g3=$(os group show g3 -f value -c id)
req PATCH "/identity/v3/groups/$g3" "$tok" '{"group": {"colour": "blue"}}'
expect_status 200 "group extra attribute"
[ "$(os group show g3 -f json | jget "$(cat)" 'j["colour"]')" = blue ] || fail "group extra not shown by the CLI"
req POST /identity/v3/services "$tok" '{"service": {"type": "x-thing", "owner": "ops"}}'
expect_status 201 "service with an extra attribute"
[ "$(jget "$R_BODY" 'j["service"]["owner"]')" = ops ] || fail "service extra: $R_BODY"
req PATCH "/identity/v3/users/$uid" "$tok" '{"user": {"revision_number": 1}}'
expect_keystone_error 400 "an attribute the store writes"
pass "extra attributes on users, groups and services are kept"

# A user changes their own password (openstack user password set).
os project create p3 >/dev/null
os user create --project p3 --password old-pw-3 u3 >/dev/null
os role add --project p3 --user u3 member
u3_id=$(os user show u3 -f value -c id)
u3_old=$(token u3 old-pw-3 p3)
[ -n "$u3_old" ] || fail "no token for u3"
OS_USERNAME=u3 OS_PASSWORD=old-pw-3 OS_PROJECT_NAME=p3 \
	os user password set --original-password old-pw-3 --password new-pw-3 ||
	fail "openstack user password set"
[ -n "$(token u3 new-pw-3 p3)" ] || fail "the new password does not work"
[ -z "$(token u3 old-pw-3 p3)" ] || fail "the old password still works"
req GET /network/v2.0/networks "$u3_old"
expect_neutron_error 401 "a token from before the change"
u3_new=$(token u3 new-pw-3 p3)
req POST "/identity/v3/users/$u3_id/password" "$u3_new" '{"user": {"original_password": "wrong", "password": "x"}}'
expect_keystone_error 401 "a wrong original password"
req POST "/identity/v3/users/$u3_id/password" "$u3_new" '{"user": {"password": "x"}}'
expect_keystone_error 400 "no original password"
req POST "/identity/v3/users/$uid/password" "$u3_new" '{"user": {"original_password": "a", "password": "x"}}'
expect_keystone_error 403 "another user's password"
[ -n "$(token u3 new-pw-3 p3)" ] || fail "a refused change altered the password"
pass "a user changes their own password; old tokens and password stop working"

# No scope asked for: the user's default project, if the user has a role there.
auth_body() {
	printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},"password":"%s"}}}%s}}' "$1" "$2" "${3:-}"
}
req POST /identity/v3/auth/tokens "" "$(auth_body u3 new-pw-3)"
expect_status 201 "auth with no scope"
[ "$(jget "$R_BODY" 'j["token"].get("project", {}).get("name")')" = p3 ] ||
	fail "no scope did not give the default project: $R_BODY"
[ "$(jget "$R_BODY" '[r["name"] for r in j["token"]["roles"]]')" = '["member"]' ] || fail "roles: $R_BODY"
req POST /identity/v3/auth/tokens "" "$(auth_body u3 new-pw-3 ',"scope":"unscoped"')"
expect_status 201 "explicitly unscoped auth"
[ "$(jget "$R_BODY" '"project" in j["token"]')" = False ] || fail "explicitly unscoped got a project: $R_BODY"
os user create --project p3 --password pw-4 u4 >/dev/null # no role on p3
req POST /identity/v3/auth/tokens "" "$(auth_body u4 pw-4)"
expect_status 201 "no scope, no role on the default project"
[ "$(jget "$R_BODY" '"project" in j["token"]')" = False ] || fail "scoped without a role: $R_BODY"
pass "no scope: the default project where the user has a role, else unscoped"

# Deleting a domain deletes its projects, users and groups.
os domain create d1 >/dev/null
os project create --domain d1 dp >/dev/null
os user create --domain d1 --password pw-d du >/dev/null
os group create --domain d1 dg >/dev/null
os role add --project dp --project-domain d1 --user du --user-domain d1 member
du_id=$(os user show --domain d1 du -f value -c id)
d1_id=$(os domain show d1 -f value -c id)
os domain set --disable d1
os domain delete d1
tok=$(token admin "$T_ADMIN_PW" admin)
req GET "/identity/v3/users/$du_id" "$tok"
expect_keystone_error 404 "a user of a deleted domain"
for kind in projects users groups; do
	[ "$(count "/identity/v3/$kind?domain_id=$d1_id" "$kind" "$tok")" = 0 ] ||
		fail "$kind of the deleted domain remain"
done
req GET "/identity/v3/role_assignments?user.id=$du_id" "$tok"
[ "$(jget "$R_BODY" 'len(j["role_assignments"])')" = 0 ] || fail "assignments remain: $R_BODY"
pass "deleting a domain deletes its projects, users, groups and their assignments"

# /v3/auth/domains and /v3/auth/system: what the token's user may scope to.
os domain create d2 >/dev/null
os user create --password pw-5 u5 >/dev/null
os role add --domain d2 --user u5 member
u5_tok=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$(auth_body u5 pw-5)" \
	"$T_URL/identity/v3/auth/tokens" | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" {print $2}')
[ -n "$u5_tok" ] || fail "no unscoped token for u5"
req GET /identity/v3/auth/domains "$u5_tok"
expect_status 200 "auth/domains"
[ "$(jget "$R_BODY" '[d["name"] for d in j["domains"]]')" = '["d2"]' ] || fail "auth/domains: $R_BODY"
req GET /identity/v3/auth/projects "$u5_tok"
[ "$(jget "$R_BODY" 'len(j["projects"])')" = 0 ] || fail "auth/projects: $R_BODY"
req GET /identity/v3/auth/system "$u5_tok"
expect_status 200 "auth/system"
[ "$(jget "$R_BODY" 'j["system"]')" = '[]' ] || fail "auth/system: $R_BODY"
pass "auth/domains lists the domains the user has roles on; auth/system is empty"

# Projects acting as domains (is_domain): one is a domain, read, changed and
# deleted through either API; lists of projects leave domains out unless
# asked for with is_domain=true.
tok=$(token admin "$T_ADMIN_PW" admin)
req POST /identity/v3/projects "$tok" '{"project": {"name": "pd1", "is_domain": true, "domain_id": null}}'
expect_status 201 "a project acting as a domain"
pd=$(jget "$R_BODY" 'j["project"]["id"]')
[ "$(jget "$R_BODY" '(j["project"]["is_domain"], j["project"]["domain_id"], j["project"]["parent_id"])')" = \
	"(True, None, None)" ] || fail "is_domain project: $R_BODY"
req GET "/identity/v3/domains/$pd" "$tok"
[ "$(jget "$R_BODY" 'j["domain"]["name"]')" = pd1 ] || fail "the domain of an is_domain project: $R_BODY"
req GET "/identity/v3/projects?is_domain=true" "$tok"
[ "$(jget "$R_BODY" 'str(sorted(p["name"] for p in j["projects"] if p["is_domain"]))')" = "['Default', 'd2', 'pd1']" ] ||
	fail "is_domain=true lists the domains: $R_BODY"
req GET /identity/v3/projects "$tok"
[ "$(jget "$R_BODY" '[p["name"] for p in j["projects"] if p["is_domain"] or p["id"] == "'"$pd"'"]')" = "[]" ] ||
	fail "a plain project list shows domains: $R_BODY"
req POST /identity/v3/projects "$tok" "{\"project\": {\"name\": \"inpd\", \"domain_id\": \"$pd\"}}"
expect_status 201 "a project in the domain project"
pass "a project with is_domain true is a domain, listed by is_domain=true only, and holds projects"

req POST /identity/v3/projects "$tok" '{"project": {"name": "pd2", "is_domain": true, "domain_id": "default"}}'
expect_keystone_error 400 "an is_domain project in a domain"
req POST /identity/v3/projects "$tok" "{\"project\": {\"name\": \"pd3\", \"is_domain\": true, \"domain_id\": null, \"parent_id\": \"$proj\"}}"
expect_keystone_error 400 "an is_domain project under a parent"
req PATCH "/identity/v3/projects/$pd" "$tok" '{"project": {"is_domain": false}}'
expect_keystone_error 400 "is_domain updated"
req DELETE "/identity/v3/projects/$pd" "$tok"
expect_keystone_error 403 "deleting an enabled domain project"
req PATCH "/identity/v3/projects/$pd" "$tok" '{"project": {"enabled": false, "description": "off"}}'
expect_status 200 "disabling the domain project"
req GET "/identity/v3/domains/$pd" "$tok"
[ "$(jget "$R_BODY" '(j["domain"]["enabled"], j["domain"]["description"])')" = "(False, 'off')" ] ||
	fail "the update through projects is not the domain's: $R_BODY"
req DELETE "/identity/v3/projects/$pd" "$tok"
expect_status 204 "deleting the disabled domain project"
req GET "/identity/v3/domains/$pd" "$tok"
expect_keystone_error 404 "the deleted domain project's domain"
[ "$(count "/identity/v3/projects?name=inpd" projects "$tok")" = 0 ] || fail "its project remains"
pass "is_domain projects: 400 for a domain or parent or an is_domain change, 403 while enabled, then deleted with its projects"
