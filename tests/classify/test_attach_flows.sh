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

# WireGuard data to its port 3 times (verified); on another port a
# handshake initiation (payload), then 3 data messages of its flow (flow);
# a DNS query 3 times (other)
nsenter --net=/var/run/netns/"$NS" /usr/bin/python3 - "$A" 2>/dev/null <<'PY' || fail attach_flows_send "scapy"
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
wg = b"\x04\x00\x00\x00" + b"a" * 124
init = b"\x01\x00\x00\x00" + b"a" * 144
def f(d, pl):
    return Ether(dst="02:00:00:00:00:02") / IP(src="192.0.2.1", dst="198.51.100.2") / UDP(sport=40000, dport=d) / Raw(pl)
dns = b"\xab\xcd\x01\x00\x00\x01" + b"\x00" * 26
# data: receiver index, a 64-bit little-endian counter, then ciphertext
data = [b"\x04\x00\x00\x00aaaa" + n.to_bytes(8, "little") + b"a" * 112 for n in (1, 2, 3)]
p = [f(51820, wg)] * 3 + [f(40404, init)] + [f(40404, d) for d in data] + [f(53, dns)] * 3
sendp(p, iface=sys.argv[1], verbose=False)
PY
json=$(vx stats "$B" --json)
got=$(echo "$json" | /usr/bin/python3 -c '
import json, sys
p = json.load(sys.stdin)["protocols"]
w = p["wireguard"]
print(w["packets"], w["verified"], w["payload"], w["flow"], w["port"], p["other"]["payload"], p["other"]["verified"],
      all(k in c for c in p.values() for k in ("packets", "bytes", "dropped", "verified", "port", "payload", "flow")))')
if [ "$got" = "7 3 1 3 0 0 0 True" ]; then
	t_pass stats_json_confidence_per_class
else
	fail stats_json_confidence_per_class "wireguard packets/verified/payload/flow/port, other payload/verified, keys: $got (want 7 3 1 3 0 0 0 True)"
fi
line=$(vx stats "$B" | awk '$1 == "wireguard"')
hdr=$(vx stats "$B" | awk '$1 == "class"')
if [ "$(echo "$hdr" | awk '{print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF}')" = "verified port payload flow heuristic" ] &&
   [ "$(echo "$line" | awk '{print $2, $(NF-4), $(NF-3), $(NF-2), $(NF-1)}')" = "7 3 0 1 3" ]; then
	t_pass stats_text_confidence_columns
else
	fail stats_text_confidence_columns "header '$hdr' row '$line'"
fi
vx detach "$B" >/dev/null || fail attach_flows_detach "detach failed"
[ -e /sys/fs/bpf/vpnxdp/"$B" ] && fail attach_flows_detach "pins remain"
[ $FAILS -eq 0 ]
