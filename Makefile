# Thin wrapper over CMake. `make test` and `make demo` work on a fresh Debian 12 machine.
BUILD     ?= build
TYPE      ?= Release
JOBS      ?= $(shell nproc)
PREFIX    ?= /usr/local
DESTDIR   ?=
SIMSHARD  := $(BUILD)/simshard
DEMO_DIR  := $(BUILD)/demo

.PHONY: all deps configure build test demo bench install clean test-asan test-tsan test-portable fuzz

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

demo: build
	@scripts/demo.sh $(SIMSHARD) $(DEMO_DIR)

bench: build
	@bench/run.sh $(SIMSHARD)

install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# Sanitizer builds live in their own build folders so they never mix with the release build.
# test-asan: the whole suite (unit, e2e, drills, fuzz replays) under ASan + UBSan.
# test-tsan: the tests labelled `parallel` (threaded pipeline) under TSan.
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

test-asan:
	@scripts/install-deps.sh
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIMSHARD_SANITIZE=address
	cmake --build build-asan -j $(JOBS)
	$(SANITIZER_ENV) ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test-tsan:
	@scripts/install-deps.sh
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSIMSHARD_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	$(SANITIZER_ENV) ctest --test-dir build-tsan --output-on-failure -j $(JOBS) -L parallel

# test-portable: the whole suite with the SSE2 fast paths compiled out (SIMSHARD_NO_SIMD),
# so the portable loops they stand in for stay tested and give the same bytes.
test-portable:
	@scripts/install-deps.sh
	cmake -S . -B build-portable -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-DSIMSHARD_NO_SIMD
	cmake --build build-portable -j $(JOBS)
	ctest --test-dir build-portable --output-on-failure -j $(JOBS)

# libFuzzer targets (clang-14, ASan + UBSan) for every parser of outside bytes, each run for
# FUZZ_SECONDS on a corpus seeded from samples/ and the test fixtures. A crash leaves its
# input under build-fuzz/artifacts/ and fails the target; copy it to test/fuzz/regressions/.
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
fuzz:
	@SIMSHARD_EXTRA_PACKAGES="clang-14 libclang-rt-14-dev" scripts/install-deps.sh
	CC=clang-14 CXX=clang++-14 cmake -S test/fuzz/libfuzzer -B build-fuzz -DCMAKE_BUILD_TYPE=Release
	cmake --build build-fuzz -j $(JOBS) --target fuzz_all simshard
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) test/fuzz/run.sh build-fuzz

clean:
	rm -rf $(BUILD) build-asan build-tsan build-portable build-fuzz
