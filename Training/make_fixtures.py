"""Write the Swift parity fixtures (models, inputs, expected outputs) to Tests/CLADETests/Fixtures/.

    .venv/bin/python Training/make_fixtures.py [--out FOLDER]

Deterministic: fixed seeds, one thread, float32 eval mode; rerunning rewrites identical files.
A summary (sizes, output statistics) goes to FOLDER/model_fixtures.json and stdout; the picture-size rule's
verdicts on a table of configs and sizes to FOLDER/size_rule.json (compared with the engine's by ModelConfigTests).
"""
from __future__ import annotations

import argparse
import json
import os

import torch

from fixtures_models import (
    CONVERSIONS,
    FIXTURES,
    HALF_SIZE,
    RESIZED,
    build_conversion_fixture,
    build_fixture,
    build_half_size_fixture,
    build_resized_fixture,
    size_rule_cases,
)

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CLADETests", "Fixtures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="fixture folder (default: %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    summaries = []
    for spec in FIXTURES:
        summary = build_fixture(spec, args.out)
        summaries.append(summary)
        print(f"{spec.name:34s} {spec.dtype:4s} {summary['width']}x{summary['height']}  image std "
              f"{summary['image_std']:.3f}  saturated {summary['image_saturated_fraction']:.3f}  "
              f"files {(summary['model_bytes'] + summary['io_bytes']) / 1e6:.2f} MB")
    for spec in CONVERSIONS:
        summary = build_conversion_fixture(spec, args.out)
        summaries.append(summary)
        print(f"{spec.name:34s} F32  {summary['width']}x{summary['height']}  image std {summary['image_std']:.3f}  "
              f"(converted {spec.dataset} checkpoint)  files "
              f"{(summary['model_bytes'] + summary['io_bytes']) / 1e6:.2f} MB")
    for spec in FIXTURES:
        if spec.name in HALF_SIZE:
            summary = build_half_size_fixture(spec, args.out)
            summaries.append(summary)
            print(f"{summary['name']:34s} F32  {summary['width']}x{summary['height']}  image std "
                  f"{summary['image_std']:.3f}  (half size)  files {summary['io_bytes'] / 1e6:.2f} MB")
    for spec in FIXTURES:
        if spec.name in RESIZED:
            summary = build_resized_fixture(spec, args.out)
            summaries.append(summary)
            print(f"{summary['name']:34s} F32  {summary['width']}x{summary['height']}  image std "
                  f"{summary['image_std']:.3f}  (another multiple of 2^n)  files {summary['io_bytes'] / 1e6:.2f} MB")
    rule_path = os.path.join(args.out, "size_rule.json")
    with open(rule_path + ".tmp", "w") as f:
        # One line per config: the table stays readable in a diff.
        f.write('{"cases": [\n' + ",\n".join(json.dumps(c) for c in size_rule_cases()["cases"]) + "\n]}\n")
    os.replace(rule_path + ".tmp", rule_path)
    total = sum(s["model_bytes"] + s["io_bytes"] for s in summaries)
    print(f"total {total / 1e6:.2f} MB")
    summary_path = os.path.join(args.out, "model_fixtures.json")
    with open(summary_path + ".tmp", "w") as f:
        json.dump({"fixtures": summaries, "total_bytes": total}, f, indent=1)
        f.write("\n")
    os.replace(summary_path + ".tmp", summary_path)


if __name__ == "__main__":
    main()
