#!/usr/bin/env bash
# vpnxdp events end to end: ESP dropped by policy.
#   events_drop_fields     each drop is an event with class, reason,
#                          protocol, addresses, length
#   events_capped          a flood of drops yields at most the per-CPU
#                          bucket's worth of events; the rest are reported
#                          as suppressed, and events + suppressed = drops
#   events_text            the human-readable form, --count
#   events_new_flow        a new VPN flow (one the flow cache learns) is
#                          reported once
#   events_new_flow_agree  WireGuard data off its port, no handshake: the
#                          third packet that agrees gives the flow its class
#                          (the fast path counts the evidence), reported once
#   events_sigterm_exit0
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
EV_PID=
cleanup() {
	[ -n "$EV_PID" ] && kill "$EV_PID" 2>/dev/null && wait "$EV_PID" 2>/dev/null
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxv$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
printf 'esp drop\n' >"$TMP/policy"
if ! out=$(topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --policy "$TMP/policy" 2>&1); then
	t_fail attach "$out"
	exit 1
fi
cat >"$TMP/esp.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B, prot=50), 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, fill(0x22, 48) }
CFG
send() { # COUNT GAP_US (0: flood)
	local gap=()
	[ "$2" -gt 0 ] && gap=(-t "${2}us")
	timeout 20 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
		-c "$TMP/esp.cfg" -n "$1" "${gap[@]}" -P 1 -Q >/dev/null 2>&1
}

nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" events --json "$TOPO_IF_B" \
	>"$TMP/ev.json" 2>"$TMP/ev.err" &
EV_PID=$!
sleep 0.3
send 10 20000
send 20000 0
sleep 1.5 # the reader reports suppressed events once a second
kill -TERM "$EV_PID"
wait "$EV_PID"
t_eq events_sigterm_exit0 "$?" 0
EV_PID=
topo_in_b "$VPNXDP" stats --json "$TOPO_IF_B" >"$TMP/stats.json"
dropped=$(json_get "$TMP/stats.json" protocols.esp.dropped)

msg=$(/usr/bin/python3 - "$TMP/ev.json" "$dropped" "$TOPO_IF_B" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
dropped, ifc = int(sys.argv[2]), sys.argv[3]
ev = [j for j in lines if j["type"] == "drop"]
sup = [j for j in lines if j["type"] == "suppressed"]
bad = [j for j in ev[:10] if not (j["class"] == "esp" and j["reason"] == "rule" and
       j["proto"] == "esp" and j["src"] == "192.0.2.1" and j["dst"] == "192.0.2.2" and
       j["len"] == 14 + 20 + 56 and j["interface"] == ifc and "sport" not in j)]
r1 = "" if len(ev) >= 10 and not bad else f"{len(ev)} drop events, bad: {bad[:2]}"
capped = sum(j["capped"] for j in sup) + sum(j["lost"] for j in sup)
# one bucket per CPU (64) plus refill at 100/s per CPU during the run
r2 = "" if dropped == 20010 and len(ev) + capped == dropped and len(ev) <= 64 * 2 + 100 * 2 * 3 \
     else f"{len(ev)} events + {capped} suppressed for {dropped} drops"
print(r1 + "|" + r2)
PY
)
r1=${msg%%|*} r2=${msg#*|}
if [ -z "$r1" ]; then t_pass events_drop_fields; else t_fail events_drop_fields "$r1"; fi
if [ -z "$r2" ]; then t_pass events_capped; else t_fail events_capped "$r2"; fi

# Text form: the ring is drained; the bucket has refilled after a pause.
sleep 1
( sleep 0.5; send 3 10000 ) &
spid=$!
timeout 10 nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" events "$TOPO_IF_B" --count 3 >"$TMP/ev.txt"
rc=$?
wait "$spid"
n=$(grep -cE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z $TOPO_IF_B cpu[0-9]+ drop esp rule esp 192\.0\.2\.1 -> 192\.0\.2\.2 len 90$" "$TMP/ev.txt")
if [ "$rc" = 0 ] && [ "$n" = 3 ] && [ "$(wc -l <"$TMP/ev.txt")" = 3 ]; then
	t_pass events_text
else
	t_fail events_text "rc $rc: $(head -3 "$TMP/ev.txt")"
fi
# new_flow NAME CFG N EXPECT: N frames of trafgen config CFG from A while
# B's events are read: exactly one new_flow event, and it holds EXPECT.
new_flow() {
	local spid nf
	( sleep 0.5; timeout 10 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
		-c "$2" -n "$3" -t 10ms -P 1 -Q >/dev/null 2>&1 ) &
	spid=$!
	timeout 5 nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" events --json "$TOPO_IF_B" >"$TMP/$1.json"
	wait "$spid"
	nf=$(grep -c '"type":"new_flow"' "$TMP/$1.json")
	if [ "$nf" = 1 ] && grep -qF "$4" "$TMP/$1.json"; then
		t_pass "$1"
	else
		t_fail "$1" "$nf new_flow events: $(head -c 300 "$TMP/$1.json")"
	fi
}
# A new VPN flow: an OpenVPN hard reset over TCP (a flow the flow cache
# learns), sent twice: one new_flow event.
cat >"$TMP/ovpn.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), tcp(sp=40001, dp=1194, ack, psh), 0x00, 0x0e, 0x38, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00 }
CFG
new_flow events_new_flow "$TMP/ovpn.cfg" 2 \
	'"type":"new_flow","class":"openvpn","proto":"tcp","src":"192.0.2.1","dst":"192.0.2.2","sport":40001,"dport":1194'
# WireGuard data to a port with no signature: one receiver index, a
# counter going up; the third packet identifies the flow, the fourth is of
# a known flow.
cat >"$TMP/wg.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), udp(sp=40100, dp=40404), 0x04, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, dinc(1, 200, 1), 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, fill(0xaa, 112) }
CFG
new_flow events_new_flow_agree "$TMP/wg.cfg" 4 \
	'"type":"new_flow","class":"wireguard","proto":"udp","src":"192.0.2.1","dst":"192.0.2.2","sport":40100,"dport":40404'
if [ -s "$TMP/ev.err" ]; then t_fail events_stderr_clean "$(head -2 "$TMP/ev.err")"; else t_pass events_stderr_clean; fi
