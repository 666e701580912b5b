#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Per-project Neutron quotas: Neutron's defaults, a member refused with
# OverQuota (409) past its limit while another project is unaffected,
# limits only an admin may change (openstack quota set), a reset back to
# the defaults, -1 for unlimited, objects the services make counted but
# never refused, no overshoot under concurrent creates, and bad PUT
# bodies refused (400) without changing anything.
#
# The network quotas are read mostly with `openstack quota list --network
# --detail` (it shows usage); `openstack quota show` works too: in
# python3-openstackclient 6.0 it asks compute and volume first, which
# answer their services' defaults, read-only, until Virga serves them.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
for p in 2 3; do
	os project create "p$p" >/dev/null
	os user create --project "p$p" --password "pw-$p" "u$p" >/dev/null
	os role add --project "p$p" --user "u$p" member
done
p2=$(os project show p2 -f value -c id)
p3=$(os project show p3 -f value -c id)
admin_tok=$(token admin "$T_ADMIN_PW" admin)
u2_tok=$(token u2 pw-2 p2)
u3_tok=$(token u3 pw-3 p3)
[ -n "$admin_tok" ] && [ -n "$u2_tok" ] && [ -n "$u3_tok" ] || fail "could not get tokens"

# details PROJECT: `openstack quota list --network --detail` into Q_DETAIL,
# one "resource in_use limit" line each.
details() {
	Q_DETAIL=$(os quota list --network --detail --project "$1" -f value \
		-c Resource -c "In Use" -c Limit)
}

# limit RESOURCE PROJECT / in_use RESOURCE PROJECT: what that shows.
limit() {
	details "$2"
	awk -v r="$1" '$1 == r {print $3}' <<<"$Q_DETAIL"
}
in_use() {
	details "$2"
	awk -v r="$1" '$1 == r {print $2}' <<<"$Q_DETAIL"
}

# create_net TOKEN NAME: POSTs a network, leaving R_STATUS/R_BODY.
create_net() {
	req POST /network/v2.0/networks "$1" "{\"network\": {\"name\": \"$2\"}}"
}

# expect_over_quota RESOURCE WHAT: Neutron's OverQuota body, exactly.
expect_over_quota() {
	expect_neutron_error 409 "$2"
	[ "$(jget "$R_BODY" 'j["NeutronError"]["type"]')" = OverQuota ] || fail "$2: not OverQuota: $R_BODY"
	[ "$(jget "$R_BODY" 'j["NeutronError"]["message"]')" = "Quota exceeded for resources: ['$1']." ] ||
		fail "$2: wrong message: $R_BODY"
}

req GET /network/v2.0/extensions/quotas "$admin_tok"
expect_status 200 "the quotas extension is listed"
details p2
for r in floating_ips:50 networks:100 ports:500 routers:10 subnets:100 security_groups:10 \
	security_group_rules:100 rbac_policies:10 subnet_pools:-1; do
	grep -qx "${r%%:*} 0 ${r#*:}" <<<"$Q_DETAIL" || fail "default ${r%%:*} is not ${r#*:}: $Q_DETAIL"
done
req GET "/network/v2.0/quotas/$p2/default" "$u2_tok"
expect_status 200 "a member reads its default quotas"
[ "$(jget "$R_BODY" 'j["quota"]["network"], j["quota"]["port"], j["quota"]["security_group_rule"]')" = "(100, 500, 100)" ] ||
	fail "defaults: $R_BODY"
[ "$(os quota list --network -f value)" = "" ] || fail "quota list --network shows a project with defaults only"
pass "Neutron's default quotas (quota list --network --detail, /default)"

[ "$(os quota show p2 -f value -c networks -c ports -c secgroup-rules | tr '\n' ' ')" = "100 500 100 " ] ||
	fail "quota show p2: $(os quota show p2 -f value -c networks -c ports -c secgroup-rules)"
[ "$(os quota show --default p2 -f value -c routers -c instances | tr '\n' ' ')" = "10 10 " ] ||
	fail "quota show --default p2"
if os quota set --instances 3 p2 2>"$T_DIR/err"; then
	fail "a compute quota was accepted although nothing would enforce it"
fi
grep -q 405 "$T_DIR/err" || fail "compute quota set was not refused with 405: $(cat "$T_DIR/err")"
pass "openstack quota show (network values; compute/volume defaults, read-only)"

os quota set --networks 3 p2
[ "$(limit networks p2)" = 3 ] || fail "quota set --networks 3 not shown"
[ "$(os quota show p2 -f value -c networks)" = 3 ] || fail "quota show after quota set"
[ "$(limit networks p3)" = 100 ] || fail "quota set on p2 changed p3"
[ "$(os quota list --network -f value -c 'Project ID' -c Networks)" = "$p2 3" ] ||
	fail "quota list --network: $(os quota list --network -f value)"
