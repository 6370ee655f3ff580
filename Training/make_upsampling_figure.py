"""Side by side: one painting on the painter's canvas upsampled by each candidate, and what the model draws from it.

    .venv/bin/python Training/make_upsampling_figure.py --model Models/landscape.safetensors \\
        --out docs/upsampling.png --style 2 [--grid 32x32] [--methods vote,gaussian,smooth]

The painting (``landscape.painted.demo_painting``) is what a person paints on the default canvas: a mountain as a
stepped triangle with a snow cap, a lake as a round blob, one-cell tree columns beside a block of trees, a rock and a
cloud. Rows: the label map, then the picture (style seed ``--style``, from the
model's style bank), per method.
"""

import argparse
from pathlib import Path

import numpy as np
import torch

import landscape
from clade import modelfile
from clade.conditioning import distance_map, edge_map
from clade.networks import make_semantic
from clade.pictures import parse_size, write_png
from clade.style import sample_style
from evaluate import to_pixels
from landscape.painted import demo_painting
from upsampling import CANDIDATES, upsample


@torch.no_grad()
def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="Models/landscape.safetensors")
    p.add_argument("--out", required=True, help="figure PNG")
    p.add_argument("--grid", type=parse_size, default=None, help="canvas WxH (default: one cell per 8x8 pixels)")
    p.add_argument("--methods", default="vote,gaussian,smooth", help=f"comma-separated, of {', '.join(CANDIDATES)}")
    p.add_argument("--style", type=int, default=3, help="style seed")
    args = p.parse_args(argv)
    config, generator, _ = modelfile.load(args.model)
    bank = modelfile.read_style_bank(args.model)
    bank = None if bank is None else bank.numpy()
    grid = args.grid if args.grid else (config.width // 8, config.height // 8)
    labels, instances = demo_painting(*grid)
    dontcare = config.label_nc if config.contain_dontcare_label else None
    code = torch.from_numpy(sample_style(args.style, config.z_dim, bank))[None] if config.use_vae else None
    masks, pictures = [], []
    for method in args.methods.split(","):
        full, ids = upsample(method, labels, instances, config.height, config.width)
        seg = make_semantic(torch.from_numpy(full)[None].long(), torch.from_numpy(edge_map(full, ids))[None, None],
                            config)
        dist = torch.from_numpy(distance_map(full, ids, dontcare))[None] if config.use_icpe else None
        pictures.append(to_pixels(generator(seg, dist, code))[0])
        masks.append(landscape.colourize(full))
    gap = np.full((config.height, 4, 3), 255, np.uint8)

    def row(images):
        return np.concatenate([part for image in images for part in (image, gap)][:-1], axis=1)

    band = np.full((4, row(masks).shape[1], 3), 255, np.uint8)
    write_png(np.concatenate([row(masks), band, row(pictures)], axis=0), Path(args.out))
    print(f"wrote {args.out} ({', '.join(args.methods.split(','))}; grid {grid[0]}x{grid[1]})")


if __name__ == "__main__":
    main()
