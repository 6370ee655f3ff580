import argparse
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import data
import evaluate
import landscape
import preview_quality
import segmenter
from clade import modelfile
from clade.config import ModelConfig
from clade.networks import ConvEncoder, SPADEGenerator

SIZE = 64
ROOT = Path(__file__).resolve().parents[2]


def test_draft_reductions_are_the_painters():
    swift = (ROOT / "Sources/Painter/PaintModel.swift").read_text()
    declared = re.search(r"static let draftReductions = \[([0-9, ]+)\]", swift)
    assert declared, "PaintModel.draftReductions not found"
    assert [int(r) for r in declared.group(1).split(",")] == preview_quality.DRAFT_REDUCTIONS


@pytest.mark.parametrize(("width", "height", "use_vae", "reduction"), [
    (256, 256, True, 4),  # the bundled model's size: 8x8 head map
    (512, 256, True, 4),
    (128, 128, True, 4),
    (64, 64, True, 2),  # 2x2 head map: halves once
    (32, 32, True, None),
    (128, 128, False, 4),  # without a style encoder: drafts are multiples of 32
    (256, 128, False, 4),
    (128, 64, False, 2),
    (64, 64, False, 2),
    (96, 32, False, None),
    (32, 32, False, None),
])
def test_painter_reduction_is_the_first_of_4_and_2_the_generator_draws(width, height, use_vae, reduction):
    # The same cases as the Swift PaintModelTests draftSize test, plus the bundled model's size.
    config = ModelConfig.create(label_nc=3, ngf=2, width=width, height=height, use_vae=use_vae, z_dim=8)
    assert preview_quality.painter_reduction(config) == reduction


def test_reduction_problem_names_what_the_generator_cannot_draw():
    config = ModelConfig.create(label_nc=3, ngf=2, width=128, use_vae=True, z_dim=8)
    assert preview_quality.reduction_problem(config, 4) is None
    assert preview_quality.reduction_problem(config, 3) == "the model's 128x128 does not divide by 3"
    assert "a 16x16 picture: this model starts from a style code" in preview_quality.reduction_problem(config, 8)


@pytest.mark.parametrize("text", ["1", "0", "-2", "half", "2.5"])
def test_reduction_option_refuses_what_is_not_a_reduction(text):
    with pytest.raises(argparse.ArgumentTypeError, match="a reduction is an integer of 2 or more"):
        preview_quality.reduction_argument(text)


def test_in_256_colours_keeps_smooth_pictures_close():
    ramp = np.linspace(0, 255, 300)
    pixels = np.stack([np.tile(ramp, (40, 1)), np.tile(ramp[::-1], (40, 1)), np.full((40, 300), 90.0)], -1)
    image = Image.fromarray(pixels.round().astype(np.uint8))
    reduced = preview_quality.in_256_colours(image)
    assert reduced.mode == "P" and len(reduced.getcolors()) <= 256
    error = np.abs(np.asarray(reduced.convert("RGB"), dtype=int) - np.asarray(image, dtype=int))
    assert error.mean() < 3


def test_psnr_and_mean_abs_error_measure_rgb_in_0_1():
    a = torch.zeros(2, 3, 4, 4)
    b = a.clone()
    b[0] += 0.2  # 0.1 on RGB in [0, 1]: MSE 0.01, 20 dB
    assert preview_quality.psnr(a, b)[0].item() == pytest.approx(20, abs=1e-4)
    assert math.isinf(preview_quality.psnr(a, b)[1].item())
    assert preview_quality.mean_abs_error(a, b).tolist() == pytest.approx([0.1, 0.0])


def test_upscale_is_bilinear_without_antialiasing_and_resolution_only_keeps_flat_pictures():
    small = torch.tensor([[[[0.0, 1.0]]]]).expand(1, 3, 1, 2)
    # align_corners=False: 4 output columns read source 0, 0.25, 0.75, 1 (clamped at the borders).
    assert preview_quality.upscale(small, 1, 4)[0, 0, 0].tolist() == pytest.approx([0.0, 0.25, 0.75, 1.0])
    flat = torch.full((1, 3, 8, 8), 0.3)
    assert torch.allclose(preview_quality.resolution_only(flat, 2), flat)


@pytest.mark.parametrize(("reduction", "agreeing"), [(2, 0.9), (4, 0.85)])
def test_draft_inputs_are_the_full_size_layout_at_the_drafts_size(reduction, agreeing):
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=2, width=128, use_instance_edges=True,
                                use_icpe=True, use_vae=True, z_dim=8, class_names=list(landscape.CLASS_NAMES))
    seed = data.HELDOUT_SEED_BASE + 2
    side = 128 // reduction
    seg, dist = preview_quality.draft_inputs(config, [seed], reduction)
    assert seg.shape == (1, config.semantic_nc, side, side) and dist.shape == (1, 2, side, side)
    _, labels, _ = data.landscape_sample(seed, 128, 128, 0.0)
    agreement = (seg[0, :-1].argmax(0).numpy() == labels[::reduction, ::reduction]).mean()
    assert agreement > agreeing
    assert dist.abs().max() <= 1 and dist.abs().max() > 0.5


def tiny_model(path, size=SIZE):
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=4, width=size, use_instance_edges=True,
                                use_icpe=True, use_vae=True, z_dim=8, palette="landscape",
                                class_names=list(landscape.CLASS_NAMES))
    torch.manual_seed(0)
    generator = SPADEGenerator(config)
    for module in generator.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            module.reset_parameters()
    modelfile.export(path, config, generator, ConvEncoder(config))


