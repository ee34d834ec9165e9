#!/usr/bin/env bash
# attach --flows sizes the flow cache; stats reports confidence per class
# (text columns and JSON keys) for packets sent through a veth pair in a
# namespace of our own.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
need_root || exit 0
FAILS=0
fail() { t_fail "$@"; FAILS=$((FAILS + 1)); }
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
NS="vxf$$"
A="vxf$$a"; B="vxf$$b"
cleanup() {
	nsenter --net=/var/run/netns/"$NS" "$VPNXDP" detach "$B" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT
ip netns add "$NS" || { fail attach_flows_setup "cannot create a namespace"; exit 1; }
ip -n "$NS" link add "$A" type veth peer name "$B" &&
	ip -n "$NS" link set "$A" up && ip -n "$NS" link set "$B" up ||
	{ fail attach_flows_setup "cannot create veth"; exit 1; }
vx() { nsenter --net=/var/run/netns/"$NS" "$VPNXDP" "$@"; }

for bad in 0 15 abc -5 16777217; do
	vx attach "$B" --flows "$bad" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 1 ]; then t_pass "attach_flows_rejects_$bad"; else fail "attach_flows_rejects_$bad" "exit $rc, want 1"; fi
done
[ -e /sys/fs/bpf/vpnxdp/"$B" ] && fail attach_flows_bad_leaves_nothing "pins after a refused attach"

if ! vx attach "$B" --mode skb --flows 1000 >/dev/null; then
	fail attach_flows_1000 "attach failed"; exit 1
fi
max=$(bpftool -j map show pinned /sys/fs/bpf/vpnxdp/"$B"/vx_flows |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["max_entries"])')
if [ "$max" = 1000 ]; then t_pass attach_flows_1000_sizes_cache; else fail attach_flows_1000_sizes_cache "max_entries $max"; fi

# WireGuard data to its port (verified), on another port (payload), a DNS
# query (other); each sent 3 times
nsenter --net=/var/run/netns/"$NS" /usr/bin/python3 - "$A" 2>/dev/null <<'PY' || fail attach_flows_send "scapy"
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
wg = b"\x04\x00\x00\x00" + b"a" * 124
p = [Ether(dst="02:00:00:00:00:02") / IP(src="192.0.2.1", dst="198.51.100.2") / UDP(sport=40000, dport=d) / Raw(pl)
     for d, pl in ((51820, wg), (40404, wg), (53, b"\xab\xcd\x01\x00\x00\x01" + b"\x00" * 26))]
sendp(p * 3, iface=sys.argv[1], verbose=False)
PY
json=$(vx stats "$B" --json)
got=$(echo "$json" | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)["protocols"]
w = p["wireguard"]
print(w["packets"], w["verified"], w["payload"], w["port"], p["other"]["payload"], p["other"]["verified"],
      all(k in c for c in p.values() for k in ("packets", "bytes", "dropped", "verified", "port", "payload")))')
if [ "$got" = "6 3 3 0 0 0 True" ]; then
	t_pass stats_json_confidence_per_class
else
	fail stats_json_confidence_per_class "wireguard packets/verified/payload/port, other payload/verified, keys: $got (want 6 3 3 0 0 0 True)"
fi
line=$(vx stats "$B" | awk '$1 == "wireguard"')
hdr=$(vx stats "$B" | awk '$1 == "class"')
if [ "$(echo "$hdr" | awk '{print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF}')" = "verified port payload flow heuristic" ] &&
   [ "$(echo "$line" | awk '{print $2, $(NF-4), $(NF-3), $(NF-2)}')" = "6 3 0 3" ]; then
	t_pass stats_text_confidence_columns
else
	fail stats_text_confidence_columns "header '$hdr' row '$line'"
fi
vx detach "$B" >/dev/null || fail attach_flows_detach "detach failed"
[ -e /sys/fs/bpf/vpnxdp/"$B" ] && fail attach_flows_detach "pins remain"
[ $FAILS -eq 0 ]
