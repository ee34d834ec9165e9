#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Program cost of two builds of vpnxdp in one run: what a change did to
# every packet kind.  Each build's own progbench (its skeleton embeds its
# own BPF object and map layout, so one binary cannot load the other's
# object) runs a few rounds, the two alternating N times, so that load on
# the machine falls on both alike.  Per kind and alternation: the ns each
# build adds above the XDP_PASS floor measured in the same invocation; then
# the median over alternations of each, and of after/before.
#
# usage: before_after.sh BEFORE_BUILD AFTER_BUILD OUT.json [ALTERNATIONS]
#   BEFORE_BUILD, AFTER_BUILD: build directories holding bench/progbench
#   and bench/null.bpf.o (`make all bench-tools BUILD=...` in each tree).
#   env: PB_ROUNDS, PB_REPEAT (each invocation's rounds and repeat count),
#   PB_PACKETS (kinds, comma-separated: fewer kinds leave time for more
#   alternations, which a difference of a few percent needs on a noisy
#   machine).
# `make bench-compare BASE=REV` builds REV in a scratch worktree and calls
# this with it and the current tree.
set -u

BEFORE=${1:?usage: before_after.sh BEFORE_BUILD AFTER_BUILD OUT.json [N]}
AFTER=${2:?}
OUT=${3:?}
N=${4:-9}
ROUNDS=${PB_ROUNDS:-3}
REPEAT=${PB_REPEAT:-300000}
XDPFILT_DIR=${XDPFILT_DIR:-/usr/lib/$(uname -m)-linux-gnu/bpf}

die() { echo "before_after: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "needs root (BPF_PROG_TEST_RUN)"
command -v jq >/dev/null || die "jq missing (scripts/deps.sh installs it)"
case $N in '' | *[!0-9]*) die "ALTERNATIONS must be a number" ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 99 ] || die "ALTERNATIONS must be 1..99"
for b in "$BEFORE" "$AFTER"; do
	for f in bench/progbench bench/null.bpf.o; do
		[ -x "$b/$f" ] || [ -e "$b/$f" ] || die "$b/$f missing: make all bench-tools BUILD=$b"
	done
done
XF=()
[ -e "$XDPFILT_DIR/xdpfilt_alw_all.o" ] && XF=(--xdpfilt "$XDPFILT_DIR")

TMP=$(mktemp -d) || die "mktemp"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

run() { # BUILD OUT
	timeout --foreground -k 5 300 "$1/bench/progbench" compare \
		--null "$1/bench/null.bpf.o" "${XF[@]}" --rounds "$ROUNDS" \
		--repeat "$REPEAT" ${PB_PACKETS:+--packets "$PB_PACKETS"} \
		--json "$2" >/dev/null ||
		die "$1/bench/progbench failed"
}

for i in $(seq 1 "$N"); do
	# Alternate which build goes first: neither always runs on a CPU the
	# other has just warmed.
	if [ $((i % 2)) = 1 ]; then
		run "$BEFORE" "$TMP/b$i.json"; run "$AFTER" "$TMP/a$i.json"
	else
		run "$AFTER" "$TMP/a$i.json"; run "$BEFORE" "$TMP/b$i.json"
	fi
	echo "before_after: alternation $i/$N done" >&2
done

# Per kind present in both builds: added ns per alternation, then medians.
jq -n --argjson n "$N" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '
def med: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def added: (.results.vpnxdp.ns // null) as $v | (.results.null.ns // null) as $f
	| if $v == null or $f == null then null else $v - $f end;
def xf: (.results.xdpfilt_port.ns // null) as $v | (.results.null.ns // null) as $f
	| if $v == null or $f == null then null else $v - $f end;
[inputs] as $all
| ($all | map(select(.side == "b")) | map(.doc)) as $B
| ($all | map(select(.side == "a")) | map(.doc)) as $A
| [ $A[0].packets[].name | select(. as $k | $B[0].packets | any(.name == $k)) ] as $kinds
| { alternations: $n, load_end: $load,
    kinds: [ $kinds[] as $k
      | [range(0; $n)] | map(
	  ($B[.].packets[] | select(.name == $k)) as $pb
	  | ($A[.].packets[] | select(.name == $k)) as $pa
	  | {b: ($pb | added), a: ($pa | added), xf: ($pa | xf)}) as $s
      | { name: $k,
	  before_added_ns: ($s | map(.b) | med),
	  after_added_ns: ($s | map(.a) | med),
	  xdpfilt_port_added_ns: ($s | map(.xf) | map(select(. != null)) | med),
	  after_over_before: ($s | map(select(.b > 0.05) | .a / .b) | med) } ] }
| .summed = { before_added_ns: ([.kinds[].before_added_ns] | add),
	      after_added_ns: ([.kinds[].after_added_ns] | add) }
' < <(for i in $(seq 1 "$N"); do
	jq -c '{side: "b", doc: .}' "$TMP/b$i.json"
	jq -c '{side: "a", doc: .}' "$TMP/a$i.json"
done) > "$OUT" || die "cannot merge the results"

jq -r '["kind", "before +ns", "after +ns", "after/before", "xdp-filter +ns"],
	(.kinds[] | [.name, (.before_added_ns * 10 | round / 10),
		     (.after_added_ns * 10 | round / 10),
		     (if .after_over_before == null then "-" else (.after_over_before * 100 | round / 100) end),
		     (if .xdpfilt_port_added_ns == null then "-" else (.xdpfilt_port_added_ns * 10 | round / 10) end)]),
	(["sum", (.summed.before_added_ns * 10 | round / 10), (.summed.after_added_ns * 10 | round / 10), "", ""])
	| @tsv' "$OUT" | column -t -s $'\t'
