#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# End to end: two ports created with the openstack CLI and bound to this
# node become ACTIVE once the agent has programmed the dataplane, ping each
# other through it from their namespaces, and stop when one is deleted.
. "$(dirname "$0")/lib.sh"

start_controller
start_dataplane
start_agent

os network create agnet -f value -c id >"$A_DIR/net" || die "network create"
net=$(cat "$A_DIR/net")
os subnet create --network agnet --subnet-range 10.77.0.0/24 agsub >/dev/null || die "subnet create"
a=$(create_port aport agnet) || die "port create a"
b=$(create_port bport agnet) || die "port create b"

check "port a becomes ACTIVE" wait_status "$a" ACTIVE
check "port b becomes ACTIVE" wait_status "$b" ACTIVE
check "openstack port show says ACTIVE" \
	bash -c "[ \"\$($OS_CLI port show -f value -c status $a)\" = ACTIVE ]"
check "the dataplane has the network named by its UUID" dp_has_network "$net"
check "the dataplane has port a attached to it" dp_has_port "$a" access "$net"
check "and port b" dp_has_port "$b" access "$net"

plug "$a" a || die "plug a"
plug "$b" b || die "plug b"
ip_b=$(port_field "$b" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
ip_a=$(port_field "$a" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])')
check "a pings b through the dataplane" ns_ping a "$ip_b"
check "b pings a through the dataplane" ns_ping b "$ip_a"
check "an address the port does not own is refused (port security)" \
	bash -c "ip netns exec ${TOPO_PREFIX}-a ip addr add 10.77.0.250/24 dev eth0 &&
		! ip netns exec ${TOPO_PREFIX}-a ping -c 2 -i 0.2 -W 1 -I 10.77.0.250 $ip_b"

# The status report endpoint: the service token only, and never stale.
status_put() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $1" \
		-H 'Content-Type: application/json' -d "{\"status\": \"DOWN\", \"applied_rev\": $3}" \
		"$A_URL/internal/v1/nodes/$NODE/ports/$2/status"
}
check "a status report without a token is refused" test "$(status_put "" "$a" 1000000)" = 401
check "a status report older than the port is refused as stale" \
	test "$(status_put "$(cat "$SVC_TOKEN_FILE")" "$a" 1)" = 409
check "port a is still ACTIVE after those" wait_status "$a" ACTIVE 1

# A port bound to another node leaves this one and goes DOWN.
c=$(create_port cport agnet) || die "port create c"
check "port c becomes ACTIVE" wait_status "$c" ACTIVE
os port set --host elsewhere "$c" || die "port set --host"
left() {
	for _ in $(seq 100); do
		vg dp port list | grep -q "tap${c:0:11}" || return 0
		sleep 0.1
	done
	return 1
}
check "a port bound to another node leaves this dataplane" left
check "and is DOWN" wait_status "$c" DOWN 1

os port delete "$b" || die "port delete"
gone() {
	for _ in $(seq 100); do
		vg dp port list | grep -q "tap${b:0:11}" || return 0
		sleep 0.1
	done
	return 1
}
check "the dataplane no longer lists the deleted port" gone
check_fails "a no longer reaches b" ns_ping a "$ip_b"
check "port a is still ACTIVE" wait_status "$a" ACTIVE 1
check "the agent removed the deleted port's veth" bash -c "! ip link show vg${b:0:11}"
