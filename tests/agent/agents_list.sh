#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Each node's agent registers with the controller and keeps itself alive:
# `openstack network agent list` shows it alive (":-)" in the table, True
# in JSON) with
# its tunnel address and capacity; stopped (SIGTERM), it shows dead ("XXX",
# False) once the controller's agent down time (3 s here) passes, and
# alive again when it comes back, as the same agent. An admin disables it
# (admin_state_up false) and deletes it once dead; a member lists none (as
# Neutron's policy filters the list) and gets 403 on the agent itself, and
# the heartbeats cost no change-feed revision.
#
# The heartbeat does not need a dataplane: the agent reports while it
# waits for one, so none is started.
TOPO_PREFIX="nod$$"
. "$(dirname "$0")/lib.sh"

start_controller --agent-down-time 3
TUNNEL=192.0.2.11
mkdir -p "$A_DIR/node-state"
# start_agent's --dp-socket names no socket: the agent keeps retrying it.
start_agent --tunnel-ip "$TUNNEL" --report-interval 1 --state-dir "$A_DIR/node-state" \
	--physnet-uplink extnet=nodup0

# agent_json [ARG...]: `network agent list -f json` (the CLI's own view).
agent_json() { os network agent list -f json "$@"; }
# py EXPR: evaluates EXPR with j = the JSON read from stdin.
py() { "$PY" -c "import json, sys; j = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"; }

listed_alive() {
	agent_json --host "$NODE" | py "len(j) == 1 and j[0]['Alive'] is True and j[0]['Host'] == '$NODE' and j[0]['Agent Type'] == 'Virga agent' and j[0]['Binary'] == 'virga-agent' and j[0]['State'] is True"
}
check "the agent registers: listed alive with its host, type and binary" eventually listed_alive
check "the table shows :-) in the Alive column" \
	bash -c "'$OS_CLI' network agent list --host '$NODE' -c Alive | grep -q '| :-)  *|'"
ID=$(agent_json --host "$NODE" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["ID"])')
[ -n "$ID" ] || die "no agent id"

show_has() { os network agent show "$ID" -f json | py "$1"; }
check "agent show: tunnel address, bridge mappings and capacity in configurations" \
	show_has "j['configuration']['tunneling_ip'] == '$TUNNEL' and j['configuration']['bridge_mappings'] == {'extnet': 'nodup0'} and j['configuration']['vcpus'] >= 1 and j['configuration']['memory_mb'] > 0 and isinstance(j['configuration']['disk_gb'], int) and j['host'] == '$NODE' and j['topic'] == 'N/A'"
check "agent show: started, created and heartbeat timestamps" \
	show_has "all(j[k] for k in ('started_at', 'created_at', 'last_heartbeat_at'))"
# The REST shape Neutron clients read, filters included.
agents_api() { curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/agents$1"; }
check "GET /v2.0/agents?alive=True&agent_type=Virga agent lists it" \
	bash -c "curl -s -H 'X-Auth-Token: $(admin_token)' '$A_URL/network/v2.0/agents?alive=True&agent_type=Virga%20agent&host=$NODE' | '$PY' -c 'import json, sys; a = json.load(sys.stdin)[\"agents\"]; sys.exit(0 if [x[\"id\"] for x in a] == [\"$ID\"] and a[0][\"availability_zone\"] is None else 1)'"
check "GET /v2.0/agents?alive=False lists none" \
	bash -c "curl -s -H 'X-Auth-Token: $(admin_token)' '$A_URL/network/v2.0/agents?alive=False' | '$PY' -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)[\"agents\"] == [] else 1)'"
check "the agent extension is listed" os extension show agent

# Heartbeats are no change: the feed's revision stays put over several.
feed_rev() {
	curl -s -H "X-Auth-Token: $(cat "$SVC_TOKEN_FILE")" \
		"$A_URL/internal/v1/nodes/$NODE/changes?since=0&timeout=0" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["revision"])'
}
beat() { curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/agents/$ID" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["agent"]["heartbeat_timestamp"])'; }
rev1=$(feed_rev) beat1=$(beat)
sleep 2.2
rev2=$(feed_rev) beat2=$(beat)
check "heartbeats move heartbeat_timestamp ($beat1 -> $beat2) but not the revision ($rev1 -> $rev2)" \
	test "$beat1" != "$beat2" -a "$rev1" = "$rev2"

# A member may not see or touch agents (Neutron: admin_only; its list
# filters them out, tempest's test_list_agents_non_admin).
os project create nodp >/dev/null || die "project create"
os user create --project nodp --password nodpw nodu >/dev/null || die "user create"
os role add --project nodp --user nodu member || die "role add"
member() { OS_USERNAME=nodu OS_PASSWORD=nodpw OS_PROJECT_NAME=nodp "$OS_CLI" "$@"; }
member_code() {
	local tok
	tok=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"nodu","domain":{"id":"default"},"password":"nodpw"}}},"scope":{"project":{"name":"nodp","domain":{"id":"default"}}}}}' \
		"$A_URL/identity/v3/auth/tokens" | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" {print $2}')
	curl -s -o /dev/null -w '%{http_code}' -X "$1" -H "X-Auth-Token: $tok" \
		-H 'Content-Type: application/json' ${3:+-d "$3"} "$A_URL/network/v2.0/agents$2"
}
check "a member's GET /v2.0/agents is 200" test "$(member_code GET '')" = 200
check "a member's network agent list is empty" \
	bash -c "test -z \"\$(OS_USERNAME=nodu OS_PASSWORD=nodpw OS_PROJECT_NAME=nodp '$OS_CLI' network agent list -f value -c ID)\""
