#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Security groups as Neutron's stateful-security-group extension has them,
# through the real openstack CLI: stateless groups, no port with groups of
# both kinds, a group in use keeps its kind, and no groups on a port whose
# port security is off; rules as the CLI creates, lists and shows them.
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

# Rules as `openstack security group rule create/list/show` drive them.
os security group create web >/dev/null
os security group rule create --protocol tcp --dst-port 8080 --remote-ip 10.70.0.0/24 web >/dev/null
if os security group rule create --protocol tcp --dst-port 8080 --remote-ip 10.70.0.0/24 web \
	2>"$T_DIR/err"; then
	fail "a duplicate rule was created"
fi
grep -q 409 "$T_DIR/err" || fail "a duplicate rule was not a 409: $(cat "$T_DIR/err")"
os security group rule create --remote-group default --protocol tcp --dst-port 22 web >/dev/null
icmp=$(os security group rule create --protocol icmp --icmp-type 8 --icmp-code 0 web -f value -c id)
os security group rule create --ethertype IPv6 --protocol ipv6-icmp web >/dev/null
os security group rule create --protocol any web >/dev/null
os security group rule create --protocol 47 web >/dev/null
[ "$(jget "$(os security group rule show "$icmp" -f json)" '[j["port_range_min"], j["port_range_max"]]')" = "[8, 0]" ] ||
	fail "ICMP type and code not kept: $(os security group rule show "$icmp")"
[ "$(os security group rule list --protocol tcp --ingress web -f value -c ID | wc -l)" = 2 ] ||
	fail "--protocol tcp --ingress: $(os security group rule list --protocol tcp --ingress web)"
[ "$(os security group rule list --egress web -f value -c ID | wc -l)" = 2 ] || fail "--egress"
# The two egress rules of a new group and the "any" one: all protocol null.
[ "$(os security group rule list --protocol any web -f value -c ID | wc -l)" = 3 ] ||
	fail "--protocol any: $(os security group rule list --protocol any web)"
[ "$(os security group rule list --protocol 47 web -f value -c ID | wc -l)" = 1 ] || fail "--protocol 47"
os security group rule list --long web >/dev/null 2>&1 || fail "rule list --long"
os security group rule create --protocol udplite --dst-port 5000:5001 web >/dev/null ||
	fail "udplite with a port range (Neutron takes both)"
os security group rule create --protocol dccp --dst-port 33 web >/dev/null || fail "dccp with a port"
os security group rule create --protocol vrrp web >/dev/null || fail "vrrp by name"
[ "$(jget "$(os security group show web -f json)" 'len(j["rules"])')" = 11 ] ||
	fail "security group show lacks its rules: $(os security group show web -f json)"
pass "rule create (remote group, ICMP type/code, IPv6, any, a number, udplite/dccp ports, 409 duplicate), list filters, show"

os security group create ref >/dev/null
refrule=$(os security group rule create --remote-group ref --protocol udp web -f value -c id)
os security group delete ref
if os security group rule show "$refrule" >/dev/null 2>&1; then
	fail "a rule naming a deleted group as remote group survived it"
fi
pass "deleting a group deletes the rules naming it as remote group, as Neutron"

# A group's membership record (what tells the feed a remote group changed) goes
# with the group: ports joining and leaving must not leave rows behind forever.
members() { sqlite3 "$T_DIR/state/virga.db" "SELECT count(*) FROM sg_membership WHERE group_id = '$1'"; }
gone=$(os security group create gone -f value -c id)
os port create --network sgnet --security-group gone pgone >/dev/null
[ "$(members "$gone")" = 1 ] || fail "a port joining a group left no membership record"
os port delete pgone
os security group delete gone
[ "$(members "$gone")" = 0 ] || fail "a deleted group's membership record stayed"
pass "a deleted group's membership record is deleted with it"
