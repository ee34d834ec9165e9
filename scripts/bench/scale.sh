#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: vpnxdp's per-packet cost (BPF_PROG_TEST_RUN, progbench scale) as
#   signatures grow 10 -> 65,536      (policy "signature" lines)
#   allow-list prefixes 1 -> 100,000  (policy "... from PREFIX, ..." rules)
#   tracked flows 1,000 -> 1,000,000  (the flow cache, filled by vpnxdp
#                                      itself from N distinct handshakes)
# Each axis is measured only where the data path and the policy language
# have the feature (detected here, never assumed); otherwise it is reported
# as "n/a (not implemented)" with what was missing.
#
# usage: scale.sh FEATURES.json OUT.json
#   env: BUILD, BENCH_QUICK (fewer points, shorter runs), PB_ROUNDS, PB_REPEAT
# Writes the generated policies under $BUILD/bench/policies/ (kept: the
# userspace bench applies the largest ones).
set -u

FEAT=${1:?usage: scale.sh FEATURES.json OUT.json}
OUT=${2:?usage: scale.sh FEATURES.json OUT.json}
BUILD=${BUILD:-build}
QUICK=${BENCH_QUICK:-0}
PB=$BUILD/bench/progbench
VPNXDP=$BUILD/vpnxdp
POL=$BUILD/bench/policies
ROUNDS=${PB_ROUNDS:-5}
REPEAT=${PB_REPEAT:-1000000}
if [ "$QUICK" = 1 ]; then
	SIG_N="10 65536"; PFX_N="1 100000"; FLOW_N="1000 1000000"
else
	SIG_N="10 1000 16384 65536"; PFX_N="1 100 10000 100000"
	FLOW_N="1000 10000 100000 1000000"
fi
PKTS=v4_udp_vpn,v4_udp_other,v6_udp_vpn,v4_tcp_443
mkdir -p "$POL"

log() { echo "scale: $*" >&2; }
trap 'exit 130' INT
trap 'exit 143' TERM

# Does `vpnxdp policy check` accept this text?  (The policy language is the
# interface: whatever issue adds a feature also adds its syntax.)
policy_ok() {
	printf '%s\n' "$1" > "$POL/probe.policy"
	"$VPNXDP" policy check "$POL/probe.policy" >/dev/null 2>&1
}

# Drop lines that `policy check` rejects (say a signature that duplicates
# a built-in one) until the file passes; at most 50 tries.
prune_policy() {
	local f=$1 line
	for _ in $(seq 50); do
		line=$("$VPNXDP" policy check "$f" 2>&1 >/dev/null |
			sed -n 's/^[^:]*:\([0-9][0-9]*\):.*/\1/p' | head -1)
		[ -z "$line" ] && break
		sed -i "${line}d" "$f"
	done
	"$VPNXDP" policy check "$f" >/dev/null 2>&1
}

# N one-port signatures on ports 5000 and up, UDP first then TCP.
gen_sigs() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) {
		t = i < 32768 ? "udp" : "tcp"
		printf "signature openvpn %s %d\n", t, 5000 + i % 32768 } }'
}

# N /32 prefixes (10.0.0.0/8 host addresses) in one rule of the WireGuard
# class, so that only the number of prefixes changes from point to point,
# never the number of rules; the bench packet's source (192.0.2.1) is not
# among them, so every lookup walks the trie to a miss.
gen_prefixes() {
	awk -v n="$1" 'BEGIN { printf "wireguard count from "
		for (i = 0; i < n; i++) {
			a = 1 + i * 7919 % 16777213
			printf "%s10.%d.%d.%d/32", (i ? ", " : ""), int(a / 65536) % 256, int(a / 256) % 256, a % 256
		}
		printf "\n"; print "wireguard count" }'
}

