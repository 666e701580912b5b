#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The all-in-one node (`make run`): a controller, a dataplane and an agent
# on this machine, until Ctrl-C.
#
#   tools/allinone.sh BUILD_DIR
#
# State (database, service token, admin password) lives in $VIRGA_STATE_DIR
# (default ./state) and survives restarts. The controller listens on
# $VIRGA_LISTEN (default 127.0.0.1:5000) over HTTPS, with a CA and a server
# certificate made once into $STATE/tls (tools/make-certs.sh) and printed as
# OS_CACERT, and a client certificate for the node's agent (the node
# endpoints need one); VIRGA_TLS=0 serves plain HTTP instead. The node is
# named after the host. VIRGA_UNDERLAY=IFACE VIRGA_TUNNEL_IP=ADDR/LEN give
# the node a VTEP for VXLAN networks across nodes.
# On Ctrl-C the three stop, and the veths the agent made go with them.
set -uo pipefail

BUILD=${1:?usage: tools/allinone.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd) || exit 2
STATE=${VIRGA_STATE_DIR:-./state}
LISTEN=${VIRGA_LISTEN:-127.0.0.1:5000}
NODE=${VIRGA_NODE:-$(hostname)}
TLS=${VIRGA_TLS:-1}
SOCK="$STATE/dataplane.sock"

for bin in api/virga-controller dataplane/virga-dataplane agents/virga-agent tools/virga/virga; do
	[ -x "$BUILD/$bin" ] || { echo "allinone: $BUILD/$bin is missing: build first" >&2; exit 2; }
done
[ "$(id -u)" = 0 ] || { echo "allinone: needs root (dataplane and veths)" >&2; exit 2; }
mkdir -p "$STATE" && chmod 700 "$STATE" || exit 1
STATE=$(cd "$STATE" && pwd)
SOCK="$STATE/dataplane.sock"

# The admin password: made once, kept with the rest of the state.
if [ ! -s "$STATE/admin-password" ]; then
	(umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$STATE/admin-password")
fi
PASSWORD=$(cat "$STATE/admin-password")
# Through a 0600 file rather than the command line, which `ps` shows to everyone.
(umask 077 && printf 'admin-password = %s\n' "$PASSWORD" >"$STATE/controller.conf")

# TLS: the certificate names 127.0.0.1, localhost, the host and the listen address.
SCHEME=http
CURL_TLS=() CTL_TLS=() AGENT_TLS=() CACERT_LINE=""
if [ "$TLS" != 0 ]; then
	host=${LISTEN%:*}
	names=()
	case "$host" in 127.0.0.1 | 0.0.0.0 | localhost) ;; *) names=("$host") ;; esac
	"$(dirname "$0")/make-certs.sh" "$STATE/tls" "${names[@]}" >/dev/null || exit 1
	# The node endpoints want the node's own certificate (mutual TLS).
	"$(dirname "$0")/make-certs.sh" --node "$NODE" "$STATE/tls" >/dev/null || exit 1
	SCHEME=https
	CURL_TLS=(--cacert "$STATE/tls/ca.pem")
	CTL_TLS=(--tls-cert "$STATE/tls/server.pem" --tls-key "$STATE/tls/server-key.pem"
		--tls-client-ca "$STATE/tls/ca.pem")
	AGENT_TLS=(--cacert "$STATE/tls/ca.pem" --cert "$STATE/tls/node-$NODE.pem"
		--key "$STATE/tls/node-$NODE-key.pem")
	CACERT_LINE="export OS_CACERT=$STATE/tls/ca.pem"
fi
URL="$SCHEME://$LISTEN"

