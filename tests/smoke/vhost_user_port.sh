#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A vhost-user port served by the engine itself (rte_vhost, client mode) with
# DPDK testpmd as its peer: a net_virtio_user device listening on the socket
# (server=1), forwarding in macswap mode, i.e. sending every frame back with
# its MACs swapped. A namespace on an af_packet port of the same network sends
# UDP to the peer's MAC and must get the frames back through the vhost port.
# The port exists before its peer, goes down when the peer is killed, and
# reconnects and forwards again when it restarts. Then the engine itself is
# killed (-9) and a new one, with two workers, programmed as an agent would:
# it connects to the peer that kept running, and frames cross again; the
# test prints how long they stopped.
TOPO_PREFIX=vho$$ # names of its own: namespaces, veths, EAL prefixes
. "$(dirname "$0")/lib.sh"

TESTPMD=$(command -v dpdk-testpmd) || { echo "dpdk-testpmd missing"; exit 1; }
A_MAC=02:00:00:00:0d:0a
B_MAC=02:00:00:00:0d:0b
VSOCK="$SMOKE_DIR/v1.sock"
TP_PREFIX="vhstp$$"
TP_LOG="$SMOKE_DIR/testpmd.log"
TP_PID=

stop_testpmd() {
	[ -n "$TP_PID" ] || return 0
	stop_gently "$TP_PID"
	TP_PID=
	rm -rf "/var/run/dpdk/$TP_PREFIX"
}
trap 'rc=$?; [ -z "${PROBE_PID:-}" ] || kill "$PROBE_PID" 2>/dev/null; stop_testpmd; (exit $rc); smoke_exit' EXIT

# testpmd without hugepages: virtio_user shares its memory with the vhost side
# by file descriptor, which needs its memory in one file (--single-file-segments).
# Two queue pairs (multiqueue needs the control queue, cq=1): one worker polls
# both, two workers one each.
start_testpmd() {
	"$TESTPMD" -l 0,1 --no-huge -m 512 --no-pci --single-file-segments \
		--file-prefix "$TP_PREFIX" \
		--vdev="net_virtio_user0,path=$VSOCK,server=1,queue_size=256,mac=$B_MAC,queues=2,cq=1" -- \
		--forward-mode=macswap --nb-cores=1 --rxq=2 --txq=2 --total-num-mbufs=8192 \
		--stats-period 1 >>"$TP_LOG" 2>&1 </dev/null &
	TP_PID=$!
	TP_STARTS=$((TP_STARTS + 1))
}

# The peer's device is up (the engine sees it connected) before testpmd starts
# forwarding: frames sent in between are lost. Wait for the line it prints then.
TP_STARTS=0
peer_forwards() {
	for _ in $(seq 150); do
		[ "$(grep -c "packet forwarding - ports=" "$TP_LOG")" -ge "$TP_STARTS" ] && return 0
		sleep 0.1
	done
	tail -5 "$TP_LOG"
	return 1
}

# port_field NAME FIELD: FIELD of port NAME in `port list --json`.
port_field() {
	vg --json dp port list | /usr/bin/python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["name"] == sys.argv[1]][0]
print(p[sys.argv[2]])' "$1" "$2"
}

link_is() {
	local want=$1
	for _ in $(seq 100); do
		[ "$(port_field v1 link_up)" = "$want" ] && return 0
		sleep 0.1
	done
	echo "v1 link_up is $(port_field v1 link_up), not $want"
	return 1
}

