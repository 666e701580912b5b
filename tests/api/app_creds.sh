#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Application credentials and access rules (controlplane/identity/app_creds.c),
# with the real openstack CLI where it has the flow and curl for the rest:
# - a member makes one on its project (the secret shown once), lists it,
#   finds it by name, and authenticates with it by id and by name: the
#   token is on its project with its roles and names it;
# - roles: only roles the user holds (404 otherwise), and a token keeps
#   only those the user still holds (none left: 401);
# - a restricted credential cannot make or delete credentials (403), an
#   unrestricted one can; a token of one cannot be rescoped (403);
# - a wrong secret, an unknown id or name, an expired credential: 401;
# - bad requests: 400 (name, expires_at in the past or malformed, roles,
#   access rules, secret), a second of the same name 409, another user's
#   credentials 403 / 404, and none of these writes anything;
# - access rules: kept and shared per (service, method, path), listed,
#   shown, not deletable while used (403), deletable after;
# - deleting the credential ends its tokens at once; deleting the user
#   deletes its credentials and rules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
mtok=$(member_token p1 u1 pw-u1)
uid=$(os user show u1 -f value -c id)
pid=$(os project show p1 -f value -c id)
ACS="/identity/v3/users/$uid/application_credentials"
# as_u1 ARGS...: the openstack CLI as u1 on p1.
as_u1() {
	OS_USERNAME=u1 OS_PASSWORD=pw-u1 OS_PROJECT_NAME=p1 os "$@"
}
# with_cred ID SECRET ARGS...: the openstack CLI authenticated by an
# application credential only.
with_cred() {
	local id=$1 secret=$2
	shift 2
	env -u OS_USERNAME -u OS_PASSWORD -u OS_PROJECT_NAME -u OS_USER_DOMAIN_NAME \
		-u OS_PROJECT_DOMAIN_NAME "$OS_CLI" --os-auth-type v3applicationcredential \
		--os-application-credential-id "$id" --os-application-credential-secret "$secret" "$@"
}
# cred_token BODY: POST /v3/auth/tokens with identity BODY (R_STATUS,
# R_BODY, and R_TOKEN the new token).
cred_token() {
	R_STATUS=$(curl -s -D "$T_DIR/h" -o "$T_DIR/b" -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": $1}}}" \
		"$T_URL/identity/v3/auth/tokens")
	R_BODY=$(cat "$T_DIR/b")
	R_TOKEN=$(tr -d '\r' <"$T_DIR/h" | awk 'tolower($1) == "x-subject-token:" {print $2}')
}
objects() {
	sqlite3 "$T_DIR/state/virga.db" \
		"SELECT count(*) FROM objects WHERE kind IN ('application_credential', 'access_rule')"
}

# --- made, listed, found, used ---
out=$(as_u1 application credential create ac1 --description "for ci" -f json)
ac1=$(jget "$out" "j['id']")
secret=$(jget "$out" "j['secret']")
[ "${#secret}" -ge 32 ] || fail "a made secret is short: $secret"
[ "$(jget "$out" "j['project_id']")" = "$pid" ] || fail "not on the token's project: $out"
req GET "$ACS/$ac1" "$mtok"
expect_status 200 "show"
[ "$(jget "$R_BODY" "'secret' in j['application_credential'] or 'secret_hash' in j['application_credential']")" = False ] ||
	fail "the secret is shown again: $R_BODY"
[ "$(jget "$R_BODY" "[r['name'] for r in j['application_credential']['roles']]")" = '["member"]' ] ||
	fail "not the user's roles: $R_BODY"
as_u1 application credential list -f value -c Name | grep -x ac1 >/dev/null || fail "not listed"
pass "a member makes one on its project; the secret is shown once"

