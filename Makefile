# The two commands of the README: `make run ARGS=...` and `make test`. Both set the machine up first.
SHELL := /bin/bash
# The toolchain image keeps Swift in /opt/swift; a shell that did not read /etc/profile lacks it.
export PATH := $(PATH):/opt/swift/usr/bin
SCRATCH ?= .build
export SCRATCH
ARGS ?=

.PHONY: setup run test fixtures

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
