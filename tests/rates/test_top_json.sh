#!/usr/bin/env bash
# vpnxdp top --json against known traffic, end to end: a namespace pair, a
# WireGuard + ESP stream at a known rate from trafgen (ESP dropped by
# policy), top reading the rate ring the whole time.
#
#   top_json_lines       one well-formed object per interval
#   records_sum_exact    what top reported adds up exactly to the counters
#   rate_within_2pct     top's rates over the run match what was sent
#   drops_match          drops/s times the interval adds up to the drops
#   top_sigterm_exit0    SIGTERM ends top cleanly
#   mix_every_class_exact, mix_rate_within_2pct: the shared VPN mix of every
#                        class at a known rate, per class exact; rates x
#                        interval within 2% of what was sent
#   *_tail_in_its_interval  every packet is in the line of its own
#                        interval: after traffic stops, the lines that start
#                        later carry nothing, and none arrives late
#
# No packet is sent after the traffic to close the last interval: each
# CPU's flush timer closes it, so once top has reported an interval that
# starts after the traffic ended, the lines add up to the counters.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v trafgen >/dev/null || { t_skip "$(t_suite)" "trafgen not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
TOP_PID=
cleanup() {
	[ -n "$TOP_PID" ] && kill "$TOP_PID" 2>/dev/null && wait "$TOP_PID" 2>/dev/null
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	[ -n "$KEEP" ] && cp -r "$TMP" /tmp/vx3keep; rm -rf "$TMP"
}
trap cleanup EXIT
KEEP=${KEEP:-}
topo_up "vxr$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }

IVL=200
N=1000   # per class
RATE=1000 # pps, both classes together
printf 'esp drop\n' >"$TMP/policy"
if ! out=$(topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --interval $IVL --policy "$TMP/policy" 2>&1); then
	t_fail attach "$out"
	exit 1
fi

NCPU=$(nproc)
# Wait (bounded) until top has reported an interval that starts after
# @end (seconds since the epoch): then every interval with traffic has
# been reported, if its records came in time.
wait_top_past() { # FILE END
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys, time
f, end = sys.argv[1], float(sys.argv[2])
deadline = time.time() + 15
while time.time() < deadline:
    try:
        ts = [json.loads(l)["ts"] for l in open(f) if l.strip()]
    except ValueError:
        ts = []  # a line being written
    # past the margin the tail checks below allow the end (10 ms): a
    # line stamped inside it must not end the wait, or top is stopped
    # before the line those checks look for
    if ts and max(ts) > end + 0.01:
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
}

cat >"$TMP/mix.cfg" <<CFG
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B), udp(sp=40000, dp=51820), 0x04, 0x00, 0x00, 0x00, fill(0x11, 44) }
{ eth(da=$TOPO_MAC_B, sa=$TOPO_MAC_A), ipv4(sa=$TOPO_IP4_A, da=$TOPO_IP4_B, prot=50), 0x00, 0x00, 0x10, 0x01, 0x00, 0x00, 0x00, 0x01, fill(0x22, 48) }
CFG

# nsenter execs top: $! is top itself.
nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" top --json "$TOPO_IF_B" \
	>"$TMP/top.out" 2>"$TMP/top.err" &
TOP_PID=$!
sleep 0.5
start=$(date +%s.%N)
timeout 30 nsenter --net="/var/run/netns/$TOPO_NS_A" trafgen -o "$TOPO_IF_A" \
	-c "$TMP/mix.cfg" -n $((2 * N)) -t $((1000000 / RATE))us -P 1 -Q >/dev/null 2>&1
end=$(date +%s.%N)
wait_top_past "$TMP/top.out" "$end" || t_fail top_past_end "top reported nothing after the traffic ended"
kill -TERM "$TOP_PID"
wait "$TOP_PID"
rc=$?
TOP_PID=
t_eq top_sigterm_exit0 "$rc" 0
topo_in_b "$VPNXDP" stats --json "$TOPO_IF_B" >"$TMP/stats.json"

