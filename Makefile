# aggregator: RSS/Atom feed aggregator daemon.  Plain GNU make.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SYSCONFDIR	?= /etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
USERUNITDIR	?= $(PREFIX)/lib/systemd/user
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
MANDIR		?= $(PREFIX)/share/man
DESTDIR		?=
PKG_CONFIG	?= pkg-config
PYTHON		?= /usr/bin/python3

PKGS		:= libcurl libxml-2.0 libuv sqlite3 libcrypto libsystemd jansson zlib \
		   libmicrohttpd \
		   libutf8proc libpcre2-8
# Snowball's libstemmer ships no pkg-config file; story grouping uses libm.
STEMMER_LIBS	:= -lstemmer -lm
BUILD		?= build
BIN		?= aggregator
# make run and make check build with one job per core.
JOBS		:= $(shell nproc 2>/dev/null || echo 2)

# Empty until the packages are installed: pkgs-ok then stops the build
# with the names pkg-config is missing.
PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# The warning set of OpenSMTPD's Makefile.
WARNINGS	:= -Wall -Wextra -Werror -Wstrict-prototypes \
		   -Wmissing-prototypes -Wmissing-declarations -Wshadow \
		   -Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2

# CFLAGS and LDFLAGS are the user's; what the build needs is always added.
CFLAGS		?= -O2 -g
ALL_CFLAGS	 = $(CFLAGS) -std=c11 $(WARNINGS) -D_GNU_SOURCE -Iinclude \
		   $(PKG_CFLAGS)
LDLIBS		+= $(PKG_LIBS) $(STEMMER_LIBS)

