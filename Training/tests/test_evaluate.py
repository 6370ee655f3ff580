import json

import numpy as np
import pytest
import torch
from PIL import Image

import evaluate
import landscape
import segmenter
from clade import modelfile
from clade.config import ModelConfig
from clade.networks import ConvEncoder, SPADEGenerator
from clade.style import random_style

SIZE = 32


def test_confusion_matrix_counts_target_rows_and_skips_the_ignored_class():
    target = torch.tensor([0, 0, 1, 1, 2, 2])
    prediction = torch.tensor([0, 1, 1, 1, 0, 2])
    confusion = evaluate.confusion_matrix(prediction, target, 3)
    assert confusion.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    assert evaluate.confusion_matrix(prediction, target, 3, ignored=2).sum() == 4


def test_scores_average_iou_over_classes_present_in_target_or_prediction():
    confusion = torch.tensor([[1, 1, 0, 0], [0, 2, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    scores = evaluate.segmentation_scores(confusion, ["a", "b", "c", "d"])
    # IoU a = 1 / (2 + 2 - 1), b = 2 / 3, c = 1 / 2; d never occurs and is left out.
    assert scores["miou"] == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)
    assert scores["pixel_accuracy"] == pytest.approx(4 / 6)
    assert scores["per_class_iou"]["d"] is None


def test_frechet_distance_is_zero_for_equal_sets_and_the_squared_shift_for_moved_ones():
    features = np.random.default_rng(0).normal(size=(200, 6))
    assert evaluate.frechet_distance(features, features) == pytest.approx(0, abs=1e-8)
    assert evaluate.frechet_distance(features, features + 0.5) == pytest.approx(6 * 0.25, abs=1e-8)
    scaled = evaluate.frechet_distance(features, features * 2)
    # Same mean (up to the sample mean), covariance 4x: Tr(S) + Tr(4S) - 2 Tr(2S) = Tr(S).
    assert scaled == pytest.approx(np.trace(np.cov(features, rowvar=False)) + (features.mean(0) ** 2).sum(), rel=1e-6)


def test_mean_pairwise_distance():
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 2.0]])
    # Mean absolute difference per element: pairs (0, 1), (0, 2), (1, 2) each differ by 1 on average.
    assert evaluate.mean_pairwise_distance(x, "l1") == pytest.approx(1.0)
    assert evaluate.mean_pairwise_distance(x, "l2") == pytest.approx((2 ** 0.5 + 2 ** 0.5 + 2) / 3)
    assert evaluate.mean_pairwise_distance(x[:1], "l1") == 0.0


def test_style_codes_are_the_seeded_codes_of_the_swift_side():
    codes = evaluate.style_codes([0, 3], 2, 16)
    np.testing.assert_array_equal(codes[1].numpy(), random_style(3 * evaluate.STYLE_SEED_STRIDE + 2, 16))


def tiny_model(path, architecture, use_vae, use_icpe):
    config = ModelConfig.create(architecture=architecture, label_nc=landscape.NUM_CLASSES, ngf=4, width=SIZE,
                                use_instance_edges=True, use_icpe=use_icpe, use_vae=use_vae, z_dim=8,
                                palette="landscape", class_names=list(landscape.CLASS_NAMES))
    torch.manual_seed(0)
    generator = SPADEGenerator(config)
    # PyTorch's default init instead of the papers' gain 0.02, so that the untrained generator's pictures
    # visibly depend on the style code.
    for module in generator.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            module.reset_parameters()
    modelfile.export(path, config, generator, ConvEncoder(config) if use_vae else None)
    return config, generator


def test_one_command_evaluates_several_models_into_json_markdown_and_pictures(tmp_path):
    torch.set_num_threads(1)
    icpe, icpe_generator = tiny_model(tmp_path / "icpe.safetensors", "clade", True, True)
    tiny_model(tmp_path / "spade.safetensors", "spade", False, False)
    judge = segmenter.UNet(landscape.NUM_CLASSES, width=4).eval()
    segmenter.save(tmp_path / "seg.pt", judge, (SIZE, SIZE), list(landscape.CLASS_NAMES), {"data": "untrained"})

    report = evaluate.main(["--model", str(tmp_path / "icpe.safetensors"), "--model",
                            f"SPADE={tmp_path / 'spade.safetensors'}", "--segmenter", str(tmp_path / "seg.pt"),
                            "--out", str(tmp_path / "eval"), "--count", "6", "--styles", "3",
                            "--diversity-layouts", "2", "--batch-size", "4", "--cache-dir", str(tmp_path / "cache"),
                            "--workers", "1"])
    assert report == json.loads((tmp_path / "eval" / "report.json").read_text())
    first, second = report["models"]
    assert (first["name"], second["name"]) == ("icpe", "SPADE")
    assert first["generator_params"] == sum(p.numel() for p in icpe_generator.parameters())
    assert first["encoder_params"] > 0 and second["encoder_params"] == 0
    assert second["generator_gmacs"] > first["generator_gmacs"] > 0
    for result in (first, second, report["real"]):
        assert 0 <= result["miou"] <= 1 and 0 <= result["pixel_accuracy"] <= 1
    assert first["segmenter_feature_frechet_distance"] >= 0
    assert first["diversity_l1"] > 0 and second["diversity_l1"] is None
    assert report["real"]["diversity_l1"] > 0
    markdown = (tmp_path / "eval" / "report.md").read_text()
    assert "| icpe | clade | yes |" in markdown and "| SPADE | spade | no |" in markdown
    assert "segmenter's pooled bottleneck features" in markdown and "real renders (ceiling)" in markdown
    picture = Image.open(tmp_path / "eval" / "comparison.png")
    assert picture.size == (4 * SIZE, 4 * SIZE)
    assert report["figures"] == ["comparison.png", "styles_icpe.png"]
    assert Image.open(tmp_path / "eval" / "styles_icpe.png").size == (3 * SIZE, 4 * SIZE)


def test_models_of_other_classes_are_refused(tmp_path):
    config = ModelConfig.create(label_nc=3, ngf=4, width=SIZE)
    modelfile.export(tmp_path / "m.safetensors", config, SPADEGenerator(config))
    segmenter.save(tmp_path / "seg.pt", segmenter.UNet(landscape.NUM_CLASSES, 4), (SIZE, SIZE),
                   list(landscape.CLASS_NAMES), {})
    with pytest.raises(SystemExit, match="not the segmenter's"):
        evaluate.main(["--model", str(tmp_path / "m.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                       "--out", str(tmp_path / "eval"), "--cache-dir", str(tmp_path / "cache")])
