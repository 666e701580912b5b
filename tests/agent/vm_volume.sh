#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A volume carried from one VM to another, with the real openstack CLI: a
# 1 GB volume attached live to a running vm1 (`server add volume`: the agent
# plugs it into the domain through libvirt, the volume goes in-use), the
# guest finds it as /dev/vdb with the volume's serial and writes a marker on
# it; extended to 2 GB while attached (`volume set --size` at microversion
# 3.42), the guest sees its vdb grow; `server remove volume` unplugs it (the guest lets go, the volume is
# available again) and vm2, attached next, reads the marker back from
# inside its guest. The guests' user data does the writing and reading and
# says so on the serial console. Deleting vm2 with the volume still
# attached gives it back, available. Then vm3 boots from a volume made from
# the image (`server create --volume`), and reads the marker from a volume
# made from a snapshot of the first. No domain is left, and deleting the
# snapshot and volumes removes their files and the links the agent made for
# QEMU.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"

vm_start
STORE="$A_DIR/state/volumes"
MARKER="virga-marker-$$-$RANDOM"
os network create vmnet >/dev/null || die "network create"
os subnet create --network vmnet --subnet-range 10.96.0.0/24 vmsub >/dev/null || die "subnet create"
PROJ=$(os project show admin -f value -c id) || die "project show"

