"""Parity fixtures for the Swift engine: small models with non-trivial weights, their inputs and the PyTorch
outputs of every stage. `make_fixtures.py` writes them to Tests/CLADETests/Fixtures/.

Per fixture `<name>`:
- `<name>.model.safetensors`: a model file (docs/model-format.md) written by `clade.modelfile.export`.
- `<name>.io.safetensors`: inputs `in.grid_labels`, `in.grid_instances` I32 [gh, gw] (the painted grid),
  `in.labels`, `in.instances` I32 [H, W] (the grid upsampled by the class vote), `in.edges` F32 [1, H, W],
  `in.dist` F32 [2, H, W], `in.z` F32 [z_dim] (VAE models; the seeded style code of metadata `style_seed`),
  `in.style_image` F32 [3, h, w] in [-1, 1] (encoder models); outputs `out.fc`, `out.<block>` F32 [C, h, w],
  `out.conv_img` F32 [3, H, W] (before tanh), `out.image` F32 [3, H, W], `out.mu`, `out.logvar` F32 [z_dim].
- `<name>.half.io.safetensors` (fixtures in `HALF_SIZE`): the same inputs and outputs for a layout at half the
  model's size drawn with the fixture's style code (the reduced scale of `SPADEGenerator.forward`).
- `<name>.resized.io.safetensors` (fixtures in `RESIZED`, models without a style encoder): the same for a layout
  at another multiple of 2^n than the model's size. With the fixtures at the model's size these cover every size
  class a model draws (`ModelConfig.size_problem`, docs/model-format.md "Picture sizes").
Expected outputs come from the model as reloaded from its file, so F16/BF16 files are judged by their
rounded weights, except for the conversion fixtures (`CONVERSIONS`): their model file is converted by
Training/convert.py from a public-style checkpoint, and their outputs come from that original model, so the
Swift parity test checks the conversion too. Everything runs in float32, eval mode, one thread, fixed seeds.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from safetensors.torch import save_file

from clade import conditioning
from clade.config import ModelConfig
from clade.modelfile import export, load
from clade.networks import ClassAffine, ConvEncoder, SPADEGenerator, SPADELight, make_semantic
from clade.style import random_style
from convert import DATASETS, build_parser, convert

LABEL_NC = 6
CALIBRATION_PASSES = 4
CALIBRATION_BATCH = 4


@dataclass(frozen=True)
class FixtureSpec:
    name: str
    options: dict
    dtype: str
    seed: int
    style_size: tuple[int, int] = (72, 100)
    ngf: int = 4

    def config(self) -> ModelConfig:
        return ModelConfig.create(label_nc=LABEL_NC, ngf=self.ngf, z_dim=16, palette="fixture",
                                  training_data=f"random weights for the parity fixture {self.name}",
                                  **self.options)


FIXTURES = [
    FixtureSpec("clade_icpe_edges_vae_batch",
                dict(width=64, use_instance_edges=True, use_icpe=True, use_vae=True), "F32", 11),
    FixtureSpec("clade_instance", dict(width=64, param_free_norm="instance"), "F32", 12),
    # SPADE norms carry 128-wide hidden convs, so ngf 2 keeps these files small.
    FixtureSpec("spade_edges_batch", dict(architecture="spade", width=64, use_instance_edges=True), "F16", 13,
                ngf=2),
    FixtureSpec("clade_icpe_vae_instance_wide",
                dict(width=128, height=64, use_icpe=True, use_vae=True, param_free_norm="instance"), "F32", 14,
                style_size=(120, 90)),
    FixtureSpec("spade_vae_instance_wide",
                dict(architecture="spade", width=128, height=64, use_vae=True, param_free_norm="instance"),
                "BF16", 15, ngf=2),
    FixtureSpec("clade_edges_dontcare_batch_more",
                dict(width=128, height=64, num_upsampling_layers="more", contain_dontcare_label=True,
                     use_instance_edges=True), "F32", 16),
    # The paper's SPADE+CLADE hybrid: SPADE in the low-resolution blocks, CLADE in the up blocks; with edges
    # the SPADE blocks read the edge channel in their mlps and the CLADE blocks through inst_conv.
    FixtureSpec("hybrid_icpe_edges_batch",
                dict(architecture="hybrid", block_norms=["spade"] * 3 + ["clade"] * 4, width=64,
                     use_instance_edges=True, use_icpe=True), "F16", 17, ngf=2),
]


@dataclass(frozen=True)
class ConversionSpec:
    """A public-style checkpoint (`public_checkpoint`) of a data set's layout, converted by Training/convert.py;
    its expected outputs come from the original (spectral-norm, batch-norm) model, not the converted file."""
    name: str
    dataset: str
    architecture: str
    use_icpe: bool
    width: int
    height: int
    seed: int
    ngf: int = 2

    def checkpoint_config(self) -> ModelConfig:
        """The config the checkpoint is built with, as the public code's options would give it."""
        d = DATASETS[self.dataset]
        return ModelConfig.create(architecture=self.architecture, label_nc=d.label_nc, ngf=self.ngf,
                                  width=self.width, height=self.height, num_upsampling_layers=d.upsampling,
                                  contain_dontcare_label=d.dontcare, use_instance_edges=d.edges,
                                  use_icpe=self.use_icpe)

    def convert_options(self) -> list[str]:
        return ["--dataset", self.dataset, "--size", f"{self.width}x{self.height}"]


