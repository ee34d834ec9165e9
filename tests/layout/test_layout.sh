#!/usr/bin/env bash
# The tree's layout rules (tests/layout/layout.py says which): short
# functions, self-contained headers, no include or call cycles, every map in
# bpf/maps.bpf.h, no test-only code in user/.  Needs the build (make all).
set -u
cd "$(dirname "$0")/../.." || exit 1
exec /usr/bin/python3 tests/layout/layout.py
