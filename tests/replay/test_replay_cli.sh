#!/usr/bin/env bash
# `vpnxdp replay` as an operator meets it: usage, exit codes, bad input,
# non-root, every supported link type giving the same flows as Ethernet,
# an unsupported one skipped, IP fragments joined to their flow, policies
# (drop, pass), the JSON shape, and malformed and truncated captures under
# ASan+UBSan without a crash.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

PCAP=${VX_PCAP_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/pcap}
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
ASAN=${ASAN_VPNXDP:-$PWD/build/asan/vpnxdp}
[ "$(id -u)" -eq 0 ] || { t_skip replay_cli "needs root"; exit 0; }
[ -f "$PCAP/wireguard.pcap" ] || { t_skip replay_cli "no shared captures at $PCAP (set VX_PCAP_DIR)"; exit 0; }
command -v jq >/dev/null || { t_skip replay_cli "jq not installed"; exit 0; }

TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 tests/replay/mkcaps.py "$PCAP/wireguard.pcap" "$TMP" ||
	{ t_fail replay_cli_setup "mkcaps.py failed"; exit 1; }
chmod 644 "$TMP"/*

# expect NAME WANT_RC STREAM REGEX -- CMD...
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

expect replay_help 0 out '^Usage: vpnxdp replay \[--policy FILE\] \[--frames\] \[--json\] CAPTURE' -- "$VPNXDP" replay --help
expect replay_no_capture 1 err 'Usage: vpnxdp replay' -- "$VPNXDP" replay
expect replay_bad_option 1 err 'Usage: vpnxdp replay' -- "$VPNXDP" replay --bogus "$PCAP/wireguard.pcap"
expect replay_missing_capture 1 err "$TMP/nope.pcap" -- "$VPNXDP" replay "$PCAP/wireguard.pcap" "$TMP/nope.pcap"
[ -s "$TMP/out" ] && t_fail replay_missing_capture_no_output "printed flows before failing" ||
	t_pass replay_missing_capture_no_output
expect replay_not_a_capture 1 err 'counts' -- "$VPNXDP" replay "$TMP/counts"
printf 'wireguard drop\nbogus count\n' >"$TMP/bad.policy"
expect replay_bad_policy 1 err 'bad.policy:2' -- "$VPNXDP" replay --policy "$TMP/bad.policy" "$PCAP/wireguard.pcap"
if command -v setpriv >/dev/null; then
	expect replay_not_root 2 err 'root.*CAP_BPF|CAP_BPF.*root' -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$VPNXDP" replay "$TMP/frag.pcap"
fi

# Text output: a header, one line per flow, a summary.
"$VPNXDP" replay "$PCAP/wireguard.pcap" >"$TMP/text" 2>&1
"$VPNXDP" replay --json "$PCAP/wireguard.pcap" >"$TMP/eth.json" 2>"$TMP/eth.err"
nflows=$(wc -l <"$TMP/eth.json")
if head -1 "$TMP/text" | grep -q '^l4 .*client.*server.*class.*conf.*packets.*bytes.*dropped' &&
   [ "$(grep -c '^udp ' "$TMP/text")" -eq "$nflows" ] && [ "$nflows" -eq 2 ] &&
   tail -1 "$TMP/text" | grep -q '^52 frames .* in 2 flows; 0 dropped'; then
	t_pass replay_text
else
	t_fail replay_text "$(tr '\n' '|' <"$TMP/text" | head -c 400)"
fi
if grep -q '^52 frames' "$TMP/eth.err" && ! grep -qv '^{' "$TMP/eth.json"; then
	t_pass replay_json_stdout_only_flows
else
	t_fail replay_json_stdout_only_flows "$(head -c 300 "$TMP/eth.err")"
fi

# JSON shape: exactly the documented keys on a plain flow; "classes" on a
# mixed one, summing to its packets.
keys=$(jq -c 'keys_unsorted' "$TMP/eth.json" | sort -u)
want='["l4","src","sport","dst","dport","protocol","confidence","packets","bytes","dropped"]'
[ "$keys" = "$want" ] && t_pass replay_json_keys || t_fail replay_json_keys "$keys"
"$VPNXDP" replay --json "$PCAP/openvpn.pcap" >"$TMP/ovpn.json" 2>/dev/null
mixed=$(jq -c 'select(.classes) | [(.classes | add) == .packets, (.classes | length > 1),
	.protocol == (.classes | to_entries | map(select(.key != "other" and .key != "fragment"))
	| max_by(.value) | .key)] | all' "$TMP/ovpn.json" | sort -u)
[ "$mixed" = "true" ] && t_pass replay_json_classes || t_fail replay_json_classes "got '${mixed:-no mixed flow}'"

# Confidence: ESP by its IP protocol is verified; flows that are not VPN
# have none.
c=$("$VPNXDP" replay --json "$PCAP/esp.pcap" 2>/dev/null | jq -c 'select(.l4 == "esp") | [.protocol, .confidence]')
[ "$c" = '["esp","verified"]' ] && t_pass replay_confidence_verified || t_fail replay_confidence_verified "$c"
c=$("$VPNXDP" replay --json "$PCAP/synscan.pcap" 2>/dev/null | jq -s -c 'map(select(.protocol == "other") | .confidence) | unique')
[ "$c" = '[null]' ] && t_pass replay_confidence_none || t_fail replay_confidence_none "$c"

# Every link type: the same flows and classes as Ethernet; bytes are the
# frames as captured, so they differ by the link header's size.
ethkey=$(jq -c '[.l4,.src,.sport,.dst,.dport,.protocol,.packets,.dropped]' "$TMP/eth.json")
ethbytes=$(jq -s 'map(.bytes) | add' "$TMP/eth.json")
for lt in sll:16 sll2:20 raw:0 ipv4:0 null:4 loop:4; do
	name=${lt%%:*} hl=${lt##*:}
	"$VPNXDP" replay --json "$TMP/lt_$name.pcap" >"$TMP/lt.json" 2>"$TMP/lt.err"
	got=$(jq -c '[.l4,.src,.sport,.dst,.dport,.protocol,.packets,.dropped]' "$TMP/lt.json")
	bytes=$(jq -s 'map(.bytes) | add' "$TMP/lt.json")
	if [ "$got" = "$ethkey" ] && [ "$bytes" -eq $((ethbytes + 52 * (hl - 14))) ]; then
		t_pass "replay_linktype_$name"
	else
		t_fail "replay_linktype_$name" "flows $(echo "$got" | head -c 200) bytes $bytes: $(head -c 200 "$TMP/lt.err")"
	fi
done
expect replay_linktype_unsupported 0 err 'IEEE802_11.*not supported.*skipped' -- \
	"$VPNXDP" replay "$TMP/lt_80211.pcap" "$TMP/frag.pcap"
grep -q '^udp .*wireguard' "$TMP/out" && t_pass replay_linktype_unsupported_others_run ||
	t_fail replay_linktype_unsupported_others_run "$(head -c 300 "$TMP/out")"

# Fragments: the later fragment joins the first's flow, and (the fragment
# cache of the program) takes its class: one class for the flow.
"$VPNXDP" replay --json "$TMP/frag.pcap" >"$TMP/frag.json" 2>/dev/null
fr=$(jq -c '[.src,.sport,.dport,.protocol,.packets,.classes]' "$TMP/frag.json")
[ "$fr" = '["192.0.2.1",40000,51820,"wireguard",2,null]' ] && t_pass replay_fragments_join ||
	t_fail replay_fragments_join "$fr"

# Standard input.
"$VPNXDP" replay --json - <"$TMP/v6.pcap" >"$TMP/stdin.json" 2>/dev/null
cmp -s "$TMP/stdin.json" <("$VPNXDP" replay --json "$TMP/v6.pcap" 2>/dev/null) &&
	[ -s "$TMP/stdin.json" ] && t_pass replay_stdin || t_fail replay_stdin "$(head -c 200 "$TMP/stdin.json")"

# IPv6: one flow, both directions, client the first sender.
"$VPNXDP" replay --json "$TMP/v6.pcap" >"$TMP/v6.json" 2>/dev/null
v6=$(jq -c '[.l4,.src,.sport,.dst,.dport,.protocol,.packets,.bytes]' "$TMP/v6.json")
[ "$v6" = '["udp","2001:db8::1",40001,"2001:db8::2",51820,"wireguard",2,364]' ] &&
	t_pass replay_ipv6 || t_fail replay_ipv6 "$v6"

# Policies: drop drops every frame of the class; pass is still seen.
printf 'wireguard drop\n' >"$TMP/drop.policy"
d=$("$VPNXDP" replay --json --policy "$TMP/drop.policy" "$PCAP/wireguard.pcap" 2>/dev/null |
	jq -s -c 'map([.protocol, .dropped == .packets]) | unique')
[ "$d" = '[["wireguard",true]]' ] && t_pass replay_policy_drop || t_fail replay_policy_drop "$d"
printf 'wireguard pass\n' >"$TMP/pass.policy"
d=$("$VPNXDP" replay --json --policy "$TMP/pass.policy" "$PCAP/wireguard.pcap" 2>/dev/null |
	jq -s -c 'map([.protocol, .dropped]) | unique')
[ "$d" = '[["wireguard",0]]' ] && t_pass replay_policy_pass || t_fail replay_policy_pass "$d"

# Malformed and truncated frames under ASan+UBSan: no crash, every frame
# accounted for, the capture's truncations noted.
if [ -x "$ASAN" ]; then
	read -r nmal ntrunc <"$TMP/counts"
	ASAN_OPTIONS=detect_leaks=1 "$ASAN" replay --json "$TMP/malformed.pcap" >"$TMP/mal.json" 2>"$TMP/mal.err"
	rc=$?
	if [ $rc -ne 0 ] || grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$TMP/mal.err"; then
		t_fail replay_malformed_asan "exit $rc: $(grep -m2 -E 'runtime error|Sanitizer' "$TMP/mal.err")"
	elif ! grep -q "^$nmal frames .* $ntrunc truncated by the capture" "$TMP/mal.err"; then
		t_fail replay_malformed_asan "summary: $(cat "$TMP/mal.err")"
	else
		t_pass replay_malformed_asan
	fi
	for f in "$PCAP"/*.pcap; do
		"$ASAN" replay "$f" >/dev/null 2>"$TMP/a.err" || { echo "exit $?" >>"$TMP/a.err"; break; }
		grep -qE 'runtime error|Sanitizer' "$TMP/a.err" && break
		: >"$TMP/a.err"
	done
	[ -s "$TMP/a.err" ] && t_fail replay_shared_asan "$(head -c 300 "$TMP/a.err")" || t_pass replay_shared_asan
else
	t_fail replay_malformed_asan "no ASan build at $ASAN (make asan)"
fi
