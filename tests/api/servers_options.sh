#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nova v2.1 servers' options through the real openstack CLI, the test playing
# the node's agent: --security-group puts the group on the port the server
# gets and server show names it (an unknown group is 400, nothing written);
# --port takes the given port (bound to the node, listed by os-interface)
# and delete gives it back unbound; rename; list filters (name, ip, status,
# host, flavor, image); pause/unpause and
# a soft reboot asked of the node and done when it reports; 409 in the
# wrong state; a server deleted twice is 404; an ERROR server deletes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers_lib.sh"

servers_start

IMG=$(make_image img)
NET=$(make_net net1 10.94.0.0/24)
[ "$(node_put n1 2 1024 10)" -lt 300 ] || fail "node registration"
# The CLI drives the servers; the ports are read over REST (faster than the CLI).
ports_of() {
	req GET "/network/v2.0/ports?device_id=$1" "$ADMIN_TOK"
	jget "$R_BODY" '" ".join(p["id"] for p in j["ports"])'
}
port_get() { req GET "/network/v2.0/ports/$1" "$ADMIN_TOK"; jget "$R_BODY" "$2"; }

req POST /network/v2.0/security-groups "$ADMIN_TOK" '{"security_group": {"name": "web"}}'
WEB=$(jget "$R_BODY" 'j["security_group"]["id"]')
S1=$(os server create --image img --flavor m1.nano --network net1 --security-group web vm1 -f value -c id)
P1=$(ports_of "$S1")
[ "$(port_get "$P1" 'j["port"]["security_groups"]')" = "[\"$WEB\"]" ] ||
	fail "the server's port is not in web: $R_BODY"
req GET "/compute/v2.1/servers/$S1" "$ADMIN_TOK"
[ "$(jget "$R_BODY" '[g["name"] for g in j["server"]["security_groups"]]')" = '["web"]' ] ||
	fail "server show's security_groups: $R_BODY"
REV=$(revision)
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}], \"security_groups\": [{\"name\": \"nosuch\"}]}}"
expect_nova_error 400 badRequest "an unknown security group"
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"imageRef\": \"$IMG\", \"flavorRef\": \"42\", \"security_groups\": \"web\"}}"
expect_nova_error 400 badRequest "security_groups not a list"
[ "$(revision)" = "$REV" ] || fail "a refused create wrote"
pass "--security-group: the server's port is in the group, server show names it; unknown 400, nothing written"

req POST /network/v2.0/ports "$ADMIN_TOK" "{\"port\": {\"network_id\": \"$NET\", \"name\": \"given\"}}"
P2=$(jget "$R_BODY" 'j["port"]["id"]')
S2=$(os server create --image img --flavor m1.nano --port given vm2 -f value -c id)
[ "$(port_get "$P2" 'tuple(j["port"][k] for k in ("device_id", "device_owner", "binding:host_id", "binding:vif_type"))')" = \
	"('$S2', 'compute:nova', 'n1', 'vhostuser')" ] || fail "the given port: $R_BODY"
req GET "/compute/v2.1/servers/$S2/os-interface" "$ADMIN_TOK"
[ "$(jget "$R_BODY" '[a["port_id"] for a in j["interfaceAttachments"]]')" = "[\"$P2\"]" ] ||
	fail "os-interface: $R_BODY"
pass "--port: the given port is bound to the server on its node (vhostuser) and os-interface lists it"

os server set --name vm1b vm1
req GET "/compute/v2.1/servers/$S1" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["server"]["name"]')" = vm1b ] || fail "rename: $R_BODY"
for s in "$S1" "$S2"; do
	report n1 "$s" '{"power_state": "running", "reboot": 0}' >/dev/null
	for p in $(ports_of "$s"); do port_active n1 "$p"; done
done
status_is "$S1" ACTIVE || fail "vm1 running: $R_BODY"
[ "$(os server list --status ACTIVE -f value -c ID | sort)" = "$(printf '%s\n' "$S1" "$S2" | sort)" ] ||
	fail "list --status ACTIVE"
BOTH=$(printf '%s\n' "$S1" "$S2" | sort)
[ "$(os server list --ip '^10\.94\.0\.' --name '^vm[12]' -f value -c ID | sort)" = "$BOTH" ] ||
	fail "list --ip --name as regular expressions"
[ "$(os server list --host n1 -f value -c ID | sort)" = "$BOTH" ] || fail "list --host n1"
[ "$(count "/compute/v2.1/servers?host=n2" servers "$ADMIN_TOK")" = 0 ] || fail "host n2"
[ "$(count "/compute/v2.1/servers?flavor=42&image=$IMG" servers "$ADMIN_TOK")" = 2 ] || fail "flavor and image"
[ "$(count "/compute/v2.1/servers?flavor=1" servers "$ADMIN_TOK")" = 0 ] || fail "another flavor"
req GET "/compute/v2.1/servers?name=%28" "$ADMIN_TOK"
expect_nova_error 400 badRequest "a name that is no regular expression"
pass "rename; list by name and ip (regular expressions), status, host, flavor, image"

os server pause vm1b
status_is "$S1" ACTIVE && [ "$(jget "$R_BODY" 'j["server"]["OS-EXT-STS:task_state"]')" = pausing ] ||
	fail "pause asked: $R_BODY"
report n1 "$S1" '{"power_state": "paused", "reboot": 0}' >/dev/null
status_is "$S1" PAUSED || fail "paused: $R_BODY"
[ "$(jget "$R_BODY" 'j["server"]["OS-EXT-STS:power_state"]')" = 3 ] || fail "power_state paused: $R_BODY"
req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"pause": null}'
expect_nova_error 409 conflictingRequest "pause a PAUSED server"
req POST "/compute/v2.1/servers/$S1/action" "$ADMIN_TOK" '{"reboot": {"type": "SOFT"}}'
expect_nova_error 409 conflictingRequest "reboot a PAUSED server"
os server unpause vm1b
report n1 "$S1" '{"power_state": "running", "reboot": 0}' >/dev/null
status_is "$S1" ACTIVE || fail "unpaused: $R_BODY"
os server reboot --soft vm1b
status_is "$S1" REBOOT || fail "soft reboot asked: $R_BODY"
report n1 "$S1" '{"power_state": "running", "reboot": 1}' >/dev/null
status_is "$S1" ACTIVE || fail "soft rebooted: $R_BODY"
pass "pause, unpause, soft reboot: asked of the node, done when it reports; 409 in the wrong state"

req POST /compute/v2.1/flavors "$ADMIN_TOK" '{"flavor": {"name": "huge", "ram": 65536, "vcpus": 1, "disk": 1}}'
expect_status 200 "flavor huge"
S3=$(os server create --image img --flavor huge --network net1 nofit -f value -c id)
status_is "$S3" ERROR || fail "a server that fits nowhere: $R_BODY"
req POST "/compute/v2.1/servers/$S3/action" "$ADMIN_TOK" '{"os-start": null}'
expect_nova_error 409 conflictingRequest "start an ERROR server"
os server delete vm1b vm2 nofit
req DELETE "/compute/v2.1/servers/$S1" "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "a server deleted twice"
[ -z "$(ports_of "$S1")" ] || fail "vm1's port outlived it"
[ "$(port_get "$P2" 'tuple(j["port"][k] for k in ("device_id", "device_owner", "binding:host_id"))')" = "('', '', '')" ] ||
	fail "the given port after delete: $R_BODY"
[ "$(count /compute/v2.1/servers servers "$ADMIN_TOK")" = 0 ] || fail "servers left"
pass "delete: the made port goes, the given one stays unbound, the ERROR server goes; twice is 404"
