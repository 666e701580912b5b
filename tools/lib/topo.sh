# SPDX-License-Identifier: Apache-2.0
# Test and demo topologies: network namespaces standing in for VMs, each
# joined to the dataplane by a veth pair whose host end the dataplane opens
# with net_af_packet. Sourced by tools/demo.sh and tests/smoke/*.sh.
#
# Everything created is named with $TOPO_PREFIX so a cleanup removes exactly
# what this run made, even after a failure.

TOPO_PREFIX=${TOPO_PREFIX:-vg$$}
TOPO_NS=()
TOPO_LINKS=()
TOPO_PIDS=()
TOPO_DP_NAMES=()

topo_cleanup() {
	local pid ns link name
	for pid in "${TOPO_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${TOPO_PIDS[@]}"; do
		# The dataplane stops its workers and closes its ports on SIGTERM.
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	# The EAL leaves its runtime directory (file prefix virga-NAME) behind.
	for name in "${TOPO_DP_NAMES[@]}"; do rm -rf "/var/run/dpdk/virga-$name"; done
	for ns in "${TOPO_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for link in "${TOPO_LINKS[@]}"; do ip link del "$link" 2>/dev/null; done
	TOPO_PIDS=() TOPO_NS=() TOPO_LINKS=() TOPO_DP_NAMES=()
}

# topo_host NAME MAC IP/LEN: a namespace "${TOPO_PREFIX}-NAME" with interface
# eth0 (MAC, IP), whose peer "${TOPO_PREFIX}NAME" (max 15 chars) stays in the
# root namespace for the dataplane.
topo_host() {
	local name=$1 mac=$2 ip=$3 ns="${TOPO_PREFIX}-$1" host="${TOPO_PREFIX}$1"
	ip netns add "$ns"
	TOPO_NS+=("$ns")
	ip link add "$host" type veth peer name eth0 netns "$ns"
	TOPO_LINKS+=("$host")
	ip netns exec "$ns" ip link set eth0 address "$mac"
	[ -n "$ip" ] && ip netns exec "$ns" ip addr add "$ip" dev eth0
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" ip link set lo up
	# af_packet hands frames to DPDK as the kernel built them: without this,
	# TCP and UDP checksums are left for an offload that never happens.
	ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
	ethtool -K "$host" tx off >/dev/null
	ip link set "$host" up
	# No IPv6 chatter from the host side of the wire.
	sysctl -qw "net.ipv6.conf.$host.disable_ipv6=1"
}

# topo_wire A B: a veth pair "${TOPO_PREFIX}A" <-> "${TOPO_PREFIX}B" in the root
# namespace, a cable between two dataplanes (an underlay).
topo_wire() {
	local a="${TOPO_PREFIX}$1" b="${TOPO_PREFIX}$2"
	ip link add "$a" type veth peer name "$b"
	TOPO_LINKS+=("$a")
	for dev in "$a" "$b"; do
		ethtool -K "$dev" tx off >/dev/null
		sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
		ip link set "$dev" up
	done
}

# topo_node NAME: a network namespace "${TOPO_PREFIX}-NAME" for one dataplane
# (a "node"), for tests that run several. DPDK 22.11's af_packet joins every
# socket to a PACKET_FANOUT group named (getpid() ^ ifindex) & 0xffff, and
# groups are per namespace: two dataplanes in one namespace now and then pick
# the same group for different interfaces, and the port add fails with EINVAL.
# Start the node's dataplane with TOPO_DP_NETNS=$(topo_ns NAME) and move its
# ports' interfaces in with topo_move.
topo_node() {
	local ns="${TOPO_PREFIX}-$1"
	ip netns add "$ns"
	TOPO_NS+=("$ns")
	ip netns exec "$ns" ip link set lo up
}

# topo_move IF NODE: interface $(topo_if IF) into NODE's namespace, up, as
# topo_host and topo_wire left it (no TX checksum offload, no IPv6).
topo_move() {
	local dev="${TOPO_PREFIX}$1" ns="${TOPO_PREFIX}-$2"
	ip link set "$dev" netns "$ns"
	ip netns exec "$ns" ethtool -K "$dev" tx off >/dev/null
	ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	ip netns exec "$ns" ip link set "$dev" up
}

topo_ns() { echo "${TOPO_PREFIX}-$1"; }
topo_if() { echo "${TOPO_PREFIX}$1"; }

# topo_dataplane BINARY SOCKET [ARGS...]: starts the dataplane (in namespace
# $TOPO_DP_NETNS if set, see topo_node), waits for its socket.
# Several may run at once: each gets its own --name (and so EAL file prefix).
# Their workers sleep when idle (TOPO_IDLE_SLEEP_US, default 50 µs): two or
# three polling dataplanes on a 2-CPU machine would otherwise starve each
# other and everything else. Start-up may take a while on a loaded machine.
topo_dataplane() {
	local bin=$1 sock=$2
	local -a in_ns=()
	shift 2
	# ip netns exec execs the dataplane itself: $! is still its pid.
	[ -n "${TOPO_DP_NETNS:-}" ] && in_ns=(ip netns exec "$TOPO_DP_NETNS")
	local name="$TOPO_PREFIX${#TOPO_PIDS[@]}"
	"${in_ns[@]}" "$bin" --socket "$sock" --name "$name" \
		--idle-sleep "${TOPO_IDLE_SLEEP_US:-50}" "$@" >>"${TOPO_LOG:-/dev/null}" 2>&1 &
	TOPO_PIDS+=($!)
	TOPO_DP_NAMES+=("$name")
	for _ in $(seq 300); do
		[ -S "$sock" ] && return 0
		kill -0 "${TOPO_PIDS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "dataplane did not start; its log:" >&2
	cat "${TOPO_LOG:-/dev/null}" >&2
	return 1
}
