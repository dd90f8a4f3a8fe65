# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# xdpport build. Everything lands in build/. `make V=1` shows full commands.

# Sanitizer builds live apart so the two never mix objects.
ifeq ($(SANITIZE),1)
BUILD	?= build/sanitize
else
BUILD	?= build
endif
CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
PREFIX	?= /usr/local
# Sanitizer builds use clang unless CC is given: GCC's separate libasan and libubsan
# ignore log_path for UBSan reports, and tests/run.sh fails a test by those files
# (a report from a command whose stderr the test throws away would go unseen).
ifeq ($(SANITIZE)$(origin CC),1default)
CC	:= $(CLANG)
endif

ARCH	 := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PKGS	 := libbpf libelf zlib

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -MMD -MP
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD) -MMD -MP \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz) -lpcap
# The build directory baked into test binaries and scripts that look for tools.
export BUILD
# The CLI links libbpf, libelf and zlib statically: every command is a fresh process,
# and not loading three shared libraries saves 0.5-1 ms of each (README, Speed).
# STATIC_LIBS=0 links them dynamically.
STATIC_LIBS ?= 1
# libpcap (capture) too: Debian's static libpcap needs static libdbus-1, which needs
# two functions of libsystemd, shipped shared only; user/link/systemd_stubs.c says why
# the binary answers them itself rather than load libsystemd into every command.
ifeq ($(STATIC_LIBS),1)
XDPPORT_LDLIBS := -Wl,-Bstatic $(shell pkg-config --static --libs $(PKGS) 2>/dev/null || \
		  echo -lbpf -lelf -lz) -lpcap -ldbus-1 -Wl,-Bdynamic
