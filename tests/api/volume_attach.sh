#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Volumes attached to servers, with the real openstack CLI, the test playing
# the node's agent: `server add volume` moves the volume to attaching and
# puts it in the server's feed (the device, "attach" and the file driver's
# Cinder-shaped connection_info: the file's path); the node's report moves
# it to in-use with Cinder's attachment (server, device, host) as `volume
# show` lists it. Extending it in-use (microversion 3.42: without it 400)
# grows the file and asks the node for the new size in the feed, which the
# node's report then confirms. `server remove volume` moves it to
# detaching and asks the node to detach, whose report makes it available.
# A node that cannot attach puts it back to available, one that cannot
# detach back to in-use. Refusals as Nova and Cinder answer them: an in-use
# volume 400, another project's 404, a server not ACTIVE/SHUTOFF 409, a
# volume not attached 404, deleting an attached or attaching volume 400.
# Deleting a server gives its volumes back, available. A server may boot
# from a volume (`server create --volume`), or from one made from an image
# (`--boot-from-volume`), deleted with it when asked (delete_on_termination).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/servers_lib.sh"

servers_start
STORE="$T_DIR/state/volumes"
PROJ=$(os project show admin -f value -c id)
IMG=$(make_image img)
NET=$(make_net net1 10.95.0.0/24)
[ "$(node_put n1 4 4096 40)" -lt 300 ] || fail "node registration"

# boot NAME: a server placed on n1, reported running with its port ACTIVE; its id.
boot() {
	local id port
	id=$(os server create --image img --flavor m1.nano --network net1 "$1" -f value -c id)
	report n1 "$id" '{"power_state": "running", "reboot": 0}' >/dev/null
	port=$(os port list --device-id "$id" -f value -c ID)
	port_active n1 "$port"
	status_is "$id" ACTIVE || fail "$1 is not ACTIVE: $R_BODY"
	echo "$id"
}
vol_field() { # VOLUME FIELD: over REST (the CLI is slow to start)
	req GET "/volume/v3/$PROJ/volumes/$1" "$ADMIN_TOK"
	jget "$R_BODY" "j['volume']['$2']"
}
vol() { curl -s -H "X-Auth-Token: $ADMIN_TOK" "$T_URL/volume/v3/$PROJ/volumes/$1"; } # for failure messages
# feed_volumes SERVER: the server's "volumes" in node n1's feed.
feed_volumes() {
	req GET "/internal/v1/nodes/n1/changes?since=0" "$SVC_TOK"
	jget "$R_BODY" "[s for s in j['servers'] if s['id'] == '$1'][0]['volumes']"
}
att_url() { echo "/compute/v2.1/servers/$1/os-volume_attachments${2:+/$2}"; }
# vreport SERVER VOLUME STATUS [ATTACHMENT]: the node's report; the HTTP code.
vreport() {
	local att=${4:-$(jget "$(feed_volumes "$1")" "[v for v in j if v['volume_id'] == '$2'][0]['attachment_id']")}
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
		-d "{\"attachment_id\": \"$att\", \"status\": \"$3\", \"fault\": \"test says $3\"}" \
		"$T_URL/internal/v1/nodes/n1/servers/$1/volumes/$2"
}

S1=$(boot vm1)
S2=$(boot vm2)
V1=$(os volume create --size 1 v1 -f value -c id)
V2=$(os volume create --size 1 v2 -f value -c id)

OUT=$(os server add volume vm1 v1 -f json)
[ "$(jget "$OUT" '(j["ID"], j["Server ID"], j["Volume ID"], j["Device"])')" = "('$V1', '$S1', '$V1', '/dev/vdb')" ] ||
	fail "server add volume: $OUT"
[ "$(vol_field "$V1" status)" = attaching ] || fail "not attaching: $(vol $V1)"
[ "$(vol_field "$V1" attachments)" = "[]" ] || fail "attachments while attaching: $(vol "$V1")"
FV=$(feed_volumes "$S1")
[ "$(jget "$FV" '[(v["volume_id"], v["device"], v["connection_info"], v["action"], "size" in v) for v in j]')" = \
	"[[\"$V1\", \"/dev/vdb\", {\"driver_volume_type\": \"file\", \"data\": {\"path\": \"$STORE/$V1.raw\", \"format\": \"raw\"}}, \"attach\", false]]" ] ||
	fail "the feed's volumes: $FV"
