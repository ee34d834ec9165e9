#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# veth throughput: trafgen in namespace A sends 64-byte frames (60 bytes plus
# the FCS a wire would add) of ESP-in-UDP to port 4500 over a veth pair into
# namespace B, where each contender in turn handles them:
#   none         nothing attached: the kernel stack takes them (no socket, so
#                they end in the UDP layer)
#   null_drop    an XDP program that returns XDP_DROP (the reference)
#   vpnxdp_drop  vpnxdp attached with the policy "esp drop"
#   xdpfilt_drop xdp-filter load (its default object) + xdp-filter port 4500
#   nft_drop     nftables netdev ingress: udp dport 4500 drop
# Packets handled per second are counted at the receiver, over a window after
# a warm-up: XDP drops from veth's per-queue xdp_drops (ethtool -S), the nft
# rule's own counter, and for "none" rx_packets - rx_dropped of the receiving
# veth.  Each mode runs RUNS times; the median is reported.
#
# usage: throughput.sh OUT.json     (env: BUILD, TP_RUNS, TP_SECS, TP_WARM)
# Needs root.  Everything it makes (namespaces, programs, pins, the nft table,
# trafgen) is removed on exit, pass or fail.
set -u

OUT=${1:?usage: throughput.sh OUT.json}
BUILD=${BUILD:-build}
RUNS=${TP_RUNS:-3}
SECS=${TP_SECS:-2}
WARM=${TP_WARM:-0.5}
VPNXDP=$BUILD/vpnxdp
NULLOBJ=$BUILD/bench/null.bpf.o

N=vxb$$
NSA=${N}a
NSB=${N}b
IFA=${N}s
IFB=${N}r
TMP=$(mktemp -d /tmp/vxbench.XXXXXX)
TG_PID=

ina() { nsenter --net=/var/run/netns/"$NSA" "$@"; }
inb() { nsenter --net=/var/run/netns/"$NSB" "$@"; }

stop_trafgen() {
	if [ -n "$TG_PID" ]; then
		# trafgen forks workers: stop the whole process group we made.
		kill -INT -- -"$TG_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 -- -"$TG_PID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- -"$TG_PID" 2>/dev/null
		wait "$TG_PID" 2>/dev/null
		TG_PID=
	fi
}

detach_all() {
	inb "$VPNXDP" detach "$IFB" >/dev/null 2>&1
	inb xdp-filter unload "$IFB" >/dev/null 2>&1
	inb ip link set dev "$IFB" xdp off 2>/dev/null
	inb nft delete table netdev vxbench 2>/dev/null
	return 0
}

cleanup() {
	stop_trafgen
	if [ -e /var/run/netns/"$NSB" ]; then
		detach_all
		ip netns del "$NSB" 2>/dev/null
	fi
	ip netns del "$NSA" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { echo "throughput: $*" >&2; }

setup() {
	ip netns add "$NSA" && ip netns add "$NSB" &&
	ip link add "$IFA" netns "$NSA" type veth peer name "$IFB" netns "$NSB" &&
	ina ip link set "$IFA" up && inb ip link set "$IFB" up &&
	ina ip link set lo up && inb ip link set lo up &&
	ina ip addr add 198.51.100.2/24 dev "$IFA" &&
	inb ip addr add 198.51.100.1/24 dev "$IFB"
}

# One 60-byte frame: Ethernet, IPv4 198.51.100.2 -> .1, UDP 4500 -> 4500,
# ESP (non-zero SPI, sequence) and 10 bytes of ciphertext.
trafgen_conf() {
	local mac
	mac=$(inb ip -j link show dev "$IFB" | jq -r '.[0].address' |
		sed 's/^/0x/; s/:/, 0x/g')
	cat > "$TMP/frame.cfg" <<EOF
{
  $mac,
  0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
  c16(0x0800),
  0x45, 0x00, c16(46), c16(1), c16(0), 64, 17, csumip(14, 33),
  198, 51, 100, 2,  198, 51, 100, 1,
  c16(4500), c16(4500), c16(26), c16(0),
  0xc0, 0xff, 0xee, 0x01, 0x00, 0x00, 0x00, 0x01,
  fill(0x5a, 10),
}
EOF
}

# Packets handled so far by the mode's own count.
count() {
	case $1 in
	none)
		inb ip -j -s link show dev "$IFB" |
			jq '.[0].stats64.rx.packets - .[0].stats64.rx.dropped' ;;
	nft_drop)
		inb nft -j list chain netdev vxbench in |
			jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add // 0' ;;
	*)
		inb ethtool -S "$IFB" |
			awk '/rx_queue_[0-9]+_xdp_drops:/ { s += $2 } END { print s + 0 }' ;;
	esac
}

attach() {
	case $1 in
	none) ;;
	null_drop)
		inb ip link set dev "$IFB" xdpdrv obj "$NULLOBJ" sec xdp \
			program xdp_null_drop ;;
	vpnxdp_drop)
		echo "esp drop" > "$TMP/drop.policy"
		inb "$VPNXDP" attach "$IFB" --mode native --policy "$TMP/drop.policy" >/dev/null ;;
	xdpfilt_drop)
		inb xdp-filter load "$IFB" --mode native >/dev/null &&
		inb xdp-filter port 4500 --proto udp --mode dst >/dev/null ;;
	nft_drop)
		inb nft -f - <<EOF
