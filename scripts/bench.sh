#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sudo make bench: vpnxdp side by side with the XDP floor, xdp-filter and
# nftables, in one run.  Measures whatever the data path is when it runs:
# features that are not there yet are reported "n/a (not implemented)".
#
#   1. program cost   BPF_PROG_TEST_RUN ns/packet per packet kind:
#                     null XDP_PASS (floor), vpnxdp, xdp-filter objects
#   2. throughput     veth + trafgen 64-byte frames: nothing, null XDP_DROP,
#                     vpnxdp drop, xdp-filter drop, nftables ingress drop
#   3. scale          cost vs signatures, allow-list prefixes, flows
#   4. userspace      vpnxdp replay packets/s, policy apply time
# Output: a table on stdout, build/bench/bench.json, build/bench/bench.png,
# docs/BENCHMARKS.md (regenerated; the notes at its end are kept).
#
# Environment: BENCH_QUICK=1 short runs for development; BENCH_NOTE="..."
# a sentence about the machine for the report; BUILD (default build).
# Every stage is bounded in time; every namespace, program and pin it makes
# is removed on exit (each helper has its own trap).
set -u
cd "$(dirname "$0")/.." || exit 2

BUILD=${BUILD:-build}
OUTDIR=$BUILD/bench
QUICK=${BENCH_QUICK:-0}
XDPFILT_DIR=${XDPFILT_DIR:-/usr/lib/$(uname -m)-linux-gnu/bpf}
export BUILD BENCH_QUICK=$QUICK

if [ "$QUICK" = 1 ]; then
	PB_ROUNDS=3; PB_REPEAT=200000; TP_RUNS=2; TP_SECS=1
else
	PB_ROUNDS=${PB_ROUNDS:-21}; PB_REPEAT=${PB_REPEAT:-500000}
	TP_RUNS=${TP_RUNS:-9}; TP_SECS=${TP_SECS:-2}
fi
export PB_ROUNDS PB_REPEAT TP_RUNS TP_SECS

die() { echo "bench: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (sudo make bench)"
for f in "$BUILD/vpnxdp" "$BUILD/bench/progbench" "$BUILD/bench/null.bpf.o"; do
	[ -e "$f" ] || die "$f missing: run 'make all bench-tools' first"
done
command -v jq >/dev/null || die "jq missing (scripts/deps.sh installs it)"
mkdir -p "$OUTDIR"
# libbpf needs room for maps; xdp-tools and vpnxdp mount bpffs themselves.
ulimit -l unlimited 2>/dev/null

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# One stage, bounded in time; a stage that fails leaves an error record
# instead of stopping the others.
stage() {
	local name=$1 limit=$2 out=$3; shift 3
	log "$name ..."
	if ! timeout --foreground -k 10 "$limit" "$@" > "$out.stdout"; then
		log "$name failed or timed out (see $out.stdout)"
		[ -s "$out" ] || jq -n --arg s "$name" '{"error": ($s + " failed or timed out")}' > "$out"
	fi
}

# 0. what the data path has today (maps of the compiled object)
"$BUILD/bench/progbench" features > "$OUTDIR/features.json" ||
	die "progbench cannot open vpnxdp's object"

# 1. program cost
rm -f "$OUTDIR/cost.json"
if [ -e "$XDPFILT_DIR/xdpfilt_alw_all.o" ]; then
	XF=(--xdpfilt "$XDPFILT_DIR")
else
	log "xdp-filter objects not in $XDPFILT_DIR: comparing with the floor only"
	XF=()
fi
stage "program cost" 600 "$OUTDIR/cost.json" \
	"$BUILD/bench/progbench" compare --null "$BUILD/bench/null.bpf.o" "${XF[@]}" \
	--rounds "$PB_ROUNDS" --repeat "$PB_REPEAT" --json "$OUTDIR/cost.json"

# 2. throughput
rm -f "$OUTDIR/throughput.json"
stage "veth throughput" 900 "$OUTDIR/throughput.json" \
	scripts/bench/throughput.sh "$OUTDIR/throughput.json"

# 3. scale
rm -f "$OUTDIR/scale.json"
stage "scale" 900 "$OUTDIR/scale.json" \
	scripts/bench/scale.sh "$OUTDIR/features.json" "$OUTDIR/scale.json"

# 4. userspace
rm -f "$OUTDIR/userspace.json"
stage "userspace" 600 "$OUTDIR/userspace.json" \
	scripts/bench/userspace.sh "$OUTDIR/userspace.json"

# The machine, for the report.
jq -n --arg kernel "$(uname -r)" \
	--arg cpu "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
	--argjson ncpu "$(nproc)" \
	--arg mem "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
	--arg load_start "$LOAD_START" --arg load_end "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--arg started "$STARTED" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--arg clang "$(clang --version 2>/dev/null | head -1)" \
	--arg xdptools "$(xdp-filter --version 2>/dev/null | head -1)" \
	--arg trafgen "$(trafgen -v 2>/dev/null | head -1)" \
	--arg nft "$(nft --version 2>/dev/null | head -1)" \
	--arg note "${BENCH_NOTE:-}" --argjson quick "$QUICK" \
	--argjson rounds "$PB_ROUNDS" --argjson repeat "$PB_REPEAT" \
	'{kernel: $kernel, cpu: $cpu, cpus: $ncpu, memory: $mem,
	  load_start: $load_start, load_end: $load_end, started: $started,
	  finished: $finished, commit: $commit, clang: $clang,
	  xdp_tools: $xdptools, trafgen: $trafgen, nft: $nft, note: $note,
	  quick: ($quick == 1), rounds: $rounds, repeat: $repeat}' > "$OUTDIR/machine.json"

jq -n --slurpfile m "$OUTDIR/machine.json" --slurpfile f "$OUTDIR/features.json" \
	--slurpfile c "$OUTDIR/cost.json" --slurpfile t "$OUTDIR/throughput.json" \
	--slurpfile s "$OUTDIR/scale.json" --slurpfile u "$OUTDIR/userspace.json" \
	'{machine: $m[0], features: $f[0], cost: $c[0], throughput: $t[0],
	  scale: $s[0], userspace: $u[0]}' > "$OUTDIR/bench.raw.json" ||
	die "cannot merge the results"

scripts/bench/report.sh "$OUTDIR/bench.raw.json" "$OUTDIR" docs/BENCHMARKS.md
