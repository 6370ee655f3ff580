"""Pictures in and out of the scripts: the `--size WIDTHxHEIGHT` option's value, PNG files written whole, and
sheets of named panels for the docs."""
from __future__ import annotations

import argparse
import os

import numpy as np
from PIL import Image, ImageDraw


def parse_size(text: str) -> tuple[int, int]:
    """'512x256' -> (512, 256), and '256' -> (256, 256): an argparse type."""
    try:
        parts = [int(p) for p in text.lower().split("x")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 512x256, got {text!r}")
    return parts[0], parts[1]


def write_png(picture: np.ndarray | Image.Image, path, optimize: bool = False) -> None:
    """Writes a picture (uint8 [H, W, 3] or [H, W], or a PIL image) to `path` as PNG through a temporary file
    and a rename, so that `path` holds the whole picture or what it held before."""
    image = picture if isinstance(picture, Image.Image) else Image.fromarray(picture)
    path = os.fspath(path)
    temporary = f"{path}.tmp.png"
    try:
        image.save(temporary, format="PNG", optimize=optimize)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def write_label_png(labels: np.ndarray, path, palette: np.ndarray | None = None) -> None:
    """Writes a map of class ids [H, W] as an 8-bit mask PNG (what `clade-paint render` reads): indexed with the
    palette's colours (uint8 [classes, 3]) where one is given, else grey."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise ValueError(f"{path}: class ids must lie in 0..255 for an 8-bit mask, got {labels.min()}..{labels.max()}")
    image = Image.fromarray(labels.astype(np.uint8), "L" if palette is None else "P")
    if palette is not None:
        image.putpalette(np.asarray(palette, dtype=np.uint8).ravel().tolist())
    write_png(image, path)


def sheet_of(rows, gap=8, label=18):
    """The panels, row by row, each `(name, image)` pasted as it is with its name above it, on white."""
    width = max(sum(image.width for _, image in row) + gap * (len(row) - 1) for row in rows)
    height = sum(label + max(image.height for _, image in row) for row in rows) + gap * (len(rows) - 1)
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    y = 0
    for row in rows:
        x = 0
        for name, image in row:
            sheet.paste(image, (x, y + label))
            draw.text((x + 2, y + 3), name, fill="black")
            x += image.width + gap
        y += label + max(image.height for _, image in row) + gap
    return sheet
