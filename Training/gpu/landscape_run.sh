#!/usr/bin/env bash
# The run behind the bundled landscape model, made for one GPU machine (one H100/H200, 16 cores, no network,
# at most ten minutes): build the sample cache with all cores; train the shipped CLADE-ICPE model and, side by
# side on the same GPU, two baselines (CLADE without ICPE, SPADE) that stop after BASELINE_SECONDS, with snapshots
# of all three at equal steps; train the segmenter judge; pack the shipped model first (so it survives a late
# failure), then evaluate every model and pack logs, samples and the report.
#
# Every size is a variable, so the same script rehearses on a CPU in a minute:
#   SIZE=64x64 NGF=4 ZDIM=8 BATCH=2 CACHE=16 TRAIN_SECONDS=20 BASELINE_SECONDS=8 SNAPSHOT_EVERY=2 SEG_SECONDS=5 \
#   SEG_BATCH=2 EVAL_COUNT=8 EXTRA="--threads 1 --ndf 8" bash Training/gpu/landscape_run.sh
set -euo pipefail
PY=${PY:-python3}
OUT=${OUT:-runs/gpu-out}
WORK=${WORK:-runs/gpu}
SIZE=${SIZE:-256x256}
NGF=${NGF:-32}
ZDIM=${ZDIM:-128}
BATCH=${BATCH:-32}
CACHE=${CACHE:-6000}
TRAIN_SECONDS=${TRAIN_SECONDS:-370}
BASELINE_SECONDS=${BASELINE_SECONDS:-150}
SNAPSHOT_EVERY=${SNAPSHOT_EVERY:-100}
SNAPSHOTS=$(seq -s, "$SNAPSHOT_EVERY" "$SNAPSHOT_EVERY" $(( SNAPSHOT_EVERY * 30 )))
SEG_SECONDS=${SEG_SECONDS:-90}
EVAL_COUNT=${EVAL_COUNT:-300}
EVAL_SECONDS=${EVAL_SECONDS:-120}
SEG_BATCH=${SEG_BATCH:-32}
EXTRA=${EXTRA:-}
export PYTHONUNBUFFERED=1
mkdir -p "$WORK" "$OUT"
OUT=$(realpath "$OUT")
started=$(date +%s)
stamp() { echo "[$(( $(date +%s) - started ))s] $*"; }

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no GPU"; nproc
  "$PY" -c "import torch; print('torch', torch.__version__)"; } > "$WORK/machine.txt" 2>&1
cat "$WORK/machine.txt"

# shellcheck disable=SC2206
common=(--size "$SIZE" --ngf "$NGF" --z-dim "$ZDIM" --batch-size "$BATCH" --cache-size "$CACHE"
        --cache-dir "$WORK/cache" --log-every 50 --checkpoint-every 0 --sample-every 1000 --f16 $EXTRA)
stamp "building the sample cache"
"$PY" Training/train.py "${common[@]}" --out "$WORK/icpe" --prepare-only

stamp "training: segmenter, CLADE-ICPE (shipped), CLADE and SPADE baselines"
"$PY" Training/segmenter.py --out "$WORK/segmenter.pt" --size "$SIZE" --steps 1000000 \
    --time-budget "$SEG_SECONDS" --batch-size "$SEG_BATCH" --cache-size $(( CACHE / 2 )) --cache-dir "$WORK/cache" \
    $( [[ "$EXTRA" == *--threads* ]] && echo "--threads 1" ) > "$WORK/segmenter.log" 2>&1 &
seg=$!
"$PY" Training/train.py "${common[@]}" --out "$WORK/icpe" --time-budget "$TRAIN_SECONDS" \
    --snapshot-steps "$SNAPSHOTS" --style-presets > "$WORK/icpe.log" 2>&1 &
icpe=$!
"$PY" Training/train.py "${common[@]}" --out "$WORK/clade" --no-icpe \
    --time-budget "$BASELINE_SECONDS" --snapshot-steps "$SNAPSHOTS" --export "" > "$WORK/clade.log" 2>&1 &
clade=$!
"$PY" Training/train.py "${common[@]}" --out "$WORK/spade" --norm spade \
    --time-budget "$BASELINE_SECONDS" --snapshot-steps "$SNAPSHOTS" --export "" > "$WORK/spade.log" 2>&1 &
spade=$!
status=0
for job in "$seg:segmenter" "$clade:clade" "$spade:spade" "$icpe:icpe"; do
    if wait "${job%%:*}"; then stamp "${job#*:} done"; else stamp "${job#*:} FAILED"; status=1; fi
done
tail -n 3 "$WORK"/*.log

stamp "packing the shipped model"
if [[ -f "$WORK/icpe/model.safetensors" ]]; then
    split -b 15m -d "$WORK/icpe/model.safetensors" "$OUT/landscape.safetensors.part-"
    sha256sum "$WORK/icpe/model.safetensors" > "$OUT/landscape.sha256"
fi

# The comparison uses the largest snapshot step that all three runs reached.
common_step=""
for step in ${SNAPSHOTS//,/ }; do
    name=$(printf "snapshot_%07d.safetensors" "$step")
    if [[ -f "$WORK/icpe/$name" && -f "$WORK/clade/$name" && -f "$WORK/spade/$name" ]]; then common_step=$step; fi
done
models=(--model "clade-icpe=$WORK/icpe/model.safetensors")
if [[ -n "$common_step" ]]; then
    name=$(printf "snapshot_%07d.safetensors" "$common_step")
    models+=(--model "clade-icpe@$common_step=$WORK/icpe/$name" --model "clade@$common_step=$WORK/clade/$name"
             --model "spade@$common_step=$WORK/spade/$name")
fi
stamp "evaluating ${models[*]}"
timeout "$EVAL_SECONDS" "$PY" Training/evaluate.py "${models[@]}" --segmenter "$WORK/segmenter.pt" \
    --out "$WORK/eval" --count "$EVAL_COUNT" --cache-dir "$WORK/cache" \
    $( [[ "$EXTRA" == *--threads* ]] && echo "--threads 1" ) > "$WORK/eval.log" 2>&1 || { stamp "evaluation FAILED"; status=1; }
tail -n 20 "$WORK/eval.log"

stamp "packing logs, samples and the report"
( cd "$WORK" && tar czf "$OUT/results.tgz" --exclude='*.pt.tmp' machine.txt ./*.log segmenter.pt \
    icpe/train.jsonl clade/train.jsonl spade/train.jsonl icpe/samples clade/samples spade/samples eval 2>/dev/null ) || true
ls -la "$OUT"
stamp "finished with status $status"
exit $status
