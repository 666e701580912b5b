#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A real VM on a vhost-user port: the tiny guest's disk (tools/guest, built
# by `make guest`, the image the image service gets) boots in QEMU, whose
# virtio-net device is the vhost-user server the engine connects to. The engine alone answers its DHCP: the guest
# prints its lease on the serial console, takes the address, MTU and gateway
# it was given, reads its host name and SSH key from a config drive and runs
# its user data, answers on its serial console's shell, and a namespace on an
# af_packet port of the same network pings it and talks to its TCP server.
# The test prints the boot time to the lease, on the wall clock and on the
# guest's own (its uptime), and which accelerator ran it.
TOPO_PREFIX=gst$$ # names of its own: namespaces, veths, EAL prefixes
. "$(dirname "$0")/lib.sh"

QEMU=$(command -v qemu-system-x86_64) || { echo "qemu-system-x86_64 missing (make deps)"; exit 1; }
command -v genisoimage >/dev/null || { echo "genisoimage missing (make deps)"; exit 1; }
DISK="$BUILD/tools/guest/virga-tiny.qcow2"
[ -f "$DISK" ] || { echo "no guest image $DISK (make guest)"; exit 1; }

VM_MAC=02:00:00:00:0e:05
NS_MAC=02:00:00:00:0e:09
VSOCK="$SMOKE_DIR/vm.sock"
CONSOLE="$SMOKE_DIR/console.log"
QEMU_PID=
CAT_PID=

stop_qemu() {
	[ -z "$CAT_PID" ] || kill "$CAT_PID" 2>/dev/null
	[ -n "$QEMU_PID" ] || return 0
	stop_gently "$QEMU_PID"
	QEMU_PID=
}
on_exit() {
	local rc=$?
	stop_qemu
	if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- guest console ---"
		tr -d '\r' <"$CONSOLE" 2>/dev/null | tail -20
	fi
	(exit $rc)
	smoke_exit
}
trap on_exit EXIT

