#!/usr/bin/env bash
# Short libFuzzer run of replay's link-layer conversion (PPP, HDLC, cooked,
# loopback, raw IP) and its flow parse of cut and oversized frames (make
# check); `make fuzz` runs it longer.  FUZZ_SECONDS overrides the duration.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
secs=${FUZZ_SECONDS:-15}
bin=build/fuzz/fuzz_capture
if ! make --no-print-directory -s "$bin" >/dev/null 2>build/fuzz_capture_build.log; then
	if ! clang -fsanitize=fuzzer -x c /dev/null -o /dev/null 2>/dev/null; then
		t_skip fuzz_capture "clang has no libFuzzer here"
		exit 0
	fi
	t_fail fuzz_capture_build "$(tail -3 build/fuzz_capture_build.log | tr '\n' ' ')"
	exit 1
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: an IPv4 UDP frame under PPP (selector 8) and Cisco HDLC (10),
# whole and cut by 70000 bytes.
/usr/bin/python3 - "$corpus" <<'PY'
import struct, sys
ip = bytes.fromhex("45000024000100004011000ac0000201c0000202") + bytes.fromhex("9c4001bb0010000001000000")
for name, sel, link in (("ppp", 8, b"\xff\x03\x00\x21"), ("chdlc", 10, b"\x0f\x00\x08\x00")):
    for cut in (0, 70000):
        open("%s/%s_%d" % (sys.argv[1], name, cut), "wb").write(bytes([sel]) + struct.pack("<I", cut) + link + ip)
PY
mkdir -p build/fuzz/artifacts
out=$("$bin" -max_total_time="$secs" -max_len=4096 -timeout=5 -print_final_stats=1 \
	-artifact_prefix=build/fuzz/artifacts/ "$corpus" 2>&1)
rc=$?
runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
if [ $rc -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 1000 ]; then
	t_pass "fuzz_capture_${secs}s ($runs inputs)"
else
	t_fail fuzz_capture "exit $rc after ${runs:-0} inputs: $(echo "$out" | grep -m3 -E 'ERROR|SUMMARY|abort' | tr '\n' ' ')"
	exit 1
fi
