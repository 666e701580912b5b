#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The private PostgreSQL cluster the store's second backend will be tested
# on (controlplane/db/db.h, "Backends"; tests/lib/pg_cluster.sh): it starts
# as an unprivileged user on a Unix socket alone, holds the objects' JSON as
# jsonb with an expression index that a lookup by attribute uses, as the
# backend plans, and leaves no server behind when stopped.
set -euo pipefail
. "$(dirname "$0")/../lib/pg_cluster.sh"

DIR=$(mktemp -d /tmp/virga-pg-test.XXXXXX)
trap 'pg_cluster_stop; rm -rf "$DIR"' EXIT

fail() {
	echo "FAIL: $*" >&2
	[ -f "$DIR/postgres.log" ] && tail -n 20 "$DIR/postgres.log" >&2
	exit 1
}

sql() {
	psql "$PG_URL" -X -q -v ON_ERROR_STOP=1 -tA -c "$1"
}

pg_cluster_start "$DIR" || fail "the private cluster did not start"
[ "$(sql 'SELECT 1')" = 1 ] || fail "no answer on $PG_SOCKET"
echo "ok: the cluster answers on its Unix socket"

[ "$(sql 'SHOW listen_addresses')" = "" ] || fail "it listens on TCP"
pid=$(pg_cluster_pid) || fail "no pid file"
[ "$(stat -c %u "/proc/$pid")" != 0 ] || fail "the server runs as root"
echo "ok: it runs unprivileged and listens on no TCP port"

sql "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, body JSONB NOT NULL,
	PRIMARY KEY (kind, id));
	CREATE INDEX objects_port_device ON objects ((body->>'device_id')) WHERE kind = 'port';
	INSERT INTO objects SELECT 'port', 'p' || i,
		jsonb_build_object('id', 'p' || i, 'device_id', 'd' || (i % 500))
		FROM generate_series(1, 5000) AS i;
	ANALYZE objects;" >/dev/null || fail "the jsonb schema was refused"
[ "$(sql "SELECT count(*) FROM objects WHERE kind = 'port' AND body->>'device_id' = 'd7'")" = 10 ] ||
	fail "the lookup by device_id found the wrong rows"
plan=$(sql "EXPLAIN SELECT body FROM objects WHERE kind = 'port' AND body->>'device_id' = 'd7'")
grep -E 'Index.*objects_port_device' <<<"$plan" >/dev/null ||
	fail "the lookup reads the table rather than the expression index: $plan"
echo "ok: a lookup by a JSON attribute uses its expression index"

# Running: its /proc entry is there and not a zombie (the server is not our
# child, and whoever reaps it may not have yet).
running() {
	[ -d "/proc/$1" ] && ! grep -E '^State:[[:space:]]+Z' "/proc/$1/status" >/dev/null 2>&1
}

pg_cluster_stop
! running "$pid" || fail "the server $pid is still running after pg_cluster_stop"
[ ! -e "$PG_SOCKET/.s.PGSQL.5432" ] || fail "its socket is left behind"
echo "ok: stopped, no server and no socket left"
