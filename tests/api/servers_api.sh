#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nova v2.1 servers against a controller alone, the test playing the node's
# agent: with no compute node a server is ERROR "No valid host was found."
# and holds no port; once a node offers compute the server is placed there,
# its port made with device_owner compute:nova and bound to the node, BUILD
# until the node reports it running and its port ACTIVE, then ACTIVE; stop,
# start and reboot move what the node is asked and are 409 in the wrong
# state; the console the node sends is what `console log show` prints;
# every bad request is a 4xx with Nova's fault body that writes nothing;
# another project's server is 404; a report from another node is 403;
# delete removes the server and its port.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers_lib.sh"

servers_start

IMG=$(make_image img)
NET=$(make_net net1 10.93.0.0/24)

S0=$(os server create --image img --flavor m1.nano --network net1 nohost -f value -c id)
status_is "$S0" ERROR || fail "no compute node: $R_BODY"
[ "$(jget "$R_BODY" 'j["server"]["fault"]["message"]')" = "No valid host was found." ] || fail "fault: $R_BODY"
[ -z "$(os port list --device-id "$S0" -f value -c ID)" ] || fail "an unplaced server holds a port"
pass "no compute node: ERROR, No valid host was found., no port"

# The node registers as its agent does, offering compute.
[ "$(node_put n1 2 1024 10)" -lt 300 ] || fail "node registration"
os keypair create k1 >/dev/null
S1=$(os server create --image img --flavor m1.nano --network net1 --key-name k1 vm1 -f value -c id)
status_is "$S1" BUILD || fail "placed server: $R_BODY"
[ "$(jget "$R_BODY" 'j["server"]["OS-EXT-SRV-ATTR:host"]')" = n1 ] || fail "host: $R_BODY"
P1=$(os port list --device-id "$S1" -f value -c ID)
[ -n "$P1" ] || fail "no port for the server"
PORT=$(os port show "$P1" -f json)
[ "$(jget "$PORT" '(j["device_owner"], j["binding_host_id"])')" = "('compute:nova', 'n1')" ] || fail "port: $PORT"
# A second server does not fit in 1 GiB beside... it does (128 MiB); a big flavor does not.
os flavor create --ram 4096 --vcpus 1 --disk 1 big >/dev/null
S2=$(os server create --image img --flavor big --network net1 toobig -f value -c id)
status_is "$S2" ERROR || fail "a flavor larger than the node: $R_BODY"
pass "placed on the compute node: BUILD, its port compute:nova bound to n1; a flavor that fits nowhere is ERROR"

[ "$(report n1 "$S1" '{"power_state": "running", "reboot": 0}')" = 204 ] || fail "report running"
status_is "$S1" BUILD || fail "running but its port not ACTIVE: $R_BODY"
port_active n1 "$P1"
status_is "$S1" ACTIVE || fail "running with its port ACTIVE: $R_BODY"
[ "$(os server show vm1 -f value -c status)" = ACTIVE ] || fail "server show"
grep -qx vm1 <<<"$(os server list -f value -c Name)" || fail "server list"
pass "BUILD until the node reports running and the port is ACTIVE, then ACTIVE (API and CLI)"

[ "$(report n2 "$S1" '{"power_state": "running", "reboot": 0}')" = 403 ] || fail "a report from another node"
[ "$(report n1 "$S1" '{"power_state": "dancing", "reboot": 0}')" = 400 ] || fail "a bad report"
curl -s -o /dev/null -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
	-d '{"output": "line one\nvirga-guest: up\nlast line\n"}' "$T_URL/internal/v1/nodes/n1/servers/$S1/console"
grep -q "virga-guest: up" <<<"$(os console log show vm1)" || fail "console log show"
[ "$(os console log show --lines 1 vm1)" = "last line" ] || fail "console log show --lines 1: $(os console log show --lines 1 vm1)"
pass "node reports: another node's 403, a bad body 400; the console it sends is console log show's"

req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"os-start": null}'
expect_nova_error 409 conflictingRequest "start an ACTIVE server"
os server stop vm1
req GET "/compute/v2.1/servers/$S1" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["server"]["OS-EXT-STS:task_state"]')" = powering-off ] ||
	fail "stop asked: $R_BODY"
req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"reboot": {"type": "HARD"}}'
expect_nova_error 409 conflictingRequest "reboot while powering off"
report n1 "$S1" '{"power_state": "shutoff", "reboot": 0}' >/dev/null
status_is "$S1" SHUTOFF || fail "stopped: $R_BODY"
os server start vm1
report n1 "$S1" '{"power_state": "running", "reboot": 0}' >/dev/null
status_is "$S1" ACTIVE || fail "started: $R_BODY"
os server reboot --hard vm1
status_is "$S1" HARD_REBOOT || fail "reboot asked: $R_BODY"
report n1 "$S1" '{"power_state": "running", "reboot": 1}' >/dev/null
status_is "$S1" ACTIVE || fail "rebooted: $R_BODY"
pass "stop, start, reboot: asked of the node, done when it reports; 409 in the wrong state"

REV=$(revision)
bad() { req POST /compute/v2.1/servers "$ADMIN_TOK" "$2"; expect_nova_error 400 badRequest "$1"; }
bad "no imageRef" '{"server": {"name": "x", "flavorRef": "42"}}'
bad "an unknown image" '{"server": {"name": "x", "imageRef": "00000000-0000-0000-0000-000000000000", "flavorRef": "42"}}'
bad "an unknown flavor" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"nope\"}}"
bad "an unknown network" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"00000000-0000-0000-0000-000000000000\"}]}}"
bad "an unknown key" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"key_name\": \"nokey\"}}"
bad "user data that is not base64" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"user_data\": \"not base64!\"}}"
bad "no name" "{\"server\": {\"imageRef\": \"$IMG\", \"flavorRef\": \"42\"}}"
bad "networks not a list" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"networks\": 5}}"
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"networks\": [{\"port\": \"$P1\"}]}}"
expect_nova_error 409 conflictingRequest "a port another server has"
req POST /compute/v2.1/servers "$ADMIN_TOK" '[1, 2]'
expect_status 400 "a body that is no object"
req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"os-dance": null}'
expect_nova_error 400 badRequest "an unknown action"
req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"reboot": {"type": "GENTLE"}}'
expect_nova_error 400 badRequest "a reboot type that is neither SOFT nor HARD"
req GET /compute/v2.1/servers/00000000-0000-0000-0000-000000000000 "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "an unknown server"
[ "$(revision)" = "$REV" ] || fail "a refused request wrote: revision $REV -> $(revision)"
pass "bad requests: 400/404/409 with Nova's fault body, nothing written"

U2_TOK=$(member_token p2 u2 pw2)
req GET "/compute/v2.1/servers/$S1" "$U2_TOK"
expect_nova_error 404 itemNotFound "another project's server"
req DELETE "/compute/v2.1/servers/$S1" "$U2_TOK"
expect_nova_error 404 itemNotFound "another project deletes the server"
[ "$(count /compute/v2.1/servers servers "$U2_TOK")" = 0 ] || fail "another project lists the servers"
pass "another project's server is 404 and not listed"

os server delete vm1 nohost toobig
req GET "/compute/v2.1/servers/$S1" "$ADMIN_TOK"
expect_status 404 "a deleted server"
! os port show "$P1" >/dev/null 2>&1 || fail "the server's port outlived it"
os network show "$NET" >/dev/null || fail "the network went with the server"
pass "delete: the server and its port are gone, the network stays"
