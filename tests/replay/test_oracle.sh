#!/usr/bin/env bash
# tshark as an independent oracle: where tshark dissects a flow as DNS, NTP,
# TLS, QUIC v1, STUN or DTLS of a standard version, `vpnxdp replay` must not
# call it VPN.  Over ordinary traffic made by mkoracle.py (byte by byte:
# DNS IDs and lengths that look like WireGuard and OpenVPN messages, EDNS,
# NTP, TLS and QUIC on 443, STUN on 3478 and random ports, DTLS 1.0/1.2)
# and over the shared non-VPN captures.  One PASS/FAIL per protocol and
# capture (oracle.py), and a check that the oracle fails on false positives
# planted by policy signatures.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

PCAP=${VX_PCAP_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/pcap}
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
need_root || exit 0
command -v tshark >/dev/null || { t_skip oracle "tshark not installed (scripts/deps.sh installs it)"; exit 0; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export HOME=$TMP # tshark's profile: none of the invoking user's preferences
/usr/bin/python3 tests/replay/mkoracle.py "$TMP" || { t_fail oracle_setup "mkoracle.py failed"; exit 1; }

# oracle NAME CAPTURE [EXPECT] [POLICY]: replay per frame and per flow, and
# judge it by tshark's reading.
oracle() {
	local name=$1 cap=$2 expect=${3:-} policy=${4:-}
	local args=(--frames --json)
	[ -n "$policy" ] && args+=(--policy "$policy")
	if ! "$VPNXDP" replay "${args[@]}" "$cap" >"$TMP/$name.json" 2>"$TMP/$name.err"; then
		t_fail "oracle_${name}_replay" "$(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	/usr/bin/python3 tests/replay/oracle.py "$name" "$cap" "$TMP/$name.json" $expect
}

oracle crafted "$TMP/ordinary.pcap" "$TMP/expect"

if [ -d "$PCAP" ]; then
	for f in dtls.pcap dtls2.pcap stun_dtls_rtp.pcapng; do
		if [ -f "$PCAP/$f" ]; then
			oracle "shared_${f%%.*}" "$PCAP/$f"
		else
			t_fail "oracle_shared_${f%%.*}" "$PCAP/$f missing"
		fi
	done
else
	t_skip oracle_shared "no shared captures at $PCAP (set VX_PCAP_DIR)"
fi

# The oracle can fail: signatures that claim NTP's port for OpenVPN and
# TLS's for SSTP plant false positives it must report, by protocol.
printf 'signature openvpn udp 123\nsignature sstp tcp 443\n' >"$TMP/plant.policy"
oracle planted "$TMP/ordinary.pcap" "$TMP/expect" "$TMP/plant.policy" >"$TMP/planted.out"
rc=$?
if [ $rc -ne 0 ] && grep -q '^FAIL oracle_planted_ntp: 40 of 40 flows .*-> openvpn (' "$TMP/planted.out" &&
   grep -q '^FAIL oracle_planted_tls: 40 of 40 flows .*-> sstp (' "$TMP/planted.out" &&
   grep -q '^PASS oracle_planted_quic' "$TMP/planted.out"; then
	t_pass oracle_catches_planted_false_positives
else
	t_fail oracle_catches_planted_false_positives "exit $rc: $(cut -c1-200 "$TMP/planted.out" | tr '\n' '|')"
fi
