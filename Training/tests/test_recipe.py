"""The recipe options of train.py (averaged weights, segmentation discriminator, ICPE drop, per-channel ICPE,
starting from a model file, painted-first data) at a tiny size."""
import math

import numpy as np
import pytest
import torch
from torch import nn

import data
import evaluate
import losses
import train
from clade import modelfile, snapshot
from clade.conditioning import upsample_labels
from clade.networks import ClassAffine, SPADEGenerator, make_semantic
from clade.segmentation_discriminator import SegmentationDiscriminator
from ema import GeneratorAverage
from landscape.painted import painted_layout
from test_train import TINY, log_records, run

SIZE = 64


# Averaged weights --------------------------------------------------------------------------------------------


def test_the_average_ramps_up_then_holds_the_decay():
    average = GeneratorAverage(nn.Linear(2, 2), decay=0.999)
    assert average.beta() == pytest.approx(0.1)  # (1 + 0) / (10 + 0): the first update mostly copies
    average.updates = 90
    assert average.beta() == pytest.approx(91 / 100)
    average.updates = 10 ** 6
    assert average.beta() == 0.999
    with pytest.raises(ValueError, match="decay"):
        GeneratorAverage(nn.Linear(2, 2), decay=1.0)


def test_an_update_moves_the_average_towards_the_live_weights_and_copies_buffers():
    live, averaged = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    live.weight.data.fill_(3.0)
    live.running_mean.fill_(5.0)
    averaged.weight.data.fill_(1.0)
    average = GeneratorAverage(averaged, decay=0.5)
    average.update(live)  # beta = min(0.5, 1 / 10) = 0.1
    torch.testing.assert_close(averaged.weight.data, torch.full((3,), 0.1 * 1.0 + 0.9 * 3.0))
    torch.testing.assert_close(averaged.running_mean, torch.full((3,), 5.0))
    assert average.updates == 1 and not averaged.weight.requires_grad


def test_batch_norm_statistics_are_measured_again_as_a_plain_average():
    norm = nn.BatchNorm1d(2)
    norm.running_mean.fill_(100.0)
    average = GeneratorAverage(norm, decay=0.9)
    batches = iter([torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([[4.0, 5.0], [6.0, 7.0]])])
    average.recompute_batch_norm(lambda model: model(next(batches)), 2)
    torch.testing.assert_close(norm.running_mean, torch.tensor([3.0, 4.0]))
    assert not norm.training and norm.momentum == 0.1


def test_training_with_an_average_exports_the_average_with_its_own_statistics(tmp_path):
    out = tmp_path / "out"
    run(out, tmp_path / "cache", "--max-steps", "3", "--ema-decay", "0.9", "--ema-bn-batches", "2",
        "--sample-every", "0")
    state = torch.load(out / train.CHECKPOINT_NAME, weights_only=False)
    assert state["generator_average"]["updates"] == 3
    config, exported, _ = modelfile.load(out / "model.safetensors")
    assert config.training_data.endswith("; generator weights averaged (decay 0.9)")
    averaged = SPADEGenerator(config, spectral=True)
    averaged.load_state_dict(state["generator_average"]["model"])
    live = SPADEGenerator(config, spectral=True)
    live.load_state_dict(state["generator"])
    key = "head_0.norm_0.param_free_norm.running_mean"
    assert not torch.equal(averaged.state_dict()[key], live.state_dict()[key])
    labels = torch.randint(0, config.class_count, (2, SIZE, SIZE))
    inputs = (make_semantic(labels, (labels % 2).float(), config), torch.rand(2, 2, SIZE, SIZE) * 2 - 1,
              torch.randn(2, config.z_dim))
    with torch.no_grad():
        torch.testing.assert_close(exported(*inputs), averaged.eval()(*inputs), atol=1e-5, rtol=1e-4)
        assert not torch.allclose(exported(*inputs), live.eval()(*inputs), atol=1e-4)


# Segmentation discriminator ----------------------------------------------------------------------------------


