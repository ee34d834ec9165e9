#!/usr/bin/env bash
# Real captures (../shared/pcap, recorded by others) replayed into a veth
# pair with vpnxdp attached: each VPN flow lands in its class, and a SYN scan
# and non-PPTP GRE produce no VPN counts.  What each capture should give is
# computed from the capture itself with tcpdump filters that state the
# protocol's definition (ports, IP protocol, the NAT-T non-ESP marker), not
# from the classifier.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

PCAPS=$(cd .. && pwd)/shared/pcap
if [ ! -d "$PCAPS" ]; then
	t_skip pcap_classes "no captures at $PCAPS"
	exit 0
fi
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxp$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }

count() { tcpdump -nn -r "$1" "$2" 2>/dev/null | wc -l; }

# replay CAPTURE FILTER: attach fresh, send the packets of CAPTURE that
# match FILTER, leave the stats in $TMP/stats.json and the subset in $TMP/sub.pcap.
replay() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	tcpdump -r "$PCAPS/$1" -w "$TMP/sub.pcap" "$2" 2>/dev/null
	topo_in_b "$VPNXDP" attach "$TOPO_IF_B" >/dev/null || return 1
	scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$TMP/sub.pcap" 5000 >/dev/null 2>&1
	sleep 0.3
	topo_in_b "$VPNXDP" stats "$TOPO_IF_B" --json >"$TMP/stats.json"
}
got() { json_get "$TMP/stats.json" "protocols.$1.packets"; }
vpn_total_except() { # classes not to count...
	/usr/bin/python3 - "$TMP/stats.json" "$@" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["protocols"]
skip = {"other", "fragment", *sys.argv[2:]}
print(sum(v["packets"] for k, v in p.items() if k not in skip))
PY
}
# TCP segments that carry payload (handshakes and bare ACKs say nothing).
TCP_DATA='(((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)'

# WireGuard: every datagram on 51820.
replay wireguard.pcap 'udp port 51820'
n=$(count "$TMP/sub.pcap" '')
t_eq wireguard_pcap_all_wireguard "$(got wireguard)/$n" "$n/$n"
t_eq wireguard_pcap_nothing_else "$(vpn_total_except wireguard)" 0

# OpenVPN on 1194, UDP and TCP: every datagram and every TCP segment with
# payload is openvpn; handshake segments may be other (or openvpn once a
# flow cache knows the flow), never another VPN class.
replay openvpn.pcap 'port 1194'
n=$(count "$TMP/sub.pcap" '')
nd=$(count "$TMP/sub.pcap" "udp or (tcp and $TCP_DATA)")
o=$(got openvpn); oth=$(got other)
if [ "$n" -gt 0 ] && [ "$o" -ge "$nd" ] && [ $((o + oth)) -eq "$n" ]; then
	t_pass openvpn_1194_pcap_openvpn
else
	t_fail openvpn_1194_pcap_openvpn "openvpn=$o other=$oth of $n packets, $nd with payload"
fi
t_eq openvpn_1194_pcap_nothing_else "$(vpn_total_except openvpn)" 0

# IKEv2 on 500 and 4500 with ESP-in-UDP on 4500: on 4500, the non-ESP
# marker (4 zero bytes) or a NAT-keepalive (one byte 0xFF) is IKE.
replay ipsec_isakmp_esp.pcap 'udp port 500 or udp port 4500'
n_ike=$(count "$TMP/sub.pcap" 'udp port 500 or (udp port 4500 and (udp[8:4] = 0 or (udp[4:2] = 9 and udp[8] = 0xff)))')
n_esp=$(count "$TMP/sub.pcap" 'udp port 4500 and not port 500 and udp[4:2] > 12 and udp[8:4] != 0')
t_eq ipsec_pcap_ike "$(got ike)" "$n_ike"
t_eq ipsec_pcap_esp_in_udp "$(got esp)" "$n_esp"
t_eq ipsec_pcap_nothing_else "$(vpn_total_except ike esp)" 0

# ESP and AH as IP protocols 50 and 51.
replay esp.pcap 'ip proto 50 or ip6 proto 50'
t_eq esp_pcap_esp "$(got esp)" "$(count "$TMP/sub.pcap" '')"
t_eq esp_pcap_nothing_else "$(vpn_total_except esp)" 0
replay ah.pcap 'ip proto 51 or ip6 proto 51'
t_eq ah_pcap_ah "$(got ah)" "$(count "$TMP/sub.pcap" '')"
t_eq ah_pcap_nothing_else "$(vpn_total_except ah)" 0

# PPTP control on 1723: segments with payload are pptp.
replay pptp.pcap 'tcp port 1723'
nd=$(count "$TMP/sub.pcap" "$TCP_DATA")
p=$(got pptp)
if [ "$nd" -gt 0 ] && [ "$p" -ge "$nd" ]; then t_pass pptp_pcap_pptp; else t_fail pptp_pcap_pptp "pptp=$p, $nd segments with payload"; fi
t_eq pptp_pcap_nothing_else "$(vpn_total_except pptp)" 0

# Negative: a SYN scan over many ports (500 and 1723 among them) is not VPN.
replay synscan.pcap ''
t_eq synscan_pcap_no_vpn "$(vpn_total_except)" 0
t_eq synscan_pcap_all_counted "$(got other)" "$(count "$TMP/sub.pcap" '')"

# GRE: only PPTP's enhanced GRE (RFC 2637: version 1, key bit, protocol
# 0x880B) is pptp; any other GRE is other.  gre.pcap's README calls its
# packet "version 0", but its header reads 0x3081 0x880B: version 1 with
# key, sequence and ack bits, PPP inside (SIP over IP over PPP), i.e. PPTP
# data.  The expectation is computed from the GRE header, per packet.
gre_expect() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
from scapy.utils import RawPcapReader
pptp = other = 0
for frame, _ in RawPcapReader(sys.argv[1]):
    off, et = 12, int.from_bytes(frame[12:14], "big")
    while et in (0x8100, 0x88A8):
        off += 4
        et = int.from_bytes(frame[off:off + 2], "big")
    ip = off + 2
    if et != 0x0800 or frame[ip + 9] != 47:
        continue
    g = ip + (frame[ip] & 0x0F) * 4
    if frame[g] & 0x20 and frame[g + 1] & 0x07 == 1 and frame[g + 2:g + 4] == b"\x88\x0b":
        pptp += 1
    else:
        other += 1
print(pptp, other)
PY
}
replay gre.pcap ''
read -r want_pptp want_other < <(gre_expect "$TMP/sub.pcap")
t_eq gre_pcap_enhanced_gre_is_pptp "$(got pptp)" "$want_pptp"
t_eq gre_pcap_nothing_else "$(vpn_total_except pptp)" 0