table netdev vxbench {
	chain in {
		type filter hook ingress device "$IFB" priority 0;
		udp dport 4500 counter drop
	}
}
EOF
		;;
	esac
}

# pps of one timed run of the mode that is attached now.
one_run() {
	local mode=$1 c0 c1 t0 t1
	# Bounded in time (stopped below) and, should that fail, in count: 10
	# Mpps (beyond what one CPU and veth reach) for the window + 10 s.
	setsid nsenter --net=/var/run/netns/"$NSA" trafgen --dev "$IFA" \
		--conf "$TMP/frame.cfg" --cpus 1 --no-sock-mem -C \
		--num "$(awk -v s="$SECS" -v w="$WARM" 'BEGIN { printf "%d", (s + w + 10) * 10000000 }')" \
		>"$TMP/trafgen.log" 2>&1 &
	TG_PID=$!
	sleep "$WARM"
	if ! kill -0 "$TG_PID" 2>/dev/null; then
		log "trafgen did not start: $(tail -2 "$TMP/trafgen.log")"
		TG_PID=
		return 1
	fi
	c0=$(count "$mode"); t0=$(date +%s.%N)
	sleep "$SECS"
	c1=$(count "$mode"); t1=$(date +%s.%N)
	stop_trafgen
	awk -v a="$c0" -v b="$c1" -v s="$t0" -v e="$t1" \
		'BEGIN { printf "%.0f\n", (b - a) / (e - s) }'
}

has_xdpfilter_elsewhere() {
	# xdp-filter keeps its maps pinned globally: if one is loaded on any
	# other interface, ours would share (and change) its port list.
	[ -d /sys/fs/bpf/xdp-filter ] && [ -n "$(ls /sys/fs/bpf/xdp-filter 2>/dev/null)" ]
}

# Which modes can run here; the others get their reason recorded.
check_mode() {
	case $1 in
	xdpfilt_drop)
		command -v xdp-filter >/dev/null || { echo "xdp-filter not installed"; return; }
		has_xdpfilter_elsewhere && echo "xdp-filter already loaded on another interface" ;;
	nft_drop)
		command -v nft >/dev/null || echo "nft (nftables) not installed" ;;
	esac
}

main() {
	local mode pps json='{}' reason run
	local modes=(none null_drop vpnxdp_drop xdpfilt_drop nft_drop)
	declare -A runs=() why=()
	command -v trafgen >/dev/null || {
		jq -n '{"error": "trafgen (netsniff-ng) not installed"}' > "$OUT"; return 0; }
	setup || { log "cannot build the veth pair"; exit 2; }
	trafgen_conf
	# Runs are interleaved (every mode once, then again) so that load from
	# other work on a shared machine spreads over all modes.
	for run in $(seq "$RUNS"); do
		for mode in "${modes[@]}"; do
			[ -n "${why[$mode]:-}" ] && continue
			reason=$(check_mode "$mode")
			if [ -z "$reason" ] && ! attach "$mode" 2>"$TMP/attach.err"; then
				reason="attach failed: $(head -1 "$TMP/attach.err")"
			fi
			if [ -n "$reason" ]; then
				log "$mode: n/a ($reason)"
				why[$mode]=$reason
				detach_all
				continue
			fi
			# A failed run keeps its place (null): runs are compared
			# with the null XDP_DROP run of the same round.
			pps=$(one_run "$mode") || pps=null
			runs[$mode]="${runs[$mode]:-} $pps"
			detach_all
		done
		log "run $run: $(for m in "${modes[@]}"; do printf '%s=%s ' "$m" "${runs[$m]:-}"; done)"
	done
	for mode in "${modes[@]}"; do
		if [ -n "${why[$mode]:-}" ]; then
			json=$(jq -c --arg m "$mode" --arg r "${why[$mode]}" '.[$m] = {"error": $r}' <<<"$json")
		else
			json=$(jq -c --arg m "$mode" --argjson r "$(printf '%s\n' ${runs[$mode]:-} | jq -s -c .)" \
				'.[$m] = {"runs": $r}' <<<"$json")
		fi
	done
	# Per mode: median packets/s; and, round by round against the null
	# XDP_DROP run of the same round (moments apart, so under the same
	# load from other work), the pps ratio and the extra ns per packet
	# (1e9/pps - 1e9/pps_null), each reported as the median over rounds.
	jq --argjson secs "$SECS" --argjson warm "$WARM" '
		def median: map(select(. != null)) | sort
			| if length == 0 then null
			  elif length % 2 == 1 then .[length / 2 | floor]
			  else (.[length / 2 - 1] + .[length / 2]) / 2 end;
		(.null_drop.runs // []) as $ref
		| with_entries(
			if .value.runs then
				.value.runs as $r
				| .value.pps = ($r | median)
				| .value.vs_null_drop = ([range($r | length) | select($r[.] != null and $ref[.] != null and $ref[.] > 0)
					| $r[.] / $ref[.]] | median)
				| .value.extra_ns = ([range($r | length) | select($r[.] != null and $ref[.] != null and $r[.] > 0 and $ref[.] > 0)
					| 1e9 / $r[.] - 1e9 / $ref[.]] | median)
				| if .value.pps == null then .value.error = "no run completed" else . end
			else . end)
		| {"frame": "60 B + FCS = 64 B, IPv4 UDP 4500 ESP-in-UDP",
		   "seconds": $secs, "warmup": $warm, "rounds": ($ref | length), "modes": .}' <<<"$json" > "$OUT"
}

main
