#!/usr/bin/env bash
# Self-test of tests/run.sh: throwaway suites in a temporary directory (one
# passing, one failing, one silent, one crashing, one skipping, one that
# times out, one that leaves a process behind), and the counts run.sh
# reports for them.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
S=$TMP/suites
mkdir -p "$S"

cat >"$S/good.sh" <<'X'
echo "PASS one"
echo "PASS two"
echo "some chatter: PASS in the middle does not count"
X
cat >"$S/bad.sh" <<'X'
echo "PASS fine"
echo "FAIL broken: expected 1, got 2"
exit 1
X
cat >"$S/silent.sh" <<'X'
echo "nothing to see"
exit 0
X
cat >"$S/crash.sh" <<'X'
echo "PASS before_crash"
kill -SEGV $$
X
cat >"$S/skipper.sh" <<'X'
echo "SKIP skipper: needs something"
X
cat >"$S/slow.sh" <<'X'
echo "PASS started"
sleep 30
X
cat >"$S/leaver.sh" <<'X'
sleep 300 >/dev/null 2>&1 &
echo $! > "$(dirname "$0")/leaver.pid"
echo "PASS left_a_process"
X
# An executable that is not a shell script.
printf '#!/bin/sh\necho "PASS exec_ok"\n' >"$S/exe"
chmod +x "$S/exe"

# run SUITES...: run.sh into $TMP/out, exit status in $rc, last line in $last
run() {
	TIMEOUT=${RTIMEOUT:-20} TEST_LOGDIR="$TMP/logs" tests/run.sh "$@" >"$TMP/out" 2>&1
	rc=$?
	last=$(tail -n 1 "$TMP/out")
}

run "$S/good.sh" "$S/exe"
t_eq selftest_pass_only_line "$last" "3 passed, 0 failed"
t_eq selftest_pass_only_rc "$rc" 0
if grep -qx 'PASS two' "$TMP"/logs/*good.log 2>/dev/null; then
	t_pass selftest_log_written
else
	t_fail selftest_log_written "no good.log with its output in $TMP/logs"
fi
if grep -qx 'PASS two' "$TMP/out" && grep -qx 'PASS exec_ok' "$TMP/out"; then
	t_pass selftest_output_echoed
else
	t_fail selftest_output_echoed "suite output not echoed"
fi

run "$S/bad.sh"
t_eq selftest_fail_line "$last" "1 passed, 1 failed"
t_eq selftest_fail_rc "$rc" 1

run "$S/silent.sh"
t_eq selftest_silent_line "$last" "0 passed, 1 failed"
if grep -q '^FAIL .*silent ran no test' "$TMP/out"; then t_pass selftest_silent_reason; else t_fail selftest_silent_reason "no 'ran no test' line"; fi

run "$S/crash.sh"
t_eq selftest_crash_line "$last" "1 passed, 1 failed"
if grep -q '^FAIL .*crash exited 139' "$TMP/out"; then t_pass selftest_crash_reason; else t_fail selftest_crash_reason "$(grep '^FAIL' "$TMP/out")"; fi

run "$S/skipper.sh" "$S/good.sh"
t_eq selftest_skip_line "$last" "2 passed, 0 failed, 1 skipped"
t_eq selftest_skip_rc "$rc" 0

RTIMEOUT=2 run "$S/slow.sh"
t_eq selftest_timeout_line "$last" "1 passed, 1 failed"
if grep -q '^FAIL .*slow exited 124 (timeout' "$TMP/out"; then t_pass selftest_timeout_reason; else t_fail selftest_timeout_reason "$(grep '^FAIL' "$TMP/out")"; fi

t0=$(date +%s)
run "$S/leaver.sh"
t1=$(date +%s)
t_eq selftest_leaver_line "$last" "1 passed, 0 failed"
lpid=$(cat "$S/leaver.pid" 2>/dev/null)
alive() { # PID: running (a zombie waiting for its reaper is not)
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
sleep 0.3
if [ $((t1 - t0)) -lt 10 ] && [ -n "$lpid" ] && ! alive "$lpid"; then
	t_pass selftest_leftover_reaped
else
	t_fail selftest_leftover_reaped "took $((t1 - t0))s, leftover pid ${lpid:-?} alive"
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
fi

run "$S/good.sh" "$S/bad.sh" "$S/silent.sh" "$S/crash.sh" "$S/nonexistent.sh"
t_eq selftest_mixed_line "$last" "4 passed, 4 failed"
t_eq selftest_mixed_rc "$rc" 1
n=$(grep -cE '^[0-9]+ passed, [0-9]+ failed' "$TMP/out")
t_eq selftest_one_closing_line "$n" 1

# A suite that pins a map into the bpffs root (what a load without a pin
# root does with vpnxdp's pinned-by-name maps) fails the run.
if [ "$(id -u)" -eq 0 ] && command -v bpftool >/dev/null &&
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]; then
	LEAK=vx_selftest_leak_$$
	cat >"$S/leak.sh" <<X
bpftool map create /sys/fs/bpf/$LEAK type array key 4 value 4 entries 1 name vxleak
echo "PASS pinned_one"
X
	run "$S/leak.sh"
	rm -f "/sys/fs/bpf/$LEAK"
	t_eq selftest_bpffs_leak_line "$last" "1 passed, 1 failed"
	if grep -q "^FAIL bpffs_root_untouched: .*$LEAK" "$TMP/out"; then
		t_pass selftest_bpffs_leak_named
	else
		t_fail selftest_bpffs_leak_named "$(grep bpffs "$TMP/out" | head -2)"
	fi
else
	t_skip selftest_bpffs_leak "needs root, bpftool and bpffs at /sys/fs/bpf"
fi
