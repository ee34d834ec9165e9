#!/usr/bin/env bash
# Test runner (what `make check` calls):  tests/run.sh SUITE...
#
# A suite is an executable (run as is) or a .sh file (run with bash), run
# from the repository root under `timeout` ($TIMEOUT seconds each, default
# 600).  Its stdout+stderr go to build/test-logs/NAME.log and are echoed.
# Lines starting "PASS ", "FAIL ", "SKIP " are counted across all suites.
# A suite that exits non-zero without printing a FAIL line counts as one
# FAIL "NAME exited N"; one that prints no PASS/FAIL/SKIP line and exits 0
# counts as one FAIL "NAME ran no test".  After each suite, whatever it left
# running in its process group is terminated.
#
# The last line is "N passed, N failed" (", N skipped" when any were
# skipped).  Exit status 0 iff nothing failed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$ROOT" || exit 2
TIMEOUT=${TIMEOUT:-600}
LOGDIR=${TEST_LOGDIR:-${BUILD:-build}/test-logs}
mkdir -p "$LOGDIR" || exit 2

total_pass=0 total_fail=0 total_skip=0
summary=()

# A suite's display name: its path without a leading build/ and without .sh;
# the log name is that with '/' turned into '_' (the plain and ASan builds
# of one test keep separate logs).
suite_name() {
	local n=$1
	n=${n#./}
	n=${n#"$ROOT"/}
	n=${n#build/}
	printf '%s' "${n%.sh}"
}

count() { # REGEX FILE
	grep -cE "$1" "$2" 2>/dev/null || true
}

run_suite() {
	local s=$1 name log pid rc t0 t1 p f k extra=""
	name=$(suite_name "$s")
	log="$LOGDIR/${name//\//_}.log"
	: >"$log"
	echo "=== $name"
	local -a cmd
	if [ ! -e "$s" ]; then
		echo "FAIL $name: no such suite" | tee -a "$log"
		total_fail=$((total_fail + 1))
		summary+=("$(printf '%-40s pass=%-4s fail=%-4s skip=%-4s missing' "$name" 0 1 0)")
		return
	fi
	case $s in
	*.sh) cmd=(bash "$s") ;;
	*) if [ -x "$s" ]; then cmd=("$s"); else cmd=(bash "$s"); fi ;;
	esac
	t0=$(date +%s)
	# Output goes to the log file, not a pipe: a stray background process
	# that keeps the suite's stdout open cannot hold the runner.  tail
	# echoes the log while the suite runs.  timeout makes its own process
	# group, so on expiry the whole suite is killed, not just its shell.
	timeout --kill-after=10 "$TIMEOUT" "${cmd[@]}" </dev/null >"$log" 2>&1 &
	pid=$!
	tail -n +1 -s 0.2 -f --pid="$pid" "$log" 2>/dev/null &
	local tpid=$!
	wait "$pid"
	rc=$?
	wait "$tpid" 2>/dev/null
	# Leftovers in the suite's process group (pgid = timeout's pid).
	kill -TERM -- "-$pid" 2>/dev/null
	t1=$(date +%s)

	p=$(count '^PASS( |$)' "$log")
	f=$(count '^FAIL( |$)' "$log")
	k=$(count '^SKIP( |$)' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		local why="$name exited $rc"
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && why="$why (timeout after ${TIMEOUT}s)"
		[ "$rc" -gt 128 ] && [ "$rc" -ne 137 ] && why="$why (signal $((rc - 128)))"
		echo "FAIL $why" | tee -a "$log"
		f=1
	elif [ "$rc" -eq 0 ] && [ $((p + f + k)) -eq 0 ]; then
		echo "FAIL $name ran no test" | tee -a "$log"
		f=1
	fi
	[ "$rc" -ne 0 ] && extra=" exit=$rc"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + k))
	summary+=("$(printf '%-40s pass=%-4s fail=%-4s skip=%-4s %ss%s' "$name" "$p" "$f" "$k" "$((t1 - t0))" "$extra")")
}

if [ $# -eq 0 ]; then
	echo "usage: tests/run.sh SUITE..." >&2
	echo "FAIL run.sh: no suites given"
	total_fail=1
fi
# vpnxdp's maps are pinned by name: a load that forgets to give them a pin
# root (or to clear their pin paths) pins them into the bpffs root, where
# they would outlive the run.  Whatever appears there named vx_* fails it.
bpffs_vx() { ls /sys/fs/bpf 2>/dev/null | grep '^vx_' | sort; }
root_before=$(bpffs_vx)

for s in "$@"; do
	run_suite "$s"
done

leaked=$(comm -13 <(printf '%s\n' "$root_before") <(bpffs_vx) | tr '\n' ' ')
if [ -n "${leaked// /}" ]; then
	echo "FAIL bpffs_root_untouched: pinned into /sys/fs/bpf by this run: $leaked"
	total_fail=$((total_fail + 1))
	summary+=("$(printf '%-40s pass=%-4s fail=%-4s skip=%-4s' bpffs_root_untouched 0 1 0)")
fi

echo
echo "=== summary (logs in $LOGDIR/)"
for l in "${summary[@]}"; do
	echo "  $l"
done
if [ "$total_skip" -gt 0 ]; then
	echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
	echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