CONVERSIONS = [
    ConversionSpec("converted_coco_clade_icpe", "coco-stuff", "clade", True, 64, 64, 21),
]

# Fixtures that also get `<name>.half.io.safetensors`: the same model file and style code drawn at half the
# model's size (the painter's draft; the fc map average-pooled by 2), on a layout of its own.
HALF_SIZE = ["clade_icpe_edges_vae_batch", "clade_icpe_vae_instance_wide"]
HALF_SEED_OFFSET = 500
# Fixtures without a style encoder that also get `<name>.resized.io.safetensors`: the model drawn at another
# multiple of 2^n (width, height), wider than its size and less tall, so neither its size nor a reduction of it.
RESIZED = {"clade_instance": (96, 32)}

# Configs and picture sizes on which both sides must give the same verdict of the picture-size rule, word for word:
# `size_rule_cases` writes Python's `ModelConfig.size_problem` to size_rule.json, and the Swift test compares
# `ModelConfig.sizeProblem` with it.
SIZE_RULE_CONFIGS = [dict(width=64, use_vae=True), dict(width=128, height=64, use_vae=True),
                     dict(width=256, use_vae=True), dict(width=64),
                     dict(width=128, height=64, num_upsampling_layers="more")]
SIZE_RULE_SIZES = [(64, 64), (32, 32), (16, 16), (128, 64), (64, 32), (32, 16), (96, 32), (48, 64), (0, 64),
                   (64, 192), (128, 128), (8192, 8192), (8224, 32)]

@dataclass
class Layout:
    """One sample's conditioning: grid and upsampled maps as numpy arrays (layouts as in the module doc)."""
    grid_labels: np.ndarray
    grid_instances: np.ndarray
    labels: np.ndarray
    instances: np.ndarray
    edges: np.ndarray
    dist: np.ndarray


