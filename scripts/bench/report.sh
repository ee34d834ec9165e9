#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the merged raw results into what `make bench` promises: the targets
# checked (issue 6), bench.json, the table on stdout, the gnuplot chart and
# docs/BENCHMARKS.md.  The doc is regenerated above the marker line; the
# hand-written notes below it (profiles, explanations) are kept.
#
# usage: report.sh RAW.json OUTDIR DOC.md
set -u

RAW=${1:?usage: report.sh RAW.json OUTDIR DOC.md}
OUTDIR=${2:?}
DOC=${3:?}
JSON=$OUTDIR/bench.json
MARK='<!-- Notes below this line are kept when scripts/bench.sh regenerates the file. -->'

# What vpnxdp adds above the floor over what xdp-filter's port object adds
# (added.jq: per round, median, the denominator floor below).
DEN_FLOOR_NS=${BENCH_DEN_FLOOR_NS:-1.0}
# The added-cost targets (issue 14): summed over the kinds, any one kind,
# and the non-VPN kinds (bulk: DNS, TCP 443), the bulk of a firewall's
# traffic.
T_SUM=3.0 T_KIND=4.0 T_BULK=2.0

# Targets from the issues, evaluated on this run's numbers.  met: true,
# false, or null where the measurement is n/a.  The ratios to the XDP_PASS
# floor are kept in the tables as information, not as targets: the floor
# is the test-run harness and differs several times between machines.
jq -L "$(dirname "$0")" --argjson den "$DEN_FLOOR_NS" --argjson tsum "$T_SUM" \
	--argjson tkind "$T_KIND" --argjson tbulk "$T_BULK" '
include "added";
def ratio($a; $b): if ($a != null) and ($b != null) and ($b != 0) then $a / $b else null end;
def t($name; $value; $op; $limit):
	{target: $name, value: $value, limit: $limit, op: $op,
	 met: (if $value == null then null
	       elif $op == "<=" then $value <= $limit
	       else $value >= $limit end)};
