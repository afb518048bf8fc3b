# The two entry points (see README.md):
#   make demo   builds vernier (release) and runs `vernier demo`
#   make test   runs every test (what .ci/run calls)
# Both install the missing system packages first (scripts/install-deps.sh).

SWIFT ?= swift

.PHONY: deps demo test build release

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product vernier

demo: release
	$(SWIFT) run -c release --skip-build vernier demo

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
