#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The DHCP port's life, as a member sees it through the openstack CLI: made
# with the network's first enable_dhcp subnet (device_owner network:dhcp,
# device_id dhcp<network id>, the network's project, the first address
# after the gateway), an address per DHCP subnet, losing one when a subnet
# turns DHCP off or is deleted (which the DHCP address does not block), gone
# with the last one, never deleted or re-owned through the port API (409,
# 403, admin included for the delete), and no obstacle to deleting the
# network.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
os project create pd >/dev/null
os user create --project pd --password pw-d ud >/dev/null
os role add --project pd --user ud member
pd=$(os project show pd -f value -c id)
admin_tok=$(token admin "$T_ADMIN_PW" admin)
ud_tok=$(token ud pw-d pd)
[ -n "$admin_tok" ] && [ -n "$ud_tok" ] || fail "could not get tokens"
# The rest as the member.
export OS_USERNAME=ud OS_PASSWORD=pw-d OS_PROJECT_NAME=pd

# dhcp_ips NETWORK: "SUBNET=IP ..." of the network's DHCP ports, sorted by IP.
dhcp_ips() {
	os port list --network "$1" --device-owner network:dhcp -f json |
		"$PY" -c 'import json, sys
print(" ".join(sorted("%s" % f["ip_address"] for p in json.load(sys.stdin) for f in p["Fixed IP Addresses"])))'
}

net=$(os network create dn -f value -c id)
os subnet create --network dn --subnet-range 10.80.0.0/24 --no-dhcp s0 >/dev/null
[ -z "$(dhcp_ips dn)" ] || fail "a --no-dhcp subnet made a DHCP port: $(dhcp_ips dn)"
pass "no DHCP port for a subnet created --no-dhcp"

os subnet create --network dn --subnet-range 10.81.0.0/24 s1 >/dev/null
[ "$(dhcp_ips dn)" = 10.81.0.2 ] || fail "DHCP port after s1: $(dhcp_ips dn)"
dp=$(os port list --network dn --device-owner network:dhcp -f value -c ID)
show=$(os port show "$dp" -f json)
[ "$(jget "$show" 'j["device_id"]')" = "dhcp$net" ] || fail "device_id: $show"
[ "$(jget "$show" 'j["project_id"]')" = "$pd" ] || fail "owner: $show"
[ "$(jget "$show" 'j["binding_host_id"] or ""')" = "" ] || fail "bound to a host: $show"
pass "the first DHCP subnet makes the DHCP port: the network's project, device_id dhcp<network>, the address after the gateway"

os subnet set --dhcp s0
[ "$(dhcp_ips dn)" = "10.80.0.2 10.81.0.2" ] || fail "after subnet set --dhcp: $(dhcp_ips dn)"
[ "$(os port list --network dn --device-owner network:dhcp -f value -c ID)" = "$dp" ] ||
	fail "a second DHCP subnet made a second port"
p=$(os port create --network dn --fixed-ip subnet=s0 p -f json)
[ "$(jget "$p" 'j["fixed_ips"][0]["ip_address"]')" = 10.80.0.3 ] || fail "a VM port got the DHCP address: $p"
pass "subnet set --dhcp gives the same port an address on that subnet too"

if os port delete "$dp" 2>"$T_DIR/err"; then fail "member deleted the DHCP port"; fi
grep -q 409 "$T_DIR/err" || fail "member delete not a 409: $(cat "$T_DIR/err")"
req DELETE "/network/v2.0/ports/$dp" "$admin_tok"
expect_neutron_error 409 "admin deletes the DHCP port"
req PUT "/network/v2.0/ports/$dp" "$ud_tok" '{"port": {"device_owner": "compute:nova"}}'
expect_neutron_error 403 "member re-owns the DHCP port"
pass "the DHCP port is not deleted (409, admin too) or re-owned (403) through the port API"

os subnet set --no-dhcp s1
[ "$(dhcp_ips dn)" = 10.80.0.2 ] || fail "after subnet set --no-dhcp: $(dhcp_ips dn)"
os subnet set --dhcp s1
os subnet delete s1
[ "$(dhcp_ips dn)" = 10.80.0.2 ] || fail "after subnet delete: $(dhcp_ips dn)"
pass "subnet set --no-dhcp and subnet delete take the subnet's DHCP address away (delete not blocked by it)"

os port delete "$(jget "$p" 'j["id"]')"
os subnet set --no-dhcp s0
[ -z "$(os port list --network dn -f value -c ID)" ] || fail "DHCP port left: $(os port list --network dn -f value)"
pass "the last DHCP subnet turned off deletes the DHCP port"

os subnet set --dhcp s0
[ "$(dhcp_ips dn)" = 10.80.0.2 ] || fail "DHCP port back: $(dhcp_ips dn)"

# A full pool: DHCP turns on all the same, without a server address (as
# Neutron's agent, which fails to get one); a pool updated with it serves.
os subnet create --network dn --subnet-range 10.82.0.0/24 --no-dhcp \
	--allocation-pool start=10.82.0.100,end=10.82.0.100 s2 >/dev/null
os port create --network dn --fixed-ip subnet=s2 full >/dev/null
os subnet set --dhcp s2 || fail "subnet set --dhcp on a full pool"
[ "$(dhcp_ips dn)" = 10.80.0.2 ] || fail "an address out of a full pool: $(dhcp_ips dn)"
os subnet set --no-dhcp s2
os subnet set --dhcp --allocation-pool start=10.82.0.10,end=10.82.0.20 s2
[ "$(dhcp_ips dn)" = "10.80.0.2 10.82.0.10" ] || fail "DHCP address from the new pool: $(dhcp_ips dn)"
os port delete full
pass "a full pool turns DHCP on without a server address; the pools as updated give one"

os network delete dn
[ -z "$(os port list -f value -c ID)" ] || fail "ports left after network delete"
pass "a network with a DHCP port deletes, and its DHCP port with it"
