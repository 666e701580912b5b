# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the API tests: start a private controller on a free
# loopback port with its own state dir, run the real openstack CLI and curl
# against it, and clean everything up on exit, failure included.
# Source after `set -euo pipefail`. Needs VIRGA_CONTROLLER (set by meson).

: "${VIRGA_CONTROLLER:?VIRGA_CONTROLLER must point at the virga-controller binary}"
OS_CLI=/usr/bin/openstack
PY=/usr/bin/python3 # Debian's: a pyenv python3 on PATH cannot see its packages

T_DIR=$(mktemp -d /tmp/virga-api-test.XXXXXX)
T_PID=""
T_PORT=""
T_ADMIN_PW="admin-$$-pw"
# https for a controller started with --tls-cert (curl then needs the CA:
# CURL_CA_BUNDLE, which the openstack CLI's requests honours as well).
T_SCHEME=${T_SCHEME:-http}

t_cleanup() {
	if [ -n "$T_PID" ] && kill -0 "$T_PID" 2>/dev/null; then
		kill "$T_PID" 2>/dev/null || true
		wait "$T_PID" 2>/dev/null || true
	fi
	rm -rf "$T_DIR"
}
trap t_cleanup EXIT
# A command that stops the test under set -e says which (the fail() calls say more).
trap 'rc=$?; [[ $- == *e* ]] && echo "FAIL: $(basename "$0") line $LINENO: $BASH_COMMAND (exit $rc)"' ERR

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$T_DIR/controller.err" ]; then
		echo "--- controller stderr (tail) ---" >&2
		tail -n 20 "$T_DIR/controller.err" >&2
	fi
	exit 1
}

pass() {
	echo "ok: $*"
}

# refuses_to_start WHAT MESSAGE ARG...: the controller, given ARG... (beside
# a state dir, a free port and a password of its own), exits at start and
# its stderr says MESSAGE.
refuses_to_start() {
	local what=$1 message=$2 err
	shift 2
	err="$T_DIR/refused.$RANDOM.err"
	if timeout 10 "$VIRGA_CONTROLLER" --state-dir "$T_DIR/refused-state.$RANDOM" \
		--listen "127.0.0.1:$(free_port)" --admin-password x "$@" >/dev/null 2>"$err"; then
		fail "the controller started with $what"
	fi
	grep -q -- "$message" "$err" || fail "no word on $what: $(cat "$err")"
	pass "$what: the controller does not start, and says why"
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_controller [extra args...]: (re)starts on $T_PORT with state in $T_DIR/state.
start_controller() {
	[ -n "$T_PORT" ] || T_PORT=$(free_port)
	"$VIRGA_CONTROLLER" --state-dir "$T_DIR/state" --listen "127.0.0.1:$T_PORT" \
		--admin-password "$T_ADMIN_PW" "$@" >"$T_DIR/controller.out" 2>>"$T_DIR/controller.err" &
	T_PID=$!
	for _ in $(seq 1 100); do
		if curl -s -o /dev/null "$T_SCHEME://127.0.0.1:$T_PORT/identity"; then
			break
		fi
		kill -0 "$T_PID" 2>/dev/null || fail "controller exited at start"
		sleep 0.05
	done
	curl -s -o /dev/null "$T_SCHEME://127.0.0.1:$T_PORT/identity" || fail "controller did not answer"
	T_URL="$T_SCHEME://127.0.0.1:$T_PORT"
	export OS_AUTH_URL="$T_URL/identity/v3" OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin \
		OS_PASSWORD="$T_ADMIN_PW" OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default \
		OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
	unset OS_CLOUD OS_TOKEN OS_AUTH_TYPE 2>/dev/null || true
}

kill9_controller() {
	kill -9 "$T_PID" 2>/dev/null || true
	wait "$T_PID" 2>/dev/null || true
	T_PID=""
}

# os ARGS...: the real openstack CLI as the current OS_* user.
os() {
	"$OS_CLI" "$@"
}

# jget JSON PYEXPR: evaluates a Python expression on the parsed JSON `j`.
jget() {
	"$PY" -c 'import json, sys; j = json.loads(sys.argv[1]); v = eval(sys.argv[2]); print(v if not isinstance(v, (dict, list)) else json.dumps(v))' "$1" "$2"
}

# token USER PASSWORD PROJECT: a project-scoped token via the REST API.
token() {
	local body
	body=$(printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"id":"default"}}}}}' "$1" "$2" "$3")
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$body" \
		"$T_URL/identity/v3/auth/tokens" | tr -d '\r' | awk 'tolower($1) == "x-subject-token:" {print $2}'
}

