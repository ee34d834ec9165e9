#!/usr/bin/env bash
# Policy pushes end to end, as ops tooling makes them (vpnxdp-policy(5)):
# check / apply / show / diff and their exit codes, both file forms and the
# show --json -> apply --json round trip, bad input that changes nothing,
# two pushes at once, an allow-list and a rate limit against real traffic
# from an allowed and a denied source, and hundreds of atomic flips under
# continuous traffic checked against the per-slot verdict counters.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen (netsniff-ng) not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
PFX="vxp$$"
TMP=$(mktemp -d)
TG_PID=
cleanup() {
	[ -n "$TG_PID" ] && kill -- "-$TG_PID" 2>/dev/null
	[ -n "$TOPO_IF_B" ] && topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF=$TOPO_IF_B
vx() { topo_in_b "$VPNXDP" "$@"; }

# Two more sender addresses on side a (documentation ranges): one that the
# allow-lists below admit, one they do not.  b routes them back on-link so
# that reverse-path filtering keeps their datagrams.
ALLOWED=198.51.100.10
DENIED=203.0.113.10
topo_in_a ip addr add "$ALLOWED/32" dev "$TOPO_IF_A"
topo_in_a ip addr add "$DENIED/32" dev "$TOPO_IF_A"
topo_in_b ip route add 198.51.100.0/24 dev "$IF"
topo_in_b ip route add 203.0.113.0/24 dev "$IF"

# expect NAME WANT_RC STREAM(out|err) REGEX -- CMD...
expect() {
	local name=$1 want=$2 stream=$3 re=$4
	shift 5
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit $rc, want $want: $(head -c 300 "$TMP/err")"
	elif ! grep -Eq -- "$re" "$TMP/$stream"; then
		t_fail "$name" "std$stream lacks /$re/: $(head -c 300 "$TMP/$stream")"
	else
		t_pass "$name"
	fi
}
gen() { vx policy show "$IF" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }

cat >"$TMP/issue.pol" <<'P'
# weak protocols
pptp drop
l2tp drop
ike pass from 198.51.100.0/24, 2001:db8:10::/48
ike drop
wireguard count rate 200/s burst 400
signature openvpn udp 1195-1196
signature sstp tcp 443 enable
P
cat >"$TMP/issue.canon" <<'P'
wireguard count rate 200/s burst 400
ike pass from 198.51.100.0/24, 2001:db8:10::/48
ike drop
l2tp drop
pptp drop
signature openvpn udp 1195-1196
signature sstp tcp 443
P

# ---------------------------------------------------------------- CLI
expect check_text_valid 0 out 'valid \(5 rules, 2 prefixes, 2 signature lines\)' -- "$VPNXDP" policy check "$TMP/issue.pol"
expect help_lists_subcommands 0 out 'policy diff IFACE' -- "$VPNXDP" policy --help
expect show_not_attached 1 err "$IF: not attached" -- vx policy show "$IF"
expect attach 0 out "$IF: attached" -- vx attach "$IF"
expect show_defaults_generation_1 0 out '^# vpnxdp policy, generation 1$' -- vx policy show "$IF"
expect apply_issue_example 0 out "$IF: policy applied \(generation 2\)" -- vx policy apply "$IF" "$TMP/issue.pol"
expect apply_same_twice_unchanged 0 out "$IF: policy unchanged \(generation 2\)" -- vx policy apply "$IF" "$TMP/issue.pol"
vx policy show "$IF" | grep -v '^#' >"$TMP/shown"
if diff -u "$TMP/issue.canon" "$TMP/shown" >"$TMP/d"; then t_pass show_text_canonical; else t_fail show_text_canonical "$(cat "$TMP/d")"; fi
vx policy show "$IF" --json >"$TMP/shown.json"
t_eq show_json_generation "$(json_get "$TMP/shown.json" generation)" 2
t_eq show_json_ike_rule1_from "$(json_get "$TMP/shown.json" classes.ike.rules.0.from)" '["198.51.100.0/24","2001:db8:10::/48"]'
expect roundtrip_show_json_apply_json_unchanged 0 out 'policy unchanged \(generation 2\)' -- vx policy apply "$IF" --json "$TMP/shown.json"
expect roundtrip_json_from_stdin_unchanged 0 out 'policy unchanged \(generation 2\)' -- sh -c "nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy show $IF --json | nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy apply $IF --json -"
expect roundtrip_text_show_apply_unchanged 0 out 'policy unchanged' -- sh -c "nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy show $IF | nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy apply $IF -"
expect check_json_valid 0 out 'valid' -- "$VPNXDP" policy check --json "$TMP/shown.json"
expect check_json_detected_without_flag 0 out 'valid' -- "$VPNXDP" policy check "$TMP/shown.json"
expect diff_no_changes 0 out '# no changes: applying .* would leave generation 2 in force' -- vx policy diff "$IF" "$TMP/issue.pol"
printf 'pptp count\nike drop\nsignature openvpn udp 1195-1196\nsignature lightway udp 7000\n' >"$TMP/next.pol"
vx policy diff "$IF" "$TMP/next.pol" >"$TMP/diff" 2>&1
if grep -qx -- '-pptp drop' "$TMP/diff" && grep -qx -- '+pptp count' "$TMP/diff" &&
   grep -qx -- '-ike pass from 198.51.100.0/24, 2001:db8:10::/48' "$TMP/diff" &&
   grep -qx -- '+signature lightway udp 7000' "$TMP/diff" &&
   grep -qx -- '-signature sstp tcp 443' "$TMP/diff" &&
   ! grep -q 'openvpn udp 1195' "$TMP/diff" && ! grep -q 'wireguard' <(grep '^+' "$TMP/diff"); then
	t_pass diff_shows_changes
else
	t_fail diff_shows_changes "$(cat "$TMP/diff")"
fi
t_eq diff_changes_nothing "$(gen)" 2

# Bad input: file:line:column (or JSON path) + reason, exit 1, nothing changes.
before=$(vx policy show "$IF" --json)
bad() { # NAME FILE-CONTENT(printf format) REGEX [--json]
	local name=$1 content=$2 re=$3 flag=${4:-}
	printf "$content" >"$TMP/bad.$name"
	expect "bad_$name" 1 err "$re" -- vx policy apply "$IF" $flag "$TMP/bad.$name"
}
bad unknown_class 'pptp drop\nikev3 drop\n' 'bad.unknown_class:2:1: unknown class .ikev3.'
bad unknown_action 'ike pass from 198.51.100.0/24\nike reject\n' 'bad.unknown_action:2:5: unknown action .reject.'
bad bad_prefix 'ike pass from 198.51.100.0/24, 198.51.100.7/24\n' 'bad.bad_prefix:1:32: .198.51.100.7/24. has host bits set'
bad port_zero 'signature openvpn udp 0\n' 'bad.port_zero:1:23: port out of range'
bad port_65536 'signature openvpn tcp 65536\n' 'bad.port_65536:1:23: port out of range'
bad reversed_range 'signature openvpn udp 1196-1195\n' 'bad.reversed_range:1:23: reversed port range'
bad duplicate_signature 'signature openvpn udp 1195\nsignature ike udp 1195\n' 'bad.duplicate_signature:2:1: duplicate signature'
bad rate_zero 'wireguard count rate 0/s\n' 'bad.rate_zero:1:22: rate .0/s. must be at least 1/s'
bad truncated 'pptp drop\nike pass from 198.51.100.0/24, 2001:db8:' 'bad.truncated:2:41: no newline at the end of the file \(truncated\?\)'
bad not_utf8 'pptp drop\nl2tp dr\xe9op\n' 'bad.not_utf8:2:8: not valid UTF-8'
bad json_wrong_shape '{"classes":{"ike":{"rules":{"action":"drop"}}}}' 'bad.json_wrong_shape: \$.classes.ike.rules: must be an array' --json
bad json_truncated '{"classes":{"ike":{"rules":[{"action":"drop"}' 'bad.json_truncated:1:[0-9]+: .*end of file' --json
bad json_bad_port '{"signatures":[{"class":"openvpn","transport":"udp","port":0}]}' '\$.signatures\[0\].port: must be an integer in 1..65535' --json
/usr/bin/python3 -c '
import sys
print("ike pass from " + ", ".join("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255) for i in range(100001)))
' >"$TMP/bad.limit"
expect bad_limit_100001_prefixes 1 err 'bad.limit:1:[0-9]+: too many source prefixes \(limit 100000 per policy\)' -- vx policy apply "$IF" "$TMP/bad.limit"
expect bad_missing_file 1 err 'no-such.pol: No such file' -- vx policy apply "$IF" "$TMP/no-such.pol"
after=$(vx policy show "$IF" --json)
if [ "$before" = "$after" ]; then t_pass bad_input_left_policy_in_force; else t_fail bad_input_left_policy_in_force "policy changed"; fi

# ---------------------------------------------------------- concurrency
printf 'pptp drop\n' >"$TMP/c1.pol"
printf 'l2tp drop\n' >"$TMP/c2.pol"
g0=$(gen)
vx policy apply "$IF" "$TMP/c1.pol" >"$TMP/c1.out" 2>"$TMP/c1.err" &
p1=$!
vx policy apply "$IF" "$TMP/c2.pol" >"$TMP/c2.out" 2>"$TMP/c2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
g1=$(gen)
shown=$(vx policy show "$IF" | grep -v '^#')
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$g1" -eq $((g0 + 2)) ] &&
   { [ "$shown" = "pptp drop" ] || [ "$shown" = "l2tp drop" ]; }; then
	t_pass concurrent_pushes_both_applied_in_turn
else
	t_fail concurrent_pushes_both_applied_in_turn "rc $r1 $r2, generation $g0 -> $g1, in force: $shown; $(cat "$TMP/c1.err" "$TMP/c2.err")"
fi
# The generations of the two pushes are distinct and consecutive.
a=$(grep -o 'generation [0-9]*' "$TMP/c1.out" | cut -d' ' -f2)
b=$(grep -o 'generation [0-9]*' "$TMP/c2.out" | cut -d' ' -f2)
if [ -n "$a" ] && [ -n "$b" ] && [ $((a + b)) -eq $((2 * g0 + 3)) ] && [ "$a" != "$b" ]; then
	t_pass concurrent_pushes_serialized_generations
else
	t_fail concurrent_pushes_serialized_generations "generations '$a' '$b' from $g0"
fi
# The same file pushed twice at once: one applies, the other finds it in force.
printf 'esp drop\n' >"$TMP/c3.pol"
g0=$(gen)
vx policy apply "$IF" "$TMP/c3.pol" >"$TMP/c1.out" 2>&1 &
p1=$!
vx policy apply "$IF" "$TMP/c3.pol" >"$TMP/c2.out" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
if [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && [ "$(gen)" -eq $((g0 + 1)) ] &&
   [ "$(cat "$TMP/c1.out" "$TMP/c2.out" | grep -c 'policy unchanged')" -eq 1 ]; then
	t_pass concurrent_same_push_applied_once
else
	t_fail concurrent_same_push_applied_once "rc $r1 $r2: $(cat "$TMP/c1.out" "$TMP/c2.out")"
fi

# ------------------------------------------- allow-list and rate limit
stats() { vx stats "$IF" --json >"$TMP/stats.json"; json_get "$TMP/stats.json" "protocols.wireguard.$1"; }
# send_from SRC... : 20 WireGuard initiations from each source to b:51820,
# received (or not) by a counting listener on b.
send_from() {
	topo_in_b /usr/bin/python3 tests/policy/udp_pair.py recv 51820 3 >"$TMP/recv.json" &
	local rp=$! s
	sleep 0.7
	for s in "$@"; do
		topo_in_a /usr/bin/python3 tests/policy/udp_pair.py send "$s" "$TOPO_IP4_B" 51820 "${COUNT:-20}"
	done
	wait $rp
}
# (json_get splits paths at dots, so addresses are looked up here)
recv_of() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], 0))' "$TMP/recv.json" "$1"; }
printf 'wireguard count from 198.51.100.0/24\nwireguard drop\n' >"$TMP/allow.pol"
vx policy apply "$IF" "$TMP/allow.pol" >/dev/null
p0=$(stats packets) d0=$(stats drop_deny)
send_from "$ALLOWED" "$DENIED"
rcv_a=$(recv_of "$ALLOWED")
rcv_d=$(recv_of "$DENIED")
p1=$(stats packets) d1=$(stats drop_deny)
if [ "$rcv_a" = 20 ] && [ "$rcv_d" = 0 ] && [ $((p1 - p0)) -eq 40 ] && [ $((d1 - d0)) -eq 20 ]; then
	t_pass allowlist_end_to_end_allowed_passes_denied_dropped
else
	t_fail allowlist_end_to_end_allowed_passes_denied_dropped "received allowed $rcv_a denied $rcv_d (want 20, 0); counted +$((p1 - p0)) (want 40), denied +$((d1 - d0)) (want 20)"
fi

printf 'wireguard count rate 10/s burst 5\n' >"$TMP/rate.pol"
vx policy apply "$IF" "$TMP/rate.pol" >/dev/null
p0=$(stats packets) r0=$(stats drop_rate)
COUNT=50 send_from "$ALLOWED" "$DENIED"
rcv_a=$(recv_of "$ALLOWED")
rcv_d=$(recv_of "$DENIED")
p1=$(stats packets) r1=$(stats drop_rate)
# Each source gets its own burst of 5 (plus what 10/s refills while 50
# datagrams are sent: a few at most); everything else is rate-dropped.
if [ "$rcv_a" -ge 5 ] && [ "$rcv_a" -le 12 ] && [ "$rcv_d" -ge 5 ] && [ "$rcv_d" -le 12 ] &&
   [ $((p1 - p0)) -eq 100 ] && [ $((r1 - r0)) -eq $((100 - rcv_a - rcv_d)) ]; then
	t_pass rate_limit_end_to_end_per_source
else
	t_fail rate_limit_end_to_end_per_source "received $rcv_a and $rcv_d of 50 each (want 5..12); counted +$((p1 - p0)) (want 100), rate-dropped +$((r1 - r0))"
fi
vx stats "$IF" >"$TMP/stats.txt"
if grep -Eq '^class .*passed +drop-rule +drop-rate +denied' "$TMP/stats.txt" &&
   grep -Eq "^wireguard .* $((r1))( +[0-9]+){6}\$" "$TMP/stats.txt"; then
	t_pass stats_text_shows_policy_columns
else
	t_fail stats_text_shows_policy_columns "$(head -3 "$TMP/stats.txt")"
fi

# ----------------------------------------------- atomic flip under traffic
# Two policies that only make sense whole: in A, IP protocol 99 is esp and
# esp from 198.51.100.0/24 is dropped; in B it is ah, and ah from there is
# dropped.  A packet judged by any mix (A's signatures with B's rules, or
# A's rules with B's prefixes) is passed instead: the per-slot counters
# must show drops only, in both slots.
printf 'signature esp ip 99\nesp drop from 198.51.100.0/24\n' >"$TMP/flipA.pol"
printf 'signature ah ip 99\nah drop from 198.51.100.0/24\n' >"$TMP/flipB.pol"
vx policy apply "$IF" "$TMP/flipA.pol" >/dev/null
slotstat() { # SLOT CLASS DROP -> sum over CPUs of vx_counters[CLASS].slot_verdict[SLOT][DROP]
	topo_in_b bpftool map lookup pinned "/sys/fs/bpf/vpnxdp/$IF/vx_counters" key "$2" 0 0 0 -j 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); s,v=int(sys.argv[1]),int(sys.argv[2]); print(sum(c["value"]["slot_verdict"][s][v] for c in d["formatted"]["values"]))' "$1" "$3" 2>/dev/null || echo -1
}
ESP=4 AH=5
declare -A s0
for s in 0 1; do for c in $ESP $AH; do for v in 0 1; do s0[$s$c$v]=$(slotstat $s $c $v); done; done; done
cat >"$TMP/tg.cfg" <<P
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$ALLOWED, da=$TOPO_IP4_B, proto=99), fill(0x41, 64) }
P
setsid nsenter --net="/var/run/netns/$TOPO_NS_A" timeout 120 trafgen -o "$TOPO_IF_A" -i "$TMP/tg.cfg" -n 3000000 -t 20us >/dev/null 2>&1 &
TG_PID=$!
sleep 0.5
FLIPS=${FLIPS:-300}
fails=0
# Readers take no lock: `policy show` during the flips must always print one
# whole policy, A or B.
(
	for ((i = 0; i < 60; i++)); do
		vx policy show "$IF" >"$TMP/show.$i" 2>&1 || echo "exit $?" >>"$TMP/show.$i"
		sleep 0.1
	done
) &
SHOW_PID=$!
for ((i = 0; i < FLIPS; i++)); do
	if ((i % 2)); then f=flipA; else f=flipB; fi
	vx policy apply "$IF" "$TMP/$f.pol" >/dev/null 2>&1 || fails=$((fails + 1))
