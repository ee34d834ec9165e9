#!/usr/bin/env bash
# make bench-compare's merger (scripts/bench/before_after.sh): one build
# against itself gives every packet kind, a number for each side, and the
# usage errors are errors.  Structure only, no timing: a tiny repeat count.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

need_root || exit 0
BUILD=${BUILD:-build}
BA=scripts/bench/before_after.sh
if [ ! -x "$BUILD/bench/progbench" ] || [ ! -e "$BUILD/bench/null.bpf.o" ]; then
	t_skip "$(t_suite)" "$BUILD/bench/progbench not built (make bench-tools)"
	exit 0
fi
TMP=$(mktemp -d /tmp/vxba.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

if PB_ROUNDS=1 PB_REPEAT=20 "$BA" "$BUILD" "$BUILD" "$TMP/o.json" 2 >"$TMP/table" 2>"$TMP/err"; then
	t_pass before_after_runs
else
	t_fail before_after_runs "$(tail -3 "$TMP/err")"
fi
"$BUILD/bench/progbench" compare --null "$BUILD/bench/null.bpf.o" --rounds 1 \
	--repeat 10 --json "$TMP/pb.json" >/dev/null 2>&1
want=$(jq '.packets | length' "$TMP/pb.json" 2>/dev/null)
got=$(jq '.kinds | length' "$TMP/o.json" 2>/dev/null)
if [ -n "$want" ] && [ "$want" -gt 0 ]; then
	t_eq before_after_every_kind "$got" "$want"
else
	t_fail before_after_every_kind "progbench listed no packets"
fi
bad=$(jq -r '[.kinds[] | select((.before_added_ns | type) != "number" or
	(.after_added_ns | type) != "number") | .name] | join(",")' "$TMP/o.json" 2>/dev/null)
t_eq before_after_numbers_both_sides "${bad-unreadable}" ""
t_eq before_after_alternations "$(jq .alternations "$TMP/o.json" 2>/dev/null)" 2
rows=$(grep -c '^v[46]_\|^vlan_' "$TMP/table")
t_eq before_after_table_rows "$rows" "$want"

# Usage errors: a build without progbench, a bad count.
if "$BA" "$TMP/none" "$BUILD" "$TMP/x.json" 1 2>"$TMP/e1"; then
	t_fail before_after_missing_build "accepted a build with no progbench"
else
	grep -q "progbench missing" "$TMP/e1" && t_pass before_after_missing_build ||
		t_fail before_after_missing_build "$(cat "$TMP/e1")"
fi
if "$BA" "$BUILD" "$BUILD" "$TMP/x.json" 0 2>"$TMP/e2"; then
	t_fail before_after_bad_count "accepted 0 alternations"
else
	grep -q "1..99" "$TMP/e2" && t_pass before_after_bad_count ||
		t_fail before_after_bad_count "$(cat "$TMP/e2")"
fi
