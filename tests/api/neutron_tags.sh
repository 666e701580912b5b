#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Neutron's standard-attr-tag through the real openstack CLI and over REST:
# `--tag` on create, set and unset of networks, ports, routers, subnets,
# security groups and floating IPs; list filters tags (all of), tags-any,
# not-tags and not-tags-any, each with comma-separated tags; the single-tag
# calls (201 added, 204 present, 404 absent); a bad tag or list is 400 and
# changes nothing; another project's member cannot tag what it cannot see.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
tok=$(token admin "$T_ADMIN_PW" admin)
[ -n "$tok" ] || fail "no admin token"

tags_of() { os "$1" show "$2" -f json -c tags | jget "$(cat)" 'sorted(j["tags"])'; }
names() { jget "$R_BODY" 'sorted(n["name"] for n in j["networks"])'; }

os network create --tag red --tag blue n1 >/dev/null
os network create --tag red n2 >/dev/null
os network create n3 >/dev/null
[ "$(tags_of network n1)" = '["blue", "red"]' ] || fail "n1's tags: $(tags_of network n1)"
os network set --tag green n2
os network unset --tag red n2
[ "$(tags_of network n2)" = '["green"]' ] || fail "n2 after set/unset: $(tags_of network n2)"
pass "network create --tag, set --tag and unset --tag"

os network set --tag red n2
req GET "/network/v2.0/networks?tags=red,blue" "$tok"
[ "$(names)" = '["n1"]' ] || fail "tags=red,blue: $(names)"
req GET "/network/v2.0/networks?tags-any=blue,green" "$tok"
[ "$(names)" = '["n1", "n2"]' ] || fail "tags-any=blue,green: $(names)"
req GET "/network/v2.0/networks?not-tags=red,blue" "$tok"
[ "$(names)" = '["n2", "n3"]' ] || fail "not-tags=red,blue: $(names)"
req GET "/network/v2.0/networks?not-tags-any=red" "$tok"
[ "$(names)" = '["n3"]' ] || fail "not-tags-any=red: $(names)"
[ "$(os network list --tags red --any-tags blue,green -f value -c Name | sort | xargs)" = "n1 n2" ] ||
	fail "network list --tags red --any-tags blue,green"
[ "$(os network list --not-tags green -f value -c Name | sort | xargs)" = "n1 n3" ] ||
	fail "network list --not-tags green"
pass "list filters tags, tags-any, not-tags and not-tags-any, by REST and the CLI"

n1=$(os network show n1 -f value -c id)
rev=$(os network show n1 -f value -c revision_number)
req PUT "/network/v2.0/networks/$n1/tags/yellow" "$tok"
expect_status 201 "one tag added"
req GET "/network/v2.0/networks/$n1/tags/yellow" "$tok"
expect_status 204 "a tag it has"
req GET "/network/v2.0/networks/$n1/tags/purple" "$tok"
expect_neutron_error 404 "a tag it lacks"
[ "$(jget "$R_BODY" 'j["NeutronError"]["type"]')" = TagNotFound ] || fail "not TagNotFound: $R_BODY"
req DELETE "/network/v2.0/networks/$n1/tags/yellow" "$tok"
expect_status 204 "one tag removed"
req DELETE "/network/v2.0/networks/$n1/tags/yellow" "$tok"
expect_neutron_error 404 "removing a tag it lacks"
[ "$(os network show n1 -f value -c revision_number)" -gt "$rev" ] || fail "tagging kept the revision"
req PUT "/network/v2.0/networks/$n1/tags" "$tok" '{"tags": ["a", "b"]}'
expect_status 200 "all tags replaced"
[ "$(jget "$R_BODY" 'j["tags"]')" = '["a", "b"]' ] || fail "PUT tags answered $R_BODY"
req GET "/network/v2.0/networks/$n1/tags" "$tok"
[ "$(jget "$R_BODY" 'j["tags"]')" = '["a", "b"]' ] || fail "GET tags answered $R_BODY"
req DELETE "/network/v2.0/networks/$n1/tags" "$tok"
expect_status 204 "all tags removed"
[ "$(tags_of network n1)" = '[]' ] || fail "after DELETE tags: $(tags_of network n1)"
pass "the single-tag calls and replacing or removing them all"

os network set --tag keep n1
rev=$(os network show n1 -f value -c revision_number)
long=$(printf 'x%.0s' $(seq 256))
req PUT "/network/v2.0/networks/$n1/tags" "$tok" '{"tags": ["a", "a"]}'
expect_neutron_error 400 "a list with a tag twice"
req PUT "/network/v2.0/networks/$n1/tags" "$tok" '{"tags": "a"}'
expect_neutron_error 400 "tags that are not a list"
req PUT "/network/v2.0/networks/$n1/tags" "$tok" '{"tags": [7]}'
expect_neutron_error 400 "a tag that is not a string"
req PUT "/network/v2.0/networks/$n1/tags" "$tok" '{"tag": ["a"]}'
expect_neutron_error 400 "a body without tags"
req PUT "/network/v2.0/networks/$n1/tags/$long" "$tok"
expect_neutron_error 400 "a tag of 256 characters"
req PUT "/network/v2.0/networks/00000000-0000-0000-0000-000000000000/tags/a" "$tok"
expect_neutron_error 404 "a network that does not exist"
[ "$(tags_of network n1)" = '["keep"]' ] || fail "refused calls changed the tags: $(tags_of network n1)"
[ "$(os network show n1 -f value -c revision_number)" = "$rev" ] || fail "refused calls changed the revision"
pass "bad tags and lists are 400 and change nothing"

tok2=$(member_token tp2 tu2 pw2)
req PUT "/network/v2.0/networks/$n1/tags/mine" "$tok2"
expect_neutron_error 404 "another project's member tagging the admin's network"
req GET "/network/v2.0/networks?tags=keep" "$tok2"
[ "$(jget "$R_BODY" 'len(j["networks"])')" = 0 ] || fail "a member sees another project's network by tag"
pass "a member cannot tag or find by tag what it cannot see"

os subnet create --network n1 --subnet-range 10.82.0.0/24 --tag s s1 >/dev/null
os port create --network n1 --tag p p1 >/dev/null
os router create --tag r r1 >/dev/null
os security group create --tag g g1 >/dev/null
[ "$(tags_of subnet s1)" = '["s"]' ] && [ "$(tags_of port p1)" = '["p"]' ] &&
	[ "$(tags_of router r1)" = '["r"]' ] && [ "$(tags_of 'security group' g1)" = '["g"]' ] ||
	fail "--tag on subnet, port, router or security group create"
os network create --external ext1 >/dev/null
os subnet create --network ext1 --subnet-range 198.51.100.0/24 --no-dhcp extsub1 >/dev/null
fip=$(os floating ip create --tag f ext1 -f value -c id)
[ "$(tags_of 'floating ip' "$fip")" = '["f"]' ] || fail "--tag on floating ip create"
[ "$(os port list --tags p -f value -c Name)" = p1 ] || fail "port list --tags p"
pass "subnets, ports, routers, security groups and floating IPs take tags too"

req GET "/network/v2.0/extensions/standard-attr-tag" "$tok"
expect_status 200 "the standard-attr-tag extension"
pass "the extension is offered"
