# JVS — GNU make build.
#
#   make                 build bin/jvs and every bin/jvs-*
#   make check [T=...]   install deps, build, unit tests, shell tests
#   make check-asan      the same under AddressSanitizer/UBSan (build-asan/, bin-asan/)
#   make unit            cmocka unit tests only
#   make demo | bench | install | lint-man | clean
#
# BUILD and BIN choose the object and program directories; JVS_BIN tells the
# shell tests where the programs are (defaults to $(BIN)).

.SUFFIXES:
.DELETE_ON_ERROR:

VERSION    := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

BUILD      ?= build
BIN        ?= bin
PREFIX     ?= /usr/local
DESTDIR    ?=

CC         ?= cc
PKG_CONFIG ?= pkg-config
PKGS       := sqlite3 libb2 jansson uuid
PROVE      ?= prove
PROVE_JOBS ?= 2

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CFLAGS     ?= -O2 -g
EXTRA_CFLAGS ?=
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(CFLAGS) -Wall -Wextra -Werror \
              -Iinclude -Ilibjvs -Icmd $(PKG_CFLAGS) $(EXTRA_CFLAGS)
DEPFLAGS    = -MMD -MP
LDFLAGS    ?=
LDLIBS      = $(PKG_LIBS) -lpthread

LIB_SRCS   := $(sort $(wildcard libjvs/*.c))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libjvs.a

CLI_OBJ    := $(if $(wildcard cmd/cli.c),$(BUILD)/cmd/cli.o)

PROG_SRCS  := $(sort $(wildcard cmd/jvs-*.c))
PROGS      := $(PROG_SRCS:cmd/%.c=$(BIN)/%)

UNIT_SRCS  := $(sort $(wildcard t/unit/test-*.c))
UNIT_BINS  := $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%)

SHELL_TESTS := $(sort $(wildcard t/t[0-9]*.sh))
T          ?= $(SHELL_TESTS)

MANS       := $(sort $(wildcard man/*.1))

DEPS       := $(LIB_OBJS:.o=.d) $(CLI_OBJ:.o=.d) $(PROG_SRCS:cmd/%.c=$(BUILD)/cmd/%.d) \
              $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%.d)

.PHONY: all unit check check-shell check-asan demo bench install lint-man \
        clean deps completions

all: $(BIN)/jvs $(PROGS) completions

deps:
	@sh scripts/install-deps.sh

# ---- library -------------------------------------------------------------

$(BUILD)/libjvs/%.o: libjvs/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# ---- programs ------------------------------------------------------------

$(BUILD)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BIN)/jvs-%: $(BUILD)/cmd/jvs-%.o $(CLI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/jvs: cmd/jvs.sh cmd/command-list.txt VERSION
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/$(VERSION)/g' \
	    -e '/@COMMANDS@/{r cmd/command-list.txt' -e 'd;}' cmd/jvs.sh >$@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

completions: completions/jvs.bash completions/_jvs

completions/jvs.bash completions/_jvs &: cmd/command-list.txt scripts/gen-completions.sh
	sh scripts/gen-completions.sh cmd/command-list.txt completions

# ---- unit tests ----------------------------------------------------------

$(BUILD)/t/%.o: t/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/t/test-%: $(BUILD)/t/test-%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

unit: $(UNIT_BINS)
	@if [ -n "$(UNIT_BINS)" ]; then \
		CMOCKA_MESSAGE_OUTPUT=TAP $(PROVE) -e '' $(UNIT_BINS); \
	else echo "no unit tests"; fi

# ---- test suites ---------------------------------------------------------

check-shell: all
	JVS_BIN="$(abspath $(BIN))" $(PROVE) -j$(PROVE_JOBS) $(T)

# `make check T=t/t0001-init.sh` runs just that script (and the unit tests).
check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) check-shell

# Sanitizers make GCC's flow-based warnings (array-bounds, stringop-*) report
# false positives; those stay warnings here, the normal build enforces them.
ASAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer -Wno-error=array-bounds \
               -Wno-error=stringop-overread -Wno-error=stringop-overflow \
               -Wno-error=maybe-uninitialized

check-asan: deps
	$(MAKE) BUILD=build-asan BIN=bin-asan CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
	    $(MAKE) BUILD=build-asan BIN=bin-asan CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" unit check-shell

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

bench: all
	@if [ ! -f bench/run.sh ]; then \
		echo "make bench: bench/run.sh is missing" >&2; exit 1; fi
	@if [ -x bench/run.sh ]; then set -x; JVS_BIN="$(abspath $(BIN))" ./bench/run.sh; \
	else set -x; JVS_BIN="$(abspath $(BIN))" sh bench/run.sh; fi

# ---- install / docs ------------------------------------------------------

install: all
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 $(BIN)/jvs $(PROGS) "$(DESTDIR)$(PREFIX)/bin/"
	@if [ -n "$(MANS)" ]; then \
		install -d "$(DESTDIR)$(PREFIX)/share/man/man1" && \
		echo install -m 644 $(MANS) "$(DESTDIR)$(PREFIX)/share/man/man1/" && \
		install -m 644 $(MANS) "$(DESTDIR)$(PREFIX)/share/man/man1/"; fi
	install -d "$(DESTDIR)$(PREFIX)/share/bash-completion/completions"
	install -m 644 completions/jvs.bash \
	    "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/jvs"
	@if [ -f completions/_jvs ]; then \
		install -d "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" && \
		install -m 644 completions/_jvs "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_jvs"; fi

lint-man:
	@if [ -n "$(MANS)" ]; then \
		echo mandoc -T lint -W warning $(MANS); \
		mandoc -T lint -W warning $(MANS); \
	else echo "no man pages"; fi

clean:
	rm -rf build build-asan bin bin-asan $(filter-out build build-asan,$(BUILD)) \
	    $(filter-out bin bin-asan,$(BIN))

.SECONDARY: $(LIB_OBJS) $(CLI_OBJ) $(PROG_SRCS:cmd/%.c=$(BUILD)/cmd/%.o) \
            $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%.o)

-include $(DEPS)
