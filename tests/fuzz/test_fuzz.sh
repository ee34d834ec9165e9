#!/usr/bin/env bash
# Short libFuzzer run of the userspace classifier (make check); `make fuzz`
# runs it longer.  FUZZ_SECONDS overrides the duration.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
secs=${FUZZ_SECONDS:-20}
bin=build/fuzz/fuzz_classify
if ! make --no-print-directory -s "$bin" >/dev/null 2>build/fuzz_build.log; then
	if grep -q "fsanitize=fuzzer" build/fuzz_build.log 2>/dev/null &&
	   ! clang -fsanitize=fuzzer -x c /dev/null -o /dev/null 2>/dev/null; then
		t_skip fuzz "clang has no libFuzzer here"
		exit 0
	fi
	t_fail fuzz_build "$(tail -3 build/fuzz_build.log | tr '\n' ' ')"
	exit 1
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# seeds: the shared captures' frames are not needed (the classifier's
# early checks are shallow); the crafted tunnelled frames are, for the
# tunnel parsers behind them (VX_FUZZ_SEEDS: the fuzzer writes them)
# a crashing input is kept under build/fuzz/ (not in the work tree)
mkdir -p build/fuzz/artifacts
out=$(VX_FUZZ_SEEDS=$corpus "$bin" -max_total_time="$secs" -max_len=2048 -timeout=5 -print_final_stats=1 \
	-artifact_prefix=build/fuzz/artifacts/ "$corpus" 2>&1)
rc=$?
runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
if [ $rc -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 1000 ]; then
	t_pass "fuzz_classify_${secs}s ($runs inputs)"
else
	t_fail fuzz_classify "exit $rc after ${runs:-0} inputs: $(echo "$out" | grep -m3 -E 'ERROR|SUMMARY|abort' | tr '\n' ' ')"
	exit 1
fi
