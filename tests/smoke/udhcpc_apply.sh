#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# udhcpc's script for a test namespace: writes the lease's variables to
# $UDHCPC_ENV.EVENT for the test to read, then applies the lease with the
# guest image's own script (tools/guest/udhcpc.script), so both are tested.
[ -n "${UDHCPC_ENV:-}" ] && env | grep -E '^(ip|mask|subnet|router|dns|domain|hostname|mtu|lease|serverid|staticroutes)=' >"$UDHCPC_ENV.$1"
exec "$(dirname "$0")/../../tools/guest/udhcpc.script" "$@"
