#!/usr/bin/env bash
# The CPU-scale ICPE comparison of Models/landscape.md ("ICPE (CPU scale, trained until the scores settle)"):
# CLADE with the published ICPE, without ICPE, and with per-channel ICPE, trained from scratch at equal steps
# (64x64, ngf 8, batch 4, the recipe of recipe_comparison.sh), plus a second seed of the ICPE run for the seed
# noise. The runs train side by side, one thread each; every EVERY steps each writes a snapshot, and as soon
# as all runs have one at a step, a 64x64 segmenter judges them on every evaluation track (with ICPE on and
# off). icpe_curves.py then tabulates the score curves: settled means the last snapshots move less than the
# seed noise.
#
#   nice -n 19 bash Training/cpu/icpe_comparison.sh         # hours of CPU on a shared 2-core machine
#   STEPS=40 EVERY=20 CACHE=64 SEG_STEPS=20 EVAL_COUNT=16 bash Training/cpu/icpe_comparison.sh   # a quick check
#
# Stopping it early (or STOP_AT=EPOCH_SECONDS) leaves the snapshots evaluated so far; run it again to go on
# evaluating what is there (training restarts from scratch: give RUNS="" to evaluate and tabulate only).
set -euo pipefail
WORK=${WORK:-runs/cpu-icpe}
STEPS=${STEPS:-4000}
EVERY=${EVERY:-400}
STOP_AT=${STOP_AT:-0}
RUNS=${RUNS-icpe clade icpe-per-channel icpe-seed1}
ALL_RUNS=(icpe clade icpe-per-channel icpe-seed1)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export OMP_NUM_THREADS=1
mkdir -p "$WORK/eval"
snapshots=$(seq -s, "$EVERY" "$EVERY" "$STEPS")
common=("${recipe[@]}" --sample-every "$EVERY" --max-steps "$STEPS" --snapshot-steps "$snapshots")
declare -A recipes=(
    [icpe]=""
    [clade]="--no-icpe"
    [icpe-per-channel]="--icpe-per-channel --export ''"
    [icpe-seed1]="--seed 1"
)
# The model a run leaves at a step: a model file, or the generator alone for per-channel ICPE.
snapshot_of() {
    local name=$1 step=$2 file
    file=$(printf '%s/%s/snapshot_%07d' "$WORK" "$name" "$step")
    if [[ $name == icpe-per-channel ]]; then echo "$file.generator.pt"; else echo "$file.safetensors"; fi
}

if [[ -n $RUNS ]]; then
    "$PY" Training/train.py "${common[@]}" --out "$WORK/prepare" --prepare-only > "$WORK/prepare.log" 2>&1
fi
pids=()
for name in $RUNS; do
    stamp "training $name"
    # shellcheck disable=SC2086
    eval "\"$PY\" Training/train.py \"\${common[@]}\" ${recipes[$name]} --out \"$WORK/$name\"" > "$WORK/$name.log" 2>&1 &
    pids+=($!)
done
train_judge

# Evaluates every step all runs have a snapshot of; true when it evaluated one.
evaluate_ready() {
    local step name models ready=1 done_any=1
    for step in ${snapshots//,/ }; do
        [[ -f "$WORK/eval/step_$step/report.json" ]] && continue
        models=()
        for name in "${ALL_RUNS[@]}"; do
            if [[ ! -f $(snapshot_of "$name" "$step") ]]; then ready=0; break; fi
            models+=(--model "$name=$(snapshot_of "$name" "$step")")
        done
        (( ready )) || break
        stamp "evaluating step $step"
        "$PY" Training/evaluate.py "${models[@]}" "${judge[@]}" --out "$WORK/eval/step_$step" \
            > "$WORK/eval/step_$step.log" 2>&1
        done_any=0
    done
    return $done_any
}
running() { local pid; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }
while running; do
    if (( STOP_AT && $(date +%s) >= STOP_AT )); then
        stamp "STOP_AT reached: stopping the training runs"
        kill "${pids[@]}" 2>/dev/null || true
        break
    fi
    evaluate_ready || sleep 30
done
wait || true
while evaluate_ready; do :; done
"$PY" Training/cpu/icpe_curves.py "$WORK/eval" --runs "$WORK" --loss-window "$(( EVERY / 2 ))" --out "$WORK/curves.md"
stamp "done: $WORK/curves.md"