req GET "$(att_url "$S1")" "$ADMIN_TOK"
expect_status 200 "list attachments"
[ "$(jget "$R_BODY" 'j["volumeAttachments"]')" = \
	"[{\"id\": \"$V1\", \"volumeId\": \"$V1\", \"serverId\": \"$S1\", \"device\": \"/dev/vdb\", \"tag\": null}]" ] ||
	fail "attachment list: $R_BODY"
req GET "$(att_url "$S1" "$V1")" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["volumeAttachment"]["device"]')" = /dev/vdb ] || fail "attachment show: $R_BODY"
pass "server add volume: attaching, Nova's attachment (list, show), the device and the file's connection_info in the node's feed"

req POST "$(att_url "$S2")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V1\"}}"
expect_nova_error 400 badRequest "attach an attaching volume"
req DELETE "/volume/v3/$PROJ/volumes/$V1" "$ADMIN_TOK"
expect_nova_error 400 badRequest "delete an attaching volume"
req DELETE "$(att_url "$S1" "$V1")" "$ADMIN_TOK"
expect_nova_error 400 badRequest "detach a volume still attaching"
pass "an attaching volume: attach elsewhere, delete and detach are 400"

[ "$(vreport "$S1" "$V1" attached)" = 204 ] || fail "report attached"
req GET "/volume/v3/$PROJ/volumes/$V1" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["volume"]["status"]')" = in-use ] || fail "not in-use: $R_BODY"
[ "$(jget "$R_BODY" '[(a["server_id"], a["volume_id"], a["device"], a["host_name"], bool(a["attachment_id"]), bool(a["attached_at"])) for a in j["volume"]["attachments"]]')" = \
	"[[\"$S1\", \"$V1\", \"/dev/vdb\", \"n1\", true, true]]" ] || fail "the volume's attachments: $R_BODY"
grep -q "'server_id': '$S1', 'attachment_id': '[0-9a-f-]*', 'device': '/dev/vdb', 'host_name': 'n1'" <<<"$(os volume show v1 -f value -c attachments)" ||
	fail "volume show: $(os volume show v1 -f value -c attachments)"
grep -q "Attached to vm1 on /dev/vdb" <<<"$(os volume list)" || fail "volume list: $(os volume list)"
[ "$(vreport "$S1" "$V1" attached)" = 204 ] || fail "report attached again"
[ "$(vol_field "$V1" status)" = in-use ] || fail "a repeated report changed it: $(vol $V1)"
grep -q "$V1" <<<"$(os server show vm1 -f value -c volumes_attached)" || fail "server show volumes_attached"
pass "the node reports it attached: in-use, Cinder's attachment (volume show; volume list: Attached to vm1 on /dev/vdb)"

req POST "/volume/v3/$PROJ/volumes/$V1/action" "$ADMIN_TOK" '{"os-extend": {"new_size": 2}}'
expect_nova_error 400 badRequest "extend an in-use volume at 3.0"
[ "$(vol_field "$V1" size)" = 1 ] || fail "a refused extend changed the size: $(vol $V1)"
os --os-volume-api-version 3.42 volume set --size 2 v1 || fail "volume set --size 2 in-use at 3.42"
[ "$(vol_field "$V1" size) $(vol_field "$V1" status)" = "2 in-use" ] || fail "in-use extend: $(vol $V1)"
[ "$(stat -c %s "$STORE/$V1.raw")" = $((2 << 30)) ] || fail "the attached volume's file did not grow"
FV=$(feed_volumes "$S1")
[ "$(jget "$FV" '[(v["volume_id"], v["size"], v["action"]) for v in j]')" = "[[\"$V1\", 2, \"attach\"]]" ] ||
	fail "the feed does not ask the node for the new size: $FV"
att=$(jget "$FV" 'j[0]["attachment_id"]')
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
	-d "{\"attachment_id\": \"$att\", \"status\": \"attached\", \"size\": 2}" "$T_URL/internal/v1/nodes/n1/servers/$S1/volumes/$V1")
