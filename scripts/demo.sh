#!/usr/bin/env bash
# sudo make demo: a demo namespace pair joined by veth, vpnxdp attached to
# the receiving end with a policy that drops PPTP, a VPN traffic mix sent
# across once a second, the live view (vpnxdp top: full screen on a
# terminal, JSON lines otherwise) while it runs, then the counters.
# Everything it makes is removed on exit (q, Ctrl-C included).
set -u
cd "$(dirname "$0")/.." || exit 1
. scripts/topo.sh

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 2; }
VPNXDP=$PWD/build/vpnxdp
ROUNDS=${DEMO_ROUNDS:-15}
TMP=$(mktemp -d)
cleanup() {
	[ -n "${TOPO_IF_B:-}" ] && topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

topo_up "vxd$$" || { echo "demo: cannot create the demo topology" >&2; exit 1; }
echo "== topology: $TOPO_NS_A/$TOPO_IF_A (192.0.2.1) -> $TOPO_NS_B/$TOPO_IF_B (192.0.2.2)"

cat >"$TMP/demo.policy" <<'POL'
# PPTP is weak: drop it at the driver. Everything else is counted and passed.
pptp drop
POL
echo "== policy:"; sed 's/^/   /' "$TMP/demo.policy"
topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --mode auto --policy "$TMP/demo.policy" || exit 1
topo_in_b "$VPNXDP" status "$TOPO_IF_B"

/usr/bin/python3 scripts/vpnmix.py --out "$TMP/mix.pcap" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 50 >/dev/null || exit 1

# The sender: one mix a second, ROUNDS times, in the background.
(
	for _ in $(seq 1 "$ROUNDS"); do
		scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$TMP/mix.pcap" 2000 >/dev/null 2>&1
		sleep 0.7
	done
) &
SENDER=$!
trap 'kill "$SENDER" 2>/dev/null; wait "$SENDER" 2>/dev/null; cleanup' EXIT

echo "== live view: vpnxdp top $TOPO_IF_B (q quits; it stops by itself after $ROUNDS s)"
sleep 1
topo_in_b "$VPNXDP" top "$TOPO_IF_B" --count "$ROUNDS"
kill "$SENDER" 2>/dev/null
wait "$SENDER" 2>/dev/null

echo
echo "== totals: vpnxdp stats $TOPO_IF_B"
topo_in_b "$VPNXDP" stats "$TOPO_IF_B"
echo
echo "== for scripts: vpnxdp stats $TOPO_IF_B --json (first lines)"
topo_in_b "$VPNXDP" stats "$TOPO_IF_B" --json | head -12
echo "   ..."
echo "== cleaning up (detach, remove namespaces)"
