"""The README's picture: held-out landscape layouts rendered by the Swift engine with the bundled model under
several style presets, one row per layout: mask, then one picture per preset. Usage, after
`swift build -c release`:

    .venv/bin/python Training/readme_pictures.py [--binary .build/release/clade-paint] [--out docs/readme-samples.png]
"""
import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from clade.pictures import write_label_png, write_png
from landscape import PALETTE, colourize, layout_only

ROOT = Path(__file__).resolve().parent.parent

SEEDS = [1_000_000_003, 1_000_000_011, 1_000_000_024, 1_000_000_042]
PRESETS = ["noon", "sunset", "winter", "fog", "dusk"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/clade-paint"))
    parser.add_argument("--out", default=str(ROOT / "docs/readme-samples.png"))
    parser.add_argument("--seeds", type=int, nargs="*", default=SEEDS)
    args = parser.parse_args()
    size = 256
    sheet = Image.new("RGB", (size * (1 + len(PRESETS)), size * len(args.seeds)))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        masks = []
        for row, seed in enumerate(args.seeds):
            labels = layout_only(seed, size, size).labels
            masks.append(tmp / f"layout{row}.png")
            write_label_png(labels, masks[-1], PALETTE)
            sheet.paste(Image.fromarray(colourize(labels)), (0, row * size))
        for column, preset in enumerate(PRESETS, start=1):
            out = tmp / preset
            out.mkdir()
            subprocess.run([args.binary, "render", *map(str, masks), "--style", preset, "-o", str(out)],
                           check=True, stdout=subprocess.DEVNULL)
            for row, mask in enumerate(masks):
                sheet.paste(Image.open(out / mask.name).convert("RGB"), (column * size, row * size))
    write_png(sheet, args.out, optimize=True)
    print(f"wrote {args.out}: rows = layouts {args.seeds}, columns = mask, {', '.join(PRESETS)}")


if __name__ == "__main__":
    main()
