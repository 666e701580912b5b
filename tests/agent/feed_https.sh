#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The agent follows the change feed over HTTPS, verified against --cacert:
# a port turns ACTIVE, over one kept-alive connection. Restarted with a
# certificate from another CA, the controller is refused: the agent says
# why, keeps the port as it is, retries; so are an expired certificate and
# one for another name, both from the agent's own CA. Once the controller
# is back with a good certificate, the agent takes up the feed again.
# Asked for a client certificate (--tls-client-ca), the agent without one
# is refused with the reason in its log; with --cert/--key it is taken.
TOPO_PREFIX="htt$$"
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

"$ROOT/tools/make-certs.sh" "$A_DIR/ca-a" >/dev/null || die "make-certs.sh ca-a"
"$ROOT/tools/make-certs.sh" "$A_DIR/ca-b" >/dev/null || die "make-certs.sh ca-b"
tls_a=(--tls-cert "$A_DIR/ca-a/server.pem" --tls-key "$A_DIR/ca-a/server-key.pem")
tls_b=(--tls-cert "$A_DIR/ca-b/server.pem" --tls-key "$A_DIR/ca-b/server-key.pem")
# This shell's clients (curl, the CLI) trust whichever CA the controller
# is using; the agent trusts CA a only.
trust() { export CURL_CA_BUNDLE="$A_DIR/$1/ca.pem" OS_CACERT="$A_DIR/$1/ca.pem"; }
# leaf NAME SAN DAYS: a server certificate signed by CA a into $A_DIR/NAME
# (DAYS -1: expired yesterday).
leaf() {
	local d="$A_DIR/$1"
	mkdir -p "$d" &&
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$d/server-key.pem" -out "$d/csr" -subj "/CN=$1" 2>/dev/null &&
		printf 'subjectAltName = %s\n' "$2" >"$d/ext" &&
		openssl x509 -req -in "$d/csr" -CA "$A_DIR/ca-a/ca.pem" -CAkey "$A_DIR/ca-a/ca-key.pem" \
			-set_serial "$RANDOM" -days "$3" -extfile "$d/ext" -out "$d/server.pem" 2>/dev/null
}
leaf expired IP:127.0.0.1 -1 || die "expired certificate"
leaf othername DNS:elsewhere.example 30 || die "certificate for another name"
# restart_with DIR: the controller again, serving DIR's certificate, which
# this shell does not verify (it only waits for the port).
restart_with() {
	stop_controller
	"$BUILD/api/virga-controller" --state-dir "$A_DIR/state" --listen "127.0.0.1:$A_PORT" \
		--gateway-node "$NODE" --tls-cert "$1/server.pem" --tls-key "$1/server-key.pem" \
		>>"$A_DIR/controller.out" 2>>"$A_DIR/controller.err" &
	A_CTL_PID=$!
	for _ in $(seq 100); do curl -sk -o /dev/null "$A_URL/identity" && break; sleep 0.05; done
}

A_SCHEME=https
trust ca-a
start_controller "${tls_a[@]}"
start_dataplane
start_agent --cacert "$A_DIR/ca-a/ca.pem"

os network create hnet >/dev/null || die "network create"
os subnet create --network hnet --subnet-range 10.78.0.0/24 hsub >/dev/null || die "subnet create"
p1=$(create_port hp1 hnet) || die "port create p1"
check "a port turns ACTIVE: the agent follows the feed over HTTPS" wait_status "$p1" ACTIVE
check "the agent never found the controller unreachable" bash -c "! grep unreachable '$AGENT_LOG'"

# The agent's connections to the controller: "local-address:port", one a line.
agent_conns() {
	ss -Htnp state established "( dport = :$A_PORT )" | grep "pid=$A_AGENT_PID," | awk '{print $3}'
}
conn1=$(agent_conns)
sleep 5 # two and more long polls of 2 s
conn2=$(agent_conns)
check "the agent keeps one connection alive across polls ($conn1)" \
	bash -c "[ -n '$conn1' ] && [ \$(wc -l <<<'$conn1') = 1 ] && [ '$conn1' = '$conn2' ]"

stop_controller
trust ca-b
start_controller "${tls_b[@]}"
refused() { grep "refusing the controller's TLS certificate" "$AGENT_LOG"; }
check "the agent refuses a controller certificate from another CA, and says why" eventually refused
check "it says why: the issuer is unknown, checked against its CA file" grep -qF "TLS certificate: The certificate is NOT trusted. The certificate issuer is unknown. (CA file $A_DIR/ca-a/ca.pem)" "$AGENT_LOG"
p2=$(create_port hp2 hnet) || die "port create p2"
sleep 3
check "a port created meanwhile is not taken up" test "$(port_field "$p2" status)" = DOWN
check "the agent is still running, retrying" kill -0 "$A_AGENT_PID"
check "it never spoke plain HTTP to the TLS port" \
	bash -c "! grep -q 'out of context' '$A_DIR/controller.err'"
check "the dataplane keeps the first port meanwhile" dp_has_port "$p1" access "$(port_field "$p1" network_id)"

restart_with "$A_DIR/expired"
check "an expired certificate from its own CA is refused, and the log says expired" \
	eventually grep -q "refusing the controller's TLS certificate: .*expired" "$AGENT_LOG"
restart_with "$A_DIR/othername"
check "a certificate for another name from its own CA is refused, and the log says so" \
	eventually grep -q "refusing the controller's TLS certificate: .*does not match target host name '127.0.0.1'" "$AGENT_LOG"

stop_controller
trust ca-a
start_controller "${tls_a[@]}"
check "back with a certificate from its CA, the agent takes up the feed: the new port turns ACTIVE" \
	wait_status "$p2" ACTIVE 20

# Mutual TLS: the controller asks nodes for a certificate from CA a. The
# agent without one is refused and logs why; with its node's certificate
# (tools/make-certs.sh --node) it follows the feed again.
"$ROOT/tools/make-certs.sh" --node "$NODE" "$A_DIR/ca-a" >/dev/null || die "make-certs.sh --node"
stop_controller
start_controller "${tls_a[@]}" --tls-client-ca "$A_DIR/ca-a/ca.pem"
check "without a client certificate the agent is refused, and its log says why" \
	eventually grep -q "HTTP 403: .*NodeCertificateRefused.*none was presented" "$AGENT_LOG"
p3=$(create_port hp3 hnet) || die "port create p3"
sleep 3
check "a port created meanwhile is not taken up" test "$(port_field "$p3" status)" = DOWN
kill -TERM "$A_AGENT_PID"
wait "$A_AGENT_PID" 2>/dev/null
start_agent --cacert "$A_DIR/ca-a/ca.pem" --cert "$A_DIR/ca-a/node-$NODE.pem" \
	--key "$A_DIR/ca-a/node-$NODE-key.pem"
check "with its node's certificate the agent follows the feed: the port turns ACTIVE" \
	wait_status "$p3" ACTIVE 20
check "and the node's report is taken (agent alive)" \
	bash -c "'$OS_CLI' network agent list --host '$NODE' -f value -c Alive | grep -qx True"
