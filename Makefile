# pipe: make for data pipelines.  `make`, `make test`, `make demo`.
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g
PKGS     = libcurl libgit2 openssl libmicrohttpd
# jsmn is header-only: json.c includes it with JSMN_PARENT_LINKS and JSMN_STRICT.
# libcurl, libgit2, libcrypto and libmicrohttpd are not linked: http.c,
# history.c, crypto.c and serve.c load them (dlopen) when first needed, so
# that a query, or a no-op build, does not load the forty libraries they
# bring.  Their sonames come from the development packages the build uses.
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null | awk '/SONAME/ { print $$2 }')
GIT2_SONAME   := $(call soname,libgit2,libgit2.so)
CRYPTO_SONAME := $(call soname,libcrypto,libcrypto.so)
CURL_SONAME   := $(call soname,libcurl,libcurl.so)
MHD_SONAME    := $(call soname,libmicrohttpd,libmicrohttpd.so)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Isrc -MMD -MP \
             -DLIBGIT2_SONAME='"$(or $(GIT2_SONAME),libgit2.so.1.5)"' \
             -DLIBCRYPTO_SONAME='"$(or $(CRYPTO_SONAME),libcrypto.so.3)"' \
             -DLIBCURL_SONAME='"$(or $(CURL_SONAME),libcurl.so.4)"' \
             -DLIBMICROHTTPD_SONAME='"$(or $(MHD_SONAME),libmicrohttpd.so.12)"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDLIBS  = -ldl -lpthread -lm

SRC     = $(sort $(wildcard src/*.c src/warehouse/*.c))
OBJ     = $(SRC:%.c=$(BUILD)/%.o)
LIBOBJ  = $(filter-out $(BUILD)/src/main.o,$(OBJ))
TESTSRC = $(sort $(wildcard tests/unit/test_*.c))
TESTS   = $(TESTSRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz harnesses (docs/fuzzing.md): every tests/fuzz/*.c but the replayer.
FUZZSRC = $(filter-out tests/fuzz/replay.c,$(sort $(wildcard tests/fuzz/*.c)))
REPLAYS = $(FUZZSRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all test check-asan demo bench install uninstall clean deps screenshot fuzz
all: pipe

pipe: $(BUILD)/pipe
	@if [ "$(BUILD)" = build ]; then cp $(BUILD)/pipe pipe; fi

$(BUILD)/pipe: $(OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(BUILD)/libpipe.a: $(LIBOBJ)
	@rm -f $@
	ar rcs $@ $(LIBOBJ)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(BUILD)/libpipe.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libpipe.a $(LDLIBS)

# Each harness with a main() that replays its corpus, for the suite.
$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(BUILD)/libpipe.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libpipe.a $(LDLIBS)

test: $(BUILD)/pipe $(TESTS) $(REPLAYS)
	@python3 tests/run.py --build $(BUILD)

# The same suite under AddressSanitizer and UBSan.
check-asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

deps:
	@sh .ci/deps

# libFuzzer on each harness (FUZZ=json for one), FUZZ_SECONDS each, from
# its seeds in tests/fuzz/corpus/<name>; new inputs go to
# build-fuzz/corpus/<name>, crashes to build-fuzz/crashes/<name>/.
FUZZ_SECONDS ?= 60
FUZZ         ?= $(FUZZSRC:tests/fuzz/%.c=%)
FUZZ_CC      ?= clang
FUZZ_CFLAGS   = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_ARGS    ?= -max_len=65536 -timeout=10 -rss_limit_mb=2048
fuzz:
	@sh .ci/deps fuzz
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" build-fuzz/libpipe.a
	@for f in $(FUZZ); do \
		[ -f tests/fuzz/$$f.c ] || { echo "no harness tests/fuzz/$$f.c"; exit 1; }; \
		echo "$(FUZZ_CC) ... -o build-fuzz/fuzz-$$f tests/fuzz/$$f.c"; \
		$(FUZZ_CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o build-fuzz/fuzz-$$f \
			tests/fuzz/$$f.c build-fuzz/libpipe.a $(LDLIBS) || exit 1; \
	done
	@failed=""; for f in $(FUZZ); do \
		mkdir -p build-fuzz/corpus/$$f build-fuzz/crashes/$$f tests/fuzz/corpus/$$f; \
		touch build-fuzz/start-$$f; \
		echo "fuzzing $$f for $(FUZZ_SECONDS) s"; \
		build-fuzz/fuzz-$$f -max_total_time=$(FUZZ_SECONDS) $(FUZZ_ARGS) \
			-artifact_prefix=build-fuzz/crashes/$$f/ build-fuzz/corpus/$$f tests/fuzz/corpus/$$f \
			>build-fuzz/fuzz-$$f.log 2>&1; \
		tail -n 3 build-fuzz/fuzz-$$f.log; \
		found=$$(find build-fuzz/crashes/$$f -type f -newer build-fuzz/start-$$f); \
		[ -z "$$found" ] || { failed="$$failed $$f"; for c in $$found; do echo "  $$c"; done; }; \
	done; \
	[ -z "$$failed" ] || { echo "crashes in:$$failed (see docs/fuzzing.md)"; exit 1; }

# SCALE=N: the same demo on N trips made from the real rows, in demo-N/
demo: deps
	$(MAKE) pipe
	@SCALE='$(SCALE)' sh pipelines/demo.sh

# The reports as headless Chromium renders them, to look at:
# $(BUILD)/screenshots/<report>.png (`make demo` first; apt-get install chromium).
SHOTS = taxi_report crypto_report
screenshot:
	@mkdir -p $(BUILD)/screenshots
	@for r in $(SHOTS); do \
		[ -f targets/$$r/index.html ] || { echo "targets/$$r/index.html: not built (make demo)"; continue; }; \
		profile=$$(mktemp -d); \
		chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
			--disable-component-update --disable-sync --no-first-run --hide-scrollbars \
			--user-data-dir=$$profile --window-size=1200,1600 \
			--screenshot=$(CURDIR)/$(BUILD)/screenshots/$$r.png \
			file://$(CURDIR)/targets/$$r/index.html 2>/dev/null && echo $(BUILD)/screenshots/$$r.png; \
		rm -rf $$profile; \
	done

bench: pipe
	@sh .ci/deps bench
	@sh bench/run.sh

install: pipe
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 pipe $(DESTDIR)$(PREFIX)/bin/pipe
	install -m 644 docs/pipe.1 $(DESTDIR)$(PREFIX)/share/man/man1/pipe.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pipe $(DESTDIR)$(PREFIX)/share/man/man1/pipe.1

clean:
	rm -rf build build-asan build-fuzz pipe

-include $(OBJ:.o=.d)
