#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# OpenStack conformance (`make conformance`): tempest's identity and network
# API suites against a fresh controller, counted per service.
#
#   tools/conformance/run.sh BUILD_DIR [REGEX]
#
# The controller gets its own state dir and port in a temporary workspace,
# tempest.conf is written from what it serves (tempest_conf.py), and
# `tempest run` goes over REGEX (default: tempest.api.identity and
# tempest.api.network) with concurrency 2 ($TEMPEST_CONCURRENCY). Prints
# ran/passed/failed/skipped per service and every failure and skip with its
# reason. $CONFORMANCE_KEEP=1 keeps the workspace (tempest.log) for reading.
# Exits 0 when no test failed.
set -euo pipefail

BUILD=${1:?usage: tools/conformance/run.sh BUILD_DIR [REGEX]}
REGEX=${2:-'^tempest\.api\.(identity|network)\.'}
HERE=$(cd "$(dirname "$0")" && pwd)
CONTROLLER=$(cd "$BUILD" && pwd)/api/virga-controller
PY=/usr/bin/python3
[ -x "$CONTROLLER" ] || { echo "conformance: $CONTROLLER is missing: build first" >&2; exit 2; }
command -v tempest >/dev/null || { echo "conformance: tempest is missing (make deps)" >&2; exit 2; }

WS=$(mktemp -d /tmp/virga-conformance.XXXXXX)
PID=""
cleanup() {
	if [ -n "$PID" ]; then
		kill "$PID" 2>/dev/null || true
		wait "$PID" 2>/dev/null || true
	fi
	if [ "${CONFORMANCE_KEEP:-0}" = 1 ]; then
		echo "conformance: workspace kept in $WS"
	else
		rm -rf "$WS"
	fi
}
trap cleanup EXIT

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
PASSWORD="admin-$$-$RANDOM"
URL="http://127.0.0.1:$PORT"
mkdir -p "$WS/logs" "$WS/locks"
# The password through a 0600 file, not the command line.
(umask 077 && printf 'admin-password = %s\n' "$PASSWORD" >"$WS/controller.conf")
# The compute node tempest_conf.py registers reports once: a down time
# longer than the run keeps it up.
"$CONTROLLER" --state-dir "$WS/state" --listen "127.0.0.1:$PORT" --config "$WS/controller.conf" \
	--agent-down-time 86400 \
	>"$WS/logs/controller.out" 2>"$WS/logs/controller.err" &
PID=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "$URL/identity" && break
	kill -0 "$PID" 2>/dev/null || { echo "conformance: controller exited:" >&2; cat "$WS/logs/controller.err" >&2; exit 1; }
	sleep 0.1
done

"$PY" "$HERE/tempest_conf.py" "$URL" "$PASSWORD" "$WS" >"$WS/tempest.conf"
cd "$WS"
# The stestr repository `tempest run` keeps its results in (it makes the
# .stestr.conf itself, but listing wants the repository first).
tempest run --config-file "$WS/tempest.conf" --regex '^$' --list-tests >/dev/null 2>&1 || true
stestr init >/dev/null
tempest run --config-file "$WS/tempest.conf" --regex "$REGEX" --list-tests 2>/dev/null |
	grep '^tempest\.' >"$WS/listed.txt" || true
echo "conformance: $(wc -l <"$WS/listed.txt") tests, concurrency ${TEMPEST_CONCURRENCY:-2}, workspace $WS"
rc=0
tempest run --config-file "$WS/tempest.conf" --regex "$REGEX" \
	--concurrency "${TEMPEST_CONCURRENCY:-2}" >"$WS/logs/run.out" 2>&1 || rc=$?
stestr last --subunit 2>/dev/null | "$PY" "$HERE/summary.py" "$WS/listed.txt" "$WS/details.txt" \
	>"$WS/counts.txt"
echo
sed 's/^/  /' "$WS/details.txt"
echo
echo "tempest (tools/conformance/run.sh, concurrency ${TEMPEST_CONCURRENCY:-2}):"
cat "$WS/counts.txt"
exit "$rc"
