#!/usr/bin/env bash
# Stress: thousands of rapid edits, style changes, ICPE toggles and terminal resizes against PainterState,
# RenderController and the TUI's drawing while renders run (Sources/reliability-driver/Stress.swift); then two
# painters on one state folder and one output folder saving as fast as they can (SaveRace.swift).
#   scripts/stress.sh [edits] [seed] [saves per painter]      (default 20000 edits, seed 1, 40 saves)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/reliability-driver.sh
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seed=${2:-1}
"$driver" stress --edits "${1:-20000}" --seed "$seed" --out "$out"

race=$out/race
pids=()
for painter in 1 2; do
    "$driver" save-race --seed "$((seed * 10 + painter))" --saves "${3:-40}" --state "$race/state" --out "$race/out" --log "$race/log-$painter" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$driver" save-check --seeds "$((seed * 10 + 1)),$((seed * 10 + 2))" --logs "$race/log-1,$race/log-2" --state "$race/state" --out "$race/out"
