#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prints the closing line of a test run, "N passed, N failed", from meson's
# machine-readable log, so CI sees a count whatever the runner's own format.
log="${1:-build}/meson-logs/testlog.json"
[ -f "$log" ] || { echo "0 passed, 0 failed"; exit 0; }
passed=$(grep -c '"result": "OK"' "$log")
failed=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
skipped=$(grep -c '"result": "SKIP"' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
