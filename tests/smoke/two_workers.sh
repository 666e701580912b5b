#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Two workers, each with its own rx/tx queue on every port (af_packet with a
# fanout of two sockets): flows spread over both, and forwarding still works.
# This box has two CPUs, so the second worker shares one: correct, not fast.
. "$(dirname "$0")/lib.sh"

topo_host a 02:00:00:00:0c:0a 10.12.0.1/24
topo_host b 02:00:00:00:0c:0b 10.12.0.2/24
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" --workers 2 || exit 1
vg dp network add red --type flat >/dev/null
vg dp port add a "net_af_packet0,iface=$(topo_if a)" >/dev/null
vg dp port add b "net_af_packet1,iface=$(topo_if b)" >/dev/null
vg dp port attach a --network red
vg dp port attach b --network red
vg dp port security a on --mac 02:00:00:00:0c:0a --ip 10.12.0.1
vg dp port security b on --mac 02:00:00:00:0c:0b --ip 10.12.0.2

workers() { vg dp status | grep -q "workers: *2"; }
check "the dataplane runs two workers" workers
check "a pings b" ping_ok a 10.12.0.2
# 200 UDP flows (distinct source ports) from a to b: the fanout hash spreads them.
ip netns exec "$(topo_ns a)" /usr/bin/python3 - <<'PY'
from scapy.all import Ether, IP, UDP, conf
s = conf.L2socket(iface="eth0")
for sport in range(20000, 20200):
    s.send(Ether(src="02:00:00:00:0c:0a", dst="02:00:00:00:0c:0b") /
           IP(src="10.12.0.1", dst="10.12.0.2") / UDP(sport=sport, dport=9) / (b"x" * 20))
PY
sleep 0.5
both_busy() {
	vg --json dp stats | /usr/bin/python3 -c '
import json, sys
w = json.load(sys.stdin)["workers"]
print([x["packets"] for x in w])
sys.exit(0 if len(w) == 2 and all(x["packets"] > 10 for x in w) else 1)'
}
check "both workers received part of the flows" both_busy
delivered() { vg --json dp port list | /usr/bin/python3 -c '
import json, sys
b = [p for p in json.load(sys.stdin) if p["name"] == "b"][0]
print(b["tx_packets"]); sys.exit(0 if b["tx_packets"] >= 200 else 1)'; }
check "every flow reached b" delivered
