#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# OS-EC2 credentials (controlplane/identity/ec2_creds.c) with the real
# openstack CLI and curl: a member makes them on its project (`openstack
# ec2 credentials create`), lists, shows and deletes them; they are the
# same objects as the credentials API's (type ec2, id the access key's
# SHA-256); another user's are refused (403) and unknown keys 404; a
# project the user has no role on is refused, and refusals write nothing;
# deleting the user deletes them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
mtok=$(member_token p1 u1 pw-u1)
uid=$(os user show u1 -f value -c id)
pid=$(os project show p1 -f value -c id)
E="/identity/v3/users/$uid/credentials/OS-EC2"
as_u1() {
	OS_USERNAME=u1 OS_PASSWORD=pw-u1 OS_PROJECT_NAME=p1 os "$@"
}
creds() {
	sqlite3 "$T_DIR/state/virga.db" "SELECT count(*) FROM objects WHERE kind='credential'"
}

out=$(as_u1 ec2 credentials create -f json)
access=$(jget "$out" "j['access']")
secret=$(jget "$out" "j['secret']")
[ "${#access}" = 32 ] && [ "${#secret}" = 32 ] || fail "keys: $out"
[ "$(jget "$out" "j['project_id']")" = "$pid" ] || fail "not on p1: $out"
as_u1 ec2 credentials create >/dev/null
[ "$(as_u1 ec2 credentials list -f value -c Access | wc -l)" = 2 ] || fail "not two listed"
req GET "$E/$access" "$mtok"
expect_status 200 "show"
[ "$(jget "$R_BODY" "[j['credential']['secret'], j['credential']['tenant_id'], j['credential']['user_id']]")" = \
	"[\"$secret\", \"$pid\", \"$uid\"]" ] || fail "show: $R_BODY"
want_id=$(printf '%s' "$access" | sha256sum | cut -d' ' -f1)
req GET "/identity/v3/credentials/$want_id" "$tok"
expect_status 200 "the same object in the credentials API"
[ "$(jget "$R_BODY" "j['credential']['type']")" = ec2 ] || fail "type: $R_BODY"
pass "a member makes, lists and shows its EC2 keys; the credentials API shows them too"

before=$(creds)
req GET "$E/0123456789abcdef0123456789abcdef" "$mtok"
expect_keystone_error 404 "an unknown access key"
aid=$(os user show admin -f value -c id)
req GET "/identity/v3/users/$aid/credentials/OS-EC2" "$mtok"
expect_keystone_error 403 "another user's list"
req POST "/identity/v3/users/$aid/credentials/OS-EC2" "$mtok" "{\"tenant_id\": \"$pid\"}"
expect_keystone_error 403 "keys for another user"
req POST "$E" "$mtok" '{}'
expect_keystone_error 400 "no tenant_id"
req POST "$E" "$mtok" "{\"tenant_id\": \"$(os project show admin -f value -c id)\"}"
expect_keystone_error 403 "a project without a role there"
req GET "/identity/v3/users/$aid/credentials/OS-EC2/$access" "$tok"
expect_keystone_error 404 "a key under the wrong user"
[ "$(creds)" = "$before" ] || fail "a refused request wrote"
pass "unknown keys 404, other users' 403, bad requests 400/403, nothing written"

as_u1 ec2 credentials delete "$access"
req GET "$E/$access" "$mtok"
expect_keystone_error 404 "a deleted key"
os user delete u1
[ "$(creds)" = 0 ] || fail "the user's keys outlive it"
pass "deleting a key, and the user, takes them"