# bounce N: sends N UDP frames from a to the peer's MAC and counts those that
# come back swapped (from the peer's MAC to a's); all but a few must.
bounce() {
	ip netns exec "$(topo_ns a)" /usr/bin/python3 - "$1" "$A_MAC" "$B_MAC" <<'PY'
import sys, time
from scapy.all import AsyncSniffer, Ether, IP, UDP, conf, sendp
n, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sn = AsyncSniffer(iface="eth0", store=True,
                  lfilter=lambda p: p.src == b and p.dst == a and UDP in p and p[UDP].dport == 7777)
sn.start()
time.sleep(0.5)
s = conf.L2socket(iface="eth0")
for i in range(n):
    s.send(Ether(src=a, dst=b) / IP(src="10.13.0.1", dst="10.13.0.2") /
           UDP(sport=40000 + i, dport=7777) / (b"v" * 32))
    time.sleep(0.002)
time.sleep(1)
sn.stop()
got = len(sn.results)
print(f"{got} of {n} came back")
sys.exit(0 if got >= n * 9 // 10 else 1)
PY
}

# counter_at_least FIELD MIN: v1's FIELD is at least MIN.
counter_at_least() {
	local v
	v=$(port_field v1 "$1")
	echo "v1 $1: $v"
	[ "$v" -ge "$2" ]
}

program() {
	vhost_beside_host blue a v1 "$VSOCK" &&
		vg dp port security a on --mac "$A_MAC" --ip 10.13.0.1 &&
		# macswap sends a's own IP addresses back: only the MAC is the peer's.
		vg dp port security v1 on --mac "$B_MAC"
}

# A stream of frames from a, one every 5 ms for SECONDS, written to OUT as
# "replies GAP_MS AFTER": how many came back, the longest time without one
# (from the last before to the first after), and how many came after that gap.
# A file, so the probe runs as a process of its own that the trap can stop.
GAP_OUT="$SMOKE_DIR/gap"
GAP_PY="$SMOKE_DIR/gap_probe.py"
PROBE_PID=
cat >"$GAP_PY" <<'PY'
import sys, time
from scapy.all import Ether, IP, UDP, conf
secs, a, b, out = float(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = conf.L2socket(iface="eth0")
f = bytes(Ether(src=a, dst=b) / IP(src="10.13.0.1", dst="10.13.0.2") / UDP(sport=39999, dport=7777))
times, end, next_send = [], time.time() + secs, 0
while time.time() < end:
    if time.time() >= next_send:
        s.send(f)
        next_send = time.time() + 0.005
    if s.select([s], 0.001):
        r = s.recv()
        if r is not None and r.src == b and r.dst == a and UDP in r:
            times.append(time.time())
gaps = [(t1 - t0, i) for i, (t0, t1) in enumerate(zip(times, times[1:]))]
gap, at = max(gaps) if gaps else (secs, 0)
with open(out, "w") as o:
    o.write(f"{len(times)} {int(gap * 1000)} {len(times) - at - 1}\n")
PY

topo_host a "$A_MAC" 10.13.0.1/24
quiet_ipv6 a
ip netns exec "$(topo_ns a)" ip neigh add 10.13.0.2 lladdr "$B_MAC" dev eth0
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
program || exit 1

check "v1 is a vhost-user port" [ "$(port_field v1 kind)" = vhost-user ]
check "v1 has an id past the ethdevs' 32" [ "$(port_field v1 port_id)" -ge 32 ]
check "v1 lists its socket" [ "$(port_field v1 devargs)" = "$VSOCK" ]
check "v1 is down before its peer listens" link_is False
before=$(drops port_down)
ip netns exec "$(topo_ns a)" ping -c 3 -i 0.2 -W 1 10.13.0.2 >/dev/null
check "frames to v1 without a peer are dropped as port_down" grew "$before" port_down 3

start_testpmd
check "v1 connects once testpmd listens" link_is True
check "testpmd forwards" peer_forwards
check "frames from a cross v1 and come back" bounce 200
# af_packet may lose a few on the way in; the vhost side counts what crossed it.
check "v1 counted what it sent the peer" counter_at_least tx_packets 180
check "v1 counted what the peer sent back" counter_at_least rx_packets 180

stop_testpmd
check "v1 goes down when the peer is killed" link_is False
check "v1 is still listed" [ "$(port_field v1 kind)" = vhost-user ]
start_testpmd
check "v1 reconnects when the peer is back" link_is True
check "testpmd forwards again" peer_forwards
check "frames cross v1 again after the reconnect" bounce 100

# The engine dies; the peer keeps listening. A new engine comes up and is
# programmed as the agent does after a restart, and connects to the same peer.
# Frames stream from a throughout; the longest time without a reply is the gap.
ip netns exec "$(topo_ns a)" /usr/bin/python3 "$GAP_PY" 12 "$A_MAC" "$B_MAC" "$GAP_OUT" &
PROBE_PID=$!
sleep 3
t0=$(date +%s%N)
kill -9 "${TOPO_PIDS[0]}"
wait "${TOPO_PIDS[0]}" 2>/dev/null
rm -f "$SOCK"
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" --workers 2 || exit 1
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
echo "# the new engine answers on its control socket after $(ms_since "$t0") ms"
program || exit 1
echo "# and is programmed after $(ms_since "$t0") ms"
check "a new engine (two workers) reconnects to the peer that kept running" link_is True
echo "# v1 is connected after $(ms_since "$t0") ms"
check "it uses the peer's two queue pairs" grep -q "uses 2 queue pairs" "$TOPO_LOG"
wait "$PROBE_PID"
PROBE_PID=
read -r replies gap after <"$GAP_OUT"
echo "# $replies replies; traffic stopped for $gap ms across the restart, $after replies after"
check "frames cross v1 again after the engine's restart" [ "$after" -ge 100 ]
check "and keep crossing it" bounce 100

# A VM's port deleted while connected, and made again: it connects to the same peer.
check "a connected vhost-user port is deleted" vg dp port del v1
check "and is gone from the list" sh -c "! $BUILD/tools/virga/virga --socket $SOCK dp port list | grep -q ' v1 '"
readd() {
	vg dp port add v1 --vhost-user "$VSOCK" >/dev/null && vg dp port attach v1 --network blue &&
		vg dp port security v1 on --mac "$B_MAC"
}
check "added again" readd
check "it connects to the same peer" link_is True
check "and frames cross it" bounce 100
