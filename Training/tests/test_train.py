import json
import math
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

import train
from clade import modelfile
from clade.config import ConfigError
from clade.networks import SPADEGenerator, make_semantic
from test_data import write_folder

TINY = ["--size", "64x64", "--ngf", "4", "--ndf", "8", "--z-dim", "8", "--batch-size", "2", "--cache-size", "8",
        "--workers", "1", "--threads", "1", "--log-every", "1"]


def run(out, cache, *extra):
    return train.main([*TINY, "--out", str(out), "--cache-dir", str(cache), *extra])


def log_records(out):
    return [json.loads(line) for line in (out / train.LOG_NAME).read_text().splitlines()]


@pytest.fixture(scope="module")
def two_steps(tmp_path_factory):
    """A two-step landscape run with sample grids and export; (output folder, cache folder, summary)."""
    root = tmp_path_factory.mktemp("train")
    out, cache = root / "out", root / "cache"
    summary = run(out, cache, "--max-steps", "2", "--sample-every", "2")
    return out, cache, summary


def test_two_steps_log_finite_losses_and_write_samples_and_a_checkpoint(two_steps):
    out, _, summary = two_steps
    assert summary["step"] == 2 and summary["images_seen"] == 4
    steps = [r for r in log_records(out) if "step" in r and "event" not in r]
    assert [r["step"] for r in steps] == [1, 2]
    for record in steps:
        for key in ("g_gan", "g_feat", "g_kl", "g_l1", "d_hinge", "img_per_s", "elapsed"):
            assert math.isfinite(record[key]), key
    assert (out / "samples" / "step_0000002.png").is_file()
    state = torch.load(out / train.CHECKPOINT_NAME, weights_only=False)
    assert state["step"] == 2 and state["images_seen"] == 4
    assert {"generator", "encoder", "discriminator", "opt_g", "opt_d"} <= set(state)


def test_the_exported_model_reloads_and_matches_the_trained_generator(two_steps):
    out, _, _ = two_steps
    config, generator, encoder = modelfile.load(out / "model.safetensors")
    assert (config.ngf, config.width, config.use_icpe, config.use_vae, config.use_instance_edges) == \
        (4, 64, True, True, True)
    assert config.class_names[0] == "sky" and "4 images seen in 2 steps" in config.training_data
    assert encoder is not None
    trained = SPADEGenerator(config, spectral=True)
    trained.load_state_dict(torch.load(out / train.CHECKPOINT_NAME, weights_only=False)["generator"])
    trained.eval()
    labels = torch.randint(0, config.class_count, (2, 64, 64))
    seg = make_semantic(labels, (labels % 2).float(), config)
    dist = torch.rand(2, 2, 64, 64) * 2 - 1
    z = torch.randn(2, config.z_dim)
    with torch.no_grad():
        torch.testing.assert_close(generator(seg, dist, z), trained(seg, dist, z), atol=1e-5, rtol=1e-4)


def test_resume_restores_the_state_and_continues_counting(two_steps, tmp_path):
    first, cache, _ = two_steps
    out = tmp_path / "out"
    shutil.copytree(first, out)
    (out / "model.safetensors").unlink()
    summary = run(out, cache, "--resume", "auto", "--max-steps", "2")
    assert summary["session_steps"] == 0
    before, after = load_file(first / "model.safetensors"), load_file(out / "model.safetensors")
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)

    summary = run(out, cache, "--resume", str(out / train.CHECKPOINT_NAME), "--max-steps", "3")
    assert (summary["step"], summary["images_seen"], summary["session_steps"]) == (3, 6, 1)
    resumes = [r for r in log_records(out) if r.get("event") == "resume"]
    assert [r["step"] for r in resumes] == [2, 2]
    assert [r["step"] for r in log_records(out) if "event" not in r][-1] == 3


def test_prepare_only_builds_the_cache_and_trains_nothing(tmp_path):
    summary = run(tmp_path / "out", tmp_path / "cache", "--prepare-only")
    assert summary["event"] == "prepared" and (tmp_path / "cache").is_dir()
    assert (Path(summary["cache"]) / "meta.json").is_file() and not (tmp_path / "out").exists()


def test_a_checkpoint_of_another_architecture_is_refused(two_steps, tmp_path):
    first, cache, _ = two_steps
    with pytest.raises(SystemExit, match="ngf"):
        train.main([*TINY, "--ngf", "8", "--out", str(tmp_path), "--cache-dir", str(cache),
                    "--resume", str(first / train.CHECKPOINT_NAME), "--max-steps", "3"])


