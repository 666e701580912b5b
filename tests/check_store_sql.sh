#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The store (controlplane/db/) is the only code that speaks SQL (DESIGN.md,
# "The control plane"; controlplane/db/db.h): everything else calls its
# named functions, so that a second backend can sit behind them. This fails,
# naming each offending line, when a file of controlplane/ (outside db/),
# api/, agents/ or tools/ includes sqlite3.h or the store's SQLite side
# (sql.h), names a sqlite3 type, function or constant, calls the store's
# statement functions, or carries SQL text.
#
#   check_store_sql.sh SOURCE_ROOT
set -u

root=${1:?usage: $0 SOURCE_ROOT}
bad=0

# One pattern a rule: what it finds, and what to say of it.
rules=(
	'sqlite3|SQLITE_[A-Z]'
	'names SQLite'
	'#[[:space:]]*include[[:space:]]*"([^"]*/)?sql\.h"'
	"includes the store's SQLite side"
	'\<cp_db_(prepare|finish|exec|run|handle|migrate)\>'
	"calls the store's statement functions"
	'"[^"]*\<(SELECT\>.*\<FROM|INSERT[[:space:]]+(OR[[:space:]]+[A-Z]+[[:space:]]+)?INTO|DELETE[[:space:]]+FROM|UPDATE[[:space:]]+[a-z_]+[[:space:]]+SET|json_extract\()'
	'holds SQL'
)

dirs=()
for d in controlplane api agents tools; do
	[ -d "$root/$d" ] && dirs+=("$root/$d")
done
if [ ${#dirs[@]} = 0 ]; then
	echo "$root: none of controlplane/ api/ agents/ tools/" >&2
	exit 1
fi

for ((i = 0; i < ${#rules[@]}; i += 2)); do
	while IFS= read -r hit; do
		case $hit in "$root"/controlplane/db/*) continue ;; esac
		file=${hit%%:*}
		rest=${hit#*:}
		echo "$file:${rest%%:*}: ${rules[i + 1]}" >&2
		bad=1
	done < <(grep -rn -E --include='*.[ch]' "${rules[i]}" "${dirs[@]}")
done

if [ $bad != 0 ]; then
	echo "SQL stays behind the store's functions in controlplane/db/ (db.h, store.h)" >&2
	exit 1
fi
echo "no SQL outside controlplane/db/"