for i in 1 2 3; do
	create_net "$u2_tok" "n$i"
	expect_status 201 "member creates network $i of 3"
done
create_net "$u2_tok" n4
expect_over_quota network "member creates a 4th network over a quota of 3"
[ "$(count /network/v2.0/networks networks "$u2_tok")" = 3 ] || fail "the refused network was stored"
if OS_USERNAME=u2 OS_PASSWORD=pw-2 OS_PROJECT_NAME=p2 os network create n5 >/dev/null 2>"$T_DIR/err"; then
	fail "the CLI created a network over quota"
fi
grep -q "Quota exceeded for resources: \['network'\]" "$T_DIR/err" || fail "CLI over quota: $(cat "$T_DIR/err")"
[ "$(in_use networks p2)" = 3 ] || fail "usage is not 3 networks"
pass "a member creates up to its quota, the next create is 409 OverQuota (REST and CLI)"

for i in 1 2 3 4; do
	create_net "$u3_tok" "m$i"
	expect_status 201 "another project's network $i"
done
pass "another project keeps its own (default) quota"

req PUT "/network/v2.0/quotas/$p2" "$u2_tok" '{"quota": {"network": 50}}'
expect_neutron_error 403 "member sets its own quota"
req DELETE "/network/v2.0/quotas/$p2" "$u2_tok"
expect_neutron_error 403 "member resets its own quota"
req GET "/network/v2.0/quotas/$p3" "$u2_tok"
expect_neutron_error 403 "member reads another project's quota"
req GET "/network/v2.0/quotas/$p3/details" "$u2_tok"
expect_neutron_error 403 "member reads another project's usage"
req GET /network/v2.0/quotas "$u2_tok"
expect_neutron_error 403 "member lists every project's quotas"
req GET "/network/v2.0/quotas/$p2" "$u2_tok"
expect_status 200 "member reads its own quota"
[ "$(jget "$R_BODY" 'j["quota"]["network"]')" = 3 ] || fail "member's own quota: $R_BODY"
if OS_USERNAME=u2 OS_PASSWORD=pw-2 OS_PROJECT_NAME=p2 os quota set --networks 50 p2 2>"$T_DIR/err"; then
	fail "a member raised its own quota with the CLI"
fi
grep -q 403 "$T_DIR/err" || fail "CLI quota set by a member was not a 403: $(cat "$T_DIR/err")"
[ "$(limit networks p2)" = 3 ] || fail "a refused quota set changed the limit"
pass "members read only their own quotas and change none (403, REST and CLI)"

os quota set --networks 5 p2
for i in 4 5; do
	create_net "$u2_tok" "n$i"
	expect_status 201 "member creates network $i after admin raised the quota to 5"
done
create_net "$u2_tok" n6
expect_over_quota network "member over the raised quota of 5"
os quota set --networks -1 p2
create_net "$u2_tok" n6
expect_status 201 "member creates a network with an unlimited (-1) quota"
pass "admin's quota set lets the member create more; -1 is unlimited"

# The default security group counts: with 2 allowed, the first group a
# member creates is its second.
os quota set --secgroups 2 --ports 2 p2
req POST /network/v2.0/security-groups "$u2_tok" '{"security_group": {"name": "web"}}'
expect_status 201 "member creates a group next to its default one"
req POST /network/v2.0/security-groups "$u2_tok" '{"security_group": {"name": "db"}}'
expect_over_quota security_group "member's third group over a quota of 2"
[ "$(in_use security_groups p2)" = 2 ] || fail "default group not counted"
# Each group's rules (4 in default, 2 egress in web) count too.
[ "$(in_use security_group_rules p2)" = 6 ] || fail "rules in use: $(in_use security_group_rules p2)"
pass "security groups: the default group counts toward the quota"

net=$(jget "$(curl -s -H "X-Auth-Token: $u2_tok" "$T_URL/network/v2.0/networks?name=n1")" 'j["networks"][0]["id"]')
req POST /network/v2.0/subnets "$u2_tok" \
	"{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.20.0.0/24\", \"ip_version\": 4}}"
