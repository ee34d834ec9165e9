#!/usr/bin/env bash
# End to end, fragments under `wireguard drop`: vpnxdp attached to the
# receiving end of a veth pair, the fragment attack sequences of
# tests/e2e/fragmix.py sent across (reordered non-VPN datagrams, ids reused
# after a WireGuard datagram, forged WireGuard first fragments before and
# after a victim's), what arrives captured past XDP on the receiving side.
# No fragment of a non-VPN datagram may be dropped; every fragment of a
# real WireGuard datagram must be.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
/usr/bin/python3 -c 'import scapy' 2>/dev/null ||
	{ t_skip "$(t_suite)" "python3-scapy not installed"; exit 0; }
command -v tcpreplay >/dev/null ||
	{ t_skip "$(t_suite)" "tcpreplay not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
ROUNDS=${FRAG_ROUNDS:-20}
PFX="vxf$$"
TMP=$(mktemp -d)
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }
vx() { topo_in_b "$VPNXDP" "$@"; }

/usr/bin/python3 tests/e2e/fragmix.py build "$TMP/mix.pcap" "$TMP/labels.json" \
	"$TOPO_MAC_A" "$TOPO_MAC_B" "$ROUNDS" ||
	{ t_fail fragmix "cannot build the traffic"; exit 1; }

if out=$(vx attach "$TOPO_IF_B" 2>&1); then
	t_pass attach
else
	t_fail attach "$out"
	exit 1
fi
printf 'wireguard drop\n' >"$TMP/drop.pol"
if out=$(vx policy apply "$TOPO_IF_B" "$TMP/drop.pol" 2>&1); then
	t_pass policy_wireguard_drop
else
	t_fail policy_wireguard_drop "$out"
	exit 1
fi

# nsenter directly: $! must be the capture's own pid (see test_attach_stats)
nsenter --net="/var/run/netns/$TOPO_NS_B" timeout 30 tcpdump -Q in -i "$TOPO_IF_B" \
	-nn -w "$TMP/rx.pcap" -U 'ip or ip6' >/dev/null 2>&1 &
tpid=$!
sleep 1
# one frame at a time, in order: reordering is what the sequences do
scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$TMP/mix.pcap" 2000 >/dev/null 2>&1 ||
	t_fail send "tcpreplay failed"
sleep 1
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null

if ! res=$(/usr/bin/python3 tests/e2e/fragmix.py judge "$TMP/labels.json" \
	"$TMP/mix.pcap" "$TMP/rx.pcap"); then
	t_fail judge "cannot read the captures"
	exit 1
fi
read -r od os vd vs fd fs < <(/usr/bin/python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print(*r["other"], *r["vpn"], *r["forged"])' "$res")
echo "# $od of $os non-VPN fragments dropped, $vd of $vs WireGuard fragments dropped, $fd of $fs forged WireGuard first fragments dropped"
if [ "$os" -gt 0 ] && [ "$od" -eq 0 ]; then
	t_pass non_vpn_fragments_never_dropped
else
	t_fail non_vpn_fragments_never_dropped "$od of $os dropped"
fi
if [ "$vs" -gt 0 ] && [ "$vd" -eq "$vs" ]; then
	t_pass wireguard_fragments_dropped
else
	t_fail wireguard_fragments_dropped "$vd of $vs dropped"
fi
