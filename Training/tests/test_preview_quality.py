import json
import math

import pytest
import torch

import data
import landscape
import preview_quality
import segmenter
from clade import modelfile
from clade.config import ModelConfig
from clade.networks import ConvEncoder, SPADEGenerator

SIZE = 64


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


def test_draft_inputs_are_the_full_size_layout_at_half_size():
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=2, width=128, use_instance_edges=True,
                                use_icpe=True, use_vae=True, z_dim=8, class_names=list(landscape.CLASS_NAMES))
    seed = data.HELDOUT_SEED_BASE + 2
    seg, dist = preview_quality.draft_inputs(config, [seed], 2)
    assert seg.shape == (1, config.semantic_nc, 64, 64) and dist.shape == (1, 2, 64, 64)
    _, labels, _ = data.landscape_sample(seed, 128, 128, 0.0)
    agreement = (seg[0, :-1].argmax(0).numpy() == labels[::2, ::2]).mean()
    assert agreement > 0.9
    assert dist.abs().max() <= 1 and dist.abs().max() > 0.5


def tiny_model(path):
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=4, width=SIZE, use_instance_edges=True,
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
    assert (report["count"], report["size"], report["draft_size"]) == (3, "64x64", "32x32")
    for kind in ("full", "draft", "resolution_only"):
        assert 0 <= report[kind]["miou"] <= 1 and 0 <= report[kind]["pixel_accuracy"] <= 1
    for kind in ("draft", "resolution_only"):
        assert 0 < report[kind]["psnr_db"] < 100 and 0 < report[kind]["mae"] < 1
    printed = capsys.readouterr().out
    assert "| PSNR against the full render (mean) | - |" in printed
    assert json.loads(printed.splitlines()[-1]) == report


def test_models_without_a_half_size_draft_are_refused(tmp_path):
    config = ModelConfig.create(label_nc=landscape.NUM_CLASSES, ngf=2, width=32, use_vae=True, z_dim=8,
                                class_names=list(landscape.CLASS_NAMES))
    modelfile.export(tmp_path / "m.safetensors", config, SPADEGenerator(config), ConvEncoder(config))
    with pytest.raises(SystemExit, match="1x1 head map has no half-size draft"):
        preview_quality.main(["--model", str(tmp_path / "m.safetensors"), "--segmenter", str(tmp_path / "none.pt"),
                              "--cache-dir", str(tmp_path / "cache")])
