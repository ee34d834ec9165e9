#!/usr/bin/env bash
# The bench's added-cost figure (scripts/bench/added.jq, through
# scripts/bench/report.sh) on synthetic progbench output with known
# answers: what vpnxdp adds above the floor over what xdp-filter's port
# object adds is taken per round and then the median (not a ratio of
# medians), a denominator under the floor counts as the floor, the sum is
# per round over the kinds, and each target says met or NOT MET with the
# non-VPN limit for bulk kinds.  No BPF, no timing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

if ! command -v jq >/dev/null; then
	t_skip "$(t_suite)" "jq not installed"
	exit 0
fi
TMP=$(mktemp -d /tmp/vxadd.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# A progbench compare document: KIND BULK then, per program, its ns_rounds.
# kind a: vpnxdp adds 10, 30, 3; xdp-filter 2, 10, 1: per round 5, 3, 3 ->
#         median 3 (the ratio of the medians would be 10 / 2 = 5).
# kind b: vpnxdp adds 10, 12, 8; xdp-filter 0.2, -0.5, 0.1: under the 1 ns
#         floor in every round -> 10, 12, 8 -> median 10 (at a 0.1 ns
#         floor: 50, 120, 80 -> 80).
# kind c: 3 / 2 = 1.5 in every round (bulk: within 2).
# kind d: 7 / 2 = 3.5 in every round (not bulk: within 4, over 2).
cost() {
	jq -n '
def res($f; $v; $x; $s; $c): {null: {ns_rounds: $f}, vpnxdp: {ns_rounds: $v},
	xdpfilt_port: {ns_rounds: $x}, stage_parse: {ns_rounds: $s},
	stage_classify: {ns_rounds: $c}};
{mode: "compare", rounds: 3,
 programs: [{name: "null"}, {name: "vpnxdp"}, {name: "xdpfilt_port"},
	    {name: "stage_parse"}, {name: "stage_classify"}],
 packets: [
  {name: "a", bulk: true, results: res([10, 10, 10]; [20, 40, 13]; [12, 20, 11]; [11, 11, 11]; [15, 15, 15])},
  {name: "b", bulk: false, results: res([10, 10, 10]; [20, 22, 18]; [10.2, 9.5, 10.1]; [12, 12, 12]; [16, 16, 16])},
  {name: "c", bulk: true, results: res([5, 6, 7]; [8, 9, 10]; [7, 8, 9]; [6, 7, 8]; [7, 8, 9])},
  {name: "d", bulk: false, results: res([5, 6, 7]; [12, 13, 14]; [7, 8, 9]; [6, 7, 8]; [10, 11, 12])}
 ]}'
}
raw() { # COST.json
	jq --slurpfile c "$1" -n '{machine: {rounds: 3, repeat: 1, started: "s",
	  finished: "f", commit: "c", quick: true, cpu: "cpu", cpus: 2, memory: "1 GiB",
	  kernel: "k", clang: "clang", xdp_tools: "x", nft: "n", trafgen: "t",
	  load_start: "0", load_end: "0", note: ""},
	  features: {}, cost: $c[0], throughput: {}, scale: {},
	  userspace: {replay: {supported: false, reason: "synthetic"},
		      policy_apply: {seconds: 0, lines: 0, policy: "none"}}}'
}
near() { # NAME GOT WANT
	if [ -n "$2" ] && jq -en --argjson g "$2" --argjson w "$3" '($g - $w) | fabs < 1e-6' >/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "got '$2', want $3"
	fi
}

cost > "$TMP/cost.json" || { t_fail added_synthetic_input "jq could not build it"; exit 0; }
raw "$TMP/cost.json" > "$TMP/raw.json"
ADD=$(jq -c -L scripts/bench 'include "added"; added(1.0)' "$TMP/cost.json")
k() { printf '%s' "$ADD" | jq -r --arg k "$1" ".kinds[] | select(.name == \$k) | $2"; }

near added_ratio_is_median_of_per_round_ratios "$(k a .ratio)" 3
near added_ns_is_median_of_per_round_differences "$(k a .added_ns.vpnxdp)" 10
near added_ns_of_the_peer "$(k a .added_ns.xdpfilt_port)" 2
near added_denominator_floor_applies "$(k b .ratio)" 10
t_eq added_denominator_floor_counts_rounds "$(k b .floored_rounds)" 3
t_eq added_no_floored_round_when_above "$(k a .floored_rounds)" 0
near added_ratio_min "$(k a .ratio_min)" 3
near added_ratio_max "$(k a .ratio_max)" 5
near added_ablation_stage_ns "$(k b .added_ns.stage_classify)" 6
# Summed per round: vpnxdp 10+10+3+7 = 30, 30+12+3+7 = 52, 3+8+3+7 = 21;
# xdp-filter 2+0.2+2+2 = 6.2, 10-0.5+2+2 = 13.5, 1+0.1+2+2 = 5.1; ratios
# 4.84, 3.85, 4.12: the median is round 2's, 21 / 5.1.
near added_summed_per_round_median "$(printf '%s' "$ADD" | jq .summed.ratio)" "$(jq -n '21 / 5.1')"
t_eq added_summed_kinds "$(printf '%s' "$ADD" | jq .summed.kinds)" 4
near added_summed_vpnxdp_ns "$(printf '%s' "$ADD" | jq .summed.added_ns.vpnxdp)" 30

