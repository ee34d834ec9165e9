#!/usr/bin/env bash
# Short libFuzzer runs of the policy parsers, text and JSON (make check);
# `make fuzz` runs them longer.  FUZZ_SECONDS sets the time per parser.
# Seeds: the examples of vpnxdp-policy(5) in both forms.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
secs=${FUZZ_SECONDS:-15}
B=${BUILD:-build}
if ! clang -fsanitize=fuzzer -x c - -o /dev/null <<<'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' 2>/dev/null; then
	t_skip "$(t_suite)" "clang has no libFuzzer here"
	exit 0
fi
if ! make --no-print-directory -s "$B/fuzz/fuzz_policy_text" "$B/fuzz/fuzz_policy_json" >"$B/fuzz_policy_build.log" 2>&1; then
	t_fail fuzz_policy_build "$(tail -3 "$B/fuzz_policy_build.log")"
	exit 1
fi
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/text" "$corpus/json"
printf 'pptp drop\nl2tp drop\nike pass from 198.51.100.0/24, 2001:db8:10::/48\nike drop\nwireguard count rate 200/s burst 400\nsignature openvpn udp 1195-1196\nsignature sstp tcp 443 enable\n' >"$corpus/text/issue"
printf 'sstp disable\nsignature openvpn udp 1194 remove\nsignature esp ip 50 disable\nsignature wireguard ip 99\nopenvpn count from ::/0 rate 1/s\n' >"$corpus/text/states"
printf '# c\r\n\tpptp\tdrop # x\r\n' >"$corpus/text/blank"
printf '{"version":1,"classes":{"ike":{"rules":[{"action":"pass","from":["198.51.100.0/24","2001:db8:10::/48"]},{"action":"drop"}]},"wireguard":{"rules":[{"action":"count","rate":200,"burst":400}]},"sstp":{"disabled":true}},"signatures":[{"class":"openvpn","transport":"udp","port":1195,"port_end":1196},{"class":"esp","transport":"ip","protocol":50,"state":"disable"}]}' >"$corpus/json/issue"
for f in text json; do
	mkdir -p "$B/fuzz/artifacts"
	out=$("$B/fuzz/fuzz_policy_$f" -max_total_time="$secs" -max_len=4096 -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$B/fuzz/artifacts/" "$corpus/$f" 2>&1)
	rc=$?
	runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
	if [ $rc -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 1000 ]; then
		t_pass "fuzz_policy_${f}_${secs}s"
		echo "# fuzz_policy_$f: $runs inputs in ${secs}s"
	else
		t_fail "fuzz_policy_$f" "exit $rc after ${runs:-0} inputs: $(echo "$out" | grep -m3 -E 'ERROR|SUMMARY|abort|round trip|rejected' | tr '\n' ' ')"
	fi
done