expect_status 201 "member creates a subnet"
subnet=$(jget "$R_BODY" 'j["subnet"]["id"]')
# As in Neutron, the subnet's DHCP port is the project's and counts.
[ "$(in_use ports p2)" = 1 ] || fail "the DHCP port is not counted: $(in_use ports p2)"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$net\"}}"
expect_status 201 "member creates its one port"
req POST /network/v2.0/ports "$u2_tok" "{\"port\": {\"network_id\": \"$net\"}}"
expect_over_quota port "member's second port over a quota of 2 (DHCP port included)"
req POST /network/v2.0/routers "$u2_tok" '{"router": {"name": "r"}}'
expect_status 201 "member creates a router"
router=$(jget "$R_BODY" 'j["router"]["id"]')
req PUT "/network/v2.0/routers/$router/add_router_interface" "$u2_tok" "{\"subnet_id\": \"$subnet\"}"
expect_status 200 "a router interface port is made over the port quota (internal)"
[ "$(in_use ports p2)" = 3 ] || fail "the router's interface port is not counted"
req POST /network/v2.0/subnets "$u2_tok" \
	"{\"subnet\": {\"network_id\": \"$net\", \"cidr\": \"10.21.0.0/24\", \"ip_version\": 4}}"
expect_status 201 "a subnet over the port quota still gets its DHCP address (the DHCP port grows)"
[ "$(in_use ports p2)" = 3 ] || fail "a second subnet made a second DHCP port"
pass "ports: refused over quota; the router's and DHCP's own ports are counted, not refused"

# Usage 4, limit 6: of 12 creates at once exactly 2 may pass.
os quota set --networks 6 p3
[ "$(in_use networks p3)" = 4 ] || fail "p3 usage before the race"
T_URL="$T_URL" TOK="$u3_tok" "$PY" - <<'PYEOF' || fail "concurrent creates overshot or failed"
import json, os, threading, urllib.request, urllib.error
codes = []
def create(i):
    r = urllib.request.Request(os.environ["T_URL"] + "/network/v2.0/networks", method="POST",
        data=json.dumps({"network": {"name": "c%d" % i}}).encode(),
        headers={"X-Auth-Token": os.environ["TOK"], "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(r) as resp:
            codes.append(resp.status)
    except urllib.error.HTTPError as e:
        codes.append(e.code)
threads = [threading.Thread(target=create, args=(i,)) for i in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert sorted(codes) == [201] * 2 + [409] * 10, sorted(codes)
PYEOF
[ "$(in_use networks p3)" = 6 ] || fail "p3 has $(in_use networks p3) networks under a quota of 6"
pass "concurrent creates do not overshoot the quota"

req DELETE "/network/v2.0/quotas/$p2" "$admin_tok"
expect_status 204 "admin resets p2's quotas"
req GET "/network/v2.0/quotas/$p2" "$admin_tok"
[ "$(jget "$R_BODY" 'j["quota"]["network"], j["quota"]["security_group"], j["quota"]["port"]')" = "(100, 10, 500)" ] ||
	fail "p2 not back to the defaults: $R_BODY"
[ "$(limit networks p2)" = 100 ] || fail "quota list --detail after reset"
[ "$(os quota list --network -f value -c 'Project ID')" = "$p3" ] ||
	fail "quota list --network after reset: $(os quota list --network -f value)"
req POST /network/v2.0/security-groups "$u2_tok" '{"security_group": {"name": "db"}}'
expect_status 201 "member creates a group again after the reset"
req GET /network/v2.0/quotas "$admin_tok"
[ "$(jget "$R_BODY" '[q["project_id"] for q in j["quotas"]]')" = "[\"$p3\"]" ] ||
	fail "GET /quotas after reset: $R_BODY"
pass "DELETE /quotas/{project} returns to the defaults (204)"

os quota set --routers 4 p2
for body in '{"quota": {"netwrk": 5}}' '{"quota": {"network": "abc"}}' '{"quota": {"network": 1.5}}' \
	'{"quota": {"network": true}}' '{"quota": {"network": null}}' '{"quota": {"network": -2}}' \
	'{"quota": {"network": 2147483648}}' '{"quota": {"router": 7, "network": "x"}}' \
	'{"quota": [1]}' '{"quota": 5}' '{"network": 5}' '{"quota": {"network": 1, "check_limit": true}}'; do
	req PUT "/network/v2.0/quotas/$p2" "$admin_tok" "$body"
	expect_neutron_error 400 "PUT $body"
done
req GET "/network/v2.0/quotas/$p2" "$admin_tok"
[ "$(jget "$R_BODY" 'j["quota"]["network"], j["quota"]["router"]')" = "(100, 4)" ] ||
	fail "a refused PUT changed the limits: $R_BODY"
req PUT "/network/v2.0/quotas/$p2" "$admin_tok" '{"quota": {"network": "8", "force": true}}'
expect_status 200 "a numeric string is a limit (as Neutron converts it)"
[ "$(jget "$R_BODY" 'j["quota"]["network"]')" = 8 ] || fail "numeric string limit: $R_BODY"
pass "bad PUT bodies are 400 (unknown resource, non-integer, < -1, too large, below usage with check_limit) and change nothing"
