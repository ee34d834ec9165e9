#!/usr/bin/env bash
# The rate and event commands' command line, and top over two interfaces:
#   bad --interval / --ring-size / --count: exit 1, one clear line, nothing
#   attached; --help; top/events on an interface that is not attached;
#   top --json IF_A IF_B: one ring_buffer manager reading two attachments,
#   a line per interval for each, each with its own traffic.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
cleanup() {
	topo_in_a "$VPNXDP" detach "$TOPO_IF_A" >/dev/null 2>&1
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxl$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }

# expect NAME WANT_RC REGEX(stdout+stderr) CMD...
expect() {
	local name=$1 want=$2 re=$3 rc
	shift 3
	"$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		t_fail "$name" "exit $rc, want $want: $(head -c 300 "$TMP/out")"
	elif ! grep -Eq -- "$re" "$TMP/out"; then
		t_fail "$name" "output lacks /$re/: $(head -c 300 "$TMP/out")"
	else
		t_pass "$name"
	fi
}
B() { topo_in_b "$VPNXDP" "$@"; }
A() { topo_in_a "$VPNXDP" "$@"; }

expect attach_interval_too_small 1 'interval takes milliseconds, 100 to 60000' B attach "$TOPO_IF_B" --interval 99
expect attach_interval_not_number 1 "not '1s'" B attach "$TOPO_IF_B" --interval 1s
expect attach_ring_not_pow2 1 'power of two' B attach "$TOPO_IF_B" --ring-size 5000
expect attach_ring_too_small 1 'power of two from 4096' B attach "$TOPO_IF_B" --ring-size 2048
if [ ! -e "/sys/fs/bpf/vpnxdp/$TOPO_IF_B" ]; then t_pass bad_options_attach_nothing; else t_fail bad_options_attach_nothing "pins exist"; fi
expect top_help 0 'Usage: vpnxdp top .*--count N' B top --help
expect events_help 0 'Usage: vpnxdp events' B events --help
expect top_not_attached 1 "$TOPO_IF_B: not attached" B top --json "$TOPO_IF_B"
expect events_not_attached 1 "$TOPO_IF_B: not attached" B events "$TOPO_IF_B"
expect top_bad_count 1 'count takes a positive number' B top --json --count 0 "$TOPO_IF_B"
expect top_bad_iface 1 'not a valid interface name' B top --json ../x

# Two attachments, one reader.  Each end gets traffic from the other.
A attach "$TOPO_IF_A" --interval 200 >/dev/null 2>&1 || t_fail attach_a "cannot attach"
B attach "$TOPO_IF_B" --interval 300 >/dev/null 2>&1 || t_fail attach_b "cannot attach"
expect status_shows_interval 0 'rate records every 300 ms, ring buffers of 262144 bytes' B status "$TOPO_IF_B"
B status --json "$TOPO_IF_B" >"$TMP/status.json"
t_eq status_json_interval "$(json_get "$TMP/status.json" interfaces.0.interval_ms)/$(json_get "$TMP/status.json" interfaces.0.ring_size)" "300/262144"
wg() { # SRCMAC DSTMAC SRCIP DSTIP
	printf '{ eth(da=%s, sa=%s), ipv4(sa=%s, da=%s), udp(sp=40000, dp=51820), 0x04, 0x00, 0x00, 0x00, fill(0x11, 44) }\n' "$@"
}
wg "$TOPO_MAC_A" "$TOPO_MAC_B" "$TOPO_IP4_A" "$TOPO_IP4_B" >"$TMP/ab.cfg"
wg "$TOPO_MAC_B" "$TOPO_MAC_A" "$TOPO_IP4_B" "$TOPO_IP4_A" >"$TMP/ba.cfg"
B top --json --count 8 "$TOPO_IF_A" "$TOPO_IF_B" >"$TMP/top.json" 2>"$TMP/top.err" &
tpid=$!
sleep 0.3
timeout 10 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" -c "$TMP/ab.cfg" -n 600 -t 2ms -P 1 -Q >/dev/null 2>&1 &
s1=$!
timeout 10 nsenter --net="/var/run/netns/$TOPO_NS_B" trafgen -o "$TOPO_IF_B" -c "$TMP/ba.cfg" -n 300 -t 4ms -P 1 -Q >/dev/null 2>&1
wait "$s1"
wait "$tpid"
rc=$?
msg=$(/usr/bin/python3 - "$TMP/top.json" "$TOPO_IF_A" "$TOPO_IF_B" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
a, b = sys.argv[2], sys.argv[3]
la = [j for j in lines if j["interface"] == a]
lb = [j for j in lines if j["interface"] == b]
bad = []
if len(la) != 8 or len(lb) != 8:
    bad.append(f"{len(la)} lines for {a}, {len(lb)} for {b}")
if any(j["interval_ms"] != 200 for j in la) or any(j["interval_ms"] != 300 for j in lb):
    bad.append("intervals mixed up")
# a receives b's 250 pps, b receives a's 500 pps (the sender's rate is a
# ceiling: trafgen's gaps only grow)
ma = max(j["protocols"]["wireguard"]["pps"] for j in la) if la else 0
mb = max(j["protocols"]["wireguard"]["pps"] for j in lb) if lb else 0
if not (50 < ma <= 260) or not (100 < mb <= 520) or mb < ma:
    bad.append(f"peak wireguard pps {ma:.0f} on {a}, {mb:.0f} on {b}")
print("; ".join(bad))
PY
)
if [ "$rc" = 0 ] && [ -z "$msg" ] && [ ! -s "$TMP/top.err" ]; then
	t_pass top_two_interfaces
else
	t_fail top_two_interfaces "rc $rc: $msg $(head -2 "$TMP/top.err")"
fi
