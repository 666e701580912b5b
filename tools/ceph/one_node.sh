#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A one-node Ceph cluster in a directory of the caller's, for the rbd volume
# driver's tests to come (see controlplane/volume/volume.h): one monitor,
# one OSD on a file-backed BlueStore (a sparse 2 GiB file), pools of size 1,
# cephx on, no manager, no systemd (the daemons fork themselves; their pid
# files are in DIR/run). Loopback only, on the port given.
#
#   tools/ceph/one_node.sh start DIR PORT   # then: ceph -c DIR/ceph.conf ...
#   tools/ceph/one_node.sh stop DIR         # the daemons stopped; DIR stays
#
# Needs Debian's ceph-mon, ceph-osd and ceph-common (and qemu-block-extra
# for QEMU's rbd driver). Starts in about 10 s here, the pool "rbd" ready.
set -euo pipefail

start() {
	local d=$1 port=$2 fsid uuid secret id
	[ -d "$d" ] && [ -z "$(ls -A "$d")" ] || { echo "$d: not an empty directory" >&2; return 1; }
	fsid=$(cat /proc/sys/kernel/random/uuid)
	mkdir -p "$d/run" "$d/log" "$d/crash" "$d/mon/a" "$d/osd/0"
	# Size 1 and no host failure domain: one OSD holds every object.
	cat >"$d/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$port
ms bind msgr2 = false
public network = 127.0.0.0/8
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
run dir = $d/run
pid file = $d/run/\$name.pid
admin socket = $d/run/\$name.asok
log file = $d/log/\$name.log
crash dir = $d/crash
keyring = $d/admin.keyring
[mon]
mon data = $d/mon/\$id
[osd]
osd data = $d/osd/\$id
keyring = $d/osd/\$id/keyring
osd objectstore = bluestore
bluestore block create = true
bluestore block size = 2147483648
bluestore cache size = 134217728
osd memory target = 939524096
osd max object name len = 256
CONF
	local c=(-c "$d/ceph.conf")
	ceph-authtool --create-keyring "$d/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
	ceph-authtool --create-keyring "$d/admin.keyring" --gen-key -n client.admin \
		--cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
	ceph-authtool "$d/mon.keyring" --import-keyring "$d/admin.keyring" >/dev/null
	monmaptool --create --addv a "[v1:127.0.0.1:$port]" --fsid "$fsid" "$d/monmap" >/dev/null
	ceph-mon "${c[@]}" --mkfs -i a --monmap "$d/monmap" --keyring "$d/mon.keyring"
	ceph-mon "${c[@]}" -i a
	# The OSD's key given with its creation (cephx: with auth none, Ceph 16's
	# OSD asks the monitor with a zero fsid and is refused).
	uuid=$(cat /proc/sys/kernel/random/uuid)
	secret=$(ceph-authtool --gen-print-key)
	id=$(echo "{\"cephx_secret\": \"$secret\"}" | timeout 30 ceph "${c[@]}" osd new "$uuid" -i -)
	ceph-authtool --create-keyring "$d/osd/$id/keyring" --name "osd.$id" --add-key "$secret" >/dev/null
	ceph-osd "${c[@]}" -i "$id" --mkfs --osd-uuid "$uuid" >"$d/log/osd-mkfs.log" 2>&1
	ceph-osd "${c[@]}" -i "$id" >>"$d/log/osd-mkfs.log" 2>&1
	for _ in $(seq 120); do
		timeout 10 ceph "${c[@]}" osd stat 2>/dev/null | grep "1 up" >/dev/null && break
		sleep 0.5
	done
	timeout 30 ceph "${c[@]}" osd pool create rbd 8 8 >/dev/null 2>&1
	timeout 30 rbd "${c[@]}" pool init rbd
}

# Each daemon of the pid files, TERM and waited for (at most 10 s, then KILL).
stop() {
	local d=$1 f pid
	for f in "$d"/run/*.pid; do
		[ -e "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null || continue
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null || true
	done
}

case "${1:-}" in
start) start "$2" "$3" ;;
stop) stop "$2" ;;
*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
