#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What a Neutron client meets first, answered as Neutron (Zed) answers it:
# routes: null on a router update means no routes; a router interface on a
# subnet overlapping one the router already has is 400; a list filter on an
# unknown attribute is 400 (filter validation, on by default), while the
# filters the openstack CLI sends still work; the version document names
# its resources by member and collection keys; a project member may choose
# the MAC address of a port on its own network (not on a shared one).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"

os network create n1 >/dev/null
os network create n2 >/dev/null
s1=$(os subnet create --network n1 --subnet-range 10.80.0.0/24 s1 -f value -c id)
s2=$(os subnet create --network n2 --subnet-range 10.80.0.0/25 s2 -f value -c id)
s3=$(os subnet create --network n2 --subnet-range 10.81.0.0/24 s3 -f value -c id)
rid=$(os router create r1 -f value -c id)

# --- routes: null -----------------------------------------------------------
os router add subnet r1 s1
os router set --route destination=192.0.2.0/24,gateway=10.80.0.9 r1
[ "$(os router show r1 -f json -c routes | jget "$(cat)" 'len(j["routes"])')" = 1 ] ||
	fail "route not set"
req PUT "/network/v2.0/routers/$rid" "$tok" '{"router": {"routes": null}}'
expect_status 200 "routes: null"
[ "$(jget "$R_BODY" 'j["router"]["routes"]')" = '[]' ] || fail "routes: null answered $R_BODY"
[ "$(os router show r1 -f json -c routes | jget "$(cat)" 'j["routes"]')" = '[]' ] ||
	fail "routes: null did not clear the routes"
pass "routes: null on update means no routes"

# --- overlapping router interfaces ---------------------------------------------
req PUT "/network/v2.0/routers/$rid/add_router_interface" "$tok" "{\"subnet_id\": \"$s2\"}"
expect_neutron_error 400 "interface on a subnet overlapping the router's"
grep -q "Cidr 10.80.0.0/25 of subnet $s2 overlaps with cidr 10.80.0.0/24 of subnet $s1" <<<"$R_BODY" ||
	fail "overlap message: $R_BODY"
os router add subnet r1 s2 2>/dev/null && fail "the CLI added an overlapping subnet"
port=$(os port create --network n2 --fixed-ip subnet=s2 p2 -f value -c id)
req PUT "/network/v2.0/routers/$rid/add_router_interface" "$tok" "{\"port_id\": \"$port\"}"
expect_neutron_error 400 "interface by a port on an overlapping subnet"
[ "$(os port show p2 -f value -c device_owner)" = "" ] || fail "refused port was taken by the router"
os router add subnet r1 s3 || fail "a subnet that does not overlap was refused"
[ "$(os port list --router r1 -f value -c ID | wc -l)" = 2 ] || fail "router should have 2 interfaces"
pass "an interface overlapping another of the router is 400 (by subnet and by port)"

# --- filter validation ----------------------------------------------------------
req GET "/network/v2.0/networks?colour=blue" "$tok"
expect_neutron_error 400 "unknown filter"
[ "$(jget "$R_BODY" 'j["NeutronError"]["message"]')" = "[colour] is invalid attribute for filtering" ] ||
	fail "filter message: $R_BODY"
req GET "/network/v2.0/ports?network_id=x&frobnicate=1" "$tok"
expect_neutron_error 400 "unknown filter beside a known one"
req GET "/network/v2.0/extensions/filter-validation" "$tok"
expect_status 200 "filter-validation extension offered"
req GET "/network/v2.0/networks?name=n1&id=$(os network show n1 -f value -c id)&status=ACTIVE" "$tok"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 1 ] || fail "known filters: $R_BODY"
# Filters the CLI sends stay valid.
[ "$(os network list --name n1 --internal --no-share --provider-network-type vxlan -f value -c ID | wc -l)" -le 1 ] ||
	fail "network list with CLI filters"
os network list --status ACTIVE --project admin >/dev/null || fail "network list --status --project"
[ "$(os subnet list --network n2 --ip-version 4 --dhcp --subnet-range 10.81.0.0/24 -f value -c ID)" = "$s3" ] ||
	fail "subnet list with CLI filters"
[ "$(os port list --network n2 --device-owner network:router_interface -f value -c ID | wc -l)" = 1 ] ||
	fail "port list with CLI filters"
os port list --fixed-ip subnet=s2 --host nohost --mac-address 02:00:00:00:00:01 --device-id x >/dev/null ||
	fail "port list --fixed-ip --host --mac-address --device-id"
os router list --project admin --enable >/dev/null || fail "router list filters"
os security group list --project admin >/dev/null || fail "security group list --project"
os security group rule list --ingress --protocol tcp --ethertype IPv4 default >/dev/null ||
	fail "security group rule list filters"
os floating ip list --network n1 --port "$port" --router r1 --status DOWN >/dev/null ||
	fail "floating ip list filters"
pass "unknown filters are 400, the CLI's filters work"