.added = ((.cost // {}) | added($den))
| . as $all
| .targets = (
	[ t("cost summed over \(.added.summed.kinds) kinds: vpnxdp added / xdp-filter port added";
	    .added.summed.ratio; "<="; $tsum) + {kind: "summed"} ]
	+ [ .added.kinds[]
	  | t("cost \(.name)\(if .bulk then " (non-VPN)" else "" end): vpnxdp added / xdp-filter port added";
	      .ratio; "<="; (if .bulk then $tbulk else $tkind end)) + {kind: .name} ]
	+ [ ($all.throughput.modes // {}) as $m
	    | t("veth: vpnxdp drop pps / null XDP_DROP pps";
		$m.vpnxdp_drop.vs_null_drop; ">="; 0.95),
	      t("veth: vpnxdp drop pps / nftables ingress drop pps";
		ratio($m.vpnxdp_drop.vs_null_drop; $m.nft_drop.vs_null_drop); ">="; 1.0) ]
	+ [ ($all.scale // {}) | to_entries[] | .key as $axis
	    | if .value.supported and (.value.flatness != null) then
		([.value.points[] | select(.packets)]) as $pts
		| .value.flatness | to_entries[]
		| t("scale \($axis), \(.key): largest / smallest"; .value; "<="; 1.2)
		  # The same in plain ns: the points are separate runs, and load
		  # does not move the floor and vpnxdp alike; both are shown.
		  + {value_ns: ($pts[-1].packets[.key].ns / $pts[0].packets[.key].ns)}
	      else t("scale \($axis)"; null; "<="; 1.2)
		   + {na: (.value.reason // "no result")} end ]
  )
| .targets_met = ([.targets[] | select(.met == true)] | length)
| .targets_missed = ([.targets[] | select(.met == false)] | length)
| .targets_na = ([.targets[] | select(.met == null)] | length)
' "$RAW" > "$JSON" || { echo "report: cannot evaluate targets" >&2; exit 2; }

# Plain-text tables, one per section (TSV through column).
tables() {
	jq -r '
def n2: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
def n0: if . == null then "-" else (round | tostring) end;
def cell($r): if $r == null then "n/a" elif $r.error then "error"
	else "\($r.ns | n2) ns \($r.ratio | n2)x" end;
def verdict: if .met == true then "met" elif .met == false then "NOT MET" else "n/a" end;
[.targets[] | select(.kind != null) | . + {verdict: verdict}] as $all_targets
| def sgn1: if . == null then "-" else (. * 10 | round / 10 | if . > 0 then "+" + tostring else tostring end) end;
def stage($k; $n): if ($k.added_ns | has($n)) then [$k.added_ns[$n] | sgn1] else [] end;
(.added.kinds[0].added_ns // {}) as $a0
| ([["stage_parse", "parse only"], ["stage_classify", "parse+classify"]]
   | map(select(.[0] as $n | $a0 | has($n)))) as $stages
| "## Added cost (ns above the XDP_PASS floor, per round, median of \(.machine.rounds) rounds; ratio: vpnxdp added / xdp-filter port object added, per round, median [min-max], the denominator taken as at least \(.added.denominator_floor_ns) ns)",
(["packet", "vpnxdp +ns", "xdp-filter port +ns", "ratio", "[min-max]", "rounds den floored", "target", ""] | @tsv),
((.added.kinds[] | . as $k | .name as $n | ($all_targets[] | select(.kind == $n)) as $t
  | [.name, (.added_ns.vpnxdp | sgn1), (.added_ns.xdpfilt_port | sgn1), (.ratio | n2),
     (if .ratio_min == null then "-" else "\(.ratio_min | n2)-\(.ratio_max | n2)" end),
     (if .floored_rounds == null then "-" else "\(.floored_rounds) rounds" end),
     "<= \($t.limit)", $t.verdict]) | @tsv),
(.added.summed | ($all_targets[] | select(.kind == "summed")) as $t
  | ["sum (\(.kinds) kinds)", (.added_ns.vpnxdp | sgn1), (.added_ns.xdpfilt_port | sgn1), (.ratio | n2),
     (if .ratio_min == null then "-" else "\(.ratio_min | n2)-\(.ratio_max | n2)" end),
     (if .floored_rounds == null then "-" else "\(.floored_rounds) rounds" end),
     "<= \($t.limit)", $t.verdict] | @tsv),
"",
(if ($stages | length) > 0 then
  "## Ablation (ns above the floor, same rounds; bench-only variants of vpnxdp cut short at a stage, scripts/bench/stages.bpf.c)",
  (["packet"] + ($stages | map(.[1])) + ["full (vpnxdp)", "xdp-filter port"] | @tsv),
  (.added.kinds[] | . as $k
   | [.name] + ($stages | map($k.added_ns[.[0]] | sgn1)) + [(.added_ns.vpnxdp | sgn1), (.added_ns.xdpfilt_port | sgn1)] | @tsv),
  ""
 else empty end),
"## Program cost (BPF_PROG_TEST_RUN, ns/packet median of \(.machine.rounds) rounds x \(.machine.repeat); ratio to the XDP_PASS floor, as information)",
(["packet", "null (floor)", "vpnxdp", "xdp-filter port", "xdp-filter all", "vpnxdp verdict"] | @tsv),
((.cost.packets // [])[] | .results as $r
  | [.name, cell($r.null), cell($r.vpnxdp), cell($r.xdpfilt_port), cell($r.xdpfilt_all),
     ($r.vpnxdp.verdict // "-")] | @tsv),
"",
"## veth throughput (\(.throughput.frame // "-"), median of runs)",
(["handler", "packets/s", "rounds min-max", "vs null XDP_DROP", "extra ns/packet"] | @tsv),
((.throughput.modes // {}) | to_entries[] |
  [.key, (if .value.error then "n/a: " + .value.error else (.value.pps | n0) end),
   (if .value.runs then "\(.value.runs | map(select(. != null)) | min | n0)-\(.value.runs | map(select(. != null)) | max | n0)" else "-" end),
   (.value.vs_null_drop | n2), (.value.extra_ns | n2)] | @tsv),
"",
"## Scale (vpnxdp ns/packet; ratio to the floor in the same run)",
(["axis", "size", "v4_udp_vpn", "v4_udp_other", "v6_udp_vpn", "v4_tcp_443"] | @tsv),
((.scale // {}) | to_entries[] | .key as $a |
  if .value.supported then
    (.value.points[] | [$a, (.n | tostring)] +
      (if .error then ["error: " + .error] else
       [.packets.v4_udp_vpn, .packets.v4_udp_other, .packets.v6_udp_vpn, .packets.v4_tcp_443]
       | map(if . == null then "-" else "\(.ns | n2) ns \(.ratio | n2)x" end) end) | @tsv)
  else [$a, "-", .value.reason] | @tsv end),
"",
"## Userspace",
(.userspace.replay | if .supported != true then ["replay", .reason // .error // "n/a"]
  elif .error then ["replay", "error: " + .error]
  else ["replay", "\(.pps | n0) packets/s once running, startup \(.startup_s | n2) s (\(.packets) packets in \(.captures) captures, replayed 1 and \(.repeats) times)"] end | @tsv),
(.userspace.policy_apply | if .error then ["policy apply", "error: " + .error]
  else ["policy apply", "\(.seconds) s (\(.lines) lines: \(.policy))"] end | @tsv),
"",
"## Targets (\(.targets_met) met, \(.targets_missed) not met, \(.targets_na) n/a)",
(.targets[] | [verdict,
  .target, "\(.value | n2) \(.op) \(.limit)\(if .value_ns then " (in ns: \(.value_ns | n2))" else "" end)"] | @tsv)
' "$JSON"
}

render() {
	# column(1) aligns each block; blank lines and "##" headings pass through.
	local block=()
	while IFS= read -r line; do
		if [ -z "$line" ] || [ "${line#\#\#}" != "$line" ]; then
			[ ${#block[@]} -gt 0 ] && printf '%s\n' "${block[@]}" | column -t -s $'\t'
			block=()
			printf '%s\n' "$line"
		else
			block+=("$line")
		fi
	done
	[ ${#block[@]} -gt 0 ] && printf '%s\n' "${block[@]}" | column -t -s $'\t'
}

TABLE=$(tables | render)
printf '%s\n' "$TABLE"

# Chart: per packet kind and summed, vpnxdp's added cost over xdp-filter's
# port object's (left; the targets as lines), veth throughput relative to
# the null XDP_DROP program (right).
if command -v gnuplot >/dev/null; then
	jq -r '(.added.kinds[] | [.name, (.ratio // "NaN")]),
		(.added.summed | ["sum", (.ratio // "NaN")]) | @tsv' "$JSON" > "$OUTDIR/cost.dat"
	jq -r '(.throughput.modes // {}) | to_entries[]
		| [.key, (.value.vs_null_drop // "NaN")] | @tsv' "$JSON" > "$OUTDIR/tp.dat"
	gnuplot <<EOF 2>"$OUTDIR/gnuplot.err" || echo "report: gnuplot failed (see $OUTDIR/gnuplot.err)" >&2
set terminal pngcairo size 1400,600 font ",10" noenhanced
set output "$OUTDIR/bench.png"
set multiplot layout 1,2 title "vpnxdp bench $(jq -r '.machine.started' "$JSON") ($(jq -r '.machine.commit' "$JSON"))"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key below
set xtics rotate by -35 scale 0
set title "ns vpnxdp adds above the floor / ns xdp-filter's port object adds (lower is better)"
set ylabel "ratio of added cost"
set yrange [0:*]
set arrow 1 from graph 0, first 4 to graph 1, first 4 nohead dt 2 lc rgb "red"
set arrow 2 from graph 0, first 2 to graph 1, first 2 nohead dt 3 lc rgb "orange"
set arrow 4 from graph 0, first 3 to graph 1, first 3 nohead dt 4 lc rgb "black"
plot "$OUTDIR/cost.dat" using 2:xtic(1) title "vpnxdp / xdp-filter port (targets: 4 a kind, 2 non-VPN, 3 summed)"
unset arrow 1
unset arrow 2
unset arrow 4
set title "veth drop throughput / null XDP_DROP (higher is better)"
set ylabel "packets/s ratio"
set arrow 3 from graph 0, first 0.95 to graph 1, first 0.95 nohead dt 2 lc rgb "red"
$(if grep -q '[0-9]' "$OUTDIR/tp.dat" 2>/dev/null; then
	echo 'plot "'"$OUTDIR"'/tp.dat" using 2:xtic(1) title "packets/s vs null XDP_DROP" lc rgb "#4477aa"'
else
	echo 'set label 1 "no throughput results" at graph 0.5, graph 0.5 center'
	echo 'set yrange [0:1]'
	echo 'plot NaN notitle'
fi)
unset multiplot
EOF
else
	echo "report: gnuplot not installed: no chart" >&2
fi

# docs/BENCHMARKS.md: generated part, then the kept notes.
NOTES=
if [ -f "$DOC" ] && grep -qF -- "$MARK" "$DOC"; then
	NOTES=$(sed -n "/^$(printf '%s' "$MARK" | sed 's/[][\.*^$/]/\\&/g')\$/,\$p" "$DOC" | tail -n +2)
fi
{
	echo "# vpnxdp benchmarks"
	echo
	echo "Generated by \`sudo make bench\` (scripts/bench.sh) on $(jq -r '.machine.finished' "$JSON"),"
	echo "commit $(jq -r '.machine.commit' "$JSON")$(jq -r 'if .machine.quick then " (BENCH_QUICK=1: short runs, rough numbers)" else "" end' "$JSON")."
	echo "Ratios, not absolute times, are the results: every ratio compares programs measured"
	echo "in the same run, on the same packets, interleaved round by round."
	echo
	echo "## Rerun"
	echo
	echo '    sudo make bench                 # full run, about 4 minutes'
	echo '    sudo BENCH_QUICK=1 make bench   # short run while developing'
	echo
	echo "Results: a table on stdout, \`build/bench/bench.json\` (everything, with each"
	echo "target and whether it was met), \`build/bench/bench.png\` (the ratios), and this file"
	echo "(the text above the notes marker is rewritten on every run)."
	echo
	echo "## Machine"
	echo
	jq -r '.machine | "- CPU: \(.cpu), \(.cpus) CPUs, \(.memory)",
		"- kernel \(.kernel); \(.clang)",
		"- peers: \(.xdp_tools); \(.nft); \(.trafgen)",
		"- load average (1, 5, 15 min): \(.load_start) at the start, \(.load_end) at the end",
		(if .note != "" then "- " + .note else empty end)' "$JSON"
	echo
	echo '```'
	printf '%s\n' "$TABLE"
	echo '```'
	echo
	echo '![ratios](../build/bench/bench.png) (after a run)'
	echo
	echo "$MARK"
	if [ -n "$NOTES" ]; then printf '%s\n' "$NOTES"; fi
} > "$DOC.tmp" && mv "$DOC.tmp" "$DOC"
echo
echo "bench: $JSON, $OUTDIR/bench.png, $DOC"
