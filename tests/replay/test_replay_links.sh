#!/usr/bin/env bash
# `vpnxdp replay` on what a capture of a real edge holds besides plain
# frames: frames over the test run's size limit (BIG TCP, GRO) amid normal
# ones, counted "not run (size)" in their flow while the capture goes on;
# frames the snap length cut whose wire length is over 64 KiB, still in
# their flow; PPP, PPP_SERIAL and Cisco HDLC links, with their non-IP
# frames skipped by reason; and broken capture files.  Captures are made by
# mklinks.py, byte by byte.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
ASAN=${ASAN_VPNXDP:-$PWD/build/asan/vpnxdp}
need_root || exit 0
command -v jq >/dev/null || { t_skip replay_links "jq not installed"; exit 0; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 tests/replay/mklinks.py "$TMP" || { t_fail replay_links_setup "mklinks.py failed"; exit 1; }

# run NAME CAPTURE...: text to $TMP/NAME.txt, JSON to $TMP/NAME.json (its
# summary to $TMP/NAME.err); fails NAME when either exits non-zero.
run() {
	local name=$1 rc
	shift
	"$VPNXDP" replay "$@" >"$TMP/$name.txt" 2>"$TMP/$name.txt.err"
	rc=$?
	"$VPNXDP" replay --json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
	[ "$rc" -eq 0 ] || { t_fail "replay_${name}_runs" "exit $rc: $(head -c 300 "$TMP/$name.txt.err" "$TMP/$name.err")"; return 1; }
	t_pass "replay_${name}_runs"
}

# flows NAME: the JSON flows as compact arrays, one a line.
flows() {
	jq -c '[.l4, .src, .sport, .dst, .dport, .protocol, .packets, (.not_run // 0), (.truncated // 0)]' "$TMP/$1.json"
}

# summary NAME REGEX: the text summary and the JSON run's stderr both match.
summary() {
	local name=$1 re=$2
	if tail -1 "$TMP/$name.txt" | grep -Eq -- "$re" && grep -Eq -- "$re" "$TMP/$name.err"; then
		t_pass "replay_${name}_summary"
	else
		t_fail "replay_${name}_summary" "want /$re/: text '$(tail -1 "$TMP/$name.txt")' json '$(cat "$TMP/$name.err")'"
	fi
}

# Frames over the size limit: in their flow as not run, and the WireGuard
# response after them is still judged.
if run big "$TMP/big.pcap"; then
	t_eq replay_big_flows "$(flows big | tr '\n' ' ')" \
'["udp","192.0.2.1",40000,"192.0.2.2",51820,"wireguard",2,0,0] ["tcp","192.0.2.1",40001,"192.0.2.2",443,"other",4,2,0] ["tcp","2001:db8::1",40002,"2001:db8::2",443,"other",2,1,0] '
	summary big '^8 frames .* in 3 flows; 0 dropped; 0 not IP; 0 malformed .*; 3 not run \(size\); 0 truncated'
	grep -Eq '^tcp .* 40001 .* 443 .*\(2 not run: size\)$' "$TMP/big.txt" &&
		t_pass replay_big_text_flow || t_fail replay_big_text_flow "$(tr '\n' '|' <"$TMP/big.txt")"
fi

# Per frame: numbered from 1 in the capture, the ones over the limit not
# run, in order, before the flows.
"$VPNXDP" replay --frames --json "$TMP/big.pcap" >"$TMP/fr.json" 2>/dev/null
t_eq replay_frames_json "$(jq -s -c 'map(select(.frame) | [.frame, .protocol, .not_run]) | map(map(. // 0))' "$TMP/fr.json")" \
	'[[1,"wireguard",0],[2,"other",0],[3,0,"size"],[4,"other",0],[5,0,"size"],[6,0,"size"],[7,"other",0],[8,"wireguard",0]]'
t_eq replay_frames_before_flows "$(jq -r 'if .frame then "f" else "F" end' "$TMP/fr.json" | uniq | tr -d '\n')" fF
"$VPNXDP" replay --frames "$TMP/ppp.pcap" >"$TMP/fr.txt" 2>/dev/null
t_eq replay_frames_text "$(grep '^frame ' "$TMP/fr.txt" | sed "s|$TMP/||" | sed -n '1p;4p' | tr '\n' '|')" \
	'frame 1 ppp.pcap: wireguard verified|frame 4 ppp.pcap: - - skipped: PPP protocol 0xc021|'

# Cut by the snap length with a wire length over 64 KiB (IP length 0), and
# cut inside the TCP header: all in their flows, none malformed.
if run cut "$TMP/cut.pcap"; then
	t_eq replay_cut_flows "$(flows cut | tr '\n' ' ')" \
'["tcp","192.0.2.1",40003,"192.0.2.2",443,"other",3,0,2] ["tcp","2001:db8::1",40004,"2001:db8::2",8443,"other",1,0,1] '
	summary cut '^4 frames .* in 2 flows; .* 0 malformed .*; 0 not run \(size\); 3 truncated by the capture'
fi

# PPP and HDLC: the IPv4 and IPv6 WireGuard handshakes of each, as they
# would be on Ethernet; the control protocols skipped with their numbers.
wg='["udp","192.0.2.1",40010,"192.0.2.2",51820,"wireguard",2,0,0] ["udp","2001:db8::1",40011,"2001:db8::2",51820,"wireguard",1,0,0] '
for lt in 'ppp:6:3 skipped \(link protocol not IP: PPP protocol 0xc021 x2, PPP protocol 0x8021 x1\)' \
	  'ppp_serial:4:1 skipped \(link protocol not IP: PPP protocol 0xc021 x1\)' \
	  'chdlc:5:2 skipped \(link protocol not IP: Cisco HDLC protocol 0x8035 x2\)'; do
	name=${lt%%:*} rest=${lt#*:}
	nfr=${rest%%:*} re=${rest#*:}
	run "$name" "$TMP/$name.pcap" || continue
	t_eq "replay_${name}_flows" "$(flows "$name" | tr '\n' ' ')" "$wg"
	summary "$name" "^$nfr frames .* in 2 flows; .*; $re\$"
done

# Broken files: a clear error naming the file, exit 1, nothing printed; a
# file cut mid-record keeps the frames before the cut, with a warning.
for bad in 'badmagic:unknown file format' 'short:truncated dump file'; do
	name=${bad%%:*} re=${bad#*:}
	"$VPNXDP" replay "$TMP/$name.pcap" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$TMP/bad.out" ] && grep -q "$TMP/$name.pcap: .*$re" "$TMP/bad.err"; then
		t_pass "replay_bad_$name"
	else
		t_fail "replay_bad_$name" "exit $rc: $(head -c 300 "$TMP/bad.err")"
	fi
done
"$VPNXDP" replay --json "$TMP/cutfile.pcap" >"$TMP/cf.json" 2>"$TMP/cf.err"
rc=$?
if [ $rc -eq 0 ] && grep -q "warning: $TMP/cutfile.pcap: truncated dump file.*replayed the frames before it" "$TMP/cf.err" &&
   [ "$(jq -c '[.dport, .protocol, .packets]' "$TMP/cf.json")" = '[51820,"wireguard",1]' ]; then
	t_pass replay_bad_cut_record
else
	t_fail replay_bad_cut_record "exit $rc: $(head -c 300 "$TMP/cf.err") $(head -c 200 "$TMP/cf.json")"
fi

# The same captures under ASan+UBSan: no finding, the same flows.
if [ -x "$ASAN" ]; then
	for name in big cut ppp ppp_serial chdlc cutfile; do
		ASAN_OPTIONS=detect_leaks=1 "$ASAN" replay --json "$TMP/$name.pcap" >"$TMP/asan.json" 2>"$TMP/asan.err"
		if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$TMP/asan.err"; then
			t_fail "replay_${name}_asan" "$(grep -m2 -E 'runtime error|Sanitizer' "$TMP/asan.err")"
		elif [ "$name" != cutfile ] && ! cmp -s "$TMP/asan.json" "$TMP/$name.json"; then
			t_fail "replay_${name}_asan" "flows differ from the plain build"
		else
			t_pass "replay_${name}_asan"
		fi
	done
else
	t_fail replay_links_asan "no ASan build at $ASAN (make asan)"
fi