SRCS		:= $(wildcard daemon/*.c)
OBJS		:= $(SRCS:daemon/%.c=$(BUILD)/%.o)
LIBOBJS		:= $(filter-out $(BUILD)/main.o,$(OBJS))
TESTSRCS	:= $(wildcard tests/unit/t_*.c)
TESTBINS	:= $(TESTSRCS:tests/unit/%.c=$(BUILD)/tests/%)

SANITIZE	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined

.PHONY: all deps deps-test pkgs-ok run check test test-sanitized \
	check-unit check-integration check-conformance check-fuzz check-man \
	asan-check install clean deps-fuzz fuzz fuzz-smoke fuzz-regress \
	print-ldlibs

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

# -MMD -MP: each object's exact header list, in $(BUILD)/*.d.
$(BUILD)/%.o: daemon/%.c | $(BUILD) pkgs-ok
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) | $(BUILD)/tests pkgs-ok
	$(CC) $(ALL_CFLAGS) -MMD -MP -Itests/unit $(LDFLAGS) -o $@ $< \
	    $(LIBOBJS) $(LDLIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

-include $(OBJS:.o=.d) $(TESTBINS:=.d)

pkgs-ok:
	@$(PKG_CONFIG) --exists --print-errors $(PKGS) || { \
	    echo "make: pkg-config does not find all of: $(PKGS);" \
	        "make deps installs them" >&2; exit 1; }
	@test -f /usr/include/libstemmer.h || { \
	    echo "make: libstemmer.h not found; make deps installs it" >&2; \
	    exit 1; }

# Installs the Debian packages the build (deps) and the tests (deps-test) need.
deps:
	@sh .ci/install-deps build

deps-test:
	@sh .ci/install-deps test

# The demo: every bundled feed polled once into demo/.
run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BIN)
	@sh config/run-demo.sh ./$(BIN)

# make check installs what the tests need; make test only builds and runs
# them.  Building is parallel; the three suites run one after the other.
# The packages are installed: the Jekyll tests may not skip.
check: deps-test
	@AGGREGATOR_REQUIRE_JEKYLL=1 $(MAKE) --no-print-directory -j$(JOBS) test
	@$(MAKE) --no-print-directory check-fuzz

test: $(BIN) $(TESTBINS)
	@sh tests/run-unit.sh $(TESTBINS)
	@$(MAKE) --no-print-directory check-integration
	@sh tests/conformance.sh $(abspath $(BIN))

# What asan-check runs in its own build: the unit and integration tests.
test-sanitized: $(BIN) $(TESTBINS)
	@sh tests/run-unit.sh $(TESTBINS)
	@$(MAKE) --no-print-directory check-integration

check-unit: $(TESTBINS)
	@sh tests/run-unit.sh $(TESTBINS)

check-integration: $(BIN)
	AGGREGATOR=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# The man pages alone (part of check-integration): groff -ww and man -l
# render them without a warning, their examples hold.
check-man: $(BIN)
	AGGREGATOR=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration/test_man.py

check-conformance: $(BIN)
	@sh tests/conformance.sh $(abspath $(BIN))

# The unit and integration tests again, built with ASan and UBSan.
# ASan keeps 256 MB of freed memory in quarantine by default, which the
# tests' peak-RSS bounds would measure instead of the program.
asan-check: deps-test
	@AGGREGATOR_SANITIZED=1 AGGREGATOR_REQUIRE_JEKYLL=1 \
	    ASAN_OPTIONS=quarantine_size_mb=32$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
	    $(MAKE) --no-print-directory -j$(JOBS) BUILD=build-asan \
	    BIN=build-asan/aggregator CFLAGS="$(SANITIZE)" \
	    LDFLAGS="-fsanitize=address,undefined" test-sanitized

# libFuzzer targets (tests/fuzz/README.md), built with clang into
# build-fuzz/.  New corpus entries go to build-fuzz/corpus/TARGET, crash
# artifacts to build-fuzz/crashes/; the seeds in tests/fuzz/corpus are
# only read.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 300
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS	 = -O1 -g -fno-omit-frame-pointer -std=c11 $(WARNINGS) \
		   -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS)
FUZZ_TARGETS	:= $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS	:= $(FUZZ_TARGETS:%=build-fuzz/%)
FUZZ_OBJS	:= $(patsubst daemon/%.c,build-fuzz/%.o,\
		   $(filter-out daemon/main.c,$(SRCS)))
FUZZ_OPTS	 = -timeout=10 -rss_limit_mb=512 -print_final_stats=1
# ASan's freed-memory quarantine (256 MB by default) and a grown corpus
# alone would pass the RSS limit.
FUZZ_ASAN	:= quarantine_size_mb=64
FUZZ_MAXLEN_fuzz_feed	:= 65536
FUZZ_MAXLEN_fuzz_html	:= 4096
FUZZ_MAXLEN_fuzz_digest	:= 4096
FUZZ_MAXLEN_fuzz_extract	:= 65536
FUZZ_DICT_fuzz_feed	:= tests/fuzz/xml.dict
FUZZ_DICT_fuzz_html	:= tests/fuzz/xml.dict
FUZZ_DICT_fuzz_extract	:= tests/fuzz/xml.dict

# One target's run: $(1) is its name.
fuzz_run = mkdir -p build-fuzz/corpus/$(1) tests/fuzz/corpus/$(1) && \
	echo "fuzz: $(1) for $(FUZZ_SECONDS)s" && \
	ASAN_OPTIONS=$(FUZZ_ASAN)$${ASAN_OPTIONS:+:$$ASAN_OPTIONS} \
	build-fuzz/$(1) $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=$(or $(FUZZ_MAXLEN_$(1)),256) \
	    $(if $(FUZZ_DICT_$(1)),-dict=$(FUZZ_DICT_$(1))) \
	    -artifact_prefix=build-fuzz/crashes/$(1)- \
	    build-fuzz/corpus/$(1) tests/fuzz/corpus/$(1)

# Every saved regression input, run once without fuzzing.
fuzz_regress = set -- tests/fuzz/regressions/$(1)/*; \
	if [ -f "$$1" ]; then \
		echo "fuzz-regress: $(1): $$\# inputs"; \
		build-fuzz/$(1) $(FUZZ_OPTS) "$$@" 2>build-fuzz/$(1).log || \
		    { cat build-fuzz/$(1).log; exit 1; }; \
	fi

build-fuzz/%.o: daemon/%.c | build-fuzz pkgs-ok
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer-no-link \
	    $(FUZZ_SAN) -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) | build-fuzz pkgs-ok
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

.SECONDARY: $(FUZZ_OBJS)
-include $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)

build-fuzz build-fuzz/crashes:
	mkdir -p $@

deps-fuzz:
	@sh .ci/install-deps fuzz

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZ_BINS) build-fuzz/crashes
	@$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t)) &&) true

fuzz-regress: deps-fuzz
	@$(MAKE) --no-print-directory -j$(JOBS) $(FUZZ_BINS)
	@$(foreach t,$(FUZZ_TARGETS),$(call fuzz_regress,$(t));) true

# What make check runs of the fuzzers: the saved regressions, and the
# newest target, the article extractor's, for 10 seconds.
check-fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-regress
	@$(MAKE) --no-print-directory fuzz FUZZ_TARGETS=fuzz_extract \
	    FUZZ_SECONDS=10

# What CI runs: the regressions, then every target for 20 seconds.
fuzz-smoke: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-regress
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# The libraries a program linked with build/*.o needs (bench/ builds some).
print-ldlibs:
	@echo $(LDLIBS)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/aggregator \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(USERUNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/aggregator
	install -m 644 config/aggregator.conf.example $(DESTDIR)$(SYSCONFDIR)/aggregator/aggregator.conf.example
	install -m 644 docs/man/man1/aggregator.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/man/man5/aggregator.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 systemd/aggregator.sysusers $(DESTDIR)$(SYSUSERSDIR)/aggregator.conf
	# The units name the binary by its path: follow BINDIR.
	for u in systemd/*.service systemd/*.timer systemd/user/*.service; do \
		case $$u in systemd/user/*) d=$(USERUNITDIR);; *) d=$(UNITDIR);; esac; \
		sed 's|/usr/local/bin/aggregator|$(BINDIR)/aggregator|' $$u \
		    > $(DESTDIR)$$d/$${u##*/} && \
		chmod 644 $(DESTDIR)$$d/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build build-asan build-fuzz aggregator demo
