#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# DHCP from the engine, driven by the openstack CLI: a subnet with DHCP on
# gets a network:dhcp port whose address serves it; a port bound here and
# plugged into a namespace with no address gets, from busybox udhcpc, its
# fixed IP, the router, the DNS server, the network's MTU and the subnet's
# host route (option 121), with the engine as the only DHCP server. A subnet
# created --no-dhcp answers nothing; `subnet set --no-dhcp` stops the
# answers and `--dhcp` brings them back; a restarted agent changes nothing.
. "$(dirname "$0")/lib.sh"
TOPO_PREFIX=dhc$$ # namespaces of this test only
APPLY="$(cd "$(dirname "$0")/../smoke" && pwd)/udhcpc_apply.sh"

command -v busybox >/dev/null || die "busybox is missing (make deps installs it)"

start_controller
start_dataplane
start_agent

os network create dnet >/dev/null || die "network create dnet"
os subnet create --network dnet --subnet-range 10.70.0.0/24 --dns-nameserver 10.70.0.53 \
	--host-route destination=172.16.0.0/16,gateway=10.70.0.254 dsub >/dev/null ||
	die "subnet create dsub"
dsub=$(os subnet show dsub -f value -c id) || die "subnet show"

# dhcp_port_ips NETWORK: the addresses of the network's DHCP port, as the CLI lists them.
dhcp_port_ips() {
	os port list --device-owner network:dhcp --network "$1" -f json |
		"$PY" -c 'import json, sys; print(" ".join(f["ip_address"] for p in json.load(sys.stdin) for f in p["Fixed IP Addresses"]))'
}
check "port list --device-owner network:dhcp shows the DHCP port, first address after the gateway" \
	test "$(dhcp_port_ips dnet)" = 10.70.0.2

p1=$(create_port p1 dnet) || die "port create p1"
check "the VM port takes the next address" test "$(os port show -f json -c fixed_ips "$p1" |
	"$PY" -c 'import json, sys; print(json.load(sys.stdin)["fixed_ips"][0]["ip_address"])')" = 10.70.0.3
check "port p1 becomes ACTIVE" wait_status "$p1" ACTIVE

feed_server() {
	curl -s -H "X-Auth-Token: $(cat "$SVC_TOKEN_FILE")" \
		"$A_URL/internal/v1/nodes/$NODE/changes?since=0&timeout=0" | "$PY" -c '
import json, sys
print([s["dhcp_server_ip"] for s in json.load(sys.stdin)["subnets"] if s["id"] == sys.argv[1]][0])' "$1"
}
check "the feed's subnet carries the DHCP port's address" test "$(feed_server "$dsub")" = 10.70.0.2

# plug_bare ID NAME: the port's VM end into a namespace as eth0 with its MAC
# and no address, as a VM that boots and asks DHCP.
plug_bare() {
	local id=$1 ns="${TOPO_PREFIX}-$2" tap="tap${1:0:11}" mac
	mac=$(port_field "$id" mac_address) || return 1
	for _ in $(seq 50); do ip link show "$tap" >/dev/null 2>&1 && break; sleep 0.1; done
	ip netns add "$ns" || return 1
	TOPO_NS+=("$ns")
	ip link set "$tap" netns "$ns" || return 1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set "$tap" name eth0
	ip netns exec "$ns" ip link set eth0 address "$mac"
	# Larger than the network's: only option 26 can bring it down.
	ip netns exec "$ns" ip link set eth0 mtu 1500
	ip netns exec "$ns" ip link set eth0 up
	ip netns exec "$ns" ip link set lo up
}
plug_bare "$p1" vm || die "plug p1"

# udhcpc NAME: one lease, or a failure after two tries a second apart; the
# lease's variables land in $A_DIR/NAME.env.bound.
udhcpc() {
	rm -f "$A_DIR/$1.env.bound"
	ip netns exec "${TOPO_PREFIX}-$1" ip addr flush dev eth0
	UDHCPC_ENV="$A_DIR/$1.env" ip netns exec "${TOPO_PREFIX}-$1" \
		timeout 20 busybox udhcpc -i eth0 -n -q -t 2 -T 1 -O mtu -O staticroutes -s "$APPLY"
}
lease_has() { grep -qx "$2" "$A_DIR/$1.env.bound"; }
has_entry() { vg dp dhcp list | grep -q "tap${p1:0:11}"; }

