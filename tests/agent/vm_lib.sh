# SPDX-License-Identifier: Apache-2.0
# For the agent tests that boot VMs (after lib.sh): libvirtd started when it
# is not running (PID 1 is not systemd here) and stopped again if the test
# started it; every domain of the test's servers destroyed and undefined at
# exit; and waits on a server's status and console through the API.

VM_IDS=()          # server ids whose domains the cleanup removes
VM_LIBVIRTD_PIDS=() # daemons this test started

vm_cleanup() {
	local id
	for id in "${VM_IDS[@]}"; do
		virsh -c qemu:///system destroy "virga-$id" >/dev/null 2>&1
		virsh -c qemu:///system undefine "virga-$id" >/dev/null 2>&1
	done
	for id in "${VM_LIBVIRTD_PIDS[@]}"; do kill "$id" 2>/dev/null; done
	# Gone before the next test looks: a libvirtd still shutting down is
	# found by start_libvirtd's pgrep, which then waits for it in vain.
	for id in "${VM_LIBVIRTD_PIDS[@]}"; do
		for _ in $(seq 100); do kill -0 "$id" 2>/dev/null || break; sleep 0.1; done
	done
}
A_EXIT_HOOKS+=(vm_cleanup)

# start_libvirtd: libvirtd and virtlogd (the serial console's file), each
# started unless it runs; then libvirt answers.
start_libvirtd() {
	chmod 0711 "$A_DIR" # QEMU runs as libvirt-qemu: it must reach the instances below

	local d
	for d in virtlogd libvirtd; do
		pgrep -x "$d" >/dev/null && continue
		"$d" -d || return 1
		VM_LIBVIRTD_PIDS+=("$(pgrep -x -n "$d")")
	done
	for _ in $(seq 50); do
		virsh -c qemu:///system version >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	virsh -c qemu:///system version
}

# vm_start: a controller, a dataplane and an agent that runs servers
# (libvirtd started), and the tiny guest's image in the image service as
# "tiny", public.
vm_start() {
	GUEST="$BUILD/tools/guest/virga-tiny.qcow2"
	[ -f "$GUEST" ] || die "no guest image $GUEST (ninja -C build guest)"
	start_libvirtd || die "libvirtd did not start"
	start_controller
	start_dataplane
	start_agent --libvirt qemu:///system --state-dir "$A_DIR/node"
	os image create --file "$GUEST" --disk-format qcow2 --container-format bare --public tiny \
		>/dev/null || die "image create"
}

# api_field PATH KEY FIELD: one attribute of the object KEY that PATH
# answers, through the REST API (the CLI is too slow to poll with).
api_field() {
	curl -s -H "X-Auth-Token: $(admin_token)" "$A_URL$1" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]][sys.argv[2]])' "$2" "$3"
}

# server_field ID FIELD: one attribute of a server.
server_field() { api_field "/compute/v2.1/servers/$1" server "$2"; }

# wait_server ID STATUS SECONDS
wait_server() {
	local end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ "$(server_field "$1" status 2>/dev/null)" = "$2" ] && return 0
		sleep 0.5
	done
	echo "server $1: status $(server_field "$1" status 2>&1), fault $(server_field "$1" fault 2>&1)"
	return 1
}

# wait_server_gone ID SECONDS: the API answers 404 for it.
wait_server_gone() {
	local end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		[ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $(admin_token)" \
			"$A_URL/compute/v2.1/servers/$1")" = 404 ] && return 0
		sleep 0.5
	done
	return 1
}

# console_shows ID TEXT SECONDS: `openstack console log show` has the text.
console_shows() {
	local end=$(($(date +%s) + $3))
	while [ "$(date +%s)" -lt "$end" ]; do
		"$OS_CLI" console log show "$1" 2>/dev/null | grep -qF "$2" && return 0
		sleep 1
	done
	echo "console of $1 (last lines):"
	"$OS_CLI" console log show "$1" 2>&1 | tail -5
	return 1
}

# console_count ID TEXT: how many console lines have the text.
console_count() { "$OS_CLI" console log show "$1" 2>/dev/null | grep -cF "$2"; }

# guest_hello NS IP NAME: the tiny guest's TCP server (port 7777) names the
# guest (its host name from the config drive) and echoes a line.
guest_hello() {
	ip netns exec "${TOPO_PREFIX}-$1" "$PY" - "$2" "$3" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 7777), timeout=5)
f = s.makefile("rwb")
banner = f.readline().decode().strip()
f.write(b"ping over vhost-user\n"); f.flush()
echo = f.readline().decode().strip()
sys.exit(0 if banner == "virga-guest " + sys.argv[2] and echo == "ping over vhost-user" else 1)
PY
}

# not COMMAND...: succeeds when the command fails.
not() { ! "$@"; }