def test_the_segmentation_discriminator_gives_n_plus_one_logits_per_pixel():
    d = SegmentationDiscriminator(classes=5, ndf=4, depth=3)
    assert d(torch.randn(2, 3, 32, 16)).shape == (2, 6, 32, 16) and d.fake_class == 5
    with pytest.raises(ValueError, match="multiples of 8"):
        d(torch.randn(1, 3, 20, 16))


def test_class_balance_gives_every_present_class_the_same_total_weight():
    labels = torch.tensor([[[0, 0, 0, 0], [0, 0, 0, 3]]])
    weights = losses.class_balance(labels, 5)
    # 8 pixels, 2 classes: class 0 (7 pixels) weighs 8 / (2 * 7) each, class 3 (1 pixel) 8 / 2.
    assert float(weights[labels == 0].sum()) == pytest.approx(4.0)
    assert float(weights[labels == 3].sum()) == pytest.approx(4.0)


def test_labelmix_takes_whole_classes_from_one_image_and_wants_the_mixed_logits():
    torch.manual_seed(0)
    labels = torch.randint(0, 4, (3, 8, 8))
    mask = losses.labelmix_mask(labels, 4)
    assert mask.shape == (3, 1, 8, 8)
    for b in range(3):
        for c in range(4):
            values = mask[b, 0][labels[b] == c]
            assert values.numel() == 0 or bool((values == values[0]).all())
    real, fake = torch.randn(3, 5, 8, 8), torch.randn(3, 5, 8, 8)
    assert float(losses.labelmix_loss(mask * real + (1 - mask) * fake, real, fake, mask)) == 0.0
    assert float(losses.labelmix_loss(real, real, fake, mask)) > 0.0


def test_segmentation_loss_weights_pixels():
    logits = torch.zeros(1, 3, 1, 2)
    target = torch.tensor([[[0, 1]]])
    plain = losses.segmentation_loss(logits, target)
    assert float(plain) == pytest.approx(math.log(3))
    weighted = losses.segmentation_loss(logits, target, torch.tensor([[[2.0, 0.0]]]))
    assert float(weighted) == pytest.approx(math.log(3))


def test_training_with_the_segmentation_discriminator(tmp_path):
    out = tmp_path / "out"
    summary = run(out, tmp_path / "cache", "--max-steps", "2", "--discriminator", "segmentation",
                  "--sample-every", "0")
    assert summary["step"] == 2
    records = [r for r in log_records(out) if "event" not in r]
    for record in records:
        for key in ("g_gan", "d_seg", "d_labelmix", "g_kl", "g_l1"):
            assert math.isfinite(record[key]), key
        assert "g_feat" not in record and "d_hinge" not in record
    state = torch.load(out / train.CHECKPOINT_NAME, weights_only=False)
    assert state["discriminator_kind"] == "segmentation"
    with pytest.raises(SystemExit, match="segmentation discriminator"):
        run(out, tmp_path / "cache", "--max-steps", "3", "--resume", "auto")


# ICPE --------------------------------------------------------------------------------------------------------


def icpe_weights(out):
    generator = torch.load(out / train.CHECKPOINT_NAME, weights_only=False)["generator"]
    return [v for k, v in generator.items() if k.endswith("dist_conv_w.weight")]


def test_icpe_drop_trains_batches_without_the_distance_map(tmp_path):
    # With every batch dropped, the ICPE convs never see a distance map: their weights stay at the zero init.
    dropped, kept = tmp_path / "dropped", tmp_path / "kept"
    run(dropped, tmp_path / "cache", "--max-steps", "2", "--icpe-drop", "1", "--export", "", "--sample-every", "0")
    run(kept, tmp_path / "cache", "--max-steps", "2", "--export", "", "--sample-every", "0")
    assert all(float(w.abs().max()) == 0.0 for w in icpe_weights(dropped))
    assert any(float(w.abs().max()) > 0.0 for w in icpe_weights(kept))
    with pytest.raises(SystemExit, match="icpe-drop"):
        run(kept, tmp_path / "cache", "--max-steps", "3", "--icpe-drop", "1.5")


