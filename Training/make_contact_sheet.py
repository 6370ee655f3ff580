"""Writes docs/landscape-contact-sheet.png: samples of the landscape data set over their coloured masks.

Rows: random samples (picture, then mask); one scene under the style presets with its mask and painted-grid
versions of it (the training augmentation); a 512x256 sample with its mask and a painted-grid version.
Captions name seeds and styles.

    .venv/bin/python Training/make_contact_sheet.py [--out PATH] [--seeds 3 8 ...] [--preset-seed N]
"""

import argparse
import os

import numpy as np
from PIL import Image, ImageDraw

from clade.pictures import write_png
from landscape import STYLE_PRESETS, colourize, paintify, render_sample, render_with_style

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTION = 14
DEFAULT_SEEDS = (50, 71, 61, 81, 70, 64)
DEFAULT_PRESETS = ("noon", "sunset", "dawn", "dusk", "winter", "autumn", "spring", "overcast", "fog")


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
    per_row = width // 256
    rows = [row([captioned(s.image, f"{s.seed}: {s.style.name}") for s in samples], width),
            row([colourize(s.labels) for s in samples], width)]
    # One scene under the presets, then its mask and two painted-grid versions of it.
    tiles = [captioned(render_with_style(preset_seed, name).image, f"{preset_seed}: preset {name}")
             for name in presets]
    layout = render_with_style(preset_seed, presets[0])
    tiles.append(captioned(colourize(layout.labels), f"{preset_seed}: mask"))
    for cells in (24, 48):
        painted, _ = paintify(layout.labels, layout.instances, np.random.default_rng(cells), cells=cells)
        tiles.append(captioned(colourize(painted), f"painted grid, {cells} cells"))
    rows += [row(tiles[start:start + per_row], width) for start in range(0, len(tiles), per_row)]
    wide = render_sample(wide_seed, width=512, height=256)
    painted, _ = paintify(wide.labels, wide.instances, np.random.default_rng(wide_seed), cells=48)
    rows.append(row([captioned(wide.image, f"{wide.seed}: {wide.style.name} (512x256)"),
                     captioned(colourize(wide.labels), "mask"),
                     captioned(colourize(painted), "painted grid, 48 cells")][: width // 512], width))
    return np.concatenate(rows, axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "landscape-contact-sheet.png"))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument("--preset-seed", type=int, default=2)
    parser.add_argument("--wide-seed", type=int, default=12)
    parser.add_argument("--presets", nargs="+", default=list(DEFAULT_PRESETS), choices=sorted(STYLE_PRESETS))
    args = parser.parse_args()
    sheet = contact_sheet(args.seeds, args.preset_seed, args.presets, args.wide_seed)
    write_png(sheet, args.out, optimize=True)
    print(f"{args.out}: {sheet.shape[1]}x{sheet.shape[0]}, {os.path.getsize(args.out) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
