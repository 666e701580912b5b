#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The router fragments what does not fit the egress network (RFC 1812 5.2.7):
# h1 on "wide" (MTU 1500) reaches h2 on "narrow" (MTU 1000) with 1400-byte
# datagrams without DF, which arrive whole after h2 reassembles them; with DF
# the sender is told the MTU instead.
. "$(dirname "$0")/lib.sh"

topo_host h1 02:00:00:00:0c:01 10.30.1.10/24
topo_host h2 02:00:00:00:0c:02 10.30.2.20/24
ip netns exec "$(topo_ns h1)" ip route add default via 10.30.1.1
ip netns exec "$(topo_ns h2)" ip route add default via 10.30.2.1
# h2 lives on the narrow network: its own replies leave as fragments of 1000.
ip netns exec "$(topo_ns h2)" ip link set eth0 mtu 1000
quiet_ipv6 h1 h2
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1

vg dp network add wide --type flat --physnet p1 --mtu 1500 >/dev/null
vg dp network add narrow --type flat --physnet p2 --mtu 1000 >/dev/null
vg dp port add p1 "net_af_packet0,iface=$(topo_if h1)" >/dev/null
vg dp port add p2 "net_af_packet1,iface=$(topo_if h2)" >/dev/null
vg dp port attach p1 --network wide
vg dp port attach p2 --network narrow
vg dp port security p1 on --mac 02:00:00:00:0c:01 --ip 10.30.1.10
vg dp port security p2 on --mac 02:00:00:00:0c:02 --ip 10.30.2.20
vg dp router add r1 >/dev/null
vg dp router interface add r1 wide 10.30.1.1/24
vg dp router interface add r1 narrow 10.30.2.1/24

h1() { ip netns exec "$(topo_ns h1)" "$@"; }
check "a small ping crosses the router" h1 ping -c 2 -i 0.2 -W 2 10.30.2.20

before=$(drops frag_no_room)
big_ping() { h1 ping -c 3 -i 0.3 -W 2 -M dont -s 1400 10.30.2.20; }
check "1428-byte pings without DF reach h2 through a 1000-byte network and return" big_ping
check "no datagram was refused for its fragments" grew "$before" frag_no_room 0
refused_now() { [ "$(drops frag_no_room)" -eq "$before" ]; }
check "frag_no_room did not move" refused_now

# A UDP datagram of 1400 bytes arrives whole: the receiver reads it in one piece.
udp_whole() {
	ip netns exec "$(topo_ns h2)" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.30.2.20", 4000)); s.settimeout(5)
data, peer = s.recvfrom(65535)
sys.exit(0 if data == bytes(range(256)) * 5 + bytes(120) and peer[0] == "10.30.1.10" else 1)' &
	local rx=$!
	sleep 0.5
	h1 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: IP_PMTUDISC_DONT, no DF
s.sendto(bytes(range(256)) * 5 + bytes(120), ("10.30.2.20", 4000))'
	wait "$rx"
}
check "a 1400-byte UDP datagram arrives whole and unchanged" udp_whole

before=$(drops frag_needed)
df_refused() { { h1 ping -c 1 -W 2 -M do -s 1400 10.30.2.20 || true; } | grep -i "frag needed and DF set (mtu = 1000)"; }
check "with DF the sender learns the MTU instead" df_refused
check "and the refusal is counted as frag_needed" grew "$before" frag_needed 1
