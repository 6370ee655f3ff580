#!/usr/bin/env bash
# Crash safety: a painter that paints, autosaves and saves (reliability-driver crash-paint) is killed with
# SIGKILL at a random moment, many times; after each kill `crash-check` demands that the autosave (or the newest
# save) holds a canvas no older than the last completed change batch and that every output file reads back.
#   scripts/crash.sh [kills] [longest life in ms]      (default 200 kills, 1500 ms)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/reliability-driver.sh
kills=${1:-200}
longest=${2:-1500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 steps=0 saves=0 autosaves=0
for ((i = 1; i <= kills; i++)); do
    run="$work/$i"
    mkdir -p "$run"
    args=(--seed "$i" --state "$run/state" --out "$run/out" --log "$run/log")
    "$driver" crash-paint "${args[@]}" 2>"$run/paint.err" &
    pid=$!
    # Random life from 0 to $longest ms: start-up, painting, autosave writes and saves all get hit.
    sleep "$(awk -v seed="$i$RANDOM" -v longest="$longest" 'BEGIN { srand(seed); printf "%.3f", rand() * longest / 1000 }')"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "crash: run $i: the painter exited by itself: $(cat "$run/paint.err")"
        failed=$((failed + 1))
        continue
    fi
    kill -9 "$pid"
    wait "$pid" 2>/dev/null
    if report=$("$driver" crash-check "${args[@]}" 2>&1); then
        [[ $report =~ logged\ step\ ([0-9]+) ]] && steps=$((steps + BASH_REMATCH[1]))
        [[ $report == *"kept in save"* ]] && saves=$((saves + 1))
        [[ $report == *"kept in autosave"* ]] && autosaves=$((autosaves + 1))
        rm -rf "$run"
    else
        failed=$((failed + 1))
        echo "crash: run $i FAILED: $report (kept in $run)"
        cp -r "$run" "${CRASH_KEEP:-/tmp}/clade-paint-crash-$i" 2>/dev/null
    fi
done
echo "crash: $((kills - failed)) of $kills kills survived ($autosaves restored from the autosave, $saves from the newest save, the rest killed before the first batch); $steps edit steps checked"
[ "$failed" -eq 0 ]
