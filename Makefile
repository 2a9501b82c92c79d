# JVS — GNU make build.
#
#   make                 build bin/jvs and every bin/jvs-*
#   make check [T=...]   install deps, build, check-layers, unit tests, shell tests
#   make check-layers    libjvs keeps its layers: no upward call or include, no cycle
#   make check-asan      the same under AddressSanitizer/UBSan (build-asan/, bin-asan/)
#   make check-valgrind  the shell tests with every program under valgrind (T= subsets)
#   make lint            cppcheck and clang-tidy (.clang-tidy), zero findings
#   make fuzz-replay     replay t/fuzz/corpus through the fuzz targets (in check)
#   make fuzz            libFuzzer on each target [FUZZ_SECONDS=60 FUZZ_TARGETS=...]
#   make stress          t/t9003-stress.sh for STRESS_SECONDS (default 300)
#   make unit            cmocka unit tests only
#   make chainlint       t/chainlint.py over t/t*.sh: no test loses a status (in check)
#   make deb             Debian packages jvs and jvs-dev in $(BUILD)/deb (debian/)
#   make demo | bench | install | uninstall | lint-man | clean
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
PKGS       := sqlite3 libb2 jansson uuid libzstd
PROVE      ?= prove
PROVE_JOBS ?= 2

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