XDPPORT_EXTRA_OBJS := $(BUILD)/user/link/systemd_stubs.o
else
XDPPORT_LDLIBS := $(LDLIBS)
endif

ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS	+= -fsanitize=address,undefined
endif

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# BPF programs: the product's (bpf/, embedded in the binary through their skeletons),
# and the ones tests and benchmarks load (tests/bpf/, built into $(BUILD)/tests/bpf/).
BPF_NAMES      := xdpport capture
TEST_BPF_NAMES := $(patsubst tests/bpf/%.bpf.c,%,$(wildcard tests/bpf/*.bpf.c))
SKELS	       := $(BPF_NAMES:%=$(BUILD)/%.skel.h)
TEST_SKELS     := $(TEST_BPF_NAMES:%=$(BUILD)/tests/bpf/%.skel.h)
# Generated from a skeleton too: the list of the maps the filter pins (user/maps.h).
SKELS	       += $(BUILD)/pinned_maps.h

# The CLI: every user/*.c.
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(USER_SRCS:%.c=$(BUILD)/%.o)

# Test code finds its support headers and the test programs' skeletons.
TEST_CFLAGS := -Itests/lib -I$(BUILD)/tests/bpf

# Tests: each tests/<name>_test.c is one binary, linked with the shared test
# support files (tests/lib/*.c) and the CLI's library objects it needs.
TEST_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))
TEST_BINS     := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/*_test.c))
# libFuzzer targets: tests/fuzz/<name>_fuzz.c (see below).
FUZZ_TARGETS := $(patsubst tests/fuzz/%_fuzz.c,%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%_fuzz)
# CLI objects without main(), for tests that exercise the library directly.
USER_LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))
# Helper programs for shell tests and benchmarks (tests/tools/*.c), and the
# benchmark programs (tests/bench/*.c): one binary each, linked like a test.
TOOL_BINS  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/tools/*.c))
BENCH_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/bench/*.c))

.DELETE_ON_ERROR:
.SECONDARY:
.SECONDEXPANSION:
.PHONY: all tests test demo bench bench-smoke benches fuzz clean deps install uninstall FORCE

all: $(BUILD)/layout-check $(SKELS) $(if $(USER_SRCS),$(BUILD)/xdpport)

# The shared structs have no padding holes (include/xdpport.h says why): compiled
# on their own with -Wpadded, any hole is an error.
$(BUILD)/layout-check: include/xdpport.h include/capture.h | $(BUILD)
	$(call msg,CHECK,$^)
	$(Q)printf '#include <linux/types.h>\n#include "xdpport.h"\n#include "capture.h"\n' | \
		$(CC) -x c -std=gnu11 -fsyntax-only -Wpadded -Werror -Iinclude -
	$(Q)touch $@

$(BUILD) $(BUILD)/user $(BUILD)/user/link $(BUILD)/tests $(BUILD)/tests/lib $(BUILD)/tests/tools \
		$(BUILD)/tests/bench $(BUILD)/tests/bpf:
	$(Q)mkdir -p $@

# Objects depend on the compiler's name: another CC rebuilds them instead of mixing
# two compilers' (and sanitizer runtimes') objects in one binary.
$(BUILD)/compiler: FORCE | $(BUILD)
	$(Q)echo '$(CC)' | cmp -s - $@ || echo '$(CC)' >$@
FORCE:

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

# Test programs may include the product's headers (bpf/parse.h).
$(BUILD)/tests/bpf/%.bpf.o: tests/bpf/%.bpf.c | $(BUILD)/tests/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -Ibpf -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $*) > $@

# Reads the map definitions through the skeleton at build time: a build tool, built
# without the sanitizers, that needs no privileges.
$(BUILD)/gen/pinned_maps: user/gen/pinned_maps.c $(BUILD)/xdpport.skel.h $(BUILD)/compiler
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -std=gnu11 -Wall -Wextra -Werror -Iinclude -I$(BUILD) \
		$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $< \
		$(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz) -o $@

$(BUILD)/pinned_maps.h: $(BUILD)/gen/pinned_maps
	$(call msg,GEN,$@)
	$(Q)$< $@

$(BUILD)/user/%.o: user/%.c $(BUILD)/compiler | $(BUILD)/user $(BUILD)/user/link $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/xdpport: $(USER_OBJS) $(XDPPORT_EXTRA_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(XDPPORT_LDLIBS) -o $@

$(BUILD)/tests/lib/%.o: tests/lib/%.c $(BUILD)/compiler | $(BUILD)/tests/lib $(SKELS) $(TEST_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c $(BUILD)/compiler | $(BUILD)/tests $(SKELS) $(TEST_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/tools/%.o: tests/tools/%.c $(BUILD)/compiler | $(BUILD)/tests/tools $(SKELS) $(TEST_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/bench/%.o: tests/bench/%.c $(BUILD)/compiler | $(BUILD)/tests/bench $(SKELS) $(TEST_SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(TEST_LIB_OBJS) $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(TEST_LIB_OBJS) $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

$(BUILD)/tests/%_test: $(BUILD)/tests/%_test.o $(TEST_LIB_OBJS) $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -lpthread -o $@

tests: all $(TEST_SKELS) $(TEST_BINS) $(TOOL_BINS) $(FUZZ_BINS)

benches: tests $(BENCH_BINS)

# How long a `stats` refresh takes to read the counters: links the CLI library.
COUNTERS_BENCH := $(BUILD)/tests/bench/counters_read
$(COUNTERS_BENCH): tests/bench/counters_read.c $(TEST_LIB_OBJS) $(USER_LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(TEST_CFLAGS) $(LDFLAGS) $(filter %.c %.o,$^) $(LDLIBS) -o $@
tests: $(COUNTERS_BENCH)


# The README's test command: installs what is missing, builds, runs every test.
test:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)BUILD=$(BUILD) tests/run.sh

# libFuzzer targets (tests/fuzz/<name>_fuzz.c), built with clang and sanitizers
# from the user/ sources each one needs. `make tests` runs them once over their
# corpus (seeds and past crashes); `make fuzz` lets them search.
FUZZ_IGNORELIST := tests/fuzz/coverage-ignorelist.txt
FUZZ_CFLAGS  := -g -O1 -std=gnu11 -Wall -Werror -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -Iinclude -Iuser \
		-fsanitize-coverage-ignorelist=$(FUZZ_IGNORELIST)
fuzz_srcs_portspec  := user/portspec.c
fuzz_srcs_rulesfile := user/rulesfile_parse.c user/rulesfile_lines.c user/rulesfile_write.c \
		       user/rules.c user/rules_list.c user/rules_compile.c user/portspec.c \
		       user/ruleset.c user/limit.c user/units.c user/source_args.c user/sources.c \
		       user/prefix.c

$(BUILD)/fuzz:
	$(Q)mkdir -p $@

$(BUILD)/fuzz/%_fuzz: tests/fuzz/%_fuzz.c $$(fuzz_srcs_$$*) $(FUZZ_IGNORELIST) | $(BUILD)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

# Long randomized runs, in the tests' sandbox; each fuzzer prints its seed or time,
# the count and what it found. `make fuzz FUZZ_SEED=0x...` repeats a frame run.
FUZZ_FRAMES  ?= 10000000
FUZZ_SEED    ?= time
FUZZ_SECONDS ?= 120

fuzz: tests
	$(Q)tests/sandbox.sh $(BUILD)/tests/differential_test --frames $(FUZZ_FRAMES) \
		--seed $(FUZZ_SEED)
	$(Q)for t in $(FUZZ_TARGETS); do \
		scripts/fuzz-parser.sh $$t $(FUZZ_SECONDS) || exit 1; \
	done

# Benchmarks, not tests: they compare xdpport with the floor and with xdp-filter,
# nftables and iptables, and write docs/BENCHMARKS.md and docs/bench.png.
# BENCH_ROUNDS=1 (or bench-smoke) is a quick run that only checks everything works.
bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory benches
	$(Q)tests/bench/bench.sh

bench-smoke:
	$(Q)$(MAKE) --no-print-directory bench BENCH_ROUNDS=1 BENCH_SMOKE=1

# The README's demo: installs what is missing, builds, runs it in a sandbox.
demo:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/tools/netprobe
	$(Q)scripts/demo.sh

deps:
	$(Q)scripts/deps.sh

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

include mk/install.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