# --- a member's MAC address (create_port:mac_address is network_owner) -------------
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
u2=$(token u2 pw2 p2)
req POST /network/v2.0/networks "$u2" '{"network": {"name": "own"}}'
expect_status 201 "member's network"
own=$(jget "$R_BODY" 'j["network"]["id"]')
req POST /network/v2.0/ports "$u2" "{\"port\": {\"network_id\": \"$own\", \"mac_address\": \"fa:16:3e:12:34:56\"}}"
expect_status 201 "a member chooses the MAC of a port on its own network"
[ "$(jget "$R_BODY" 'j["port"]["mac_address"]')" = fa:16:3e:12:34:56 ] || fail "MAC not kept: $R_BODY"
mport=$(jget "$R_BODY" 'j["port"]["id"]')
req PUT "/network/v2.0/ports/$mport" "$u2" '{"port": {"mac_address": "fa:16:3e:12:34:57"}}'
expect_neutron_error 403 "a member changes a port's MAC (update_port:mac_address is admin's)"
os network create --share shared1 >/dev/null
shared=$(os network show shared1 -f value -c id)
req POST /network/v2.0/ports "$u2" "{\"port\": {\"network_id\": \"$shared\", \"mac_address\": \"fa:16:3e:12:34:58\"}}"
expect_neutron_error 403 "a member chooses a MAC on another project's shared network"
req POST /network/v2.0/ports "$u2" "{\"port\": {\"network_id\": \"$shared\"}}"
expect_status 201 "a member's port on a shared network, MAC given by Neutron"
pass "a member may choose a MAC on its own network only, and only at create"

# --- the version document ----------------------------------------------------
R_STATUS=$(curl -s -o "$T_DIR/v.json" -w '%{http_code}' "$T_URL/network/v2.0/")
[ "$R_STATUS" = 200 ] || fail "GET /v2.0/ without a token: $R_STATUS"
R_BODY=$(cat "$T_DIR/v.json")
got=$(jget "$R_BODY" 'sorted((r["name"], r["collection"], r["links"][0]["href"].rsplit("/", 1)[1]) for r in j["resources"])')
want='[["floatingip", "floatingips", "floatingips"], ["network", "networks", "networks"], ["port", "ports", "ports"], ["router", "routers", "routers"], ["security_group", "security_groups", "security-groups"], ["security_group_rule", "security_group_rules", "security-group-rules"], ["subnet", "subnets", "subnets"], ["subnetpool", "subnetpools", "subnetpools"]]'
[ "$got" = "$want" ] || fail "version document resources: $got"
pass "the version document names resources as Neutron does"

# --- security groups as tempest's negative tests read them --------------------
req POST /network/v2.0/security-groups "$tok" '{"security_group": {"name": "sgx"}}'
expect_status 201 "group sgx"
sgx=$(jget "$R_BODY" 'j["security_group"]["id"]')
req PUT "/network/v2.0/security-groups/$sgx" "$tok" '{"security_group": {"name": "default"}}'
expect_neutron_error 409 "renaming a group to default"
rule() { req POST /network/v2.0/security-group-rules "$tok" "{\"security_group_rule\": {\"security_group_id\": \"$sgx\", \"direction\": \"ingress\", \"protocol\": \"tcp\", \"port_range_min\": $1, \"port_range_max\": $2}}"; }
rule -16 80
expect_neutron_error 400 "port -16"
[ "$(jget "$R_BODY" 'j["NeutronError"]["message"]')" = "Invalid value for port -16" ] || fail "message: $R_BODY"
rule 80 65536
[ "$(jget "$R_BODY" 'j["NeutronError"]["message"]')" = "Invalid value for port 65536" ] || fail "message: $R_BODY"
rule 80 79
expect_neutron_error 400 "min above max"
jget "$R_BODY" 'j["NeutronError"]["message"]' | grep -q "port_range_min must be <= port_range_max" || fail "message: $R_BODY"
pass "renaming a group to default is 409; a bad port is named in the 400, as Neutron"
icmp() { req POST /network/v2.0/security-group-rules "$tok" "{\"security_group_rule\": {\"security_group_id\": \"$sgx\", \"direction\": \"ingress\", \"protocol\": \"icmp\", \"port_range_min\": $1, \"port_range_max\": $2}}"; }
icmp 8 256
expect_neutron_error 400 "ICMP code 256"
jget "$R_BODY" 'j["NeutronError"]["message"]' | grep -q "Invalid value for ICMP code" || fail "message: $R_BODY"
icmp 256 0
jget "$R_BODY" 'j["NeutronError"]["message"]' | grep -q "Invalid value for ICMP type" || fail "message: $R_BODY"
pass "an ICMP type or code out of range is named in the 400, as Neutron"

# --- an external network goes with its floating IPs -----------------------------
os network create --external extdel >/dev/null
os subnet create --network extdel --subnet-range 198.51.100.0/24 extdelsub >/dev/null
fipdel=$(os floating ip create extdel -f value -c id)
os network delete extdel || fail "an external network with a floating IP is not deleted"
! os floating ip show "$fipdel" >/dev/null 2>&1 || fail "its floating IP outlived it"
pass "deleting an external network deletes its floating IPs, as Neutron"
