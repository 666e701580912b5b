# SPDX-License-Identifier: Apache-2.0
# Shared by the agent tests: a private controller (state in a temp dir, a
# free loopback port), a dataplane and a virga-agent for one node, the real
# openstack CLI, and a cleanup that removes every process, namespace and
# veth the run made, whatever happens.
set -uo pipefail

BUILD=${BUILD:?BUILD must name the build directory}
OS_CLI=/usr/bin/openstack
PY=/usr/bin/python3 # Debian's: a pyenv python3 on PATH cannot see its packages
TOPO_PREFIX=${TOPO_PREFIX:-vga$$} # a test may name its own: short, PREFIX+NAME names a veth
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/topo.sh"

A_DIR=$(mktemp -d /tmp/virga-agent-test.XXXXXX)
SOCK="$A_DIR/dp.sock"
TOPO_LOG="$A_DIR/dataplane.log"
AGENT_LOG="$A_DIR/agent.log"
NODE="agtest$$"
A_CTL_PID=""
A_AGENT_PID=""
A_AGENT_PIDS=() # more agents, for tests of several nodes
A_LOGS=()       # more logs shown on failure (those agents')
A_EXIT_HOOKS=() # functions the cleanup calls once the agents are gone (vm_lib.sh's)
A_PORTS="$A_DIR/ports" # Neutron port ids whose veths the agent made, one a line
CHECK_OUT="$A_DIR/out"
. "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh"

a_exit() {
	local rc=$? id
	# The agent first, so it creates nothing more while the rest goes away.
	for id in "$A_AGENT_PID" "${A_AGENT_PIDS[@]}"; do
		[ -n "$id" ] || continue
		kill -9 "$id" 2>/dev/null
		wait "$id" 2>/dev/null
	done
	for id in "${A_EXIT_HOOKS[@]}"; do "$id"; done
	topo_cleanup
	if [ -f "$A_PORTS" ]; then
		while read -r id; do ip link del "vg${id:0:11}" 2>/dev/null; done <"$A_PORTS"
	fi
	if [ -n "$A_CTL_PID" ]; then
		kill "$A_CTL_PID" 2>/dev/null
		wait "$A_CTL_PID" 2>/dev/null
	fi
	if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
		echo "--- agent log ---"
		tail -40 "$AGENT_LOG" 2>/dev/null
		for id in "${A_LOGS[@]}"; do
			echo "--- $(basename "$id") ---"
			tail -30 "$id"
		done
		echo "--- dataplane log ---"
		tail -20 "$TOPO_LOG" 2>/dev/null
		echo "--- controller log ---"
		tail -20 "$A_DIR/controller.err" 2>/dev/null
	fi
	rm -rf "$A_DIR"
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$PASSED" -gt 0 ]
	exit $?
}
trap a_exit EXIT
trap 'exit 130' INT TERM

die() {
	echo "FATAL: $*"
	FAILED=$((FAILED + 1))
	exit 1
}

vg() { "$BUILD/tools/virga/virga" --socket "$SOCK" "$@"; }
os() { "$OS_CLI" "$@"; }

# start_controller [ARG...]: extra arguments (--tls-cert) go to the controller.
# Called again (after stop_controller), it restarts on the same port and
# state. A_SCHEME=https for a TLS controller (curl and the CLI then need
# the CA: CURL_CA_BUNDLE, OS_CACERT).
A_SCHEME=${A_SCHEME:-http}
A_HOST=${A_HOST:-127.0.0.1} # a test whose agents run in other namespaces names another
A_PORT=""
start_controller() {
	local pw="admin-$$-pw"
	[ -n "$A_PORT" ] || A_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	"$BUILD/api/virga-controller" --state-dir "$A_DIR/state" --listen "$A_HOST:$A_PORT" \
		--admin-password "$pw" --gateway-node "$NODE" "$@" >"$A_DIR/controller.out" 2>>"$A_DIR/controller.err" &
	A_CTL_PID=$!
	A_URL="$A_SCHEME://$A_HOST:$A_PORT"
	for _ in $(seq 100); do
		curl -s -o /dev/null "$A_URL/identity" && break
		kill -0 "$A_CTL_PID" 2>/dev/null || die "controller exited at start"
		sleep 0.05
	done
	curl -s -o /dev/null "$A_URL/identity" || die "controller did not answer"
	export OS_AUTH_URL="$A_URL/identity/v3" OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin \
		OS_PASSWORD="$pw" OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
		OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
	unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE 2>/dev/null || true
	SVC_TOKEN_FILE="$A_DIR/state/service-token"
}