[ "$code" = 204 ] || fail "the node's report of the resize: HTTP $code"
[ "$(vol_field "$V1" status)" = in-use ] || fail "the resize report moved the volume: $(vol $V1)"
pass "extend in-use: 400 at 3.0; at 3.42 (volume set --size) the file grows, the volume stays in-use, the feed asks the node for 2 GiB"

os server add volume vm2 v1 2>"$T_DIR/err" && fail "attaching an in-use volume succeeded"
req POST "$(att_url "$S2")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V1\"}}"
expect_nova_error 400 badRequest "attach an in-use volume"
grep -q in-use <<<"$R_BODY" || fail "the refusal does not say in-use: $R_BODY"
os volume delete v1 2>"$T_DIR/err" && fail "deleting an in-use volume succeeded"
req DELETE "/volume/v3/$PROJ/volumes/$V1" "$ADMIN_TOK"
expect_nova_error 400 badRequest "delete an in-use volume"
[ -e "$STORE/$V1.raw" ] || fail "the refused delete removed the file"
pass "an in-use volume: attach (not multiattach) and delete are 400"

# Another project's volume, for a member of this project: 404.
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
os user create --project admin --password pw1 u1 >/dev/null
os role add --project admin --user u1 member
U1_TOK=$(token u1 pw1 admin)
U2_TOK=$(token u2 pw2 p2)
P2=$(os project show p2 -f value -c id)
req POST "/volume/v3/$P2/volumes" "$U2_TOK" '{"volume": {"size": 1, "name": "theirs"}}'
VP2=$(jget "$R_BODY" 'j["volume"]["id"]')
req POST "$(att_url "$S2")" "$U1_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$VP2\"}}"
expect_nova_error 404 itemNotFound "attach another project's volume"
req POST "$(att_url "$S2")" "$U2_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V2\"}}"
expect_nova_error 404 itemNotFound "attach to another project's server"
[ "$(vol_field "$V2" status)" = available ] || fail "a refused attach moved v2: $(vol $V2)"
req POST "$(att_url "$S2")" "$ADMIN_TOK" '{"volumeAttachment": {"volumeId": "6d3c0000-0000-4000-8000-00000000dead"}}'
expect_nova_error 404 itemNotFound "attach a volume that does not exist"
for body in '{}' '{"volumeAttachment": {}}' '{"volumeAttachment": {"volumeId": "../../x"}}' \
	"{\"volumeAttachment\": {\"volumeId\": \"$V2\", \"device\": \"/dev/sda\"}}" \
	"{\"volumeAttachment\": {\"volumeId\": \"$V2\", \"device\": 7}}"; do
	req POST "$(att_url "$S2")" "$ADMIN_TOK" "$body"
	expect_nova_error 400 badRequest "attach with $body"
done
req POST "$(att_url "$S1")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V2\", \"device\": \"/dev/vdb\"}}"
expect_nova_error 409 conflictingRequest "a device in use"
[ "$(vol_field "$V2" status)" = available ] || fail "a refused attach moved v2: $(vol $V2)"
pass "refusals: another project's volume or server 404, no such volume 404, bad bodies and devices 400, a device in use 409"

# A server not ACTIVE or SHUTOFF: 409 (BUILD: its port not ACTIVE yet; ERROR: no host).
S3=$(os server create --image img --flavor m1.nano --network net1 building -f value -c id)
status_is "$S3" BUILD || fail "not BUILD: $R_BODY"
req POST "$(att_url "$S3")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V2\"}}"
expect_nova_error 409 conflictingRequest "attach to a BUILD server"
os flavor create --ram 65536 --vcpus 1 --disk 1 huge >/dev/null
S4=$(os server create --image img --flavor huge --network net1 nohost -f value -c id)
status_is "$S4" ERROR || fail "not ERROR: $R_BODY"
req POST "$(att_url "$S4")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V2\"}}"
expect_nova_error 409 conflictingRequest "attach to an ERROR server"
os server stop vm2
req POST "$(att_url "$S2")" "$ADMIN_TOK" "{\"volumeAttachment\": {\"volumeId\": \"$V2\"}}"
expect_nova_error 409 conflictingRequest "attach while powering off"
[ "$(vol_field "$V2" status)" = available ] || fail "a refused attach moved v2: $(vol $V2)"
report n1 "$S2" '{"power_state": "shutoff", "reboot": 0}' >/dev/null
status_is "$S2" SHUTOFF || fail "not SHUTOFF: $R_BODY"
os server add volume --device /dev/vdc vm2 v2 >/dev/null
[ "$(jget "$(feed_volumes "$S2")" '[v["device"] for v in j]')" = '["/dev/vdc"]' ] || fail "the device asked"
pass "a server in BUILD, ERROR or powering off: 409; SHUTOFF: attached, on the device asked"

