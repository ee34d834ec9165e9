#!/usr/bin/env bash
# An empty policy (issue 12, case 6): a 0-byte file, an empty pipe, a file
# of blanks are refused (exit 1) wherever a policy is read, and the policy
# in force stays whole (its drop rule still drops); going back to the
# defaults takes `vpnxdp policy reset IFACE`.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_in_a "$VPNXDP" detach "$TOPO_IF_A" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxy$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF=$TOPO_IF_B
vx() { topo_in_b "$VPNXDP" "$@"; }
MSG="empty policy; to go back to the defaults use 'vpnxdp policy reset IFACE'"

expect() { # NAME RC STREAM REGEX CMD...
	local name=$1 want=$2 stream=$3 re=$4 rc
	shift 4
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit $rc, want $want: $(head -c 300 "$TMP/err")"
	elif ! grep -Fq -- "$re" "$TMP/$stream"; then
		t_fail "$name" "std$stream lacks '$re': $(head -c 300 "$TMP/$stream")"
	else
		t_pass "$name"
	fi
}
# WireGuard datagrams a -> b; prints b's dropped count of WireGuard after.
wg_dropped() {
	topo_in_a /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"\x04\0\0\0" + b"\x11" * 44, (sys.argv[1], 51820))' "$TOPO_IP4_B"
	sleep 0.3
	vx stats "$IF" --json >"$TMP/stats.json"
	json_get "$TMP/stats.json" protocols.wireguard.dropped
}

printf 'wireguard drop\n' >"$TMP/drop.pol"
: >"$TMP/empty.pol"
printf '\n  \t\n\r\n' >"$TMP/blank.pol"
printf '# the defaults, on purpose\n' >"$TMP/comment.pol"
vx attach "$IF" --policy "$TMP/drop.pol" >/dev/null 2>&1 || { t_fail attach "cannot attach"; exit 1; }
d0=$(wg_dropped)

expect empty_file_refused 1 err "$MSG" vx policy apply "$IF" "$TMP/empty.pol"
expect empty_stdin_refused 1 err "$MSG" sh -c "true | nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy apply $IF -"
expect blank_file_refused 1 err "$MSG" vx policy apply "$IF" "$TMP/blank.pol"
expect empty_json_refused 1 err "$MSG" vx policy apply "$IF" --json "$TMP/empty.pol"
expect empty_check_refused 1 err "$MSG" "$VPNXDP" policy check "$TMP/empty.pol"
expect empty_diff_refused 1 err "$MSG" vx policy diff "$IF" "$TMP/empty.pol"
expect empty_attach_refused 1 err "$MSG" topo_in_a "$VPNXDP" attach "$TOPO_IF_A" --policy "$TMP/empty.pol"
if topo_in_a ip link show "$TOPO_IF_A" | grep -q prog/xdp; then
	t_fail empty_attach_attaches_nothing "a program is on $TOPO_IF_A"
else
	t_pass empty_attach_attaches_nothing
fi
expect policy_kept 0 out 'wireguard drop' vx policy show "$IF"
expect generation_kept 0 out 'generation 1' vx policy show "$IF"
d1=$(wg_dropped)
t_eq drop_rule_still_drops "$((d1 - d0))" 5

expect reset_to_defaults 0 out "$IF: policy applied (generation 2)" vx policy reset "$IF"
vx policy show "$IF" >"$TMP/show"
if grep -q 'wireguard drop' "$TMP/show"; then
	t_fail reset_removes_rules "$(cat "$TMP/show")"
else
	t_pass reset_removes_rules
fi
d2=$(wg_dropped)
t_eq reset_no_longer_drops "$((d2 - d1))" 0
expect reset_again_unchanged 0 out "policy unchanged (generation 2)" vx policy reset "$IF"
# a file that says something, if only a comment, is a policy: the defaults
expect comment_only_is_the_defaults 0 out "policy unchanged (generation 2)" vx policy apply "$IF" "$TMP/comment.pol"
expect status_label_defaults 0 out "policy: defaults (generation 2)" vx status "$IF"
