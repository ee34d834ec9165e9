# vpnxdp: one entry point.
#   make            build/vpnxdp (BPF object embedded through its skeleton)
#   sudo make check every test; ends with "N passed, N failed"
#   sudo make demo  build, make a demo topology, attach, send a VPN mix, show it
#   sudo make bench benchmark
#   sudo make bench-compare BASE=REV   program cost of REV next to this tree's
#   make install / uninstall   PREFIX (/usr/local), DESTDIR, SBINDIR, MANDIR,
#                   UNITDIR, COMPDIR, SYSCONFDIR (/etc)
#   make deb        the Debian package, into build/deb/
#   make clean
.DEFAULT_GOAL := all
# A recipe that fails leaves no half-written target for the next make.
.DELETE_ON_ERROR:

BUILD   ?= build
CLANG   ?= clang
BPFTOOL ?= bpftool
CC      ?= gcc
VERSION := 0.1

# Where `make install` puts things.  /etc, not $(PREFIX)/etc: the units
# read /etc/vpnxdp, wherever the binary is.  systemd also searches
# /usr/local/lib/systemd/system; the Debian package passes /lib/systemd/system.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
COMPDIR    ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc
INSTALL    ?= install

# The BPF target's architecture, as the kernel's headers name it (the
# bpf_tracing.h register macros want __TARGET_ARCH_$(ARCH)).
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	  -e 's/ppc64le/powerpc/' -e 's/mips.*/mips/' -e 's/riscv64/riscv/' \
	  -e 's/loongarch64/loongarch/' -e 's/arm.*/arm/')
# clang -target bpf has no system include directories of its own: give it
# the host's (asm/types.h lives in the multiarch one), as libbpf-bootstrap
# does.
CLANG_BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

# Userspace: C11, warnings are errors.
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Iheaders -I$(BUILD) -Iuser -DVX_VERSION='"$(VERSION)"'
LDLIBS  := -lxdp -lbpf -lelf -lz -ljansson -lpcap -lncursesw -lmicrohttpd

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      $(CLANG_BPF_SYS_INCLUDES) -Iheaders

HEADERS   := $(wildcard headers/*.h)
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKEL      := $(BUILD)/vpnxdp.skel.h

# user/: main.c and cmd/ make the command; every other folder is the
# library (libvx.a) that the command, the tests and the bench link.
USER_SRCS := $(wildcard user/*.c user/*/*.c)
USER_HDRS := $(wildcard user/*/*.h)
CMD_SRCS  := user/main.c $(wildcard user/cmd/*.c)
LIB_SRCS  := $(filter-out $(CMD_SRCS),$(USER_SRCS))

obj = $(patsubst user/%.c,$(1)/obj/%.o,$(2))
LIB_OBJS  := $(call obj,$(BUILD),$(LIB_SRCS))
CMD_OBJS  := $(call obj,$(BUILD),$(CMD_SRCS))
ASAN_LIB_OBJS := $(call obj,$(BUILD)/asan,$(LIB_SRCS))
ASAN_CMD_OBJS := $(call obj,$(BUILD)/asan,$(CMD_SRCS))

# Test-only code (tests/lib/): the userspace binding of the classifier.
TLIB_SRCS := $(wildcard tests/lib/*.c)
TLIB_HDRS := $(wildcard tests/lib/*.h tests/*.h tests/*/*.h)

# C test programs: tests/<suite>/test_*.c, one binary each.
TEST_CSRCS := $(wildcard tests/*/test_*.c)
TEST_BINS  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_CSRCS))
ASAN_TEST_BINS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(TEST_CSRCS))
TEST_SHS   := $(sort $(wildcard tests/*/test_*.sh))

# The skeleton is an intermediate of the objects; keep it (tests use it).
.SECONDARY: $(SKEL)

.PHONY: all deps check bench bench-compare bench-tools bench-ablation demo install uninstall deb clean asan tests fuzz fuzz-policy fuzz-classify fuzz-capture lint print-bpf-cflags

all: $(BUILD)/vpnxdp

deps:
	@scripts/deps.sh

