"""The README's model comparison: evaluation figures of the GPU run next to each model's cost and its Swift
render time on this machine.

Evaluation figures come from the committed reports of the run (docs/training-run/*/report.json). Render time does
not depend on the weights, so each model's layout is timed with the Swift engine on a random-weight file of the
same config (the baselines' weights stayed on the GPU machine). Usage, after `swift build -c release`:

    .venv/bin/python Training/compare_models.py [--binary .build/release/clade-paint] [--repeats 7]
"""
import argparse
import dataclasses
import json
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from clade import modelfile
from clade.networks import ConvEncoder, SPADEGenerator
from clade.pictures import write_label_png
from landscape import PALETTE, layout_only

ROOT = Path(__file__).resolve().parent.parent

REPORTS = [ROOT / "docs/training-run/resumed/report.json", ROOT / "docs/training-run/first-run/report.json"]


def variant(config, name: str):
    """The config of a compared model: the shipped one, or the same layout without ICPE / with SPADE."""
    norms = len(config.block_names)
    if name.startswith("spade"):
        return dataclasses.replace(config, architecture="spade", block_norms=["spade"] * norms, use_icpe=False,
                                   style_presets={})
    if name.startswith("clade@") or name == "clade":
        return dataclasses.replace(config, use_icpe=False, style_presets={})
    return config


def swift_milliseconds(binary: Path, model: Path, masks: list[Path], out: Path) -> float:
    """Median generator time of `clade-paint render` over the masks (the first one is a warm-up)."""
    # --force: every model renders the same masks into the one scratch folder.
    run = subprocess.run([str(binary), "render", *map(str, masks), "--model", str(model), "-o", str(out), "--force",
                          "--style", "1", "--palette", str(ROOT / "Palettes/landscape.gpl")],
                         check=True, capture_output=True, text=True)
    times = [float(t) for t in re.findall(r"generator ([0-9.]+) ms", run.stdout)]
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/clade-paint"))
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    shipped = modelfile.read_config(ROOT / "Models/landscape.safetensors")
    rows = {}
    for path in REPORTS:
        for model in json.loads(path.read_text())["models"]:
            rows.setdefault(model["name"], model)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        masks = []
        for i in range(args.repeats + 1):
            labels = layout_only(2_000_000_000 + i, shipped.width, shipped.height).labels
            masks.append(tmp / f"mask{i}.png")
            write_label_png(labels, masks[-1], PALETTE)
        (tmp / "out").mkdir()
        timed = {}
        for name in rows:
            config = variant(shipped, name.split("@")[0])
            key = (config.architecture, config.use_icpe)
            if key not in timed:
                file = tmp / f"{config.architecture}-{config.use_icpe}.safetensors"
                modelfile.export(file, config, SPADEGenerator(config).eval(), ConvEncoder(config).eval())
                timed[key] = swift_milliseconds(Path(args.binary), file, masks, tmp / "out")
            rows[name]["swift_ms"] = timed[key]

    print("| model | images seen | G params | G GFLOPs | Swift 256x256 (ms) | mIoU | pixel acc. | seg. feature FD | "
          "diversity L1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in rows.items():
        seen = re.search(r"([0-9]+) images seen", r["training_data"]).group(1)
        print(f"| {name} | {int(seen):,} | {r['generator_params'] / 1e6:.2f} M | {2 * r['generator_gmacs']:.1f} | "
              f"{r['swift_ms']:.0f} | {r['miou']:.3f} | {r['pixel_accuracy']:.3f} | "
              f"{r['segmenter_feature_frechet_distance']:.2f} | {r['diversity_l1']:.3f} |")


if __name__ == "__main__":
    main()
