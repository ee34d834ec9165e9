#!/usr/bin/env bash
# send.sh NS IFACE PCAP [PPS]
#
# Replay PCAP once out of IFACE inside network namespace NS (a name under
# /var/run/netns, or a path to a netns file), with tcpreplay via nsenter
# (not `ip netns exec`, which remounts /sys).  At top speed, or PPS packets
# per second when given.  Bounded: the replay is killed after
# $SEND_TIMEOUT seconds (default 60).
#
# Exit status: tcpreplay's; 124 if it timed out; 1 if tcpreplay exited 0
# but reported failed packets (the count would then be off); 2 on bad
# arguments.  tcpreplay's report goes to stdout.
#
# Note: on kernel 6.18 veth applies back-pressure, and 18000 frames sent at
# top speed all reached a vpnxdp on the peer (native and skb mode).  Older
# kernels can drop at the peer's veth ring when XDP is attached: pass a PPS
# (e.g. 20000) there when counts must be exact.
set -u
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
	echo "usage: send.sh NS IFACE PCAP [PPS]" >&2
	exit 2
fi
ns=$1 ifc=$2 pcap=$3 pps=${4:-}
case $ns in
/*) nsfile=$ns ;;
*) nsfile=/var/run/netns/$ns ;;
esac
[ -e "$nsfile" ] || { echo "send.sh: no network namespace '$ns'" >&2; exit 2; }
[ -r "$pcap" ] || { echo "send.sh: cannot read '$pcap'" >&2; exit 2; }
if [ -n "$pps" ] && ! [[ $pps =~ ^[1-9][0-9]*$ ]]; then
	echo "send.sh: PPS must be a positive integer, got '$pps'" >&2
	exit 2
fi
command -v tcpreplay >/dev/null || { echo "send.sh: tcpreplay not installed (scripts/deps.sh)" >&2; exit 2; }

if [ -n "$pps" ]; then speed=(--pps="$pps"); else speed=(--topspeed); fi
out=$(mktemp) || exit 2
trap 'rm -f "$out"' EXIT
timeout --kill-after=5 "${SEND_TIMEOUT:-60}" \
	nsenter --net="$nsfile" -- \
	tcpreplay --intf1="$ifc" "${speed[@]}" --loop=1 "$pcap" >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "send.sh: tcpreplay timed out after ${SEND_TIMEOUT:-60}s" >&2
	exit 124
fi
if [ "$rc" -eq 0 ]; then
	failed=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$out" | head -n1)
	if [ -n "$failed" ] && [ "$failed" -gt 0 ]; then
		echo "send.sh: tcpreplay failed to send $failed packets" >&2
		exit 1
	fi
fi
exit "$rc"
