# The two commands of the README: `make run ARGS=...` and `make test`. Both set the machine up first.
SHELL := /bin/bash
# The toolchain image keeps Swift in /opt/swift; a shell that did not read /etc/profile lacks it.
export PATH := $(PATH):/opt/swift/usr/bin
SCRATCH ?= .build
export SCRATCH
ARGS ?=

.PHONY: setup run test fixtures fuzz sanitize stress reliability-ci

setup:
	@scripts/setup.sh

run: setup
	swift build -c release --scratch-path $(SCRATCH) --product clade-paint
	$(SCRATCH)/release/clade-paint $(ARGS)

test: setup
	@scripts/test.sh

fixtures: setup
	.venv/bin/python Training/make_fixtures.py
	.venv/bin/python Training/make_conditioning_fixtures.py

# Reliability (docs/reliability.md). FUZZ_SECONDS per fuzz target; STRESS_EDITS edits; KILLS kill -9 rounds.
FUZZ_SECONDS ?= 300
STRESS_EDITS ?= 20000
KILLS ?= 200

fuzz: setup
	scripts/fuzz.sh $(FUZZ_SECONDS)

sanitize: setup
	scripts/sanitizers.sh

stress: setup
	scripts/stress.sh $(STRESS_EDITS)
	scripts/crash.sh $(KILLS)
	scripts/resource.sh
	scripts/hangup.sh

# The bounded form CI runs after `make test`.
reliability-ci: setup
	scripts/reliability-ci.sh
