#!/usr/bin/env bash
# Static analysis of the userspace code: cppcheck and clang-tidy, warnings as
# failures.  Findings inside the bpftool-generated skeleton are not ours and
# are left out; everything under user/ and headers/ counts.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

INC=(-Iheaders -Iuser -Ibuild)
mapfile -t SRCS < <(find user -name '*.c' | sort)

if ! command -v cppcheck >/dev/null; then
	t_fail cppcheck "cppcheck not installed (scripts/deps.sh installs it)"
else
	out=$(cppcheck --quiet --enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem "${INC[@]}" \
		-D__x86_64__ "${SRCS[@]}" 2>&1)
	if [ -z "$out" ]; then t_pass cppcheck_user; else t_fail cppcheck_user "$(echo "$out" | head -5 | tr '\n' ' ')"; fi
fi

CHECKS='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-narrowing-conversions,-bugprone-implicit-widening-of-multiplication-result'
if ! command -v clang-tidy >/dev/null; then
	t_fail clang_tidy "clang-tidy not installed (scripts/deps.sh installs it)"
else
	out=$(clang-tidy --quiet -checks="$CHECKS" "${SRCS[@]}" -- -std=c11 \
		-D_GNU_SOURCE "${INC[@]}" 2>&1 |
		grep -E '(warning|error):' | grep -v '^build/' | grep -v 'warnings generated')
	if [ -z "$out" ]; then t_pass clang_tidy_user; else t_fail clang_tidy_user "$(echo "$out" | head -5 | tr '\n' ' ')"; fi
fi