def test_per_channel_icpe_scales_each_channel_by_its_own_weights():
    single, per_channel = ClassAffine(3, 4, True), ClassAffine(3, 4, True, icpe_per_channel=True)
    assert per_channel.dist_conv_w.weight.shape == (4, 2, 1, 1)
    with torch.no_grad():
        for name in ("weight", "bias"):
            getattr(per_channel, name).copy_(getattr(single, name))
        single.dist_conv_w.weight.copy_(torch.tensor([0.3, -0.2]).view(1, 2, 1, 1))
        per_channel.dist_conv_w.weight.copy_(torch.tensor([0.3, -0.2]).view(1, 2, 1, 1).repeat(4, 1, 1, 1))
    x = torch.randn(2, 4, 8, 8)
    onehot = torch.nn.functional.one_hot(torch.randint(0, 3, (2, 8, 8)), 3).permute(0, 3, 1, 2).float()
    dist = torch.rand(2, 2, 8, 8)
    with torch.no_grad():
        # Equal weights in every channel are the published single channel ...
        torch.testing.assert_close(per_channel(x, onehot, dist), single(x, onehot, dist))
        # ... and one channel's own weight changes that channel alone.
        per_channel.dist_conv_w.weight[2] = 0.0
        changed = (per_channel(x, onehot, dist) - single(x, onehot, dist)).abs().amax(dim=(0, 2, 3))
    assert changed[2] > 0 and float(changed[[0, 1, 3]].max()) == 0.0


def test_per_channel_icpe_trains_but_is_not_exported(tmp_path):
    with pytest.raises(SystemExit, match="icpe-per-channel"):
        run(tmp_path / "a", tmp_path / "cache", "--max-steps", "1", "--icpe-per-channel")
    out = tmp_path / "b"
    run(out, tmp_path / "cache", "--max-steps", "2", "--icpe-per-channel", "--export", "", "--sample-every", "0")
    assert all(w.shape[0] > 1 for w in icpe_weights(out))


def test_per_channel_icpe_snapshots_draw_as_the_trained_generator(tmp_path):
    out = tmp_path / "out"
    run(out, tmp_path / "cache", "--max-steps", "2", "--icpe-per-channel", "--export", "", "--sample-every", "0",
        "--snapshot-steps", "2")
    path = out / f"snapshot_0000002{snapshot.SUFFIX}"
    config, generator, bank = evaluate.load_model(str(path))
    assert bank is None and evaluate.read_model_config(str(path)) == config
    trained = SPADEGenerator(config, spectral=True, icpe_per_channel=True)
    trained.load_state_dict(torch.load(out / train.CHECKPOINT_NAME, weights_only=False)["generator"])
    labels = torch.randint(0, config.class_count, (2, SIZE, SIZE))
    seg, dist = make_semantic(labels, (labels % 2).float(), config), torch.rand(2, 2, SIZE, SIZE) * 2 - 1
    z = torch.randn(2, config.z_dim)
    with torch.no_grad():
        torch.testing.assert_close(generator(seg, dist, z), trained.eval()(seg, dist, z), atol=1e-5, rtol=1e-4)


def test_a_generator_snapshot_that_is_not_one_is_refused_by_name(tmp_path):
    wrong = tmp_path / f"wrong{snapshot.SUFFIX}"
    torch.save({"format": "something else"}, wrong)
    with pytest.raises(modelfile.ModelFileError, match=f"{wrong}: not a generator snapshot"):
        snapshot.load(wrong)
    broken = tmp_path / f"broken{snapshot.SUFFIX}"
    broken.write_bytes(b"not a torch file")
    with pytest.raises(modelfile.ModelFileError, match=f"{broken}: not a readable generator snapshot"):
        snapshot.read_config(broken)


# Starting from a model file ----------------------------------------------------------------------------------