# KVM where it works: /dev/kvm and a CPU that says it can (vmx or svm). Some
# nested hosts have /dev/kvm without either, and there a KVM guest hangs in
# its first instructions; TCG is slower but always there. VIRGA_GUEST_ACCEL
# chooses.
ACCEL=${VIRGA_GUEST_ACCEL:-tcg}
if [ -z "${VIRGA_GUEST_ACCEL:-}" ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
	ACCEL=kvm
fi

# The config drive, as Nova writes one.
mkdir -p "$SMOKE_DIR/cd/openstack/latest"
cat >"$SMOKE_DIR/cd/openstack/latest/meta_data.json" <<'JSON'
{"uuid": "4a1c2d3e-0000-4000-8000-00000000e005", "hostname": "vm-e05.example.org", "name": "vm-e05", "public_keys": {"k1": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuest test@virga"}}
JSON
printf '#!/bin/sh\necho made by user data >/tmp/from-user-data\n' >"$SMOKE_DIR/cd/openstack/latest/user_data"
genisoimage -quiet -V config-2 -r -J -o "$SMOKE_DIR/config.iso" "$SMOKE_DIR/cd" || exit 1

# The engine in a namespace of its own (topo_node): its af_packet socket's
# fanout group then cannot collide with another dataplane's on this machine.
topo_host ns "$NS_MAC" 10.80.0.9/24
quiet_ipv6 ns
topo_node node
topo_move ns node
TOPO_DP_NETNS=$(topo_ns node) topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vhost_beside_host gnet ns vm "$VSOCK" &&
	vg dp port security ns on --mac "$NS_MAC" --ip 10.80.0.9 &&
	vg dp port security vm on --mac "$VM_MAC" --ip 10.80.0.5 ||
	{ echo "programming the engine failed"; exit 1; }
check "dhcp set for the VM's port" vg dp dhcp set vm --mac "$VM_MAC" --ip 10.80.0.5/24 \
	--gateway 10.80.0.1 --server 10.80.0.2 --dns 10.80.0.2 --mtu 1450 --lease 3600

# Shared memory (memfd) so the engine can map the guest's rings and buffers.
# vectors=0 (no MSI-X): QEMU 7.2 under TCG crashes when the guest loads
# virtio-net on vhost-user with MSI-X vectors. -nodefaults: no VGA, floppy or
# default NIC to probe; the disk boots through the BIOS and SYSLINUX as a VM
# from the image service would, and snapshot=on leaves it as it was; the IDE
# CD-ROM carries the config drive.
# The serial console on two FIFOs (QEMU's pipe chardev, PATH.in and
# PATH.out): what the guest prints goes to the console log through cat, and
# the test types into the .in side as a person at the console would.
mkfifo "$SMOKE_DIR/serial.in" "$SMOKE_DIR/serial.out"
cat "$SMOKE_DIR/serial.out" >"$CONSOLE" &
CAT_PID=$!
t0=$(date +%s%N)
"$QEMU" -accel "$ACCEL" -nodefaults -no-user-config -display none -no-reboot \
	-m 256M -object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
	-chardev "pipe,id=s0,path=$SMOKE_DIR/serial" -serial chardev:s0 \
	-drive "file=$DISK,if=virtio,snapshot=on" \
	-chardev "socket,id=c0,path=$VSOCK,server=on,wait=off" \
	-netdev vhost-user,id=n0,chardev=c0 \
	-device "virtio-net-pci,netdev=n0,mac=$VM_MAC,vectors=0" \
	-drive "file=$SMOKE_DIR/config.iso,media=cdrom,if=ide,readonly=on" \
	>"$SMOKE_DIR/qemu.log" 2>&1 </dev/null &
QEMU_PID=$!

# console_has PATTERN SECONDS: the guest printed a line matching PATTERN.
console_has() {
	for _ in $(seq $(($2 * 10))); do
		tr -d '\r' <"$CONSOLE" 2>/dev/null | grep -qE "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || { cat "$SMOKE_DIR/qemu.log"; return 1; }
		sleep 0.1
	done
	return 1
}
port_link() {
	vg --json dp port list | /usr/bin/python3 -c '
import json, sys
print([p for p in json.load(sys.stdin) if p["name"] == "vm"][0]["link_up"])'
}
connected() { for _ in $(seq 100); do [ "$(port_link)" = True ] && return 0; sleep 0.1; done; return 1; }
check "the engine connects to QEMU's vhost-user socket" connected
check "the guest's init starts" console_has '^virga-guest: up' 60
check "the guest gets a lease from the engine" console_has '^virga-guest: lease IP' 80
lease_ms=$((($(date +%s%N) - t0) / 1000000))
lease=$(tr -d '\r' <"$CONSOLE" | grep -m1 '^virga-guest: lease IP')
up=$(echo "$lease" | sed -n 's/.*(uptime \([0-9.]*\) s).*/\1/p')
echo "# $lease"
echo "# boot to lease under $ACCEL: $((lease_ms / 1000)).$((lease_ms % 1000 / 100)) s from QEMU's start, ${up} s of guest uptime"
check "the lease is the port's address" sh -c "echo '$lease' | grep -q 'lease IP 10.80.0.5/24 on eth0'"
check "... with its gateway and MTU" sh -c "echo '$lease' | grep -q 'router 10.80.0.1 mtu 1450'"

ns() { ip netns exec "$(topo_ns ns)" "$@"; }
check "the namespace pings the VM" ns ping -c 3 -i 0.3 -W 2 10.80.0.5
check "the namespace resolved the VM to its MAC" sh -c "ip netns exec $(topo_ns ns) ip neigh show 10.80.0.5 | grep -q $VM_MAC"
check "the guest read its config drive" console_has '^virga-guest: config drive hostname vm-e05.example.org' 30
# type LINE: a line typed on the serial console (not waiting on a dead QEMU).
type_line() { timeout 5 sh -c 'echo "$1" >"$2"' sh "$1" "$SMOKE_DIR/serial.in"; }
shell_answers() {
	console_has '^virga-guest: ready' 30 && type_line 'echo shell-$((6*7)) on $(hostname): $(cat /tmp/from-user-data), $(grep -c AAAAIGuest /root/.ssh/authorized_keys) key' &&
		console_has '^shell-42 on vm-e05: made by user data, 1 key$' 15
}
check "the guest ran the config drive's user data" console_has '^virga-guest: user data ran, status 0' 15
check "a root shell answers on the serial console (user data and SSH key in place)" shell_answers
# hello: the guest's TCP server names the guest and echoes what it is sent.
hello() {
	ns /usr/bin/python3 - <<'PY'
import socket, sys
s = socket.create_connection(("10.80.0.5", 7777), timeout=10)
f = s.makefile("rwb")
banner = f.readline().decode().strip()
f.write(b"ping over vhost-user\n"); f.flush()
echo = f.readline().decode().strip()
print(repr(banner), repr(echo))
sys.exit(0 if banner == "virga-guest vm-e05" and echo == "ping over vhost-user" else 1)
PY
}
check "the VM's TCP server answers with the config drive's host name, and echoes" hello
# The MTU the lease gave the guest (1450) holds a 1450-byte packet: 1422
# bytes of payload and 28 of headers, unfragmented (-M do) both ways.
check "a 1450-byte ping crosses both ways" ns ping -c 2 -i 0.3 -W 2 -M "do" -s 1422 10.80.0.5
rx=$(vg --json dp port list | /usr/bin/python3 -c '
import json, sys
print([p for p in json.load(sys.stdin) if p["name"] == "vm"][0]["rx_packets"])')
check "the vhost-user port counted the guest's frames" [ "$rx" -ge 5 ]
