#!/usr/bin/env bash
# The live view does not lose the tail (issue 12, case 9): paced WireGuard
# datagrams for ~1.5 s from one CPU, then from both (one sender pinned to
# each CPU with taskset: on veth the receiving XDP program runs on the
# sender's CPU), and no packet after them.  Within one interval (and the
# reader's grace) after the traffic stops, top --json has reported every
# packet, each in the line of its own interval, and the lines add up to
# stats exactly.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/topo.sh
need_root || exit 0
command -v taskset >/dev/null || { t_skip "$(t_suite)" "taskset not installed"; exit 0; }

VPNXDP=${VPNXDP:-$PWD/build/vpnxdp}
TMP=$(mktemp -d)
TOP_PID=
cleanup() {
	[ -n "$TOP_PID" ] && kill "$TOP_PID" 2>/dev/null && wait "$TOP_PID" 2>/dev/null
	topo_in_b "$VPNXDP" detach "$TOPO_IF_B" >/dev/null 2>&1
	topo_down
	rm -rf "$TMP"
}
trap cleanup EXIT
topo_up "vxt$$" || { t_fail topo_up "cannot create the test topology"; exit 1; }
IF=$TOPO_IF_B
IVL=200
N=1500 # datagrams in all, at 1000/s

cat >"$TMP/send.py" <<'PY'
# N WireGuard transport datagrams to HOST:51820, paced GAP s apart; bounded.
import socket, sys, time
host, n, gap = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
pl = b"\x04\x00\x00\x00" + b"\x11" * 44
t0 = time.monotonic()
for i in range(n):
    s.sendto(pl, (host, 51820))
    d = t0 + (i + 1) * gap - time.monotonic()
    if d > 0:
        time.sleep(d)
PY

# The WireGuard packets each CPU counted (vx_counters row 1, per CPU).
per_cpu() {
	topo_in_b bpftool -j map lookup pinned "/sys/fs/bpf/vpnxdp/$IF/vx_counters" key 1 0 0 0 |
		/usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)["values"]
print(" ".join(str(int.from_bytes(bytes(int(b, 16) for b in c["value"][:8]), "little")) for c in v))'
}

run_case() { # NAME CPUS (comma-separated)
	local name=$1 cpus=$2 k n end pids=()
	IFS=, read -ra cl <<<"$cpus"
	topo_in_b "$VPNXDP" detach "$IF" >/dev/null 2>&1
	topo_in_b "$VPNXDP" attach "$IF" --interval $IVL >/dev/null 2>&1 ||
		{ t_fail "${name}_attach" "cannot attach"; return; }
	# nsenter execs top: $! is top itself
	nsenter --net="/var/run/netns/$TOPO_NS_B" -- "$VPNXDP" top --json "$IF" \
		>"$TMP/top.out" 2>"$TMP/top.err" &
	TOP_PID=$!
	sleep 0.3
	n=$((N / ${#cl[@]}))
	for k in "${cl[@]}"; do
		timeout 30 nsenter --net="/var/run/netns/$TOPO_NS_A" -- taskset -c "$k" \
			/usr/bin/python3 "$TMP/send.py" "$TOPO_IP4_B" "$n" "$(awk "BEGIN { print 0.001 * ${#cl[@]} }")" &
		pids+=($!)
	done
	wait "${pids[@]}"
	end=$(date +%s.%N)
	# until top has reported an interval that starts after the end, and
	# at most one interval (plus the reader's quarter-interval grace and
	# some room for a loaded machine) later
	/usr/bin/python3 - "$TMP/top.out" "$end" "$IVL" <<'PY'
import json, sys, time
f, end, ivl = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]) / 1000
deadline = time.time() + 15
while time.time() < deadline:
    try:
        ts = [json.loads(l)["ts"] for l in open(f) if l.strip()]
    except ValueError:
        ts = []
    if ts and max(ts) > end:
        break
    time.sleep(0.02)
PY
	kill -TERM "$TOP_PID"
	wait "$TOP_PID"
	TOP_PID=
	topo_in_b "$VPNXDP" stats --json "$IF" >"$TMP/stats.json"
	read -ra pc <<<"$(per_cpu)"
	echo "# $name: WireGuard packets per CPU: ${pc[*]}"
	/usr/bin/python3 - "$TMP/top.out" "$TMP/stats.json" "$end" "$name" "$N" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cnt = json.load(open(sys.argv[2]))["protocols"]
end, name, n = float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
tot = {c: sum(j["protocols"][c]["packets"] for j in lines) for c in cnt}
diff = {c: (tot[c], cnt[c]["packets"]) for c in cnt if tot[c] != cnt[c]["packets"]}
ok = not diff and cnt["wireguard"]["packets"] == n
print(f"PASS {name}_top_sums_to_stats" if ok else
      f"FAIL {name}_top_sums_to_stats: top vs stats {diff}, wireguard counted {cnt['wireguard']['packets']} of {n}")
late = [(j["ts"], j["protocols"]["wireguard"]["packets"]) for j in lines if j["ts"] > end + 0.01]
print(f"PASS {name}_last_interval_in_time" if late and not any(p for _, p in late) else
      f"FAIL {name}_last_interval_in_time: lines after the end: {late[:4]}")
PY
	if [ "${#cl[@]}" -gt 1 ]; then
		local busy=0 c
		for c in "${cl[@]}"; do [ "${pc[$c]:-0}" -gt 0 ] && busy=$((busy + 1)); done
		[ "$busy" = "${#cl[@]}" ] && t_pass "${name}_every_cpu_carried_traffic" ||
			t_fail "${name}_every_cpu_carried_traffic" "per CPU: ${pc[*]}"
	fi
}

run_case one_cpu 0
if [ "$(nproc)" -ge 2 ]; then
	run_case two_cpus 0,1
else
	t_skip two_cpus "one CPU only"
fi