volume_field() { api_field "/volume/v3/$PROJ/volumes/$1" volume "$2"; }
volume_is() { # ID STATUS
	local have
	have=$(volume_field "$1" status 2>&1)
	[ "$have" = "$2" ] || { echo "volume $1: status $have, not $2"; return 1; }
}
wait_volume() { within "$3" volume_is "$1" "$2"; } # ID STATUS SECONDS
# domain_has_disk SERVER DEV: libvirt's live domain has the disk (its source the agent's link).
domain_has_disk() {
	local list
	list=$(virsh -c qemu:///system domblklist "virga-$1") || return 1
	grep -q "^ *$2 .*/instances/$1/volume-$vol.raw" <<<"$list" || { echo "$list"; return 1; }
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

vol=$(os volume create --size 1 data -f value -c id) || die "volume create"
check "the volume is available, a 1 GiB file in the store" \
	bash -c "[ \"\$(stat -c %s '$STORE/$vol.raw')\" = $((1 << 30)) ]"

# vm1 waits for its second disk, checks its serial is the volume's and writes the marker.
cat >"$A_DIR/write-marker" <<EOF
#!/bin/sh
(
	for i in \$(seq 240); do [ -b /dev/vdb ] && break; sleep 0.5; done
	[ -b /dev/vdb ] || { echo "virga-guest: no vdb" >/dev/console; exit 1; }
	echo "virga-guest: vdb serial \$(cat /sys/block/vdb/serial)" >/dev/console
	echo $MARKER | dd of=/dev/vdb conv=fsync 2>/dev/null && sync &&
		echo "virga-guest: wrote the marker to vdb" >/dev/console
	# Then the volume is extended while attached: what the guest's kernel sees.
	size=\$(cat /sys/block/vdb/size)
	for i in \$(seq 600); do [ "\$(cat /sys/block/vdb/size)" != "\$size" ] && break; sleep 0.2; done
	echo "virga-guest: vdb is now \$(cat /sys/block/vdb/size) sectors" >/dev/console
) &
EOF
# vm2 waits for it and prints what the disk's first sector says.
cat >"$A_DIR/read-marker" <<'EOF'
#!/bin/sh
(
	for i in $(seq 240); do [ -b /dev/vdb ] && break; sleep 0.5; done
	[ -b /dev/vdb ] || { echo "virga-guest: no vdb" >/dev/console; exit 1; }
	echo "virga-guest: vdb reads $(dd if=/dev/vdb bs=512 count=1 2>/dev/null | head -n 1)" >/dev/console
) &
EOF

vm1=$(os server create --image tiny --flavor m1.nano --network vmnet \
	--user-data "$A_DIR/write-marker" -f value -c id vm1) || die "server create vm1"
VM_IDS+=("$vm1")
check "vm1 becomes ACTIVE" wait_server "$vm1" ACTIVE 120
check "vm1 ran its user data (it waits for vdb)" console_shows "$vm1" "virga-guest: config drive hostname vm1" 120

t0=$(date +%s%N)
os server add volume vm1 data >/dev/null || die "server add volume"
check "server add volume: the volume goes in-use" wait_volume "$vol" in-use 60
echo "# server add volume to in-use $(ms_since "$t0") ms"
check "libvirt's running domain has it as vdb, through the agent's link" domain_has_disk "$vm1" vdb
check "and keeps it in the domain's definition" bash -c \
	"virsh -c qemu:///system dumpxml --inactive virga-$vm1 | grep -q '<serial>${vol:0:20}</serial>'"
check "volume show: attached to vm1 on /dev/vdb" bash -c \
	"$OS_CLI volume show -f json data | $PY -c 'import json, sys; a = json.load(sys.stdin)[\"attachments\"]; sys.exit(not (a[0][\"server_id\"] == \"$vm1\" and a[0][\"device\"] == \"/dev/vdb\"))'"
check "the guest sees /dev/vdb with the volume's serial" console_shows "$vm1" "virga-guest: vdb serial ${vol:0:20}" 120
echo "# server add volume to the guest's vdb $(ms_since "$t0") ms"
check "and writes the marker on it" console_shows "$vm1" "virga-guest: wrote the marker to vdb" 60
check "the marker is in the volume's file" bash -c "head -c 64 '$STORE/$vol.raw' | grep -q $MARKER"
check "the controller's state directory stays private" bash -c "[ \"\$(stat -c %a '$A_DIR/state')\" = 700 ]"

# Extend in-use (Cinder 3.42): the agent resizes the running domain's disk.
size_status_is() { [ "$(volume_field "$vol" size) $(volume_field "$vol" status)" = "$1" ]; }
domain_disk_bytes() { # SERVER DEV BYTES: libvirt's live capacity of the disk
	virsh -c qemu:///system domblkinfo "virga-$1" "$2" | grep "^Capacity: *$3\$" >/dev/null
}
t0=$(date +%s%N)
os --os-volume-api-version 3.42 volume set --size 2 data || die "volume set --size 2 while in-use"
check "extend in-use: 2 GiB and still in-use" size_status_is "2 in-use"
check "its file is 2 GiB" bash -c "[ \"\$(stat -c %s '$STORE/$vol.raw')\" = $((2 << 30)) ]"
check "libvirt's running domain has vdb at 2 GiB" within 30 domain_disk_bytes "$vm1" vdb $((2 << 30))
check "the guest sees vdb grow to 2 GiB (4194304 sectors)" console_shows "$vm1" "virga-guest: vdb is now 4194304 sectors" 60
echo "# volume extend in-use to the guest's new size $(ms_since "$t0") ms"
check "with the marker where it was" bash -c "head -c 64 '$STORE/$vol.raw' | grep $MARKER >/dev/null"

t0=$(date +%s%N)
os server remove volume vm1 data || die "server remove volume"
check "server remove volume: the volume is available again" wait_volume "$vol" available 90
echo "# server remove volume to available $(ms_since "$t0") ms"
no_attachment() { [ "$(volume_field "$vol" attachments)" = "[]" ]; }
check "with no attachment" no_attachment
check_fails "libvirt's domain no longer has it" domain_has_disk "$vm1" vdb
check "nor its definition" bash -c \
	"! virsh -c qemu:///system dumpxml --inactive virga-$vm1 | grep -q '<serial>${vol:0:20}</serial>'"
check "the agent's link is gone" test ! -e "$A_DIR/node/instances/$vm1/volume-$vol.raw"
check "vm1 is still ACTIVE" wait_server "$vm1" ACTIVE 10

vm2=$(os server create --image tiny --flavor m1.nano --network vmnet \
	--user-data "$A_DIR/read-marker" -f value -c id vm2) || die "server create vm2"
VM_IDS+=("$vm2")
check "vm2 becomes ACTIVE" wait_server "$vm2" ACTIVE 120
check "vm2 ran its user data" console_shows "$vm2" "virga-guest: config drive hostname vm2" 120
# reads_marker SERVER SERVER_ID VOLUME VOLUME_ID: attached, in-use, and the
# guest (running read-marker) finds vm1's marker on its vdb.
reads_marker() {
	os server add volume "$1" "$3" >/dev/null || die "server add volume $1 $3"
	check "$3 attached to $1: in-use" wait_volume "$4" in-use 60
	check "$1's guest reads vm1's marker from $3 (its vdb)" console_shows "$2" "virga-guest: vdb reads $MARKER" 120
}
reads_marker vm2 "$vm2" data "$vol"

os server delete "$vm2" || die "server delete vm2"
check "deleting vm2 with the volume attached: the volume is available" wait_volume "$vol" available 30
check "vm2 is gone from the API" wait_server_gone "$vm2" 60
os server delete "$vm1" || die "server delete vm1"
check "vm1 is gone from the API" wait_server_gone "$vm1" 60

# A snapshot keeps the marker, and so does a volume made from it.
snap=$(os volume snapshot create --volume data snap1 -f value -c id) || die "snapshot create"
snapshot_available() { [ "$(api_field "/volume/v3/$PROJ/snapshots/$snap" snapshot status)" = available ]; }
check "the snapshot is available" within 30 snapshot_available
os volume create --snapshot snap1 fromsnap >/dev/null || die "volume create --snapshot"
fromsnap=$(os volume show -f value -c id fromsnap) || die "volume show fromsnap"
check "the volume from the snapshot is available" wait_volume "$fromsnap" available 30

# Booting from a volume made from the image: the volume's file is the root disk.
t0=$(date +%s%N)
os volume create --image tiny --size 1 rootvol >/dev/null || die "volume create --image"
echo "# volume create --image (the qcow2 image converted into the file, CLI included) $(ms_since "$t0") ms"
rootvol=$(os volume show -f value -c id rootvol) || die "volume show rootvol"
bootable_available() { [ "$(volume_field "$1" status) $(volume_field "$1" bootable)" = "available true" ]; }
check "the volume from the image is available and bootable" bootable_available "$rootvol"
vm3=$(os server create --volume rootvol --flavor m1.nano --network vmnet \
	--user-data "$A_DIR/read-marker" -f value -c id vm3) || die "server create --volume"
VM_IDS+=("$vm3")
check "vm3, booted from the volume, becomes ACTIVE" wait_server "$vm3" ACTIVE 120
check "its root volume is in-use" wait_volume "$rootvol" in-use 30
check "libvirt's domain boots from the volume's file as vda" bash -c \
	"virsh -c qemu:///system domblklist virga-$vm3 | grep -q '^ *vda .*/instances/$vm3/volume-$rootvol.raw'"
check "and no image overlay was made" test ! -e "$A_DIR/node/instances/$vm3/disk.qcow2"
check "the guest is up and read its config drive" console_shows "$vm3" "virga-guest: config drive hostname vm3" 120
reads_marker vm3 "$vm3" fromsnap "$fromsnap" # the volume made from the snapshot
os server delete "$vm3" || die "server delete vm3"
check "deleting vm3: its root volume is available again" wait_volume "$rootvol" available 30
check "and the one from the snapshot" wait_volume "$fromsnap" available 30
check "vm3 is gone from the API" wait_server_gone "$vm3" 60
check "libvirt has no domain left" \
	eventually bash -c "! virsh -c qemu:///system list --all --name | grep virga- >/dev/null"
check "no instance directory is left" eventually bash -c "[ -z \"\$(ls '$A_DIR/node/instances' | grep -v _base)\" ]"

check_fails "a volume with a snapshot cannot be deleted" os volume delete data
os volume snapshot delete snap1 || die "snapshot delete"
check "snapshot delete removes its file" eventually test ! -e "$STORE/snap-$snap.raw"
os volume delete data rootvol fromsnap || die "volume delete"
check "volume delete: the volumes are gone" eventually bash -c \
	"[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Auth-Token: $(admin_token)' '$A_URL/volume/v3/$PROJ/volumes/$vol')\" = 404 ]"
check "and their files" bash -c "[ ! -e '$STORE/$vol.raw' ] && [ ! -e '$STORE/$rootvol.raw' ] && [ ! -e '$STORE/$fromsnap.raw' ]"
check "and no copy or link of either anywhere under the test's directories" \
	bash -c "! find '$A_DIR' -name '*$vol*' -o -name '*$rootvol*' -o -name '*$fromsnap*' -o -name '*$snap*' | grep -q ."
