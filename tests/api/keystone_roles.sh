#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keystone's implied roles and system grants. A rule "r1 implies r2" is
# created (201), checked (HEAD 204), shown and listed (per prior role and
# all); a user holding r1 on a project gets r2 in its token and in the
# effective role assignments, not after the rule goes; a domain role is in
# neither, but what it implies is; a global role may not imply a domain
# role, nor any role "admin" (403); deleting a role drops its rules. A role
# granted on the system (/v3/system/users/{id}/roles/{id}) is checked,
# listed, shown as scope {"system": {"all": true}} and revoked.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
r1=$(new role '{"name": "r1"}')
r2=$(new role '{"name": "r2"}')
dom=$(new domain '{"name": "d1"}')
rd=$(new role "{\"name\": \"rd\", \"domain_id\": \"$dom\"}")
admin_role=$(os role show admin -f value -c id)
uid=$(new user '{"name": "u1", "password": "pw-1"}')
pid=$(new project '{"name": "p1"}')

req PUT "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 201 "create the rule r1 -> r2"
[ "$(jget "$R_BODY" 'j["role_inference"]["implies"]["name"]')" = r2 ] || fail "rule body: $R_BODY"
req HEAD "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 204 "check the rule"
req GET "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 200 "show the rule"
[ -n "$(jget "$R_BODY" 'j["role_inference"]["prior_role"]["links"]["self"]')" ] || fail "no links: $R_BODY"
req GET "/identity/v3/roles/$r1/implies" "$tok"
[ "$(jget "$R_BODY" '[r["id"] for r in j["role_inference"]["implies"]]')" = "[\"$r2\"]" ] ||
	fail "rules of r1: $R_BODY"
req GET /identity/v3/role_inferences "$tok"
[ "$(jget "$R_BODY" '[(i["prior_role"]["name"], len(i["implies"])) for i in j["role_inferences"]]')" = '[["r1", 1]]' ] ||
	fail "role_inferences: $R_BODY"
pass "an inference rule is created, checked, shown and listed"

req PUT "/identity/v3/roles/$r2/implies/$rd" "$tok"
expect_keystone_error 403 "a global role implying a domain role"
req PUT "/identity/v3/roles/$rd/implies/$admin_role" "$tok"
expect_keystone_error 403 "a rule implying admin"
req PUT "/identity/v3/roles/$r1/implies/0123456789abcdef0123456789abcdef" "$tok"
expect_keystone_error 404 "a rule to a missing role"
pass "refused: a global role implying a domain role, admin implied, a missing role"

effective() {
	req GET "/identity/v3/role_assignments?effective&user.id=$uid&scope.project.id=$pid" "$tok"
	expect_status 200 "effective assignments"
	jget "$R_BODY" 'sorted(a["role"]["id"] for a in j["role_assignments"])'
}
sorted() { /usr/bin/python3 -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:])))' "$@"; }
token_roles() {
	curl -s -H 'Content-Type: application/json' -d "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"id\": \"$uid\", \"password\": \"pw-1\"}}}, \"scope\": {\"project\": {\"id\": \"$pid\"}}}}" \
		"$T_URL/identity/v3/auth/tokens" | "$PY" -c 'import json, sys; print(" ".join(sorted(r["name"] for r in json.load(sys.stdin)["token"]["roles"])))'
}
req PUT "/identity/v3/projects/$pid/users/$uid/roles/$rd" "$tok"
expect_status 204 "grant the domain role"
[ "$(effective)" = "[]" ] || fail "a domain role in the effective assignments: $R_BODY"
req PUT "/identity/v3/roles/$rd/implies/$r1" "$tok"
expect_status 201 "a domain role implies a global one"
[ "$(effective)" = "$(sorted "$r1" "$r2")" ] || fail "rd -> r1 -> r2 not effective: $R_BODY"
[ "$(token_roles)" = "r1 r2" ] || fail "token roles through rd: $(token_roles)"
req DELETE "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_status 204 "delete the rule"
[ "$(effective)" = "[\"$r1\"]" ] || fail "a deleted rule still gives r2: $R_BODY"
[ "$(token_roles)" = "r1" ] || fail "token roles after the rule went: $(token_roles)"
req GET "/identity/v3/roles/$r1/implies/$r2" "$tok"
expect_keystone_error 404 "a deleted rule"
req DELETE "/identity/v3/roles/$r1" "$tok"
expect_status 204 "delete r1"
req GET "/identity/v3/roles/$rd/implies" "$tok"
[ "$(jget "$R_BODY" 'j["role_inference"]["implies"]')" = "[]" ] || fail "rules of a deleted role stay: $R_BODY"
pass "implied roles are in tokens and effective assignments, domain roles are not; rules go with roles"

req PUT "/identity/v3/system/users/$uid/roles/$r2" "$tok"
expect_status 204 "grant r2 on the system"
req HEAD "/identity/v3/system/users/$uid/roles/$r2" "$tok"
expect_status 204 "check the system grant"
req GET "/identity/v3/system/users/$uid/roles" "$tok"
[ "$(jget "$R_BODY" '[r["name"] for r in j["roles"]]')" = '["r2"]' ] || fail "system roles: $R_BODY"
req GET "/identity/v3/role_assignments?scope.system=all" "$tok"
[ "$(jget "$R_BODY" '[(a["role"]["id"], a["scope"]) for a in j["role_assignments"]]')" = "[[\"$r2\", {\"system\": {\"all\": true}}]]" ] ||
	fail "system assignments: $R_BODY"
req DELETE "/identity/v3/system/users/$uid/roles/$r2" "$tok"
expect_status 204 "revoke the system grant"
req HEAD "/identity/v3/system/users/$uid/roles/$r2" "$tok"
expect_status 404 "a revoked system grant"
gid=$(new group '{"name": "g1"}')
req PUT "/identity/v3/system/groups/$gid/roles/$r2" "$tok"
expect_status 204 "grant on the system to a group"
os role add --project p1 --user u1 member
tok1=$(token u1 pw-1 p1)
[ -n "$tok1" ] || fail "u1 has no token"
req PUT "/identity/v3/system/users/$uid/roles/$r2" "$tok1"
expect_keystone_error 403 "a member grants on the system"
pass "roles granted on the system to users and groups: checked, listed, revoked; admin only"