def test_training_starts_from_the_weights_of_a_model_file(tmp_path):
    first = tmp_path / "first"
    run(first, tmp_path / "cache", "--max-steps", "2", "--sample-every", "0")
    args = train.build_parser().parse_args([*TINY, "--out", str(tmp_path / "x"), "--init-from",
                                            str(first / "model.safetensors")])
    config = train.model_config(args, train.dataset_description(args))
    trainer = train.Trainer(args, config, torch.device("cpu"), train.Distributed())
    _, generator, encoder = modelfile.load(first / "model.safetensors")
    labels = torch.randint(0, config.class_count, (2, SIZE, SIZE))
    seg, dist = make_semantic(labels, (labels % 2).float(), config), torch.rand(2, 2, SIZE, SIZE) * 2 - 1
    z = torch.randn(2, config.z_dim)
    image = torch.rand(2, 3, SIZE, SIZE) * 2 - 1
    # Not exact: the file's weights were divided by the exporting run's estimate of their largest singular
    # value, so theirs is 1 only up to that estimate's error, and the training module divides by it again.
    with torch.no_grad():
        torch.testing.assert_close(trainer.generator.eval()(seg, dist, z), generator(seg, dist, z),
                                   atol=1e-3, rtol=1e-3)
        torch.testing.assert_close(trainer.encoder.eval()(image)[0], encoder(image)[0], atol=1e-3, rtol=1e-3)
    with pytest.raises(SystemExit, match="ngf"):
        run(tmp_path / "y", tmp_path / "cache", "--max-steps", "1", "--ngf", "8", "--init-from",
            str(first / "model.safetensors"))


# Painted-first data ------------------------------------------------------------------------------------------


def test_painted_first_samples_are_painted_grids_rendered_into_their_cells(tmp_path):
    spec = data.CacheSpec(source="landscape", width=SIZE, height=SIZE, count=2, classes=13, seed=40,
                          painted_fraction=1.0)
    assert "painted1" in spec.folder_name()
    cache = data.SampleCache(data.build_cache(spec, tmp_path, workers=1, log=lambda _: None), flip=False)
    for index in range(2):
        painting = painted_layout(40 + index, SIZE // 8, SIZE // 8)
        labels, _ = upsample_labels(painting.labels, painting.instances, SIZE, SIZE)
        np.testing.assert_array_equal(cache.labels[index].numpy(), labels)


def test_paintify_at_the_app_grid_paints_on_its_cells():
    image, labels, _ = data.landscape_sample(5, SIZE, SIZE, paintify_fraction=1.0, paint_grid="app")
    rendered = data.landscape_sample(5, SIZE, SIZE, paintify_fraction=0.0)
    np.testing.assert_array_equal(image, rendered[0])  # the picture stays the render
    # Cell centres of the app's 8x8 grid give back a grid that upsamples to the sample's labels.
    centres = labels[4::8, 4::8]
    np.testing.assert_array_equal(upsample_labels(centres, np.zeros_like(centres), SIZE, SIZE)[0], labels)


def test_shares_of_painted_and_paintified_layouts_cannot_exceed_one(tmp_path):
    with pytest.raises(SystemExit, match="add up"):
        run(tmp_path, tmp_path / "cache", "--max-steps", "1", "--painted", "0.7", "--paintify", "0.5")


def test_the_discriminator_warm_up_leaves_the_generator_as_it_starts(tmp_path):
    first = tmp_path / "first"
    run(first, tmp_path / "cache", "--max-steps", "1", "--sample-every", "0")
    out = tmp_path / "out"
    run(out, tmp_path / "cache", "--max-steps", "2", "--d-warmup", "2", "--init-from",
        str(first / "model.safetensors"), "--sample-every", "0", "--export", "")
    trained = torch.load(out / train.CHECKPOINT_NAME, weights_only=False)
    start = torch.load(first / train.CHECKPOINT_NAME, weights_only=False)
    assert torch.equal(trained["generator"]["fc.weight"], start["generator"]["fc.weight"])
    steps = [r for r in log_records(out) if "event" not in r]
    assert len(steps) == 2 and all("g_gan" not in r and math.isfinite(r["d_hinge"]) for r in steps)
