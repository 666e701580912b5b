#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A floating IP's status comes from the agent of the node hosting its
# router's gateway (--gateway-node): DOWN when associated, ACTIVE only once
# that agent reports it (PUT /internal/v1/nodes/{node}/floatingips/{id}/status);
# reports from another node, older than the floating IP's last change, or
# not from the service token are refused. Moving it to another port takes
# that port's address.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller --gateway-node gw1 --agent-down-time 2
svc=$(cat "$T_DIR/state/service-token")
tok=$(token admin "$T_ADMIN_PW" admin)

os network create --external --provider-network-type flat --provider-physical-network extnet \
	sext >/dev/null
os subnet create --network sext --subnet-range 198.51.100.0/24 --no-dhcp sextsub >/dev/null
os network create snet >/dev/null
os subnet create --network snet --subnet-range 10.74.0.0/24 ssub >/dev/null
os router create sr >/dev/null
os router add subnet sr ssub
os router set --external-gateway sext --disable-snat sr
port=$(os port create --network snet --host gw1 sp -f value -c id)
fip=$(os floating ip create sext -f value -c id)

fip_field() {
	req GET "/network/v2.0/floatingips/$fip" "$tok"
	expect_status 200 "floating ip show"
	jget "$R_BODY" "j['floatingip']['$1']"
}
# report NODE STATUS [APPLIED_REV]: the agent's report (applied_rev: the current revision).
report() {
	local rev=${3:-}
	if [ -z "$rev" ]; then
		req GET "/internal/v1/nodes/$1/changes?since=0&timeout=0" "$svc"
		rev=$(jget "$R_BODY" 'j["revision"]')
	fi
	req PUT "/internal/v1/nodes/$1/floatingips/$fip/status" "${TOKEN:-$svc}" \
		"{\"status\": \"$2\", \"applied_rev\": $rev}"
}

[ "$(fip_field status)" = DOWN ] || fail "a new floating IP is not DOWN"
report gw1 ACTIVE
expect_neutron_error 409 "report for a floating IP not associated"
pass "a new floating IP is DOWN, and no node hosts it"

os floating ip set --port "$port" "$fip"
[ "$(fip_field status)" = DOWN ] || fail "associated: $(fip_field status), not DOWN before the agent says"
[ "$(os floating ip show "$fip" -f value -c status)" = DOWN ] || fail "the CLI does not show DOWN"
pass "associating leaves it DOWN until the agent reports"

report gw2 ACTIVE
expect_neutron_error 409 "report from a node that does not host the gateway"
report gw1 ACTIVE 1
expect_neutron_error 409 "report older than the association"
TOKEN=$(token admin "$T_ADMIN_PW" admin) report gw1 BUSY
expect_neutron_error 400 "report of an unknown status"
os project create sp2 >/dev/null
os user create --project sp2 --password pw2 su2 >/dev/null
os role add --project sp2 --user su2 member
TOKEN=$(token su2 pw2 sp2) report gw1 ACTIVE
expect_neutron_error 403 "report with a member token"
req PUT "/internal/v1/nodes/gw1/floatingips/$fip/status" "$svc" '{"status": "ACTIVE"}'
expect_neutron_error 400 "report without applied_rev"
[ "$(fip_field status)" = DOWN ] || fail "a refused report changed the status"
pass "reports from another node, stale, malformed or by a member are refused"

report gw1 ACTIVE
expect_status 204 "the gateway node's report"
[ "$(fip_field status)" = ACTIVE ] || fail "reported ACTIVE, shows $(fip_field status)"
[ "$(os floating ip show "$fip" -f value -c status)" = ACTIVE ] || fail "the CLI does not show ACTIVE"
report gw1 DOWN
expect_status 204 "the gateway node's DOWN"
[ "$(fip_field status)" = DOWN ] || fail "reported DOWN, shows $(fip_field status)"
req PUT "/internal/v1/nodes/gw1/floatingips/00000000-0000-0000-0000-000000000000/status" "$svc" \
	'{"status": "ACTIVE", "applied_rev": 1}'
expect_neutron_error 404 "report for a floating IP that does not exist"
pass "the gateway node's agent sets ACTIVE and DOWN"

report gw1 ACTIVE
port2=$(os port create --network snet --host gw1 sp2 -f value -c id)
ip2=$(os port show "$port2" -f json -c fixed_ips | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])')
os floating ip set --port "$port2" "$fip"
[ "$(fip_field port_id)" = "$port2" ] && [ "$(fip_field fixed_ip_address)" = "$ip2" ] ||
	fail "moved to port2: $(fip_field port_id) $(fip_field fixed_ip_address), not $port2 $ip2"