stop_controller() {
	kill "$A_CTL_PID" 2>/dev/null
	wait "$A_CTL_PID" 2>/dev/null
	A_CTL_PID=""
}

start_dataplane() {
	topo_dataplane "$BUILD/dataplane/virga-dataplane" "$SOCK" || die "dataplane did not start"
}

# start_agent [ARG...]: extra arguments (--physnet-uplink) go to the agent.
start_agent() {
	"$BUILD/agents/virga-agent" --node "$NODE" --controller "$A_URL" \
		--service-token-file "$SVC_TOKEN_FILE" --dp-socket "$SOCK" --poll-timeout 2 "$@" \
		>>"$AGENT_LOG" 2>&1 &
	A_AGENT_PID=$!
}

# outside_host MAC: an "outside" namespace (eth0 MAC, 203.0.113.1/24) whose
# peer veth, $(topo_if out), is to be a node's uplink of physnet "extnet"
# (OUTSIDE_UPLINK: the agent's argument saying so).
OUTSIDE_UPLINK=()
outside_host() {
	topo_host out "$1" 203.0.113.1/24
	OUTSIDE_UPLINK=(--physnet-uplink "extnet=$(topo_if out)")
}

# ext_network: on physnet "extnet" the flat external network "ext" with
# subnet "extsub" (203.0.113.0/24, the outside as its gateway).
ext_network() {
	os network create --external --provider-network-type flat \
		--provider-physical-network extnet ext >/dev/null || die "network create ext"
	os subnet create --network ext --subnet-range 203.0.113.0/24 --gateway 203.0.113.1 \
		--no-dhcp extsub >/dev/null || die "subnet create extsub"
}

# start_with_outside MAC: the controller, the dataplane, the outside host
# (outside_host) on this node's uplink, the agent and the external network.
start_with_outside() {
	start_controller
	start_dataplane
	outside_host "$1"
	start_agent "${OUTSIDE_UPLINK[@]}"
	ext_network
}

# gateway_ip ROUTER: the address of the router's external gateway.
gateway_ip() {
	os router show "$1" -f json -c external_gateway_info | "$PY" -c \
		'import json, sys; print(json.load(sys.stdin)["external_gateway_info"]["external_fixed_ips"][0]["ip_address"])'
}

# router_to_outside NAME SUBNET: a router on SUBNET with its gateway on
# "ext" (SNAT on); its id in RT, its gateway address in GW_IP.
router_to_outside() {
	RT=$(os router create "$1" -f value -c id) || die "router create"
	os router add subnet "$1" "$2" || die "router add subnet"
	os router set --external-gateway ext "$1" || die "router set --external-gateway"
	GW_IP=$(gateway_ip "$1") || die "router show"
}

# whois_server: on the outside, port 9090 notes where each connection
# comes from; leaves_from NAME ADDRESS: a connection from namespace NAME to
# it arrives from ADDRESS (what SNAT or a floating IP made of its source).
whois_server() {
	ip netns exec "${TOPO_PREFIX}-out" "$PY" "$PROBE" whois 9090 "$A_DIR/whois" &
	TOPO_PIDS+=($!)
}
leaves_from() {
	rm -f "$A_DIR/whois"
	tcp "$1" 203.0.113.1 9090 && echo "arrived from $(cat "$A_DIR/whois")" &&
		[ "$(cat "$A_DIR/whois")" = "$2" ]
}

# port_field ID FIELD: one attribute of a port, through the REST API (the
# CLI is too slow to poll with).
port_field() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL/network/v2.0/ports/$1" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["port"][sys.argv[1]])' "$2"
}

