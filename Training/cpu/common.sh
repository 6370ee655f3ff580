# What the CPU-scale comparisons share (sourced by recipe_comparison.sh and icpe_comparison.sh after they set WORK):
# the Python, the clock of the log lines, the training recipe (64x64, ngf 8, batch 4, one thread, no checkpoints;
# each script adds its steps, samples and snapshots), and the 64x64 segmenter that judges the runs.
PY=${PY:-.venv/bin/python}
CACHE=${CACHE:-800}
SEG_STEPS=${SEG_STEPS:-600}
EVAL_COUNT=${EVAL_COUNT:-100}
export PYTHONUNBUFFERED=1
mkdir -p "$WORK"
started=$(date +%s)
stamp() { echo "[$(( $(date +%s) - started ))s] $*"; }
recipe=(--size 64x64 --ngf 8 --ndf 16 --z-dim 32 --batch-size 4 --cache-size "$CACHE" --cache-dir "$WORK/cache"
        --workers 1 --threads 1 --log-every 50 --checkpoint-every 0)
# Training/evaluate.py's arguments for the judge: EVAL_COUNT held-out layouts a track.
judge=(--segmenter "$WORK/segmenter.pt" --count "$EVAL_COUNT" --style-layouts 16 --diversity-layouts 16
       --cache-dir "$WORK/cache" --workers 1 --threads 1)

# Trains the judge unless the work folder has it.
train_judge() {
    [[ -f "$WORK/segmenter.pt" ]] && return 0
    stamp "training the 64x64 segmenter judge"
    "$PY" Training/segmenter.py --out "$WORK/segmenter.pt" --size 64x64 --steps "$SEG_STEPS" --batch-size 16 \
        --cache-size "$CACHE" --cache-dir "$WORK/cache" --workers 1 --threads 1 > "$WORK/segmenter.log" 2>&1
    tail -n 1 "$WORK/segmenter.log"
}