# new KIND BODY: a Keystone object made with the admin token $tok; prints its id.
new() {
	req POST "/identity/v3/$1s" "$tok" "{\"$1\": $2}"
	expect_status 201 "create $1 $2"
	jget "$R_BODY" "j['$1']['id']"
}

# member_token PROJECT USER PASSWORD: a new project and a new user who is its
# member (through the CLI); prints the user's token there.
member_token() {
	os project create "$1" >/dev/null && os user create --project "$1" --password "$3" "$2" >/dev/null &&
		os role add --project "$1" --user "$2" member && token "$2" "$3" "$1"
}

# req METHOD PATH TOKEN [BODY]: sets R_STATUS and R_BODY.
# member_p1: project p1 with member u1 (password pw-u1); sets M_TOK (u1's
# token on p1), M_UID and M_PID. as_u1 ARGS...: the CLI as u1 on p1.
member_p1() {
	M_TOK=$(member_token p1 u1 pw-u1)
	M_UID=$(os user show u1 -f value -c id)
	M_PID=$(os project show p1 -f value -c id)
}
as_u1() {
	OS_USERNAME=u1 OS_PASSWORD=pw-u1 OS_PROJECT_NAME=p1 os "$@"
}
req() {
	local method=$1 path=$2 tok=$3 body=${4-}
	local out="$T_DIR/resp.$$"
	if [ "$method" = HEAD ]; then # curl -X HEAD would wait for a body
		R_STATUS=$(curl -s -o "$out" -w '%{http_code}' --head -H "X-Auth-Token: $tok" "$T_URL$path")
	elif [ -n "$body" ]; then
		R_STATUS=$(curl -s -o "$out" -w '%{http_code}' -X "$method" -H "X-Auth-Token: $tok" \
			-H 'Content-Type: application/json' --data-binary "$body" "$T_URL$path")
	else
		R_STATUS=$(curl -s -o "$out" -w '%{http_code}' -X "$method" -H "X-Auth-Token: $tok" "$T_URL$path")
	fi
	R_BODY=$(cat "$out")
}

expect_status() {
	[ "$R_STATUS" = "$1" ] || fail "$2: expected HTTP $1, got $R_STATUS: $R_BODY"
}

# expect_neutron_error STATUS WHAT: status and {"NeutronError": {type, message, detail}}.
expect_neutron_error() {
	expect_status "$1" "$2"
	[ "$(jget "$R_BODY" 'sorted(j["NeutronError"].keys())')" = '["detail", "message", "type"]' ] ||
		fail "$2: not a NeutronError body: $R_BODY"
}

# expect_keystone_error STATUS WHAT: {"error": {code, title, message}} with code == status.
expect_keystone_error() {
	expect_status "$1" "$2"
	[ "$(jget "$R_BODY" 'j["error"]["code"]')" = "$1" ] || fail "$2: not a Keystone error body: $R_BODY"
	[ -n "$(jget "$R_BODY" 'j["error"]["title"] and j["error"]["message"]')" ] || fail "$2: empty title/message"
}

# revision: the database's global revision (moves with every committed write).
revision() {
	sqlite3 "$T_DIR/state/virga.db" "SELECT value FROM meta WHERE key='revision'"
}

# count COLLECTION_PATH KEY TOKEN: number of items in a list response.
count() {
	req GET "$1" "$3"
	expect_status 200 "list $1"
	jget "$R_BODY" "len(j['$2'])"
}
