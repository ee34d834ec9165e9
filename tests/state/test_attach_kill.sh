#!/usr/bin/env bash
# attach killed (SIGKILL) at every step (issue 12, case 3), each kill point
# made exact with gdb: stop at a function (or, "finish", right after it
# returns) and kill.  After each kill either no program is on the
# interface, or status reports it; detach then leaves no program and no
# pins of the interface; and a new attach works.
#
# A kill point is one or more functions (alternatives: whichever this build
# has), an option "finish" and a number of hits to let pass.  Every kill
# point must be reached: one that is not says the sweep no longer matches
# attach.  Runs with a private bpffs (tests/lib.sh iso_up).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v gdb >/dev/null || { t_skip "$(t_suite)" "gdb not installed (scripts/deps.sh)"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	iso_down
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxs$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
iso_up || { t_fail iso_up "cannot make a private bpffs"; exit 1; }
IF=$TOPO_IF_B NS=$TOPO_NS_B
vx() { iso_net "$NS" "$VPNXDP" "$@"; }
on_if() { topo_in_b ip -d link show "$IF" | grep -o 'prog/xdp id [0-9]*' | awk '{print $3}'; }
entries() { iso ls /sys/fs/bpf/vpnxdp 2>/dev/null | grep -E "^$IF(:|$)"; }

# NAME  FUNCTIONS(|)  finish|-  HITS-TO-SKIP
POINTS="
locked          vx_fd_lock                          finish 0
tmpdir_made     mkdirat                             finish 1
maps_made       vx_load                             finish 0
meta_pinned     vx_pin_put                          finish 0
maps_half       vx_pin_put                          finish 5
prog_loading    bpf_object__load_skeleton           -      1
before_attach   bpf_link_create|xdp_program__attach -      0
attached        bpf_link_create|xdp_program__attach finish 0
before_rename   vx_subdir_rename|rename             -      0
renamed         vx_subdir_rename|rename             finish 0
"

kill_at() { # FUNCTIONS FINISH SKIP: the gdb script, run; 0 if it killed
	local fns=$1 fin=$2 skip=$3 n=0 f
	{
		echo "set pagination off"
		echo "set confirm off"
		echo "set breakpoint pending on"
		for f in ${fns//|/ }; do
			n=$((n + 1))
			echo "break $f"
			[ "$skip" -gt 0 ] && echo "ignore $n $skip"
		done
		echo "run"
		[ "$fin" = finish ] && echo "finish"
		echo "kill"
		echo "quit"
	} >"$TMP/kill.gdb"
	DEBUGINFOD_URLS= timeout 120 nsenter -t "$ISO_PID" -m --net="/var/run/netns/$NS" -- \
		gdb -batch -nx -x "$TMP/kill.gdb" --args "$VPNXDP" attach "$IF" >"$TMP/gdb.out" 2>&1
	grep -q 'Inferior 1 (process [0-9]*) killed' "$TMP/gdb.out"
}

# The invariant after a kill at @name.
check_after() { # NAME
	local name=$1 prog st reported rc left
	prog=$(on_if)
	echo "# killed at $name: program on $IF: ${prog:-none}; entries: $(entries | tr '\n' ' ')"
	vx status --json >"$TMP/st.json" 2>"$TMP/st.err"
	# an entry of IF whose program status calls attached
	reported=$(/usr/bin/python3 - "$TMP/st.json" "$IF" <<'PY'
import json, sys
try:
    ifs = json.load(open(sys.argv[1]))["interfaces"]
except Exception:
    ifs = []
print(sum(1 for i in ifs if i.get("interface") == sys.argv[2] and
          "attached" in (i.get("state"), i.get("program_state"))))
PY
)
	if [ -n "$prog" ] && [ "$reported" = 0 ]; then
		t_fail "kill_${name}_status_reports_the_program" "program $prog on $IF, status: $(head -c 300 "$TMP/st.json") $(head -c 200 "$TMP/st.err")"
	else
		t_pass "kill_${name}_status_reports_the_program"
	fi
	st=$(entries)
	vx detach "$IF" >"$TMP/d.out" 2>&1
	rc=$?
	left=$(entries)
	if [ -n "$(on_if)" ] || [ -n "$left" ] || { [ -n "$st" ] && [ "$rc" -ne 0 ]; }; then
		t_fail "kill_${name}_detach_cleans_up" "detach exit $rc ($(head -c 200 "$TMP/d.out")); program: $(on_if); left: $left"
		topo_in_b ip link set dev "$IF" xdp off 2>/dev/null
		iso sh -c "rm -rf /sys/fs/bpf/vpnxdp/$IF /sys/fs/bpf/vpnxdp/$IF:*"
	else
		t_pass "kill_${name}_detach_cleans_up"
	fi
	if vx attach "$IF" >"$TMP/a.out" 2>&1 && vx detach "$IF" >>"$TMP/a.out" 2>&1 &&
	   [ -z "$(on_if)" ]; then
		t_pass "kill_${name}_attach_again"
	else
		t_fail "kill_${name}_attach_again" "$(head -c 300 "$TMP/a.out")"
		vx detach "$IF" >/dev/null 2>&1
	fi
}

while read -r name fns fin skip; do
	[ -n "$name" ] || continue
	if ! kill_at "$fns" "$fin" "$skip"; then
		t_fail "kill_${name}_reached" "attach was not stopped at ${fns} (${fin}): $(tail -3 "$TMP/gdb.out" | tr '\n' ' ')"
		vx detach "$IF" >/dev/null 2>&1
		continue
	fi
	t_pass "kill_${name}_reached"
	check_after "$name"
done <<<"$POINTS"

# What an interrupted attach left is listed, and by name.
kill_at "bpf_link_create|xdp_program__attach" finish 0
vx status >"$TMP/st.txt" 2>&1
if grep -q "^$IF: INTERRUPTED attach (pid [0-9]*" "$TMP/st.txt"; then
	t_pass status_lists_interrupted_attach
else
	t_fail status_lists_interrupted_attach "$(head -c 300 "$TMP/st.txt")"
fi
# ... and the next attach clears it up and attaches
if vx attach "$IF" >"$TMP/a.out" 2>&1 && grep -q "$IF: attached" "$TMP/a.out" && [ "$(entries)" = "$IF" ]; then
	t_pass attach_clears_interrupted_attach
else
	t_fail attach_clears_interrupted_attach "$(head -c 300 "$TMP/a.out"); entries: $(entries)"
fi
vx detach "$IF" >/dev/null 2>&1
