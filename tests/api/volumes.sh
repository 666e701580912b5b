#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cinder v3 volumes on the file driver, with the real openstack CLI: the
# default type; create (available at once, a sparse file of its size in the
# store), list, show, set (name, description, property), extend (a larger
# size grows the file; a smaller one is 400), delete (the file goes); bad
# input (size 0, over the gigabytes quota, a volume from an image, another
# project's volume) answered with Cinder's fault bodies, leaving no row and
# no file behind.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
STORE="$T_DIR/state/volumes"
ADMIN_TOK=$(token admin "$T_ADMIN_PW" admin)
PROJ=$(os project show admin -f value -c id)

expect_fault() { # STATUS FAULT WHAT
	expect_status "$1" "$3"
	[ "$(jget "$R_BODY" "j['$2']['code']")" = "$1" ] || fail "$3: not a $2 fault body: $R_BODY"
}
files() { find "$STORE" -name '*.raw' 2>/dev/null | wc -l; }

[ "$(os volume type list -f value -c Name)" = __DEFAULT__ ] || fail "volume type list"
req GET "/volume/v3/$PROJ/types/default" "$ADMIN_TOK"
[ "$(jget "$R_BODY" 'j["volume_type"]["extra_specs"]')" = '{"volume_backend_name": "file"}' ] ||
	fail "the default type's backend: $R_BODY"
pass "the default volume type, whose volume_backend_name is the file driver"

os volume create --size 1 --description first v1 >/dev/null
SHOW=$(os volume show v1 -f json)
[ "$(jget "$SHOW" '(j["status"], j["size"], j["description"], j["os-vol-host-attr:host"])')" = "('available', 1, 'first', 'virga@file#file')" ] ||
	fail "volume show v1: $SHOW"
ID=$(jget "$SHOW" 'j["id"]')
[ "$(stat -c %s "$STORE/$ID.raw")" = $((1 << 30)) ] || fail "v1's file is not 1 GiB"
[ "$(du -k "$STORE/$ID.raw" | cut -f1)" -lt 1024 ] || fail "v1's file is not sparse"
os volume create --size 2 v2 >/dev/null
[ "$(os volume list -f value -c Name | sort | tr '\n' ' ')" = "v1 v2 " ] || fail "volume list"
pass "volume create (available, a sparse file of its size), show, list"

os volume set --name v1b --description renamed --property tier=gold v1
SHOW=$(os volume show v1b -f json)
[ "$(jget "$SHOW" '(j["name"], j["description"], j["properties"])')" = "('v1b', 'renamed', {'tier': 'gold'})" ] ||
	fail "volume set: $SHOW"
os volume set --size 3 v1b
[ "$(os volume show v1b -f value -c size)" = 3 ] || fail "volume set --size 3"
[ "$(stat -c %s "$STORE/$ID.raw")" = $((3 << 30)) ] || fail "the file did not grow"
req POST "/volume/v3/$PROJ/volumes/$ID/action" "$ADMIN_TOK" '{"os-extend": {"new_size": 2}}'
expect_fault 400 badRequest "extend to a smaller size"
[ "$(os volume show v1b -f value -c size)" = 3 ] || fail "a refused extend changed the size"
pass "volume set (name, description, property), extend grows the file, smaller is 400"

before=$(files)
req POST "/volume/v3/$PROJ/volumes" "$ADMIN_TOK" '{"volume": {"size": 0}}'
expect_fault 400 badRequest "size 0"
req POST "/volume/v3/$PROJ/volumes" "$ADMIN_TOK" '{"volume": {"size": 999}}'
expect_fault 413 overLimit "over the 1000 GiB quota"
req POST "/volume/v3/$PROJ/volumes" "$ADMIN_TOK" '{"volume": {"size": 1, "imageRef": "x"}}'
expect_fault 400 badRequest "a volume from a missing image"
req GET "/volume/v3/$PROJ/volumes/nope" "$ADMIN_TOK"
expect_fault 404 itemNotFound "an unknown volume"
[ "$(files)" = "$before" ] || fail "a refused create left a file"
[ "$(os volume list -f value -c Name | wc -l)" = 2 ] || fail "a refused create left a volume"
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
U2_TOK=$(token u2 pw2 p2)
P2=$(os project show p2 -f value -c id)
req GET "/volume/v3/$P2/volumes/$ID" "$U2_TOK"
expect_fault 404 itemNotFound "another project's volume"
req GET "/volume/v3/$PROJ/volumes" "$U2_TOK"
expect_fault 403 forbidden "another project's URL"
req GET "/volume/v3/$P2/types/default" "$U2_TOK"
expect_status 200 "the default type, for a member"
[ "$(jget "$R_BODY" 'j["volume_type"]["extra_specs"]')" = '{}' ] ||
	fail "a member sees which backend (Cinder keeps volume_backend_name for admins): $R_BODY"
