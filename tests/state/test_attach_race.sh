#!/usr/bin/env bash
# Racing attaches (issue 12, case 8), made exact with gdb: attach A is held
# just before it attaches (every check behind it), attach B of the same
# interface is started, then A goes on.  The loser reports the winner's
# attachment, exit 0, as a plain second attach does.  And when something
# else takes the interface while an attach is held there, that attach says
# what took it (exit 1), not that the driver cannot do XDP, and leaves
# nothing behind.  Runs with a private bpffs (tests/lib.sh iso_up).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v gdb >/dev/null || { t_skip "$(t_suite)" "gdb not installed (scripts/deps.sh)"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_b ip link set dev "$TOPO_IF_B" xdpdrv off 2>/dev/null
	iso_down
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxr$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
iso_up || { t_fail iso_up "cannot make a private bpffs"; exit 1; }
IF=$TOPO_IF_B NS=$TOPO_NS_B
vx() { iso_net "$NS" "$VPNXDP" "$@"; }
prog_on() { topo_in_b ip -d link show "$IF" | grep -o 'prog/xdp id [0-9]*' | awk '{print $3}'; }
entries() { iso ls /sys/fs/bpf/vpnxdp 2>/dev/null | grep -E "^$IF(:|$)" | tr '\n' ' '; }

# Hold attach A at its attach call; run @1 (a shell command) from gdb's
# shell while it waits; let A go on.  A's output in $TMP/a.*.
held_attach() { # SHELL-COMMAND FUNCTION...
	local cmd=$1 f
	shift
	{
		echo "set pagination off"
		echo "set confirm off"
		echo "set breakpoint pending on"
		for f in "$@"; do echo "break $f"; done
	} >"$TMP/race.gdb"
	cat >>"$TMP/race.gdb" <<EOF
run attach $IF >$TMP/a.out 2>$TMP/a.err
shell $cmd
continue
quit
EOF
	DEBUGINFOD_URLS= timeout 120 nsenter -t "$ISO_PID" -m --net="/var/run/netns/$NS" -- \
		gdb -batch -nx -x "$TMP/race.gdb" "$VPNXDP" >"$TMP/gdb.out" 2>&1
	sed -n 's/.*Inferior 1 (process [0-9]*) exited with code \([0-9]*\).*/\1/p; s/.*Inferior 1 (process [0-9]*) exited normally.*/0/p' \
		"$TMP/gdb.out" | tail -1 | sed 's/^0*\([0-9]\)/\1/' >"$TMP/a.rc"
	grep -q '^Breakpoint [0-9], ' "$TMP/gdb.out"
}

# --- two attaches: B starts while A is held (just before it attaches, or
# attached and about to rename its directory into place), and waits or wins
cat >"$TMP/b.sh" <<BSH
( "$VPNXDP" attach "$IF" >"$TMP/b.out" 2>"$TMP/b.err"; echo \$? >"$TMP/b.rc" ) &
for i in \$(seq 200); do
	[ -s "$TMP/b.rc" ] && break
	grep -q waiting "$TMP/b.err" 2>/dev/null && break
	sleep 0.05
done
BSH
race() { # NAME FUNCTION...: A held at the first of FUNCTION it reaches
	local n=$1 arc brc prog i
	shift
	rm -f "$TMP"/a.* "$TMP"/b.out "$TMP"/b.err "$TMP"/b.rc
	if ! held_attach "sh $TMP/b.sh" "$@"; then
		t_fail "${n}_held" "attach was never held at $*: $(tail -3 "$TMP/gdb.out" | tr '\n' ' ')"
		return
	fi
	for ((i = 0; i < 200; i++)); do [ -s "$TMP/b.rc" ] && break; sleep 0.05; done
	arc=$(cat "$TMP/a.rc") brc=$(cat "$TMP/b.rc" 2>/dev/null)
	prog=$(prog_on)
	echo "# $n: A: exit $arc: $(cat "$TMP/a.out" "$TMP/a.err" | tr '\n' ' ')"
	echo "# $n: B: exit $brc: $(cat "$TMP/b.out" "$TMP/b.err" | tr '\n' ' ')"
	if [ "$arc" = 0 ] && [ "$brc" = 0 ]; then
		t_pass "${n}_both_exit_0"
	else
		t_fail "${n}_both_exit_0" "A exit $arc ($(head -c 200 "$TMP/a.err")), B exit $brc ($(head -c 200 "$TMP/b.err"))"
	fi
	# one of them attached, the other reports that one
	if grep -q "$IF: attached (" "$TMP/a.out" "$TMP/b.out" &&
	   cat "$TMP/a.out" "$TMP/b.out" | grep -q "$IF: already attached (.*program id $prog); nothing changed"; then
		t_pass "${n}_loser_reports_the_winner"
	else
		t_fail "${n}_loser_reports_the_winner" "on $IF: ${prog:-none}; A: $(head -c 200 "$TMP/a.out"); B: $(head -c 200 "$TMP/b.out")"
	fi
	if [ "$(entries)" = "$IF " ] && [ "$(vx status "$IF" --json | /usr/bin/python3 -c 'import json,sys; i=json.load(sys.stdin)["interfaces"]; print(len(i), i[0]["state"], i[0]["program_id"])')" = "1 attached $prog" ]; then
		t_pass "${n}_one_attachment"
	else
		t_fail "${n}_one_attachment" "entries: $(entries); on $IF: ${prog:-none}"
	fi
	vx detach "$IF" >"$TMP/d.out" 2>&1 || echo "# detach: $(cat "$TMP/d.out")"
}
race race bpf_link_create xdp_program__attach
race race_before_rename vx_subdir_rename rename

# --- a foreign program takes the interface while attach is held there
rm -f "$TMP"/a.*
held_attach "ip link set dev $IF xdpdrv obj $PWD/build/bench/null.bpf.o sec xdp" \
	bpf_link_create xdp_program__attach ||
	t_fail foreign_held "attach was never held: $(tail -3 "$TMP/gdb.out" | tr '\n' ' ')"
arc=$(cat "$TMP/a.rc")
if [ "$arc" = 1 ] && grep -q "$IF already runs XDP program 'xdp_null_pass' (id [0-9]*), not vpnxdp's" "$TMP/a.err" &&
   ! grep -q 'driver may not support' "$TMP/a.err"; then
	t_pass foreign_in_between_said
else
	t_fail foreign_in_between_said "exit $arc: $(head -c 300 "$TMP/a.err")"
fi
[ -z "$(entries)" ] && t_pass foreign_in_between_nothing_left || t_fail foreign_in_between_nothing_left "left: $(entries)"
topo_in_b ip link set dev "$IF" xdpdrv off
