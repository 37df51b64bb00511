# aggregator: RSS/Atom feed aggregator daemon.  Plain GNU make.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SYSCONFDIR	?= /etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
MANDIR		?= $(PREFIX)/share/man
DESTDIR		?=
PKG_CONFIG	?= pkg-config
PYTHON		?= /usr/bin/python3

PKGS		:= libcurl libxml-2.0 libuv sqlite3 libcrypto libsystemd
BUILD		?= build
BIN		?= aggregator

# CFLAGS and LDFLAGS are the user's; what the build needs is always added.
CFLAGS		?= -O2 -g
ALL_CFLAGS	 = $(CFLAGS) -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
		   -Iinclude $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS		+= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

SRCS		:= $(wildcard daemon/*.c)
OBJS		:= $(SRCS:daemon/%.c=$(BUILD)/%.o)
LIBOBJS		:= $(filter-out $(BUILD)/main.o,$(OBJS))
TESTSRCS	:= $(wildcard tests/unit/t_*.c)
TESTBINS	:= $(TESTSRCS:tests/unit/%.c=$(BUILD)/tests/%)

SANITIZE	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined

.PHONY: all deps deps-test run check check-unit check-integration \
	check-conformance asan-check install clean

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/%.o: daemon/%.c include/*.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/test.h $(LIBOBJS) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# Installs the Debian packages the build (deps) and the tests (deps-test) need.
deps:
	@sh .ci/install-deps build

deps-test:
	@sh .ci/install-deps test

# The demo: every bundled feed polled once into demo/.
run: deps
	@$(MAKE) --no-print-directory $(BIN)
	@sh config/run-demo.sh ./$(BIN)

check: deps-test
	@$(MAKE) --no-print-directory $(BIN) $(TESTBINS)
	@$(MAKE) --no-print-directory check-unit check-integration check-conformance

check-unit: $(TESTBINS)
	@sh tests/run-unit.sh $(TESTBINS)

check-integration: $(BIN)
	AGGREGATOR=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

check-conformance: $(BIN)
	@sh tests/conformance.sh $(abspath $(BIN))

# The unit and integration tests again, built with ASan and UBSan.
asan-check: deps-test
	@AGGREGATOR_SANITIZED=1 $(MAKE) --no-print-directory BUILD=build-asan \
	    BIN=build-asan/aggregator CFLAGS="$(SANITIZE)" \
	    LDFLAGS="-fsanitize=address,undefined" \
	    build-asan/aggregator check-unit check-integration

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/aggregator \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/aggregator
	install -m 644 config/aggregator.conf.example $(DESTDIR)$(SYSCONFDIR)/aggregator/aggregator.conf.example
	install -m 644 docs/man/man1/aggregator.1 $(DESTDIR)$(MANDIR)/man1/
	# The units name the binary by its path: follow BINDIR.
	for u in systemd/*.service systemd/*.timer; do \
		sed 's|/usr/local/bin/aggregator|$(BINDIR)/aggregator|' $$u \
		    > $(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; \
	done

clean:
	rm -rf build build-asan aggregator demo
