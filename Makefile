# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# xdpport build. Everything lands in build/. `make V=1` shows full commands.

BUILD	?= build
CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
PREFIX	?= /usr/local

ARCH	 := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
PKGS	 := libbpf libelf zlib

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -MMD -MP
CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Werror -Iinclude -Iuser -I$(BUILD) -MMD -MP \
	   $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS	+= $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lbpf -lelf -lz)

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

# BPF programs: the filter, and the helpers tests and benchmarks load.
BPF_NAMES := xdpport xdp_floor trafficgen
BPF_OBJS  := $(BPF_NAMES:%=$(BUILD)/%.bpf.o)
SKELS	  := $(BPF_NAMES:%=$(BUILD)/%.skel.h)

# The CLI: every user/*.c.
USER_SRCS := $(wildcard user/*.c)
USER_OBJS := $(USER_SRCS:%.c=$(BUILD)/%.o)

# Tests: each tests/<name>_test.c is one binary, linked with the shared test
# support files (tests/lib/*.c) and the CLI's library objects it needs.
TEST_LIB_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/lib/*.c))
TEST_BINS     := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/*_test.c))
# Stand-alone tools the shell tests and benchmarks drive: tests/tools/<name>.c.
TEST_TOOLS    := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(wildcard tests/tools/*.c))
# CLI objects without main(), for tests that exercise the library directly.
USER_LIB_OBJS := $(filter-out $(BUILD)/user/main.o,$(USER_OBJS))

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all tests test demo bench fuzz clean deps install uninstall

all: $(SKELS) $(if $(USER_SRCS),$(BUILD)/xdpport)

$(BUILD) $(BUILD)/user $(BUILD)/tests $(BUILD)/tests/lib $(BUILD)/tests/tools:
	$(Q)mkdir -p $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c | $(BUILD)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -MF $(@:.o=.d) -MT $@ -c $< -o $@.tmp.o
	$(Q)$(BPFTOOL) gen object $@ $@.tmp.o && rm -f $@.tmp.o

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* > $@

$(BUILD)/user/%.o: user/%.c | $(BUILD)/user $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/xdpport: $(USER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/lib/%.o: tests/lib/%.c | $(BUILD)/tests/lib $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/lib -c $< -o $@

$(BUILD)/tests/%_test: $(BUILD)/tests/%_test.o $(TEST_LIB_OBJS) $(USER_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/tools/%: tests/tools/%.c $(TEST_LIB_OBJS) $(USER_LIB_OBJS) | $(BUILD)/tests/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/lib $(LDFLAGS) $^ $(LDLIBS) -o $@

tests: all $(TEST_BINS) $(TEST_TOOLS)

# The README's test command: installs what is missing, builds, runs every test.
test:
	$(Q)scripts/deps.sh
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)tests/run.sh

deps:
	$(Q)scripts/deps.sh

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

include mk/install.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