check "a member's GET, PUT and DELETE of the agent are 403" \
	test "$(member_code GET "/$ID")$(member_code PUT "/$ID" '{"agent": {"admin_state_up": false}}')$(member_code DELETE "/$ID")" = 403403403
check_fails "a member's network agent show fails" member network agent show "$ID"
check "alive is read-only: PUT of it is 400" \
	test "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $(admin_token)" \
		-H 'Content-Type: application/json' -d '{"agent": {"alive": false}}' \
		"$A_URL/network/v2.0/agents/$ID")" = 400

# The internal endpoint: the service token (or admin) only, a report's shape checked.
report_code() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $1" \
		-H 'Content-Type: application/json' -d "$2" "$A_URL/internal/v1/nodes/$NODE"
}
check "a report with no agent_type is 400" \
	test "$(report_code "$(cat "$SVC_TOKEN_FILE")" '{"binary": "x", "configurations": {}}')" = 400
check "a report without a token is 401" test "$(report_code "" '{}')" = 401

state_is() { os network agent show "$ID" -f json | py "j['admin_state_up'] is $1 and j['description'] == '$2'"; }
check "network agent set --disable --description" \
	os network agent set --disable --description "in maintenance" "$ID"
check "admin_state_up is false, the description kept" state_is False "in maintenance"
check "network agent set --enable" os network agent set --enable "$ID"
check "admin_state_up is true again, the description kept" state_is True "in maintenance"

# Stop the agent: it shows dead after the down time, not before.
kill -TERM "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
A_AGENT_PID=""
stopped=$(date +%s)
listed() { agent_json --host "$NODE" | py "len(j) == 1 and j[0]['Alive'] is $1"; }
check "still alive right after the agent stopped" listed True
dead() { agent_json --host "$NODE" | py "len(j) == 1 and j[0]['Alive'] is False"; }
check "dead once the down time (3 s) passed" within 10 dead
took=$(($(date +%s) - stopped))
check "declared dead within the down time plus a report ($took s)" test "$took" -ge 2 -a "$took" -le 6
check "the table shows XXX in the Alive column" \
	bash -c "'$OS_CLI' network agent list --host '$NODE' -c Alive | grep -q '| XXX  *|'"

# Back: the same agent (same id), alive again, with a new started_at.
started0=$(agents_api "/$ID" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["agent"]["started_at"])')
sleep 1
start_agent --tunnel-ip "$TUNNEL" --report-interval 1 --state-dir "$A_DIR/node-state"
check "a restarted agent is the same agent, alive again" eventually listed True
check "its started_at moved" bash -c "test \"\$(curl -s -H 'X-Auth-Token: $(admin_token)' '$A_URL/network/v2.0/agents/$ID' | '$PY' -c 'import json, sys; print(json.load(sys.stdin)[\"agent\"][\"started_at\"])')\" != '$started0'"
check "one agent for the node, not two" bash -c "test \$('$OS_CLI' network agent list --host '$NODE' -f value -c ID | wc -l) = 1"
kill -TERM "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
A_AGENT_PID=""
check "dead again" within 10 dead

check "network agent delete of the dead agent" os network agent delete "$ID"
check "it is gone from the list" bash -c "test -z \"\$('$OS_CLI' network agent list --host '$NODE' -f value -c ID)\""
check_fails "network agent show of it fails" os network agent show "$ID"
