#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The real openstack CLI against a fresh controller: token, networks,
# subnets, ports, routers, floating IPs, security groups and rules.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
grep -q 'bootstrapped identity' "$T_DIR/controller.err" || fail "bootstrap not announced on stderr"
grep -q "OS_AUTH_URL=$T_URL/identity/v3" "$T_DIR/controller.out" || fail "OS_* variables not printed"

tok=$(os token issue -f value -c id)
[ ${#tok} -eq 64 ] || fail "token issue gave '$tok'"
pass "token issue"

net=$(os network create net1 -f value -c id)
[ "$(os network show net1 -f value -c name)" = net1 ] || fail "network show"
grep -qx "$net" <<<"$(os network list -f value -c ID)" || fail "network list lacks net1"
pass "network create/show/list"

sub=$(os subnet create --network net1 --subnet-range 10.10.0.0/24 --dns-nameserver 192.0.2.53 \
	--host-route destination=198.51.100.0/24,gateway=10.10.0.254 \
	--allocation-pool start=10.10.0.10,end=10.10.0.100 sub1 -f json)
sub_id=$(jget "$sub" 'j["id"]')
[ "$(jget "$sub" 'j["gateway_ip"]')" = 10.10.0.1 ] || fail "subnet gateway: $sub"
[ "$(jget "$sub" 'j["allocation_pools"][0]["start"]')" = 10.10.0.10 ] || fail "subnet pools: $sub"
sub6=$(os subnet create --network net1 --ip-version 6 --subnet-range fd00:10::/64 sub6 -f value -c id)
grep -qx "$sub_id" <<<"$(os subnet list --network net1 -f value -c ID)" || fail "subnet list"
pass "subnet create (IPv4 pools, DNS, routes; IPv6)/list"

p1=$(os port create --network net1 p1 -f json)
p1_id=$(jget "$p1" 'j["id"]')
grep -Eq '^fa:16:3e(:[0-9a-f]{2}){3}$' <<<"$(jget "$p1" 'j["mac_address"]')" || fail "port MAC: $p1"
# The subnet's DHCP port took the pool's first address, as Neutron's does.
dhcp=$(os port list --network net1 --device-owner network:dhcp -f json)
[ "$(jget "$dhcp" '[f["ip_address"] for f in j[0]["Fixed IP Addresses"] if f["subnet_id"] == "'"$sub_id"'"]')" = '["10.10.0.10"]' ] ||
	fail "DHCP port address: $dhcp"
[ "$(jget "$p1" 'j["fixed_ips"][0]["ip_address"]')" = 10.10.0.11 ] || fail "first free pool address: $p1"
[ "$(jget "$p1" '[f["subnet_id"] for f in j["fixed_ips"]].count("'"$sub6"'")')" = 1 ] || fail "no IPv6 address: $p1"
[ "$(jget "$p1" 'len(j["security_group_ids"])')" = 1 ] || fail "port not in the default group: $p1"
p2=$(os port create --network net1 --fixed-ip subnet=sub1,ip-address=10.10.0.50 \
	--device dev-1 --allowed-address ip-address=10.10.0.200 p2 -f json)
[ "$(jget "$p2" 'j["fixed_ips"][0]["ip_address"]')" = 10.10.0.50 ] || fail "fixed ip: $p2"
if os port create --network net1 --fixed-ip ip-address=10.10.0.50 p3 >/dev/null 2>"$T_DIR/err"; then
	fail "the same address was handed out twice"
fi
grep -q 409 "$T_DIR/err" || fail "duplicate address not a 409: $(cat "$T_DIR/err")"
[ "$(os port list --device-id dev-1 -f value -c Name)" = p2 ] || fail "port list --device-id"
[ "$(os port show p2 -f value -c device_id)" = dev-1 ] || fail "port show"
os port set --name p2-renamed p2
[ "$(os port show p2-renamed -f value -c name)" = p2-renamed ] || fail "port set"
pass "port create (MAC, IPAM, fixed IP, no double allocation)/list/show/set"

ext=$(os network create --external --provider-network-type flat \
	--provider-physical-network physnet1 public -f value -c id)
os subnet create --network public --subnet-range 203.0.113.0/24 --no-dhcp public-sub >/dev/null
os router create r1 >/dev/null
os router add subnet r1 sub1
os router set --external-gateway public r1
r=$(os router show r1 -f json)
[ "$(jget "$r" 'j["external_gateway_info"]["network_id"]')" = "$ext" ] || fail "gateway: $r"
[ "$(jget "$r" 'j["external_gateway_info"]["enable_snat"]')" = True ] || fail "snat: $r"
[ "$(os port list --router r1 -f value -c ID | wc -l)" -ge 1 ] || fail "router interface port missing"
os router set --route destination=198.18.0.0/16,gateway=10.10.0.77 r1
[ "$(os router show r1 -f json | grep -c 198.18.0.0/16)" -ge 1 ] || fail "extra route not set"
pass "router create, add subnet, external gateway (SNAT), extra route"

fip=$(os floating ip create public -f json)
fip_id=$(jget "$fip" 'j["id"]')
grep -q '^203\.0\.113\.' <<<"$(jget "$fip" 'j["floating_ip_address"]')" || fail "fip address: $fip"
os floating ip set --port "$p1_id" "$fip_id"
[ "$(os floating ip show "$fip_id" -f value -c fixed_ip_address)" = 10.10.0.11 ] || fail "fip associate"
grep -qx "$fip_id" <<<"$(os floating ip list -f value -c ID)" || fail "floating ip list"
os floating ip unset --port "$fip_id"
[ "$(os floating ip show "$fip_id" -f value -c port_id)" = None ] || fail "fip disassociate"
os floating ip delete "$fip_id"
pass "floating ip create/set/list/show/unset/delete"

sg=$(os security group create web -f json)
sg_id=$(jget "$sg" 'j["id"]')
[ "$(jget "$sg" 'len(j["rules"])')" = 2 ] || fail "new group should have the two egress rules: $sg"
rule=$(os security group rule create --protocol tcp --dst-port 80:81 --remote-ip 0.0.0.0/0 web -f value -c id)
[ "$(os security group rule show "$rule" -f value -c port_range_max)" = 81 ] || fail "rule show"
[ "$(os security group rule list web -f value -c ID | wc -l)" = 3 ] || fail "rule list"
grep -qx default <<<"$(os security group list -f value -c Name)" || fail "no default group"
def=$(os security group show default -f json)
[ "$(jget "$def" 'sum(1 for r in j["rules"] if r["direction"] == "ingress" and r["remote_group_id"] == j["id"])')" = 2 ] ||
	fail "default group lacks its ingress-from-self rules: $def"
os security group rule delete "$rule"
os security group delete web
if os security group show "$sg_id" >/dev/null 2>&1; then fail "group still there"; fi
pass "security group and rule create/list/show/delete, default group"

os router unset --route destination=198.18.0.0/16,gateway=10.10.0.77 r1
os router unset --external-gateway r1
os router remove subnet r1 sub1
os router delete r1
os port delete p1 p2-renamed
os network delete net1 public
[ -z "$(os network list -f value -c ID)" ] || fail "networks left behind"
[ "$(os port list -f value -c ID | wc -l)" = 0 ] || fail "ports left behind"
pass "teardown: router remove/delete, port delete, network delete (with subnets)"
