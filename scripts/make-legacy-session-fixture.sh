#!/bin/bash
# Writes Tests/CLADETests/Fixtures/legacy-session/: a painting saved before sessions recorded their upsampling (no
# "upsampling" key), and its picture as a clade-paint built before that change drew it. The render tests check that
# `render --session` and the painter still draw this picture byte for byte.
#
#   scripts/make-legacy-session-fixture.sh OLD_CLADE_PAINT
#
# OLD_CLADE_PAINT: a clade-paint binary built from a commit before the smooth upsampling (the fixture was made with
# one built from a0c46bc). The painting is an 8x8 grid for the 64x64 fixture model clade_icpe_edges_vae_batch, with
# diagonal boundaries and one-cell strokes, where the class vote and the smooth upsampling differ.
set -euo pipefail
old=${1:?give a clade-paint binary built before the smooth upsampling}
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/Tests/CLADETests/Fixtures/legacy-session"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Palettes" "$out"
cp "$root/Tests/CLADETests/Fixtures/clade_icpe_edges_vae_batch.model.safetensors" "$work/model.safetensors"
printf 'GIMP Palette\nName: fixture\n200 30 30\tclass_0\n30 200 30\tclass_1\n30 30 200\tclass_2\n220 220 40\tclass_3\n40 220 220\tclass_4\n220 40 220\tclass_5\n128 128 128\tdontcare\n' > "$work/Palettes/fixture.gpl"
"$root/.venv/bin/python" - "$work" <<'PY'
import sys
import numpy as np
from PIL import Image
work = sys.argv[1]
labels = np.zeros((8, 8), np.uint8)
labels[4:, :] = 1
for i in range(5):
    labels[4 - i, 1 + i] = 2   # a one-cell diagonal stroke
labels[5:7, 5:7] = 3           # a 2x2 block
labels[2:6, 7] = 4             # a one-cell column at the border
labels[7, 2] = 5               # a single cell
instances = np.zeros((8, 8), np.uint16)
instances[5:7, 5:7] = 1
Image.fromarray(labels, mode="L").save(f"{work}/p-001.mask.png")
Image.fromarray(instances.astype(np.uint16)).save(f"{work}/p-001.instances.png")
PY
cat > "$work/p-001.json" <<'JSON'
{
  "format" : "clade-paint session",
  "grid_height" : 8,
  "grid_width" : 8,
  "height" : 64,
  "icpe" : true,
  "image" : "p-001.png",
  "instances" : "p-001.instances.png",
  "mask" : "p-001.mask.png",
  "model" : "model.safetensors",
  "style_seed" : 7,
  "version" : 1,
  "width" : 64
}
JSON
(cd "$work" && "$old" render --session p-001.json --model model.safetensors --threads 1 -o p-001.png)
cp "$work/p-001.json" "$work/p-001.mask.png" "$work/p-001.instances.png" "$work/p-001.png" "$out/"
echo "wrote $out"