# The node cannot attach: available again, the server no longer has it.
[ "$(vreport "$S2" "$V2" error)" = 204 ] || fail "report error"
[ "$(vol_field "$V2" status)" = available ] || fail "a failed attach: $(vol $V2)"
[ "$(feed_volumes "$S2")" = "[]" ] || fail "the failed attachment is still asked"
grep -q "could not attach volume $V2: test says error" "$T_DIR/controller.err" || fail "the fault is not logged"
pass "the node cannot attach it: available again, the fault logged, no longer asked"

# Not attached: 404 (the CLI fails too).
req DELETE "$(att_url "$S1" "$V2")" "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "detach a volume not attached"
req GET "$(att_url "$S1" "$V2")" "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "show a volume not attached"
os server remove volume vm1 v2 2>"$T_DIR/err" && fail "server remove volume of one not attached succeeded"
pass "detaching or showing a volume not attached: 404"

# Reports: another node 403, a bad body 400, a stale attachment id taken and ignored.
[ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
	-d '{"attachment_id": "x", "status": "attached"}' "$T_URL/internal/v1/nodes/n2/servers/$S1/volumes/$V1")" = 403 ] ||
	fail "a report from another node"
[ "$(vreport "$S1" "$V1" dancing)" = 400 ] || fail "a bad report"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $U1_TOK" -H 'Content-Type: application/json' \
	-d '{"attachment_id": "x", "status": "detached"}' "$T_URL/internal/v1/nodes/n1/servers/$S1/volumes/$V1")" = 403 ] ||
	fail "a report with a user's token"
[ "$(vreport "$S1" "$V1" detached 00000000-0000-4000-8000-000000000000)" = 204 ] || fail "a stale report"
[ "$(vol_field "$V1" status)" = in-use ] || fail "a stale report changed it: $(vol $V1)"
pass "volume reports: another node or a user 403, a bad body 400, a stale attachment ignored"

# Detach: detaching, then available when the node says so.
os server remove volume vm1 v1
[ "$(vol_field "$V1" status)" = detaching ] || fail "not detaching: $(vol $V1)"
[ "$(jget "$(feed_volumes "$S1")" '[v["action"] for v in j]')" = '["detach"]' ] || fail "the feed does not ask a detach"
req DELETE "$(att_url "$S1" "$V1")" "$ADMIN_TOK"
expect_nova_error 400 badRequest "detach a detaching volume"
req DELETE "/volume/v3/$PROJ/volumes/$V1" "$ADMIN_TOK"
expect_nova_error 400 badRequest "delete a detaching volume"
# The node cannot detach (the guest holds it): in-use again, still attached.
[ "$(vreport "$S1" "$V1" error)" = 204 ] || fail "report a failed detach"
[ "$(vol_field "$V1" status)" = in-use ] || fail "a failed detach: $(vol $V1)"
[ "$(jget "$(feed_volumes "$S1")" '[v["action"] for v in j]')" = '["attach"]' ] || fail "a failed detach is not attached again"
os server remove volume vm1 v1
[ "$(vreport "$S1" "$V1" detached)" = 204 ] || fail "report detached"
[ "$(vol_field "$V1" status)" = available ] || fail "not available after the detach: $(vol $V1)"
[ "$(vol_field "$V1" attachments)" = "[]" ] || fail "attachments after the detach: $(vol "$V1")"
[ "$(count "$(att_url "$S1")" volumeAttachments "$ADMIN_TOK")" = 0 ] || fail "still listed"
[ "$(feed_volumes "$S1")" = "[]" ] || fail "still in the feed"
pass "server remove volume: detaching (detach and delete 400), a failed detach in-use again, then available"

