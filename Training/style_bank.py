"""Adds a style bank to a model file: the style codes its encoder gives real renders of the data set.

    python Training/style_bank.py --model Models/landscape.safetensors [--count 384] [--first-seed 0] [--out PATH]

Random styles (`s` in the painter, `render --style random|SEED`, evaluate.py) are drawn from this bank when a
model has one (clade/style.py `sample_style`, Swift `StyleBank`): a seed picks one row, so a random style is
always a code the encoder produced for a real picture, not a draw from N(0, I), which the encoder's codes do
not fill (most of N(0, I) decodes to murky haze). The renders are landscape scenes `first_seed ...` under their
own random styles (training seeds, below data.HELDOUT_SEED_BASE, so the held-out evaluation stays unseen); each
code is the encoder's mu. The file is rewritten with every other tensor as stored and the bank in the same
dtype (docs/model-format.md).
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

import data
import landscape
from clade import modelfile


@torch.no_grad()
def encode_renders(encoder: torch.nn.Module, seeds: list[int], width: int, height: int, workers: int,
                   batch_size: int = 32) -> torch.Tensor:
    """The encoder's mu [len(seeds), z_dim] for the renders of scenes `seeds` at width x height."""
    samples = landscape.render_many(seeds, width, height, workers)
    images = torch.from_numpy(np.stack([s.image for s in samples])).permute(0, 3, 1, 2).float().div(127.5).sub(1)
    codes = [encoder(images[start:start + batch_size])[0] for start in range(0, len(seeds), batch_size)]
    return torch.cat(codes).float()


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description="Store the style codes of real renders in a model file.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", required=True, help="model file with a style encoder (use_vae)")
    p.add_argument("--out", default=None, help="model file to write (default: --model, in place)")
    p.add_argument("--count", type=int, default=384, help="renders encoded = rows of the bank")
    p.add_argument("--first-seed", type=int, default=0, help="scene seed of the first render")
    p.add_argument("--workers", type=int, default=0, help="rendering processes (0: all cores)")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.count < 1:
        raise SystemExit(f"--count must be at least 1, got {args.count}")
    if args.first_seed < 0 or args.first_seed + args.count > data.HELDOUT_SEED_BASE:
        raise SystemExit(f"seeds {args.first_seed}..{args.first_seed + args.count - 1} must lie in 0.."
                         f"{data.HELDOUT_SEED_BASE - 1}; the held-out evaluation seeds start at "
                         f"{data.HELDOUT_SEED_BASE}")
    try:
        config, _, encoder = modelfile.load(args.model)
    except modelfile.ModelFileError as error:
        raise SystemExit(str(error)) from None
    if encoder is None:
        raise SystemExit(f"{args.model}: the model has no style encoder (use_vae false), so it has no random styles")
    began = time.time()
    seeds = list(range(args.first_seed, args.first_seed + args.count))
    bank = encode_renders(encoder, seeds, config.width, config.height, args.workers or os.cpu_count() or 1)
    modelfile.write_style_bank(args.model, bank, args.out)
    summary = {"model": args.out or args.model, "rows": len(seeds), "z_dim": config.z_dim,
               "seeds": f"{seeds[0]}..{seeds[-1]}", "code_norm_mean": round(float(bank.norm(dim=1).mean()), 3),
               "seconds": round(time.time() - began, 1)}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