out=$(with_cred "$ac1" "$secret" token issue -f json)
[ "$(jget "$out" "j['project_id']")" = "$pid" ] || fail "token not on p1: $out"
[ "$(jget "$out" "j['user_id']")" = "$uid" ] || fail "token not u1's: $out"
with_cred "$ac1" "$secret" network list >/dev/null || fail "its token does not serve a request"
cred_token "{\"name\": \"ac1\", \"user\": {\"name\": \"u1\", \"domain\": {\"id\": \"default\"}}, \"secret\": \"$secret\"}"
expect_status 201 "by name and user"
[ "$(jget "$R_BODY" "j['token']['methods']")" = '["application_credential"]' ] || fail "methods: $R_BODY"
[ "$(jget "$R_BODY" "j['token']['application_credential']['id']")" = "$ac1" ] || fail "not named: $R_BODY"
[ "$(jget "$R_BODY" "j['token']['application_credential']['restricted']")" = True ] || fail "restricted: $R_BODY"
ac_tok=$R_TOKEN
req GET /identity/v3/auth/tokens "$tok"
curl -s -o "$T_DIR/v" -H "X-Auth-Token: $tok" -H "X-Subject-Token: $ac_tok" "$T_URL/identity/v3/auth/tokens"
[ "$(jget "$(cat "$T_DIR/v")" "j['token']['application_credential']['name']")" = ac1 ] ||
	fail "validation does not name it: $(cat "$T_DIR/v")"
pass "it authenticates, by id (CLI) and by name and user; the token names it"

# --- refused authentications ---
cred_token "{\"id\": \"$ac1\", \"secret\": \"wrong\"}"
expect_keystone_error 401 "wrong secret"
cred_token "{\"id\": \"0123456789abcdef0123456789abcdef\", \"secret\": \"$secret\"}"
expect_keystone_error 401 "unknown id"
cred_token "{\"name\": \"ac1\", \"user\": {\"name\": \"nobody\", \"domain\": {\"id\": \"default\"}}, \"secret\": \"$secret\"}"
expect_keystone_error 401 "unknown user"
cred_token "{\"secret\": \"$secret\"}"
expect_keystone_error 400 "neither id nor name"
R_STATUS=$(curl -s -o "$T_DIR/b" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"auth\": {\"identity\": {\"methods\": [\"application_credential\"], \"application_credential\": {\"id\": \"$ac1\", \"secret\": \"$secret\"}}, \"scope\": {\"project\": {\"id\": \"$(os project show admin -f value -c id)\"}}}}" \
	"$T_URL/identity/v3/auth/tokens")