# Deleting a server gives back its volumes: one in-use, one attaching.
os server add volume vm1 v1 >/dev/null
[ "$(vreport "$S1" "$V1" attached)" = 204 ] || fail "report attached"
os server add volume vm1 v2 >/dev/null
[ "$(vol_field "$V2" status)" = attaching ] || fail "v2 not attaching: $(vol $V2)"
os server delete vm1
[ "$(vol_field "$V1" status),$(vol_field "$V2" status)" = available,available ] || fail "after the server's delete: $(vol "$V1") $(vol "$V2")"
[ "$(vol_field "$V1" attachments)" = "[]" ] || fail "attachments after the server's delete: $(vol "$V1")"
pass "server delete: its volumes (in-use and attaching) available again"

# Booting from a volume (`server create --volume`): reserved with the server,
# its root disk vda in the feed, no image; in-use once the node has it;
# never detached; given back with the server.
V3=$(os volume create --size 1 --image img boot1 -f value -c id)
S5=$(os server create --volume boot1 --flavor m1.nano --network net1 fromvol -f value -c id)
[ "$(vol_field "$V3" status)" = attaching ] || fail "the boot volume is not attaching: $(vol "$V3")"
FV=$(feed_volumes "$S5")
[ "$(jget "$FV" '[(v["volume_id"], v["device"], v.get("boot"), v["action"]) for v in j]')" = \
	"[[\"$V3\", \"/dev/vda\", true, \"attach\"]]" ] || fail "the boot volume in the feed: $FV"
req GET "/internal/v1/nodes/n1/changes?since=0" "$SVC_TOK"
[ "$(jget "$R_BODY" "[s['image_id'] for s in j['servers'] if s['id'] == '$S5']")" = '[""]' ] ||
	fail "a server booted from a volume has an image in the feed"
req GET "/compute/v2.1/servers/$S5" "$ADMIN_TOK"
[ "$(jget "$R_BODY" '(j["server"]["image"], j["server"]["os-extended-volumes:volumes_attached"])')" = \
	"('', [{'id': '$V3'}])" ] || fail "server show of a server booted from a volume: $R_BODY"
report n1 "$S5" '{"power_state": "running", "reboot": 0}' >/dev/null
port_active n1 "$(os port list --device-id "$S5" -f value -c ID)"
[ "$(vreport "$S5" "$V3" attached)" = 204 ] || fail "report the boot volume attached"
[ "$(vol_field "$V3" status)" = in-use ] || fail "the boot volume is not in-use: $(vol "$V3")"
req DELETE "$(att_url "$S5" "$V3")" "$ADMIN_TOK"
expect_nova_error 400 badRequest "detach the root volume"
pass "server create --volume: the volume reserved, vda and boot in the feed, no image; in-use; the root volume is not detached"

req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}], \"block_device_mapping_v2\": [{\"boot_index\": 0, \"uuid\": \"$V3\", \"source_type\": \"volume\", \"destination_type\": \"volume\"}]}}"
expect_nova_error 400 badRequest "boot from an in-use volume"
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}], \"block_device_mapping_v2\": [{\"boot_index\": 0, \"uuid\": \"$IMG\", \"source_type\": \"snapshot\", \"destination_type\": \"volume\", \"volume_size\": 1}]}}"
expect_nova_error 400 badRequest "boot from a snapshot into a new volume"
req POST /compute/v2.1/servers "$U2_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"42\", \"block_device_mapping_v2\": [{\"boot_index\": \"0\", \"uuid\": \"$V2\", \"source_type\": \"volume\", \"destination_type\": \"volume\"}]}}"
expect_nova_error 400 badRequest "boot from another project's volume"
grep -q "Volume $V2 could not be found" <<<"$R_BODY" || fail "not refused for the volume: $R_BODY"
[ "$(vol_field "$V2" status)" = available ] || fail "a refused boot moved v2: $(vol "$V2")"
os server delete fromvol
[ "$(vol_field "$V3" status)" = available ] || fail "the boot volume after its server's delete: $(vol "$V3")"
pass "boot refusals: an in-use volume, a snapshot into a new volume, another project's volume (400); delete gives it back"