[ "$(fip_field status)" = DOWN ] || fail "moved: $(fip_field status), not DOWN before the agent says"
pass "set --port to another port takes that port's address, DOWN until reported"

report gw1 ACTIVE
os floating ip unset --port "$fip"
[ "$(fip_field status)" = DOWN ] || fail "unset: still $(fip_field status)"
pass "unset makes it DOWN"

# A pass's reports at once (PUT .../floatingips/status): those refused alone
# are named with their reason, the rest taken, in one request.
report_many() {
	req GET "/internal/v1/nodes/$1/changes?since=0&timeout=0" "$svc"
	req PUT "/internal/v1/nodes/$1/floatingips/status" "${TOKEN:-$svc}" \
		"{\"statuses\": $2, \"applied_rev\": $(jget "$R_BODY" 'j["revision"]')}"
}
os floating ip set --port "$port2" "$fip"
missing=00000000-0000-0000-0000-000000000000
report_many gw1 "{\"$fip\": \"ACTIVE\", \"$missing\": \"ACTIVE\"}"
expect_status 200 "a batch with one unknown floating IP"
[ "$(jget "$R_BODY" 'sorted(j["refused"])')" = "[\"$missing\"]" ] ||
	fail "the batch's refusals: $R_BODY, not the unknown one alone"
[ "$(fip_field status)" = ACTIVE ] || fail "the batch's known floating IP: $(fip_field status)"
report_many gw2 "{\"$fip\": \"DOWN\"}"
expect_status 200 "a batch from another node"
jget "$R_BODY" 'j["refused"]["'"$fip"'"]' | grep "is not on a router whose gateway node gw2" >/dev/null ||
	fail "another node's report not refused with its reason: $R_BODY"
report_many gw1 "{\"$fip\": \"BUSY\"}"
[ "$(jget "$R_BODY" 'sorted(j["refused"])')" = "[\"$fip\"]" ] || fail "an unknown status taken: $R_BODY"
[ "$(fip_field status)" = ACTIVE ] || fail "refused reports changed the status: $(fip_field status)"
TOKEN=$(token su2 pw2 sp2) report_many gw1 "{\"$fip\": \"DOWN\"}"
expect_neutron_error 403 "a batch with a member token"
req PUT "/internal/v1/nodes/gw1/floatingips/status" "$svc" "{\"statuses\": [\"$fip\"], \"applied_rev\": 1}"
expect_neutron_error 400 "a batch that is not an object of statuses"
report_many gw1 "{\"$fip\": \"DOWN\"}"
expect_status 200 "the gateway node's batch"
[ "$(fip_field status)" = DOWN ] || fail "a batch's DOWN not taken: $(fip_field status)"
pass "a batch of reports takes the valid ones and names the refused ones with their reason"

# The gateway node dies: its floating IPs go DOWN with its ports (nothing
# translates them any more), and come back only through its agent's report.
beat() {
	req PUT "/internal/v1/nodes/gw1" "$svc" \
		'{"agent_type": "Virga agent", "binary": "virga-agent", "configurations": {}}'
	expect_status 20"${1:-0}" "gw1's heartbeat"
}
beat 1
report gw1 ACTIVE
expect_status 204 "the gateway node's report"
[ "$(fip_field status)" = ACTIVE ] || fail "reported ACTIVE, shows $(fip_field status)"
for _ in $(seq 60); do
	[ "$(fip_field status)" = DOWN ] && break
	sleep 0.1
done
[ "$(fip_field status)" = DOWN ] || fail "gw1 silent past the down time, its floating IP is $(fip_field status)"
grep "node gw1 silent .* 1 floating IPs DOWN" "$T_DIR/controller.err" >/dev/null ||
	fail "the controller did not say it: $(tail -3 "$T_DIR/controller.err")"
beat 0
[ "$(fip_field status)" = DOWN ] || fail "a heartbeat alone made it $(fip_field status)"
report gw1 ACTIVE
expect_status 204 "the returned node's report"
[ "$(fip_field status)" = ACTIVE ] || fail "reported ACTIVE again, shows $(fip_field status)"
pass "a dead gateway node's floating IPs go DOWN, and ACTIVE again once its agent reports"
