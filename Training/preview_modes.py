"""The painter's preview as each kind of terminal shows it, side by side: the same painted layout in a real
terminal (tmux, 160x50).

First row, the half-block preview with true colour, 256 colours and 8 colours: each screen captured with its colours
(`tmux capture-pane -e`) and the picture panel read back into pixels (the upper half of each `▀` cell is its
foreground colour, the lower half its background), next to the picture itself and, for comparison, the true-colour
panel matched to the 256 colours without dithering.

Second row, the image protocols (`--preview kitty|sixel|iterm2`): tmux cannot show images, so every byte the painter
writes is recorded on the way to tmux (`script`, as the end-to-end tests do), and the newest image in that stream is
decoded here (tmux passthrough envelopes opened, then kitty's APC chunks, the sixel DCS or iTerm2's OSC 1337 PNG)
and shown pixel for pixel, at the size the painter sent it for the panel's cells.

Usage, after `swift build -c release`:

    .venv/bin/python Training/preview_modes.py [--binary .build/release/clade-paint] [--model FILE]
        [--out docs/preview-modes.png]

256-colour numbers are shown with xterm's colours, the eight ANSI colours with the VGA colours most terminals
default to (the painter assumes the same).
"""
import argparse
import base64
import io
import os
import re
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from clade.pictures import sheet_of, write_label_png, write_png
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


PROTOCOLS = ["kitty", "sixel", "iterm2"]
ESC = b"\x1b"
ST = b"\x1b\\"  # string terminator, ESC \


def unwrap_tmux(data: bytes) -> bytes:
    """`data` with every tmux passthrough envelope (`ESC P tmux; ... ESC \\`, each ESC inside doubled) opened, so the
    sequences meant for the outer terminal read as if written to it directly."""
    opener = b"\x1bPtmux;"
    out = bytearray()
    index = 0
    while True:
        start = data.find(opener, index)
        if start < 0:
            out += data[index:]
            return bytes(out)
        out += data[index:start]
        index = start + len(opener)
        while True:
            escape = data.find(ESC, index)
            if escape < 0 or escape + 1 >= len(data):
                raise ValueError("a tmux passthrough envelope without its end")
            out += data[index:escape]
            if data[escape + 1:escape + 2] == ESC:  # a doubled ESC is one ESC of the inner sequence
                out += ESC
                index = escape + 2
            elif data[escape + 1:escape + 2] == b"\\":
                index = escape + 2
                break
            else:
                raise ValueError("a single ESC inside a tmux passthrough envelope")


def decode_kitty(data: bytes) -> list[tuple[dict, np.ndarray]]:
    """The pictures transmitted in kitty graphics APC sequences (`ESC _G keys;base64 ESC \\`), in order, with the
    keys of each transmission's first chunk; chunks marked `m=1` continue into the next. Raw RGB (`f=24`, the
    default being RGBA `f=32`) and PNG (`f=100`) payloads are read; deletes (`a=d`) and queries (`a=q`, which kitty
    checks without showing) are skipped. RGBA comes back as RGB (the painter's pictures are opaque)."""
    images = []
    pending = None  # (keys, payload so far) of a transmission whose last chunk has not come yet
    for match in re.finditer(rb"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\", data):
        keys = dict(pair.split("=", 1) for pair in match.group(1).decode().split(",") if pair)
        payload = match.group(2) or b""
        if pending is None:
            if keys.get("a") in ("d", "q"):
                continue
            pending = (keys, payload)
        else:  # later chunks carry only m= (and maybe q=); the first chunk's keys describe the picture
            pending = (pending[0], pending[1] + payload)
        if keys.get("m") == "1":
            continue
        first, payload = pending
        pending = None
        raw = base64.b64decode(payload, validate=True)
        if first.get("o"):
            raise ValueError(f"compressed kitty payload (o={first['o']}) is not read")
        form = first.get("f", "32")
        if form == "100":
            images.append((first, np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))))
            continue
        if form not in ("24", "32"):
            raise ValueError(f"kitty format f={form} is not read")
        width, height, channels = int(first["s"]), int(first["v"]), int(form) // 8
        if len(raw) != width * height * channels:
            raise ValueError(f"kitty payload of {len(raw)} bytes for {width}x{height}x{channels}")
        images.append((first, np.frombuffer(raw, dtype=np.uint8).reshape(height, width, channels)[:, :, :3]))
    if pending is not None:
        raise ValueError("a chunked kitty transmission without its last chunk (m=0)")
    return images


