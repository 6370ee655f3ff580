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
from landscape.painted import grid_of, painted_layout, upsampled

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


def test_style_codes_come_from_the_bank_when_given():
    bank = np.arange(12, dtype=np.float32).reshape(3, 4)
    codes = evaluate.style_codes([0, 1, 2], 1, 4, bank)
    assert all(any(np.array_equal(code, row) for row in bank) for code in codes.numpy())


def test_colour_features_are_root_histograms_of_the_pictures():
    images = torch.full((2, 3, 4, 4), -1.0)
    images[1, 0] = 1.0  # the second picture is pure red
    images[1, :, :2] = 1.0  # with a white top half
    features = evaluate.colour_features(images)
    levels = evaluate.COLOUR_LEVELS
    assert features.shape == (2, levels ** 3)
    assert features[0, 0] == 1 and features[0].sum() == 1
    red, white = (levels - 1) * levels * levels, levels ** 3 - 1
    torch.testing.assert_close(features[1, [red, white]], torch.tensor([0.5 ** 0.5, 0.5 ** 0.5]))
    assert (features ** 2).sum(1).allclose(torch.ones(2))


def test_region_features_average_the_bottleneck_over_each_class():
    bottleneck = torch.zeros(2, 3, 8, 8)
    bottleneck[:, 0, :4] = 1.0  # channel 0 is 1 on the top half
    bottleneck[:, 1] = torch.arange(2.0).view(2, 1, 1)  # channel 1 is the picture's number
    labels = torch.zeros(2, 64, 64, dtype=torch.long)
    labels[:, 32:] = 1
    labels[1, 32:, :16] = 2  # 2 columns of cells at 8x8 = 8 cells (too few: REGION_MIN_CELLS is 16)
    regions = evaluate.region_features(bottleneck, labels, 3)
    assert regions[0].shape == (2, 3) and regions[1].shape == (2, 3) and regions[2].shape == (0, 3)
    torch.testing.assert_close(regions[0], torch.tensor([[1.0, 0, 0], [1.0, 1, 0]]))
    torch.testing.assert_close(regions[1], torch.tensor([[0.0, 0, 0], [0.0, 1, 0]]))


def test_region_distances_need_enough_pictures_on_both_sides():
    rng = np.random.default_rng(0)
    a = [[torch.from_numpy(rng.normal(size=(20, 4))), torch.zeros(3, 4)]]
    b = [[torch.from_numpy(rng.normal(size=(20, 4)) + 1), torch.zeros(30, 4)]]
    result = evaluate.region_distances(a, b, ["x", "y"])
    assert result["x"]["fd"] > 2 and result["x"]["pictures"] == 20 and result["x"]["real"] == 20
    assert result["y"] == {"fd": None, "pictures": 3, "real": 30}


def test_painted_tracks_are_the_painters_grids_upsampled():
    compositions = evaluate.painted_layouts("compositions", 3, 64, 32)
    first = painted_layout(evaluate.data.HELDOUT_SEED_BASE, 8, 4)
    assert np.array_equal(compositions[0][0], first.labels)
    grids = evaluate.painted_layouts("painted-grid", 2, 64, 64)
    layout = landscape.layout_only(evaluate.data.HELDOUT_SEED_BASE + 1, 64, 64)
    expected = grid_of(layout.labels, layout.instances, 8, 8)
    assert all(np.array_equal(x, y) for x, y in zip(grids[1], expected, strict=True))
    track = evaluate.grid_track("compositions", compositions, 64, 32, None, torch.device("cpu"))
    assert track.labels.shape == (3, 32, 64) and track.edges.shape == (3, 1, 32, 64)
    assert track.dist.shape == (3, 2, 32, 64)
    assert np.array_equal(track.labels[0].numpy(), upsampled(*compositions[0], 64, 32)[0])


