"""Palette files (`Palettes/<name>.gpl`, GIMP's format, read by the painter too): a model's classes in class-id
order, one `R G B<TAB>name` line each, after a `GIMP Palette` line and optional `Name:`, `Columns:` and `#` lines."""
from __future__ import annotations

import os

# The palettes of this checkout.
PALETTE_FOLDER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              "Palettes")


class PaletteError(ValueError):
    """A palette file that cannot be read or is not a palette; the message names the file and the line."""


def palette_file(name: str, folder: str = PALETTE_FOLDER) -> str:
    """The path of the palette called `name` in `folder`."""
    return os.path.join(folder, f"{name}.gpl")


def read_palette(path) -> tuple[str | None, list[tuple[str, tuple[int, int, int]]]]:
    """The palette's `Name:` (None without one) and its `(class name, (r, g, b))` entries in file order."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise PaletteError(f"{path}: cannot read the palette ({getattr(error, 'strerror', None) or error})") from None
    if not lines or lines[0].strip() != "GIMP Palette":
        raise PaletteError(f"{path}:1: expected 'GIMP Palette'")
    name, entries = None, []
    for number, line in enumerate(lines[1:], start=2):
        text = line.strip()
        if not text or text.startswith(("#", "Columns:")):
            continue
        if text.startswith("Name:"):
            name = text[5:].strip()
            continue
        fields = text.split(None, 3)
        if len(fields) < 3:
            raise PaletteError(f"{path}:{number}: expected 'R G B name', got {line!r}")
        try:
            rgb = tuple(int(v) for v in fields[:3])
        except ValueError:
            raise PaletteError(f"{path}:{number}: colour values must be integers, got {line!r}") from None
        if any(v < 0 or v > 255 for v in rgb):
            raise PaletteError(f"{path}:{number}: colour values must be in 0..255, got {line!r}")
        entries.append((fields[3].strip() if len(fields) > 3 else "", rgb))
    return name, entries
