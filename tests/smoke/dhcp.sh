#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DHCP answered by the engine, with no DHCP daemon anywhere: a namespace with
# no address runs busybox udhcpc and gets its address, gateway, MTU and a
# classless static route (option 121) from the port's entry, then reaches its
# router; a port without an entry on the same network gets no answer, and the
# engine counts it; a deleted entry stops the answers.
TOPO_PREFIX=${TOPO_PREFIX:-dhc$$}
. "$(dirname "$0")/lib.sh"
APPLY="$(cd "$(dirname "$0")" && pwd)/udhcpc_apply.sh"

command -v busybox >/dev/null || { echo "busybox is missing (make deps installs it)"; exit 1; }

topo_host vm 02:00:00:00:0d:02 ""
topo_host vm2 02:00:00:00:0d:03 ""
quiet_ipv6 vm vm2
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add tenant --type flat --physnet pten >/dev/null
vg dp port add vm "net_af_packet0,iface=$(topo_if vm)" >/dev/null
vg dp port add vm2 "net_af_packet1,iface=$(topo_if vm2)" >/dev/null
vg dp port attach vm --network tenant
vg dp port attach vm2 --network tenant
# As Neutron programs a VM's port: its MAC and its fixed address only.
vg dp port security vm on --mac 02:00:00:00:0d:02 --ip 10.60.0.5
vg dp port security vm2 on --mac 02:00:00:00:0d:03 --ip 10.60.0.6
vg dp router add r1 >/dev/null
vg dp router interface add r1 tenant 10.60.0.1/24

check "dhcp set vm" vg dp dhcp set vm --mac 02:00:00:00:0d:02 --ip 10.60.0.5/24 \
	--gateway 10.60.0.1 --server 10.60.0.2 --dns 10.60.0.2 --dns 192.0.2.53 \
	--route 172.16.0.0/12,10.60.0.254 --mtu 1400 --lease 3600 \
	--hostname vm1 --domain example.org
check_fails "dhcp set vm again without --exist-ok" vg dp dhcp set vm --mac 02:00:00:00:0d:02 \
	--ip 10.60.0.5/24 --server 10.60.0.2

# udhcpc NS: one lease, or a failure after two tries a second apart.
udhcpc() {
	UDHCPC_ENV="$SMOKE_DIR/$1.env" ip netns exec "$(topo_ns "$1")" \
		timeout 20 busybox udhcpc -i eth0 -n -q -t 2 -T 1 -O mtu -O staticroutes -s "$APPLY"
}
vm() { ip netns exec "$(topo_ns vm)" "$@"; }

check "udhcpc in the VM gets a lease from the engine" udhcpc vm
has_lease_value() { grep -qx "$1" "$SMOKE_DIR/vm.env.bound"; }
check "the lease carries the port's address and prefix" has_lease_value "ip=10.60.0.5"
check "... its mask" has_lease_value "mask=24"
check "... the router" has_lease_value "router=10.60.0.1"
check "... the DNS servers" has_lease_value "dns=10.60.0.2 192.0.2.53"
check "... host name and domain" sh -c "grep -qx hostname=vm1 '$SMOKE_DIR/vm.env.bound' &&
	grep -qx domain=example.org '$SMOKE_DIR/vm.env.bound'"
check "... the lease time" has_lease_value "lease=3600"
check "... the server identifier" has_lease_value "serverid=10.60.0.2"
check "the VM has its address" sh -c "ip netns exec $(topo_ns vm) ip -4 -o addr show dev eth0 | grep -q 'inet 10.60.0.5/24'"
check "the VM has its MTU (option 26)" sh -c "ip netns exec $(topo_ns vm) ip link show dev eth0 | grep -q 'mtu 1400'"
check "the VM's default route is the gateway (option 121 carries it)" \
	sh -c "ip netns exec $(topo_ns vm) ip route show default | grep -q 'via 10.60.0.1'"
check "the VM has the classless static route (option 121)" \
	sh -c "ip netns exec $(topo_ns vm) ip route show 172.16.0.0/12 | grep -q 'via 10.60.0.254'"
check "the VM pings its router with what it was given" vm ping -c 2 -i 0.2 -W 1 10.60.0.1

counter() {
	vg --json dp dhcp list vm | /usr/bin/python3 -c '
import json, sys
print(json.load(sys.stdin)[0]["counters"][sys.argv[1]])' "$1"
}
counted() { local n; n=$(counter "$1"); echo "$1=$n"; [ "$n" -ge "$2" ]; }
check "dhcp list counts the DISCOVER" counted discovers 1
check "... the OFFER" counted offers 1
check "... the REQUEST" counted requests 1
check "... the ACK" counted acks 1

# Renewing (RFC 2131 4.4.5): udhcpc unicasts its REQUEST to the server from its
# new address, which needs ARP for the server, answered by the engine too.
# Started directly (not through a function) so that kill reaches udhcpc itself.
UDHCPC_ENV="$SMOKE_DIR/vm.env" ip netns exec "$(topo_ns vm)" \
	busybox udhcpc -f -i eth0 -t 2 -T 1 -O mtu -O staticroutes -s "$APPLY" >/dev/null 2>&1 &
renewer=$!
TOPO_PIDS+=($renewer)
bound_again() { for _ in $(seq 50); do [ -s "$SMOKE_DIR/vm.env.bound" ] && return 0; sleep 0.1; done; return 1; }
rm -f "$SMOKE_DIR/vm.env.bound" "$SMOKE_DIR/vm.env.renew"
bound_again
acks=$(counter acks)
kill -USR1 "$renewer"
renewed() { for _ in $(seq 50); do [ -s "$SMOKE_DIR/vm.env.renew" ] && return 0; sleep 0.1; done; return 1; }
check "a renewal unicast to the server is ACKed" renewed
check "... and counted" counted acks $((acks + 1))
check "the VM resolved the server's address to the engine's MAC" \
	sh -c "ip netns exec $(topo_ns vm) ip neigh show 10.60.0.2 | grep -q 02:76:0a:3c:00:02"
kill "$renewer"
wait "$renewer" 2>/dev/null

# A port without an entry, on a network the engine serves: no answer, counted.
before=$(drops dhcp_no_entry)
check_fails "udhcpc on a port without an entry gets no lease" udhcpc vm2
check "the engine counted its requests as dhcp_no_entry" grew "$before" dhcp_no_entry 2
check "and vm2 has no address" sh -c "! ip netns exec $(topo_ns vm2) ip -4 -o addr show dev eth0 | grep -q inet"

# Deleted: the engine no longer answers (nobody else on the network does either).
check "dhcp del vm" vg dp dhcp del vm
check "dhcp del vm again with --missing-ok" vg dp dhcp del vm --missing-ok
no_entries() { [ "$(vg --json dp dhcp list | tr -d ' \n')" = "[]" ]; }
check "dhcp list no longer shows vm" no_entries
vm ip addr flush dev eth0
check_fails "udhcpc in the VM gets no lease once the entry is gone" udhcpc vm