R_BODY=$(cat "$T_DIR/b")
expect_keystone_error 401 "a scope other than its project"
R_STATUS=$(curl -s -o "$T_DIR/b" -w '%{http_code}' -H 'Content-Type: application/json' \
	-d "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": {\"id\": \"$ac_tok\"}}, \"scope\": {\"project\": {\"id\": \"$pid\"}}}}" \
	"$T_URL/identity/v3/auth/tokens")
R_BODY=$(cat "$T_DIR/b")
expect_keystone_error 403 "rescoping its token"
pass "wrong secret, unknown id, name or user, another scope: 401; rescoping: 403"

# --- restricted and unrestricted ---
req POST "$ACS" "$ac_tok" '{"application_credential": {"name": "child"}}'
expect_keystone_error 403 "a restricted credential makes one"
req DELETE "$ACS/$ac1" "$ac_tok"
expect_keystone_error 403 "a restricted credential deletes one"
out=$(as_u1 application credential create ac2 --unrestricted --secret s2 -f json)
ac2=$(jget "$out" "j['id']")
cred_token "{\"id\": \"$ac2\", \"secret\": \"s2\"}"
expect_status 201 "unrestricted"
req POST "$ACS" "$R_TOKEN" '{"application_credential": {"name": "child"}}'
expect_status 201 "an unrestricted credential makes one"
child=$(jget "$R_BODY" "j['application_credential']['id']")
pass "a restricted credential cannot make or delete credentials; an unrestricted one can"

# --- bad requests write nothing ---
before=$(objects)
for body in '{"application_credential": {}}' '{"application_credential": {"name": ""}}' \
	'{"application_credential": {"name": 7}}' \
	'{"application_credential": {"name": "x", "expires_at": "2001-01-01T00:00:00"}}' \
	'{"application_credential": {"name": "x", "expires_at": "tomorrow"}}' \
	'{"application_credential": {"name": "x", "unrestricted": "yes"}}' \
	'{"application_credential": {"name": "x", "roles": "admin"}}' \
	'{"application_credential": {"name": "x", "secret": ""}}' \
	'{"application_credential": {"name": "x", "access_rules": [{"path": "/x"}]}}' \
	'{"application_credential": {"name": "x", "access_rules": [{"path": "/x", "method": "get", "service": "compute"}]}}' \
	'{"application_credential": "x"}' '[]'; do
	req POST "$ACS" "$mtok" "$body"
	expect_keystone_error 400 "$body"
done
req POST "$ACS" "$mtok" '{"application_credential": {"name": "x", "roles": [{"name": "admin"}]}}'
expect_keystone_error 404 "a role the user does not hold"
req POST "$ACS" "$mtok" '{"application_credential": {"name": "ac1"}}'
expect_keystone_error 409 "the same name again"
aid=$(os user show admin -f value -c id)
req POST "/identity/v3/users/$aid/application_credentials" "$mtok" '{"application_credential": {"name": "x"}}'
expect_keystone_error 403 "one for another user"
req GET "/identity/v3/users/$aid/application_credentials" "$mtok"
expect_keystone_error 403 "another user's list"
req GET "/identity/v3/users/$aid/application_credentials/$ac1" "$tok"
expect_keystone_error 404 "a credential under the wrong user"
[ "$(objects)" = "$before" ] || fail "a refused request wrote: $before -> $(objects)"
pass "bad requests: 400/404/409/403, and nothing is written"

# --- roles: only held ones, and only while held ---
os role create reader2 >/dev/null
os role add --project p1 --user u1 reader2
out=$(as_u1 application credential create ac3 --role reader2 --secret s3 -f json)
ac3=$(jget "$out" "j['id']")
cred_token "{\"id\": \"$ac3\", \"secret\": \"s3\"}"
expect_status 201 "ac3"
[ "$(jget "$R_BODY" "[r['name'] for r in j['token']['roles']]")" = '["reader2"]' ] || fail "roles: $R_BODY"
ac3_tok=$R_TOKEN
os role remove --project p1 --user u1 reader2
req GET "/network/v2.0/networks" "$ac3_tok"
expect_status 401 "its token after the role went"
cred_token "{\"id\": \"$ac3\", \"secret\": \"s3\"}"
expect_keystone_error 401 "a credential whose roles all went"
pass "a credential carries only roles held, and its tokens only while held"

# --- expiry ---
soon=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%S)
out=$(as_u1 application credential create ac4 --expiration "$soon" --secret s4 -f json)
ac4=$(jget "$out" "j['id']")
[ "$(jget "$out" "j['expires_at']")" != None ] || fail "no expiry: $out"
cred_token "{\"id\": \"$ac4\", \"secret\": \"s4\"}"
expect_status 201 "ac4 before it expires"
[ "$(jget "$R_BODY" "j['token']['expires_at'][:19]")" = "$soon" ] ||
	fail "the token outlives its credential: $R_BODY"
sleep 4
cred_token "{\"id\": \"$ac4\", \"secret\": \"s4\"}"
expect_keystone_error 401 "an expired credential"
pass "a credential's token expires with it, and an expired one is refused"

