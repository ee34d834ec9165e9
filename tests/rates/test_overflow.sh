#!/usr/bin/env bash
# Ring overflow, end to end: attach with a one-page rate ring and a 100 ms
# interval, flood with nobody reading the ring, then:
#   overflow_counts_every_packet  the counters hold every frame the
#                                 interface received (the data path never
#                                 waits on the ring, never skips counting)
#   overflow_lost_reported        top --json reports lost > 0, the same
#                                 number the per-CPU state holds, and
#                                 records written + lost = intervals closed
#   overflow_recovers             once top drains the ring, records flow
#                                 again and lost stops growing
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen not installed"; exit 0; }
command -v bpftool >/dev/null || { t_skip "$(t_suite)" "bpftool not installed"; exit 0; }

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
topo_up "vxo$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
if ! out=$(topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --interval 100 --ring-size 4096 2>&1); then
	t_fail attach "$out"
	exit 1
fi
cat >"$TMP/wg.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), udp(sp=40000, dp=51820), 0x04, 0x00, 0x00, 0x00, fill(0x11, 44) }
CFG
rx_packets() { topo_in_b ip -s -j link show dev "$TOPO_IF_B" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'; }
# rstate FIELD: the per-CPU state's FIELD summed over CPUs (bpftool, BTF).
rstate() { bpftool -j map dump pinned "/sys/fs/bpf/vpnxdp/$TOPO_IF_B/vx_rstate" |
	/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(v["value"][sys.argv[1]] for e in d for v in e["formatted"]["values"]))' "$1"; }

rx0=$(rx_packets)
# Flood: as fast as one trafgen worker goes for 3 s (about 30 intervals:
# far more records than a page holds), bounded in count and time.
timeout 3 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
	-c "$TMP/wg.cfg" -n 5000000 -P 1 -Q >/dev/null 2>&1
sleep 0.3
rx=$(( $(rx_packets) - rx0 ))
topo_in_b "$VPNXDP" stats --json "$TOPO_IF_B" >"$TMP/stats.json"
counted=$(json_get "$TMP/stats.json" protocols.wireguard.packets)
other=$(json_get "$TMP/stats.json" protocols.other.packets)
if [ "$rx" -gt 10000 ] && [ "$counted" = "$rx" ] && [ "$other" = 0 ]; then
	t_pass overflow_counts_every_packet
else
	t_fail overflow_counts_every_packet "interface received $rx, counted $counted wireguard + $other other"
fi

seq=$(rstate seq)
lost=$(rstate lost)
# top reads nothing new here (no traffic): its first line reports the loss.
topo_in_b "$VPNXDP" top --json --count 1 "$TOPO_IF_B" >"$TMP/top1.json"
tlost=$(json_get "$TMP/top1.json" lost)
# A one-page ring holds a handful of records; every other interval closed
# during the flood was lost.
if [ "$lost" -gt 0 ] && [ "$tlost" = "$lost" ] && [ $((seq - lost)) -ge 1 ] &&
   [ $((seq - lost)) -le $((4096 / 800)) ]; then
	t_pass overflow_lost_reported
else
	t_fail overflow_lost_reported "top lost '$tlost', state: $seq intervals closed, $lost lost"
fi

# A slow stream with top reading: records arrive, lost stays where it was.
setsid timeout 10 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
	-c "$TMP/wg.cfg" -n 2500 -t 1ms -P 1 -Q >/dev/null 2>&1 &
SEND_PID=$!
topo_in_b "$VPNXDP" top --json --count 12 "$TOPO_IF_B" >"$TMP/top2.json"
wait "$SEND_PID"
SEND_PID=
if msg=$(/usr/bin/python3 - "$TMP/top2.json" "$lost" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
lost = int(sys.argv[2])
busy = [j for j in lines if j["protocols"]["wireguard"]["packets"] > 0]
ok = len(lines) == 12 and len(busy) >= 5 and all(j["lost"] == lost for j in lines)
if not ok:
    print(f"{len(lines)} lines, {len(busy)} with traffic, lost {[j['lost'] for j in lines]} (was {lost})")
sys.exit(0 if ok else 1)
PY
); then
	t_pass overflow_recovers
else
	t_fail overflow_recovers "$msg"
fi