def random_layout(config: ModelConfig, rng: np.random.Generator, factor: int = 1,
                  size: tuple[int, int] | None = None) -> Layout:
    """A smooth layout of several classes at the model's size divided by `factor` (or at `size`, width x height):
    a coarse random grid (blobs of 2x2 cells mixed with single cells) upsampled by the class vote; classes 0-2 are
    "things" with instance ids 1-3, the others have id 0."""
    width, height = size or (config.width // factor, config.height // factor)
    gh, gw = max(2, height // 8), max(2, width // 8)
    coarse = rng.integers(0, config.class_count, size=((gh + 1) // 2, (gw + 1) // 2))
    grid = np.repeat(np.repeat(coarse, 2, 0), 2, 1)[:gh, :gw]
    speckle = rng.random((gh, gw)) < 0.25
    grid = np.where(speckle, rng.integers(0, config.class_count, size=(gh, gw)), grid).astype(np.int32)
    grid_instances = np.where(grid < 3, rng.integers(1, 4, size=(gh, gw)), 0).astype(np.int32)
    labels, instances = conditioning.upsample_labels(grid, grid_instances, height, width)
    ignored = config.label_nc if config.contain_dontcare_label else None
    return Layout(grid, grid_instances, labels, instances, conditioning.edge_map(labels, instances)[None],
                  conditioning.distance_map(labels, instances, ignored_class=ignored))


def network_inputs(config: ModelConfig, layouts: list[Layout]) -> tuple[torch.Tensor, torch.Tensor]:
    """(seg [N, semantic_nc, H, W], dist [N, 2, H, W]) for a batch of layouts."""
    labels = torch.from_numpy(np.stack([layout.labels for layout in layouts]))
    edges = torch.from_numpy(np.stack([layout.edges for layout in layouts]))
    dist = torch.from_numpy(np.stack([layout.dist for layout in layouts]))
    return make_semantic(labels, edges, config), dist


def style_image(size: tuple[int, int], rng: np.random.Generator) -> torch.Tensor:
    """A smooth random picture [1, 3, h, w] in [-1, 1]: bilinear colour blobs plus a little noise."""
    blobs = torch.from_numpy(rng.uniform(-1, 1, size=(1, 3, 5, 6)).astype(np.float32))
    image = torch.nn.functional.interpolate(blobs, size=size, mode="bilinear", align_corners=False)
    noise = torch.from_numpy(rng.normal(0, 0.1, size=(1, 3) + size).astype(np.float32))
    return (image + noise).clamp(-1, 1)


def randomize_weights(module: torch.nn.Module) -> None:
    """Weights that make every part of the network matter: PyTorch's default conv/linear init (not the
    0.02 training init, whose outputs are tiny), class banks gamma ~ U(0.25, 1.75) and beta ~ N(0, 0.5),
    ICPE and edge convs ~ N(0, 0.5) so that positions and edges change the picture, conv_img doubled so the
    image spreads over tanh's curved range without saturating."""
    for m in module.modules():
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
            m.reset_parameters()
    with torch.no_grad():
        if isinstance(module, SPADEGenerator):
            module.conv_img.weight.mul_(2)
        for m in module.modules():
            if isinstance(m, ClassAffine):
                m.weight.uniform_(0.25, 1.75)
                m.bias.normal_(0, 0.5)
                if m.use_icpe:
                    for conv in (m.dist_conv_w, m.dist_conv_b):
                        conv.weight.normal_(0, 0.5)
                        conv.bias.normal_(0, 0.5)
            if isinstance(m, SPADELight) and m.use_edges:
                m.inst_conv.weight.normal_(0, 0.5)
                m.inst_conv.bias.normal_(0, 0.5)


def calibrate_batch_norm(generator: SPADEGenerator, config: ModelConfig, rng: np.random.Generator,
                         passes: int = CALIBRATION_PASSES, batch: int = CALIBRATION_BATCH) -> None:
    """Running statistics from a few train-mode passes over random layouts (cumulative average), so that
    eval-mode activations stay O(1) as in a trained model."""
    norms = [m for m in generator.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    if not norms:
        return
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    generator.train()
    with torch.no_grad():
        for _ in range(passes):
            seg, dist = network_inputs(config, [random_layout(config, rng) for _ in range(batch)])
            z = torch.randn(batch, config.z_dim)
            generator(seg, dist, z)
    generator.eval()


def public_checkpoint(config: ModelConfig, seed: int) -> SPADEGenerator:
    """A generator laid out as the public SPADE/CLADE code saves it: spectral norm on the block convs
    (state dict `weight_orig`, `weight_u`, `weight_v`), batch norms with `running_mean`, `running_var` and
    `num_batches_tracked` (the buffers of SPADE's SynchronizedBatchNorm2d), random weights (as
    `randomize_weights`), statistics and power iterations from two train-mode passes (kept few: converter
    tests build many such checkpoints). Returned in eval mode."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    generator = SPADEGenerator(config, spectral=True)
    randomize_weights(generator)
    calibrate_batch_norm(generator, config, rng, passes=2, batch=2)
    return generator.eval()


def write_io(tensors: dict, metadata: dict, io_path: str) -> None:
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    temporary = f"{io_path}.tmp-{os.getpid()}"
    save_file(tensors, temporary, metadata=metadata or None)
    os.replace(temporary, io_path)


def layout_tensors(layout: Layout) -> dict:
    return {
        "in.grid_labels": torch.from_numpy(layout.grid_labels),
        "in.grid_instances": torch.from_numpy(layout.grid_instances),
        "in.labels": torch.from_numpy(layout.labels),
        "in.instances": torch.from_numpy(layout.instances),
        "in.edges": torch.from_numpy(layout.edges),
        "in.dist": torch.from_numpy(layout.dist),
    }


def build_conversion_fixture(spec: ConversionSpec, folder: str) -> dict:
    """Write `<name>.model.safetensors` (converted from a public-style checkpoint) and `<name>.io.safetensors`
    (outputs of the original model) into `folder`; returns a summary."""
    config = spec.checkpoint_config()
    original = public_checkpoint(config, spec.seed)
    model_path = os.path.join(folder, f"{spec.name}.model.safetensors")
    with tempfile.TemporaryDirectory() as scratch:
        checkpoint = os.path.join(scratch, "best_net_G.pth")
        torch.save(original.state_dict(), checkpoint)
        convert(checkpoint, model_path, build_parser().parse_args([checkpoint, model_path] + spec.convert_options()))
    rng = np.random.default_rng(spec.seed + 1)
    layout = random_layout(config, rng)
    seg, dist = network_inputs(config, [layout])
    with torch.no_grad():
        image, features = original(seg, dist, return_features=True)
    tensors = layout_tensors(layout)
    tensors.update({f"out.{name}": feature[0] for name, feature in features.items()})
    tensors["out.image"] = image[0]
    io_path = os.path.join(folder, f"{spec.name}.io.safetensors")
    write_io(tensors, {}, io_path)
    return {
        "name": spec.name, "dataset": spec.dataset, "architecture": config.architecture,
        "width": config.width, "height": config.height, "use_icpe": config.use_icpe,
        "image_std": round(float(image.std()), 4),
        "model_bytes": os.path.getsize(model_path), "io_bytes": os.path.getsize(io_path),
    }


def build_fixture(spec: FixtureSpec, folder: str) -> dict:
    """Write `<name>.model.safetensors` and `<name>.io.safetensors` into `folder`; returns a summary."""
    torch.manual_seed(spec.seed)
    rng = np.random.default_rng(spec.seed)
    config = spec.config()
    generator = SPADEGenerator(config)
    encoder = ConvEncoder(config) if config.use_vae else None
    randomize_weights(generator)
    if encoder is not None:
        randomize_weights(encoder)
        encoder.eval()
    calibrate_batch_norm(generator, config, rng)
    model_path = os.path.join(folder, f"{spec.name}.model.safetensors")
    export(model_path, config, generator, encoder, dtype=spec.dtype)

    _, model, model_encoder = load(model_path)
    layout = random_layout(config, rng)
    seg, dist = network_inputs(config, [layout])
    tensors = layout_tensors(layout)
    # At most one metadata key: safetensors writes metadata in hash order, and the files must be reproducible.
    metadata = {}
    z = None
    with torch.no_grad():
        if config.use_vae:
            style_seed = spec.seed * 1000 + 7
            z = torch.from_numpy(random_style(style_seed, config.z_dim))
            metadata["style_seed"] = str(style_seed)
            tensors["in.z"] = z
            image_in = style_image(spec.style_size, rng)
            mu, logvar = model_encoder(image_in)
            tensors["in.style_image"] = image_in[0]
            tensors["out.mu"] = mu[0]
            tensors["out.logvar"] = logvar[0]
        image, features = model(seg, dist, None if z is None else z[None], return_features=True)
    for name, feature in features.items():
        tensors[f"out.{name}"] = feature[0]
    tensors["out.image"] = image[0]
    io_path = os.path.join(folder, f"{spec.name}.io.safetensors")
    write_io(tensors, metadata, io_path)

    std = float(image.std())
    saturated = float((image.abs() > 0.99).float().mean())
    return {
        "name": spec.name, "dtype": spec.dtype, "width": config.width, "height": config.height,
        "architecture": config.architecture, "param_free_norm": config.param_free_norm,
        "use_instance_edges": config.use_instance_edges, "use_icpe": config.use_icpe,
        "use_vae": config.use_vae, "num_upsampling_layers": config.num_upsampling_layers,
        "contain_dontcare_label": config.contain_dontcare_label,
        "image_std": round(std, 4), "image_saturated_fraction": round(saturated, 4),
        "block_std": {k: round(float(v.std()), 4) for k, v in features.items()},
        "model_bytes": os.path.getsize(model_path), "io_bytes": os.path.getsize(io_path),
        **({"style_seed": int(metadata["style_seed"])} if "style_seed" in metadata else {}),
    }


def build_half_size_fixture(spec: FixtureSpec, folder: str) -> dict:
    """Write `<name>.half.io.safetensors` into `folder` for the model `build_fixture` wrote there: a layout at
    half the model's size, the fixture's seeded style code, the outputs of every stage; returns a summary."""
    config = spec.config()
    return build_sized_fixture(spec, folder, "half", config.width // 2, config.height // 2)


def build_resized_fixture(spec: FixtureSpec, folder: str) -> dict:
    """Write `<name>.resized.io.safetensors` into `folder` for the model `build_fixture` wrote there: a layout at
    `RESIZED[name]`, the outputs of every stage; returns a summary."""
    return build_sized_fixture(spec, folder, "resized", *RESIZED[spec.name])


def build_sized_fixture(spec: FixtureSpec, folder: str, kind: str, width: int, height: int) -> dict:
    """Write `<name>.<kind>.io.safetensors`: a layout at width x height drawn by the model file (with the
    fixture's seeded style code where it has a style encoder), the outputs of every stage; returns a summary."""
    config = spec.config()
    _, model, _ = load(os.path.join(folder, f"{spec.name}.model.safetensors"))
    rng = np.random.default_rng(spec.seed + HALF_SEED_OFFSET)
    layout = random_layout(config, rng, size=(width, height))
    seg, dist = network_inputs(config, [layout])
    tensors = layout_tensors(layout)
    metadata, z = {}, None
    if config.use_vae:
        style_seed = spec.seed * 1000 + 7
        z = torch.from_numpy(random_style(style_seed, config.z_dim))
        tensors["in.z"] = z
        metadata["style_seed"] = str(style_seed)
    with torch.no_grad():
        image, features = model(seg, dist, None if z is None else z[None], return_features=True)
    for name, feature in features.items():
        tensors[f"out.{name}"] = feature[0]
    tensors["out.image"] = image[0]
    io_path = os.path.join(folder, f"{spec.name}.{kind}.io.safetensors")
    write_io(tensors, metadata, io_path)
    return {
        "name": f"{spec.name}.{kind}", "width": width, "height": height,
        "image_std": round(float(image.std()), 4), **{k: int(v) for k, v in metadata.items()},
        "model_bytes": 0, "io_bytes": os.path.getsize(io_path),
    }


def size_rule_cases() -> dict:
    """`{"cases": [{"config": <model file config>, "sizes": [[width, height, problem or None], ...]}, ...]}`."""
    cases = []
    for options in SIZE_RULE_CONFIGS:
        config = ModelConfig.create(label_nc=LABEL_NC, ngf=2, palette="fixture", **options)
        cases.append({"config": config.to_dict(),
                      "sizes": [[w, h, config.size_problem(w, h)] for w, h in SIZE_RULE_SIZES]})
    return {"cases": cases}
