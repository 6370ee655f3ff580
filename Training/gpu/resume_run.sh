#!/usr/bin/env bash
# The second call of the bundled model's GPU run: on the same warm machine, right after landscape_run.sh, train
# the shipped CLADE-ICPE model on from its checkpoint for RESUME_SECONDS more (the first call had shared the GPU
# with the baselines and stopped at 56,384 images), export it with the style presets, re-evaluate it with the
# same segmenter and held-out set, and pack it into $OUT. Same options as landscape_run.sh.
set -euo pipefail
PY=${PY:-python3}
OUT=${OUT:-runs/gpu-out}
W=${WORK:-runs/gpu}
RESUME_SECONDS=${RESUME_SECONDS:-165}
export PYTHONUNBUFFERED=1
mkdir -p "$OUT"
OUT=$(realpath "$OUT")
ls "$W/icpe/checkpoint.pt"
"$PY" Training/train.py --size 256x256 --ngf 32 --z-dim 128 --batch-size 32 --cache-size 6000 --cache-dir "$W/cache" \
    --log-every 50 --checkpoint-every 0 --sample-every 1000 --f16 --out "$W/icpe" --resume auto \
    --time-budget "$RESUME_SECONDS" --style-presets > "$W/icpe2.log" 2>&1
tail -n 2 "$W/icpe2.log"
split -b 15m -d "$W/icpe/model.safetensors" "$OUT/landscape.safetensors.part-"
sha256sum "$W/icpe/model.safetensors" > "$OUT/landscape.sha256"
timeout 60 "$PY" Training/evaluate.py --model "clade-icpe=$W/icpe/model.safetensors" --segmenter "$W/segmenter.pt" \
    --out "$W/eval-final" --count 300 --cache-dir "$W/cache" > "$W/eval2.log" 2>&1
tail -n 3 "$W/eval2.log"
( cd "$W" && tar czf "$OUT/results2.tgz" icpe2.log eval2.log icpe/train.jsonl icpe/samples eval-final )
ls -la "$OUT"
