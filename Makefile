# Quick start on a fresh Debian machine:  make demo   then   make test
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release
NPEPS = $(BUILD)/cli/npeps

.PHONY: all deps configure build test demo conformance bench format clean

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
	@if [ -x ../shared/tools/check-conformance ]; then ../shared/tools/check-conformance $(NPEPS); fi

demo: build
	@echo "== Task: examples/tasks/sort_descending.json"
	@cat examples/tasks/sort_descending.json
	@echo "== npeps synth (default method npeps, the shipped models in assets/models)"
	$(NPEPS) synth examples/tasks/sort_descending.json --timeout 5

conformance: build
	../shared/tools/check-conformance $(NPEPS)

bench: build
	@for b in $(BUILD)/bench/bench_*; do echo "== $$b"; $$b; done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD)
