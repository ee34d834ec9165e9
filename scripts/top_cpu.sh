#!/usr/bin/env bash
# How much CPU `vpnxdp top --json` uses while the veth pair carries as many
# packets as it can: a namespace pair, a trafgen flood (one worker per CPU
# but one, bounded in time), top reading for SECONDS, its utime + stime from
# /proc/PID/stat (tick resolution) and /proc/PID/schedstat (ns).  Usage: scripts/top_cpu.sh [SECONDS] [INTERVAL_MS]
set -u
cd "$(dirname "$0")/.." || exit 1
. scripts/topo.sh
SECS=${1:-10}
IVL=${2:-1000}
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
SEND_PID=
cleanup() {
	[ -n "$SEND_PID" ] && kill -- -"$SEND_PID" 2>/dev/null
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxc$$" || exit 1
topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --interval "$IVL" >/dev/null || exit 1
cat >"$TMP/wg.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), udp(sp=40000, dp=51820), 0x04, 0x00, 0x00, 0x00, fill(0x11, 44) }
CFG
WORKERS=$(( $(nproc) > 1 ? $(nproc) - 1 : 1 ))
setsid timeout $((SECS + 3)) nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
	-c "$TMP/wg.cfg" -P "$WORKERS" -Q >/dev/null 2>&1 &
SEND_PID=$!
sleep 1
nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" top --json "$TOPO_IF_B" >"$TMP/top.json" &
TOP=$!
sleep "$SECS"
read -r -a st </proc/$TOP/stat
read -r run_ns _ </proc/$TOP/schedstat # time on CPU, ns
kill -TERM "$TOP"; wait "$TOP"
kill -- -"$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null; SEND_PID=
hz=$(getconf CLK_TCK)
/usr/bin/python3 - "$TMP/top.json" "${st[13]}" "${st[14]}" "$hz" "$SECS" "$IVL" "$run_ns" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
ut, stt, hz, secs, ivl = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
run = int(sys.argv[7]) / 1e9
pps = [sum(p["pps"] for p in j["protocols"].values()) for j in lines]
busy = [p for p in pps if p > 0]
print(f"interval {ivl} ms: veth carried {max(busy) if busy else 0:.0f} pps at best, "
      f"{sum(busy)/len(busy) if busy else 0:.0f} pps mean over {len(busy)} intervals; "
      f"vpnxdp top used {(ut + stt) / hz:.2f} s CPU (user {ut / hz:.2f}, sys {stt / hz:.2f}) "
      f"in {secs:.0f} s; on CPU {run * 1000:.1f} ms (schedstat) = {100 * run / secs:.3f}% of one CPU")
PY
