"""The painter's half-block preview as each kind of terminal shows it, side by side: the same painted layout in a
real terminal (tmux, 160x50) with true colour, 256 colours and 8 colours, each screen captured with its colours
(`tmux capture-pane -e`) and the picture panel read back into pixels (the upper half of each `▀` cell is its
foreground colour, the lower half its background), next to the picture itself and, for comparison, the true-colour
panel matched to the 256 colours without dithering. Usage, after
`swift build -c release`:

    .venv/bin/python Training/preview_modes.py [--binary .build/release/clade-paint] [--out docs/preview-modes.png]

256-colour numbers are shown with xterm's colours, the eight ANSI colours with the VGA colours most terminals
default to (the painter assumes the same).
"""
import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from clade.pictures import write_label_png, write_png
from landscape import PALETTE, layout_only

ROOT = Path(__file__).resolve().parent.parent

MODES = [  # (label, environment)
    ("true colour", {"TERM": "xterm-256color", "COLORTERM": "truecolor"}),
    ("256 colours, dithered", {"TERM": "xterm-256color", "COLORTERM": ""}),
    ("8 colours, dithered", {"TERM": "xterm", "COLORTERM": ""}),
]
ANSI = [(0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170), (0, 170, 170), (170, 170, 170)]
CUBE = [0, 95, 135, 175, 215, 255]


def xterm(index):
    """The colour of xterm palette entry `index` (0 ... 255)."""
    if index < 8:
        return ANSI[index]
    if index < 16:
        return tuple(min(255, c + 85) for c in ANSI[index - 8])
    if index >= 232:
        return (8 + 10 * (index - 232),) * 3
    index -= 16
    return (CUBE[index // 36], CUBE[index // 6 % 6], CUBE[index % 6])


def parse_sgr(params, fg, bg):
    """The colours after one SGR sequence's parameters."""
    codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            fg = bg = None
        elif code in (38, 48) and i + 1 < len(codes):
            if codes[i + 1] == 2:
                color, i = tuple(codes[i + 2:i + 5]), i + 4
            else:
                color, i = xterm(codes[i + 2]), i + 2
            if code == 38:
                fg = color
            else:
                bg = color
        elif 30 <= code <= 37:
            fg = ANSI[code - 30]
        elif 40 <= code <= 47:
            bg = ANSI[code - 40]
        elif 90 <= code <= 97:
            fg = xterm(code - 90 + 8)
        elif 100 <= code <= 107:
            bg = xterm(code - 100 + 8)
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        i += 1
    return fg, bg


def cells(capture):
    """Rows of (character, foreground, background) from `capture-pane -e` output."""
    rows = []
    fg = bg = None
    for line in capture.split("\n"):
        row = []
        for match in re.finditer(r"\x1b\[([0-9;:]*)m|([^\x1b])", line):
            if match.group(1) is not None:
                fg, bg = parse_sgr(match.group(1), fg, bg)
            else:
                row.append((match.group(2), fg, bg))
        rows.append(row)
    return rows


def picture_panel(rows):
    """The pixels of the preview panel: the `▀` cells inside the box titled `Picture`."""
    top = next(y for y, row in enumerate(rows) if "Picture" in "".join(c for c, _, _ in row))
    text = "".join(c for c, _, _ in rows[top])
    left = text.index("Picture") - 2
    right = text.index("┐", left)
    lines = []
    for row in rows[top + 1:]:
        inside = row[left + 1:right]
        if not inside or inside[0][0] != "▀":
            break
        lines.append(inside)
    width = sum(1 for c, _, _ in lines[0] if c == "▀")
    pixels = np.zeros((2 * len(lines), width, 3), dtype=np.uint8)
    for y, line in enumerate(lines):
        for x, (_, fg, bg) in enumerate(line[:width]):
            pixels[2 * y, x] = fg or (0, 0, 0)
            pixels[2 * y + 1, x] = bg or (0, 0, 0)
    return pixels


def capture(binary, mask, mode_env, folder):
    """Runs the painter on `mask` in a 160x50 tmux pane with `mode_env`; the screen once the picture is done."""
    socket = f"preview-modes-{os.getpid()}"
    env = " ".join(f"{k}={v}" for k, v in mode_env.items())
    command = (f"cd {folder} && env -u NO_COLOR {env} {binary} --mask {mask} --style fog --preview blocks --threads 2 "
               f"--state-dir state --out out")
    tmux = ["tmux", "-L", socket]
    subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50", command], check=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            text = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True, check=False).stdout
            if "done in" in text:
                return subprocess.run(tmux + ["capture-pane", "-p", "-e"], capture_output=True, text=True,
                                      check=False).stdout
            time.sleep(0.5)
        raise SystemExit(f"the painter did not finish a picture in 2 minutes ({env}); its screen:\n{text}")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/clade-paint"))
    parser.add_argument("--out", default=str(ROOT / "docs/preview-modes.png"))
    parser.add_argument("--seed", type=int, default=1_000_000_011, help="the held-out layout to paint")
    args = parser.parse_args()
    scale, gap, label = 3, 8, 18
    panels = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        write_label_png(layout_only(args.seed, 32, 32).labels, tmp / "layout.png", PALETTE)
        for name, env in MODES:
            pixels = picture_panel(cells(capture(Path(args.binary).resolve(), tmp / "layout.png", env, tmp)))
            panels.append((f"{name} ({pixels.shape[1]}x{pixels.shape[0]})", Image.fromarray(pixels)))
        picture = Image.open(tmp / "state/preview.png").convert("RGB")
    size = panels[0][1].width * scale
    # For comparison: the true-colour panel's pixels each matched to the nearest of the 240 fixed colours in RGB,
    # without dithering (how the painter showed 256 colours before).
    palette = np.array([xterm(i) for i in range(16, 256)], dtype=np.int32)
    direct = np.asarray(panels[0][1], dtype=np.int32)
    nearest = palette[((direct[:, :, None, :] - palette[None, None]) ** 2).sum(-1).argmin(-1)].astype(np.uint8)
    panels.insert(1, ("256 colours, nearest, undithered", Image.fromarray(nearest)))
    panels = [("the picture (256x256)", picture)] + panels
    sheet = Image.new("RGB", (len(panels) * (size + gap) - gap, size + label), "white")
    draw = ImageDraw.Draw(sheet)
    for index, (name, image) in enumerate(panels):
        x = index * (size + gap)
        resample = Image.BOX if image.width > size else Image.NEAREST
        sheet.paste(image.resize((size, size), resample), (x, label))
        draw.text((x + 2, 3), name, fill="black")
    write_png(sheet, args.out, optimize=True)
    print(f"wrote {args.out}: {', '.join(name for name, _ in panels)}")


if __name__ == "__main__":
    main()