/usr/bin/python3 - "$TMP/top.out" "$TMP/stats.json" "$N" "$NCPU" "$IVL" "$start" "$end" <<'PY'
import json, sys
top, stats, n, ncpu, ivl = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dur = float(sys.argv[7]) - float(sys.argv[6])
res = []
def check(name, ok, why):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")

lines, bad = [], []
for l in open(top):
    try:
        j = json.loads(l)
        assert set(j) >= {"ts", "interface", "interval_ms", "lost", "protocols"}
        assert j["interval_ms"] == ivl and j["lost"] == 0
        for c, v in j["protocols"].items():
            assert set(v) >= {"pps", "bps", "drops_ps", "packets"}
        lines.append(j)
    except Exception as e:
        bad.append(repr(l[:80]))
check("top_json_lines", lines and not bad and len(lines) >= dur * 1000 / ivl,
      f"{len(lines)} lines, bad: {bad[:3]}")
if not lines:
    sys.exit(0)
cnt = json.load(open(stats))["protocols"]
sec = ivl / 1000
tot = {c: sum(j["protocols"][c]["packets"] for j in lines) for c in cnt}
drops = {c: sum(j["protocols"][c].get("drops", 0) for j in lines) for c in cnt}
want = {c: cnt[c]["packets"] for c in cnt}
diff = {c: (tot[c], want[c]) for c in cnt if tot[c] != want[c]}
diff.update({c + "_drops": (drops[c], cnt[c]["dropped"]) for c in cnt if drops[c] != cnt[c]["dropped"]})
check("records_sum_exact", not diff and cnt["wireguard"]["packets"] == n, f"top vs counters: {diff}")
# Nothing after the end: the last interval came in its own line.
late = [(j["ts"], sum(v["packets"] for v in j["protocols"].values())) for j in lines
        if j["ts"] > float(sys.argv[7]) + 0.01]
check("stream_tail_in_its_interval", late and not any(p for _, p in late),
      f"lines after the end: {late[:4]}")
# Rates: pps x interval over the run, against what was sent; and the mean
# rate over the intervals the traffic filled against the sender's own rate.
ok, why = True, []
for c in ("wireguard", "esp"):
    s = sum(j["protocols"][c]["pps"] * sec for j in lines)
    if abs(s - n) > 0.02 * n:
        ok = False; why.append(f"{c}: pps x interval sums to {s:.0f}, sent {n}")
    busy = [j["protocols"][c]["pps"] for j in lines if j["protocols"][c]["packets"]]
    inner = busy[1:-1]
    sent_rate = n / dur
    if len(inner) < 3:
        ok = False; why.append(f"{c}: only {len(busy)} intervals with traffic")
    else:
        mean = sum(inner) / len(inner)
        # the sender's wall time includes its start-up: its rate is a floor
        if mean < sent_rate * 0.98 or mean > sent_rate * 1.15:
            ok = False; why.append(f"{c}: mean {mean:.1f} pps, sender {sent_rate:.1f} pps")
check("rate_within_2pct", ok, "; ".join(why))
dsum = sum(j["protocols"]["esp"]["drops_ps"] * sec for j in lines)
wd = sum(j["protocols"]["wireguard"]["drops_ps"] for j in lines)
perline = all(abs(j["protocols"]["esp"]["drops_ps"] - j["protocols"]["esp"]["pps"]) < 1e-6 for j in lines)
check("drops_match", abs(dsum - cnt["esp"]["dropped"]) < 0.5 and cnt["esp"]["dropped"] == n
      and wd == 0 and perline, f"esp drops_ps x interval {dsum:.1f}, dropped {cnt['esp']['dropped']}, wireguard drops/s {wd}")
PY
if [ -s "$TMP/top.err" ]; then
	t_fail top_stderr_clean "$(head -3 "$TMP/top.err")"
else
	t_pass top_stderr_clean
fi

# Every class: the shared VPN mix (scripts/vpnmix.py) replayed at a known
# rate (tcpreplay --pps), on a fresh attachment with the default policy.
topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
topo_in_b "$VPNXDP" attach "$TOPO_IF_B" --interval $IVL >/dev/null 2>&1 ||
	{ t_fail attach_mix "cannot attach"; exit 1; }