done
kill -- "-$TG_PID" 2>/dev/null
wait "$TG_PID" 2>/dev/null
TG_PID=
wait "$SHOW_PID"
canonA=$(printf 'esp drop from 198.51.100.0/24\nsignature esp ip 99')
canonB=$(printf 'ah drop from 198.51.100.0/24\nsignature ah ip 99')
torn=0 seen=0
for f in "$TMP"/show.*; do
	got=$(grep -v '^#' "$f")
	seen=$((seen + 1))
	[ "$got" = "$canonA" ] || [ "$got" = "$canonB" ] || { torn=$((torn + 1)); bad_show=$got; }
done
if [ "$seen" -eq 60 ] && [ "$torn" -eq 0 ]; then
	t_pass show_during_flips_always_one_whole_policy
else
	t_fail show_during_flips_always_one_whole_policy "$torn of $seen shows were neither policy: ${bad_show:-}"
fi
sleep 0.2
declare -A dl
for s in 0 1; do for c in $ESP $AH; do for v in 0 1; do dl[$s$c$v]=$(( $(slotstat $s $c $v) - s0[$s$c$v] )); done; done; done
summary="slot0 esp pass/drop ${dl[0${ESP}0]}/${dl[0${ESP}1]} ah ${dl[0${AH}0]}/${dl[0${AH}1]}; slot1 esp ${dl[1${ESP}0]}/${dl[1${ESP}1]} ah ${dl[1${AH}0]}/${dl[1${AH}1]}"
echo "# atomic flip: $FLIPS applies, $summary"
passes=$(( dl[0${ESP}0] + dl[0${AH}0] + dl[1${ESP}0] + dl[1${AH}0] ))
# Each slot judged one whole policy: drops of exactly one class per slot.
if [ "$fails" -eq 0 ] && [ "$passes" -eq 0 ] &&
   { { [ "${dl[0${ESP}1]}" -gt 0 ] && [ "${dl[0${AH}1]}" -eq 0 ] && [ "${dl[1${AH}1]}" -gt 0 ] && [ "${dl[1${ESP}1]}" -eq 0 ]; } ||
     { [ "${dl[0${AH}1]}" -gt 0 ] && [ "${dl[0${ESP}1]}" -eq 0 ] && [ "${dl[1${ESP}1]}" -gt 0 ] && [ "${dl[1${AH}1]}" -eq 0 ]; }; }; then
	t_pass "atomic_flip_${FLIPS}_applies_under_traffic_every_verdict_whole"
