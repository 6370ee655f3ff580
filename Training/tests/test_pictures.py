"""clade/pictures.py: the --size option's value, and PNG files (pictures and masks) written whole."""
import argparse

import numpy as np
import pytest
from PIL import Image

from clade.pictures import parse_size, write_label_png, write_png


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
