#!/usr/bin/env bash
# The CPU-scale recipe comparison of Models/landscape.md ("Recipe comparison (CPU scale)"): at 64x64, ngf 8,
# batch 4, every run trains from scratch for the same number of steps on one thread, with snapshots at equal
# steps, then a 64x64 segmenter judges all of them on both evaluation tracks. Indicative only: a few hundred
# steps at a tiny size say which way an option pushes early training, not where it ends.
#
#   nice bash Training/cpu/recipe_comparison.sh            # about 70 CPU-minutes on a shared core
#   STEPS=20 CACHE=64 SEG_STEPS=20 EVAL_COUNT=16 bash Training/cpu/recipe_comparison.sh    # a quick check
set -euo pipefail
WORK=${WORK:-runs/cpu}
STEPS=${STEPS:-400}
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
common=("${recipe[@]}" --sample-every "$STEPS" --max-steps "$STEPS" --snapshot-steps "$(( STEPS / 2 )),$STEPS")
declare -A recipes=(
    [baseline]=""
    [ema]="--ema-decay 0.999"
    [painted]="--painted 0.35 --paintify 0.35 --paint-grid app"
    [segmentation]="--discriminator segmentation"
    [clade]="--no-icpe"
    [icpe-drop]="--icpe-drop 0.3"
)
for name in baseline ema painted segmentation clade icpe-drop; do
    if [[ -f "$WORK/$name/model.safetensors" ]]; then stamp "$name: already trained"; continue; fi
    stamp "training $name"
    # shellcheck disable=SC2086
    "$PY" Training/train.py "${common[@]}" ${recipes[$name]} --out "$WORK/$name" > "$WORK/$name.log" 2>&1
    tail -n 1 "$WORK/$name.log"
done
train_judge
models=()
for name in baseline ema painted segmentation clade icpe-drop; do models+=(--model "$name=$WORK/$name/model.safetensors"); done
stamp "evaluating the six recipes"
"$PY" Training/evaluate.py "${models[@]}" "${judge[@]}" --out "$WORK/eval" > "$WORK/eval.log" 2>&1

# Checks of the first comparison: the noise of one seed (the baseline again with seed 1); the averaged weights
# against the live weights of the same run (a paired comparison); and, as the GPU run would do it, 200 more
# steps from the baseline's weights with averaging, on the baseline's data or on the painted-first data.
stamp "checks: seed 1, live against averaged weights, fine-tuning with and without painted-first data"
"$PY" Training/train.py "${common[@]}" --seed 1 --out "$WORK/baseline-seed1" > "$WORK/baseline-seed1.log" 2>&1
PYTHONPATH=Training "$PY" - "$WORK" <<'PYTHON'
import sys, torch
from clade import modelfile
from clade.networks import ConvEncoder, SPADEGenerator
work = sys.argv[1]
state = torch.load(f"{work}/ema/checkpoint.pt", weights_only=False)
config, _, _ = modelfile.load(f"{work}/ema/model.safetensors")
live, encoder = SPADEGenerator(config, spectral=True), ConvEncoder(config, spectral=True)
live.load_state_dict(state["generator"])
encoder.load_state_dict(state["encoder"])
modelfile.export(f"{work}/ema/live.safetensors", config, live.eval(), encoder.eval())
PYTHON
tune=("${common[@]}" --max-steps $(( STEPS / 2 )) --snapshot-steps "" --init-from "$WORK/baseline/model.safetensors"
      --d-warmup 20 --ema-decay 0.999)
"$PY" Training/train.py "${tune[@]}" --out "$WORK/ft-plain" > "$WORK/ft-plain.log" 2>&1
"$PY" Training/train.py "${tune[@]}" ${recipes[painted]} --out "$WORK/ft-painted" > "$WORK/ft-painted.log" 2>&1
"$PY" Training/evaluate.py --model "baseline-seed1=$WORK/baseline-seed1/model.safetensors" \
    --model "ema-live=$WORK/ema/live.safetensors" --model "ft-plain=$WORK/ft-plain/model.safetensors" \
    --model "ft-painted=$WORK/ft-painted/model.safetensors" "${judge[@]}" --out "$WORK/eval2" > "$WORK/eval2.log" 2>&1
stamp "done"