# admin_token: an admin token (fetched once per run).
admin_token() {
	if [ ! -s "$A_DIR/admin-token" ]; then
		curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$(printf \
			'{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' \
			"$OS_PASSWORD")" "$A_URL/identity/v3/auth/tokens" | tr -d '\r' |
			awk 'tolower($1) == "x-subject-token:" {print $2}' >"$A_DIR/admin-token"
	fi
	cat "$A_DIR/admin-token"
}

# wait_status ID STATUS [SECONDS]
wait_status() {
	for _ in $(seq $((${3:-15} * 10))); do
		[ "$(port_field "$1" status 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "port $1 status: $(port_field "$1" status 2>&1)"
	return 1
}

# create_port NAME NETWORK [OPTION...]: a port bound to this node through
# the CLI; prints its id. Called as $(create_port ...), in a subshell: the
# id is remembered in a file for the cleanup.
create_port() {
	local id name=$1 net=$2
	shift 2
	id=$(os port create --network "$net" --host "$NODE" "$@" -f value -c id "$name") || return 1
	echo "$id" >>"$A_PORTS"
	echo "$id"
}

# plug ID NAME: moves the port's VM end (tap + 11 chars of its id) into a
# namespace "${TOPO_PREFIX}-NAME" as eth0 with the port's MAC and first IP,
# as a hypervisor would plug a VM. PLUG_NS names the namespace the agent
# made the tap in, when not this one.
plug() {
	local id=$1 ns="${TOPO_PREFIX}-$2" mac ip cidr
	local tap="tap${id:0:11}"
	local -a from=()
	[ -n "${PLUG_NS:-}" ] && from=(ip netns exec "$PLUG_NS")
	mac=$(port_field "$id" mac_address) || return 1
	ip=$(port_field "$id" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
	for _ in $(seq 50); do "${from[@]}" ip link show "$tap" >/dev/null 2>&1 && break; sleep 0.1; done
	ip netns add "$ns" || return 1
	TOPO_NS+=("$ns")
	"${from[@]}" ip link set "$tap" netns "$ns" || return 1
	ip netns exec "$ns" ip link set "$tap" name eth0
	ip netns exec "$ns" ip link set eth0 address "$mac"
	ip netns exec "$ns" ip addr add "$ip/24" dev eth0
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" ip link set lo up
}

# two_vms NAME_A NET_A GW_A NAME_B NET_B GW_B: a port on each network
# (ACTIVE), plugged into namespaces a and b with a default route via the
# router address GW_A, GW_B; their ids in VM_A and VM_B.
two_vms() {
	VM_A=$(create_port "$1" "$2") || die "port create $1"
	VM_B=$(create_port "$4" "$5") || die "port create $4"
	wait_status "$VM_A" ACTIVE && wait_status "$VM_B" ACTIVE || die "ports did not become ACTIVE"
	plug "$VM_A" a && plug "$VM_B" b || die "plug"
	ip netns exec "${TOPO_PREFIX}-a" ip route add default via "$3" || die "route a"
	ip netns exec "${TOPO_PREFIX}-b" ip route add default via "$6" || die "route b"
}

# dp_has_network UUID
dp_has_network() { vg dp network list | grep -q " $1 "; }

# dp_has_port ID MODE NETWORK: the dataplane port for a Neutron port, its mode and network.
dp_has_port() { vg dp port list | grep " tap${1:0:11} " | grep " $2 " | grep -q " $3 "; }

# eventually COMMAND...: retries the command for up to 10 s (the agent's
# reaction to a change); the last try's output is what a failed check shows.
eventually() {
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}

# within SECONDS COMMAND...: the command succeeds within SECONDS, tried a
# tenth of a second apart (a failing ping or TCP probe takes a second or
# two: this counts time, not tries).
within() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while [ "$(date +%s%N)" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}

# tcp NAME IP PORT: a TCP connection from namespace NAME opens and echoes (tcp_probe.py).
PROBE="$(dirname "${BASH_SOURCE[0]}")/tcp_probe.py"
tcp() { ip netns exec "${TOPO_PREFIX}-$1" "$PY" "$PROBE" connect "$2" "$3"; }

ns_ping() { ip netns exec "${TOPO_PREFIX}-$1" ping -c 2 -i 0.2 -W 1 "$2"; }
