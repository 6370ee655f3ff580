"""Writes docs/landscape-contact-sheet.png: samples of the landscape data set over their coloured masks.

Rows: random samples (picture, then mask); one scene under the style presets; a 512x256 sample with its mask
and a painted-grid version of the mask (the training augmentation). Captions name seeds and styles.

    .venv/bin/python Training/make_contact_sheet.py [--out PATH] [--seeds 3 8 ...] [--preset-seed N]
"""

import argparse
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from landscape import STYLE_PRESETS, colourize, paintify, render_sample, render_with_style  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTION = 14
DEFAULT_SEEDS = (10, 12, 7, 44, 9, 15)
DEFAULT_PRESETS = ("noon", "sunset", "dawn", "dusk", "winter", "autumn", "overcast", "fog")


def captioned(image, text):
    """``image`` uint8 [H, W, 3] with a caption strip below it."""
    h, w, _ = image.shape
    canvas = Image.new("RGB", (w, h + CAPTION), (24, 24, 24))
    canvas.paste(Image.fromarray(image), (0, 0))
    ImageDraw.Draw(canvas).text((4, h + 1), text, fill=(230, 230, 230))
    return np.asarray(canvas)


def row(tiles, width):
    """Tiles side by side, padded with dark grey to ``width``."""
    strip = np.concatenate(tiles, axis=1)
    pad = width - strip.shape[1]
    if pad > 0:
        strip = np.concatenate([strip, np.full((strip.shape[0], pad, 3), 24, np.uint8)], axis=1)
    return strip


def contact_sheet(seeds, preset_seed, presets, wide_seed):
    samples = [render_sample(s) for s in seeds]
    width = 256 * max(len(seeds), 4)
    rows = [row([captioned(s.image, f"{s.seed}: {s.style.name}") for s in samples], width),
            row([colourize(s.labels) for s in samples], width)]
    per_row = width // 256
    for start in range(0, len(presets), per_row):
        part = presets[start:start + per_row]
        rows.append(row([captioned(render_with_style(preset_seed, name).image, f"{preset_seed}: preset {name}")
                         for name in part], width))
    wide = render_sample(wide_seed, width=512, height=256)
    painted, _ = paintify(wide.labels, wide.instances, np.random.default_rng(wide_seed), cells=48)
    rows.append(row([captioned(wide.image, f"{wide.seed}: {wide.style.name} (512x256)"),
                     captioned(colourize(wide.labels), "mask"),
                     captioned(colourize(painted), "painted-grid augmentation (48 cells)")][: width // 512],
                    width))
    return np.concatenate(rows, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "landscape-contact-sheet.png"))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--preset-seed", type=int, default=2)
    parser.add_argument("--wide-seed", type=int, default=5)
    parser.add_argument("--presets", nargs="+", default=list(DEFAULT_PRESETS), choices=sorted(STYLE_PRESETS))
    args = parser.parse_args()
    sheet = contact_sheet(args.seeds, args.preset_seed, args.presets, args.wide_seed)
    tmp = args.out + ".tmp.png"
    Image.fromarray(sheet).save(tmp, optimize=True)
    os.replace(tmp, args.out)
    print(f"{args.out}: {sheet.shape[1]}x{sheet.shape[0]}, {os.path.getsize(args.out) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
