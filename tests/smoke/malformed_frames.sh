#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A burst of malformed and random frames from a VM port and from a trunk:
# each is dropped with a counted reason, and the engine keeps forwarding.
. "$(dirname "$0")/lib.sh"

topo_host a 02:00:00:00:01:0a 10.1.0.1/24
topo_host b 02:00:00:00:01:0b 10.1.0.2/24
topo_host t 02:00:00:00:00:99 ""
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add red --type vlan --physnet physnet1 --vid 100 >/dev/null
i=0
for h in a b t; do
	vg dp port add "$h" "net_af_packet$i,iface=$(topo_if "$h")" >/dev/null
	i=$((i + 1))
done
vg dp port attach a --network red
vg dp port attach b --network red
vg dp port attach t --uplink physnet1
vg dp port security a on --mac 02:00:00:00:01:0a --ip 10.1.0.1
vg dp port security b on --mac 02:00:00:00:01:0b --ip 10.1.0.2

check "a pings b before the burst" ping_ok a 10.1.0.2
for r in runt_frame bad_vlan invalid_src_mac no_network; do
	eval "before_$r=$(drops $r)"
done

# From the VM port: tagged, QinQ, multicast source, truncated IPv4.
ip netns exec "$(topo_ns a)" /usr/bin/python3 - <<'PY'
from scapy.all import Dot1Q, Ether, conf
s = conf.L2socket(iface="eth0")
me, bcast = "02:00:00:00:01:0a", "ff:ff:ff:ff:ff:ff"
for _ in range(20):
    s.send(Ether(src=me, dst=bcast) / Dot1Q(vlan=100) / (b"x" * 40))        # tag on an access port
    s.send(Ether(src="01:00:5e:00:00:01", dst=bcast, type=0x0800) / (b"y" * 40))  # group source
    s.send(Ether(src=me, dst=bcast, type=0x0800) / b"\x45\x00")             # 2 bytes of IPv4
PY
# From the trunk: truncated tags, QinQ, unknown VLANs, and random bytes.
ip netns exec "$(topo_ns t)" /usr/bin/python3 - <<'PY'
import random
from scapy.all import Dot1Q, Ether, conf
random.seed(7)
s = conf.L2socket(iface="eth0")
me, bcast = "02:00:00:00:00:99", "ff:ff:ff:ff:ff:ff"
for _ in range(20):
    s.send(bytes(Ether(src=me, dst=bcast, type=0x8100)) + b"\x00")        # tag cut short
    s.send(Ether(src=me, dst=bcast) / Dot1Q(vlan=100) / Dot1Q(vlan=5) / (b"z" * 40))  # QinQ
    s.send(Ether(src=me, dst=bcast) / Dot1Q(vlan=777) / (b"z" * 40))       # no such network
for _ in range(500):
    n = random.randint(14, 1514)
    s.send(bytes([random.randint(0, 255) for _ in range(n)]))
PY
sleep 0.5
check "the dataplane is still running" kill -0 "${TOPO_PIDS[0]}"
check "a still pings b after the burst" ping_ok a 10.1.0.2
# (The kernel itself discards the trunk's cut-short tags before af_packet sees them.)
check "frames too short for their headers count as runt_frame" grew "$before_runt_frame" runt_frame 20
check "tags on access ports and QinQ count as bad_vlan" grew "$before_bad_vlan" bad_vlan 40
check "group source addresses count as invalid_src_mac" grew "$before_invalid_src_mac" invalid_src_mac 20
check "unknown VLANs count as no_network" grew "$before_no_network" no_network 20
