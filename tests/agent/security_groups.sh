#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Security groups end to end, with the real openstack CLI and real TCP
# connections between namespaces through the dataplane. Port A is in group
# 'web' (tcp/8080 from the subnet, and the new group's egress rules), port
# B in 'default' (ingress from members of default only):
#  - B reaches A on 8080, not on 8081; A does not reach B (A is no member
#    of default);
#  - an agent restart resends the same filters: nothing changes in the
#    dataplane and an established connection lives on;
#  - deleting the 8080 rule stops new connections and ends the one only it
#    allowed;
#  - A joining default (port set --security-group) makes B's filter admit
#    A's address: A reaches B;
#  - a filter larger than one message arrives whole;
#  - a port without groups and port security has no filter.
. "$(dirname "$0")/lib.sh"

start_controller
start_dataplane
start_agent

os network create sgnet >/dev/null || die "network create"
os subnet create --network sgnet --subnet-range 10.79.0.0/24 sgsub >/dev/null || die "subnet create"
os security group create web >/dev/null || die "group create"
rule=$(os security group rule create --protocol tcp --dst-port 8080 --remote-ip 10.79.0.0/24 web \
	-f value -c id) || die "rule create"
a=$(create_port sga sgnet --security-group web) || die "port create a"
b=$(create_port sgb sgnet) || die "port create b"
wait_status "$a" ACTIVE && wait_status "$b" ACTIVE || die "ports did not become ACTIVE"
plug "$a" a && plug "$b" b || die "plug"
first_ip() { port_field "$1" fixed_ips | "$PY" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())[0]["ip_address"])'; }
ip_a=$(first_ip "$a")
ip_b=$(first_ip "$b")
tap_a="tap${a:0:11}"
tap_b="tap${b:0:11}"

# The dataplane's view of the filters.
# sg_rules PORT: "direction protocol ports remote label" per rule, sorted.
sg_rules() {
	vg --json dp sg show "$1" | "$PY" -c '
import json, sys
for r in sorted(json.load(sys.stdin), key=lambda r: (r["direction"], r["label"], r["remote"] or "")):
    print(r["direction"], r["ethertype"], r["protocol"], r["port_min"], r["remote"], r["label"])'
}
# sg_field PORT FIELD: one column of the port's row in `dp sg list` ("none": no filter).
sg_field() {
	vg --json dp sg list | "$PY" -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["port"] == sys.argv[1]]
print(rows[0][sys.argv[2]] if rows else "none")' "$1" "$2"
}
has_rule() { sg_rules "$1" | tee /dev/stderr | grep -q -- "$2"; }
lacks_rule() { ! sg_rules "$1" | grep -q -- "$2"; }

check "port a has a stateful filter" test "$(sg_field "$tap_a" stateful)" = True
check "a's filter has web's rule: tcp 8080 from the subnet, labelled with rule and group" \
	has_rule "$tap_a" "ingress IPv4 6 8080 10.79.0.0/24 ${rule:0:8} of group web"
members_only_b() {
	[ "$(sg_rules "$tap_b" | grep -c '^ingress IPv4 0 None')" = 1 ] &&
		has_rule "$tap_b" "^ingress IPv4 0 None $ip_b/32 "
}
check "b's filter expands default's remote-group rule to its members: b alone" members_only_b

serve() {
	ip netns exec "${TOPO_PREFIX}-$1" "$PY" "$PROBE" serve "${@:2}" &
	TOPO_PIDS+=($!)
}
serve a 8080 8081
serve b 8080
sleep 0.5

check "b connects to a on tcp/8080 (web's rule)" within 8 tcp b "$ip_a" 8080
check_fails "b cannot connect to a on tcp/8081 (no rule)" tcp b "$ip_a" 8081
check_fails "a cannot connect to b (a is no member of default)" tcp a "$ip_b" 8080

# An established connection across an agent restart.
ip netns exec "${TOPO_PREFIX}-b" "$PY" "$PROBE" hold "$ip_a" 8080 "$A_DIR/hold" &
holder=$!
TOPO_PIDS+=($holder)
holder_slot=$((${#TOPO_PIDS[@]} - 1))
gen_a=$(sg_field "$tap_a" generation)
gen_b=$(sg_field "$tap_b" generation)
sleep 1
kill -9 "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
start_agent
restarted() {
	for _ in $(seq 100); do
		[ "$(grep -c 'reconciled with the dataplane' "$AGENT_LOG")" -ge 2 ] && return 0
		sleep 0.1
	done
	return 1
}
check "the agent restarted and reconciled" restarted
sleep 1
count_before=$(cat "$A_DIR/hold")
sleep 1
count_after=$(cat "$A_DIR/hold")
check "the restarted agent resent the filters" \
	grep -q "port $tap_a: security group filter of 3 rules resent, unchanged" "$AGENT_LOG"
check "the same rules again changed nothing: a's and b's filter generations stayed" \
	test "$(sg_field "$tap_a" generation) $(sg_field "$tap_b" generation)" = "$gen_a $gen_b"
check "the established connection lived through the restart ($count_before, then $count_after round trips)" \
	bash -c "kill -0 $holder && [ '$count_after' -gt '$count_before' ] 2>/dev/null"

os security group rule delete "$rule" || die "rule delete"
check "the deleted rule leaves a's filter" eventually lacks_rule "$tap_a" "of group web.*10.79.0.0/24"
check_fails "b can no longer open a connection to a on tcp/8080" tcp b "$ip_a" 8080
ended() {
	for _ in $(seq 50); do
		kill -0 "$holder" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}
check "the established connection only that rule allowed ended" ended
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
TOPO_PIDS[$holder_slot]="" # reaped: its pid is no longer ours to kill

os port set --security-group default "$a" || die "port set --security-group"
check "b's filter now admits a's address (a joined default)" \
	eventually has_rule "$tap_b" "^ingress IPv4 0 None $ip_a/32 "
check "a connects to b now" within 8 tcp a "$ip_b" 8080
check "and b to a, through default's rule on a" within 8 tcp b "$ip_a" 8081

# A member elsewhere with 300 address pairs: b's filter (default's rule
# expanded) outgrows one SG_SET message and must arrive whole.
pairs=$("$PY" -c 'import json; print(json.dumps([{"ip_address": "10.200.%d.%d" % (i // 200, i % 200 + 1)} for i in range(300)]))')
curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $(admin_token)" -H 'Content-Type: application/json' \
	-d "{\"port\": {\"network_id\": \"$(port_field "$b" network_id)\", \"binding:host_id\": \"elsewhere\", \"allowed_address_pairs\": $pairs}}" \
	"$A_URL/network/v2.0/ports" >"$A_DIR/big" || die "port create elsewhere"
[ "$(cat "$A_DIR/big")" = 201 ] || die "port create elsewhere: HTTP $(cat "$A_DIR/big")"
# b: 2 egress rules, default's IPv4 ingress rule for b, a, and the new port's address and 300 pairs.
b_rules() { [ "$(sg_field "$tap_b" rules)" = 305 ]; }
check "b's filter of 305 rules arrived whole, in chunks (a remote group with 301 members)" eventually b_rules
check "and b still connects to a" within 8 tcp b "$ip_a" 8081

os port set --no-security-group --disable-port-security "$a" || die "port set --disable-port-security"
no_filter() { [ "$(sg_field "$tap_a" stateful)" = none ]; }
check "a port without port security and groups has no filter" eventually no_filter
check_fails "the dataplane refused no filter the agent sent" grep "dataplane sg_set" "$AGENT_LOG"
