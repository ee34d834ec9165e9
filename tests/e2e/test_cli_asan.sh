#!/usr/bin/env bash
# The command-line suite again, against the AddressSanitizer + UBSan build
# of vpnxdp: every error path and the attach/detach cycle, checked for
# memory errors, leaks and undefined behaviour.  A sanitizer report makes the
# command exit non-zero (and print to stderr), which the suite's exact exit
# code checks catch.
cd "$(dirname "$0")/../.." || exit 1
export VPNXDP=$PWD/build/asan/vpnxdp
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=99}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
[ -x "$VPNXDP" ] || { echo "FAIL asan_binary: $VPNXDP not built (make asan)"; exit 1; }
tests/e2e/test_cli.sh | sed 's/^\(PASS\|FAIL\) /\1 asan_/'
exit "${PIPESTATUS[0]}"
