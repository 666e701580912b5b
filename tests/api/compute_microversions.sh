#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nova's microversions: the version document says 2.1 is the whole range;
# the openstack CLI negotiates it (and asked for 2.1 by name, works); every
# answer under /compute/v2.1 names 2.1 in OpenStack-API-Version and
# X-OpenStack-Nova-API-Version (errors too); "latest" and a header for
# another service only are 2.1; a version outside the range is 406 and a
# malformed one 400, with Nova's fault body, from either header.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
TOK=$(token admin "$T_ADMIN_PW" admin)

DOC=$(curl -s "$T_URL/compute/v2.1")
[ "$(jget "$DOC" '(j["version"]["min_version"], j["version"]["version"])')" = "('2.1', '2.1')" ] ||
	fail "version document: $DOC"
grep -qx m1.tiny <<<"$(os flavor list -f value -c Name)" || fail "flavor list (negotiated)"
os --os-compute-api-version 2.1 server list >/dev/null || fail "server list at 2.1"
pass "the version document's range is 2.1; the CLI negotiates it, and 2.1 asked by name works"

# call HEADER PATH: sets R_STATUS, R_BODY and R_HDRS (lower-cased header lines).
call() {
	R_STATUS=$(curl -s -D "$T_DIR/hdrs" -o "$T_DIR/body" -w '%{http_code}' -H "X-Auth-Token: $TOK" \
		-H "$1" "$T_URL$2")
	R_BODY=$(cat "$T_DIR/body")
	R_HDRS=$(tr -d '\r' <"$T_DIR/hdrs" | tr 'A-Z' 'a-z')
}
speaks_2_1() {
	grep -qx 'openstack-api-version: compute 2.1' <<<"$R_HDRS" &&
		grep -qx 'x-openstack-nova-api-version: 2.1' <<<"$R_HDRS" &&
		grep -q '^vary: openstack-api-version' <<<"$R_HDRS"
}
for h in 'OpenStack-API-Version: compute 2.1' 'OpenStack-API-Version: compute latest' \
	'OpenStack-API-Version: volume 3.50' 'X-OpenStack-Nova-API-Version: 2.1' 'X-Nothing: 1'; do
	call "$h" /compute/v2.1/flavors
	[ "$R_STATUS" = 200 ] || fail "$h: $R_STATUS $R_BODY"
	speaks_2_1 || fail "$h: the answer does not name 2.1: $R_HDRS"
done
call 'X-Nothing: 1' /compute/v2.1/servers/00000000-0000-0000-0000-000000000000
[ "$R_STATUS" = 404 ] && speaks_2_1 || fail "an error does not name 2.1: $R_STATUS $R_HDRS"
pass "2.1, latest, another service's version or none: 200, and every answer names compute 2.1"

for h in 'OpenStack-API-Version: compute 2.90' 'OpenStack-API-Version: volume 3.0, compute 3.0' \
	'X-OpenStack-Nova-API-Version: 2.2' 'OpenStack-API-Version: compute 2.0'; do
	call "$h" /compute/v2.1/servers
	[ "$R_STATUS" = 406 ] || fail "$h: expected 406, got $R_STATUS $R_BODY"
	[ "$(jget "$R_BODY" 'j["computeFault"]["code"]')" = 406 ] || fail "$h: body $R_BODY"
	grep -q "Minimum is 2.1 and maximum is 2.1" <<<"$(jget "$R_BODY" 'j["computeFault"]["message"]')" ||
		fail "$h: message $R_BODY"
done
for h in 'OpenStack-API-Version: compute two' 'OpenStack-API-Version: compute 2.01' \
	'X-OpenStack-Nova-API-Version: 2.' 'OpenStack-API-Version: compute 02.1'; do
	call "$h" /compute/v2.1/servers
	[ "$R_STATUS" = 400 ] || fail "$h: expected 400, got $R_STATUS $R_BODY"
	[ "$(jget "$R_BODY" 'j["badRequest"]["code"]')" = 400 ] || fail "$h: body $R_BODY"
done
pass "a version outside 2.1 is 406, a malformed one 400, with Nova's fault body"
