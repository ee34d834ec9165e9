#!/usr/bin/env bash
# End to end, tunnels: under `wireguard drop`, WireGuard inside VXLAN is
# dropped (the whole frame) and DNS inside VXLAN is passed, on a veth pair
# with vpnxdp attached to the receiving end; `vpnxdp stats --json` counts
# them under their inner class with encap vxlan, and the exporter's
# textfile says the same with encap="vxlan".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
/usr/bin/python3 -c 'import scapy' 2>/dev/null || { t_skip tunnel_drop "needs python3-scapy"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
PFX="vxt$$"
TMP=$(mktemp -d)
N=20
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
vx() { topo_in_b "$VPNXDP" "$@"; }

# N WireGuard initiations and N DNS queries, each in VXLAN (VNI 42) from
# a to b; the inner frames between addresses of the documentation ranges.
/usr/bin/python3 - "$TMP/mix.pcap" "$TOPO_MAC_A" "$TOPO_MAC_B" "$N" <<'PY' || { t_fail mkpcap "cannot build the capture"; exit 1; }
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import DNS, DNSQR, IP, UDP, Ether, Raw, wrpcap
out, sm, dm, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def vxlan(inner, sport):
    hdr = bytes([0x08, 0, 0, 0, 0, 0, 42, 0])
    return (Ether(src=sm, dst=dm) / IP(src="192.0.2.1", dst="192.0.2.2") /
            UDP(sport=sport, dport=4789) / Raw(hdr + bytes(inner)))
inner_eth = lambda: Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
wg = bytes([1, 0, 0, 0]) + bytes(range(144))
pk = []
for i in range(n):
    pk.append(vxlan(inner_eth() / IP(src="198.51.100.10", dst="203.0.113.10") /
                    UDP(sport=40000 + i, dport=51820) / Raw(wg), 50000 + i))
    pk.append(vxlan(inner_eth() / IP(src="198.51.100.10", dst="203.0.113.10") /
                    UDP(sport=41000 + i, dport=53) /
                    DNS(id=0x1000 + i, rd=1, qd=DNSQR(qname="www.example.com")), 51000 + i))
wrpcap(out, pk)
PY

printf 'wireguard drop\n' >"$TMP/drop.pol"
if ! out=$(vx attach "$TOPO_IF_B" --policy "$TMP/drop.pol" 2>&1); then
	t_fail attach "$out"
	exit 1
fi
t_pass attach_wireguard_drop

rx=$TMP/rx.pcap
nsenter --net="/var/run/netns/$TOPO_NS_B" timeout 20 tcpdump -Q in -i "$TOPO_IF_B" -nn -w "$rx" -U 'udp port 4789' >/dev/null 2>&1 &
tpid=$!
sleep 1
scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$TMP/mix.pcap" >/dev/null 2>&1
sleep 1
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
vx stats "$TOPO_IF_B" --json >"$TMP/stats.json"

# what reached b's stack, by the inner destination port (tshark decodes
# VXLAN on 4789; tcpdump's filter cannot see inside)
rx_wg=$(tshark -r "$rx" -Y 'vxlan && udp.dstport == 51820' 2>/dev/null | wc -l)
rx_dns=$(tshark -r "$rx" -Y 'vxlan && dns' 2>/dev/null | wc -l)
if [ "$rx_wg" -eq 0 ] && [ "$rx_dns" -eq "$N" ]; then
	t_pass wireguard_in_vxlan_dropped_dns_passed
else
	t_fail wireguard_in_vxlan_dropped_dns_passed "received wireguard-in-vxlan=$rx_wg dns-in-vxlan=$rx_dns (want 0, $N)"
fi

if msg=$(/usr/bin/python3 - "$TMP/stats.json" "$N" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["protocols"]; n = int(sys.argv[2])
wg, oth = p["wireguard"], p["other"]
bad = []
if wg["packets"] != n or wg["dropped"] != n:
    bad.append(f"wireguard {wg['packets']} packets {wg['dropped']} dropped, want {n} {n}")
if wg["encap"]["vxlan"] != n or wg["encap"]["none"] != 0:
    bad.append(f"wireguard encap {wg['encap']}, want vxlan {n}")
if oth["encap"]["vxlan"] != n or oth["dropped"] != 0:
    bad.append(f"other encap {oth['encap']} dropped {oth['dropped']}, want vxlan {n}, 0 dropped")
print("; ".join(bad)); sys.exit(1 if bad else 0)
PY
); then
	t_pass stats_encap_vxlan_per_class
else
	t_fail stats_encap_vxlan_per_class "$msg"
fi

# the text table's encapsulation rows
if vx stats "$TOPO_IF_B" | grep -Eq "^wireguard +0 +0 +0 +0 +0 +$N "; then
	t_pass stats_text_encap_row
else
	t_fail stats_text_encap_row "$(vx stats "$TOPO_IF_B" | tail -4 | tr '\n' '|')"
fi

# the exporter, once, to a file
if ! out=$(vx export --textfile "$TMP/m.prom" "$TOPO_IF_B" 2>&1); then
	t_fail export_textfile "$out"
elif grep -Eq "^vpnxdp_encap_packets_total\{.*class=\"wireguard\",encap=\"vxlan\"\} $N\$" "$TMP/m.prom"; then
	t_pass export_encap_label
else
	t_fail export_encap_label "$(grep '^vpnxdp_encap' "$TMP/m.prom" | grep wireguard | head -3 | tr '\n' '|')"
fi
