#!/usr/bin/env bash
# The CPU-scale recipe comparison of Models/landscape.md ("Recipe comparison (CPU scale)"): at 64x64, ngf 8,
# batch 4, every run trains from scratch for the same number of steps on one thread, with snapshots at equal
# steps, then a 64x64 segmenter judges all of them on both evaluation tracks. Indicative only: a few hundred
# steps at a tiny size say which way an option pushes early training, not where it ends.
#
#   nice bash Training/cpu/recipe_comparison.sh            # about 40 CPU-minutes on one core
#   STEPS=20 CACHE=64 SEG_STEPS=20 EVAL_COUNT=16 bash Training/cpu/recipe_comparison.sh    # a quick check
set -euo pipefail
PY=${PY:-.venv/bin/python}
WORK=${WORK:-runs/cpu}
STEPS=${STEPS:-400}
CACHE=${CACHE:-800}
SEG_STEPS=${SEG_STEPS:-600}
export PYTHONUNBUFFERED=1
mkdir -p "$WORK"
started=$(date +%s)
stamp() { echo "[$(( $(date +%s) - started ))s] $*"; }
common=(--size 64x64 --ngf 8 --ndf 16 --z-dim 32 --batch-size 4 --cache-size "$CACHE" --cache-dir "$WORK/cache"
        --workers 1 --threads 1 --log-every 50 --sample-every "$STEPS" --checkpoint-every 0 --max-steps "$STEPS"
        --snapshot-steps "$(( STEPS / 2 )),$STEPS")
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
if [[ ! -f "$WORK/segmenter.pt" ]]; then
    stamp "training the 64x64 segmenter judge"
    "$PY" Training/segmenter.py --out "$WORK/segmenter.pt" --size 64x64 --steps "$SEG_STEPS" --batch-size 16 \
        --cache-size "$CACHE" --cache-dir "$WORK/cache" --workers 1 --threads 1 > "$WORK/segmenter.log" 2>&1
    tail -n 1 "$WORK/segmenter.log"
fi
stamp "done"
