#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nova's os-hypervisors against a controller alone, the test playing the
# nodes' agents: a node that offers compute is a hypervisor (one that does
# not is not), listed, detailed and shown in the shapes tempest's own
# schemas check, with what the servers placed on it use; it stays listed,
# "down", once its agent is silent past the down time; the unmodified
# `openstack hypervisor list` and `hypervisor show` print it; a member is
# refused with Nova's 403 body and an unknown id is Nova's 404.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers_lib.sh"

# A short down time, so that the test sees a node die; n1 beats (reports
# again, as its agent does every few seconds) before each check that needs
# it up, so that a slow CLI start does not kill it.
DOWN=8
start_controller --agent-down-time "$DOWN"
ADMIN_TOK=$(token admin "$T_ADMIN_PW" admin)
SVC_TOK=$(cat "$T_DIR/state/service-token")

# node_report NODE CONFIGURATIONS: the node's agent report; the HTTP code.
node_report() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
		-d "{\"agent_type\": \"Virga agent\", \"binary\": \"virga-agent\", \"configurations\": $2}" \
		"$T_URL/internal/v1/nodes/$1"
}
N1_CONF='{"tunneling_ip": "192.0.2.11", "compute": {"vcpus": 4, "memory_mb": 2048, "disk_gb": 20}}'

# schema_ok NAME: R_BODY validates against tempest's 2.1 hypervisor schema NAME.
schema_ok() {
	"$PY" - "$1" "$R_STATUS" "$R_BODY" <<'PYEOF' || fail "$1: not what tempest's schema wants: $R_BODY"
import json, sys
from tempest.lib.api_schema.response.compute.v2_1 import hypervisors
from tempest.lib.common.rest_client import RestClient

class Resp(dict):
    status = int(sys.argv[2])

RestClient.validate_response(getattr(hypervisors, sys.argv[1]), Resp(), json.loads(sys.argv[3]))
PYEOF
}

req GET /compute/v2.1/os-hypervisors "$ADMIN_TOK"
expect_status 200 "hypervisors of a cloud without nodes"
[ "$(jget "$R_BODY" 'j["hypervisors"]')" = "[]" ] || fail "no node, yet hypervisors: $R_BODY"

[ "$(node_report n1 "$N1_CONF")" -lt 300 ] || fail "n1's registration"
[ "$(node_report net1 '{"tunneling_ip": "192.0.2.12"}')" -lt 300 ] || fail "net1's registration"
# agent_id NODE: the id of the node's agent.
agent_id() {
	req GET "/network/v2.0/agents?host=$1" "$ADMIN_TOK"
	jget "$R_BODY" 'j["agents"][0]["id"]'
}
N1=$(agent_id n1)

req GET /compute/v2.1/os-hypervisors "$ADMIN_TOK"
expect_status 200 "hypervisor list"
schema_ok list_search_hypervisors
[ "$(jget "$R_BODY" 'str([(h["id"], h["hypervisor_hostname"], h["state"], h["status"]) for h in j["hypervisors"]])')" = \
	"[('$N1', 'n1', 'up', 'enabled')]" ] || fail "list: only n1, up and enabled: $R_BODY"
pass "a node offering compute is a hypervisor, up and enabled; a network node is none"

IMG=$(make_image img)
beat() {
	[ "$(node_report n1 "$N1_CONF")" -lt 300 ] || fail "n1's report"
}
NET=$(make_net net 10.94.0.0/24)
beat
req POST /compute/v2.1/servers "$ADMIN_TOK" \
	"{\"server\": {\"name\": \"vm1\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}]}}"
expect_status 202 "a server"
S1=$(jget "$R_BODY" 'j["server"]["id"]')
status_is "$S1" BUILD || fail "the server is not placed: $R_BODY"

used='(h["hypervisor_hostname"], h["hypervisor_type"], h["host_ip"], h["vcpus"], h["vcpus_used"], h["memory_mb"], h["memory_mb_used"], h["free_ram_mb"], h["local_gb"], h["local_gb_used"], h["running_vms"], h["service"]["host"])'
want="('n1', 'QEMU', '192.0.2.11', 4, 1, 2048, 128, 1920, 20, 1, 1, 'n1')"
req GET /compute/v2.1/os-hypervisors/detail "$ADMIN_TOK"
expect_status 200 "hypervisor detail"
schema_ok list_hypervisors_detail
[ "$(jget "$R_BODY" "str([$used for h in j['hypervisors']])")" = "[$want]" ] || fail "detail: $R_BODY"
req GET "/compute/v2.1/os-hypervisors/$N1" "$ADMIN_TOK"
expect_status 200 "hypervisor show"
schema_ok get_hypervisor
[ "$(jget "$R_BODY" "(lambda h: $used)(j['hypervisor'])")" = "$want" ] || fail "show: $R_BODY"
pass "detail and show: the sizes n1 reports and what its m1.nano server uses, in tempest's schema"

beat
LIST=$(os hypervisor list -f json)
[ "$(jget "$LIST" 'str([(h["ID"], h["Hypervisor Hostname"], h["Hypervisor Type"], h["Host IP"], h["State"]) for h in j])')" = \
	"[('$N1', 'n1', 'QEMU', '192.0.2.11', 'up')]" ] || fail "openstack hypervisor list: $LIST"
for name in n1 "$N1"; do
	SHOW=$(os hypervisor show "$name" -f json)
	[ "$(jget "$SHOW" '(j["id"], j["hypervisor_hostname"], j["vcpus_used"], j["service_host"], j["aggregates"])')" = \
		"('$N1', 'n1', 1, 'n1', [])" ] || fail "openstack hypervisor show $name: $SHOW"
done
pass "openstack hypervisor list and show (by name and by id)"

req GET /compute/v2.1/os-hypervisors/00000000-0000-0000-0000-000000000000 "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "an unknown hypervisor"
NET1=$(agent_id net1)
req GET "/compute/v2.1/os-hypervisors/$NET1" "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "the agent of a node that offers no compute"
req GET "/compute/v2.1/os-hypervisors/$N1/uptime" "$ADMIN_TOK"
expect_nova_error 501 notImplemented "uptime, which no node reports"
pass "an unknown id and a network node's agent are 404; uptime is Nova's 501"

os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
U2_TOK=$(token u2 pw2 p2)
for path in os-hypervisors os-hypervisors/detail "os-hypervisors/$N1" os-aggregates; do
	req GET "/compute/v2.1/$path" "$U2_TOK"
	expect_nova_error 403 forbidden "a member's $path"
	grep "Policy doesn't allow os_compute_api:" <<<"$R_BODY" >/dev/null || fail "a member's $path: $R_BODY"
done
pass "a member: 403 with Nova's policy message (list, detail, show, aggregates)"

# n1 falls silent: still a hypervisor, down, its server still counted.
sleep $((DOWN + 3))
req GET /compute/v2.1/os-hypervisors/detail "$ADMIN_TOK"
expect_status 200 "hypervisor detail with n1 dead"
[ "$(jget "$R_BODY" 'str([(h["id"], h["state"], h["running_vms"]) for h in j["hypervisors"]])')" = "[('$N1', 'down', 1)]" ] ||
	fail "a silent node: $R_BODY"
beat
req GET "/compute/v2.1/os-hypervisors/$N1" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["hypervisor"]["state"]')" = up ] || fail "n1 back: $R_BODY"
pass "a silent node stays listed, down, with its server; up again once it reports"
