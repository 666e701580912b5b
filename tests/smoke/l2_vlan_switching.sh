#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Four namespaces on two VLAN networks through one dataplane, a fifth on a
# VLAN trunk: traffic flows within a network, never across, and what port
# security and the MTU refuse is dropped and counted.
. "$(dirname "$0")/lib.sh"

# red = VLAN 100, blue = VLAN 200, both on physnet1, whose uplink is a trunk
# to namespace "t": a host with an address on each VLAN (10.1.0.9 on 100,
# 10.2.0.9 on 200). This kernel has no 802.1Q module, so that host is a small
# scapy responder (vlan_host.py) rather than VLAN sub-interfaces.
topo_host a 02:00:00:00:01:0a 10.1.0.1/24
topo_host b 02:00:00:00:01:0b 10.1.0.2/24
topo_host c 02:00:00:00:02:0c 10.2.0.1/24
topo_host d 02:00:00:00:02:0d 10.2.0.2/24
topo_host t 02:00:00:00:00:99 ""
# d also claims an address of red's subnet: only the network may keep them apart.
ip netns exec "$(topo_ns d)" ip addr add 10.1.0.4/24 dev eth0
ip netns exec "$(topo_ns t)" /usr/bin/python3 "$(dirname "$0")/vlan_host.py" eth0 \
	"$SMOKE_DIR/trunk-ready" 02:00:00:00:00:99 100:10.1.0.9 200:10.2.0.9 &
TOPO_PIDS+=($!)

topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add red --type vlan --physnet physnet1 --vid 100 --mtu 1400
vg dp network add blue --type vlan --physnet physnet1 --vid 200
i=0
for h in a b c d t; do
	vg dp port add "$h" "net_af_packet$i,iface=$(topo_if "$h")" >/dev/null
	i=$((i + 1))
done
vg dp port attach a --network red
vg dp port attach b --network red
vg dp port attach c --network blue
vg dp port attach d --network blue
vg dp port attach t --uplink physnet1
vg dp port security a on --mac 02:00:00:00:01:0a --ip 10.1.0.1
vg dp port security b on --mac 02:00:00:00:01:0b --ip 10.1.0.2
vg dp port security c on --mac 02:00:00:00:02:0c --ip 10.2.0.1
vg dp port security d on --mac 02:00:00:00:02:0d --ip 10.2.0.2 --ip 10.1.0.4

check "a pings b within red" ping_ok a 10.1.0.2
check "c pings d within blue" ping_ok c 10.2.0.2
check_fails "a cannot reach d's red-subnet address on blue" ping_ok a 10.1.0.4
for _ in $(seq 100); do [ -e "$SMOKE_DIR/trunk-ready" ] && break; sleep 0.1; done
check "a reaches the trunk host over VLAN 100" ping_ok a 10.1.0.9
check "c reaches the trunk host over VLAN 200" ping_ok c 10.2.0.9
learned() { vg dp mac list "$1" | grep "$2" | grep -q "$3"; }
check "the MAC table learned a on red" learned red 02:00:00:00:01:0a " a "
check "and the trunk host on red behind the uplink" learned red 02:00:00:00:00:99 " t "

# The MTU of red is 1400: 1372 bytes of ping is a 1400-byte IP packet, 1373 is one too many.
before=$(drops mtu_exceeded)
check "a 1400-byte packet fits red's MTU" ping_ok a -M do -s 1372 10.1.0.2
check_fails "a 1401-byte packet does not" ping_ok a -M do -s 1373 10.1.0.2
check "and its drops are counted as mtu_exceeded" grew "$before" mtu_exceeded 2

# Port security: a may not borrow b's MAC or invent an IP.
mac_before=$(drops spoofed_src_mac)
ip_before=$(drops spoofed_src_ip)
ip netns exec "$(topo_ns a)" /usr/bin/python3 - <<'PY'
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src="02:00:00:00:01:0b", dst="ff:ff:ff:ff:ff:ff")/IP(src="10.1.0.2", dst="10.1.0.9")/ICMP(),
      iface="eth0", count=5, verbose=False)
sendp(Ether(src="02:00:00:00:01:0a", dst="ff:ff:ff:ff:ff:ff")/IP(src="10.1.0.77", dst="10.1.0.9")/ICMP(),
      iface="eth0", count=5, verbose=False)
PY
check "a frame from another port's MAC is dropped and counted" grew "$mac_before" spoofed_src_mac 5
check "a packet from a foreign IP is dropped and counted" grew "$ip_before" spoofed_src_ip 5
check "b still reaches a afterwards" ping_ok b 10.1.0.1

# The trace says, per frame, where bridge_input sent it and why.
traced() {
	vg dp trace on && ping_ok b 10.1.0.1 && vg dp trace off || return 1
	vg dp trace show | grep "in port 1 02:00:00:00:01:0b > 02:00:00:00:01:0a .* -> port_tx port 0"
}
check "the packet trace shows b's frames switched to a's port" traced

# The CLI's idempotence options and help, against this dataplane.
check_fails "network del of an absent network fails" vg dp network del nosuch
check "... and succeeds with --missing-ok" vg dp network del nosuch --missing-ok
check "network add of an existing network succeeds with --exist-ok" \
	vg dp network add blue --type vlan --physnet physnet1 --vid 200 --exist-ok
check_fails "mac del of an absent MAC fails" vg dp mac del red 02:00:00:00:99:99
check "... and succeeds with --missing-ok" vg dp mac del red 02:00:00:00:99:99 --missing-ok
help_ok() {
	local out
	out=$(vg dp mac del --help) && grep -q "usage: .*dp mac del NETWORK MAC \[--missing-ok\]" <<<"$out"
}
check "--help prints the usage and exits 0" help_ok
usage_exit() { vg dp mac del red --bogus; [ $? -eq 2 ]; }
check "an unknown option is a usage error (exit 2)" usage_exit
