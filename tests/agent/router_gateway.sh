#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A router's external gateway end to end, with SNAT off (`--disable-snat`):
# the controller binds the gateway port to this node (--gateway-node), the
# feed sends the router's "gateway" and the external network here, and the
# agent makes the gateway a router interface on the flat external network
# (the node's physnet uplink) with a default route via the external
# subnet's gateway_ip, then marks it as the gateway (GW_SET, snat 0). A VM on a tenant subnet then reaches an "outside"
# host behind that uplink, which routes the tenant subnet back via the
# router's gateway address.
. "$(dirname "$0")/lib.sh"

start_with_outside 02:00:00:72:00:01
os network create tnet >/dev/null || die "network create tnet"
os subnet create --network tnet --subnet-range 10.72.1.0/24 tsub >/dev/null || die "subnet create tsub"
vm=$(create_port gvm tnet) || die "port create"
wait_status "$vm" ACTIVE || die "port did not become ACTIVE"
plug "$vm" vm || die "plug"
ip netns exec "${TOPO_PREFIX}-vm" ip route add default via 10.72.1.1 || die "route vm"

rt=$(os router create r1 -f value -c id) || die "router create"
os router add subnet r1 tsub || die "router add subnet"
check_fails "without a gateway, the VM does not reach the outside" ns_ping vm 203.0.113.1

os router set --external-gateway ext --disable-snat r1 || die "router set --external-gateway"
gw_ip=$(gateway_ip r1) || die "router show"
gw_port=$(os port list --router r1 --device-owner network:router_gateway -f value -c ID) ||
	die "port list gateway"
check "the gateway port is bound to the gateway node" \
	test "$(port_field "$gw_port" binding:host_id)" = "$NODE"

feed() { curl -s -H "X-Auth-Token: $(cat "$SVC_TOKEN_FILE")" "$A_URL/internal/v1/nodes/$NODE/changes?since=0&timeout=0"; }
feed_gateway() {
	feed | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
r = [r for r in d["routers"] if r["id"] == sys.argv[1]][0]["gateway"]
assert sys.argv[2] not in [p["id"] for p in d["ports"]], "gateway port sent as a VM port"
print(r["ip_address"], r["prefixlen"], r["gateway_ip"], r["host"] == sys.argv[3], r["enable_snat"])' "$rt" "$gw_port" "$NODE"
}
check "the feed carries the router's gateway, not as a VM port" \
	test "$(feed_gateway)" = "$gw_ip 24 203.0.113.1 True False"

dp_route() { vg dp route list "$1" | grep -E "^$1 +$2 +$3 "; }
check "the router has a default route via the external gateway_ip" \
	eventually dp_route "$rt" 0.0.0.0/0 203.0.113.1
check "and the external subnet as a connected route" dp_route "$rt" 203.0.113.0/24 connected

ext=$(os network show ext -f value -c id) || die "network show ext"
check "the agent marked the interface as the router's gateway, SNAT off (GW_SET)" \
	eventually grep -q "router $rt: gateway on network $ext, SNAT off" "$AGENT_LOG"

ip netns exec "${TOPO_PREFIX}-out" ip route add 10.72.1.0/24 via "$gw_ip" || die "route out"
check "the VM pings the outside through the router's gateway" eventually ns_ping vm 203.0.113.1
check "the outside pings the router's gateway address" ns_ping out "$gw_ip"

os router unset --external-gateway r1 || die "router unset --external-gateway"
no_default() { ! dp_route "$rt" 0.0.0.0/0 203.0.113.1; }
check "a cleared gateway takes the default route away" eventually no_default
check "and the gateway is cleared" eventually grep -q "router $rt: gateway cleared" "$AGENT_LOG"
check_fails "and the VM no longer reaches the outside" ns_ping vm 203.0.113.1
check_fails "the agent never failed a request" grep -E "ERROR|[1-9][0-9]* failed" "$AGENT_LOG"
