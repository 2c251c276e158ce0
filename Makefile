# Thin wrapper over CMake. `make test` and `make demo` work on a fresh Debian 12 machine.
BUILD     ?= build
TYPE      ?= Release
JOBS      ?= $(shell nproc)
PREFIX    ?= /usr/local
DESTDIR   ?=
SIMSHARD  := $(BUILD)/simshard
DEMO_DIR  := $(BUILD)/demo

.PHONY: all deps configure build test demo bench install clean test-asan test-tsan fuzz

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
	cmake --install $(BUILD) --prefix $(PREFIX)

# Sanitizer builds live in their own build folders so they never mix with the release build.
test-asan:
	@scripts/install-deps.sh
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIMSHARD_SANITIZE=address
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure -j $(JOBS)

test-tsan:
	@scripts/install-deps.sh
	cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSIMSHARD_SANITIZE=thread
	cmake --build build-tsan -j $(JOBS)
	ctest --test-dir build-tsan --output-on-failure -j $(JOBS) -L parallel

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
