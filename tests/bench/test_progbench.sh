#!/usr/bin/env bash
# The benchmark measures what it says it measures: every packet kind takes
# the path it is named for in vpnxdp (a drop policy drops exactly the VPN
# kinds), and xdp-filter's objects, with the port map as progbench fills it,
# drop the VPN ports and pass the rest (so the peers do equivalent work).
# Verdicts only, no timing: BPF_PROG_TEST_RUN with a tiny repeat count.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

need_root || exit 0
BUILD=${BUILD:-build}
PB=$BUILD/bench/progbench
NULLOBJ=$BUILD/bench/null.bpf.o
XF=${XDPFILT_DIR:-/usr/lib/$(uname -m)-linux-gnu/bpf}
if [ ! -x "$PB" ] || [ ! -e "$NULLOBJ" ]; then
	t_skip "$(t_suite)" "$PB not built (make bench-tools)"
	exit 0
fi
TMP=$(mktemp -d /tmp/vxpb.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

verdict() { # FILE PACKET PROGRAM
	jq -r --arg p "$2" --arg g "$3" \
		'.packets[] | select(.name == $p) | .results[$g].verdict // "missing"' "$1"
}

# features: the map list comes from the embedded object.
if "$PB" features > "$TMP/f.json" &&
	[ "$(jq -r '.maps[] | select(.name == "vx_sigs") | .type' "$TMP/f.json")" = array ]; then
	t_pass progbench_features_lists_maps
else
	t_fail progbench_features_lists_maps "no array map vx_sigs in: $(head -c 300 "$TMP/f.json")"
fi

# The default policy counts and passes everything.
if "$PB" compare --null "$NULLOBJ" --rounds 1 --repeat 10 --json "$TMP/d.json" >/dev/null; then
	bad=$(jq -r '[.packets[] | select(.results.vpnxdp.verdict != "pass") | .name] | join(",")' "$TMP/d.json")
	t_eq progbench_default_policy_passes_all "$bad" ""
	bad=$(jq -r '[.packets[] | select(.results.null.verdict != "pass") | .name] | join(",")' "$TMP/d.json")
	t_eq progbench_floor_passes_all "$bad" ""
else
	t_fail progbench_default_policy_passes_all "progbench compare failed"
fi

# A policy dropping the classes the packet kinds are named for.
printf '%s\n' "wireguard drop" "esp drop" "pptp drop" "ike drop" > "$TMP/drop.policy"
if "$PB" compare --null "$NULLOBJ" --policy "$TMP/drop.policy" --rounds 1 \
	--repeat 10 --json "$TMP/p.json" >/dev/null; then
	for k in v4_udp_vpn v6_udp_vpn v4_tcp_pptp v4_esp vlan_udp_4500 \
		v4_wg_init_5060 v6_ike_500; do
		t_eq "progbench_${k}_is_its_class" "$(verdict "$TMP/p.json" "$k" vpnxdp)" drop
	done
	for k in v4_udp_other v6_udp_other v4_tcp_443 v4_frag v4_udp53_zero; do
		t_eq "progbench_${k}_is_not_vpn" "$(verdict "$TMP/p.json" "$k" vpnxdp)" pass
	done
else
	t_fail progbench_drop_policy "progbench compare --policy failed"
fi

# Every round's time is in the JSON, in round order (added.jq pairs them).
if "$PB" compare --null "$NULLOBJ" --rounds 3 --repeat 10 --json "$TMP/r.json" >/dev/null; then
	bad=$(jq -r '[.packets[] | select([.results.null, .results.vpnxdp][]
		| (.ns_rounds | length) != 3 or (.ns_rounds | map(type == "number") | all | not))
		| .name] | unique | join(",")' "$TMP/r.json")
	t_eq progbench_ns_rounds_every_round "$bad" ""
else
	t_fail progbench_ns_rounds_every_round "progbench compare --rounds 3 failed"
fi

# The ablation's stage variants (make bench-ablation) load beside vpnxdp,
# on its maps, and run on every kind.
SP=$BUILD/bench/stage_parse.bpf.o SC=$BUILD/bench/stage_classify.bpf.o
if [ ! -e "$SP" ] || [ ! -e "$SC" ]; then
	t_skip ablation_stages "$SP or $SC not built (make bench-ablation)"
elif "$PB" compare --null "$NULLOBJ" --extra "stage_parse=$SP" --extra "stage_classify=$SC" \
	--rounds 1 --repeat 10 --json "$TMP/s.json" >/dev/null; then
	bad=$(jq -r '[.packets[] | select(.results.stage_parse.verdict != "pass" or
		.results.stage_classify.verdict != "pass") | .name] | join(",")' "$TMP/s.json")
	t_eq ablation_stages_run_every_kind "$bad" ""
else
	t_fail ablation_stages_run_every_kind "progbench compare --extra stage_* failed"
fi

# --no-timer: vpnxdp without its rate flush timer judges every packet alike.
if "$PB" compare --null "$NULLOBJ" --policy "$TMP/drop.policy" --no-timer --rounds 1 \
	--repeat 10 --json "$TMP/t.json" >/dev/null; then
	bad=$(jq -r '[.packets[] | select(.results.vpnxdp_notimer.verdict != .results.vpnxdp.verdict
		or .results.vpnxdp_notimer.verdict == null) | .name] | join(",")' "$TMP/t.json")
	t_eq progbench_notimer_same_verdicts "$bad" ""
else
	t_fail progbench_notimer_same_verdicts "progbench compare --no-timer failed"
fi

# xdp-filter: the port map keyed and valued as xdp-filter expects.
if [ ! -e "$XF/xdpfilt_alw_all.o" ]; then
	t_skip xdpfilter_ports "xdp-filter objects not in $XF"
elif "$PB" compare --null "$NULLOBJ" --xdpfilt "$XF" --rounds 1 --repeat 10 \
	--json "$TMP/x.json" >/dev/null; then
	for g in xdpfilt_port xdpfilt_all; do
		t_eq "${g}_drops_wireguard_port" "$(verdict "$TMP/x.json" v4_udp_vpn "$g")" drop
		t_eq "${g}_drops_pptp_port" "$(verdict "$TMP/x.json" v4_tcp_pptp "$g")" drop
		t_eq "${g}_drops_tagged_4500" "$(verdict "$TMP/x.json" vlan_udp_4500 "$g")" drop
		t_eq "${g}_passes_dns" "$(verdict "$TMP/x.json" v4_udp_other "$g")" pass
		t_eq "${g}_drops_ike_port" "$(verdict "$TMP/x.json" v6_ike_500 "$g")" drop
		t_eq "${g}_passes_5060" "$(verdict "$TMP/x.json" v4_wg_init_5060 "$g")" pass
	done
	n=$(jq -r '.xdpfilt_ports' "$TMP/x.json")
	if [ "$n" -gt 0 ] 2>/dev/null; then
		t_pass xdpfilter_port_map_filled
	else
		t_fail xdpfilter_port_map_filled "xdpfilt_ports=$n"
	fi
else
	t_fail xdpfilter_ports "progbench compare --xdpfilt failed"
fi
