#!/usr/bin/env bash
# The device command for the next landscape model (Training/gpu/next_model.py): one call of at most ten minutes
# on one GPU machine, everything it brings back under $OUT, its log in $OUT/run.log as well.
#   run: bash Training/gpu/next_model.sh                         (timeout_s 600; the driver's deadline is 570 s)
#   rehearsal on a CPU: OUT=runs/rehearsal-out bash Training/gpu/next_model.sh --rehearsal --work runs/rehearsal
set -o pipefail
OUT=${OUT:-runs/next-model-out}
mkdir -p "$OUT"
PYTHONUNBUFFERED=1 "${PY:-python3}" Training/gpu/next_model.py --out "$OUT" "$@" 2>&1 | tee "$OUT/run.log"
