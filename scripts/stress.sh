#!/usr/bin/env bash
# Stress: thousands of rapid edits, style changes, ICPE toggles and terminal resizes against PainterState,
# RenderController and the TUI's drawing while renders run (Sources/reliability-driver/Stress.swift).
#   scripts/stress.sh [edits] [seed]      (default 20000 edits, seed 1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/reliability-driver.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$driver" stress --edits "${1:-20000}" --seed "${2:-1}" --out "$out"
