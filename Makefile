# Quick start on a fresh Debian machine:  make demo   then   make test
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
NPEPS = $(BUILD)/cli/npeps

.PHONY: all deps configure build test demo conformance bench format format-check \
        sanitize sanitize-core tsan fuzz clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

demo: build
	@echo "== Task: examples/tasks/sort_descending.json"
	@cat examples/tasks/sort_descending.json
	@echo "== npeps synth (default method portfolio, the shipped models in assets/models)"
	$(NPEPS) synth examples/tasks/sort_descending.json --timeout 5

conformance: build
	cd $(BUILD) && ctest --output-on-failure -R Conformance

bench: build
	@for b in $(BUILD)/microbench/bench_*; do echo "== $$b"; $$b; done

format:
	clang-format-14 -i $$(git ls-files '*.cpp' '*.h')

# The C++ files changed since the merge base with origin/main (or HEAD~)
# must be clang-format-14 clean (CI runs this).
format-check:
	scripts/check-format

# AddressSanitizer + UndefinedBehaviorSanitizer: the whole suite
# (docs/HARDENING.md). Separate build directory; about 3x a normal build.
SAN_BUILD ?= build-asan
SAN_FLAGS = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DNPEPS_BUILD_BENCH=OFF
sanitize: deps
	cmake -S . -B $(SAN_BUILD) -G Ninja $(SAN_FLAGS) -DNPEPS_SANITIZE=address,undefined
	cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  LSAN_OPTIONS=$(LSAN_OPTIONS) ctest --output-on-failure -j $(JOBS) --timeout 1800

# The torch-free layers only (the parsers of untrusted input, the searches):
# a fraction of the full build, so CI runs it on every change.
CORE_TESTS = npeps_dsl_tests npeps_datasets_tests npeps_search_tests
sanitize-core: deps
	cmake -S . -B $(SAN_BUILD) -G Ninja $(SAN_FLAGS) -DNPEPS_SANITIZE=address,undefined
	cmake --build $(SAN_BUILD) -j $(JOBS) --target $(CORE_TESTS)
	for t in $(CORE_TESTS); do ASAN_OPTIONS=$(ASAN_OPTIONS) UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	  LSAN_OPTIONS=$(LSAN_OPTIONS) $(SAN_BUILD)/tests/$$t --gtest_brief=1 || exit 1; done

ASAN_OPTIONS = detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
UBSAN_OPTIONS = print_stacktrace=1:halt_on_error=1:suppressions=$(CURDIR)/scripts/sanitizers/ubsan.supp
LSAN_OPTIONS = suppressions=$(CURDIR)/scripts/sanitizers/lsan.supp:print_suppressions=0

# ThreadSanitizer on the tests that run threads: search (CAB, the per-example
# phase), the API (parallel N-PEPS, cancel). TBB, libgomp and libtorch are
# not instrumented: scripts/sanitizers/tsan.supp says what is suppressed.
TSAN_BUILD ?= build-tsan
TSAN_OPTIONS = halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/scripts/sanitizers/tsan.supp
tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja $(SAN_FLAGS) -DNPEPS_SANITIZE=thread
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target npeps_search_tests npeps_api_tests
	TSAN_OPTIONS=$(TSAN_OPTIONS) $(TSAN_BUILD)/tests/npeps_search_tests
	TSAN_OPTIONS=$(TSAN_OPTIONS) $(TSAN_BUILD)/tests/npeps_api_tests

# libFuzzer (clang-14) on the task loader, the program parser and the
# checkpoint reader, FUZZ_SECONDS each (seed corpus: fuzz/corpus/; new
# inputs go to build-fuzz/corpus/, crashes to build-fuzz/crashes/).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS = task task_lines program checkpoint
fuzz: deps
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-14 \
	  -DNPEPS_FUZZ=ON -DNPEPS_SANITIZE=address,undefined -DNPEPS_BUILD_TESTS=OFF -DNPEPS_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@mkdir -p $(FUZZ_BUILD)/crashes
	@for f in $(FUZZERS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$f; \
	  echo "== fuzz_$$f for $(FUZZ_SECONDS) s"; \
	  ASAN_OPTIONS=$(ASAN_OPTIONS):detect_leaks=0 UBSAN_OPTIONS=$(UBSAN_OPTIONS) \
	    $(FUZZ_BUILD)/fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -max_len=$$(if [ $$f = checkpoint ]; then echo 65536; else echo 4096; fi) \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$$f- \
	    $(FUZZ_BUILD)/corpus/$$f fuzz/corpus/$$f || exit 1; \
	done

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
