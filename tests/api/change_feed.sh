#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The agents' change feed: service token only, a node sees its bound ports
# and their networks, subnets and groups, long polls wake on a write and
# time out when nothing changes; remote groups come with their members and
# come again when membership changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
svc=$(cat "$T_DIR/state/service-token")
[ ${#svc} -eq 64 ] || fail "no service token in the state dir"
[ "$(stat -c %a "$T_DIR/state/service-token")" = 600 ] || fail "service token file not 0600"
tok=$(token admin "$T_ADMIN_PW" admin)

req GET "/internal/v1/nodes/node1/changes?since=0&timeout=0" ""
expect_neutron_error 401 "feed without a token"
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
req GET "/internal/v1/nodes/node1/changes?since=0&timeout=0" "$(token u2 pw2 p2)"
expect_neutron_error 403 "feed with a member token"
req GET "/internal/v1/nodes/node1/changes?since=abc" "$svc"
expect_neutron_error 400 "feed with a bad revision"
pass "feed needs the service token (401 without, 403 for a member, 400 bad since)"

req GET "/internal/v1/nodes/node1/changes?since=0&timeout=0" "$svc"
expect_status 200 "initial feed"
rev0=$(jget "$R_BODY" 'j["revision"]')
[ "$(jget "$R_BODY" 'len(j["ports"])')" = 0 ] || fail "node1 has ports already: $R_BODY"

req POST /network/v2.0/networks "$tok" '{"network": {"name": "fn"}}'
net=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/subnets "$tok" "{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.5.0.0/24\"}}"
expect_status 201 "subnet"
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"binding:host_id\": \"node1\"}}"
expect_status 201 "bound port"
port=$(jget "$R_BODY" 'j["port"]["id"]')
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"binding:host_id\": \"node2\"}}"
expect_status 201 "port on another node"

req GET "/internal/v1/nodes/node1/changes?since=$rev0&timeout=0" "$svc"
expect_status 200 "feed after writes"
rev1=$(jget "$R_BODY" 'j["revision"]')
[ "$rev1" -gt "$rev0" ] || fail "revision did not move"
[ "$(jget "$R_BODY" '[p["id"] for p in j["ports"]]')" = "[\"$port\"]" ] || fail "node1 ports: $R_BODY"
[ "$(jget "$R_BODY" '[n["id"] for n in j["networks"]]')" = "[\"$net\"]" ] || fail "node1 networks: $R_BODY"
[ "$(jget "$R_BODY" 'len(j["subnets"])')" = 1 ] || fail "node1 subnets: $R_BODY"
[ "$(jget "$R_BODY" 'len(j["security_groups"]) == 1 and len(j["security_groups"][0]["security_group_rules"]) == 4')" = True ] ||
	fail "node1 security groups: $R_BODY"
pass "a node gets its bound ports with their network, subnet and security group"

start=$(date +%s%N)
curl -s -H "X-Auth-Token: $svc" "$T_URL/internal/v1/nodes/node1/changes?since=$rev1&timeout=20" >"$T_DIR/poll" &
poller=$!
sleep 1
kill -0 "$poller" 2>/dev/null || fail "long poll returned before any change"
req PUT "/network/v2.0/ports/$port" "$tok" '{"port": {"name": "renamed"}}'
expect_status 200 "port update"
wait "$poller"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -lt 10000 ] || fail "long poll took ${ms} ms to wake"
body=$(cat "$T_DIR/poll")
[ "$(jget "$body" 'j["ports"][0]["name"]')" = renamed ] || fail "woken poll lacks the change: $body"
pass "long poll held, then woken by a write (${ms} ms)"

rev2=$(jget "$body" 'j["revision"]')
start=$(date +%s%N)
req GET "/internal/v1/nodes/node1/changes?since=$rev2&timeout=1" "$svc"
ms=$((($(date +%s%N) - start) / 1000000))
expect_status 200 "idle poll"
[ "$ms" -ge 900 ] || fail "idle poll returned after ${ms} ms, before its timeout"
[ "$(jget "$R_BODY" 'len(j["ports"]) + len(j["deleted"])')" = 0 ] || fail "idle poll had changes: $R_BODY"
pass "idle long poll times out with no changes"

req DELETE "/network/v2.0/ports/$port" "$tok"
expect_status 204 "delete port"
req GET "/internal/v1/nodes/node1/changes?since=$rev2&timeout=0" "$svc"
[ "$(jget "$R_BODY" '[d["id"] for d in j["deleted"] if d["kind"] == "port"]')" = "[\"$port\"]" ] ||
	fail "deletion not in the feed: $R_BODY"
pass "deletions appear in the feed"

# Remote groups: a node gets the groups its rules name, with their members
# (every port in them, on any node), and gets them again when membership
# changes: a port joining, leaving, changing its addresses, or deleted.
web=$(os security group create fweb -f value -c id)
os security group rule create --remote-group default --protocol tcp --dst-port 22 fweb >/dev/null
rule=$(os security group rule list --protocol tcp fweb -f value -c ID)
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"binding:host_id\": \"node1\", \"security_groups\": [\"$web\"]}}"
expect_status 201 "port in fweb on node1"
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"binding:host_id\": \"node2\", \"allowed_address_pairs\": [{\"ip_address\": \"10.6.0.0/16\"}]}}"
expect_status 201 "port in default on node2"
pb=$(jget "$R_BODY" 'j["port"]["id"]')
ipb=$(jget "$R_BODY" 'j["port"]["fixed_ips"][0]["ip_address"]')
# members GROUP PORT...: the group's member addresses of these ports in the last feed ("absent": not sent).
members() {
	local g=$1
	shift
	jget "$R_BODY" "[sorted(m['ip_address'] for m in g.get('members', []) if m['port_id'] in '$*'.split()) for g in j['security_groups'] if g['id'] == '$g'] or 'absent'"
}
feed_since() {
	req GET "/internal/v1/nodes/node1/changes?since=$1&timeout=0" "$svc"
	expect_status 200 "feed since $1"
	last_rev=$(jget "$R_BODY" 'j["revision"]')
}
def=$(os security group show default -f value -c id)
feed_since 0
[ "$(members "$def" "$pb" "${pc:-}")" = "[[\"$ipb\", \"10.6.0.0/16\"]]" ] || fail "default's members: $R_BODY"
[ "$(jget "$R_BODY" "[g.get('members') for g in j['security_groups'] if g['id'] == '$web']")" = "[null]" ] ||
	fail "fweb (no rule names it) carries members: $R_BODY"
pass "a remote group comes with its members: fixed IPs and address pairs of ports on any node"

r=$last_rev
req PUT "/network/v2.0/ports/$pb" "$tok" '{"port": {"allowed_address_pairs": []}}'
feed_since "$r"
[ "$(members "$def" "$pb" "${pc:-}")" = "[[\"$ipb\"]]" ] || fail "a member's pairs changed, default not resent right: $R_BODY"
r=$last_rev
req PUT "/network/v2.0/ports/$pb" "$tok" '{"port": {"name": "just-a-name"}}'
feed_since "$r"
[ "$(members "$def" "$pb" "${pc:-}")" = absent ] || fail "a rename resent the remote group: $R_BODY"
r=$last_rev
req PUT "/network/v2.0/ports/$pb" "$tok" '{"port": {"security_groups": []}}'
feed_since "$r"
[ "$(members "$def" "$pb" "${pc:-}")" = '[[]]' ] || fail "a port left default, not resent: $R_BODY"
r=$last_rev
req POST /network/v2.0/ports "$tok" "{\"port\": {\"network_id\": \"$net\", \"binding:host_id\": \"node3\"}}"
pc=$(jget "$R_BODY" 'j["port"]["id"]')
ipc=$(jget "$R_BODY" 'j["port"]["fixed_ips"][0]["ip_address"]')
feed_since "$r"
[ "$(members "$def" "$pb" "${pc:-}")" = "[[\"$ipc\"]]" ] || fail "a port joined default, not resent: $R_BODY"
r=$last_rev
req DELETE "/network/v2.0/ports/$pc" "$tok"
feed_since "$r"
[ "$(members "$def" "$pb" "${pc:-}")" = '[[]]' ] || fail "a member was deleted, default not resent: $R_BODY"
pass "the remote group is resent when a member's addresses change, a port joins, leaves or is deleted; not on a rename"

r=$last_rev
os security group rule delete "$rule"
feed_since "$r"
[ "$(jget "$R_BODY" "[len(g['security_group_rules']) for g in j['security_groups'] if g['id'] == '$web']")" = "[2]" ] ||
	fail "a deleted rule did not resend its group: $R_BODY"
pass "deleting a rule resends its group"
