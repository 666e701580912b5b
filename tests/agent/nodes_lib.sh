# SPDX-License-Identifier: Apache-2.0
# Several nodes on one machine, for the agent tests of many nodes: source
# after setting TOPO_PREFIX, before lib.sh. Each node N is a namespace
# "${TOPO_PREFIX}-nodeN" with a dataplane and an agent in it; the nodes'
# underlay ports (VTEP 172.31.0.N/24) share one bridge, and their kernels
# reach the controller over a management bridge whose root-namespace end,
# $A_HOST, the controller listens on (a /24 of its own per run).
MGMT="10.251.$(($$ % 250 + 1))"
A_HOST="$MGMT.254"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

nodes_bridge() {
	local br="${TOPO_PREFIX}$1"
	ip link add "$br" type bridge || die "bridge $br"
	TOPO_LINKS+=("$br")
	sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1"
	ip link set "$br" up
}

# nodes_topology N: the bridges and N nodes' namespaces and cables; the
# controller's address on the management bridge (so before start_controller).
nodes_topology() {
	local n
	nodes_bridge ub # the underlay: dataplanes only, no address
	nodes_bridge mb
	ip addr add "$A_HOST/24" dev "${TOPO_PREFIX}mb"
	for n in $(seq "$1"); do
		topo_node "node$n"
		topo_wire "u$n" "ub$n" # the node's underlay port <-> the bridge
		topo_move "u$n" "node$n"
		ip link set "$(topo_if "ub$n")" master "${TOPO_PREFIX}ub"
		topo_wire "m$n" "mb$n" # the node's kernel <-> the controller
		topo_move "m$n" "node$n"
		ip link set "$(topo_if "mb$n")" master "${TOPO_PREFIX}mb"
		ip netns exec "$(topo_ns "node$n")" ip addr add "$MGMT.$n/24" dev "$(topo_if "m$n")"
		A_LOGS+=("$A_DIR/agent$n.log")
	done
}

dp_sock() { echo "$A_DIR/dp$1.sock"; }
# vgn N ARG...: the virga CLI on node N's dataplane.
vgn() { "$BUILD/tools/virga/virga" --socket "$(dp_sock "$1")" "${@:2}"; }

# start_node N [ARG...]: node N's dataplane and agent (heartbeat every
# second); extra arguments (--physnet-uplink) go to the agent.
DP_PID=() AGENT_PID=()
start_node() {
	local n=$1
	shift
	rm -f "$(dp_sock "$n")"
	TOPO_DP_NETNS=$(topo_ns "node$n") topo_dataplane "$BUILD/dataplane/virga-dataplane" \
		"$(dp_sock "$n")" || die "node$n's dataplane did not start"
	DP_PID[$n]=${TOPO_PIDS[-1]}
	node_agent "$n" "$@"
}

# node_agent N [ARG...]: node N's agent, as start_node starts it (again
# after a kill: its dataplane keeps running).
node_agent() {
	local n=$1
	shift
	ip netns exec "$(topo_ns "node$n")" "$BUILD/agents/virga-agent" --node "node$n" \
		--controller "$A_URL" --service-token-file "$SVC_TOKEN_FILE" \
		--dp-socket "$(dp_sock "$n")" --poll-timeout 2 --report-interval 1 \
		--tunnel-ip "172.31.0.$n/24" --underlay "$(topo_if "u$n")" "$@" \
		>>"$A_DIR/agent$n.log" 2>&1 &
	AGENT_PID[$n]=$!
	A_AGENT_PIDS+=($!)
}

# node_port NAME NETWORK N: a port bound to node N; prints its id.
node_port() {
	local id
	id=$(os port create --network "$2" --host "node$3" -f value -c id "$1") || return 1
	echo "$id" >>"$A_PORTS"
	echo "$id"
}

# node_vms NETWORK...: for each N, a port pN on the Nth NETWORK bound to
# node N, ACTIVE, and plugged into a namespace "vmN"; its id, MAC and first
# IP in PORT[N], MAC[N] and IP[N].
declare -A PORT IP MAC
node_vms() {
	local n nets=("" "$@")
	for n in $(seq $#); do
		PORT[$n]=$(node_port "p$n" "${nets[$n]}" "$n") || die "port create p$n"
		MAC[$n]=$(port_field "${PORT[$n]}" mac_address)
		IP[$n]=$(first_ip "${PORT[$n]}")
	done
	for n in $(seq $#); do
		check "port p$n on node$n becomes ACTIVE" wait_status "${PORT[$n]}" ACTIVE 20
	done
	for n in $(seq $#); do
		PLUG_NS=$(topo_ns "node$n") plug "${PORT[$n]}" "vm$n" || die "plug p$n"
	done
}

first_ip() { port_field "$1" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])'; }

# nodes_teardown: a benchmark's exit (tests end through lib.sh's a_exit):
# the agents, the namespaces and dataplanes, the controller, the work dir.
nodes_teardown() {
	local id
	for id in "${A_AGENT_PIDS[@]}"; do
		kill -9 "$id" 2>/dev/null
		wait "$id" 2>/dev/null
	done
	topo_cleanup
	if [ -n "$A_CTL_PID" ]; then
		kill "$A_CTL_PID" 2>/dev/null
		wait "$A_CTL_PID" 2>/dev/null
	fi
	rm -rf "$A_DIR"
}

# steady_ok FILE MIN: the ping whose output FILE holds sent at least MIN
# echoes and lost none (but the last, which may be in flight when ping is
# stopped).
steady_ok() {
	tail -3 "$1"
	"$PY" - "$1" "$2" <<-'EOF'
	import re, sys
	m = re.search(r"(\d+) packets transmitted, (\d+) received", open(sys.argv[1]).read())
	sent, got = int(m.group(1)), int(m.group(2))
	sys.exit(0 if sent >= int(sys.argv[2]) and got >= sent - 1 else 1)
	EOF
}
