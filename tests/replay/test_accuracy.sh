#!/usr/bin/env bash
# Accuracy on the shared real captures: `vpnxdp replay --json` per capture,
# joined with truth.csv (tests/replay/accuracy.py), score table and one
# PASS/FAIL line per tier plus one for the per-flow packet and byte totals.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

PCAP=${VX_PCAP_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/pcap}
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
[ -f "$PCAP/truth.csv" ] || { t_skip accuracy "no shared captures at $PCAP (set VX_PCAP_DIR)"; exit 0; }
[ "$(id -u)" -eq 0 ] || { t_skip accuracy "needs root (BPF_PROG_TEST_RUN)"; exit 0; }
[ -x /usr/bin/python3 ] || { t_skip accuracy "needs /usr/bin/python3"; exit 0; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail=0
for cap in $(tail -n +2 "$PCAP/truth.csv" | cut -d, -f1 | sort -u); do
	if ! "$VPNXDP" replay --json "$PCAP/$cap" >"$TMP/$cap.json" 2>"$TMP/$cap.err"; then
		t_fail "accuracy_replay_$cap" "replay exit $?: $(head -c 300 "$TMP/$cap.err")"
		fail=1
	fi
done
[ $fail -eq 0 ] && t_pass accuracy_replay_runs
/usr/bin/python3 tests/replay/accuracy.py "$PCAP/truth.csv" "$TMP"
