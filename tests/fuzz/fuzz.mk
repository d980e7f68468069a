# tests/fuzz/fuzz.mk - the fuzz targets (tests/fuzz/*.c), included by the
# Makefile.  GNU make, like the Makefile.
#
#   make fuzz [FUZZ_SECONDS=60]
#	each target under libFuzzer (clang -fsanitize=fuzzer,address,
#	undefined) for FUZZ_SECONDS on a copy of tests/fuzz/corpus/TARGET;
#	new inputs, the log, any crash, leak or time-out and the scratch
#	files are left in build/libfuzzer/run/TARGET.  Fails when a target
#	found something.
#   make fuzz-regress
#	each target linked with tests/fuzz/driver.c instead, built like the
#	sanitizer build of make check (B=build/san, SANFLAGS), run over its
#	seeds and its saved crashes (tests/fuzz/crashes/TARGET): fails on any
#	sanitizer report or failed check.
#   make build/fuzz/replay-TARGET
#	the same with the plain build (CC, CFLAGS): build/fuzz/replay-rec
#	FILE|DIR ... replays inputs by hand.
#
# tests/fuzz/crashes/TARGET holds the minimized input of every bug a target
# found and that is fixed; tests/fuzz/open/TARGET those not fixed yet,
# which fuzz-regress leaves out: move one to crashes/ with its fix.
#
# libFuzzer comes with clang's runtime: Debian's clang and
# libclang-rt-14-dev.

FUZZ_TARGETS = rec journal master
FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_FLAGS =
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FZ = build/libfuzzer
FUZZ_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FUZZ_OBJ = $(B)/tests/fuzz/scratch.o $(B)/libcs.a

$(FUZZ_TARGETS:%=$(B)/tests/fuzz/%.o) $(B)/tests/fuzz/scratch.o \
$(B)/tests/fuzz/driver.o: tests/fuzz/fuzz.h

# With libFuzzer's main (B=$(FZ), CC=clang), and with driver.c (any B, CC).
$(B)/fuzz/fuzz-%: $(B)/tests/fuzz/%.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(B)/fuzz/replay-%: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/driver.o $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

fuzz: deps
	@mkdir -p $(FZ)
	@printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ return d && n; }\n' >$(FZ)/probe.c; \
	if ! $(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $(FZ)/probe \
	    $(FZ)/probe.c >/dev/null 2>&1; then \
		echo "make fuzz needs clang with libFuzzer; run: apt-get install -y clang libclang-rt-14-dev" >&2; \
		exit 2; \
	fi
	@$(MAKE) --no-print-directory B=$(FZ) CC=$(FUZZ_CC) \
		CFLAGS="$(FUZZ_CFLAGS)" LDFLAGS="$(FUZZ_SAN)" \
		$(FUZZ_TARGETS:%=$(FZ)/fuzz/fuzz-%) >/dev/null
	@fail=0; for t in $(FUZZ_TARGETS); do \
		run=$(FZ)/run/$$t; rm -rf $$run; mkdir -p $$run/corpus $$run/tmp; \
		cp tests/fuzz/corpus/$$t/* $$run/corpus/; \
		case $$t in journal) dict=journal.dict ;; *) dict=csv.dict ;; esac; \
		echo "fuzz-$$t: $(FUZZ_SECONDS) s on a copy of tests/fuzz/corpus/$$t"; \
		if TMPDIR=$$run/tmp $(FZ)/fuzz/fuzz-$$t \
		    -max_total_time=$(FUZZ_SECONDS) \
		    -timeout=10 -max_len=16384 -print_final_stats=1 \
		    -artifact_prefix=$$run/ -dict=tests/fuzz/$$dict $(FUZZ_FLAGS) \
		    $$run/corpus >$$run/log 2>&1; then \
			grep -E '^#[0-9]+[[:space:]]+DONE' $$run/log | tail -1; \
			grep -E '^stat::(number_of_executed_units|peak_rss_mb)' $$run/log; \
		else \
			fail=1; tail -40 $$run/log; \
			echo "fuzz-$$t: found something: $$(ls $$run | grep -v -e corpus -e log -e tmp)"; \
		fi; \
	done; exit $$fail

fuzz-regress: deps
	@$(MAKE) --no-print-directory B=build/san CFLAGS="$(SANFLAGS)" \
		LDFLAGS="-fsanitize=address,undefined" \
		$(FUZZ_TARGETS:%=build/san/fuzz/replay-%) >/dev/null
	@rm -rf build/san/fuzz/tmp; mkdir -p build/san/fuzz/tmp; \
	fail=0; for t in $(FUZZ_TARGETS); do \
		log=build/san/fuzz/$$t.log; \
		if TMPDIR=build/san/fuzz/tmp $(FUZZ_ENV) \
		    build/san/fuzz/replay-$$t tests/fuzz/corpus/$$t \
		    tests/fuzz/crashes/$$t >$$log 2>&1; then \
			echo "fuzz-regress $$t: $$(tail -1 $$log | sed 's/.*: //')"; \
		else \
			fail=1; tail -60 $$log; \
			echo "fuzz-regress $$t: FAILED, see $$log"; \
		fi; \
	done; exit $$fail

.PHONY: fuzz fuzz-regress
