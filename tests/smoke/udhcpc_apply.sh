#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The script busybox udhcpc runs at each event (udhcpc -s): applies what the
# lease gives, as a distribution's default.script would (address, MTU, routes
# from option 121 else the router), and writes the lease's variables to
# $UDHCPC_ENV for the test to read.
[ -n "${UDHCPC_ENV:-}" ] && env | grep -E '^(ip|mask|subnet|router|dns|domain|hostname|mtu|lease|serverid|staticroutes)=' >"$UDHCPC_ENV.$1"
case "$1" in
deconfig)
	ip addr flush dev "$interface"
	;;
bound | renew)
	# replace, not flush and add: a renewal keeps its address, and with it the
	# neighbour cache (which losing the last address would flush).
	ip addr replace "$ip/${mask:-24}" dev "$interface"
	[ -n "${mtu:-}" ] && ip link set dev "$interface" mtu "$mtu"
	if [ -n "${staticroutes:-}" ]; then
		# RFC 3442: with classless routes the router option is ignored.
		set -- $staticroutes
		while [ $# -ge 2 ]; do
			ip route replace "$1" via "$2" dev "$interface"
			shift 2
		done
	elif [ -n "${router:-}" ]; then
		ip route replace default via "${router%% *}" dev "$interface"
	fi
	;;
esac
exit 0
