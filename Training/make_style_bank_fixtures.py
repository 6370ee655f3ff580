"""Writes the style-bank fixture that the Swift tests compare against exactly.

Usage:
    python Training/make_style_bank_fixtures.py [--out Tests/CLADETests/Fixtures] [--model Models/landscape.safetensors]

``style-bank.json`` holds a small bank (float32 values), seeds (as decimal strings: they span the whole
unsigned 64-bit range) and, per seed, the row the rule picks (clade/style.py ``bank_style``: ``floor(u * K)`` for
the seed's first SplitMix64 uniform) and the code; and, for the shipped model's own bank, its row count and the
rows and codes of a few seeds. Output is deterministic.
"""

import argparse
import json
import os
import tempfile

import numpy as np

from clade import modelfile
from clade.style import SplitMix64, bank_style

FORMAT = "clade-paint style bank fixture 1"
SEEDS = (0, 1, 2, 3, 42, 1000, 123456789, 2**63, 2**64 - 1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def picks(bank: np.ndarray) -> dict:
    rows = [int(SplitMix64(seed).uniform() * len(bank)) for seed in SEEDS]
    codes = [bank_style(seed, bank) for seed in SEEDS]
    assert all(np.array_equal(code, bank[row]) for row, code in zip(rows, codes, strict=True))
    return {"seeds": [str(seed) for seed in SEEDS], "rows": rows,
            "codes": [[float(v) for v in code] for code in codes]}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.path.join(ROOT, "Tests", "CLADETests", "Fixtures"))
    p.add_argument("--model", default=os.path.join(ROOT, "Models", "landscape.safetensors"))
    args = p.parse_args()
    bank = np.random.default_rng(20261206).normal(size=(7, 5)).astype(np.float32)
    fixture = {"format": FORMAT, "bank": [[float(v) for v in row] for row in bank], **picks(bank)}
    shipped = modelfile.read_style_bank(args.model)
    if shipped is None:
        raise SystemExit(f"{args.model}: no style bank; add one first (Training/style_bank.py)")
    fixture["shipped"] = {"model": os.path.relpath(args.model, ROOT), "count": len(shipped),
                          "z_dim": shipped.shape[1], **picks(shipped.numpy())}
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "style-bank.json")
    handle, temporary = tempfile.mkstemp(dir=args.out, suffix=".tmp")
    with os.fdopen(handle, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    os.replace(temporary, path)
    print(path)


if __name__ == "__main__":
    main()
