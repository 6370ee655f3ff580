#!/usr/bin/env bash
# Crash safety: a painter that paints, autosaves and saves (reliability-driver crash-paint) is killed with
# SIGKILL at a random moment, many times; after each kill `crash-check` demands that its autosave (or a save) holds a
# canvas no older than the last completed change batch, that a starting painter finds the autosave, and that every
# save in the output folder is whole and consistent (an interrupted one recognisable by its .saving claim).
# Then the same with two painters on one state folder and one output folder, each killed at its own moment.
#   scripts/crash.sh [kills] [longest life in ms] [pair rounds]      (default 200 kills, 1500 ms, kills / 2 rounds)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/reliability-driver.sh
kills=${1:-200}
longest=${2:-1500}
pairs=${3:-$((kills / 2))}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 steps=0 saves=0 autosaves=0 interrupted=0

life() { # life <seed>: a random life from 0 to $longest ms, in seconds
    awk -v seed="$1$RANDOM" -v longest="$longest" 'BEGIN { srand(seed); printf "%.3f", rand() * longest / 1000 }'
}

# round <name> <seed>...: one painter per seed on one state and output folder, each killed after its own life.
round() {
    local name=$1
    shift
    local run="$work/$name" pids=() logs=() seeds=() seed i at
    mkdir -p "$run"
    for seed in "$@"; do
        "$driver" crash-paint --seed "$seed" --state "$run/state" --out "$run/out" --log "$run/log-$seed" 2>"$run/paint-$seed.err" &
        pids+=($!)
        logs+=("$run/log-$seed")
        seeds+=("$seed")
    done
    # Kill the painters in the order of their lives: start-up, painting, autosave writes and saves all get hit.
    local elapsed=0 order
    order=$(for i in "${!pids[@]}"; do echo "$(life "${seeds[$i]}") $i"; done | sort -n)
    while read -r at i; do
        sleep "$(awk -v a="$at" -v b="$elapsed" 'BEGIN { d = a - b; printf "%.3f", (d > 0 ? d : 0) }')"
        elapsed=$at
        if ! kill -0 "${pids[$i]}" 2>/dev/null; then
            echo "crash: $name: painter ${seeds[$i]} exited by itself: $(cat "$run/paint-${seeds[$i]}.err")"
            failed=$((failed + 1))
            return
        fi
        kill -9 "${pids[$i]}"
        wait "${pids[$i]}" 2>/dev/null
    done <<<"$order"
    local report
    if report=$("$driver" crash-check --seeds "$(IFS=,; echo "${seeds[*]}")" --logs "$(IFS=,; echo "${logs[*]}")" \
        --state "$run/state" --out "$run/out" 2>&1); then
        steps=$((steps + $(grep -o "logged step [0-9]*" <<<"$report" | awk '{ s += $3 } END { print s + 0 }')))
        saves=$((saves + $(grep -o "kept in save" <<<"$report" | wc -l)))
        autosaves=$((autosaves + $(grep -o "kept in autosave" <<<"$report" | wc -l)))
        interrupted=$((interrupted + $(grep -o "[0-9]* interrupted" <<<"$report" | awk '{ print $1 }')))
        rm -rf "$run"
    else
        failed=$((failed + 1))
        echo "crash: $name FAILED: $report (kept in $run)"
        cp -r "$run" "${CRASH_KEEP:-/tmp}/clade-paint-crash-$name" 2>/dev/null
    fi
}

for ((i = 1; i <= kills; i++)); do round "single-$i" "$i"; done
for ((i = 1; i <= pairs; i++)); do round "pair-$i" "$((100000 + 2 * i))" "$((100001 + 2 * i))"; done
painters=$((kills + 2 * pairs))
echo "crash: $((kills + pairs - failed)) of $((kills + pairs)) rounds survived ($kills with one painter, $pairs with two on one state and output folder; $painters painters killed): $autosaves restored from their autosave, $saves from a save, the rest killed before their first batch; $interrupted interrupted saves recognised; $steps edit steps checked"
[ "$failed" -eq 0 ]
