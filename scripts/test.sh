#!/usr/bin/env bash
# Runs every test suite (Swift, then Python) and the lints (swift-format, ruff) even when one fails, prints each runner's
# summary at the end and exits non-zero if any failed. SCRATCH chooses the Swift build folder (default .build).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=${SCRATCH:-.build}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

swift_status=0
{
    swift build --scratch-path "$scratch" &&
        # The parity tests run in-process: give them the OpenBLAS kernels the product runs.
        if [ -z "${OPENBLAS_CORETYPE:-}" ] && kernels=$(scripts/blas-kernels.sh "$scratch/debug/clade-paint"); then
            export OPENBLAS_CORETYPE=$kernels
        fi &&
        swift test --scratch-path "$scratch"
} 2>&1 | tee "$logs/swift" || swift_status=$?

python_status=0
.venv/bin/python -m pytest 2>&1 | tee "$logs/python" || python_status=$?

# Python lint: the rules of pyproject.toml.
ruff_status=0
.venv/bin/ruff check 2>&1 | tee "$logs/ruff" || ruff_status=$?

# Swift lint: the layout of .swift-format (the toolchain's swift-format; `make format` applies it).
format_status=0
{ swift-format lint --strict --recursive --configuration .swift-format Package.swift Sources Tests Fuzz &&
    echo "swift-format: every file follows .swift-format"; } 2>&1 | tee "$logs/format" || format_status=$?

echo
echo "== summary =="
echo "swift: exit $swift_status"
grep -E "Test run with [0-9]+ tests?|Executed [0-9]+ tests?|error:" "$logs/swift" | awk '!seen[$0]++' | tail -n 4 | sed 's/^/  /'
echo "pytest: exit $python_status"
tail -n 1 "$logs/python" | sed 's/^/  /'
echo "ruff: exit $ruff_status"
tail -n 1 "$logs/ruff" | sed 's/^/  /'
echo "swift-format: exit $format_status"
tail -n 1 "$logs/format" | sed 's/^/  /'
[ "$swift_status" -eq 0 ] && [ "$python_status" -eq 0 ] && [ "$ruff_status" -eq 0 ] && [ "$format_status" -eq 0 ]
