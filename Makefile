# The two entry points (see README.md):
#   make demo   builds vernier (release) and runs `vernier demo`
#   make test   runs every test (what .ci/run calls)
# Both install the missing system packages first (scripts/install-deps.sh).

SWIFT ?= swift

.PHONY: deps demo test test-asan build release

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product vernier

demo: release
	$(SWIFT) run -c release --skip-build vernier demo

# The whole suite (fixtures, checker, Lua security suite, MPI jobs, CLI), then
# the Lua sandbox suite again under AddressSanitizer with leak checking. The
# sanitizer run uses Swift Testing only (--disable-xctest), and
# .lsan-suppressions skips objects made once by Swift static initialisers and
# libXCTest's own harness; any other leak fails the run.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) test-asan

test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/.lsan-suppressions $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --disable-xctest --filter VernierLuaTests
