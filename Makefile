# vpnxdp: one entry point.
#   make            build/vpnxdp (BPF object embedded through its skeleton)
#   sudo make check every test; ends with "N passed, N failed"
#   sudo make demo  build, make a demo topology, attach, send a VPN mix, show it
#   sudo make bench benchmark
#   make install / clean
.DEFAULT_GOAL := all

BUILD   ?= build
ARCH    := $(shell uname -m)
CLANG   ?= clang
BPFTOOL ?= bpftool
CC      ?= gcc
PREFIX  ?= /usr/local
VERSION := 0.1

# Userspace: C11, warnings are errors.
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Iheaders -I$(BUILD) -Iuser -DVX_VERSION='"$(VERSION)"'
LDLIBS  := -lxdp -lbpf -lelf -lz -ljansson -lpcap -lncursesw

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined

# BPF: clang's BPF target needs the multiarch include dir for asm/types.h.
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
	      -I/usr/include/$(ARCH)-linux-gnu -Iheaders

HEADERS   := $(wildcard headers/*.h)
BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKEL      := $(BUILD)/vpnxdp.skel.h

CMD_SRCS  := user/vpnxdp.c $(wildcard user/cmd_*.c)
LIB_SRCS  := $(filter-out $(CMD_SRCS),$(wildcard user/*.c))
USER_HDRS := $(wildcard user/*.h)

LIB_OBJS  := $(patsubst user/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
CMD_OBJS  := $(patsubst user/%.c,$(BUILD)/obj/%.o,$(CMD_SRCS))
ASAN_LIB_OBJS := $(patsubst user/%.c,$(BUILD)/asan/obj/%.o,$(LIB_SRCS))
ASAN_CMD_OBJS := $(patsubst user/%.c,$(BUILD)/asan/obj/%.o,$(CMD_SRCS))

# C test programs: tests/<suite>/test_*.c, one binary each.
TEST_CSRCS := $(wildcard tests/*/test_*.c)
TEST_BINS  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_CSRCS))
ASAN_TEST_BINS := $(patsubst tests/%.c,$(BUILD)/asan/tests/%,$(TEST_CSRCS))
TEST_SHS   := $(sort $(wildcard tests/*/test_*.sh))
# Tools built with the tests but not run as tests (bench_*.c).

# The skeleton is an intermediate of the objects; keep it (tests use it).
.SECONDARY: $(SKEL)

.PHONY: all deps check bench bench-tools demo install clean asan tests fuzz fuzz-policy fuzz-classify lint

all: $(BUILD)/vpnxdp

deps:
	@scripts/deps.sh

$(BUILD) $(BUILD)/obj $(BUILD)/asan/obj:
	@mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(HEADERS) $(wildcard bpf/*.h) | $(BUILD)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# The skeleton embeds the object: one binary, no files to install beside it.
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

# Made through a pattern rule, the skeleton would count as intermediate and
# be deleted after each build: keep it (lint and later builds need it).
.PRECIOUS: $(BUILD)/%.skel.h

$(BUILD)/obj/%.o: user/%.c $(USER_HDRS) $(HEADERS) $(SKEL) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: user/%.c $(USER_HDRS) $(HEADERS) $(SKEL) | $(BUILD)/asan/obj
	$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/libvx.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/asan/libvx.a: $(ASAN_LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/vpnxdp: $(CMD_OBJS) $(BUILD)/libvx.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/vpnxdp: $(ASAN_CMD_OBJS) $(BUILD)/asan/libvx.a
	$(CC) $(CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libvx.a $(HEADERS) $(USER_HDRS) $(SKEL) $(wildcard tests/*.h tests/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(BUILD)/libvx.a $(LDLIBS)

$(BUILD)/asan/tests/%: tests/%.c $(BUILD)/asan/libvx.a $(HEADERS) $(USER_HDRS) $(SKEL) $(wildcard tests/*.h tests/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -Itests -o $@ $< $(BUILD)/asan/libvx.a $(LDLIBS)

asan: $(BUILD)/asan/vpnxdp $(ASAN_TEST_BINS)

# libFuzzer targets of the policy parsers (tests/fuzz/fuzz_policy_*.c):
# clang, the parser sources compiled in with the fuzzer's coverage.
POLICY_FUZZ := $(BUILD)/fuzz/fuzz_policy_text $(BUILD)/fuzz/fuzz_policy_json
POLICY_FUZZ_SRCS := user/policy.c user/policy_text.c user/policy_json.c user/log.c
POLICY_FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Iheaders -Iuser -Itests/fuzz
$(POLICY_FUZZ): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_policy_common.h \
		$(POLICY_FUZZ_SRCS) $(HEADERS) $(USER_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(POLICY_FUZZ_FLAGS) -o $@ $< $(POLICY_FUZZ_SRCS) $(LDLIBS)
FUZZ_TARGETS += $(POLICY_FUZZ)

# `make fuzz`: the longer runs of every fuzzer.
fuzz: fuzz-policy fuzz-classify
fuzz-policy: $(POLICY_FUZZ)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/fuzz/test_fuzz_policy.sh

# libFuzzer targets (tests/fuzz/fuzz_*.c): clang, with the library sources
# compiled in (libvx.a is built by gcc without the fuzzer's coverage).
FUZZ_FLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined -Wno-ignored-attributes \
	      -Iheaders -I$(BUILD) -Iuser -Itests
CLASSIFY_FUZZ_SRCS := $(POLICY_FUZZ_SRCS) user/flowcache.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(CLASSIFY_FUZZ_SRCS) $(HEADERS) $(USER_HDRS) $(wildcard tests/*/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FLAGS) -o $@ $< $(CLASSIFY_FUZZ_SRCS) $(LDLIBS)

# A longer run of the classifier fuzzer than make check's (FUZZ_SECONDS, default 600).
fuzz-classify: $(BUILD)/fuzz/fuzz_classify
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-600} tests/fuzz/test_fuzz.sh

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
	@scripts/bench.sh

# Benchmark-only programs (scripts/bench/): not tests, never run by check.
BENCH_SRCS := scripts/bench/progbench.c scripts/bench/packets.c
bench-tools: $(BUILD)/bench/progbench $(BUILD)/bench/null.bpf.o

$(BUILD)/bench/null.bpf.o: scripts/bench/null.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/progbench: $(BENCH_SRCS) scripts/bench/packets.h $(BUILD)/libvx.a $(HEADERS) $(USER_HDRS) $(SKEL)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iscripts/bench -o $@ $(BENCH_SRCS) $(BUILD)/libvx.a $(LDLIBS)

install: $(BUILD)/vpnxdp
	install -D -m 0755 $(BUILD)/vpnxdp $(DESTDIR)$(PREFIX)/sbin/vpnxdp
	install -D -m 0644 docs/vpnxdp.8 $(DESTDIR)$(PREFIX)/share/man/man8/vpnxdp.8
	install -D -m 0644 docs/vpnxdp-policy.5 $(DESTDIR)$(PREFIX)/share/man/man5/vpnxdp-policy.5

clean:
	rm -rf $(BUILD)