def test_the_time_budget_stops_training_and_still_saves(two_steps, tmp_path):
    _, cache, _ = two_steps
    summary = run(tmp_path, cache, "--time-budget", "0.05", "--max-steps", "100000", "--export", "",
                  "--no-vae", "--lambda-l1", "0")
    assert 1 <= summary["session_steps"] < 100
    assert (tmp_path / train.CHECKPOINT_NAME).is_file() and not (tmp_path / "model.safetensors").exists()
    assert "g_kl" not in log_records(tmp_path)[1] and "g_l1" not in log_records(tmp_path)[1]


@pytest.mark.parametrize("edges", [True, False])
def test_the_semantic_map_is_the_networks_semantic_input(edges):
    args = train.build_parser().parse_args(["--out", "x"] + ([] if edges else ["--no-edges"]))
    config = train.model_config(args, train.dataset_description(args))
    labels = torch.randint(0, config.class_count, (2, 8, 8))
    edge_map = torch.randint(0, 2, (2, 1, 8, 8)).float()
    torch.testing.assert_close(train.semantic_map(labels, edge_map, config), make_semantic(labels, edge_map, config))


def test_model_options_map_onto_the_config():
    def config(*options):
        args = train.build_parser().parse_args(["--out", "x", *options])
        return train.model_config(args, train.dataset_description(args))

    spade = config("--norm", "spade", "--no-edges", "--no-vae", "--param-free-norm", "instance", "--ngf", "16",
                   "--size", "512x256", "--upsampling", "more")
    assert spade.block_norms == ["spade"] * 7 and not spade.use_icpe and not spade.use_instance_edges
    assert (spade.use_vae, spade.param_free_norm, spade.ngf, spade.width, spade.height) == \
        (False, "instance", 16, 512, 256)
    clade = config("--no-icpe", "--z-dim", "64")
    assert clade.block_norms == ["clade"] * 7 and not clade.use_icpe and clade.z_dim == 64 and clade.use_vae
    hybrid = config("--norm", "hybrid", "--block-norms", "spade,spade,clade,clade,clade,clade,clade")
    assert hybrid.block_norms[:3] == ["spade", "spade", "clade"] and hybrid.use_icpe
    with pytest.raises(SystemExit, match="block-norms"):
        config("--norm", "hybrid", "--block-norms", "spade,clade")
    with pytest.raises(ConfigError, match="use_icpe"):
        config("--norm", "spade", "--icpe")


def test_training_reads_an_ade_style_folder(tmp_path):
    root = write_folder(tmp_path / "ade", count=4, label_max=4)
    names = tmp_path / "names.txt"
    names.write_text("wall\nsky\ntree\nwater\n")
    summary = train.main([*TINY, "--size", "32x32", "--out", str(tmp_path / "out"), "--cache-dir",
                          str(tmp_path / "cache"), "--data", "folder", "--data-root", str(root), "--label-nc", "4",
                          "--label-shift", "--class-names", str(names), "--max-steps", "1"])
    config = modelfile.read_config(summary["model"])
    assert config.label_nc == 4 and config.contain_dontcare_label
    assert config.class_names == ["wall", "sky", "tree", "water", "dontcare"]
    assert "folder ade, 4 images" in config.training_data


def test_style_presets_without_an_encoder_are_refused_before_training(tmp_path):
    with pytest.raises(SystemExit, match="style-presets"):
        train.main(["--out", str(tmp_path), "--no-vae", "--style-presets", "--max-steps", "1"])
    assert not any(tmp_path.iterdir())


def test_snapshots_are_exported_at_the_named_steps(tmp_path):
    out = tmp_path / "out"
    run(out, tmp_path / "cache", "--max-steps", "3", "--snapshot-steps", "1,3", "--sample-every", "0")
    assert sorted(p.name for p in out.glob("snapshot_*.safetensors")) == \
        ["snapshot_0000001.safetensors", "snapshot_0000003.safetensors"]
    config, _, _ = modelfile.load(out / "snapshot_0000001.safetensors")
    assert "2 images seen in 1 steps" in config.training_data
    assert [r["step"] for r in log_records(out) if r.get("event") == "snapshot"] == [1, 3]
