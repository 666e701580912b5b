#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Neutron's subnet pools through the real openstack CLI and over REST: a
# pool's prefixes are kept canonical and may grow, not shrink; its prefix
# lengths keep min <= default <= max; a subnet made from a pool gets the
# pool's lowest free block (of its default length, or --prefix-length), or
# the CIDR it asks for when that lies in the pool and is free; a pool with
# no room left, or a CIDR outside it, is 400 and makes no subnet; a pool
# that subnets use cannot be deleted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"

pool=$(os subnet pool create --pool-prefix 10.96.0.5/16 --default-prefix-length 24 \
	--min-prefix-length 20 --max-prefix-length 28 --tag pt p1 -f value -c id)
pf() { os subnet pool show p1 -f json | jget "$(cat)" "j['$1']"; }
[ "$(pf prefixes)" = '["10.96.0.0/16"]' ] || fail "prefixes not canonical: $(pf prefixes)"
[ "$(pf ip_version)" = 4 ] && [ "$(pf default_prefixlen)" = 24 ] || fail "pool: $(os subnet pool show p1 -f json)"
[ "$(pf tags)" = '["pt"]' ] || fail "pool tags: $(pf tags)"
pass "a pool's prefixes are canonical, its lengths and tags kept"

os network create pn >/dev/null
cidr() { os subnet show "$1" -f value -c cidr; }
os subnet create --network pn --subnet-pool p1 ps1 >/dev/null
os subnet create --network pn --subnet-pool p1 --prefix-length 28 ps2 >/dev/null
os subnet create --network pn --subnet-pool p1 --subnet-range 10.96.5.0/24 ps3 >/dev/null
os subnet create --network pn --subnet-pool p1 ps4 >/dev/null
[ "$(cidr ps1) $(cidr ps2) $(cidr ps3) $(cidr ps4)" = \
	"10.96.0.0/24 10.96.1.0/28 10.96.5.0/24 10.96.2.0/24" ] ||
	fail "allocated: $(cidr ps1) $(cidr ps2) $(cidr ps3) $(cidr ps4)"
[ "$(os subnet show ps1 -f value -c subnetpool_id)" = "$pool" ] || fail "ps1 does not name its pool"
pass "subnets take the pool's lowest free blocks, or the free CIDR they ask for"

net=$(os network show pn -f value -c id)
before=$(os subnet list -f value -c ID | wc -l)
sub() { req POST /network/v2.0/subnets "$tok" "{\"subnet\": {\"network_id\": \"$net\", \"ip_version\": 4, $1}}"; }
sub "\"subnetpool_id\": \"$pool\", \"cidr\": \"10.97.0.0/24\""
expect_neutron_error 400 "a CIDR outside the pool"
sub "\"subnetpool_id\": \"$pool\", \"cidr\": \"10.96.5.128/25\""
expect_neutron_error 400 "a CIDR overlapping another subnet of the pool"
sub "\"subnetpool_id\": \"$pool\", \"prefixlen\": 16"
expect_neutron_error 400 "a length shorter than the pool's minimum"
sub "\"subnetpool_id\": \"00000000-0000-0000-0000-000000000000\""
expect_neutron_error 404 "a pool that does not exist"
sub "\"name\": \"nocidr\""
expect_neutron_error 400 "no CIDR and no pool"
small=$(os subnet pool create --pool-prefix 10.98.0.0/24 --default-prefix-length 25 p2 -f value -c id)
sub "\"subnetpool_id\": \"$small\""
expect_status 201 "the small pool's first /25"
sub "\"subnetpool_id\": \"$small\""
expect_status 201 "the small pool's second /25"
sub "\"subnetpool_id\": \"$small\""
expect_neutron_error 400 "a pool with no room left"
[ "$(os subnet list -f value -c ID | wc -l)" = $((before + 2)) ] || fail "refused creates made subnets"
pass "outside, overlapping, too short, unknown, no CIDR and a full pool are refused and make nothing"

os subnet pool set --pool-prefix 10.99.0.0/16 p1
[ "$(pf prefixes)" = '["10.96.0.0/16", "10.99.0.0/16"]' ] || fail "prefix added: $(pf prefixes)"
req PUT "/network/v2.0/subnetpools/$pool" "$tok" '{"subnetpool": {"prefixes": ["10.99.0.0/16"]}}'
expect_neutron_error 400 "shrinking a pool's prefixes"
req PUT "/network/v2.0/subnetpools/$pool" "$tok" '{"subnetpool": {"default_prefixlen": 30}}'
expect_neutron_error 400 "a default longer than the maximum"
[ "$(pf prefixes)" = '["10.96.0.0/16", "10.99.0.0/16"]' ] && [ "$(pf default_prefixlen)" = 24 ] ||
	fail "refused updates changed the pool"
pass "prefixes grow, never shrink; bounds are kept"

req DELETE "/network/v2.0/subnetpools/$pool" "$tok"
expect_neutron_error 409 "deleting a pool subnets use"
for s in ps1 ps2 ps3 ps4; do os subnet delete "$s"; done
os subnet pool delete p1
req GET "/network/v2.0/subnetpools/$pool" "$tok"
expect_neutron_error 404 "the deleted pool"
req GET "/network/v2.0/extensions/subnet_allocation" "$tok"
expect_status 200 "the subnet_allocation extension"
pass "an unused pool is deleted; the extension is offered"