PIDS=()
stop() {
	local pid
	trap - INT TERM EXIT
	echo
	echo "allinone: stopping"
	# The veths of the agent's ports: ask the dataplane which, before it goes.
	local taps
	taps=$("$BUILD/tools/virga/virga" --socket "$SOCK" --json dp port list 2>/dev/null |
		/usr/bin/python3 -c 'import json, sys
for p in json.load(sys.stdin):
    if p["name"].startswith("tap"):
        print("vg" + p["name"][3:])' 2>/dev/null)
	# Agent first (it would re-create what goes), then dataplane, then controller.
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for link in $taps; do ip link del "$link" 2>/dev/null; done
	rm -f "$SOCK"
	# DPDK's runtime directory (its --file-prefix is "virga-" and the --name).
	rm -rf /var/run/dpdk/virga-virga-allinone
	exit 0
}
trap stop INT TERM EXIT

echo "allinone: state in $STATE, logs in $STATE/*.log"
# Each in its own session: Ctrl-C reaches this script only, which stops
# them in order (and can still ask the dataplane which veths to remove).
setsid "$BUILD/api/virga-controller" --state-dir "$STATE" --listen "$LISTEN" \
	--config "$STATE/controller.conf" --gateway-node "$NODE" "${CTL_TLS[@]}" \
	>"$STATE/controller.out" 2>>"$STATE/controller.log" &
CTL=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "${CURL_TLS[@]}" "$URL/identity" && break
	kill -0 "$CTL" 2>/dev/null || { echo "allinone: controller failed:" >&2; tail "$STATE/controller.log" >&2; exit 1; }
	sleep 0.1
done

# The tiny guest as the image service's virga-tiny, once (as devstack uploads
# CirrOS): `openstack server create --image virga-tiny` needs no upload first.
GUEST="$BUILD/tools/guest/virga-tiny.qcow2"
if [ -f "$GUEST" ]; then
	(
		export OS_AUTH_URL=$URL/identity/v3 OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin \
			OS_PASSWORD=$PASSWORD OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
			OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
		[ -n "${CACERT_LINE:-}" ] && export OS_CACERT=$STATE/tls/ca.pem
		unset CURL_CA_BUNDLE REQUESTS_CA_BUNDLE
		if [ -z "$(/usr/bin/openstack image list --name virga-tiny -f value -c ID)" ]; then
			/usr/bin/openstack image create --file "$GUEST" --disk-format qcow2 \
				--container-format bare --public virga-tiny >/dev/null &&
				echo "allinone: image virga-tiny uploaded" >>"$STATE/controller.log"
		fi
	) || echo "allinone: could not upload virga-tiny (see $STATE/controller.log)" >&2
fi

rm -f "$SOCK"
# Adaptive polling: the all-in-one shares its CPUs with the controller, the
# agent and VMs; an idle dataplane does not hold a core.
setsid "$BUILD/dataplane/virga-dataplane" --socket "$SOCK" --name virga-allinone --idle-sleep 1000 \
	>>"$STATE/dataplane.log" 2>&1 &
DP=$!
for _ in $(seq 100); do
	[ -S "$SOCK" ] && break
	kill -0 "$DP" 2>/dev/null || { echo "allinone: dataplane failed:" >&2; tail "$STATE/dataplane.log" >&2; exit 1; }
	sleep 0.1
done

# $VIRGA_UPLINKS: "PHYSNET=IFACE ..." the provider uplinks (flat/VLAN and
# external networks), kernel interfaces the agent opens with af_packet.
UPLINK_ARGS=()
for u in ${VIRGA_UPLINKS:-}; do UPLINK_ARGS+=(--physnet-uplink "$u"); done
# $VIRGA_UNDERLAY and $VIRGA_TUNNEL_IP (ADDR/LEN): the VTEP, for VXLAN
# networks that reach other nodes (README, Many nodes).
if [ -n "${VIRGA_UNDERLAY:-}" ]; then
	UPLINK_ARGS+=(--underlay "$VIRGA_UNDERLAY" --tunnel-ip "${VIRGA_TUNNEL_IP:?VIRGA_UNDERLAY needs VIRGA_TUNNEL_IP=ADDR/LEN}")
fi
# VMs: libvirt's daemons (PID 1 may not be systemd: started here unless they
# run; left running, as a system service would be); the servers' disks and
# sockets in $STATE/node. VIRGA_COMPUTE=0 leaves compute off.
COMPUTE_ARGS=()
if [ "${VIRGA_COMPUTE:-1}" != 0 ]; then
	for d in virtlogd libvirtd; do pgrep -x "$d" >/dev/null || "$d" -d || echo "allinone: $d did not start" >&2; done
	COMPUTE_ARGS=(--libvirt qemu:///system --state-dir "$STATE/node")
fi
setsid "$BUILD/agents/virga-agent" --node "$NODE" --controller "$URL" "${AGENT_TLS[@]}" \
	--service-token-file "$STATE/service-token" --dp-socket "$SOCK" "${UPLINK_ARGS[@]}" \
	"${COMPUTE_ARGS[@]}" >>"$STATE/agent.log" 2>&1 &
AGENT=$!
PIDS=("$AGENT" "$DP" "$CTL")

cat <<EOF

Virga is running on node '$NODE'. Paste these into another shell:

export OS_AUTH_URL=$URL/identity/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$PASSWORD
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
$CACERT_LINE

images: virga-tiny (the test guest); flavors: m1.nano, m1.tiny, m1.small, m1.medium
try: openstack network create demo; openstack subnet create --network demo --subnet-range 10.0.0.0/24 demo-sub
     openstack port create --network demo --host $NODE p1; openstack port list   # ACTIVE once the dataplane has it: $BUILD/tools/virga/virga --socket $SOCK dp port list
     openstack server create --image virga-tiny --flavor m1.nano --network demo vm1; openstack console log show vm1

Ctrl-C stops all three.
EOF

# Any of the three dying ends the node: a half-running cloud only confuses.
wait -n "${PIDS[@]}"
echo "allinone: a process exited; see $STATE/*.log" >&2
stop