# A different floor is the one used, and the output says which.
near added_other_floor "$(jq -r -L scripts/bench 'include "added"; added(0.1) | .kinds[] | select(.name == "b") | .ratio' "$TMP/cost.json")" 80
t_eq added_floor_reported "$(printf '%s' "$ADD" | jq .denominator_floor_ns)" 1

# The report: targets, met / NOT MET, the floor stated, the ablation table.
if scripts/bench/report.sh "$TMP/raw.json" "$TMP" "$TMP/B.md" > "$TMP/out" 2>"$TMP/err"; then
	t_pass report_runs
else
	t_fail report_runs "$(tail -3 "$TMP/err")"
fi
met() { jq -r --arg k "$1" '.targets[] | select(.kind == $k) | "\(.met) \(.limit)"' "$TMP/bench.json"; }
t_eq target_bulk_kind_over_2_not_met "$(met a)" "false 2"
t_eq target_kind_over_4_not_met "$(met b)" "false 4"
t_eq target_bulk_kind_within_2_met "$(met c)" "true 2"
t_eq target_vpn_kind_uses_4_not_2 "$(met d)" "true 4"
t_eq target_summed_not_met "$(met summed)" "false 3"
if grep -q '^NOT MET  *cost a (non-VPN)' "$TMP/out" && grep -q '^met  *cost c (non-VPN)' "$TMP/out"; then
	t_pass report_prints_met_and_not_met
else
	t_fail report_prints_met_and_not_met "$(grep -i 'cost [abcd]' "$TMP/out" | head -4)"
fi
grep -q 'denominator taken as at least 1 ns' "$TMP/out" &&
	t_pass report_states_denominator_floor ||
	t_fail report_states_denominator_floor "no statement of the floor in the table"
row=$(awk '/^## Ablation/ { on = 1; next } on && /^$/ { exit } on && /^b / { print }' "$TMP/out")
case $row in
*+2*+6*+10*) t_pass report_ablation_row ;;
*) t_fail report_ablation_row "row for b: '$row'" ;;
esac
grep -q '^## Ablation' "$TMP/out" && t_pass report_ablation_table ||
	t_fail report_ablation_table "no ablation heading"
grep -q 'denominator taken as at least 1 ns' "$TMP/B.md" &&
	t_pass report_doc_has_added_table ||
	t_fail report_doc_has_added_table "not in the generated doc"

# Summed within 3 and no xdp-filter at all: met, and n/a, not an error.
jq '.packets |= map(select(.name == "c" or .name == "d"))' "$TMP/cost.json" > "$TMP/cd.json"
raw "$TMP/cd.json" > "$TMP/raw2.json"
mkdir -p "$TMP/2"
scripts/bench/report.sh "$TMP/raw2.json" "$TMP/2" "$TMP/2/B.md" >/dev/null 2>&1
# (3+3+3 + 7+7+7) / (2+2+2 + 2+2+2) per round: 10 / 4 = 2.5
t_eq target_summed_within_3_met "$(jq -r '.targets[] | select(.kind == "summed") | "\(.met) \(.value)"' "$TMP/2/bench.json")" "true 2.5"
jq '.packets[].results |= del(.xdpfilt_port) | .programs |= map(select(.name != "xdpfilt_port"))' \
	"$TMP/cost.json" > "$TMP/nx.json"
raw "$TMP/nx.json" > "$TMP/raw3.json"
mkdir -p "$TMP/3"
if scripts/bench/report.sh "$TMP/raw3.json" "$TMP/3" "$TMP/3/B.md" > "$TMP/3/out" 2>&1; then
	t_eq target_na_without_xdpfilter "$(jq -r '[.targets[] | select(.kind != null) | .met] | unique | map(tostring) | join(",")' "$TMP/3/bench.json")" null
	near added_ns_without_xdpfilter "$(jq '.added.kinds[0].added_ns.vpnxdp' "$TMP/3/bench.json")" 10
else
	t_fail target_na_without_xdpfilter "report failed: $(tail -2 "$TMP/3/out")"
fi
