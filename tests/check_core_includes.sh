#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# dataplane/core/ is the ground floor (DESIGN.md, "The dataplane"): logging,
# drop reasons, node helpers, tables, memory, the trace. Its files include
# each other, pkt/ (frame helpers that include nothing of ours but pkt/), and
# system or DPDK headers: never l2/, l3/, port/, engine/ or anything else
# built on top of it. This fails, naming each offending line, when that stops
# being true.
#
#   check_core_includes.sh DATAPLANE_DIR
set -u

dir=${1:?usage: $0 DATAPLANE_DIR}
bad=0

fail() {
	echo "$1: $2" >&2
	bad=1
}

# check_dir DIR ALLOWED_PREFIX...: every include of DIR's files names a file of DIR
# itself or of an allowed directory.
check_dir() {
	local d=$1 f loc line path
	shift
	[ -d "$dir/$d" ] || { fail "$dir/$d" "no such directory"; return; }
	for f in "$dir/$d"/*.[ch]; do
		[ -e "$f" ] || continue
		while IFS= read -r loc; do
			line=${loc#*:}
			path=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$line")
			case $line in
			*'"'*)
				# Without a directory it must be a neighbour: otherwise the include
				# path would find it somewhere above.
				if [[ $path != */* ]]; then
					[ -e "$dir/$d/$path" ] ||
						fail "$f:${loc%%:*}" "$path is not in $d/"
					continue
				fi ;;
			*)
				# <...> of ours (found through -I dataplane) counts the same.
				[ -e "$dir/$path" ] || continue ;;
			esac
			local ok=0 p
			for p in "$@"; do
				[[ $path == "$p"/* ]] && ok=1
			done
			[ $ok = 1 ] || fail "$f:${loc%%:*}" "includes $path"
		done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$f")
	done
}

check_dir core core pkt
# What core may include must not lead back up either.
[ -d "$dir/pkt" ] && check_dir pkt pkt

if [ $bad != 0 ]; then
	echo "dataplane/core/ includes nothing from l2/, l3/, port/ or above (DESIGN.md)" >&2
	exit 1
fi
echo "core/ includes only core/ and pkt/"
