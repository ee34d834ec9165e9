#!/usr/bin/env bash
# Static analysis of the userspace code: cppcheck and clang-tidy, warnings as
# failures.  Findings inside the bpftool-generated skeleton are not ours and
# are left out; everything under user/ and headers/ counts.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

INC=(-Iheaders -Iuser -Ibuild)
mapfile -t SRCS < <(find user -name '*.c' | sort)
# Both tools take one file at a time in parallel: run over every file in one
# process they took a quarter of an hour.  cppcheck checks one preprocessor
# configuration, the one the build uses (-D as the Makefile sets them),
# instead of exploring every #ifdef combination of every header.
JOBS=$(nproc 2>/dev/null || echo 2)

if ! command -v cppcheck >/dev/null; then
	t_fail cppcheck "cppcheck not installed (scripts/deps.sh installs it)"
else
	# Without build/: the skeleton there embeds the BPF object as a
	# megabyte string, which cppcheck took half a minute a file to read
	# (generated code: its types unknown to cppcheck change no finding
	# in ours; clang-tidy below compiles with it).
	out=$(cppcheck --quiet -j "$JOBS" --max-configs=1 \
		--enable=warning,portability,performance \
		--inline-suppr --suppress=missingIncludeSystem --suppress=missingInclude \
		-Iheaders -Iuser -D__x86_64__ -D_GNU_SOURCE "${SRCS[@]}" 2>&1)
	if [ -z "$out" ]; then t_pass cppcheck_user; else t_fail cppcheck_user "$(echo "$out" | head -5 | tr '\n' ' ')"; fi
fi

CHECKS='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-bugprone-narrowing-conversions,-bugprone-implicit-widening-of-multiplication-result'
if ! command -v clang-tidy >/dev/null; then
	t_fail clang_tidy "clang-tidy not installed (scripts/deps.sh installs it)"
else
	# xargs puts the files last: a shell puts them before the "--" that
	# starts the compiler's arguments.  A usage error ("Error: ...") is a
	# finding too, so that a broken invocation cannot pass as clean.
	out=$(printf '%s\0' "${SRCS[@]}" |
		CHECKS=$CHECKS INCS="${INC[*]}" xargs -0 -n 4 -P "$JOBS" sh -c \
			'clang-tidy --quiet -checks="$CHECKS" "$@" -- -std=c11 -D_GNU_SOURCE $INCS' sh 2>&1 |
		grep -E '(warning|error|Error):' | grep -v -e '^build/' -e "^$PWD/build/" |
		grep -v 'warnings generated')
	if [ -z "$out" ]; then t_pass clang_tidy_user; else t_fail clang_tidy_user "$(echo "$out" | head -5 | tr '\n' ' ')"; fi
fi
