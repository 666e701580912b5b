#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keystone objects Virga keeps for others: credentials (an EC2 one needs a
# project; they go with their user), policy blobs, OAuth1 consumers (with a
# secret Keystone makes), endpoint groups (filters on service_id,
# region_id, interface only), each created, listed under its own key,
# shown, updated and deleted, admin only. Project tags through their API,
# each change kept: one added, checked, listed, replaced, deleted; a tag
# with "," is 400. A PATCH that sends the object's own id back is taken.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
proj=$(os project show admin -f value -c id)
os user create --project admin --password pw-1 u1 >/dev/null
os role add --project admin --user u1 member
uid=$(os user show u1 -f value -c id)
tok1=$(token u1 pw-1 admin)

# crud PATH LIST_KEY MEMBER BODY UPDATE ATTR VALUE: the five verbs on one object.
crud() {
	local path=$1 key=$2 member=$3 body=$4 update=$5 attr=$6 value=$7 id
	req POST "/identity/v3/$path" "$tok" "{\"$member\": $body}"
	expect_status 201 "create $member"
	id=$(jget "$R_BODY" "j['$member']['id']")
	req GET "/identity/v3/$path" "$tok"
	expect_status 200 "list $path"
	[ "$(jget "$R_BODY" "[o['id'] for o in j['$key']]")" = "[\"$id\"]" ] || fail "list $path: $R_BODY"
	req PATCH "/identity/v3/$path/$id" "$tok" "{\"$member\": $update}"
	expect_status 200 "update $member"
	req GET "/identity/v3/$path/$id" "$tok"
	[ "$(jget "$R_BODY" "j['$member']['$attr']")" = "$value" ] || fail "$member not updated: $R_BODY"
	req GET "/identity/v3/$path" "$tok1"
	expect_keystone_error 403 "a member lists $path"
	req DELETE "/identity/v3/$path/$id" "$tok"
	expect_status 204 "delete $member"
	req GET "/identity/v3/$path/$id" "$tok"
	expect_keystone_error 404 "a deleted $member"
}
crud credentials credentials credential \
	"{\"user_id\": \"$uid\", \"type\": \"ec2\", \"project_id\": \"$proj\", \"blob\": \"{\\\"access\\\": \\\"a\\\", \\\"secret\\\": \\\"s\\\"}\"}" \
	'{"blob": "{\"access\": \"b\"}", "type": "ec2"}' blob '{"access": "b"}'
crud policies policies policy '{"type": "application/json", "blob": "{}"}' '{"type": "text/plain"}' type text/plain
crud OS-OAUTH1/consumers consumers consumer '{"description": "c1"}' '{"description": "c2"}' description c2
crud OS-EP-FILTER/endpoint_groups endpoint_groups endpoint_group \
	'{"name": "eg", "filters": {"service_id": "neutron"}}' '{"filters": {"interface": "public"}}' filters '{"interface": "public"}'
pass "credentials, policies, consumers and endpoint groups: create, list, update, show, delete, admin only"

req POST /identity/v3/credentials "$tok" "{\"credential\": {\"user_id\": \"$uid\", \"type\": \"ec2\", \"blob\": \"{}\"}}"
expect_keystone_error 400 "an ec2 credential without a project"
req POST /identity/v3/credentials "$tok" '{"credential": {"user_id": "nobody", "type": "cert", "blob": "x"}}'
expect_keystone_error 400 "a credential of a missing user"
req POST /identity/v3/OS-EP-FILTER/endpoint_groups "$tok" '{"endpoint_group": {"name": "x", "filters": {"url": "http://x"}}}'
expect_keystone_error 400 "an endpoint group filter on url"
req POST /identity/v3/OS-OAUTH1/consumers "$tok" '{"consumer": {}}'
[ "$(jget "$R_BODY" 'len(j["consumer"]["secret"])')" = 48 ] || fail "consumer secret: $R_BODY"
req POST /identity/v3/credentials "$tok" "{\"credential\": {\"user_id\": \"$uid\", \"type\": \"cert\", \"blob\": \"x\"}}"
cred=$(jget "$R_BODY" 'j["credential"]["id"]')
os user delete u1
req GET "/identity/v3/credentials/$cred" "$tok"
expect_keystone_error 404 "a deleted user's credential"
pass "refused: ec2 without a project, a missing user, a filter on url; credentials go with their user"

p=/identity/v3/projects/$proj/tags
req PUT "$p/t1" "$tok"
expect_status 201 "add a tag"
req HEAD "$p/t1" "$tok"
expect_status 204 "check a tag"
req HEAD "$p/t9" "$tok"
expect_status 404 "check a missing tag"
req PUT "$p" "$tok" '{"tags": ["a", "b", "c"]}'
expect_status 200 "replace the tags"
req GET "$p" "$tok"
[ "$(jget "$R_BODY" 'sorted(j["tags"])')" = '["a", "b", "c"]' ] || fail "tags: $R_BODY"
[ "$(os project show admin -f json | "$PY" -c 'import json, sys; print(sorted(json.load(sys.stdin)["tags"]))')" = "['a', 'b', 'c']" ] ||
	fail "openstack project show does not see the tags"
req DELETE "$p/a" "$tok"
expect_status 204 "delete a tag"
req DELETE "$p/a" "$tok"
expect_keystone_error 404 "delete a missing tag"
req PUT "$p/x,y" "$tok"
expect_keystone_error 400 "a tag with a comma"
req DELETE "$p" "$tok"
expect_status 204 "delete all tags"
req GET "$p" "$tok"
[ "$(jget "$R_BODY" 'j["tags"]')" = '[]' ] || fail "tags left: $R_BODY"
pass "project tags: added, checked, replaced, listed, deleted; a comma is 400"

req POST /identity/v3/users "$tok" '{"user": {"name": "u2", "password": "pw-2"}}'
uid2=$(jget "$R_BODY" 'j["user"]["id"]')
req PATCH "/identity/v3/users/$uid2" "$tok" "{\"user\": {\"id\": \"$uid2\", \"enabled\": false}}"
expect_status 200 "PATCH with the object's own id"
req PATCH "/identity/v3/users/$uid2" "$tok" '{"user": {"id": "another"}}'
expect_keystone_error 400 "PATCH with another id"
pass "a PATCH may send the object's own id back, not another"
