#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Security groups as Neutron's stateful-security-group extension has them,
# through the real openstack CLI: stateless groups, no port with groups of
# both kinds, a group in use keeps its kind, and no groups on a port whose
# port security is off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

start_controller
os network create sgnet >/dev/null
os subnet create --network sgnet --subnet-range 10.70.0.0/24 sgsub >/dev/null
os security group create --stateless free >/dev/null
os security group create tracked >/dev/null
[ "$(os security group show free -f value -c stateful)" = False ] || fail "--stateless not stored"
[ "$(os security group show tracked -f value -c stateful)" = True ] || fail "groups are stateful by default"
pass "stateless and stateful groups"

if os port create --network sgnet --security-group free --security-group tracked mixed \
	>/dev/null 2>"$T_DIR/err"; then
	fail "a port took a stateful and a stateless group"
fi
grep -q 409 "$T_DIR/err" || fail "mixing kinds was not a 409: $(cat "$T_DIR/err")"
os port create --network sgnet --security-group free p1 >/dev/null
if os port set --security-group tracked p1 2>"$T_DIR/err"; then
	fail "a stateful group was added beside a stateless one"
fi
grep -q 409 "$T_DIR/err" || fail "adding the other kind was not a 409: $(cat "$T_DIR/err")"
pass "a port's groups are all stateful or all stateless (409)"

if os security group set --stateful free 2>"$T_DIR/err"; then
	fail "a group in use changed its kind"
fi
grep -q 409 "$T_DIR/err" || fail "changing a used group's kind was not a 409: $(cat "$T_DIR/err")"
os security group set --stateless tracked
[ "$(os security group show tracked -f value -c stateful)" = False ] || fail "an unused group's kind did not change"
pass "a group in use keeps its kind; an unused one may change"

if os port set --disable-port-security p1 2>"$T_DIR/err"; then
	fail "port security was turned off with a group on the port"
fi
grep -q 409 "$T_DIR/err" || fail "not a 409: $(cat "$T_DIR/err")"
os port set --no-security-group --disable-port-security p1
[ "$(os port show p1 -f value -c port_security_enabled)" = False ] || fail "port security still on"
if os port set --security-group free p1 2>"$T_DIR/err"; then
	fail "a group went onto a port without port security"
fi
grep -q 409 "$T_DIR/err" || fail "not a 409: $(cat "$T_DIR/err")"
pass "no security groups on a port without port security (409)"
