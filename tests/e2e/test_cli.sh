#!/usr/bin/env bash
# The command line as an operator meets it: usage and --help, bad arguments,
# missing interfaces, a non-root user, bad policies, attaching twice, a
# foreign XDP program, several interfaces, a stale attachment.  Every error
# is one clear line, a documented exit code, and nothing left behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
PFX="vxc$$"
TMP=$(mktemp -d)
FOREIGN=/sys/fs/bpf/vxforeign_$$
cleanup() {
	topo_in_a bpftool net detach xdpgeneric dev "$TOPO_IF_A" >/dev/null 2>&1
	rm -f "$FOREIGN"
	for i in "$TOPO_IF_A" "$TOPO_IF_B"; do
		[ -n "$i" ] && "$VPNXDP" detach "$i" >/dev/null 2>&1
	done
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
vx() { topo_in_b "$VPNXDP" "$@"; }
vxa() { topo_in_a "$VPNXDP" "$@"; }

# expect NAME WANT_RC STREAM(out|err) REGEX -- CMD...
expect() {
	local name=$1 want=$2 stream=$3 re=$4
	shift 5
	"$@" >"$TMP/out" 2>"$TMP/err"
	local rc=$? text
	text=$(cat "$TMP/$stream")
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit $rc, want $want: $(head -c 300 "$TMP/err")"
	elif ! grep -Eq -- "$re" "$TMP/$stream"; then
		t_fail "$name" "std$stream lacks /$re/: $(head -c 300 "$TMP/$stream")"
	else
		t_pass "$name"
	fi
	: "$text"
}

expect no_args 1 err 'Usage: vpnxdp' -- "$VPNXDP"
expect help 0 out 'vpnxdp attach IFACE' -- "$VPNXDP" --help
expect version 0 out '^vpnxdp [0-9]' -- "$VPNXDP" --version
expect unknown_command 1 err "unknown command 'frobnicate'" -- "$VPNXDP" frobnicate
for c in attach detach status stats policy; do
	expect "help_$c" 0 out "Usage: vpnxdp $c" -- "$VPNXDP" "$c" --help
done
expect attach_no_iface_arg 1 err 'Usage: vpnxdp attach' -- "$VPNXDP" attach
expect attach_bad_mode 1 err "unknown mode 'turbo'" -- vx attach "$TOPO_IF_B" --mode turbo
expect attach_missing_iface 1 err 'vx-nope0: no such interface' -- vx attach vx-nope0
expect attach_bad_name 1 err 'not a valid interface name' -- vx attach "averyveryverylongname0"
expect attach_slash_name 1 err 'not a valid interface name' -- vx attach "../etc"
if [ -e /sys/fs/bpf/vpnxdp/vx-nope0 ]; then t_fail missing_iface_no_pins "pins were left"; else t_pass missing_iface_no_pins; fi
expect stats_not_attached 1 err "$TOPO_IF_B: not attached" -- vx stats "$TOPO_IF_B"
expect detach_not_attached 1 err "$TOPO_IF_B: not attached" -- vx detach "$TOPO_IF_B"

printf 'pptp drop\nwireguard dorp\n' >"$TMP/bad.pol"
expect attach_bad_policy 1 err "bad.pol:2:11: unknown action 'dorp'" -- vx attach "$TOPO_IF_B" --policy "$TMP/bad.pol"
if topo_in_b ip link show "$TOPO_IF_B" | grep -q prog/xdp || [ -e "/sys/fs/bpf/vpnxdp/$TOPO_IF_B" ]; then
	t_fail bad_policy_nothing_attached "something was attached"
else
	t_pass bad_policy_nothing_attached
fi
expect attach_missing_policy 1 err 'no-such.pol: No such file' -- vx attach "$TOPO_IF_B" --policy "$TMP/no-such.pol"

printf '# ok\npptp drop\n' >"$TMP/good.pol"
expect attach_ok 0 out "$TOPO_IF_B: attached \(native mode" -- vx attach "$TOPO_IF_B" --policy "$TMP/good.pol"
# Not root: the pins are root's (0700), and that is what is said.
expect non_root 2 err "the pins are root's: run as root" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$VPNXDP" stats "$TOPO_IF_B"
id1=$(vx status "$TOPO_IF_B" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["program_id"])')
expect attach_twice 0 out 'already attached .*nothing changed' -- vx attach "$TOPO_IF_B"
id2=$(vx status "$TOPO_IF_B" --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["interfaces"][0]["program_id"])')
t_eq attach_twice_same_program "$id2" "$id1"
expect detach_from_other_netns 1 err 'attached in another network namespace' -- "$VPNXDP" detach "$TOPO_IF_B"
expect status_other_netns 0 out 'attached in another network namespace' -- "$VPNXDP" status "$TOPO_IF_B"
topo_in_a ip link add "$TOPO_IF_B" type veth peer name "vxp$$"
expect attach_from_other_netns 1 err 'attached in another network namespace' -- vxa attach "$TOPO_IF_B"
topo_in_a ip link del "$TOPO_IF_B"
expect still_attached_after_refusals 0 out "$TOPO_IF_B: attached," -- vx status "$TOPO_IF_B"
expect status_policy_label 0 out "policy: $TMP/good.pol \(generation 1\)" -- vx status "$TOPO_IF_B"

# Policy pushes: invalid changes nothing, valid bumps the generation once.
expect policy_check_ok 0 out 'valid' -- "$VPNXDP" policy check "$TMP/good.pol"
expect policy_check_bad 1 err 'bad.pol:2:11' -- "$VPNXDP" policy check "$TMP/bad.pol"
expect policy_apply_bad 1 err "unknown action 'dorp'" -- vx policy apply "$TOPO_IF_B" "$TMP/bad.pol"
expect policy_apply_bad_keeps_gen 0 out 'generation 1\)' -- vx stats "$TOPO_IF_B"
expect policy_apply_same 0 out 'policy unchanged \(generation 1\)' -- vx policy apply "$TOPO_IF_B" "$TMP/good.pol"
expect policy_apply_stdin 0 out 'policy applied \(generation 2\)' -- sh -c "echo 'l2tp drop' | nsenter --net=/var/run/netns/$TOPO_NS_B $VPNXDP policy apply $TOPO_IF_B -"
printf 'other drop\n' >"$TMP/other.pol"
expect policy_other_refused 1 err 'other.pol:1:1: class .other. takes no action' -- vx policy apply "$TOPO_IF_B" "$TMP/other.pol"
printf 'pptp drop\npptp count\n' >"$TMP/dup.pol"
expect policy_duplicate 1 err 'dup.pol:2:1: rule can never match: an earlier pptp rule' -- vx policy apply "$TOPO_IF_B" "$TMP/dup.pol"
printf 'pptp dr\xffop\n' >"$TMP/latin.pol"
expect policy_not_utf8 1 err 'latin.pol:1:8: not valid UTF-8' -- vx policy apply "$TOPO_IF_B" "$TMP/latin.pol"
expect policy_unknown_sub 1 err "unknown subcommand 'frob'" -- vx policy frob

# A second interface at once (side a, in the other namespace).
expect attach_second_iface 0 out "$TOPO_IF_A: attached" -- vxa attach "$TOPO_IF_A" --mode skb
# Pins are global, interfaces live in their namespaces: each side's state is
# judged from its own namespace; the listing shows both.
n=0
vxa status "$TOPO_IF_A" --json | grep -q '"state": "attached"' && n=$((n + 1))
vx status "$TOPO_IF_B" --json | grep -q '"state": "attached"' && n=$((n + 1))
listed=$("$VPNXDP" status --json | /usr/bin/python3 -c "import json,sys; print(sum(1 for i in json.load(sys.stdin)['interfaces'] if i['interface'] in ('$TOPO_IF_A','$TOPO_IF_B')))")
t_eq two_interfaces_listed "$listed" 2
t_eq two_interfaces_attached "$n" 2
expect detach_second_iface 0 out "$TOPO_IF_A: detached" -- vxa detach "$TOPO_IF_A"

# A program vpnxdp did not put there is reported, not replaced.
# A program of its own (not vpnxdp's object, whose maps libbpf would pin by
# name into the bpffs root).
bpftool prog load build/bench/null.bpf.o "$FOREIGN" type xdp >/dev/null 2>&1
topo_in_a bpftool net attach xdpgeneric pinned "$FOREIGN" dev "$TOPO_IF_A" >/dev/null 2>&1
expect foreign_program 1 err 'already runs XDP program .* not vpnxdp' -- vxa attach "$TOPO_IF_A" --mode skb
if [ -e "/sys/fs/bpf/vpnxdp/$TOPO_IF_A" ]; then t_fail foreign_no_pins "pins left"; else t_pass foreign_no_pins; fi
topo_in_a bpftool net detach xdpgeneric dev "$TOPO_IF_A" >/dev/null 2>&1

# Gone: the interface goes away under the attachment (its XDP link is then
# attached nowhere).
topo_in_b ip link del "$TOPO_IF_B"
expect status_gone 0 out "$TOPO_IF_B: GONE" -- vx status "$TOPO_IF_B"
expect detach_gone 0 out 'removed an attachment whose interface is gone' -- vx detach "$TOPO_IF_B"
if [ -e "/sys/fs/bpf/vpnxdp/$TOPO_IF_B" ]; then t_fail stale_pins_removed "pins left"; else t_pass stale_pins_removed; fi