# An image into a new volume (`server create --boot-from-volume N --image`):
# the volume made from the image, bootable, reserved as vda; kept after the
# server's delete unless delete_on_termination; a refused server (a wrong
# flavor, found after the volume is made) leaves no volume and no file.
n_vols() { req GET "/volume/v3/$PROJ/volumes" "$ADMIN_TOK"; jget "$R_BODY" 'len(j["volumes"])'; }
n_files() { find "$STORE" -type f | wc -l; }
VOLS0=$(n_vols)
FILES0=$(n_files)
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"no-such-flavor\", \"networks\": [{\"uuid\": \"$NET\"}], \"block_device_mapping_v2\": [{\"boot_index\": 0, \"uuid\": \"$IMG\", \"source_type\": \"image\", \"destination_type\": \"volume\", \"volume_size\": 1}]}}"
expect_status 400 "an image into a new volume for a server with a wrong flavor"
[ "$(n_vols),$(n_files)" = "$VOLS0,$FILES0" ] || fail "a refused server left its new volume: $(n_vols) volumes, $(n_files) files"
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}], \"block_device_mapping_v2\": [{\"boot_index\": 0, \"uuid\": \"$IMG\", \"source_type\": \"image\", \"destination_type\": \"volume\"}]}}"
expect_nova_error 400 badRequest "an image into a new volume without volume_size"
[ "$(n_vols)" = "$VOLS0" ] || fail "a mapping without a size made a volume"
S6=$(os server create --boot-from-volume 1 --image img --flavor m1.nano --network net1 fromimg -f value -c id)
req GET "/compute/v2.1/servers/$S6" "$ADMIN_TOK"
V4=$(jget "$R_BODY" 'j["server"]["os-extended-volumes:volumes_attached"][0]["id"]')
[ "$(vol_field "$V4" status),$(vol_field "$V4" bootable),$(vol_field "$V4" size)" = attaching,true,1 ] ||
	fail "the volume made from the image: $(vol "$V4")"
[ -s "$STORE/$V4.raw" ] || fail "no file for the volume made from the image"
FV=$(feed_volumes "$S6")
[ "$(jget "$FV" '[(v["volume_id"], v["device"], v.get("boot")) for v in j]')" = "[[\"$V4\", \"/dev/vda\", true]]" ] ||
	fail "the new boot volume in the feed: $FV"
os server delete fromimg
[ "$(vol_field "$V4" status)" = available ] || fail "the volume made from the image after its server's delete: $(vol "$V4")"
req POST /compute/v2.1/servers "$ADMIN_TOK" "{\"server\": {\"name\": \"x\", \"flavorRef\": \"42\", \"networks\": [{\"uuid\": \"$NET\"}], \"block_device_mapping_v2\": [{\"boot_index\": \"0\", \"uuid\": \"$IMG\", \"source_type\": \"image\", \"destination_type\": \"volume\", \"volume_size\": \"1\", \"delete_on_termination\": true}]}}"
expect_status 202 "an image into a new volume, delete_on_termination"
S7=$(jget "$R_BODY" 'j["server"]["id"]')
req GET "/compute/v2.1/servers/$S7" "$ADMIN_TOK"
V5=$(jget "$R_BODY" 'j["server"]["os-extended-volumes:volumes_attached"][0]["id"]')
req DELETE "/compute/v2.1/servers/$S7" "$ADMIN_TOK"
expect_status 204 "delete the server with delete_on_termination"
req GET "/volume/v3/$PROJ/volumes/$V5" "$ADMIN_TOK"
expect_status 404 "its volume after the delete"
[ ! -e "$STORE/$V5.raw" ] || fail "the delete_on_termination volume's file is left"
pass "server create --boot-from-volume: a bootable volume from the image as vda, kept after the delete; delete_on_termination deletes it; a refused server leaves none"
os volume delete "$V4"

os volume delete v1 v2 boot1
[ ! -e "$STORE/$V1.raw" ] && [ ! -e "$STORE/$V2.raw" ] && [ ! -e "$STORE/$V3.raw" ] || fail "the volumes' files are left"
pass "then the volumes delete, their files gone"
