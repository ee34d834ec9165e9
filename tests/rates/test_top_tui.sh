#!/usr/bin/env bash
# vpnxdp top's full-screen view, driven in a private tmux server: rows with
# numbers for the classes that have traffic, every key, resize, and the
# terminal given back sane (canonical mode and echo on, the shell prompt
# answers) after q, Ctrl-C and SIGTERM.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v tmux >/dev/null || { t_skip "$(t_suite)" "tmux not installed"; exit 0; }
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
SOCK="vxtui$$"
T() { tmux -L "$SOCK" "$@"; }
SEND_PID=
cleanup() {
	[ -n "$SEND_PID" ] && kill -- -"$SEND_PID" 2>/dev/null
	T kill-server 2>/dev/null
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxu$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --interval 200 >/dev/null 2>&1 ||
	{ t_fail attach "cannot attach"; exit 1; }

cat >"$TMP/mix.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), udp(sp=40000, dp=51820), 0x04, 0x00, 0x00, 0x00, fill(0x11, 44) }
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B, prot=50), 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, fill(0x22, 48) }
CFG
# Traffic for the whole test, bounded: ~1000 pps, at most 20 s.  Its own
# process group, so cleanup stops trafgen's workers too.
setsid timeout 20 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
	-c "$TMP/mix.cfg" -n 20000 -t 1ms -P 1 -Q >/dev/null 2>&1 &
SEND_PID=$!

T new-session -d -x 120 -y 30 "env -i TERM=screen LANG=${LANG:-C.UTF-8} PS1='$ ' bash --norc --noprofile"
PANE_PID=$(T display -p '#{pane_pid}')
screen() { T capture-pane -p; }
# wait_for REGEX [SECONDS]: until the screen shows it
wait_for() {
	local i
	for ((i = 0; i < ${2:-5} * 10; i++)); do
		screen | grep -qE "$1" && return 0
		sleep 0.1
	done
	return 1
}
start_top() {
	T send-keys "clear; nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP top $TOPO_IF_B; echo EXIT=\$?" Enter
	wait_for '^vpnxdp top' 5
}
# The terminal after top: canonical mode and echo on, and a prompt that runs
# a command.
sane() { # name
	T send-keys "clear; stty -a | tr ' ;' '\n\n' | grep -xE 'icanon|echo' | tr '\n' ' '; echo; echo OK\$((6*7))" Enter
	if wait_for '^OK42' 3 && screen | grep -q '^icanon echo'; then
		t_pass "$1"
	else
		t_fail "$1" "$(screen | grep -v '^$' | tail -4)"
	fi
}

start_top || { t_fail tui_starts "$(screen | head -5)"; exit 1; }
t_pass tui_starts
ROW='^[ >]%s +[0-9.]+[kMG]? +[0-9.]+[kMG]? +[0-9.]+[kMG]? +[0-9.]+%% +[0-9]+'
if wait_for "$(printf "$ROW" wireguard)" 5 && wait_for "$(printf "$ROW" esp)" 2 &&
   ! screen | grep -E '^[ >](wireguard|esp) ' | grep -qE '^[ >][a-z]+ +0 ' &&
   screen | grep -qE "^vpnxdp top +$TOPO_IF_B \(native, 200 ms\)" &&
   screen | grep -qE '^total [0-9.]+[kM]? pps'; then
	t_pass tui_rows_with_numbers
else
	t_fail tui_rows_with_numbers "$(screen | head -6 | tr -s ' ')"
fi
if ! screen | grep -qE '^[ >](other|openvpn|ike) '; then
	t_pass tui_only_classes_with_traffic
else
	t_fail tui_only_classes_with_traffic "$(screen | sed -n 5,9p)"
fi

T send-keys s
if wait_for 'sort: bit/s' 2; then t_pass tui_key_s; else t_fail tui_key_s "$(screen | sed -n 2p)"; fi
T send-keys p
if wait_for '\[PAUSED\]' 2; then
	a=$(screen | grep -E '^[ >]wireguard'); sleep 0.7; b=$(screen | grep -E '^[ >]wireguard')
	if [ "$a" = "$b" ]; then t_pass tui_key_p_freezes; else t_fail tui_key_p_freezes "'$a' became '$b'"; fi
else
	t_fail tui_key_p_freezes "no [PAUSED]"
fi
T send-keys p
sleep 0.3
if ! screen | grep -q PAUSED; then t_pass tui_key_p_resumes; else t_fail tui_key_p_resumes "still paused"; fi

# The selected row is marked '>' (and drawn in reverse video): Down moves it.
sel_row() { screen | grep -nE '^>[a-z]' | head -1 | cut -d: -f1; }
r1=$(sel_row); T send-keys Down; sleep 0.3; r2=$(sel_row); T send-keys Up; sleep 0.3; r3=$(sel_row)
if [ -n "$r1" ] && [ "$r2" = $((r1 + 1)) ] && [ "$r3" = "$r1" ]; then
	t_pass tui_key_arrows
else
	t_fail tui_key_arrows "selected row $r1, after Down $r2, after Up $r3"
fi
T send-keys h
if wait_for 'vpnxdp top: keys' 2; then
	T send-keys x
	if wait_for '^ CLASS' 2; then t_pass tui_key_h; else t_fail tui_key_h "help did not close"; fi
else
	t_fail tui_key_h "no help screen"
fi
T resize-window -x 70 -y 12
sleep 0.5
if wait_for '^[ >]wireguard' 2 && screen | grep -q '^q quit' &&
   [ "$(screen | /usr/bin/python3 -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))')" -le 70 ]; then
	t_pass tui_resize
else
	t_fail tui_resize "$(screen | head -4)"
fi
T resize-window -x 120 -y 30

T send-keys q
if wait_for '^EXIT=0' 3; then t_pass tui_q_exit0; else t_fail tui_q_exit0 "$(screen | grep EXIT)"; fi
sane tui_sane_after_q

start_top || t_fail tui_restart "did not start again"
T send-keys C-c
if wait_for '^EXIT=0' 3; then t_pass tui_ctrl_c_exit0; else t_fail tui_ctrl_c_exit0 "$(screen | grep EXIT)"; fi
sane tui_sane_after_ctrl_c

start_top || t_fail tui_restart "did not start again"
# top is the pane shell's child (nsenter execs it): a process this test
# started, by its pid.
TOP=$(ps -o pid= --ppid "$PANE_PID" | head -1 | tr -d ' ')
if [ -n "$TOP" ] && kill -TERM "$TOP" && wait_for '^EXIT=0' 3; then
	t_pass tui_sigterm_exit0
else
	t_fail tui_sigterm_exit0 "pid '$TOP': $(screen | grep EXIT)"
fi
sane tui_sane_after_sigterm
