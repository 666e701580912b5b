#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Nova v2.1 flavors and keypairs with the real openstack CLI: the default
# flavors are there on a new controller; an admin creates, shows (with
# properties: extra specs), lists (public, private, all) and deletes a
# flavor; a member cannot; keypair create (a generated key that ssh-keygen
# reads back, with Nova's fingerprint), create --public-key (import), list,
# show, delete; a user sees only their own keypairs; duplicates are 409, a
# bad key or name 400, each with Nova's fault body.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_controller
ADMIN_TOK=$(token admin "$T_ADMIN_PW" admin)

# expect_nova_error STATUS FAULT WHAT: {"FAULT": {"code": STATUS, "message": ...}}.
expect_nova_error() {
	expect_status "$1" "$3"
	[ "$(jget "$R_BODY" "j['$2']['code']")" = "$1" ] || fail "$3: not a Nova $2 body: $R_BODY"
}

[ "$(os flavor list -f value -c Name | sort | tr '\n' ' ')" = "m1.medium m1.nano m1.small m1.tiny " ] ||
	fail "default flavors: $(os flavor list -f value -c Name)"
SHOW=$(os flavor show m1.tiny -f json)
[ "$(jget "$SHOW" '(j["ram"], j["vcpus"], j["disk"])')" = "(512, 1, 1)" ] || fail "m1.tiny: $SHOW"
pass "a new controller has m1.nano, m1.tiny, m1.small and m1.medium"

os flavor create --ram 256 --vcpus 2 --disk 3 --property hw:cpu_policy=shared f1 >/dev/null
SHOW=$(os flavor show f1 -f json)
[ "$(jget "$SHOW" '(j["ram"], j["vcpus"], j["disk"], j["os-flavor-access:is_public"])')" = "(256, 2, 3, True)" ] ||
	fail "flavor show f1: $SHOW"
echo "$SHOW" | grep >/dev/null "hw:cpu_policy" || fail "flavor show f1 has no property: $SHOW"
os flavor set --property hw:mem_page_size=small f1
os flavor unset --property hw:cpu_policy f1
SHOW=$(os flavor show f1 -f json)
echo "$SHOW" | grep >/dev/null "hw:mem_page_size" || fail "flavor set --property: $SHOW"
! echo "$SHOW" | grep >/dev/null "hw:cpu_policy" || fail "flavor unset --property: $SHOW"
os flavor create --ram 64 --vcpus 1 --private --id p-1 fpriv >/dev/null
os flavor list -f value -c Name | grep -x >/dev/null fpriv && fail "a private flavor in the public list"
os flavor list --private -f value -c Name | grep -x >/dev/null fpriv || fail "flavor list --private"
os flavor list --all -f value -c Name | grep -x >/dev/null f1 || fail "flavor list --all"
pass "flavor create/show/set/unset --property, private and public lists"

req POST /compute/v2.1/flavors "$ADMIN_TOK" '{"flavor": {"name": "f1", "ram": 64, "vcpus": 1, "disk": 0}}'
expect_nova_error 409 conflictingRequest "a second flavor named f1"
req POST /compute/v2.1/flavors "$ADMIN_TOK" '{"flavor": {"name": "f2", "ram": -5, "vcpus": 1}}'
expect_nova_error 400 badRequest "negative ram"
req GET /compute/v2.1/flavors/nope "$ADMIN_TOK"
expect_nova_error 404 itemNotFound "an unknown flavor"
os project create p2 >/dev/null
os user create --project p2 --password pw2 u2 >/dev/null
os role add --project p2 --user u2 member
U2_TOK=$(token u2 pw2 p2)
req POST /compute/v2.1/flavors "$U2_TOK" '{"flavor": {"name": "mine", "ram": 64, "vcpus": 1}}'
expect_nova_error 403 forbidden "a member creates a flavor"
req GET /compute/v2.1/flavors/p-1 "$U2_TOK"
expect_nova_error 404 itemNotFound "a member shows a private flavor"
req DELETE /compute/v2.1/flavors/2 "$U2_TOK"
expect_nova_error 403 forbidden "a member deletes a flavor (policy first, as Nova)"
os flavor delete f1 fpriv
! os flavor show f1 >/dev/null 2>&1 || fail "f1 still there after delete"
pass "flavor errors: 409 duplicate, 400 bad size, 404 unknown or private, 403 for a member; delete"

os keypair create k1 >"$T_DIR/k1"
chmod 600 "$T_DIR/k1"
ssh-keygen -y -f "$T_DIR/k1" >"$T_DIR/k1.pub" || fail "ssh-keygen cannot read the generated key"
SHOW=$(os keypair show k1 -f json)
[ "$(jget "$SHOW" 'j["type"]')" = ssh ] || fail "keypair show: $SHOW"
WANT=$(ssh-keygen -l -E md5 -f "$T_DIR/k1.pub" | awk '{print $2}' | sed 's/^MD5://')
[ "$(jget "$SHOW" 'j["fingerprint"]')" = "$WANT" ] || fail "fingerprint $(jget "$SHOW" 'j["fingerprint"]') != $WANT"
os keypair show --public-key k1 | grep >/dev/null "$(cut -d' ' -f2 "$T_DIR/k1.pub")" || fail "public key differs"
ssh-keygen -q -t ed25519 -N '' -f "$T_DIR/k2" >/dev/null
os keypair create --public-key "$T_DIR/k2.pub" k2 >/dev/null
[ "$(os keypair list -f value -c Name | sort | tr '\n' ' ')" = "k1 k2 " ] || fail "keypair list"
pass "keypair create (generated: ssh-keygen reads it, MD5 fingerprint as Nova's) and --public-key, list, show"

req POST /compute/v2.1/os-keypairs "$ADMIN_TOK" "{\"keypair\": {\"name\": \"k2\", \"public_key\": \"$(cat "$T_DIR/k2.pub")\"}}"
expect_nova_error 409 conflictingRequest "a second keypair k2"
req POST /compute/v2.1/os-keypairs "$ADMIN_TOK" '{"keypair": {"name": "k3", "public_key": "ssh-rsa bm90IGEga2V5 x"}}'
expect_nova_error 400 badRequest "a public key that is no key"
req POST /compute/v2.1/os-keypairs "$ADMIN_TOK" '{"keypair": {"name": "bad/name"}}'
expect_nova_error 400 badRequest "an unsafe keypair name"
req GET /compute/v2.1/os-keypairs "$U2_TOK"
[ "$(jget "$R_BODY" 'len(j["keypairs"])')" = 0 ] || fail "u2 sees admin's keypairs: $R_BODY"
req GET /compute/v2.1/os-keypairs/k1 "$U2_TOK"
expect_nova_error 404 itemNotFound "u2 shows admin's keypair"
os keypair delete k1 k2
[ -z "$(os keypair list -f value -c Name)" ] || fail "keypairs left after delete"
pass "keypair errors: 409 duplicate, 400 bad key or name; keypairs are their user's; delete"