def test_one_command_reports_the_draft_against_the_full_render(tmp_path, capsys):
    torch.set_num_threads(1)
    tiny_model(tmp_path / "m.safetensors")
    segmenter.save(tmp_path / "seg.pt", segmenter.UNet(landscape.NUM_CLASSES, width=4).eval(), (SIZE, SIZE),
                   list(landscape.CLASS_NAMES), {"data": "untrained"})
    report = preview_quality.main(["--model", str(tmp_path / "m.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                                   "--count", "3", "--batch-size", "2", "--cache-dir", str(tmp_path / "cache"),
                                   "--workers", "1", "--out", str(tmp_path / "q.json")])
    assert report == json.loads((tmp_path / "q.json").read_text())
    # A 64x64 model's head map is 2x2: the painter's draft is at half size.
    assert (report["count"], report["size"], report["reduction"], report["painter_reduction"],
            report["draft_size"]) == (3, "64x64", 2, 2, "32x32")
    for kind in ("full", "draft", "resolution_only"):
        assert 0 <= report[kind]["miou"] <= 1 and 0 <= report[kind]["pixel_accuracy"] <= 1
    for kind in ("draft", "resolution_only"):
        assert 0 < report[kind]["psnr_db"] < 100 and 0 < report[kind]["mae"] < 1
    printed = capsys.readouterr().out
    assert "| PSNR against the full render (mean) | - |" in printed
    assert json.loads(printed.splitlines()[-1]) == report


def run(tmp_path, *options):
    return preview_quality.main(["--model", str(tmp_path / "m.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                                 "--count", "3", "--batch-size", "3", "--cache-dir", str(tmp_path / "cache"),
                                 "--workers", "1", *options])


def test_the_draft_is_the_painters_quarter_size_one_unless_a_reduction_is_asked_for(tmp_path, capsys):
    torch.set_num_threads(1)
    tiny_model(tmp_path / "m.safetensors", size=128)
    segmenter.save(tmp_path / "seg.pt", segmenter.UNet(landscape.NUM_CLASSES, width=4).eval(), (64, 64),
                   list(landscape.CLASS_NAMES), {"data": "untrained"})
    quarter = run(tmp_path, "--sheet", str(tmp_path / "drafts.png"))
    assert (quarter["reduction"], quarter["painter_reduction"], quarter["draft_size"]) == (4, 4, "32x32")
    assert "| 3 held-out layouts, 128x128 | full render | draft 32x32 upscaled | full render at 32x32 and back |" \
        in capsys.readouterr().out
    half = run(tmp_path, "--reduction", "2")
    assert (half["reduction"], half["painter_reduction"], half["draft_size"]) == (2, 4, "64x64")
    assert half["full"] == quarter["full"]
    # Half the resolution loses less of the full render than a quarter of it.
    assert half["resolution_only"]["psnr_db"] > quarter["resolution_only"]["psnr_db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "drafts.png", "m.safetensors", "seg.pt"]

    # The sheet: a row per layout (3 of them), each with the layout, the full render and the drafts at half and
    # a quarter of the size, 128 pixels wide, 8 apart, under 18-pixel names.
    sheet = Image.open(tmp_path / "drafts.png")
    assert sheet.mode == "P" and sheet.size == (4 * 128 + 3 * 8, 3 * (18 + 128) + 2 * 8)
    pixels = np.asarray(sheet.convert("RGB"), dtype=int)
    config, generator, _ = modelfile.load(str(tmp_path / "m.safetensors"))
    full_track = evaluate.procedural_track(evaluate.heldout_cache(
        argparse.Namespace(count=3, cache_dir=str(tmp_path / "cache"), workers=1), 128, 128, config.class_count,
        torch.device("cpu")))
    full = evaluate.to_pixels(evaluate.generate(generator.eval(), config, full_track, [1], evaluate.style_codes(
        [1], 0, config.z_dim)))[0]
    quarter_draft = evaluate.to_pixels(preview_quality.upscale(preview_quality.draw_draft(
        generator, config, [1], 4), 128, 128))[0]
    row = 18 + 128 + 8 + 18
    layout = landscape.colourize(full_track.labels[1].numpy())
    panels = [pixels[row:row + 128, x:x + 128] for x in (0, 136, 272, 408)]
    assert np.abs(panels[0] - layout).mean() < 3
    assert np.abs(panels[1] - full).mean() < 4
    assert np.abs(panels[3] - quarter_draft).mean() < 4
    assert np.abs(panels[3] - full).mean() > np.abs(panels[3] - quarter_draft).mean()


def test_reductions_the_generator_cannot_draw_are_refused(tmp_path):
    tiny_model(tmp_path / "m.safetensors")
    with pytest.raises(SystemExit, match="--reduction 4: a 16x16 picture: this model starts from a style code"):
        run(tmp_path, "--reduction", "4")
    with pytest.raises(SystemExit, match="--reduction 3: the model's 64x64 does not divide by 3"):
        run(tmp_path, "--reduction", "3")


def test_models_without_a_draft_are_refused(tmp_path):
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=2, width=32, use_vae=True, z_dim=8,
                                class_names=list(landscape.CLASS_NAMES))
    modelfile.export(tmp_path / "m.safetensors", config, SPADEGenerator(config), ConvEncoder(config))
    with pytest.raises(SystemExit, match="1x1 head map has no draft"):
        run(tmp_path)
