#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Volumes measured, not tested (it passes nothing, fails only when it cannot
# measure): on a private all-in-one node (the agent tests' lib.sh: its own
# controller, dataplane, agent and state directories, all removed at exit)
#  - volume create from an image, for the tiny guest's image and for a
#    1 GiB raw image of random bytes (nothing sparse to skip): the request's
#    time, since the copy is made inside it;
#  - I/O inside a VM of the tiny guest: sequential 1 MiB writes and reads
#    of a volume (vdb), sequential reads of the root disk (vda, the qcow2
#    overlay on the cached image: the guest runs from its initramfs, but
#    its disk is not written), and 4 KiB reads at random offsets of each.
#    The guest has busybox, no fio: dd, timed by /proc/uptime (10 ms), the
#    page cache dropped before each read pass; random reads are one dd
#    process each, so they measure the guest's process start too.
# Usage: BUILD=build bench/volume/volume_bench.sh [SEQ_MIB] [RANDOM_READS]
set -u
BUILD=$(realpath "${BUILD:-build}")
export BUILD
. "$(dirname "$0")/../../tests/agent/lib.sh"
. "$(dirname "$0")/../../tests/agent/vm_lib.sh"

SEQ_MIB=${1:-256}
RANDOM_READS=${2:-500}
vm_start
PROJ=$(os project show admin -f value -c id) || die "project show"
os network create benchnet >/dev/null || die "network create"
os subnet create --network benchnet --subnet-range 10.97.0.0/24 benchsub >/dev/null ||
	die "subnet create"

volume_status() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/volume/v3/$PROJ/volumes/$1" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["volume"]["status"])'
}

# create_from_image IMAGE_ID GIB: prints the request's milliseconds; the
# volume must be available when it answers.
create_from_image() {
	local t0 t1 id
	t0=$(date +%s%N)
	id=$(curl -s -H "X-Auth-Token: $(admin_token)" -H 'Content-Type: application/json' \
		-d "{\"volume\": {\"size\": $2, \"imageRef\": \"$1\"}}" \
		"$A_URL/volume/v3/$PROJ/volumes" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["volume"]["id"])') || return 1
	t1=$(date +%s%N)
	[ "$(volume_status "$id")" = available ] || { echo "volume $id not available" >&2; return 1; }
	echo "$(( (t1 - t0) / 1000000 )) $id"
}

tiny=$(os image show -f value -c id tiny) || die "image show"
read -r ms_tiny vol_tiny < <(create_from_image "$tiny" 1) || die "volume from the tiny image"
size_tiny=$(os image show -f value -c size tiny)
echo "volume create from the tiny image ($size_tiny bytes, qcow2 converted): $ms_tiny ms"

dd if=/dev/urandom of="$A_DIR/big.raw" bs=1M count=1024 status=none || die "1 GiB image"
os image create --file "$A_DIR/big.raw" --disk-format raw --container-format bare big >/dev/null ||
	die "image create big"
rm -f "$A_DIR/big.raw"
big=$(os image show -f value -c id big) || die "image show big"
read -r ms_big vol_big < <(create_from_image "$big" 1) || die "volume from the 1 GiB image"
echo "volume create from a 1 GiB raw image (random bytes): $ms_big ms"
os volume delete "$vol_tiny" "$vol_big" >/dev/null || die "volume delete"
os image delete big >/dev/null || die "image delete"

# The guest's part: waits for vdb, then prints "virga-bench: NAME CENTISECONDS".
cat >"$A_DIR/io" <<EOF
#!/bin/sh
(
	cs() { cut -d' ' -f1 /proc/uptime | tr -d .; }
	drop() { sync; echo 3 >/proc/sys/vm/drop_caches; }
	seqread() { # DEV MIB
		drop; t=\$(cs); dd if=/dev/\$1 of=/dev/null bs=1M count=\$2 2>/dev/null
		echo "virga-bench: \$1-seq-read-\$2MiB \$((\$(cs) - t))" >/dev/console
	}
	randread() { # DEV
		blocks=\$((\$(cat /sys/block/\$1/size) / 8)); drop; t=\$(cs); i=0
		while [ \$i -lt $RANDOM_READS ]; do
			dd if=/dev/\$1 of=/dev/null bs=4k count=1 skip=\$(((RANDOM * 32768 + RANDOM) % blocks)) 2>/dev/null
			i=\$((i + 1))
		done
		echo "virga-bench: \$1-random-4k-reads-$RANDOM_READS \$((\$(cs) - t))" >/dev/console
	}
	for i in \$(seq 240); do [ -b /dev/vdb ] && break; sleep 0.5; done
	[ -b /dev/vdb ] || { echo "virga-bench: no vdb" >/dev/console; exit 1; }
	t=\$(cs); dd if=/dev/zero of=/dev/vdb bs=1M count=$SEQ_MIB conv=fsync 2>/dev/null
	echo "virga-bench: vdb-seq-write-${SEQ_MIB}MiB \$((\$(cs) - t))" >/dev/console
	seqread vdb $SEQ_MIB
	vda_mib=\$((\$(cat /sys/block/vda/size) / 2048))
	[ \$vda_mib -gt $SEQ_MIB ] && vda_mib=$SEQ_MIB
	seqread vda \$vda_mib
	randread vdb
	randread vda
	echo "virga-bench: done" >/dev/console
) &
EOF
vm=$(os server create --image tiny --flavor m1.nano --network benchnet --user-data "$A_DIR/io" \
	-f value -c id benchvm) || die "server create"
VM_IDS+=("$vm")
wait_server "$vm" ACTIVE 180 || die "the VM did not become ACTIVE"
vol=$(os volume create --size 1 data -f value -c id) || die "volume create"
os server add volume benchvm data >/dev/null || die "server add volume"
console_shows "$vm" "virga-bench: done" 1200 || die "the guest did not finish its I/O"
kvm=TCG
ag_kvm=$(grep -o 'guests run on [A-Z]*' "$AGENT_LOG" 2>/dev/null | head -1)
[ -n "$ag_kvm" ] && kvm=${ag_kvm#guests run on }
"$OS_CLI" console log show "$vm" >"$A_DIR/console.txt"
grep -v "virga-bench: done" "$A_DIR/console.txt" | grep -o "virga-bench: [a-z].*" |
	while read -r _ name cs; do
		case $name in
		*-seq-*) mib=${name##*-}; mib=${mib%MiB}
			echo "guest ($kvm) $name: $((cs * 10)) ms, $(( cs > 0 ? mib * 100 / cs : 0 )) MiB/s" ;;
		*) n=${name##*-}
			echo "guest ($kvm) $name: $((cs * 10)) ms, $(( cs > 0 ? n * 100 / cs : 0 )) reads/s" ;;
		esac
	done
os server delete "$vm" >/dev/null
wait_server_gone "$vm" 60 >/dev/null
os volume delete data >/dev/null
exit 0
