#!/usr/bin/env bash
# End to end: a namespace pair joined by veth, vpnxdp attached to the
# receiving end in native and in skb mode, a known VPN traffic mix sent
# across, and the counters read back through `vpnxdp stats --json`.
# Also: drop really drops, counters outlive the attaching command, detach
# leaves nothing behind.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
PFX="vxe$$"
TMP=$(mktemp -d)
cleanup() {
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "$PFX" || { t_fail topo_up "cannot create the test topology"; exit 1; }

vx() { topo_in_b "$VPNXDP" "$@"; }

MIX=$TMP/mix.pcap
/usr/bin/python3 scripts/vpnmix.py --out "$MIX" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 20 --manifest "$TMP/want.json" \
	>/dev/null || { t_fail vpnmix "cannot build the traffic mix"; exit 1; }

# Compare every class of a stats JSON with the manifest: packets and bytes
# exactly, and dropped as given (CLASS=N pairs, others 0).
check_counts() { # name stats.json [class=dropped ...]
	local name=$1 got=$2
	shift 2
	/usr/bin/python3 - "$TMP/want.json" "$got" "$@" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))["protocols"]
drops = dict(a.split("=") for a in sys.argv[3:])
bad = []
for cls, w in want.items():
    g = got.get(cls)
    if g is None:
        bad.append(f"{cls}: missing from stats"); continue
    if g["packets"] != w["packets"] or g["bytes"] != w["bytes"]:
        bad.append(f"{cls}: {g['packets']} pkts/{g['bytes']} B, want {w['packets']}/{w['bytes']}")
    wd = int(drops.get(cls, 0))
    if wd == -1:
        wd = w["packets"]
    if g["dropped"] != wd:
        bad.append(f"{cls}: dropped {g['dropped']}, want {wd}")
for cls, g in got.items():
    if cls not in want and g["packets"]:
        bad.append(f"{cls}: {g['packets']} unexpected packets")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
}

run_mode() { # mode
	local mode=$1 out
	if ! out=$(vx attach "$TOPO_IF_B" --mode "$mode" 2>&1); then
		t_fail "attach_$mode" "$out"
		return
	fi
	t_pass "attach_$mode"
	# The attaching command has exited: the program must still be there.
	if vx status "$TOPO_IF_B" --json >"$TMP/status.json" &&
	   [ "$(json_get "$TMP/status.json" interfaces.0.state)" = attached ] &&
	   [ "$(json_get "$TMP/status.json" interfaces.0.mode)" = "$mode" ]; then
		t_pass "status_after_attach_exit_$mode"
	else
		t_fail "status_after_attach_exit_$mode" "$(cat "$TMP/status.json")"
	fi

	scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$MIX" >/dev/null 2>&1
	sleep 0.5
	vx stats "$TOPO_IF_B" --json >"$TMP/stats.json"
	if msg=$(check_counts x "$TMP/stats.json"); then
		t_pass "counts_exact_$mode"
	else
		t_fail "counts_exact_$mode" "$msg"
	fi

	# Drop PPTP and WireGuard: they must not reach side b's stack, all else must.
	printf 'pptp drop\nwireguard drop\n' >"$TMP/drop.pol"
	vx policy apply "$TOPO_IF_B" "$TMP/drop.pol" >/dev/null
	# nsenter directly, not through the topo_in_b function: $! must be
	# the capture's own pid (nsenter execs timeout, which passes SIGTERM on
	# to tcpdump), or the capture outlives this run and writes into the next.
	local rx=$TMP/rx-$mode.pcap
	nsenter --net="/var/run/netns/$TOPO_NS_B" timeout 20 tcpdump -Q in -i "$TOPO_IF_B" -nn -w "$rx" -U 'udp or tcp or proto 47 or proto 50 or proto 51' >/dev/null 2>&1 &
	local tpid=$!
	sleep 1
	vx stats "$TOPO_IF_B" --json >"$TMP/before.json"
	scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$MIX" >/dev/null 2>&1
	sleep 1
	kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	vx stats "$TOPO_IF_B" --json >"$TMP/after.json"
	local rx_wg rx_gre1 rx_ovpn
	rx_wg=$(tcpdump -nn -r "$rx" 'udp port 51820' 2>/dev/null | wc -l)
	rx_ovpn=$(tcpdump -nn -r "$rx" 'port 1194' 2>/dev/null | wc -l)
	rx_pptp=$(tcpdump -nn -r "$rx" 'tcp port 1723 and tcp[tcpflags] & tcp-push != 0' 2>/dev/null | wc -l)
	want_ovpn=$(json_get "$TMP/want.json" openvpn.packets)
	if [ "$rx_wg" -eq 0 ] && [ "$rx_pptp" -eq 0 ] && [ "$rx_ovpn" -eq "$want_ovpn" ]; then
		t_pass "drop_really_drops_$mode"
	else
		t_fail "drop_really_drops_$mode" "received wireguard=$rx_wg pptp(data)=$rx_pptp openvpn=$rx_ovpn (want 0, 0, $want_ovpn)"
	fi
	if msg=$(/usr/bin/python3 - "$TMP/before.json" "$TMP/after.json" "$TMP/want.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["protocols"]; a = json.load(open(sys.argv[2]))["protocols"]
w = json.load(open(sys.argv[3]))
bad = []
for cls, wv in w.items():
    dp = a[cls]["dropped"] - b[cls]["dropped"]
    want = wv["packets"] if cls in ("pptp", "wireguard") else 0
    if dp != want:
        bad.append(f"{cls} dropped {dp}, want {want}")
print("; ".join(bad)); sys.exit(1 if bad else 0)
PY
	); then
		t_pass "drop_counted_$mode"
	else
		t_fail "drop_counted_$mode" "$msg"
	fi

	local id
	id=$(json_get "$TMP/status.json" interfaces.0.program_id)
	if out=$(vx detach "$TOPO_IF_B" 2>&1); then t_pass "detach_$mode"; else t_fail "detach_$mode" "$out"; fi
	if [ -e "/sys/fs/bpf/vpnxdp/$TOPO_IF_B" ]; then
		t_fail "detach_no_pins_$mode" "/sys/fs/bpf/vpnxdp/$TOPO_IF_B remains"
	else
		t_pass "detach_no_pins_$mode"
	fi
	if topo_in_b ip link show "$TOPO_IF_B" | grep -q 'prog/xdp'; then
		t_fail "detach_no_xdp_$mode" "an XDP program is still on $TOPO_IF_B"
	else
		t_pass "detach_no_xdp_$mode"
	fi
	if bpftool prog show id "$id" >/dev/null 2>&1; then
		t_fail "detach_prog_freed_$mode" "program $id still loaded"
	else
		t_pass "detach_prog_freed_$mode"
	fi
}

run_mode native
run_mode skb
