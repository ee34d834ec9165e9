#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-compare BASE=REV: the program cost of git revision REV next to
# this tree's, in one run (before_after.sh).  REV is built in a scratch
# worktree under $BUILD, removed afterwards.
#
# usage: compare_rev.sh REV [ALTERNATIONS]
set -u
cd "$(dirname "$0")/../.." || exit 2
REV=${1:?usage: make bench-compare BASE=REV [ALTERNATIONS=N]}
N=${2:-9}
BUILD=${BUILD:-build}

die() { echo "bench-compare: $*" >&2; exit 2; }
git rev-parse --verify -q "$REV^{commit}" >/dev/null || die "not a revision: $REV"
SRC=$(realpath -m "$BUILD/base-src")
cleanup() { git worktree remove --force "$SRC" 2>/dev/null; rm -rf "$SRC"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
cleanup
git worktree add -q --detach "$SRC" "$REV" || die "cannot check out $REV"
# The scratch tree's own build directory: its skeleton is REV's.
make -C "$SRC" --no-print-directory -j"$(nproc)" BUILD=build all bench-tools >"$BUILD/base-build.log" 2>&1 ||
	die "$REV does not build (see $BUILD/base-build.log)"
scripts/bench/before_after.sh "$SRC/build" "$BUILD" "$BUILD/bench/before_after.json" "$N"
