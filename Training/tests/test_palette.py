"""clade/palette.py: reading palette files, and errors that name the file and the line."""
import pytest

from clade.palette import PaletteError, palette_file, read_palette


def test_reads_name_and_entries_in_file_order(tmp_path):
    path = tmp_path / "two.gpl"
    path.write_text("GIMP Palette\nName: two\nColumns: 2\n# a comment\n\n 10  20  30\tsky blue\n0 255 7 grass\n")
    assert read_palette(path) == ("two", [("sky blue", (10, 20, 30)), ("grass", (0, 255, 7))])


def test_every_palette_of_the_checkout_reads():
    for name in ("landscape", "ade20k", "ade20k-outdoor", "cityscapes", "coco-stuff"):
        palette_name, entries = read_palette(palette_file(name))
        assert palette_name == name and entries


@pytest.mark.parametrize(("text", "problem"), [
    ("", r"bad\.gpl:1: expected 'GIMP Palette'"),
    ("JASC-PAL\n", r"bad\.gpl:1: expected 'GIMP Palette'"),
    ("GIMP Palette\nName: x\n12 34\n", r"bad\.gpl:3: expected 'R G B name'"),
    ("GIMP Palette\n12 x 4\tsky\n", r"bad\.gpl:2: colour values must be integers"),
    ("GIMP Palette\nName: x\n12 300 4\tsky\n", r"bad\.gpl:3: colour values must be in 0\.\.255"),
])
def test_errors_name_the_file_and_the_line(tmp_path, text, problem):
    bad = tmp_path / "bad.gpl"
    bad.write_text(text)
    with pytest.raises(PaletteError, match=problem):
        read_palette(bad)


def test_a_missing_file_is_a_palette_error(tmp_path):
    with pytest.raises(PaletteError, match=r"missing\.gpl: cannot read the palette"):
        read_palette(tmp_path / "missing.gpl")
