"""clade/pictures.py: the --size option's value, and PNG files (pictures and masks) written whole."""
import argparse

import numpy as np
import pytest
from PIL import Image

from clade.pictures import parse_size, sheet_of, write_label_png, write_png


@pytest.mark.parametrize(("text", "size"), [("512x256", (512, 256)), ("64X32", (64, 32)), ("256", (256, 256))])
def test_parse_size_reads_width_then_height(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "x", "512x", "axb", "0x64", "64x-1", "1x2x3", "64 by 64"])
def test_parse_size_refuses_what_is_not_a_size(text):
    with pytest.raises(argparse.ArgumentTypeError, match="size must be WIDTHxHEIGHT"):
        parse_size(text)


def test_write_png_round_trips_colour_and_label_maps(tmp_path):
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    labels = rng.integers(0, 13, (5, 7), dtype=np.uint8)
    write_png(colour, tmp_path / "colour.png")
    write_png(Image.fromarray(labels), str(tmp_path / "labels.png"), optimize=True)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "colour.png")), colour)
    assert np.array_equal(np.asarray(Image.open(tmp_path / "labels.png")), labels)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["colour.png", "labels.png"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "picture.png"
    write_png(np.zeros((2, 2, 3), np.uint8), path)
    before = path.read_bytes()
    with pytest.raises(OSError):
        write_png(Image.new("CMYK", (2, 2)), path)  # PNG has no CMYK
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["picture.png"]


def test_label_masks_keep_their_class_ids_grey_or_indexed(tmp_path):
    labels = np.arange(12, dtype=np.int64).reshape(3, 4) % 5
    palette = np.array([[10 * i, 20 * i, 30 * i] for i in range(5)], np.uint8)
    write_label_png(labels, tmp_path / "grey.png")
    write_label_png(labels, tmp_path / "indexed.png", palette)
    with Image.open(tmp_path / "grey.png") as grey, Image.open(tmp_path / "indexed.png") as indexed:
        assert grey.mode == "L" and indexed.mode == "P"
        assert np.array_equal(np.asarray(grey), labels) and np.array_equal(np.asarray(indexed), labels)
        assert np.array_equal(np.asarray(indexed.getpalette()[:15], np.uint8).reshape(5, 3), palette)


def test_a_label_mask_refuses_ids_an_8_bit_mask_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match=r"big\.png: class ids must lie in 0\.\.255"):
        write_label_png(np.array([[0, 256]]), tmp_path / "big.png")
    assert not (tmp_path / "big.png").exists()


def test_sheet_of_pastes_each_panel_under_its_name_row_by_row():
    red, blue = Image.new("RGB", (10, 6), (255, 0, 0)), Image.new("RGB", (4, 9), (0, 0, 255))
    sheet = sheet_of([[("a", red), ("b", blue)], [("c", blue)]], gap=2, label=18)
    assert sheet.size == (10 + 2 + 4, 18 + 9 + 2 + 18 + 9)
    pixels = np.asarray(sheet)
    assert (pixels[18:24, 0:10] == (255, 0, 0)).all()
    assert (pixels[18:27, 12:16] == (0, 0, 255)).all() and (pixels[47:56, 0:4] == (0, 0, 255)).all()
    assert (pixels[24:27, 0:10] == 255).all()  # white below the shorter panel of a row
    assert (pixels[:18] < 128).any()  # the names are written in black above the panels