def decode_iterm2(data: bytes) -> list[tuple[dict, np.ndarray]]:
    """The pictures of iTerm2 inline-image sequences (`ESC ]1337;File=key=value;...:base64 BEL`, or ended by
    `ESC \\`), in order, with their keys; `size=` is checked against the decoded file."""
    images = []
    for match in re.finditer(rb"\x1b\]1337;File=([^:\x07\x1b]*):([^\x07\x1b]*)(?:\x07|\x1b\\)", data):
        keys = dict(pair.split("=", 1) if "=" in pair else (pair, "") for pair in match.group(1).decode().split(";"))
        raw = base64.b64decode(match.group(2), validate=True)
        if "size" in keys and int(keys["size"]) != len(raw):
            raise ValueError(f"iTerm2 image says size={keys['size']} but carries {len(raw)} bytes")
        images.append((keys, np.asarray(Image.open(io.BytesIO(raw)).convert("RGB"))))
    return images


def decode_sixel(sequence: bytes, background=(255, 255, 255)) -> np.ndarray:
    """The pixels of one sixel sequence (`ESC P params q ... ESC \\`): raster attributes `"pan;pad;width;height`,
    colour definitions `#n;2;r;g;b` (percent) and selections `#n`, sixel characters `?`...`~` (six pixels of one
    column, least significant bit on top), repeats `!count c`, `$` back to the band's first column and `-` to the
    next band of six rows. Pixels never painted keep `background`. Without raster attributes the picture is as large
    as what was painted."""
    start = sequence.index(b"q") + 1
    end = sequence.index(ST, start)
    body = sequence[start:end].decode("ascii")
    tokens = re.finditer(r'"([0-9;]*)|#([0-9;]*)|!([0-9]*)(.)|([$-])|([?-~])|(\s)', body)
    size = None
    palette = {}
    color = 0
    x = top = 0
    painted = {}  # (y, x) -> colour, in painting order (later passes paint over earlier ones)
    position = 0
    for token in tokens:
        if token.start() != position:
            raise ValueError(f"unexpected sixel data at {position}: {body[position:token.start()]!r}")
        position = token.end()
        raster, select, count, repeated, move, character, _space = token.groups()
        if raster is not None:
            numbers = [int(n) for n in raster.split(";")]
            if len(numbers) == 4:
                size = numbers[3], numbers[2]
        elif select is not None:
            numbers = [int(n) for n in select.split(";")]
            color = numbers[0]
            if len(numbers) == 5:
                if numbers[1] != 2:
                    raise ValueError(f"sixel colour space {numbers[1]} is not read (only 2, RGB)")
                palette[color] = tuple((p * 255 + 50) // 100 for p in numbers[2:])
        elif move is not None:
            x = 0
            top += 6 if move == "-" else 0
        elif count is not None or character is not None:
            times, char = (int(count or 1), repeated) if count is not None else (1, character)
            bits = ord(char) - 63
            if not 0 <= bits < 64:
                raise ValueError(f"{char!r} is not a sixel character")
            if color not in palette:
                raise ValueError(f"sixel colour {color} used before it is defined")
            for column in range(x, x + times):
                for bit in range(6):
                    if bits >> bit & 1:
                        painted[(top + bit, column)] = palette[color]
            x += times
    if position != len(body):
        raise ValueError(f"unexpected sixel data at {position}: {body[position:]!r}")
    if size is None:
        size = (max((y for y, _ in painted), default=-1) + 1, max((c for _, c in painted), default=-1) + 1)
    pixels = np.empty((*size, 3), dtype=np.uint8)
    pixels[:] = background
    for (y, column), rgb in painted.items():
        if y >= size[0] or column >= size[1]:
            raise ValueError(f"a sixel at ({column}, {y}) outside the raster {size[1]}x{size[0]}")
        pixels[y, column] = rgb
    return pixels


def sixel_sequences(data: bytes) -> list[bytes]:
    """The sixel sequences in `data`, in order: DCS (`ESC P`) with numeric parameters, then `q`, to `ESC \\`."""
    return [match.group(0) for match in re.finditer(rb"\x1bP[0-9;]*q.*?\x1b\\", data, re.DOTALL)]


def newest_image(protocol: str, raw: bytes) -> np.ndarray:
    """The last picture the painter sent in `protocol` in its recorded output `raw`."""
    opened = unwrap_tmux(raw)
    if protocol == "kitty":
        images = [image for _, image in decode_kitty(opened)]
    elif protocol == "iterm2":
        images = [image for _, image in decode_iterm2(opened)]
    else:
        images = [decode_sixel(sequence) for sequence in sixel_sequences(opened)]
    if not images:
        raise SystemExit(f"no {protocol} image in the painter's output")
    return images[-1]


def capture(binary, mask, mode_env, folder, model=None, preview="blocks", raw=None):
    """Runs the painter on `mask` in a 160x50 tmux pane with `mode_env` and `--preview preview`; the screen once the
    picture is done. With `raw`, every byte the painter writes is recorded there on its way to tmux (`script`
    between the two), and the painter is quit so the recording is complete when this returns."""
    socket = f"preview-modes-{os.getpid()}"
    env = " ".join(f"{k}={v}" for k, v in mode_env.items())
    model = f"--model {model} " if model else ""
    command = (f"env -u NO_COLOR {env} {binary} {model}--mask {mask} --style fog --preview {preview} --threads 2 "
               f"--state-dir state --out out")
    if raw is not None:
        # -f: flushed after every write, so nothing is lost however the pane ends.
        command = f"script -q -f -c {shlex.quote(command)} {shlex.quote(str(raw))}"
    command = f"cd {folder} && {command}"
    tmux = ["tmux", "-L", socket]
    subprocess.run(tmux + ["-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "50", command], check=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            text = subprocess.run(tmux + ["capture-pane", "-p"], capture_output=True, text=True, check=False).stdout
            # The image protocols are sent for the draft too; the final picture is the one wanted.
            if "done in" in text and (raw is None or "draft" not in text):
                screen = subprocess.run(tmux + ["capture-pane", "-p", "-e"], capture_output=True, text=True,
                                        check=False).stdout
                if raw is not None:
                    subprocess.run(tmux + ["send-keys", "q"], check=True)
                    # The session (and its server) ends with the painter.
                    while time.time() < deadline and subprocess.run(tmux + ["has-session"], capture_output=True,
                                                                    check=False).returncode == 0:
                        time.sleep(0.2)
                return screen
            time.sleep(0.5)
        raise SystemExit(f"the painter did not finish a picture in 2 minutes ({env} --preview {preview}); its "
                         f"screen:\n{text}")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/clade-paint"))
    parser.add_argument("--model", help="the model file (default: the one the painter finds itself)")
    parser.add_argument("--out", default=str(ROOT / "docs/preview-modes.png"))
    parser.add_argument("--seed", type=int, default=1_000_000_011, help="the held-out layout to paint")
    args = parser.parse_args()
    binary = Path(args.binary).resolve()
    model = Path(args.model).resolve() if args.model else None
    scale = 3
    panels = []
    protocols = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        write_label_png(layout_only(args.seed, 32, 32).labels, tmp / "layout.png", PALETTE)
        for name, env in MODES:
            pixels = picture_panel(cells(capture(binary, tmp / "layout.png", env, tmp, model)))
            panels.append((f"{name} ({pixels.shape[1]}x{pixels.shape[0]})", Image.fromarray(pixels)))
        picture = Image.open(tmp / "state/preview.png").convert("RGB")
        for protocol in PROTOCOLS:
            raw = tmp / f"{protocol}.raw"
            capture(binary, tmp / "layout.png", MODES[0][1], tmp, model, preview=protocol, raw=raw)
            pixels = newest_image(protocol, raw.read_bytes())
            # The same picture? Against the newest picture scaled to the size sent (the painter's box filter
            # when shrinking, nearest pixel when enlarging, as PIL's filters of those names).
            resample = Image.BOX if pixels.shape[1] < picture.width else Image.NEAREST
            expected = np.asarray(picture.resize((pixels.shape[1], pixels.shape[0]), resample), dtype=np.int32)
            error = np.abs(pixels.astype(np.int32) - expected).mean()
            print(f"{protocol}: {pixels.shape[1]}x{pixels.shape[0]}, mean |difference| from the picture {error:.2f}")
            protocols.append((f"{protocol} ({pixels.shape[1]}x{pixels.shape[0]}, pixel for pixel)",
                              Image.fromarray(pixels)))
    size = panels[0][1].width * scale
    # For comparison: the true-colour panel's pixels each matched to the nearest of the 240 fixed colours in RGB,
    # without dithering (how the painter showed 256 colours before).
    palette = np.array([xterm(i) for i in range(16, 256)], dtype=np.int32)
    direct = np.asarray(panels[0][1], dtype=np.int32)
    nearest = palette[((direct[:, :, None, :] - palette[None, None]) ** 2).sum(-1).argmin(-1)].astype(np.uint8)
    panels.insert(1, ("256 colours, nearest, undithered", Image.fromarray(nearest)))
    panels = [("the picture (256x256)", picture)] + panels
    # The half-block panels enlarged to one size (each cell half a few pixels); the protocol images as sent.
    blocks = [(name, image.resize((size, size), Image.BOX if image.width > size else Image.NEAREST))
              for name, image in panels]
    write_png(sheet_of([blocks, protocols]), args.out, optimize=True)
    print(f"wrote {args.out}: {', '.join(name for name, _ in panels + protocols)}")


if __name__ == "__main__":
    main()
