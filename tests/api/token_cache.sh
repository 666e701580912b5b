#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Validated tokens are kept in memory (controlplane/identity/token_cache.h);
# nothing kept may outlive what it was resolved from. Each case first uses
# the token (as X-Auth-Token, and as X-Subject-Token of GET
# /v3/auth/tokens, so both forms are kept), then changes one thing and
# checks at once that the token is refused (401 as X-Auth-Token, 404 as
# subject) or, for a change of roles or names, answered anew: a revoked
# token, a changed password, a disabled and a deleted user, a removed
# assignment, a removed group membership, a disabled project; a granted and
# a removed admin role; a renamed project and a removed implied role in
# the token document; an expired token.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
# subject TOKEN: GET /v3/auth/tokens of TOKEN as admin (R_STATUS, R_BODY).
subject() {
	R_STATUS=$(curl -s -o "$T_DIR/subject" -w '%{http_code}' -H "X-Auth-Token: $tok" \
		-H "X-Subject-Token: $1" "$T_URL/identity/v3/auth/tokens")
	R_BODY=$(cat "$T_DIR/subject")
}
# works TOKEN WHAT: the token authenticates a request and validates, twice
# (the second time from the cache).
works() {
	for _ in 1 2; do
		req GET /identity/v3/auth/system "$1"
		expect_status 200 "$2: the token authenticates"
		subject "$1"
		expect_status 200 "$2: the token validates"
	done
}
# refused TOKEN WHAT: refused at once, both ways.
refused() {
	req GET /identity/v3/auth/system "$1"
	expect_keystone_error 401 "$2: the token still authenticates"
	subject "$1"
	expect_keystone_error 404 "$2: the token still validates"
}
member=$(os role show member -f value -c id)
admin_role=$(os role show admin -f value -c id)
pid=$(new project '{"name": "p1"}')
# user NAME: a user with password pw-NAME and the member role on p1.
user() {
	local id
	id=$(new user "{\"name\": \"$1\", \"password\": \"pw-$1\"}")
	req PUT "/identity/v3/projects/$pid/users/$id/roles/$member" "$tok"
	expect_status 204 "grant member on p1 to $1"
	echo "$id"
}

u=$(user u1)
t=$(token u1 pw-u1 p1)
works "$t" "u1"
curl -s -o /dev/null -X DELETE -H "X-Auth-Token: $tok" -H "X-Subject-Token: $t" \
	"$T_URL/identity/v3/auth/tokens"
refused "$t" "revoked"
pass "a revoked token is refused at once"

t=$(token u1 pw-u1 p1)
works "$t" "u1 again"
req POST "/identity/v3/users/$u/password" "$t" \
	'{"user": {"original_password": "pw-u1", "password": "pw-u1-new"}}'
expect_status 204 "u1 changes its password"
refused "$t" "after a password change"
pass "a password change ends the user's tokens at once"

t=$(token u1 pw-u1-new p1)
works "$t" "u1, new password"
req PATCH "/identity/v3/users/$u" "$tok" '{"user": {"enabled": false}}'
expect_status 200 "disable u1"
refused "$t" "user disabled"
pass "a disabled user's token is refused at once"

u2=$(user u2)
t=$(token u2 pw-u2 p1)
works "$t" "u2"
req DELETE "/identity/v3/users/$u2" "$tok"
expect_status 204 "delete u2"
refused "$t" "user deleted"
pass "a deleted user's token is refused at once"

u3=$(user u3)
t=$(token u3 pw-u3 p1)
works "$t" "u3"
req DELETE "/identity/v3/projects/$pid/users/$u3/roles/$member" "$tok"
expect_status 204 "remove u3's assignment"
refused "$t" "assignment removed"
pass "a token whose only assignment is removed is refused at once"

u4=$(new user '{"name": "u4", "password": "pw-u4"}')
gid=$(new group '{"name": "g1"}')
req PUT "/identity/v3/groups/$gid/users/$u4" "$tok"
expect_status 204 "u4 into g1"
req PUT "/identity/v3/projects/$pid/groups/$gid/roles/$member" "$tok"
expect_status 204 "member on p1 to g1"
t=$(token u4 pw-u4 p1)
works "$t" "u4 through g1"
req DELETE "/identity/v3/groups/$gid/users/$u4" "$tok"
expect_status 204 "u4 out of g1"
refused "$t" "group membership removed"
pass "a token whose role came through a group is refused once the user leaves it"

u5=$(user u5)
t=$(token u5 pw-u5 p1)
works "$t" "u5"
req GET /identity/v3/users "$t"
expect_keystone_error 403 "a member lists users"
req PUT "/identity/v3/projects/$pid/users/$u5/roles/$admin_role" "$tok"
expect_status 204 "admin on p1 to u5"
req GET /identity/v3/users "$t"
expect_status 200 "u5's token once u5 is admin"
subject "$t"
[ "$(jget "$R_BODY" 'sorted(r["name"] for r in j["token"]["roles"])')" = '["admin", "member"]' ] ||
	fail "the token's roles once u5 is admin: $R_BODY"
req DELETE "/identity/v3/projects/$pid/users/$u5/roles/$admin_role" "$tok"
expect_status 204 "admin off u5"
req GET /identity/v3/users "$t"
expect_keystone_error 403 "u5's token once u5 is no admin any more"
subject "$t"
[ "$(jget "$R_BODY" '[r["name"] for r in j["token"]["roles"]]')" = '["member"]' ] ||
	fail "the token's roles once admin is removed: $R_BODY"
pass "a granted and a removed admin role change what the same token may do, at once"

r1=$(new role '{"name": "r1"}')
r2=$(new role '{"name": "r2"}')
req PUT "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 201 "r1 implies r2"
req PUT "/identity/v3/projects/$pid/users/$u5/roles/$r1" "$tok"
expect_status 204 "r1 on p1 to u5"
works "$t" "u5 with r1"
subject "$t"
[ "$(jget "$R_BODY" 'sorted(r["name"] for r in j["token"]["roles"])')" = '["member", "r1", "r2"]' ] ||
	fail "the token's roles with r1 -> r2: $R_BODY"
req DELETE "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 204 "the rule r1 -> r2 goes"
subject "$t"
[ "$(jget "$R_BODY" 'sorted(r["name"] for r in j["token"]["roles"])')" = '["member", "r1"]' ] ||
	fail "a removed implied role stays in the token: $R_BODY"
req PATCH "/identity/v3/projects/$pid" "$tok" '{"project": {"name": "p1-renamed"}}'
expect_status 200 "rename p1"
subject "$t"
[ "$(jget "$R_BODY" 'j["token"]["project"]["name"]')" = p1-renamed ] ||
	fail "the token document keeps the old project name: $R_BODY"
pass "the token document follows a removed implied role and a renamed project at once"

req PATCH "/identity/v3/projects/$pid" "$tok" '{"project": {"enabled": false}}'
expect_status 200 "disable p1"
refused "$t" "project disabled"
pass "a token on a disabled project is refused at once"

kill "$T_PID"
wait "$T_PID" 2>/dev/null || true
start_controller --token-ttl 2
tok=$(token admin "$T_ADMIN_PW" admin)
t=$(token admin "$T_ADMIN_PW" admin)
works "$t" "a 2-s token"
sleep 3
req GET /identity/v3/auth/system "$t"
expect_keystone_error 401 "an expired token authenticates"
pass "an expired token is refused though it was kept"
