# The commands of the README: `make run ARGS=...`, `make test`, `make bench` and `make latency`. All set the machine up first;
# `make install PREFIX=...` and `make uninstall PREFIX=...` do not (they may run as root).
SHELL := /bin/bash
# The toolchain image keeps Swift in /opt/swift; a shell that did not read /etc/profile lacks it.
export PATH := $(PATH):/opt/swift/usr/bin
SCRATCH ?= .build
export SCRATCH
ARGS ?=

.PHONY: setup run test format fixtures parity bench latency preview-quality fuzz sanitize stress reliability-ci install uninstall

setup:
	@scripts/setup.sh

run: setup
	swift build -c release --scratch-path $(SCRATCH) --product clade-paint
	$(SCRATCH)/release/clade-paint $(ARGS)

test: setup
	@scripts/test.sh

# Lays out Swift by .swift-format and applies ruff's fixes; `make test` checks both.
format: setup
	swift-format format --in-place --recursive --configuration .swift-format Package.swift Sources Tests Fuzz
	.venv/bin/ruff check --fix

fixtures: setup
	.venv/bin/python Training/make_fixtures.py
	.venv/bin/python Training/make_conditioning_fixtures.py
	.venv/bin/python Training/make_style_bank_fixtures.py

# Swift engine against PyTorch eager, ONNX Runtime and OpenVINO on the same weights and input, and a folder of
# masks through `render` (docs/performance.md); BENCH_ARGS e.g. --repeat 9. The peers live in .venv-bench.
BENCH_ARGS ?=
bench: setup
	@scripts/bench-setup.sh
	swift build -c release --scratch-path $(SCRATCH) --product clade-paint
	.venv-bench/bin/python Training/bench.py --binary $(SCRATCH)/release/clade-paint $(BENCH_ARGS)

# The parity figures: max error of the Swift engine against the PyTorch reference, per fixture.
# It runs the OpenBLAS kernels the built clade-paint runs (scripts/blas-kernels.sh).
parity: setup
	swift build --scratch-path $(SCRATCH)
	OPENBLAS_CORETYPE=$${OPENBLAS_CORETYPE:-$$(scripts/blas-kernels.sh $(SCRATCH)/debug/clade-paint)} \
		swift test --scratch-path $(SCRATCH) --filter 'GeneratorTests|StyleEncoderTests' 2>&1 | grep '^parity'

# The painter's interactive latency over a scripted session under each draft policy (always, while-busy, never),
# with a table of the three (docs/performance.md); LATENCY_ARGS e.g. "--compare --actions 200", or
# "--drafts never" for one policy alone.
LATENCY_ARGS ?= --compare
latency: setup
	swift build -c release --scratch-path $(SCRATCH) --product clade-paint
	$(SCRATCH)/release/clade-paint bench latency $(LATENCY_ARGS)

# What the painter's draft costs in quality (docs/performance.md): PyTorch, full render against the
# upscaled draft on held-out layouts; PREVIEW_QUALITY_ARGS e.g. --count 20, --reduction 2, --sheet docs/drafts.png.
PREVIEW_QUALITY_ARGS ?=
preview-quality: setup
	.venv/bin/python Training/preview_quality.py --model Models/landscape.safetensors \
		--segmenter docs/training-run/segmenter.pt --out runs/preview-quality.json $(PREVIEW_QUALITY_ARGS)

# Reliability (docs/reliability.md). FUZZ_SECONDS per fuzz target; STRESS_EDITS edits; KILLS kill -9 rounds of one
# painter (and KILLS / 2 rounds of two painters on one state and output folder).
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

# A release build with the bundled model, palettes, shell completions and man pages under PREFIX (scripts/install.sh);
# DESTDIR stages it for a package. The man pages come from swift-argument-parser's generate-manual plugin.
PREFIX ?= /usr/local
DESTDIR ?=
MANUAL = $(SCRATCH)/plugins/GenerateManual/outputs/clade-paint
install:
	swift build -c release --scratch-path $(SCRATCH) --product clade-paint
	swift package --scratch-path $(SCRATCH) plugin generate-manual --configuration release
	scripts/install.sh install "$(DESTDIR)$(PREFIX)" $(SCRATCH)/release/clade-paint $(MANUAL)

uninstall:
	scripts/install.sh uninstall "$(DESTDIR)$(PREFIX)"
