#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A fixed subset of tempest (tools/conformance/run.sh) that passes: fails on
# any failure, any skip, or fewer tests than EXPECTED passing (a test that
# vanished, or a class whose setup broke, counts). The full run is
# `make conformance`.
set -euo pipefail
: "${VIRGA_CONTROLLER:?VIRGA_CONTROLLER must point at the virga-controller binary}"
BUILD=$(cd "$(dirname "$VIRGA_CONTROLLER")/.." && pwd)
REPO=$(cd "$(dirname "$0")/../.." && pwd)
REGEX='^tempest\.api\.identity\.(admin\.v3\.(test_roles|test_credentials|test_policies|test_endpoint_groups|test_regions|test_project_tags|test_oauth_consumers|test_application_credentials)|v3\.(test_application_credentials|test_access_rules|test_ec2_credentials))\.'
EXPECTED=43

out=$("$REPO/tools/conformance/run.sh" "$BUILD" "$REGEX" 2>&1) || { echo "$out"; echo "FAIL: tempest failed" >&2; exit 1; }
echo "$out" | tail -3
line=$(echo "$out" | grep '^identity ') || { echo "FAIL: no identity counts" >&2; exit 1; }
read -r _ _ ran _ passed _ failed _ skipped <<<"$line"
[ "$failed" = 0 ] || { echo "FAIL: $failed failed" >&2; exit 1; }
[ "$skipped" = 0 ] || { echo "FAIL: $skipped skipped" >&2; exit 1; }
[ "$passed" -ge "$EXPECTED" ] || { echo "FAIL: $passed passed of $EXPECTED expected ($ran ran)" >&2; exit 1; }
echo "ok: $passed tempest tests passed, none failed or skipped"
