"""The committed parity fixtures still match the reference model and the conditioning code."""
import json
import os

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from clade import conditioning
from clade.modelfile import load
from clade.style import random_style
from fixtures_models import CONVERSIONS, FIXTURES, HALF_SIZE, RESIZED, Layout, build_fixture, network_inputs

FOLDER = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CLADETests", "Fixtures")
SIZE_BUDGET = 15_000_000


def fixture_files(name):
    return (os.path.join(FOLDER, f"{name}.model.safetensors"), os.path.join(FOLDER, f"{name}.io.safetensors"))


def half_size_file(name):
    return os.path.join(FOLDER, f"{name}.half.io.safetensors")


def resized_file(name):
    return os.path.join(FOLDER, f"{name}.resized.io.safetensors")


def layout_of(io, config) -> Layout:
    arrays = {k: v.numpy() for k, v in io.items() if k.startswith("in.")}
    return Layout(arrays["in.grid_labels"], arrays["in.grid_instances"], arrays["in.labels"],
                  arrays["in.instances"], arrays["in.edges"], arrays["in.dist"])


def run(model, encoder, config, io, layout, dtype=torch.float32):
    seg, dist = (t.to(dtype) if t is not None else None for t in network_inputs(config, [layout]))
    z = io["in.z"][None] if config.use_vae else None
    with torch.no_grad():
        image, features = model(seg, dist, z, return_features=True)
        mu_logvar = encoder(io["in.style_image"][None]) if encoder is not None else None
    return image, features, mu_logvar


@pytest.mark.parametrize("spec", FIXTURES, ids=lambda s: s.name)
def test_committed_fixture_reproduces(spec):
    model_path, io_path = fixture_files(spec.name)
    config, model, encoder = load(model_path)
    assert config == spec.config()
    with safe_open(model_path, framework="pt") as f:
        assert {f.get_slice(k).get_dtype() for k in f.keys()} == {spec.dtype}
    io = load_file(io_path)
    layout = layout_of(io, config)
    labels, instances = conditioning.upsample_labels(layout.grid_labels, layout.grid_instances,
                                                     config.height, config.width)
    assert np.array_equal(labels, layout.labels) and np.array_equal(instances, layout.instances)
    assert np.array_equal(conditioning.edge_map(labels, instances)[None], layout.edges)
    ignored = config.label_nc if config.contain_dontcare_label else None
    assert np.array_equal(conditioning.distance_map(labels, instances, ignored), layout.dist)

    image, features, mu_logvar = run(model, encoder, config, io, layout)
    expected_outputs = {"out.image", "out.conv_img", "out.fc"} | {f"out.{b}" for b in config.block_names}
    if config.use_vae:
        expected_outputs |= {"out.mu", "out.logvar"}
        with safe_open(io_path, framework="pt") as f:
            seed = int(f.metadata()["style_seed"])
        assert np.array_equal(io["in.z"].numpy(), random_style(seed, config.z_dim))
        assert io["in.style_image"].shape[-2:] != (256, 256) and io["in.style_image"].abs().max() <= 1
        assert torch.allclose(mu_logvar[0][0], io["out.mu"], atol=1e-5)
        assert torch.allclose(mu_logvar[1][0], io["out.logvar"], atol=1e-5)
    assert {k for k in io if k.startswith("out.")} == expected_outputs
    assert torch.allclose(image[0], io["out.image"], atol=1e-5)
    for name, feature in features.items():
        assert torch.allclose(feature[0], io[f"out.{name}"], atol=1e-5, rtol=1e-5), name
    assert 0.2 < io["out.image"].std() < 0.8


@pytest.mark.parametrize("spec", [s for s in FIXTURES if s.options.get("use_icpe") or
                                  s.options.get("use_instance_edges") or s.options.get("use_vae")],
                         ids=lambda s: s.name)
def test_fixture_inputs_matter(spec):
    """Distance map, edges and style code each move the picture well beyond the Swift tolerance."""
    config, model, _ = load(fixture_files(spec.name)[0])
    io = load_file(fixture_files(spec.name)[1])
    layout = layout_of(io, config)
    image = run(model, None, config, io, layout)[0]
    changes = []
    if config.use_icpe:
        changes.append(Layout(**{**layout.__dict__, "dist": np.zeros_like(layout.dist)}))
    if config.use_instance_edges:
        changes.append(Layout(**{**layout.__dict__, "edges": np.zeros_like(layout.edges)}))
    for changed in changes:
        assert (run(model, None, config, io, changed)[0] - image).abs().max() > 0.05
    if config.use_vae:
        other = {**io, "in.z": -io["in.z"]}
        assert (run(model, None, config, other, layout)[0] - image).abs().max() > 0.05


