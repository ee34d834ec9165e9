#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace costs:
#   replay  `vpnxdp replay` packets/s over the shared captures (where the
#           command exists), apart from its fixed startup cost
#   apply   `vpnxdp policy apply` wall time for the largest policy the
#           language accepts (the signature and prefix policies scale.sh
#           generated, merged, when they exist), on a veth in a namespace
#
# usage: userspace.sh OUT.json     (env: BUILD, BENCH_QUICK, BENCH_PCAPS)
set -u

OUT=${1:?usage: userspace.sh OUT.json}
BUILD=${BUILD:-build}
QUICK=${BENCH_QUICK:-0}
VPNXDP=$(realpath "$BUILD/vpnxdp")
POL=$BUILD/bench/policies
RUNS=3
[ "$QUICK" = 1 ] && RUNS=1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

N=vxu$$
NS=${N}n
TMP=$(mktemp -d /tmp/vxbench.XXXXXX)

inns() { nsenter --net=/var/run/netns/"$NS" "$@"; }

cleanup() {
	if [ -e /var/run/netns/"$NS" ]; then
		inns "$VPNXDP" detach "${N}r" >/dev/null 2>&1
		ip netns del "$NS"
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "userspace: $*" >&2; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) print "null"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

now() { date +%s.%N; }

pcap_dir() {
	local d
	for d in "${BENCH_PCAPS:-}" "${VX_PCAP_DIR:-}" "$ROOT/../shared/pcap"; do
		[ -n "$d" ] && ls "$d"/*.pcap >/dev/null 2>&1 && { echo "$d"; return; }
	done
}

# Seconds and packets for one `replay --json` over the captures given.
replay_once() {
	local t0 t1 pkts
	t0=$(now)
	"$VPNXDP" replay --json "$@" > "$TMP/replay.json" 2>"$TMP/replay.err" || return 1
	t1=$(now)
	pkts=$(jq -s '[.[].packets] | add // 0' "$TMP/replay.json")
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $pkts"
}

# Replay every capture once, then the same list K times over in one
# command: the difference is packets/s once running, without the fixed
# cost of loading and verifying the program (reported as startup).
replay_bench() {
	local dir caps=() many=() k=10 r t1=() tk=() n1 nk s1 sk
	if ! "$VPNXDP" replay --help >/dev/null 2>&1; then
		jq -n '{"supported": false, "reason": "n/a (not implemented): no vpnxdp replay command"}'
		return
	fi
	dir=$(pcap_dir)
	if [ -z "$dir" ]; then
		jq -n '{"supported": false, "reason": "no shared captures found (set BENCH_PCAPS)"}'
		return
	fi
	caps=("$dir"/*.pcap)
	[ "$QUICK" = 1 ] && k=3
	for _ in $(seq "$k"); do many+=("${caps[@]}"); done
	for _ in $(seq "$RUNS"); do
		r=$(replay_once "${caps[@]}") || {
			jq -n --arg e "$(tail -1 "$TMP/replay.err")" '{"supported": true, "error": $e}'
			return
		}
		t1+=("${r% *}"); n1=${r#* }
		r=$(replay_once "${many[@]}") || {
			jq -n --arg e "$(tail -1 "$TMP/replay.err")" '{"supported": true, "error": $e}'
			return
		}
		tk+=("${r% *}"); nk=${r#* }
	done
	s1=$(printf '%s\n' "${t1[@]}" | median)
	sk=$(printf '%s\n' "${tk[@]}" | median)
	log "replay: $n1 packets in $s1 s, $nk in $sk s"
	jq -n --argjson s1 "$s1" --argjson sk "$sk" --argjson n1 "$n1" --argjson nk "$nk" \
		--arg d "$dir" --argjson n "${#caps[@]}" --argjson k "$k" '
		(if $sk > $s1 then ($nk - $n1) / ($sk - $s1) else null end) as $pps
		| {"supported": true, "pps": $pps,
		   "startup_s": (if $pps then $s1 - $n1 / $pps else null end),
		   "pps_with_startup": ($n1 / $s1), "packets": $n1,
		   "captures": $n, "repeats": $k, "dir": $d}'
}

apply_bench() {
	local big=$TMP/big.policy small=$TMP/small.policy what=() t0 t1 secs=() f
	: > "$big"
	for f in "$POL"/sigs-65536.policy "$POL"/prefixes-100000.policy; do
		[ -s "$f" ] && { cat "$f" >> "$big"; what+=("$(basename "$f" .policy)"); }
	done
	echo "pptp drop" >> "$big"
	echo "l2tp drop" > "$small"
	[ ${#what[@]} -eq 0 ] && what=("actions only: the language has no signatures or prefixes yet")
	if ! "$VPNXDP" policy check "$big" >/dev/null 2>"$TMP/check.err"; then
		jq -n --arg e "$(head -1 "$TMP/check.err")" '{"error": ("largest policy rejected: " + $e)}'
		return
	fi
	ip netns add "$NS" &&
	inns ip link add "${N}s" type veth peer name "${N}r" &&
	inns ip link set "${N}s" up && inns ip link set "${N}r" up &&
	inns "$VPNXDP" attach "${N}r" --mode native >/dev/null 2>"$TMP/attach.err" || {
		jq -n --arg e "$(head -1 "$TMP/attach.err")" '{"error": ("attach failed: " + $e)}'
		return
	}
	for _ in $(seq "$RUNS"); do
		inns "$VPNXDP" policy apply "${N}r" "$small" >/dev/null 2>&1
		t0=$(now)
		inns "$VPNXDP" policy apply "${N}r" "$big" >/dev/null 2>"$TMP/apply.err" || {
			jq -n --arg e "$(head -1 "$TMP/apply.err")" '{"error": ("apply failed: " + $e)}'
			return
		}
		t1=$(now)
		secs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
	done
	log "policy apply: ${secs[*]} s (${what[*]})"
	jq -n --argjson s "$(printf '%s\n' "${secs[@]}" | median)" \
		--arg w "${what[*]}" --argjson l "$(wc -l < "$big")" \
		'{"seconds": $s, "policy": $w, "lines": $l}'
}

jq -n --argjson r "$(replay_bench)" --argjson a "$(apply_bench)" \
	'{"replay": $r, "policy_apply": $a}' > "$OUT"
