# SPDX-License-Identifier: Apache-2.0
# The checks that smoke and agent tests count: each prints "ok - ..." or
# "not ok - ..." (with the command's output), and the test's exit trap prints
# "$PASSED passed, $FAILED failed". CHECK_OUT names a scratch file.
PASSED=0
FAILED=0

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local desc=$1
	shift
	if "$@" >"$CHECK_OUT" 2>&1; then
		echo "ok - $desc"
		PASSED=$((PASSED + 1))
	else
		echo "not ok - $desc"
		sed 's/^/    /' "$CHECK_OUT" | tail -15
		FAILED=$((FAILED + 1))
	fi
}

# check_fails DESCRIPTION COMMAND...: the command must fail.
check_fails() {
	local desc=$1
	shift
	if "$@" >"$CHECK_OUT" 2>&1; then
		echo "not ok - $desc (it succeeded)"
		sed 's/^/    /' "$CHECK_OUT" | tail -15
		FAILED=$((FAILED + 1))
	else
		echo "ok - $desc"
		PASSED=$((PASSED + 1))
	fi
}