@pytest.mark.parametrize("name", HALF_SIZE)
def test_committed_half_size_fixture_reproduces(name):
    """The same model and style code at half the model's size: the conditioning of its own grid, every stage."""
    config, model, _ = load(fixture_files(name)[0])
    io = load_file(half_size_file(name))
    layout = layout_of(io, config)
    height, width = config.height // 2, config.width // 2
    labels, instances = conditioning.upsample_labels(layout.grid_labels, layout.grid_instances, height, width)
    assert np.array_equal(labels, layout.labels) and np.array_equal(instances, layout.instances)
    assert np.array_equal(conditioning.edge_map(labels, instances)[None], layout.edges)
    assert np.array_equal(io["in.z"].numpy(), load_file(fixture_files(name)[1])["in.z"].numpy())
    image, _, _ = run(model, None, config, io, layout)
    assert image.shape == (1, 3, height, width)
    assert io["out.fc"].shape[-2:] == (config.sh // 2, config.sw // 2)
    # Against the same model in float64: the wide fixture amplifies float32 rounding (its own image is 8.6e-5 from
    # float64, and the CPU's kernels decide the last bits), so a float32 run on another CPU is no exact reference.
    image, features, _ = run(model.double(), None, config, {k: v.double() if v.is_floating_point() else v
                                                            for k, v in io.items()}, layout, dtype=torch.float64)
    assert torch.allclose(image[0].float(), io["out.image"], atol=2e-4)
    for stage, feature in features.items():
        assert torch.allclose(feature[0].float(), io[f"out.{stage}"], atol=2e-4, rtol=1e-4), stage


@pytest.mark.parametrize("name", RESIZED)
def test_committed_resized_fixture_reproduces(name):
    """A model without a style encoder at another multiple of 2^n: the conditioning of its own grid, every stage."""
    config, model, _ = load(fixture_files(name)[0])
    io = load_file(resized_file(name))
    layout = layout_of(io, config)
    width, height = RESIZED[name]
    assert config.size_problem(width, height) is None and (width, height) != (config.width, config.height)
    labels, instances = conditioning.upsample_labels(layout.grid_labels, layout.grid_instances, height, width)
    assert np.array_equal(labels, layout.labels) and np.array_equal(instances, layout.instances)
    assert np.array_equal(conditioning.edge_map(labels, instances)[None], layout.edges)
    step = 1 << config.upsampling_count
    assert io["out.fc"].shape[-2:] == (height // step, width // step)
    # In float64, as the half-size fixtures: the CPU's float32 kernels decide the last bits.
    image, features, _ = run(model.double(), None, config, {k: v.double() if v.is_floating_point() else v
                                                            for k, v in io.items()}, layout, dtype=torch.float64)
    assert image.shape == (1, 3, height, width)
    assert torch.allclose(image[0].float(), io["out.image"], atol=2e-4)
    for stage, feature in features.items():
        assert torch.allclose(feature[0].float(), io[f"out.{stage}"], atol=2e-4, rtol=1e-4), stage


def test_fixture_summary_and_budget():
    with open(os.path.join(FOLDER, "model_fixtures.json")) as f:
        summary = json.load(f)
    assert [s["name"] for s in summary["fixtures"]] == ([s.name for s in FIXTURES + CONVERSIONS]
                                                        + [f"{name}.half" for name in HALF_SIZE]
                                                        + [f"{name}.resized" for name in RESIZED])
    sizes = (sum(os.path.getsize(p) for s in FIXTURES + CONVERSIONS for p in fixture_files(s.name))
             + sum(os.path.getsize(half_size_file(name)) for name in HALF_SIZE)
             + sum(os.path.getsize(resized_file(name)) for name in RESIZED))
    assert sizes == summary["total_bytes"] and sizes < SIZE_BUDGET
    assert {"F16", "BF16", "F32"} == {s.dtype for s in FIXTURES}


def test_build_fixture_is_deterministic(tmp_path):
    spec = FIXTURES[1]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as make_fixtures.py runs: reduction order, hence the last bits, follow threads
    try:
        first = build_fixture(spec, str(tmp_path))
    finally:
        torch.set_num_threads(threads)
    model_file, io_file = fixture_files(spec.name)
    with open(model_file, "rb") as committed, open(tmp_path / os.path.basename(model_file), "rb") as fresh:
        assert committed.read() == fresh.read(), model_file
    # Inputs exactly; outputs as float32 on this CPU's kernels, whose last bits differ between instruction sets.
    committed, fresh = load_file(io_file), load_file(tmp_path / os.path.basename(io_file))
    assert committed.keys() == fresh.keys()
    for key in committed:
        if key.startswith("out."):
            assert torch.allclose(committed[key], fresh[key], atol=1e-5, rtol=1e-5), key
        else:
            assert torch.equal(committed[key], fresh[key]), key
    assert first["image_std"] == next(s for s in json.load(open(os.path.join(FOLDER, "model_fixtures.json")))
                                      ["fixtures"] if s["name"] == spec.name)["image_std"]