check "the agent gave the engine the port's DHCP entry" eventually has_entry

check "udhcpc in the VM gets a lease from the engine" udhcpc vm
check "the lease carries the port's fixed IP" lease_has vm ip=10.70.0.3
check "... the subnet's mask" lease_has vm mask=24
check "... the subnet's gateway as router" lease_has vm router=10.70.0.1
check "... the subnet's DNS server" lease_has vm dns=10.70.0.53
check "... the network's MTU" lease_has vm mtu=1450
check "... the DHCP port's address as server" lease_has vm serverid=10.70.0.2
check "... Neutron's lease time" lease_has vm lease=86400
check "... Neutron's host name and domain" bash -c "grep -qx hostname=host-10-70-0-3 '$A_DIR/vm.env.bound' &&
	grep -qx domain=openstacklocal '$A_DIR/vm.env.bound'"
check "the VM has its address" bash -c "ip netns exec ${TOPO_PREFIX}-vm ip -4 -o addr show dev eth0 | grep -q 'inet 10.70.0.3/24'"
check "the VM has the network's MTU, from option 26" bash -c "ip netns exec ${TOPO_PREFIX}-vm ip link show dev eth0 | grep -q 'mtu 1450'"
check "the VM has the host route (option 121)" \
	bash -c "ip netns exec ${TOPO_PREFIX}-vm ip route show 172.16.0.0/16 | grep -q 'via 10.70.0.254'"
check "and the default route through the gateway" \
	bash -c "ip netns exec ${TOPO_PREFIX}-vm ip route show default | grep -q 'via 10.70.0.1'"

# A restarted agent finds the entry as it wants it and sends nothing.
sets_before=$(grep -c "DHCP answers" "$AGENT_LOG")
kill "$A_AGENT_PID" && wait "$A_AGENT_PID"
start_agent
reconciled() {
	[ "$(grep -c 'reconciled with the dataplane' "$AGENT_LOG")" -ge 2 ] &&
		grep 'reconciled with the dataplane' "$AGENT_LOG" | tail -1 |
		grep "0 added, 0 updated, 0 removed, 0 failed"
}
check "the restarted agent reconciled with nothing to add, update or remove" eventually reconciled
check "and leaves the DHCP entry alone" test "$(grep -c "DHCP answers" "$AGENT_LOG")" = "$sets_before"
check "the VM still gets its lease" udhcpc vm

# A network whose subnet has DHCP off: no DHCP port, no entry, no answer.
os network create nnet >/dev/null || die "network create nnet"
os subnet create --network nnet --subnet-range 10.71.0.0/24 --no-dhcp nsub >/dev/null ||
	die "subnet create nsub"
p2=$(create_port p2 nnet) || die "port create p2"
check "port p2 becomes ACTIVE" wait_status "$p2" ACTIVE
check "a --no-dhcp subnet has no DHCP port" test -z "$(dhcp_port_ips nnet)"
plug_bare "$p2" nodhcp || die "plug p2"
check_fails "udhcpc on a --no-dhcp subnet gets nothing" udhcpc nodhcp
check_fails "and the engine has no entry for the port" \
	bash -c "'$BUILD/tools/virga/virga' --socket '$SOCK' dp dhcp list | grep -q tap${p2:0:11}"

# DHCP turned off on the first subnet: the entry goes, then the port.
os subnet set --no-dhcp dsub || die "subnet set --no-dhcp"
no_entry() { ! has_entry; }
check "subnet set --no-dhcp takes the port's DHCP entry away within seconds" eventually no_entry
check_fails "the next udhcpc gets nothing" udhcpc vm
check "the DHCP port is gone with the network's last DHCP subnet" test -z "$(dhcp_port_ips dnet)"

os subnet set --dhcp dsub || die "subnet set --dhcp"
check "subnet set --dhcp brings the DHCP port back" test "$(dhcp_port_ips dnet)" = 10.70.0.2
check "and the port's DHCP entry" eventually has_entry
check "and the lease" udhcpc vm
check "with the same address" lease_has vm ip=10.70.0.3

os port delete "$p1" || die "port delete p1"
check "the deleted port's entry went with it" eventually no_entry
check_fails "the agent never failed a request" grep -E "ERROR|[1-9][0-9]* failed" "$AGENT_LOG"