pass "bad input: size 0 (400), over quota (413), from a missing image (400), unknown (404); nothing left behind; projects apart"

# Snapshots: write a marker into v1b's file (as a guest would), snapshot it, and
# overwrite the marker: the snapshot and a volume made from it hold the first.
printf 'marker-one' | dd of="$STORE/$ID.raw" bs=1 seek=$((5 << 20)) conv=notrunc status=none
os volume snapshot create --volume v1b s1 >/dev/null
printf 'marker-two' | dd of="$STORE/$ID.raw" bs=1 seek=$((5 << 20)) conv=notrunc status=none
SID=$(os volume snapshot show s1 -f value -c id)
[ "$(os volume snapshot show s1 -f value -c status)" = available ] || fail "snapshot status"
[ "$(os volume snapshot list -f value -c Name)" = s1 ] || fail "volume snapshot list"
marker() { dd if="$1" bs=1 skip=$((5 << 20)) count=10 status=none; }
[ "$(marker "$STORE/snap-$SID.raw")" = marker-one ] || fail "the snapshot does not hold the marker"
[ "$(du -k "$STORE/snap-$SID.raw" | cut -f1)" -lt 1024 ] || fail "the snapshot is not sparse"
os volume create --snapshot s1 v3 >/dev/null
V3=$(os volume show v3 -f json)
[ "$(jget "$V3" '(j["size"], j["snapshot_id"])')" = "(3, '$SID')" ] || fail "volume from snapshot: $V3"
[ "$(marker "$STORE/$(jget "$V3" 'j["id"]').raw")" = marker-one ] || fail "v3 does not hold the marker"
os volume create --source v1b v4 >/dev/null
[ "$(marker "$STORE/$(os volume show v4 -f value -c id).raw")" = marker-two ] || fail "v4 is not v1b's copy"
req DELETE "/volume/v3/$PROJ/volumes/$ID" "$ADMIN_TOK"
expect_fault 400 badRequest "delete a volume with snapshots"
req POST "/volume/v3/$PROJ/volumes" "$ADMIN_TOK" "{\"volume\": {\"size\": 1, \"snapshot_id\": \"$SID\"}}"
expect_fault 400 badRequest "a volume smaller than its snapshot"
pass "snapshot (a sparse copy at its time), volume from a snapshot and from a volume; refusals"

# From an image: a qcow2 one is converted (its written cluster lands at its offset,
# the rest stays holes), a raw one copied; both bootable.
qemu-img create -q -f qcow2 "$T_DIR/img.qcow2" 64M
qemu-io -f qcow2 -c 'write -P 0x41 1M 4k' "$T_DIR/img.qcow2" >/dev/null
os image create --file "$T_DIR/img.qcow2" --disk-format qcow2 --container-format bare q >/dev/null
os volume create --image q --size 1 vq >/dev/null
VQ=$(os volume show vq -f json)
[ "$(jget "$VQ" '(j["bootable"], j["status"])')" = "('true', 'available')" ] || fail "volume from a qcow2 image: $VQ"
VQF="$STORE/$(jget "$VQ" 'j["id"]').raw"
[ "$(dd if="$VQF" bs=4096 skip=256 count=1 status=none | tr -d 'A' | wc -c)" = 0 ] ||
	fail "the qcow2 image's data is not at its offset in the volume"
[ "$(stat -c %s "$VQF")" = $((1 << 30)) ] || fail "the volume from the qcow2 image is not 1 GiB"
head -c 100000 /dev/urandom >"$T_DIR/img.raw"
os image create --file "$T_DIR/img.raw" --disk-format raw --container-format bare r >/dev/null
os volume create --image r --size 1 vr >/dev/null
cmp -n 100000 "$T_DIR/img.raw" "$STORE/$(os volume show vr -f value -c id).raw" || fail "the raw image's bytes differ"
os volume delete vq vr
pass "volume create --image: qcow2 converted, raw copied, bootable"

os volume snapshot delete s1
[ ! -e "$STORE/snap-$SID.raw" ] || fail "the snapshot's file is left"
os volume delete v1b v2 v3 v4
[ -z "$(os volume list -f value -c Name)" ] || fail "volumes left after delete"
[ "$(files)" = 0 ] || fail "files left after delete"
pass "snapshot and volume delete remove them and their files"