else
	t_fail "atomic_flip_${FLIPS}_applies_under_traffic_every_verdict_whole" "$fails failed applies; $summary"
fi
vx stats "$IF" --json >"$TMP/stats.json"
e_p=$(json_get "$TMP/stats.json" protocols.esp.packets) e_d=$(json_get "$TMP/stats.json" protocols.esp.dropped)
a_p=$(json_get "$TMP/stats.json" protocols.ah.packets) a_d=$(json_get "$TMP/stats.json" protocols.ah.dropped)
if [ "$e_p" = "$e_d" ] && [ "$a_p" = "$a_d" ] && [ "$e_p" -gt 0 ] && [ "$a_p" -gt 0 ]; then
	t_pass atomic_flip_counters_all_dropped
else
	t_fail atomic_flip_counters_all_dropped "esp $e_d of $e_p dropped, ah $a_d of $a_p"
fi

# ------------------------------------------- the "Done when" policy
/usr/bin/python3 - "$TMP/big.pol" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(10000):
        f.write("signature lightway udp %d\n" % (20000 + i))
    f.write("wireguard count from " + ", ".join(
        ["10.%d.%d.%d/32" % (i >> 16, (i >> 8) & 255, i & 255) for i in range(90000)] +
        ["2001:db8:%x::/48" % (0x100 + i) for i in range(10000)]) + "\n")
    f.write("wireguard drop\n")