# --- access rules ---
rule='[{"path": "/v2.1/servers/*/ips", "method": "GET", "service": "compute"}]'
out=$(as_u1 application credential create ac5 --access-rules "$rule" -f json)
ac5=$(jget "$out" "j['id']")
rid=$(jget "$out" "j['access_rules'][0]['id']")
out=$(as_u1 application credential create ac6 --access-rules "$rule" -f json)
[ "$(jget "$out" "j['access_rules'][0]['id']")" = "$rid" ] || fail "the same rule twice: $out"
req GET "/identity/v3/users/$uid/access_rules" "$mtok"
expect_status 200 "rules list"
[ "$(jget "$R_BODY" "[(r['service'], r['method'], r['path']) for r in j['access_rules']]")" = \
	'[["compute", "GET", "/v2.1/servers/*/ips"]]' ] || fail "rules: $R_BODY"
req GET "/identity/v3/users/$uid/access_rules/$rid" "$mtok"
expect_status 200 "rule show"
req DELETE "/identity/v3/users/$uid/access_rules/$rid" "$mtok"
expect_keystone_error 403 "a rule in use"
as_u1 application credential delete ac5 ac6
req GET "/identity/v3/users/$uid/access_rules/$rid" "$mtok"
expect_status 200 "a rule outlives its credentials"
req DELETE "/identity/v3/users/$uid/access_rules/$rid" "$mtok"
expect_status 204 "an unused rule"
req GET "/identity/v3/users/$uid/access_rules/$rid" "$mtok"
expect_keystone_error 404 "the deleted rule"
pass "access rules: shared, listed, shown, kept while used, deletable after"

# --- access rules are enforced, as keystonemiddleware does ---
rules='[{"service": "network", "method": "GET", "path": "/v2.0/networks"},
	{"service": "network", "method": "GET", "path": "/v2.0/networks/*"},
	{"service": "identity", "method": "GET", "path": "/v3/**"}]'
out=$(as_u1 application credential create ac8 --secret s8 --access-rules "$rules" -f json)
cred_token "{\"id\": \"$(jget "$out" "j['id']")\", \"secret\": \"s8\"}"
expect_status 201 "ac8"
rtok=$R_TOKEN
for allowed in /network/v2.0/networks /identity/v3/auth/projects /identity/v3/users/$uid/application_credentials; do
	req GET "$allowed" "$rtok"
	expect_status 200 "a request its rules allow: $allowed"
done
req GET /network/v2.0/networks/0123456789abcdef0123456789abcdef "$rtok"
expect_status 404 "one segment under '*' passes the rules"
for refused in "GET /network/v2.0/ports" "GET /network/v2.0/networks/x/tags" "POST /network/v2.0/networks" \
	"GET /compute/v2.1/servers" "GET /image/v2/images" "HEAD /network/v2.0/networks"; do
	req ${refused% *} "${refused#* }" "$rtok" '{"network": {}}'
	# Each service answers in its own error shape, as for any bad token.
	expect_status 401 "a request its rules do not allow: $refused"
done
[ "$(os network list -f value -c Name | grep -c . || true)" = 0 ] || fail "a refused POST made a network"
pass "a credential's access rules bound its tokens: service, method, path with * and **"

# --- deletion ends tokens; the user's deletion takes everything ---
req GET "/network/v2.0/networks" "$ac_tok"
expect_status 200 "ac1's token, kept in the cache"
as_u1 application credential delete ac1
req GET "/network/v2.0/networks" "$ac_tok"
expect_status 401 "ac1's token after ac1 went"
as_u1 application credential create ac7 --access-rules "$rule" >/dev/null
os user delete u1
[ "$(sqlite3 "$T_DIR/state/virga.db" "SELECT count(*) FROM objects WHERE kind IN ('application_credential', 'access_rule') AND json_extract(body, '$.user_id')='$uid'")" = 0 ] ||
	fail "the user's credentials outlive it"
cred_token "{\"id\": \"$child\", \"secret\": \"x\"}"
expect_keystone_error 401 "a deleted user's credential"
pass "deleting a credential ends its tokens; deleting the user deletes its credentials and rules"
