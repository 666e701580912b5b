# SPDX-License-Identifier: Apache-2.0
# A private PostgreSQL cluster for one test: Debian's initdb and pg_ctl
# (make deps installs postgresql) in a directory of the test's own,
# listening on a Unix socket there and on no TCP port, so that two tests,
# or a test and a system PostgreSQL, never meet. initdb refuses root: run
# as root, the cluster runs as nobody. The caller's EXIT trap calls
# pg_cluster_stop, so that a failed test leaves no server behind.
#
#   . tests/lib/pg_cluster.sh
#   pg_cluster_start DIR   # DIR: the test's own temporary directory
#   psql "$PG_URL" ...     # database "virga", user "virga", over the socket
#   pg_cluster_stop        # from the caller's EXIT trap
PG_BIN=""
PG_DATA=""
PG_SOCKET=""
PG_URL=""
PG_AS=()

# The directory of initdb and pg_ctl: libpq-dev's pg_config says where
# Debian put them (/usr/lib/postgresql/N/bin, not on PATH).
pg_cluster_bin() {
	local d
	for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

pg_cluster_start() {
	local dir=${1:?usage: pg_cluster_start DIR}

	if ! PG_BIN=$(pg_cluster_bin); then
		echo "pg_cluster: no initdb and pg_ctl (make deps installs postgresql)" >&2
		return 1
	fi
	PG_DATA=$dir/pgdata
	PG_SOCKET=$dir/pgsocket
	mkdir -p "$PG_SOCKET"
	if [ "$(id -u)" = 0 ]; then
		PG_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
		chown nobody:nogroup "$dir" "$PG_SOCKET"
	fi
	if ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U virga --auth=trust -E UTF8 \
		--no-sync >"$dir/initdb.log" 2>&1; then
		echo "pg_cluster: initdb failed:" >&2
		tail -n 20 "$dir/initdb.log" >&2
		return 1
	fi
	if ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -w -t 30 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_SOCKET'" \
		start >/dev/null; then
		echo "pg_cluster: the server did not start:" >&2
		tail -n 20 "$dir/postgres.log" >&2
		return 1
	fi
	"$PG_BIN/createdb" -h "$PG_SOCKET" -U virga virga || return 1
	PG_URL="postgresql:///virga?host=$PG_SOCKET&user=virga"
}

# The server's process id, from the pid file pg_ctl's server writes.
pg_cluster_pid() {
	[ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ] && head -n 1 "$PG_DATA/postmaster.pid"
}

pg_cluster_stop() {
	local pid

	[ -n "$PG_DATA" ] || return 0
	pid=$(pg_cluster_pid) || return 0
	if ! "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
}
