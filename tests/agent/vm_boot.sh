#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A VM booted with the real openstack CLI: the tiny guest's image uploaded to
# the image service, `server create` on a tenant network, the scheduler
# placing it on this node, the agent running it through libvirt (QEMU, TCG
# unless KVM is usable) with its NIC a vhost-user port of the engine; the
# engine's DHCP gives it its address, a namespace port on the same network
# reaches its TCP server, its host name and key come from the config drive,
# and `console log show` has its serial console. Then stop, start, reboot,
# and delete, which leaves no domain, no disk and no engine port.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"

vm_start
os network create vmnet >/dev/null || die "network create"
os subnet create --network vmnet --subnet-range 10.91.0.0/24 vmsub >/dev/null || die "subnet create"
os keypair create \
	vmkey >/dev/null || die "keypair create"
ns=$(create_port nsport vmnet) || die "port create"
check "the namespace's port becomes ACTIVE" wait_status "$ns" ACTIVE
plug "$ns" ns || die "plug"

t0=$(date +%s%N)
srv=$(os server create --image tiny --flavor m1.nano --network vmnet --key-name vmkey \
	-f value -c id vm1) || die "server create"
VM_IDS+=("$srv")
check "the server becomes ACTIVE" wait_server "$srv" ACTIVE 120
t_active=$(date +%s%N)
vm_port=$(os port list --server "$srv" -f value -c ID) || die "port list --server"
vm_ip=$(port_field "$vm_port" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
vhost_up() { vg dp port list | grep " tap${1:0:11} " | grep " vhost-user " | grep -q " up "; }
check "its port is a vhost-user port of the engine, up" eventually vhost_up "$vm_port"
check "the server's port is ACTIVE" wait_status "$vm_port" ACTIVE 30
check "libvirt runs it as virga-$srv" bash -c "virsh -c qemu:///system domstate virga-$srv | grep -q running"
check "the guest got $vm_ip from the engine's DHCP (console log show)" \
	console_shows "$srv" "virga-guest: lease IP $vm_ip" 120
check "the namespace pings the VM" within 30 ns_ping ns "$vm_ip"
t_ping=$(date +%s%N)
echo "# server create to ACTIVE $(( (t_active - t0) / 1000000 )) ms, to first ping $(( (t_ping - t0) / 1000000 )) ms ($( [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && echo KVM || echo TCG))"
check "the VM's TCP server answers with its host name from the config drive" \
	within 30 guest_hello ns "$vm_ip" vm1
check "the addresses the CLI shows name the network and the IP" \
	bash -c "$OS_CLI server show -f value -c addresses $srv | grep -q 'vmnet.*$vm_ip'"

os server stop "$srv" || die "server stop"
check "stop: SHUTOFF" wait_server "$srv" SHUTOFF 60
check "and libvirt has it shut off" bash -c "virsh -c qemu:///system domstate virga-$srv | grep -q 'shut off'"
check "and it no longer answers" not ns_ping ns "$vm_ip"
os server start "$srv" || die "server start"
check "start: ACTIVE again" wait_server "$srv" ACTIVE 60
check "and it answers again" within 120 ns_ping ns "$vm_ip"
boots=$(console_count "$srv" "virga-guest: up")
os server reboot --hard "$srv" || die "server reboot"
booted_again() { [ "$(console_count "$srv" 'virga-guest: up')" -gt "$boots" ]; }
check "reboot: the guest boots once more" within 120 booted_again
check "and is ACTIVE" wait_server "$srv" ACTIVE 60

os server delete "$srv" || die "server delete"
check "delete: the server is gone from the API" wait_server_gone "$srv" 60
check "libvirt has no domain for it" \
	eventually bash -c "! virsh -c qemu:///system list --all --name | grep -q virga-$srv"
check "its instance directory is gone" eventually test ! -e "$A_DIR/node/instances/$srv"
port_gone() { ! vg dp port list | grep -q "tap${1:0:11}"; }
check "its port is gone from the engine" eventually port_gone "$vm_port"
check "the image stays cached for the next server" test -s "$A_DIR/node/instances/_base/$(os image show -f value -c id tiny)"
