"""The readers of the painter's terminal image sequences in preview_modes.py, on small hand-made sequences."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

import preview_modes

ESC = b"\x1b"
ST = b"\x1b\\"
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def png_bytes(pixels):
    out = io.BytesIO()
    Image.fromarray(np.array(pixels, dtype=np.uint8)).save(out, format="PNG")
    return out.getvalue()


def wrapped(sequence: bytes) -> bytes:
    """tmux's passthrough envelope, as the painter's TmuxPassthrough writes it."""
    return b"\x1bPtmux;" + sequence.replace(ESC, ESC + ESC) + ST


def test_unwrap_tmux_opens_envelopes_and_keeps_the_text_between():
    inner = b"\x1b_Ga=d,d=I,i=1\x1b\\"
    assert preview_modes.unwrap_tmux(b"ab" + wrapped(inner) + b"\x1b[1;1Hcd" + wrapped(inner)) == (
        b"ab" + inner + b"\x1b[1;1Hcd" + inner)
    with pytest.raises(ValueError, match="without its end"):
        preview_modes.unwrap_tmux(b"\x1bPtmux;\x1b\x1b_Gabc")
    with pytest.raises(ValueError, match="single ESC"):
        preview_modes.unwrap_tmux(b"\x1bPtmux;\x1b_G\x1b\\")


def test_kitty_joins_chunks_skips_deletes_and_queries_and_reads_rgb_rgba_and_png():
    rgb = bytes([255, 0, 0, 0, 0, 255])  # 2x1: red, blue
    text = base64.b64encode(rgb)
    stream = (b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"  # the painter's query: checked, never shown
              + b"\x1b_Ga=d,d=I,i=7,q=2\x1b\\"
              + b"\x1b_Ga=T,f=24,s=2,v=1,c=1,r=1,i=7,q=2,U=1,m=1;" + text[:4] + ST
              + b"\x1b_Gm=0;" + text[4:] + ST
              + b"\x1b_Ga=T,f=32,s=1,v=1,i=7,m=0;" + base64.b64encode(bytes([0, 0, 255, 255])) + ST
              + b"\x1b_Ga=T,f=100,i=7;" + base64.b64encode(png_bytes([[RED], [BLUE]])) + ST)
    images = preview_modes.decode_kitty(stream)
    assert [keys["f"] for keys, _ in images] == ["24", "32", "100"]
    assert images[0][0]["U"] == "1" and images[0][0]["s"] == "2"  # the first chunk's keys
    assert images[0][1].tolist() == [[list(RED), list(BLUE)]]
    assert images[1][1].tolist() == [[list(BLUE)]]
    assert images[2][1].tolist() == [[list(RED)], [list(BLUE)]]
    with pytest.raises(ValueError, match="without its last chunk"):
        preview_modes.decode_kitty(b"\x1b_Ga=T,f=24,s=2,v=1,m=1;" + text[:4] + ST)
    with pytest.raises(ValueError, match="6 bytes for 3x1x3"):
        preview_modes.decode_kitty(b"\x1b_Ga=T,f=24,s=3,v=1;" + text + ST)


def test_iterm2_reads_the_png_ended_by_bel_or_st_and_checks_its_size():
    png = png_bytes([[RED, BLUE]])
    head = b"\x1b]1337;File=inline=1;size=%d;width=1;height=1;preserveAspectRatio=0:" % len(png)
    images = preview_modes.decode_iterm2(head + base64.b64encode(png) + b"\x07" + head + base64.b64encode(png) + ST)
    assert len(images) == 2
    keys, pixels = images[0]
    assert keys["inline"] == "1" and keys["preserveAspectRatio"] == "0"
    assert pixels.tolist() == [[list(RED), list(BLUE)]]
    with pytest.raises(ValueError, match="size=1"):
        preview_modes.decode_iterm2(b"\x1b]1337;File=inline=1;size=1:" + base64.b64encode(png) + b"\x07")


def test_sixel_paints_bands_passes_repeats_and_keeps_unpainted_pixels():
    # 3x7: colour 0 red, 1 blue, 2 grey (50 % is 128). Band 1: red over all six rows of 3 columns (a repeat),
    # `$`, then blue at the top pixel of column 2 over it. Band 2 (`-`): grey in row 6 of columns 0 and 1; column 2
    # of row 6 is never painted.
    body = b'"1;1;3;7#0;2;100;0;0#1;2;0;0;100#2;2;50;50;50#0!3~$#1??@-#2@@?'
    pixels = preview_modes.decode_sixel(b"\x1bP0;1;0q" + body + ST)
    assert pixels.shape == (7, 3, 3)
    assert [tuple(p) for p in pixels[0]] == [RED, RED, BLUE]
    assert all(tuple(p) == RED for row in pixels[1:6] for p in row)
    assert [tuple(p) for p in pixels[6]] == [(128, 128, 128), (128, 128, 128), WHITE]
    # Without raster attributes: as large as what was painted.
    assert preview_modes.decode_sixel(b"\x1bPq#0;2;0;0;100#0!2@" + ST).tolist() == [[list(BLUE)] * 2]
    with pytest.raises(ValueError, match="used before it is defined"):
        preview_modes.decode_sixel(b"\x1bPq#3~" + ST)
    with pytest.raises(ValueError, match="outside the raster"):
        preview_modes.decode_sixel(b'\x1bPq"1;1;1;1#0;2;0;0;0~' + ST)


def test_newest_image_is_the_last_one_sent_through_tmux():
    red = b"\x1bP0;1;0q\"1;1;1;1#0;2;100;0;0#0@-" + ST
    blue = b"\x1bP0;1;0q\"1;1;1;1#0;2;0;0;100#0@-" + ST
    raw = b"\x1b[H" + wrapped(red) + b"text" + wrapped(blue) + b"\x1b8"
    assert preview_modes.sixel_sequences(preview_modes.unwrap_tmux(raw)) == [red, blue]
    assert preview_modes.newest_image("sixel", raw).tolist() == [[list(BLUE)]]
    with pytest.raises(SystemExit, match="no kitty image"):
        preview_modes.newest_image("kitty", raw)