MIXPPS=450
/usr/bin/python3 scripts/vpnmix.py --out "$TMP/mix.pcap" --src-mac "$TOPO_MAC_A" \
	--dst-mac "$TOPO_MAC_B" --count-per-class 150 --manifest "$TMP/want.json" \
	>/dev/null || { t_fail vpnmix "cannot build the traffic mix"; exit 1; }
nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" top --json "$TOPO_IF_B" \
	>"$TMP/top2.out" 2>"$TMP/top2.err" &
TOP_PID=$!
sleep 0.5
scripts/send.sh "$TOPO_NS_A" "$TOPO_IF_A" "$TMP/mix.pcap" $MIXPPS >"$TMP/send.out" 2>&1 ||
	t_fail send_mix "tcpreplay failed: $(tail -2 "$TMP/send.out")"
# The rate tcpreplay achieved (on a loaded machine it can fall behind the
# one asked for): the reference for top's rates.
SENT_PPS=$(sed -n 's/.*Rated:.* \([0-9.]*\) pps.*/\1/p' "$TMP/send.out" | head -1)
end=$(date +%s.%N)
wait_top_past "$TMP/top2.out" "$end" || t_fail top_past_end_mix "top reported nothing after the replay ended"
kill -TERM "$TOP_PID"
wait "$TOP_PID"
TOP_PID=
topo_in_b "$VPNXDP" stats --json "$TOPO_IF_B" >"$TMP/stats2.json"
/usr/bin/python3 - "$TMP/top2.out" "$TMP/want.json" "$TMP/stats2.json" "$NCPU" "$IVL" "${SENT_PPS:-0}" "$end" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
want = json.load(open(sys.argv[2]))
cnt = json.load(open(sys.argv[3]))["protocols"]
ncpu, ivl, pps, end = int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
bad = []
for c, w in want.items():
    p = sum(j["protocols"][c]["packets"] for j in lines)
    b = sum(j["protocols"][c]["bytes"] for j in lines)
    if (p, b) != (w["packets"], w["bytes"]):
        bad.append(f"{c}: top {p} pkts/{b} B, sent {w['packets']}/{w['bytes']}")
    if cnt[c]["packets"] != p:
        bad.append(f"{c}: top {p}, counters {cnt[c]['packets']}")
print("PASS mix_every_class_exact" if not bad else "FAIL mix_every_class_exact: " + "; ".join(bad))
late = [(j["ts"], sum(v["packets"] for v in j["protocols"].values())) for j in lines
        if j["ts"] > end + 0.01]
print("PASS mix_tail_in_its_interval" if late and not any(p for _, p in late) else
      f"FAIL mix_tail_in_its_interval: lines after the end: {late[:4]}")
tot = [sum(v["pps"] for v in j["protocols"].values()) for j in lines]
sent = sum(w["packets"] for w in want.values())
# Rates x interval over the whole run add up to what was sent (a lost tail
# or a late interval shows here), within 2%.
area = sum(tot) * ivl / 1000
# The intervals the replay filled: the first run of intervals with traffic
# less its partial first and last ones.  Their median rate against the
# sender's: a median, because on a loaded machine tcpreplay stalls and then
# catches up, and its own figure includes its start-up (a mean of the
# intervals is then a few percent off either way while top is exact).
run = []
for t in tot:
    if t > 0:
        run.append(t)
    elif run:
        break
inner = sorted(run[1:-1])
med = inner[len(inner) // 2] if inner else 0
ok = (pps > 0 and len(inner) >= 5 and abs(area - sent) <= 0.02 * sent
      and abs(med - pps) <= 0.05 * pps)
print(f"PASS mix_rate_within_2pct" if ok else
      f"FAIL mix_rate_within_2pct: pps x interval sums to {area:.0f} of {sent} sent; "
      f"median {med:.1f} pps over {len(inner)} full intervals, tcpreplay sent at {pps} pps")
PY