# Run progbench scale; print {"n": N, "packets": {name: {ns, ratio}}}.
measure() {
	local n=$1; shift
	local tmp=$POL/pb.json
	if ! "$PB" scale --null "$BUILD/bench/null.bpf.o" --rounds "$ROUNDS" \
		--repeat "$REPEAT" --packets "$PKTS" --json "$tmp" "$@" >/dev/null 2>"$POL/pb.err"; then
		jq -n --argjson n "$n" --arg e "$(tail -1 "$POL/pb.err")" '{"n": $n, "error": $e}'
		return
	fi
	jq -c --argjson n "$n" '{"n": $n, "entries": .filled, "packets": ([.packets[] |
		{(.name): {"ns": .results.vpnxdp.ns, "ratio": .results.vpnxdp.ratio,
		           "null_ns": .results.null.ns}}] | add)}' "$tmp"
}

# Wrap the points of one axis: flatness = cost at the largest size over
# cost at the smallest, per packet kind, each cost as its ratio to the floor
# of its own run (separate runs on a shared machine see different load).
axis() {
	local note=$1; shift
	printf '%s\n' "$@" | jq -s --arg note "$note" '
		{"supported": true, "note": $note, "points": .,
		 "flatness": ((map(select(.packets)) | if length > 1 then
			(.[0].packets | keys) as $k
			| (first.packets) as $lo | (last.packets) as $hi
			| [$k[] | {(.): ($hi[.].ratio / $lo[.].ratio)}] | add
			else null end))}'
}

na() { jq -n --arg r "$1" '{"supported": false, "reason": ("n/a (not implemented): " + $r)}'; }

sigs_axis() {
	local pts=() n f
	if ! policy_ok "signature openvpn udp 5000"; then
		na "the policy language has no 'signature' lines"; return
	fi
	for n in $SIG_N; do
		f=$POL/sigs-$n.policy
		gen_sigs "$n" > "$f"
		if ! prune_policy "$f"; then
			pts+=("$(jq -n --argjson n "$n" '{"n": $n, "error": "policy rejected"}')")
			continue
		fi
		log "signatures $n ($(wc -l < "$f") lines)"
		pts+=("$(measure "$(wc -l < "$f")" --policy "$f")")
	done
	axis "one-port signatures added to the defaults" "${pts[@]}"
}

pfx_axis() {
	local pts=() n f
	if ! jq -e '.maps[] | select(.type == "lpm_trie" or .inner_type == "lpm_trie")' "$FEAT" >/dev/null; then
		na "no LPM-trie map in vpnxdp's object"; return
	fi
	if ! policy_ok "wireguard count from 10.0.0.1/32"; then
		na "the policy language has no 'from PREFIX' rules"; return
	fi
	for n in $PFX_N; do
		f=$POL/prefixes-$n.policy
		gen_prefixes "$n" > "$f"
		if ! "$VPNXDP" policy check "$f" >/dev/null 2>"$POL/check.err"; then
			pts+=("$(jq -n --argjson n "$n" --arg e "$(head -1 "$POL/check.err")" '{"n": $n, "error": $e}')")
			continue
		fi
		log "prefixes $n"
		pts+=("$(measure "$n" --policy "$f")")
	done
	axis "IPv4 /32 allow-list prefixes on the wireguard class" "${pts[@]}"
}

flow_axis() {
	local pts=() n map
	map=$(jq -r '[.maps[] | select((.type | test("lru")) and (.name | test("flow")))][0].name // empty' "$FEAT")
	if [ -z "$map" ]; then
		na "no LRU flow map (a map named *flow*) in vpnxdp's object"; return
	fi
	for n in $FLOW_N; do
		log "flows $n in $map"
		pts+=("$(measure "$n" --fill-map "$map" --fill "$n" --fill-traffic)")
	done
	axis "map $map filled by running N distinct WireGuard handshakes through vpnxdp (entries: what the map then held)" "${pts[@]}"
}

jq -n --argjson s "$(sigs_axis)" --argjson p "$(pfx_axis)" --argjson f "$(flow_axis)" \
	'{"signatures": $s, "prefixes": $p, "flows": $f}' > "$OUT"
