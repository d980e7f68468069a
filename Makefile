# cs - customer consignment processing from the shell.
# GNU make: objects go to $(B) so the sanitizer build can sit beside the
# normal one.  CFLAGS is yours to override; CSFLAGS always applies.

PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
CC = cc
CFLAGS = -O2 -g
CSFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
LDFLAGS =
LDLIBS = -lcsv -lz
B = build
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

TOOLS = cs-order cs-deliver cs-pick cs-issue cs-bill cs-pay cs-stock
LIBSRC = lib/util.c lib/num.c lib/rec.c lib/out.c lib/master.c \
	lib/journal.c lib/state.c lib/post.c lib/opt.c lib/stage.c lib/cache.c lib/flow.c \
	lib/report.c lib/archive.c
UNITS = $(basename $(notdir $(wildcard tests/unit/*.c)))
HDR = $(wildcard lib/*.h)
LIBOBJ = $(LIBSRC:%.c=$(B)/%.o)
BINS = $(TOOLS:%=$(B)/bin/%)
UNITBINS = $(UNITS:%=$(B)/t/%)
MAN = $(wildcard man/*.1 man/*.5 man/*.7)

all: deps $(BINS)

# The two libraries come from Debian; install them when missing, or say
# exactly what to run.
deps:
	@if [ ! -f /usr/include/csv.h ] || [ ! -f /usr/include/zlib.h ]; then \
		pkgs="libcsv-dev zlib1g-dev"; \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing $$pkgs"; \
			apt-get update -qq && apt-get install -y -qq $$pkgs; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
			echo "installing $$pkgs"; \
			sudo apt-get update -qq && sudo apt-get install -y -qq $$pkgs; \
		else \
			echo "missing libcsv or zlib headers; run: sudo apt-get install -y $$pkgs" >&2; \
			exit 2; \
		fi; \
	fi

$(B)/%.o: %.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CSFLAGS) -Ilib -c -o $@ $<

$(B)/libcs.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(B)/bin/%: $(B)/cmd/%.o $(B)/libcs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcs.a $(LDLIBS)

$(B)/t/%: $(B)/tests/unit/%.o $(B)/libcs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcs.a $(LDLIBS)

.PRECIOUS: $(B)/%.o

# check: warnings as errors under gcc and clang, man page lint, the unit
# and end-to-end tests, the end-to-end tests again with the state cache
# used by every tool (less the input corpus, crash, race and file tests,
# which do not depend on it), then all tests under ASan and UBSan, and the
# fuzz targets over their seeds and saved crashes.
check: all
	@if command -v clang >/dev/null; then \
		$(MAKE) --no-print-directory B=build/clang CC=clang $(TOOLS:%=build/clang/bin/%) >/dev/null && echo "clang: built with -Werror"; fi
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test
	@echo "end-to-end again, every tool through the state cache:"
	@CS_CACHE_MIN=0 CS_E2E_ONLY=1 CS_VALGRIND=0 \
		CS_E2E_SKIP="0401 0402 0403 0404" \
		$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory B=build/san CFLAGS="$(SANFLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" test
	@$(MAKE) --no-print-directory fuzz-regress

test: $(BINS) $(UNITBINS)
	@CS_BIN=$(CURDIR)/$(B)/bin CS_UNIT=$(CURDIR)/$(B)/t \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	sh tests/run

lint:
	@fail=0; for m in $(MAN); do \
		out=$$(groff -mdoc -ww -z $$m 2>&1); \
		if [ -n "$$out" ]; then echo "$$m: $$out"; fail=1; fi; \
	done; [ $$fail = 0 ] && echo "man pages: groff -mdoc -ww clean"

demo: all
	@sh tests/demo.sh $(CURDIR)/$(B)/bin

bench: all
	@sh tests/bench.sh $(CURDIR)/$(B)/bin

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	cp $(BINS) $(DESTDIR)$(PREFIX)/bin/
	cp man/*.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp man/*.5 $(DESTDIR)$(MANPREFIX)/man5/
	cp man/*.7 $(DESTDIR)$(MANPREFIX)/man7/

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(PREFIX)/bin/$$t \
		$(DESTDIR)$(MANPREFIX)/man1/$$t.1; done
	rm -f $(DESTDIR)$(MANPREFIX)/man5/cs-journal.5 \
		$(DESTDIR)$(MANPREFIX)/man7/cs.7

clean:
	rm -rf build demo-data

.PHONY: all deps check test lint demo bench install uninstall clean
include tests/fuzz/fuzz.mk
