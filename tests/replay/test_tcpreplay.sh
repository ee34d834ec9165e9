#!/usr/bin/env bash
# The attached program and `vpnxdp replay` agree: the shared captures are
# tcpreplayed into a veth pair with vpnxdp attached (native XDP) on the
# receiving end, and `vpnxdp stats --json` must then hold, per class,
# exactly the packets `vpnxdp replay --json` computes for the same captures
# with the same policy, and the same number of drops.  The frames keep
# their captured MAC addresses: XDP runs before the stack looks at the
# destination MAC, which this test verifies by every frame being counted.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

PCAP=${VX_PCAP_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/pcap}
VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
[ "$(id -u)" -eq 0 ] || { t_skip tcpreplay "needs root"; exit 0; }
[ -f "$PCAP/truth.csv" ] || { t_skip tcpreplay "no shared captures at $PCAP (set VX_PCAP_DIR)"; exit 0; }
command -v tcpreplay >/dev/null || { t_skip tcpreplay "tcpreplay not installed"; exit 0; }
command -v jq >/dev/null || { t_skip tcpreplay "jq not installed"; exit 0; }

. scripts/topo.sh
TMP=$(mktemp -d)
cleanup() {
	[ -n "$TOPO_IF_B" ] && topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
# Two namespaces, one silent veth pair (scripts/topo.sh): nothing but
# tcpreplay's frames crosses it.
topo_up "vxr$$" || { t_fail tcpreplay_topology "cannot create netns/veth"; exit 1; }
IF_A=$TOPO_IF_A IF_B=$TOPO_IF_B
in_a() { topo_in_a "$@"; }
in_b() { topo_in_b "$@"; }

# Captures: every shared one, in a fixed order (both tools read them in it).
CAPS=()
for f in "$PCAP"/*.pcap; do CAPS+=("$f"); done
printf 'wireguard drop\npptp drop\n' >"$TMP/policy"

out=$(in_b "$VPNXDP" attach "$IF_B" --mode native --policy "$TMP/policy" 2>&1) ||
	{ t_fail tcpreplay_attach "$out"; exit 1; }
case $out in
*"native mode"*) t_pass tcpreplay_attach_native ;;
*) t_fail tcpreplay_attach_native "not native: $out"; exit 1 ;;
esac

in_b "$VPNXDP" stats "$IF_B" --json >"$TMP/before.json" 2>&1
before=$(jq '[.protocols[].packets] | add' "$TMP/before.json" 2>/dev/null)
if [ "$before" = "0" ]; then t_pass tcpreplay_quiet_link; else
	t_fail tcpreplay_quiet_link "counters not zero before tcpreplay: $before"; fi

# Bounded: fixed packet rate (the veth ring must not overflow before XDP
# sees a frame) and a hard time limit.
nframes=0
for f in "${CAPS[@]}"; do
	n=$(tcpdump -nr "$f" 2>/dev/null | wc -l); nframes=$((nframes + n))
done
if ! in_a timeout 120 tcpreplay -q -i "$IF_A" --pps=3000 "${CAPS[@]}" >"$TMP/tcpreplay.out" 2>&1; then
	t_fail tcpreplay_send "tcpreplay failed: $(tail -3 "$TMP/tcpreplay.out" | tr '\n' ' ')"
	exit 1
fi
sent=$(grep -oE 'Actual: [0-9]+ packets' "$TMP/tcpreplay.out" | grep -oE '[0-9]+')
if [ "$sent" = "$nframes" ]; then t_pass tcpreplay_send; else
	t_fail tcpreplay_send "sent ${sent:-?} of $nframes frames"; fi

# Let the receive side drain, then read the counters.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	in_b "$VPNXDP" stats "$IF_B" --json >"$TMP/stats.json" 2>"$TMP/stats.err" || break
	got=$(jq '[.protocols[].packets] | add' "$TMP/stats.json")
	[ "$got" = "$nframes" ] && break
	sleep 0.3
done

"$VPNXDP" replay --json --policy "$TMP/policy" "${CAPS[@]}" >"$TMP/replay.json" 2>"$TMP/replay.err" ||
	{ t_fail tcpreplay_replay "replay failed: $(head -c 300 "$TMP/replay.err")"; exit 1; }

# Per class: packets replay counted (a mixed flow's "classes", else its
# class) against the attached program's counters.
jq -s 'map(if .classes then .classes else {(.protocol): .packets} end)
	| map(to_entries[]) | group_by(.key)
	| map({key: .[0].key, value: (map(.value) | add)}) | from_entries' \
	"$TMP/replay.json" >"$TMP/replay_cls.json"
jq '.protocols | map_values(.packets) | with_entries(select(.value > 0))' \
	"$TMP/stats.json" >"$TMP/stats_cls.json"
if jq -e --slurpfile r "$TMP/replay_cls.json" '. == $r[0]' "$TMP/stats_cls.json" >/dev/null; then
	echo "per class: $(jq -c . "$TMP/stats_cls.json")"
	t_pass tcpreplay_class_packets
else
	t_fail tcpreplay_class_packets "stats $(jq -c . "$TMP/stats_cls.json") vs replay $(jq -c . "$TMP/replay_cls.json")"
fi

sd=$(jq '[.protocols[].dropped] | add' "$TMP/stats.json")
rd=$(jq -s 'map(.dropped) | add' "$TMP/replay.json")
if [ "$sd" = "$rd" ] && [ "${sd:-0}" -gt 0 ]; then t_pass tcpreplay_dropped; else
	t_fail tcpreplay_dropped "stats dropped ${sd:-?}, replay ${rd:-?} (want equal and > 0)"; fi