CFLAGS     ?= -O2 -g
EXTRA_CFLAGS ?=
CPPFLAGS   ?=
ALL_CFLAGS  = -std=c11 -D_GNU_SOURCE $(CPPFLAGS) $(CFLAGS) -Wall -Wextra -Werror \
              $(INC_FLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
DEPFLAGS    = -MMD -MP
LDFLAGS    ?=
LDLIBS      = $(PKG_LIBS) -lpthread

# libjvs is in layers, lowest first (doc/ARCHITECTURE.md, make check-layers);
# each folder is on the include path, so "X.h" finds a header in any of them.
LAYERS     := util store engine ops
INC_FLAGS  := -Iinclude -Iinclude/jvs -Ilibjvs $(LAYERS:%=-Ilibjvs/%) -Icmd

LIB_SRCS   := $(sort $(wildcard $(LAYERS:%=libjvs/%/*.c)))
LIB_OBJS   := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/libjvs.a

CLI_OBJ    := $(BUILD)/cmd/cli.o $(BUILD)/cmd/commands.o
GEN_CMDS   := $(BUILD)/cmd/gen-commands

PROG_SRCS  := $(sort $(wildcard cmd/jvs-*.c))
PROGS      := $(PROG_SRCS:cmd/%.c=$(BIN)/%)

UNIT_SRCS  := $(sort $(wildcard t/unit/test-*.c))
UNIT_BINS  := $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%)

SHELL_TESTS := $(sort $(wildcard t/t[0-9]*.sh))
T          ?= $(SHELL_TESTS)

MANS       := $(sort $(wildcard man/*.1 man/*.5 man/*.7))
HEADERS    := $(sort $(wildcard include/jvs/*.h))
# The util headers that installed headers include (fsutil.h, worktree.h,
# scan.h, index.h), installed beside them.
HEADERS_UTIL := libjvs/util/beneath.h libjvs/util/filekey.h libjvs/util/str.h
PC         := $(BUILD)/jvs.pc
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNIT_INS   := $(sort $(wildcard systemd/*.in))
UNITS      := $(UNIT_INS:systemd/%.in=$(BUILD)/systemd/%)

DEPS       := $(LIB_OBJS:.o=.d) $(CLI_OBJ:.o=.d) $(GEN_CMDS).d $(PROG_SRCS:cmd/%.c=$(BUILD)/cmd/%.d) \
              $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%.d)

.PHONY: all unit check check-layers check-shell check-asan demo bench install uninstall lint-man FORCE \
        clean deps completions check-valgrind lint fuzz fuzz-build fuzz-replay stress deb units \
        chainlint

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

# The version every program prints is the VERSION file's.
$(BUILD)/cmd/cli.o: ALL_CFLAGS += -DJVS_VERSION='"$(VERSION)"'
$(BUILD)/cmd/cli.o: VERSION

$(BIN)/jvs-%: $(BUILD)/cmd/jvs-%.o $(CLI_OBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/jvs: cmd/jvs.sh cmd/command-list.txt VERSION
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/$(VERSION)/g' \
	    -e '/@COMMANDS@/{r cmd/command-list.txt' -e 'd;}' cmd/jvs.sh >$@.tmp
	chmod +x $@.tmp
	mv $@.tmp $@

# The command table (cmd/commands.c) is the source of the command and option
# lists, and they of the completions: all generated here, in the source tree
# (checked in, so that a tree that was never built has them; t8000 checks
# that they are up to date).
$(GEN_CMDS): cmd/gen-commands.c $(BUILD)/cmd/commands.o
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^)

cmd/command-list.txt cmd/command-options.txt &: $(GEN_CMDS)
	$(GEN_CMDS) list >cmd/command-list.txt.tmp
	$(GEN_CMDS) options >cmd/command-options.txt.tmp
	@for f in cmd/command-list.txt cmd/command-options.txt; do \
		if cmp -s $$f.tmp $$f; then rm -f $$f.tmp; touch $$f; else mv $$f.tmp $$f; fi; \
	done

completions: completions/jvs.bash completions/_jvs completions/jvs.fish

completions/jvs.bash completions/_jvs completions/jvs.fish &: cmd/command-list.txt \
    cmd/command-options.txt scripts/gen-completions.sh
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

# Every test body chains its commands with && (t/chainlint.py, t0010).
chainlint:
	@echo "python3 t/chainlint.py t/t*.sh"
	@python3 t/chainlint.py $(SHELL_TESTS)

# The layer rules of doc/ARCHITECTURE.md over the library's objects (nm)
# and its #include lines.
check-layers: $(LIB)
	python3 scripts/check-layers.py --src libjvs --include include --objs $(BUILD)/libjvs

# `make check T=t/t0001-init.sh` runs just that script (and the unit tests).
check: deps
	$(MAKE) all
	$(MAKE) check-layers
	$(MAKE) unit
	$(MAKE) fuzz-replay
	$(MAKE) lint-man
	$(MAKE) chainlint
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
	    EXTRA_CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="-fsanitize=address,undefined" unit fuzz-replay check-shell

# `make check-valgrind [T=...]`: the shell tests with every jvs-* program run
# under valgrind (slow; not part of check). Any report fails the test that
# caused it and the target; reports are kept in $(VG_DIR)/logs.
VG_DIR     ?= build-valgrind

check-valgrind: all
	sh scripts/valgrind-wrap.sh $(BIN) $(VG_DIR)/bin
	rm -rf $(VG_DIR)/logs && mkdir -p $(VG_DIR)/logs
	JVS_VALGRIND_LOGS="$(abspath $(VG_DIR))/logs" JVS_BIN="$(abspath $(VG_DIR))/bin" \
	    $(PROVE) -j$(PROVE_JOBS) $(T)
	@if [ -n "$$(ls $(VG_DIR)/logs)" ]; then \
		echo "valgrind reports in $(VG_DIR)/logs:" >&2; ls $(VG_DIR)/logs >&2; exit 1; fi

# ---- static analysis -----------------------------------------------------

LINT_SRCS  := $(LIB_SRCS) $(sort $(wildcard cmd/*.c))
LINT_JOBS  ?= 2

lint:
	cppcheck --enable=warning,performance,portability --error-exitcode=1 \
	    --inline-suppr --quiet -D_GNU_SOURCE -DJVS_VERSION='"$(VERSION)"' \
	    --include=$(shell $(PKG_CONFIG) --variable=includedir jansson)/jansson.h \
	    $(INC_FLAGS) libjvs cmd
	printf '%s\n' $(LINT_SRCS) | xargs -P$(LINT_JOBS) -n4 sh -c \
	    'clang-tidy --quiet "$$@" -- -std=c11 -D_GNU_SOURCE -DJVS_VERSION=\"$(VERSION)\" $(INC_FLAGS) \
	    $(PKG_CFLAGS)' clang-tidy

# ---- fuzzing (t/fuzz/) ---------------------------------------------------
#
#   make fuzz-replay             every target's corpus through a replay driver
#                                (plain build, part of make check)
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS=...]
#                                libFuzzer (clang) on each target in turn

FUZZ_TARGETS ?= $(sort $(patsubst t/fuzz/fuzz-%.c,%,$(wildcard t/fuzz/fuzz-*.c)))
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
REPLAYS      := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay-%)

$(BUILD)/fuzz/replay-%: t/fuzz/fuzz-%.c t/fuzz/replay.c t/fuzz/fuzz.h $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -It/fuzz $(LDFLAGS) -o $@ t/fuzz/fuzz-$*.c t/fuzz/replay.c \
	    $(LIB) $(LDLIBS)

fuzz-replay: $(REPLAYS)
	@for t in $(FUZZ_TARGETS); do \
		echo "$(BUILD)/fuzz/replay-$$t t/fuzz/corpus/$$t"; \
		$(BUILD)/fuzz/replay-$$t t/fuzz/corpus/$$t || exit 1; \
	done

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="-O1 -g" \
	    EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_BUILD)/libjvs.a
	@for t in $(FUZZ_TARGETS); do \
		echo "$(FUZZ_CC) ... -o $(FUZZ_BUILD)/fuzz-$$t"; \
		$(FUZZ_CC) $(ALL_CFLAGS) -O1 -g -It/fuzz -fsanitize=fuzzer $(FUZZ_SAN) \
		    -o $(FUZZ_BUILD)/fuzz-$$t t/fuzz/fuzz-$$t.c $(FUZZ_BUILD)/libjvs.a $(LDLIBS) \
		    || exit 1; \
	done

# New inputs go to $(FUZZ_BUILD)/corpus/<target>; crashes to
# $(FUZZ_BUILD)/crash-<target>-*: copy them into t/fuzz/corpus/<target>/
# once fixed, so fuzz-replay keeps them fixed.
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "fuzz-$$t: $(FUZZ_SECONDS)s"; \
		$(FUZZ_BUILD)/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		    -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- -max_len=65536 \
		    $(FUZZ_BUILD)/corpus/$$t t/fuzz/corpus/$$t 2>$(FUZZ_BUILD)/fuzz-$$t.log; \
		rc=$$?; grep -E '^(stat::|#[0-9]+ *DONE)' $(FUZZ_BUILD)/fuzz-$$t.log; \
		[ $$rc -eq 0 ] || { tail -40 $(FUZZ_BUILD)/fuzz-$$t.log; exit 1; }; \
	done

# ---- load ----------------------------------------------------------------

# `make stress [STRESS_SECONDS=300]`: t/t9003-stress.sh in its long form.
STRESS_SECONDS ?= 300

stress: all
	JVS_BIN="$(abspath $(BIN))" JVS_STRESS_SECONDS=$(STRESS_SECONDS) $(PROVE) -v t/t9003-stress.sh

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

bench: all
	@if [ ! -f bench/run.sh ]; then \
		echo "make bench: bench/run.sh is missing" >&2; exit 1; fi
	JVS_BIN="$(abspath $(BIN))" bash bench/run.sh
	@# Engines on real file systems (loop images, JuiceFS where they can be had).
	JVS_BIN="$(abspath $(BIN))" bash bench/engines.sh >$(BUILD)/engines.md
	@cat $(BUILD)/engines.md
	@if [ -f doc/BENCHMARKS.md ]; then \
		printf '\n## Snapshot engines (bench/engines.sh)\n\n' >>doc/BENCHMARKS.md; \
		cat $(BUILD)/engines.md >>doc/BENCHMARKS.md; fi
	@# Issue 16: compressed snapshots against uncompressed ones and tar | zstd.
	JVS_BIN="$(abspath $(BIN))" bash bench/compress.sh >$(BUILD)/compress.md
	@cat $(BUILD)/compress.md
	@if [ -f doc/BENCHMARKS.md ]; then \
		printf '\n## Compressed snapshots (bench/compress.sh)\n\n' >>doc/BENCHMARKS.md; \
		cat $(BUILD)/compress.md >>doc/BENCHMARKS.md; fi
	@# JuiceFS volumes against the file system's floors (skipped, saying why, without JuiceFS).
	JVS_BIN="$(abspath $(BIN))" bash bench/juicefs.sh >$(BUILD)/juicefs.md
	@cat $(BUILD)/juicefs.md
	@if [ -f doc/BENCHMARKS.md ]; then \
		printf '\n## JuiceFS (bench/juicefs.sh)\n\n' >>doc/BENCHMARKS.md; \
		cat $(BUILD)/juicefs.md >>doc/BENCHMARKS.md; fi
	@# Issue 15: history -- PATH over 10,000 snapshots; an ignored part costs nothing.
	JVS_BIN="$(abspath $(BIN))" bash bench/path-history.sh >$(BUILD)/path-history.md
	@cat $(BUILD)/path-history.md
	@if [ -f doc/BENCHMARKS.md ]; then \
		printf '\n## Path history and ignored paths (bench/path-history.sh)\n\n' >>doc/BENCHMARKS.md; \
		cat $(BUILD)/path-history.md >>doc/BENCHMARKS.md; fi

# ---- install / docs ------------------------------------------------------

# jvs.pc: rebuilt every time, so that it follows PREFIX. libjvs is static
# only, so its dependencies are public (plain `pkg-config --libs jvs` links).
$(PC): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' 'prefix=$(PREFIX)' \
	    'libdir=$(patsubst $(PREFIX)%,$${prefix}%,$(LIBDIR))' \
	    'includedir=$(patsubst $(PREFIX)%,$${prefix}%,$(INCLUDEDIR))' '' \
	    'Name: jvs' 'Description: JVS versioned workspaces library (libjvs)' \
	    'Version: $(VERSION)' 'Requires: $(PKGS)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -ljvs -lpthread' >$@.tmp
	@mv $@.tmp $@

# systemd template units: ExecStart names $(PREFIX)/bin/jvs, so they are
# rebuilt every time too.
$(BUILD)/systemd/%: systemd/%.in FORCE
	@mkdir -p $(@D)
	@sed -e 's|@BINDIR@|$(PREFIX)/bin|g' $< >$@.tmp
	@mv $@.tmp $@

units: $(UNITS)

FORCE:

# PREFIX (default /usr/local) and DESTDIR as usual; `make uninstall` with the
# same values removes exactly what this installed.
install: all $(PC) $(UNITS)
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 $(BIN)/jvs $(PROGS) "$(DESTDIR)$(PREFIX)/bin/"
	@for m in $(MANS); do \
		sec=$${m##*.}; \
		install -d "$(DESTDIR)$(MANDIR)/man$$sec" && \
		echo install -m 644 $$m "$(DESTDIR)$(MANDIR)/man$$sec/" && \
		install -m 644 $$m "$(DESTDIR)$(MANDIR)/man$$sec/" || exit 1; \
	done
	install -d "$(DESTDIR)$(BASHCOMPDIR)"
	install -m 644 completions/jvs.bash "$(DESTDIR)$(BASHCOMPDIR)/jvs"
	install -d "$(DESTDIR)$(ZSHCOMPDIR)"
	install -m 644 completions/_jvs "$(DESTDIR)$(ZSHCOMPDIR)/_jvs"
	install -d "$(DESTDIR)$(FISHCOMPDIR)"
	install -m 644 completions/jvs.fish "$(DESTDIR)$(FISHCOMPDIR)/jvs.fish"
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)/jvs" "$(DESTDIR)$(PKGCONFIGDIR)"
	install -m 644 $(LIB) "$(DESTDIR)$(LIBDIR)/libjvs.a"
	install -m 644 $(HEADERS) "$(DESTDIR)$(INCLUDEDIR)/jvs/"
	install -m 644 $(HEADERS_UTIL) "$(DESTDIR)$(INCLUDEDIR)/jvs/"
	install -m 644 $(PC) "$(DESTDIR)$(PKGCONFIGDIR)/jvs.pc"
	install -d "$(DESTDIR)$(SYSTEMDUNITDIR)"
	install -m 644 $(UNITS) "$(DESTDIR)$(SYSTEMDUNITDIR)/"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/jvs" \
	    $(patsubst $(BIN)/%,"$(DESTDIR)$(PREFIX)/bin/%",$(PROGS))
	@for m in $(MANS); do \
		f="$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}"; \
		echo rm -f "$$f"; rm -f "$$f"; \
	done
	rm -f "$(DESTDIR)$(BASHCOMPDIR)/jvs" "$(DESTDIR)$(ZSHCOMPDIR)/_jvs" \
	    "$(DESTDIR)$(FISHCOMPDIR)/jvs.fish"
	rm -f "$(DESTDIR)$(LIBDIR)/libjvs.a" "$(DESTDIR)$(PKGCONFIGDIR)/jvs.pc"
	rm -f $(patsubst include/jvs/%,"$(DESTDIR)$(INCLUDEDIR)/jvs/%",$(HEADERS))
	rm -f $(patsubst libjvs/util/%,"$(DESTDIR)$(INCLUDEDIR)/jvs/%",$(HEADERS_UTIL))
	rm -f $(patsubst $(BUILD)/systemd/%,"$(DESTDIR)$(SYSTEMDUNITDIR)/%",$(UNITS))
	-rmdir "$(DESTDIR)$(INCLUDEDIR)/jvs" 2>/dev/null

# ---- Debian package ------------------------------------------------------
#
# `make deb`: binary packages jvs and jvs-dev from debian/, built with
# dpkg-buildpackage in a copy of the source tree under $(DEB_DIR) (so that
# nothing is written beside the tree), then checked with lintian when it is
# installed. debian/changelog must be at VERSION. DEB_BUILD_OPTIONS and
# DEB_BUILD_PROFILES pass through (nocheck skips the unit tests).

DEB_DIR    ?= $(BUILD)/deb
DEB_JOBS   ?= 2
DEB_SRC     = $(DEB_DIR)/jvs-$(VERSION)

deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) || exit 1; \
	if [ "$$v" != "$(VERSION)" ]; then \
		echo "make deb: debian/changelog is at $$v but VERSION is $(VERSION);" \
		    "add an entry (dch -v $(VERSION))" >&2; exit 1; fi
	rm -rf "$(DEB_DIR)" && mkdir -p "$(DEB_SRC)"
	tar -cf - --exclude=./.git --exclude='./build*' --exclude='./bin*' \
	    --exclude=./debian/.debhelper . | tar -xf - -C "$(DEB_SRC)"
	cd "$(DEB_SRC)" && \
	    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -b -us -uc -J$(DEB_JOBS)
	@if command -v lintian >/dev/null 2>&1; then \
		echo lintian --fail-on error,warning $(DEB_DIR)/jvs_$(VERSION)_*.changes; \
		lintian --fail-on error,warning $(DEB_DIR)/jvs_$(VERSION)_*.changes || exit 1; \
	else echo "make deb: lintian is not installed; not checked" >&2; fi
	@ls $(DEB_DIR)/*.deb

lint-man:
	@if [ -n "$(MANS)" ]; then \
		echo mandoc -T lint -W warning $(MANS); \
		mandoc -T lint -W warning $(MANS); \
	else echo "no man pages"; fi

clean:
	rm -rf build build-asan bin bin-asan build-fuzz build-valgrind \
	    $(filter-out build build-asan,$(BUILD)) \
	    $(filter-out bin bin-asan,$(BIN))

.SECONDARY: $(LIB_OBJS) $(CLI_OBJ) $(PROG_SRCS:cmd/%.c=$(BUILD)/cmd/%.o) \
            $(UNIT_SRCS:t/unit/%.c=$(BUILD)/t/%.o)

-include $(DEPS)