def test_painted_tracks_take_the_canvas_and_the_upsampling_asked_for():
    grids = evaluate.painted_layouts("painted-grid", 1, 64, 64, cell=4)
    layout = landscape.layout_only(evaluate.data.HELDOUT_SEED_BASE, 64, 64)
    assert np.array_equal(grids[0][0], grid_of(layout.labels, layout.instances, 16, 16)[0])
    for method in ("vote", "smooth", "gaussian"):
        track = evaluate.grid_track("painted-grid", grids, 64, 64, None, torch.device("cpu"), method)
        assert np.array_equal(track.labels[0].numpy(), evaluate.upsample(method, *grids[0], 64, 64)[0])


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
    _, icpe_generator = tiny_model(tmp_path / "icpe.safetensors", "clade", True, True)
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
    assert "## Every track" in markdown and "## Frechet distance per class region" in markdown
    assert "| icpe | preset noon |" not in markdown and "| icpe | random N(0, I) |" in markdown
    assert set(first["tracks"]) == set(evaluate.TRACKS) and report["heldout"]["painter_grid"] == "4x4"
    for track in first["tracks"].values():
        assert 0 <= track["miou"] <= 1 and track["segmenter_feature_frechet_distance"] >= 0
        assert track["icpe_off"]["mean_abs_pixel_change"] >= 0 and "sky" in track["region_frechet_distance"]
    assert "icpe_off" not in second["tracks"]["procedural"]
    picture = Image.open(tmp_path / "eval" / "comparison.png")
    assert picture.size == (4 * SIZE, 4 * SIZE)
    assert report["figures"] == ["comparison.png", "painted_icpe.png", "styles_icpe.png", "painted_SPADE.png"]
    # Painted-grid and composition layouts, 6 of each in a row, each picture under its mask.
    assert Image.open(tmp_path / "eval" / "painted_icpe.png").size == (6 * SIZE, 4 * SIZE)
    assert Image.open(tmp_path / "eval" / "styles_icpe.png").size == (3 * SIZE, 2 * SIZE)


def test_a_style_bank_model_draws_its_random_styles_from_the_bank(tmp_path):
    torch.set_num_threads(1)
    config, generator = tiny_model(tmp_path / "plain.safetensors", "clade", True, True)
    config.style_presets = {"noon": [0.0] * config.z_dim}
    modelfile.export(tmp_path / "bank.safetensors", config, generator, ConvEncoder(config),
                     style_bank=torch.randn(5, config.z_dim))
    judge = segmenter.UNet(landscape.NUM_CLASSES, width=4).eval()
    segmenter.save(tmp_path / "seg.pt", judge, (SIZE, SIZE), list(landscape.CLASS_NAMES), {})
    report = evaluate.main(["--model", str(tmp_path / "bank.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                            "--out", str(tmp_path / "eval"), "--count", "4", "--styles", "2", "--style-layouts", "3",
                            "--tracks", "procedural", "--cache-dir", str(tmp_path / "cache"), "--workers", "1"])
    assert "preset noon" in report["models"][0]["styles"]
    model = report["models"][0]
    assert model["random_styles"] == "style bank" and model["style_bank"] == 5
    assert list(model["tracks"]) == ["procedural"]
    assert set(model["styles"]) == {"random N(0, I)", "random (style bank)", "preset noon", "presets mean",
                                    evaluate.REAL_OTHER_STYLE}
    report = evaluate.main(["--model", str(tmp_path / "bank.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                            "--out", str(tmp_path / "eval2"), "--count", "4", "--styles", "2", "--style-layouts", "3",
                            "--tracks", "none", "--presets", "none", "--cache-dir", str(tmp_path / "cache"),
                            "--workers", "1"])
    model = report["models"][0]
    assert model["tracks"] == {} and model["miou"] is None
    assert set(model["styles"]) == {"random N(0, I)", "random (style bank)", evaluate.REAL_OTHER_STYLE}
    with pytest.raises(SystemExit, match="unknown"):
        evaluate.main(["--model", str(tmp_path / "bank.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                       "--out", str(tmp_path / "eval"), "--tracks", "painted"])


def test_models_of_other_classes_are_refused(tmp_path):
    config = ModelConfig.create(label_nc=3, ngf=4, width=SIZE)
    modelfile.export(tmp_path / "m.safetensors", config, SPADEGenerator(config))
    segmenter.save(tmp_path / "seg.pt", segmenter.UNet(landscape.NUM_CLASSES, 4), (SIZE, SIZE),
                   list(landscape.CLASS_NAMES), {})
    with pytest.raises(SystemExit, match="not the segmenter's"):
        evaluate.main(["--model", str(tmp_path / "m.safetensors"), "--segmenter", str(tmp_path / "seg.pt"),
                       "--out", str(tmp_path / "eval"), "--cache-dir", str(tmp_path / "cache")])
