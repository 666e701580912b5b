#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# VMs talking to each other through the engine, booted with the real
# openstack CLI: vm1 and vm2 on one network, vm3 on a second network behind
# a router. vm2 and vm3 are given user data that pings vm1 from inside the
# guest and prints the result on the serial console, so the traffic is the
# guests' own (virtio NIC, vhost-user port, the engine's bridge and router),
# not a namespace's. Then the dataplane is killed (-9) and started again:
# the agent programs it, the engine connects to the VMs' sockets again, and
# the time until the VM answers once more is reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vm_lib.sh"

vm_start
os network create vmnet1 >/dev/null || die "network create"
os subnet create --network vmnet1 --subnet-range 10.94.1.0/24 vmsub1 >/dev/null || die "subnet create"
os network create vmnet2 >/dev/null || die "network create"
os subnet create --network vmnet2 --subnet-range 10.94.2.0/24 vmsub2 >/dev/null || die "subnet create"
os router create vmrouter >/dev/null || die "router create"
os router add subnet vmrouter vmsub1 || die "router add subnet"
os router add subnet vmrouter vmsub2 || die "router add subnet"
ns=$(create_port nsport vmnet1) || die "port create"
check "the namespace's port becomes ACTIVE" wait_status "$ns" ACTIVE
plug "$ns" ns || die "plug"
# vmsub1's gateway is the router's interface, so vm3 is reached through it.
ip netns exec "${TOPO_PREFIX}-ns" ip route add default via 10.94.1.1 || die "default route"

server_ip() {
	local port
	port=$(os port list --server "$1" -f value -c ID) || return 1
	port_field "$port" fixed_ips |
		"$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])'
}

vm1=$(os server create --image tiny --flavor m1.nano --network vmnet1 -f value -c id vm1) ||
	die "server create vm1"
VM_IDS+=("$vm1")
check "vm1 becomes ACTIVE" wait_server "$vm1" ACTIVE 120
ip1=$(server_ip "$vm1") || die "vm1's address"

# The guest runs user data that starts with #! once its config drive is read.
cat >"$A_DIR/ping-vm1" <<EOF
#!/bin/sh
(
	for i in \$(seq 90); do
		if ping -c 1 -W 1 $ip1 >/dev/null 2>&1; then
			echo "virga-guest: ping $ip1 ok from \$(hostname)" >/dev/console
			exit 0
		fi
		sleep 1
	done
	echo "virga-guest: ping $ip1 failed from \$(hostname)" >/dev/console
) &
EOF
vm2=$(os server create --image tiny --flavor m1.nano --network vmnet1 \
	--user-data "$A_DIR/ping-vm1" -f value -c id vm2) || die "server create vm2"
VM_IDS+=("$vm2")
vm3=$(os server create --image tiny --flavor m1.nano --network vmnet2 \
	--user-data "$A_DIR/ping-vm1" -f value -c id vm3) || die "server create vm3"
VM_IDS+=("$vm3")
check "vm2 becomes ACTIVE" wait_server "$vm2" ACTIVE 120
check "vm3 becomes ACTIVE" wait_server "$vm3" ACTIVE 120
ip2=$(server_ip "$vm2") || die "vm2's address"
ip3=$(server_ip "$vm3") || die "vm3's address"
check "vm1 got $ip1 from the engine's DHCP" console_shows "$vm1" "virga-guest: lease IP $ip1" 120
check "vm2 got $ip2 from the engine's DHCP" console_shows "$vm2" "virga-guest: lease IP $ip2" 120
check "vm3 got $ip3 on the second network" console_shows "$vm3" "virga-guest: lease IP $ip3" 120
check "vm2 pings vm1 on their network (from inside the guest)" \
	console_shows "$vm2" "virga-guest: ping $ip1 ok from vm2" 120
check "vm3 pings vm1 across the router (from inside the guest)" \
	console_shows "$vm3" "virga-guest: ping $ip1 ok from vm3" 120
check "the namespace reaches vm3 across the router" within 30 guest_hello ns "$ip3" vm3

# The engine dies and comes back empty: the agent programs it again and the
# engine, the vhost-user client, connects to the sockets QEMU still listens on.
check "the namespace pings vm1 before the restart" within 30 ns_ping ns "$ip1"
t_kill=$(date +%s%N)
kill -9 "${TOPO_PIDS[0]}"
wait "${TOPO_PIDS[0]}" 2>/dev/null
TOPO_PIDS[0]=""
rm -f "$SOCK"
start_dataplane
once() { ip netns exec "${TOPO_PREFIX}-ns" ping -c 1 -W 1 "$1" >/dev/null; }
check "after the dataplane's kill -9 and restart the namespace pings vm1 again" within 60 once "$ip1"
t_back=$(date +%s%N)
echo "# vm1 unreachable for $(( (t_back - t_kill) / 1000000 )) ms across the dataplane's kill -9 and restart"
check "and vm1 and vm3 are still ACTIVE" bash -c \
	"$OS_CLI server show -f value -c status $vm1 | grep -x ACTIVE >/dev/null && $OS_CLI server show -f value -c status $vm3 | grep -x ACTIVE >/dev/null"
check "the namespace reaches vm3 across the router again" within 30 guest_hello ns "$ip3" vm3

for s in "$vm1" "$vm2" "$vm3"; do os server delete "$s" || die "server delete"; done
for s in "$vm1" "$vm2" "$vm3"; do
	check "delete: server $s is gone from the API" wait_server_gone "$s" 60
done
check "libvirt has no domain left" \
	eventually bash -c "! virsh -c qemu:///system list --all --name | grep virga- >/dev/null"
