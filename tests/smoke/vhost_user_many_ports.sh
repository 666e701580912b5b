#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# 200 vhost-user ports on one engine, sockets only (no peer listens): all are
# added, attached and listed, past the 32 ethdevs Debian's DPDK allows
# (RTE_MAX_ETHPORTS), because a vhost-user port is no ethdev. Deleted, their
# ids and sockets can be taken again.
TOPO_PREFIX=vho$$ # names of its own: namespaces, veths, EAL prefixes
. "$(dirname "$0")/lib.sh"

N=200
topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || exit 1
vg dp network add blue --type flat >/dev/null

add_all() {
	local i
	for i in $(seq "$N"); do
		vg dp port add "vm$i" --vhost-user "$SMOKE_DIR/vm$i.sock" >/dev/null || return 1
		vg dp port attach "vm$i" --network blue || return 1
	done
}

# listed COUNT: port list has COUNT vhost-user ports, on blue, down, with distinct
# ids past the ethdevs', each with its own socket.
listed() {
	vg --json dp port list | /usr/bin/python3 -c '
import json, sys
want, d = int(sys.argv[1]), sys.argv[2]
ports = [p for p in json.load(sys.stdin) if p["kind"] == "vhost-user"]
ids = {p["port_id"] for p in ports}
print(f"{len(ports)} vhost-user ports, ids {min(ids, default=0)}..{max(ids, default=0)}")
ok = (len(ports) == want and len(ids) == want and all(i >= 32 for i in ids) and
      all(p["network"] == "blue" and not p["link_up"] and
          p["devargs"] == d + "/" + p["name"] + ".sock" for p in ports))
sys.exit(0 if ok else 1)' "$1" "$SMOKE_DIR"
}

del_all() {
	local i
	for i in $(seq "$N"); do
		vg dp port del "vm$i" >/dev/null || return 1
	done
}

t0=$(date +%s%N)
check "$N vhost-user ports are added and attached" add_all
echo "# $N ports added and attached by the CLI in $((($(date +%s%N) - t0) / 1000000)) ms"
check "all $N are listed, each with its own id past 31" listed "$N"
check_fails "the same socket cannot serve two ports" \
	vg dp port add dup --vhost-user "$SMOKE_DIR/vm1.sock"
check_fails "a relative socket path is refused" vg dp port add rel --vhost-user rel.sock
net_ports() {
	vg --json dp network list | /usr/bin/python3 -c '
import json, sys
n = [n for n in json.load(sys.stdin) if n["name"] == "blue"][0]["n_ports"]
print(n); sys.exit(0 if n == int(sys.argv[1]) else 1)' "$1"
}
check "the network counts its $N ports" net_ports "$N"
check "all $N are deleted" del_all
check "none is left" listed 0
check "their ids and sockets can be taken again" add_all
check "and all $N are listed again" listed "$N"