$(BUILD):
	@mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(HEADERS) $(wildcard bpf/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The skeleton embeds the object: one binary, no files to install beside it.
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

# Made through a pattern rule, the skeleton would count as intermediate and
# be deleted after each build: keep it (lint and later builds need it).
.PRECIOUS: $(BUILD)/%.skel.h

# CPPFLAGS and LDFLAGS: the build flags a packager passes (dpkg-buildflags'
# hardening), empty otherwise.
$(BUILD)/obj/%.o: user/%.c $(USER_HDRS) $(HEADERS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: user/%.c $(USER_HDRS) $(HEADERS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libvx.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/asan/libvx.a: $(ASAN_LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/vpnxdp: $(CMD_OBJS) $(BUILD)/libvx.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/vpnxdp: $(ASAN_CMD_OBJS) $(BUILD)/asan/libvx.a
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

TEST_CFLAGS = $(CFLAGS) -Itests -Itests/lib
$(BUILD)/tests/%: tests/%.c $(TLIB_SRCS) $(BUILD)/libvx.a $(HEADERS) $(USER_HDRS) $(TLIB_HDRS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TLIB_SRCS) $(BUILD)/libvx.a $(LDLIBS)

$(BUILD)/asan/tests/%: tests/%.c $(TLIB_SRCS) $(BUILD)/asan/libvx.a $(HEADERS) $(USER_HDRS) $(TLIB_HDRS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(SAN_FLAGS) -o $@ $< $(TLIB_SRCS) $(BUILD)/asan/libvx.a $(LDLIBS)

asan: $(BUILD)/asan/vpnxdp $(ASAN_TEST_BINS)

# libFuzzer targets (tests/fuzz/fuzz_*.c): clang, with the sources they
# exercise compiled in (libvx.a is built by gcc without the fuzzer's
# coverage).
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Werror \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	      -Wno-ignored-attributes -Iheaders -I$(BUILD) -Iuser -Itests -Itests/lib -Itests/fuzz
POLICY_FUZZ_SRCS := user/policy/model.c user/policy/text.c user/policy/json.c \
		    user/policy/load.c user/core/log.c
POLICY_FUZZ := $(BUILD)/fuzz/fuzz_policy_text $(BUILD)/fuzz/fuzz_policy_json
CLASSIFY_FUZZ_SRCS := $(POLICY_FUZZ_SRCS) tests/lib/flowcache.c user/core/htab.c
$(POLICY_FUZZ): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_policy_common.h \
		$(POLICY_FUZZ_SRCS) $(HEADERS) $(USER_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(POLICY_FUZZ_SRCS) $(LDLIBS)
$(BUILD)/fuzz/fuzz_classify: tests/fuzz/fuzz_classify.c $(CLASSIFY_FUZZ_SRCS) $(HEADERS) $(USER_HDRS) $(TLIB_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(CLASSIFY_FUZZ_SRCS) $(LDLIBS)
CAPTURE_FUZZ_SRCS := user/replay/capture.c user/replay/wire.c
$(BUILD)/fuzz/fuzz_capture: tests/fuzz/fuzz_capture.c $(CAPTURE_FUZZ_SRCS) $(HEADERS) $(USER_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(CAPTURE_FUZZ_SRCS) $(LDLIBS)

# `make fuzz`: the longer runs of every fuzzer.
fuzz: fuzz-policy fuzz-classify fuzz-capture
fuzz-policy: $(POLICY_FUZZ)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/test_fuzz_policy.sh
# A longer run of the classifier fuzzer than make check's (FUZZ_SECONDS, default 600).
fuzz-classify: $(BUILD)/fuzz/fuzz_classify
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-600} tests/fuzz/test_fuzz.sh
fuzz-capture: $(BUILD)/fuzz/fuzz_capture
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/test_fuzz_capture.sh

tests: $(BUILD)/vpnxdp $(BPF_OBJS) $(TEST_BINS) bench-tools

# Every test: C suites (plain and under ASan+UBSan), shell suites, lint.
check: deps
	@$(MAKE) --no-print-directory all tests asan
	@tests/run.sh $(TEST_BINS) $(ASAN_TEST_BINS) $(TEST_SHS) tests/lint.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory all tests bench-tools
	@$(MAKE) --no-print-directory bench-ablation || \
		echo "bench: the ablation variants do not build against this data path: no ablation table" >&2
	@scripts/bench.sh

# The program cost of revision BASE next to this tree's, in one run.
bench-compare: deps
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=REV [ALTERNATIONS=N]" >&2; exit 2; }
	@$(MAKE) --no-print-directory all bench-tools
	@BUILD=$(BUILD) scripts/bench/compare_rev.sh "$(BASE)" $(ALTERNATIONS)

# Benchmark programs (scripts/bench/): not tests, never run by check.
BENCH_SRCS := scripts/bench/progbench.c scripts/bench/packets.c
bench-tools: $(BUILD)/bench/progbench $(BUILD)/bench/null.bpf.o

$(BUILD)/bench/null.bpf.o: scripts/bench/null.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The ablation's variants of the data path, cut short at a stage
# (scripts/bench/stages.bpf.c): built by `make bench` only, never by
# `make tests` or shipped, so a data-path change they do not follow yet
# costs the bench its ablation table, not the build.
BENCH_STAGES := parse=1 classify=2
bench-ablation: $(foreach s,$(BENCH_STAGES),$(BUILD)/bench/stage_$(firstword $(subst =, ,$(s))).bpf.o)
$(BUILD)/bench/stage_%.bpf.o: scripts/bench/stages.bpf.c $(HEADERS) $(wildcard bpf/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -Ibpf -DVX_STAGE=$(lastword $(subst =, ,$(filter $*=%,$(BENCH_STAGES)))) -c $< -o $@

$(BUILD)/bench/progbench: $(BENCH_SRCS) scripts/bench/packets.h $(BUILD)/libvx.a $(HEADERS) $(USER_HDRS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iscripts/bench -o $@ $(BENCH_SRCS) $(BUILD)/libvx.a $(LDLIBS)

# What an operator gets: the binary, the man pages, the systemd units, the
# bash completion, an example policy and the exporter's defaults.  The units
# get the binary's and the configuration's paths here, at install time (a
# package is built with one PREFIX and installed with another).  Files in
# SYSCONFDIR are the operator's once there: never overwritten.
UNITS := vpnxdp@.service vpnxdp-export.service vpnxdp-export-textfile.service \
	 vpnxdp-export-textfile.timer
ETC_FILES := vpnxdp/example.policy default/vpnxdp-export

install: $(BUILD)/vpnxdp
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(COMPDIR) $(DESTDIR)$(SYSCONFDIR)/vpnxdp \
		$(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 0755 $(BUILD)/vpnxdp $(DESTDIR)$(SBINDIR)/vpnxdp
	$(INSTALL) -m 0644 docs/vpnxdp.8 $(DESTDIR)$(MANDIR)/man8/vpnxdp.8
	$(INSTALL) -m 0644 docs/vpnxdp-policy.5 $(DESTDIR)$(MANDIR)/man5/vpnxdp-policy.5
	for u in $(UNITS); do \
		sed -e 's|/usr/sbin/vpnxdp|$(SBINDIR)/vpnxdp|g' -e 's|/etc/|$(SYSCONFDIR)/|g' \
			deploy/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u.tmp && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u.tmp && \
		mv $(DESTDIR)$(UNITDIR)/$$u.tmp $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(INSTALL) -m 0644 deploy/bash-completion/vpnxdp $(DESTDIR)$(COMPDIR)/vpnxdp
	for f in $(ETC_FILES); do \
		[ -e $(DESTDIR)$(SYSCONFDIR)/$$f ] || \
		$(INSTALL) -m 0644 deploy/etc/$$f $(DESTDIR)$(SYSCONFDIR)/$$f || exit 1; \
	done

# Removes what install put there; files in SYSCONFDIR only if unchanged, and
# /etc/vpnxdp only if nothing else (an operator's policies) is left in it.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/vpnxdp $(DESTDIR)$(MANDIR)/man8/vpnxdp.8 \
		$(DESTDIR)$(MANDIR)/man5/vpnxdp-policy.5 $(DESTDIR)$(COMPDIR)/vpnxdp \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	for f in $(ETC_FILES); do \
		! cmp -s deploy/etc/$$f $(DESTDIR)$(SYSCONFDIR)/$$f || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/$$f; \
	done
	-rmdir $(DESTDIR)$(SYSCONFDIR)/vpnxdp 2>/dev/null

# The Debian package.  dpkg-buildpackage wants debian/ at the top of the
# source tree and writes its results beside that tree; the repository's top
# level is fixed (deploy/debian/ holds the packaging), so the package is
# built from a copy under build/deb/ with debian/ put in place there: the
# .deb lands in build/deb/ and the work tree gets nothing of the build's.
# The copy is what git knows of the tree, uncommitted changes included.
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/vpnxdp-$(VERSION)
DEB_ARCH = $(shell dpkg --print-architecture)
DEB     = $(DEB_DIR)/vpnxdp_$(VERSION)_$(DEB_ARCH).deb
DEB_FILES = $(filter-out $(BUILD)/%,$(wildcard $(shell git ls-files -co --exclude-standard \
	2>/dev/null || find Makefile README.md bpf headers user docs deploy scripts tests -type f)))

deb: $(DEB)

$(DEB): $(DEB_FILES)
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -c $(DEB_FILES) | tar -x -C $(DEB_SRC)
	cp -r deploy/debian $(DEB_SRC)/debian
	# Not this make's variables or jobserver: the copy builds on its own.
	cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD \
		dpkg-buildpackage -us -uc -b -jauto
	@test -f $@ && echo "$@"

# For tests/layout: the flags a BPF translation unit is built with.
print-bpf-cflags:
	@echo $(BPF_CFLAGS)

clean:
	rm -rf $(BUILD)