PY
t0=$(date +%s.%N)
vx policy apply "$IF" "$TMP/big.pol" >"$TMP/out" 2>&1
rc=$?
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "# apply of 10000 signatures + 100000 prefixes: ${secs}s"
if [ $rc -eq 0 ] && grep -q 'policy applied' "$TMP/out" && [ "$(echo "$secs < 30" | bc)" = 1 ]; then
	t_pass apply_10000_signatures_100000_prefixes
else
	t_fail apply_10000_signatures_100000_prefixes "rc $rc in ${secs}s: $(cat "$TMP/out")"
fi
expect big_policy_same_again_unchanged 0 out 'policy unchanged' -- vx policy apply "$IF" "$TMP/big.pol"
vx policy show "$IF" --json >"$TMP/big.json"
expect big_policy_json_roundtrip_unchanged 0 out 'policy unchanged' -- vx policy apply "$IF" --json "$TMP/big.json"

expect detach 0 out "$IF: detached" -- vx detach "$IF"

# ------------------------------------- replay: a dry run of allow-lists
# The real program over a real capture (../shared/pcap/wireguard.pcap: one
# flow from 10.9.0.1, one whose replies come from 192.168.0.14): only the
# sources outside the allow-list are dropped.
# ../shared/pcap beside the repository (or beside the worktrees' directory)
PCAP=${VX_PCAP_DIR:-}
for d in ../shared/pcap ../../shared/pcap; do
	[ -z "$PCAP" ] && [ -r "$d/wireguard.pcap" ] && PCAP=$(cd "$d" && pwd)
done
if [ -r "$PCAP/wireguard.pcap" ]; then
	printf 'wireguard count from 10.9.0.0/24, 139.162.192.157\nwireguard drop\n' >"$TMP/replay.pol"
	"$VPNXDP" replay --json --policy "$TMP/replay.pol" "$PCAP/wireguard.pcap" 2>/dev/null >"$TMP/replay.json"
	got=$(/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    f = json.loads(l)
    print(f["src"], f["packets"], f["dropped"])' "$TMP/replay.json" | sort | tr '\n' ';')
	# 10.9.0.1's flow is allowed both ways (10.9.0.2 answers from the
	# allowed /24); the other flow's 12 replies from 192.168.0.14 are not.
	t_eq replay_allowlist_drops_only_unlisted_sources "$got" "10.9.0.1 22 0;139.162.192.157 30 12;"
else
	t_skip replay_allowlist "no ../shared/pcap/wireguard.pcap (set VX_PCAP_DIR)"
fi
