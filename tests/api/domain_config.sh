#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keystone's domain configuration: a domain's [identity] and [ldap] options
# are created (201, then 200 when replaced), shown whole, by group and by
# option, merged by PATCH and deleted, as Keystone keeps them; the LDAP
# password is kept but never shown; options and groups Keystone does not
# take are 403, missing ones 404, a member is 403, and the configuration
# goes with its domain. The defaults are keystone.conf's.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
TOK=$(token admin "$T_ADMIN_PW" admin)
os domain create dc1 >/dev/null
D=$(os domain show dc1 -f value -c id)
C="/identity/v3/domains/$D/config"

req GET "$C" "$TOK"
expect_keystone_error 404 "a domain without configuration"
req PUT "$C" "$TOK" '{"config": {"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://x:389/", "password": "s3cret"}}}'
expect_status 201 "a first configuration"
[ "$(jget "$R_BODY" 'str(j["config"])')" = "{'identity': {'driver': 'ldap'}, 'ldap': {'url': 'ldap://x:389/'}}" ] ||
	fail "created: $R_BODY"
req PUT "$C" "$TOK" '{"config": {"identity": {"driver": "ldap"}, "ldap": {"url": "ldap://y/", "user_tree_dn": "ou=u", "password": "s3cret"}}}'
expect_status 200 "a configuration replaced"
req GET "$C" "$TOK"
[ "$(jget "$R_BODY" 'str(j["config"])')" = "{'identity': {'driver': 'ldap'}, 'ldap': {'url': 'ldap://y/', 'user_tree_dn': 'ou=u'}}" ] ||
	fail "shown: $R_BODY"
grep s3cret <<<"$R_BODY" >/dev/null && fail "the LDAP password is shown: $R_BODY"
req GET "$C/ldap" "$TOK"
[ "$(jget "$R_BODY" 'str(j["config"])')" = "{'ldap': {'url': 'ldap://y/', 'user_tree_dn': 'ou=u'}}" ] || fail "group: $R_BODY"
req GET "$C/ldap/url" "$TOK"
[ "$(jget "$R_BODY" 'str(j["config"])')" = "{'url': 'ldap://y/'}" ] || fail "option: $R_BODY"
req GET "$C/ldap/password" "$TOK"
expect_keystone_error 404 "the sensitive option"
pass "created 201, replaced 200, shown whole, by group and by option; the password never"

req PATCH "$C/ldap/url" "$TOK" '{"config": {"url": "ldap://z/"}}'
expect_status 200 "an option updated"
[ "$(jget "$R_BODY" 'j["config"]["ldap"]["url"]')" = ldap://z/ ] || fail "option update: $R_BODY"
req PATCH "$C/identity" "$TOK" '{"config": {"identity": {"driver": "sql", "list_limit": 5}}}'
expect_status 200 "a group updated"
[ "$(jget "$R_BODY" 'str(j["config"]["identity"])')" = "{'driver': 'sql', 'list_limit': 5}" ] || fail "group update: $R_BODY"
req PATCH "$C" "$TOK" '{"config": {"ldap": {"user_filter": "(a=b)"}}}'
[ "$(jget "$R_BODY" 'sorted(j["config"]["ldap"])')" = '["url", "user_filter", "user_tree_dn"]' ] || fail "merge: $R_BODY"
req DELETE "$C/ldap/user_filter" "$TOK"
expect_status 204 "an option deleted"
req GET "$C/ldap/user_filter" "$TOK"
expect_keystone_error 404 "a deleted option"
req DELETE "$C/identity" "$TOK"
expect_status 204 "a group deleted"
req GET "$C/identity" "$TOK"
expect_keystone_error 404 "a deleted group"
req PATCH "$C/identity/driver" "$TOK" '{"config": {"driver": "x"}}'
expect_keystone_error 404 "updating an option the configuration lacks"
pass "PATCH merges an option, a group, the whole; DELETE an option and a group; a missing one is 404"

REV=$(revision)
req PUT "$C" "$TOK" '{"config": {"ldap": {"no_such_option": 1}}}'
expect_keystone_error 403 "an option Keystone does not take"
req PUT "$C" "$TOK" '{"config": {"assignment": {"driver": "sql"}}}'
expect_keystone_error 403 "a group Keystone does not take"
req PUT "$C" "$TOK" '{"config": {}}'
expect_keystone_error 403 "an empty configuration"
req PUT "$C" "$TOK" '{"config": {"ldap": "url"}}'
expect_keystone_error 403 "a group that is not options"
req PUT "$C" "$TOK" '{"config": "x"}'
expect_keystone_error 400 "a configuration that is no object"
req PATCH "$C/ldap" "$TOK" '{"config": {"identity": {"driver": "sql"}}}'
expect_keystone_error 403 "a group update naming another group"
req GET "/identity/v3/domains/00000000000000000000000000000000/config" "$TOK"
expect_keystone_error 404 "an unknown domain"
[ "$(revision)" = "$REV" ] || fail "a refused request wrote"
os project create --domain dc1 dcp >/dev/null
os user create --domain dc1 --password pw dcu >/dev/null
os role add --project dcp --project-domain dc1 --user dcu --user-domain dc1 member
MTOK=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"dcu","domain":{"name":"dc1"},"password":"pw"}}},"scope":{"project":{"name":"dcp","domain":{"name":"dc1"}}}}}' \
	"$T_URL/identity/v3/auth/tokens" | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" {print $2}')
[ -n "$MTOK" ] || fail "no member token"
req GET "$C" "$MTOK"
expect_keystone_error 403 "a member reads a domain's configuration"
req GET /identity/v3/domains/config/default "$MTOK"
expect_keystone_error 403 "a member reads the defaults"
pass "403 for what Keystone does not take and for a member, 400 for no object, 404 for an unknown domain; nothing written"

req GET /identity/v3/domains/config/default "$TOK"
expect_status 200 "the defaults"
[ "$(jget "$R_BODY" '(j["config"]["identity"]["driver"], j["config"]["ldap"]["url"], j["config"]["ldap"]["pool_size"], "password" in j["config"]["ldap"])')" = \
	"('sql', 'ldap://localhost', 10, False)" ] || fail "defaults: $R_BODY"
req GET /identity/v3/domains/config/ldap/default "$TOK"
[ "$(jget "$R_BODY" 'list(j["config"]) == ["ldap"] and len(j["config"]["ldap"]) > 40')" = True ] || fail "ldap defaults: $R_BODY"
req GET /identity/v3/domains/config/identity/list_limit/default "$TOK"
[ "$(jget "$R_BODY" 'str(j["config"])')" = "{'list_limit': None}" ] || fail "an option's default: $R_BODY"
req GET /identity/v3/domains/config/ldap/password/default "$TOK"
expect_keystone_error 403 "the password's default"
pass "defaults: whole, by group, by option; none for the password"

os domain set --disable dc1
os domain delete dc1
os domain create dc1 >/dev/null
[ "$(sqlite3 "$T_DIR/state/virga.db" "SELECT count(*) FROM objects WHERE kind='domain_config'")" = 0 ] ||
	fail "a deleted domain's configuration remains"
pass "the configuration goes with its domain"
