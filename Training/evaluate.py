"""Evaluate generators on held-out layouts with the trained segmenter (the "real images" judge).

    python Training/evaluate.py --model runs/icpe/model.safetensors [--model NAME=PATH ...] \\
        --segmenter runs/segmenter.pt --out runs/eval [--count 300]

A model is a model file, or a generator snapshot (`*.generator.pt`, train.py --icpe-per-channel
--snapshot-steps: the generator alone, random styles N(0, I)).

Three tracks of held-out layouts (seeds from data.HELDOUT_SEED_BASE, disjoint from every training set):
- procedural: the data set's own layouts at picture size (the layout the real render was made from);
- painted-grid: the same layouts brought onto the painter's canvas (one cell per 8x8 pixels, 32x32 for
  256x256; a majority vote per cell, landscape.painted.grid_of) and upsampled as the painter does
  (clade.conditioning.upsample_labels, the twin of the Swift engine's class vote);
- compositions: simple scenes painted the way people paint them (landscape.painted.painted_layout: a
  horizon, stepped mountains with snow-cap rows, cloud blobs, lakes as rectangles, tree columns ...) on the
  painter's grid, upsampled the same way.
Each layout is drawn under the model's random style of a seeded rule (clade/style.py sample_style: a row of
the model's style bank when it has one, else N(0, I); the same codes the Swift side draws).

Per model and track, with ICPE on and off (a zero distance map, what the painter's ICPE key does):
- mIoU and pixel accuracy of the segmenter on the pictures against the label map they were made from; the
  same on the real renders of the procedural layouts is the ceiling;
- the segmenter feature Frechet distance (FD): between Gaussians fitted to the segmenter's pooled bottleneck
  features of the pictures and of the real renders of the held-out layouts (FID's formula on a feature
  extractor trained here; not comparable to published FIDs);
- per-class-region FD: the same on the bottleneck features averaged over each class's region (the label map
  the picture was made from; for the real renders their own label map), over pictures where the class covers
  at least REGION_MIN_CELLS of the bottleneck's cells: which classes look least real;
- colour FD: the same distance on a feature of colour alone (square roots of each picture's joint RGB
  histogram), which the segmenter's class-trained features largely ignore: murky haze shows here;
- ICPE: the mean and largest absolute pixel change (0..255) between the pictures with ICPE on and off.
Styles (models with an encoder, on the first --style-layouts procedural layouts): the FD of pictures under
random N(0, I) codes, under the model's style bank (when it has one) and under each preset, against the real
renders under their own random styles and against the real renders under the same style (the landscape preset
of that name; random styles: the renders' own random styles), with the floor a perfect random-style sampler would
reach (the same scenes rendered under another random style); style diversity: for --diversity-layouts
compositions, pictures under --styles random codes; the mean pairwise L1 distance of the pictures (RGB in
[0, 1]) and the mean pairwise L2 distance of their segmenter features (the real reference renders procedural
layouts under random landscape styles).
Generator parameters and multiply-adds (convolutions and linear layers, one picture at the model's size).
Writes report.json, report.md, comparison.png (procedural layouts under every model), painted_<model>.png
(painted-grid and composition layouts under the preset noon, the painter's starting style) and
styles_<model>.png (compositions under random styles).
"""
from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.flop_counter import FlopCounterMode

import data
import landscape
import segmenter as segmenter_module
from clade import modelfile, snapshot
from clade.conditioning import distance_map, edge_map
from clade.config import ModelConfig
from clade.networks import ConvEncoder, SPADEGenerator, make_semantic
from clade.pictures import write_png
from clade.style import sample_style
from landscape.classes import PALETTE_NAME
from landscape.painted import PAINTER_CELL, grid_of, painted_layout, painter_grid
from upsampling import CANDIDATES, upsample

TRACKS = ("procedural", "painted-grid", "compositions")
STYLE_SEED_STRIDE = 1000
PICTURE_LAYOUTS = 4
# painted_<model>.png: this many layouts of each painted track, in rows of SHEET_COLUMNS, under SHEET_STYLE.
SHEET_LAYOUTS = 6
SHEET_COLUMNS = 6
SHEET_STYLE = "noon"
# Per-class-region FD: a class region counts where it covers this many bottleneck cells (of 32x32 at 256x256),
# and a distance needs this many such regions on both sides.
REGION_MIN_CELLS = 16
REGION_MIN_PICTURES = 8
COLOUR_LEVELS = 4
# The styles table's floor row: real renders of the same scenes under another random style.
REAL_OTHER_STYLE = "real renders, another random style"


# ---------------------------------------------------------------------------------------------------------
# Metrics


def confusion_matrix(prediction: torch.Tensor, target: torch.Tensor, classes: int,
                     ignored: int | None = None) -> torch.Tensor:
    """int64 [classes, classes], rows = target class, columns = predicted class; pixels of `ignored` skipped."""
    prediction, target = prediction.reshape(-1).long(), target.reshape(-1).long()
    if ignored is not None:
        keep = target != ignored
        prediction, target = prediction[keep], target[keep]
    return torch.bincount(target * classes + prediction, minlength=classes * classes).reshape(classes, classes).cpu()


def segmentation_scores(confusion: torch.Tensor, class_names: list[str]) -> dict:
    """mIoU (mean over classes present in the target or the prediction), pixel accuracy and per-class IoU."""
    confusion = confusion.double()
    hits = confusion.diag()
    union = confusion.sum(0) + confusion.sum(1) - hits
    present = union > 0
    iou = torch.where(present, hits / union.clamp(min=1), torch.full_like(hits, float("nan")))
    return {"miou": float(iou[present].mean()) if present.any() else float("nan"),
            "pixel_accuracy": float(hits.sum() / confusion.sum().clamp(min=1)),
            "per_class_iou": {name: (None if np.isnan(v) else round(float(v), 4))
                              for name, v in zip(class_names, iou.tolist(), strict=True)}}


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to feature sets a [N, D] and b [M, D]:
    |mu_a - mu_b|^2 + Tr(S_a) + Tr(S_b) - 2 Tr((S_a S_b)^(1/2)).

    Tr((S_a S_b)^(1/2)) is the sum of the square roots of the eigenvalues of S_a^(1/2) S_b S_a^(1/2), which is
    symmetric positive semi-definite; this stays exact and real for the singular covariances of small sets."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root)


def mean_pairwise_distance(x: torch.Tensor, kind: str) -> float:
    """Mean over pairs i < j of the distance between x[i] and x[j] (x: [S, ...]): `l1` is the mean absolute
    difference per element, `l2` the Euclidean norm of the difference."""
    pairs = list(itertools.combinations(range(x.shape[0]), 2))
    if not pairs:
        return 0.0
    flat = x.reshape(x.shape[0], -1).double()
    distances = [(flat[i] - flat[j]).abs().mean() if kind == "l1" else (flat[i] - flat[j]).norm()
                 for i, j in pairs]
    return float(torch.stack(distances).mean())


# ---------------------------------------------------------------------------------------------------------
# Models


def generator_cost(config: ModelConfig) -> dict:
    """Parameters of the generator (and encoder) and multiply-adds of one generator forward at the model's
    size, counted on the meta device (no arithmetic is done)."""
    with torch.device("meta"):
        generator = SPADEGenerator(config)
        seg = torch.zeros(1, config.semantic_nc, config.height, config.width)
        dist = torch.zeros(1, 2, config.height, config.width) if config.use_icpe else None
        z = torch.zeros(1, config.z_dim) if config.use_vae else None
        counter = FlopCounterMode(display=False)
        with counter, torch.no_grad():
            generator.eval()(seg, dist, z)
        params = sum(p.numel() for p in generator.parameters())
        encoder = sum(p.numel() for p in ConvEncoder(config).parameters()) if config.use_vae else 0
    return {"generator_params": params, "encoder_params": encoder,
            "generator_gmacs": round(counter.get_total_flops() / 2e9, 3)}


def style_codes(layout_indices: list[int], style_index: int, z_dim: int,
                bank: np.ndarray | None = None) -> torch.Tensor:
    """Seeded random style codes [B, z_dim]: layout i, style k uses seed i * STYLE_SEED_STRIDE + k, drawn
    from the style bank when one is given, else N(0, I) (clade/style.py sample_style)."""
    return torch.from_numpy(np.stack([sample_style(i * STYLE_SEED_STRIDE + style_index, z_dim, bank)
                                      for i in layout_indices]))


class Judge:
    """The segmenter with its input size; turns images [N, 3, H, W] in [-1, 1] into predictions and features."""

    def __init__(self, path: str, device: torch.device):
        self.model, self.record = segmenter_module.load(path, device)
        self.width, self.height = self.record["size"]
        self.device = device

    def resize(self, images: torch.Tensor) -> torch.Tensor:
        if tuple(images.shape[-2:]) == (self.height, self.width):
            return images
        return F.interpolate(images, size=(self.height, self.width), mode="bilinear", align_corners=False,
                             antialias=True)

    @torch.no_grad()
    def __call__(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(predicted class map [N, h, w], pooled features [N, D], bottleneck [N, D, h/8, w/8]) at the
        segmenter's size."""
        logits, bottleneck = self.model.predict(self.resize(images.to(self.device).float()))
        bottleneck = bottleneck.float()
        return logits.argmax(1), bottleneck.mean(dim=(2, 3)), bottleneck


def colour_features(images: torch.Tensor) -> torch.Tensor:
    """Per picture [N, 3, H, W] in [-1, 1]: the square roots of its joint RGB histogram (COLOUR_LEVELS levels per
    channel, bins as fractions of the pixels), [N, COLOUR_LEVELS^3]. A feature of colour alone, blind to the
    segmenter's classes: grey-brown haze and washed-out tints land far from the real renders' colours."""
    levels = ((images.float().clamp(-1, 1) + 1) / 2 * COLOUR_LEVELS).long().clamp(max=COLOUR_LEVELS - 1)
    index = ((levels[:, 0] * COLOUR_LEVELS + levels[:, 1]) * COLOUR_LEVELS + levels[:, 2]).flatten(1)
    counts = torch.stack([torch.bincount(row, minlength=COLOUR_LEVELS ** 3) for row in index]).float()
    return (counts / index.shape[1]).sqrt().cpu()


def region_features(bottleneck: torch.Tensor, labels: torch.Tensor, classes: int) -> list[torch.Tensor]:
    """Per class c, the bottleneck [N, D, h, w] averaged over the region of c (label map [N, H, W] at the
    segmenter's size, each bottleneck cell weighted by the share of its pixels in c), for the pictures where
    c covers at least REGION_MIN_CELLS cells: a list of `classes` tensors [n_c, D]."""
    h, w = bottleneck.shape[-2:]
    share = F.adaptive_avg_pool2d(F.one_hot(labels.long(), classes).permute(0, 3, 1, 2).float(), (h, w))
    cells = share.sum((2, 3))
    pooled = torch.einsum("ndhw,nchw->ncd", bottleneck, share) / cells.clamp(min=1e-6)[..., None]
    keep = cells >= REGION_MIN_CELLS
    return [pooled[keep[:, c], c].cpu() for c in range(classes)]


def region_distances(generated: list[list[torch.Tensor]], real: list[list[torch.Tensor]],
                     class_names: list[str]) -> dict:
    """Per class: the FD between the region features of generated and real pictures, with the counts; the
    distance is None where either side has fewer than REGION_MIN_PICTURES regions."""
    result = {}
    for c, name in enumerate(class_names):
        a, b = torch.cat([g[c] for g in generated]), torch.cat([r[c] for r in real])
        distance = (round(frechet_distance(a.numpy(), b.numpy()), 4)
                    if min(len(a), len(b)) >= REGION_MIN_PICTURES else None)
        result[name] = {"fd": distance, "pictures": len(a), "real": len(b)}
    return result


# ---------------------------------------------------------------------------------------------------------
# Tracks: held-out layouts with their conditioning maps


@dataclass
class Track:
    """Held-out layouts at picture size: labels int64 [N, H, W], edges float [N, 1, H, W], ICPE distance
    maps float [N, 2, H, W], all on the evaluation device."""

    name: str
    labels: torch.Tensor
    edges: torch.Tensor
    dist: torch.Tensor

    def __len__(self) -> int:
        return self.labels.shape[0]


def heldout_cache(args, width: int, height: int, classes: int, device: torch.device) -> data.SampleCache:
    spec = data.CacheSpec(source="landscape", width=width, height=height, count=args.count, classes=classes,
                          seed=data.HELDOUT_SEED_BASE, paintify_fraction=0.0)
    return data.SampleCache(data.build_cache(spec, args.cache_dir, args.workers or None), device, flip=False)


def procedural_track(cache: data.SampleCache) -> Track:
    """The data set's own held-out layouts, as stored in the cache (no flips)."""
    return Track("procedural", cache.labels.long(), cache.edges[:, None].float(), cache.dist[:, 0].float())


def painted_layouts(kind: str, count: int, width: int, height: int,
                    cell: int = PAINTER_CELL) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grids on the painter's canvas for a width x height picture (one cell per `cell` x `cell` pixels): the held-out
    layouts brought onto it (`painted-grid`) or painted compositions (`compositions`), seeds
    data.HELDOUT_SEED_BASE + i."""
    grid_width, grid_height = painter_grid(width, height, cell)
    seeds = range(data.HELDOUT_SEED_BASE, data.HELDOUT_SEED_BASE + count)
    if kind == "painted-grid":
        layouts = (landscape.layout_only(seed, width, height) for seed in seeds)
        return [grid_of(layout.labels, layout.instances, grid_width, grid_height) for layout in layouts]
    return [(p.labels, p.instances) for p in (painted_layout(seed, grid_width, grid_height) for seed in seeds)]


def grid_track(name: str, grids: list[tuple[np.ndarray, np.ndarray]], width: int, height: int,
               ignored: int | None, device: torch.device, upsampling: str = "vote") -> Track:
    """Painted grids upsampled to the picture by `upsampling` (upsampling.CANDIDATES), with their edge and distance
    maps."""
    labels, edges, dist = [], [], []
    for grid, igrid in grids:
        full, instances = upsample(upsampling, grid, igrid, height, width)
        labels.append(full)
        edges.append(edge_map(full, instances))
        dist.append(distance_map(full, instances, ignored))
    return Track(name, torch.from_numpy(np.stack(labels)).long().to(device),
                 torch.from_numpy(np.stack(edges))[:, None].to(device), torch.from_numpy(np.stack(dist)).to(device))


def batches(count: int, size: int):
    for start in range(0, count, size):
        yield list(range(start, min(start + size, count)))


@torch.no_grad()
def generate(generator: SPADEGenerator, config: ModelConfig, track: Track, indices: list[int],
             codes: torch.Tensor | None, icpe: bool = True) -> torch.Tensor:
    """Images [B, 3, H, W] in [-1, 1] for layouts `indices` of `track` under style codes [B, z_dim];
    `icpe` False feeds a zero distance map, as the painter does with ICPE off."""
    index = torch.tensor(indices, device=track.labels.device)
    seg = make_semantic(track.labels[index], track.edges[index], config)
    dist = None
    if config.use_icpe:
        dist = track.dist[index] if icpe else torch.zeros_like(track.dist[index])
    z = codes.to(seg.device) if config.use_vae else None
    with torch.autocast(seg.device.type, dtype=torch.bfloat16, enabled=seg.device.type == "cuda"):
        return generator(seg, dist, z).float()


def resize_labels(labels: torch.Tensor, judge: Judge) -> torch.Tensor:
    """Label maps [N, H, W] nearest-resized to the segmenter's size."""
    if tuple(labels.shape[-2:]) == (judge.height, judge.width):
        return labels
    return F.interpolate(labels[:, None].float(), size=(judge.height, judge.width), mode="nearest")[:, 0].long()


# ---------------------------------------------------------------------------------------------------------
# Scores


class Scores:
    """Accumulates the segmenter's verdict on batches of pictures: confusion, features, region features."""

    def __init__(self, judge: Judge, class_names: list[str], ignored: int | None):
        self.judge, self.class_names, self.ignored = judge, class_names, ignored
        classes = len(class_names)
        self.confusion = torch.zeros(classes, classes, dtype=torch.int64)
        self.features: list[torch.Tensor] = []
        self.colours: list[torch.Tensor] = []
        self.regions: list[list[torch.Tensor]] = []

    def add(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Scores pictures [B, 3, H, W] made from label maps [B, H, W]; returns their pooled features."""
        prediction, feature, bottleneck = self.judge(images)
        target = resize_labels(labels.to(self.judge.device).long(), self.judge)
        self.confusion += confusion_matrix(prediction, target, len(self.class_names), self.ignored)
        self.features.append(feature.cpu())
        self.colours.append(colour_features(images))
        self.regions.append(region_features(bottleneck, target, len(self.class_names)))
        return feature

    def feature_matrix(self) -> torch.Tensor:
        return torch.cat(self.features)

    def colour_matrix(self) -> torch.Tensor:
        return torch.cat(self.colours)

    def summary(self, real: "Scores | None") -> dict:
        """mIoU, pixel accuracy, per-class IoU and, against the real pictures' scores, the FD overall and
        per class region."""
        scores = segmentation_scores(self.confusion, self.class_names)
        result = {"miou": round(scores["miou"], 4), "pixel_accuracy": round(scores["pixel_accuracy"], 4)}
        if real is not None:
            result["segmenter_feature_frechet_distance"] = round(
                frechet_distance(self.feature_matrix().numpy(), real.feature_matrix().numpy()), 4)
            result["colour_frechet_distance"] = round(
                frechet_distance(self.colour_matrix().numpy(), real.colour_matrix().numpy()), 4)
            result["region_frechet_distance"] = region_distances(self.regions, real.regions, self.class_names)
        result["per_class_iou"] = scores["per_class_iou"]
        return result


def evaluate_track(generator: SPADEGenerator, config: ModelConfig, track: Track, bank: np.ndarray | None,
                   judge: Judge, real: Scores, args) -> tuple[dict, tuple[torch.Tensor, torch.Tensor]]:
    """Scores of one model on one track under its random styles, with ICPE on and (for ICPE models) off,
    and the pixel change between the two; also the (segmenter, colour) features of the pictures with ICPE on."""
    modes = (True, False) if config.use_icpe else (True,)
    scores = {mode: Scores(judge, config.class_names, real.ignored) for mode in modes}
    change_sum, change_max, pixels = 0.0, 0, 0
    began = time.time()
    for indices in batches(len(track), args.batch_size):
        codes = style_codes(indices, 0, config.z_dim, bank) if config.use_vae else None
        labels = track.labels[torch.tensor(indices, device=track.labels.device)]
        pictures = {}
        for mode in modes:
            pictures[mode] = generate(generator, config, track, indices, codes, icpe=mode)
            scores[mode].add(pictures[mode], labels)
        if len(modes) == 2:
            change = np.abs(to_pixels(pictures[True]).astype(np.int16) - to_pixels(pictures[False]))
            change_sum += float(change.sum())
            change_max = max(change_max, int(change.max()))
            pixels += change.size
    result = {"layouts": len(track), **scores[True].summary(real), "generation_seconds": round(time.time() - began, 2)}
    if len(modes) == 2:
        off = scores[False].summary(real)
        result["icpe_off"] = {
            "mean_abs_pixel_change": round(change_sum / pixels, 3), "max_abs_pixel_change": change_max,
            **{key: off[key] for key in ("miou", "pixel_accuracy", "segmenter_feature_frechet_distance",
                                         "colour_frechet_distance")},
            "region_frechet_distance": {name: value["fd"] for name, value in off["region_frechet_distance"].items()},
        }
    return result, (scores[True].feature_matrix(), scores[True].colour_matrix())


@torch.no_grad()
def evaluate_real(judge: Judge, cache: data.SampleCache, class_names: list[str], ignored: int | None,
                  args) -> tuple[dict, Scores]:
    """The ceiling: the segmenter on the real renders of the held-out layouts; also their features."""
    real = Scores(judge, class_names, ignored)
    for indices in batches(len(cache), args.batch_size):
        batch = cache.batch(torch.tensor(indices), torch.zeros(len(indices), dtype=torch.bool))
        real.add(batch["image"], batch["labels"])
    result = real.summary(None)
    if args.styles > 1:
        result.update(real_diversity(judge, args))
    return result, real


def _render_with_style(task) -> np.ndarray:
    seed, style, width, height = task
    return landscape.render_with_style(seed, style, width, height).image


def real_renders(seeds: list[int], style, judge: Judge, workers: int = 1) -> torch.Tensor:
    """Renders [N, 3, h, w] in [-1, 1] of the scenes `seeds` at the segmenter's size under `style` (a
    landscape Style or a preset name), on `workers` processes."""
    tasks = [(seed, style, judge.width, judge.height) for seed in seeds]
    if workers > 1 and len(tasks) > 1:
        with multiprocessing.get_context("spawn").Pool(min(workers, len(tasks))) as pool:
            renders = pool.map(_render_with_style, tasks)
    else:
        renders = [_render_with_style(task) for task in tasks]
    return torch.from_numpy(np.stack(renders)).permute(0, 3, 1, 2).float().div(127.5).sub(1)


def real_diversity(judge: Judge, args) -> dict:
    """Style diversity of the renderer itself: held-out layouts rendered under `args.styles` random
    landscape styles, at the segmenter's size."""
    from landscape.style import random_style as random_landscape_style

    l1, feats = [], []
    for index in range(args.diversity_layouts):
        seed = data.HELDOUT_SEED_BASE + index
        images = torch.cat([real_renders([seed], random_landscape_style(np.random.default_rng([seed, k])), judge)
                            for k in range(args.styles)])
        _, feature, _ = judge(images)
        l1.append(mean_pairwise_distance((images + 1) / 2, "l1"))
        feats.append(mean_pairwise_distance(feature, "l2"))
    return {"diversity_l1": round(float(np.mean(l1)), 4), "diversity_features": round(float(np.mean(feats)), 4)}


def evaluate_styles(generator: SPADEGenerator, config: ModelConfig, track: Track, bank: np.ndarray | None,
                    judge: Judge, real: Scores, real_by_style: dict, own: tuple | None, args) -> dict:
    """FD of pictures of the first `args.style_layouts` procedural layouts under random N(0, I) codes, the
    style bank's codes and each preset, against the real renders under their own random styles (`fd`) and
    under the same style (`fd_same_style`), on segmenter features and on colour features (`colour_...`).
    `own`: the procedural track's (segmenter, colour) features (its pictures are those of the model's own
    random styles, which are then not drawn again), or None."""
    indices = list(range(min(args.style_layouts, len(track))))
    reference = (real.feature_matrix()[:len(indices)].numpy(), real.colour_matrix()[:len(indices)].numpy())
    choices = {"random N(0, I)": lambda i: style_codes(i, 0, config.z_dim)}
    if bank is not None:
        choices["random (style bank)"] = lambda i: style_codes(i, 0, config.z_dim, bank)
    own_name = "random (style bank)" if bank is not None else "random N(0, I)"
    for name, values in config.style_presets.items():
        if args.presets is None or name in args.presets:
            choices[f"preset {name}"] = lambda i, v=values: torch.tensor([v] * len(i), dtype=torch.float32)
    result = {}
    for name, codes in choices.items():
        if name == own_name and own is not None:
            features, colours = (f[:len(indices)].numpy() for f in own)
        else:
            images = [generate(generator, config, track, part, codes(part))
                      for part in batches(len(indices), args.batch_size)]
            features = torch.cat([judge(part)[1].cpu() for part in images]).numpy()
            colours = torch.cat([colour_features(part) for part in images]).numpy()
        same = real_by_style.get(name.removeprefix("preset "), reference) if name.startswith("preset") else reference
        result[name] = {"fd": round(frechet_distance(features, reference[0]), 4),
                        "fd_same_style": round(frechet_distance(features, same[0]), 4),
                        "colour_fd": round(frechet_distance(colours, reference[1]), 4),
                        "colour_fd_same_style": round(frechet_distance(colours, same[1]), 4)}
    presets = [v for k, v in result.items() if k.startswith("preset")]
    if presets:
        result["presets mean"] = {key: round(float(np.mean([v[key] for v in presets])), 4) for key in presets[0]}
    # The floor for random styles: the same scenes rendered under another random landscape style.
    from landscape.style import random_style as random_landscape_style

    seeds = [data.HELDOUT_SEED_BASE + i for i in indices]
    images = torch.cat([real_renders([seed], random_landscape_style(np.random.default_rng([seed, 1])), judge)
                        for seed in seeds])
    features, colours = judge(images)[1].cpu().numpy(), colour_features(images).numpy()
    floor = {"fd": round(frechet_distance(features, reference[0]), 4),
             "colour_fd": round(frechet_distance(colours, reference[1]), 4)}
    result[REAL_OTHER_STYLE] = {"fd": floor["fd"], "fd_same_style": floor["fd"], "colour_fd": floor["colour_fd"],
                                "colour_fd_same_style": floor["colour_fd"]}
    return result


def style_diversity(generator: SPADEGenerator, config: ModelConfig, track: Track, bank: np.ndarray | None,
                    judge: Judge, args) -> tuple[dict, list[np.ndarray]]:
    """Mean pairwise distances of pictures of one layout under `args.styles` random codes, over the first
    `args.diversity_layouts` layouts of `track`; also the pictures, one row per layout."""
    l1, feats, rows = [], [], []
    for index in range(min(args.diversity_layouts, len(track))):
        images = torch.cat([generate(generator, config, track, [index], style_codes([index], k, config.z_dim, bank))
                            for k in range(args.styles)])
        _, feature, _ = judge(images)
        l1.append(mean_pairwise_distance((images + 1) / 2, "l1"))
        feats.append(mean_pairwise_distance(feature, "l2"))
        rows.append(np.concatenate(list(to_pixels(images)), axis=1))
    return {"diversity_l1": round(float(np.mean(l1)), 4), "diversity_features": round(float(np.mean(feats)), 4)}, rows


def load_model(path: str) -> tuple[ModelConfig, SPADEGenerator, np.ndarray | None]:
    """(config, generator, style bank or None) of a model file or of a generator snapshot (clade/snapshot.py:
    per-channel ICPE, which no model file holds)."""
    if snapshot.is_snapshot(path):
        return *snapshot.load(path), None
    config, generator, _ = modelfile.load(path)
    bank = modelfile.read_style_bank(path)
    return config, generator, None if bank is None else bank.numpy()


def read_model_config(path: str) -> ModelConfig:
    return snapshot.read_config(path) if snapshot.is_snapshot(path) else modelfile.read_config(path)


def evaluate_model(name: str, path: str, judge: Judge, real: Scores, real_by_style: dict, args,
                   device: torch.device) -> tuple[dict, dict]:
    """Scores of one model file on every track, its styles, and its pictures for the figures."""
    config, generator, bank = load_model(path)
    generator = generator.to(device)
    ignored = config.label_nc if config.contain_dontcare_label else None
    cache = heldout_cache(args, config.width, config.height, config.class_count, device)
    tracks = [procedural_track(cache)] + [
        grid_track(kind, painted_layouts(kind, args.count, config.width, config.height, args.cell), config.width,
                   config.height, ignored, device, args.upsampling) for kind in TRACKS[1:]]
    scored = [track for track in tracks if track.name in args.tracks]
    result = {
        "name": name, "path": str(path),
        "architecture": config.architecture, "block_norms": config.block_norms, "use_icpe": config.use_icpe,
        "use_instance_edges": config.use_instance_edges, "use_vae": config.use_vae, "ngf": config.ngf,
        "size": f"{config.width}x{config.height}", "training_data": config.training_data,
        "style_bank": None if bank is None else len(bank),
        "random_styles": "none" if not config.use_vae else ("style bank" if bank is not None else "N(0, I)"),
        **generator_cost(config),
    }
    result["tracks"] = {}
    own = {}
    for track in scored:
        result["tracks"][track.name], own[track.name] = evaluate_track(generator, config, track, bank, judge, real,
                                                                       args)
        print(json.dumps({"model": name, "track": track.name,
                          **{k: v for k, v in result["tracks"][track.name].items()
                             if k not in ("per_class_iou", "region_frechet_distance", "icpe_off")}}), flush=True)
    # The procedural track's headline numbers stay at the top level, as before the painted tracks.
    procedural = result["tracks"].get("procedural", {})
    result.update({key: procedural.get(key) for key in ("miou", "pixel_accuracy",
                                                        "segmenter_feature_frechet_distance", "per_class_iou",
                                                        "generation_seconds")})
    result.update({"diversity_l1": None, "diversity_features": None})
    pictures = {"cache": cache, "config": config, "generator": generator, "tracks": tracks, "bank": bank}
    if config.use_vae and args.style_layouts > 0:
        result["styles"] = evaluate_styles(generator, config, tracks[0], bank, judge, real, real_by_style,
                                           own.get("procedural"), args)
        if args.styles > 1:
            diversity, pictures["style_rows"] = style_diversity(generator, config, tracks[2], bank, judge, args)
            result.update(diversity)
    return result, pictures


# ---------------------------------------------------------------------------------------------------------
# Pictures and reports


def to_pixels(images: torch.Tensor) -> np.ndarray:
    """[N, 3, H, W] in [-1, 1] -> uint8 [N, H, W, 3]."""
    return ((images.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()


def _fit(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    if pixels.shape[:2] == (height, width):
        return pixels
    return np.asarray(Image.fromarray(pixels).resize((width, height), Image.BILINEAR))


def _mask(labels: np.ndarray, config: ModelConfig) -> np.ndarray:
    if config.palette == PALETTE_NAME:
        return landscape.colourize(labels)
    return np.stack([labels * 17 % 256] * 3, -1).astype(np.uint8)


@torch.no_grad()
def comparison_pictures(models: list[tuple[str, dict]], out: Path, args) -> list[str]:
    """comparison.png: per held-out layout, the label map, the real render and every model's picture (random
    style 0); painted_<name>.png: painted-grid and composition layouts beside the model's pictures under the
    preset SHEET_STYLE (else random style 0); styles_<name>.png: compositions under `args.styles` random
    styles, one row per layout."""
    written = []
    count = min(PICTURE_LAYOUTS, args.count)
    rows = []
    for index in range(count):
        row = []
        for position, (_, pictures) in enumerate(models):
            cache, config, generator = pictures["cache"], pictures["config"], pictures["generator"]
            track, bank = pictures["tracks"][0], pictures["bank"]
            if position == 0:
                row.append(_mask(cache.labels[index].cpu().numpy(), config))
                row.append(to_pixels(cache.images[index:index + 1].float().div(127.5).sub(1))[0])
                height, width = row[0].shape[:2]
            codes = style_codes([index], 0, config.z_dim, bank) if config.use_vae else None
            row.append(_fit(to_pixels(generate(generator, config, track, [index], codes))[0], height, width))
        rows.append(np.concatenate(row, axis=1))
    write_png(np.concatenate(rows, axis=0), out / "comparison.png")
    written.append("comparison.png")
    for name, pictures in models:
        config, generator, tracks = pictures["config"], pictures["generator"], pictures["tracks"]
        sheet = []
        for track in tracks[1:]:
            for start in range(0, min(SHEET_LAYOUTS, len(track)), SHEET_COLUMNS):
                indices = list(range(start, min(start + SHEET_COLUMNS, len(track), SHEET_LAYOUTS)))
                codes = None
                if config.use_vae:
                    codes = (torch.tensor([config.style_presets[SHEET_STYLE]] * len(indices))
                             if SHEET_STYLE in config.style_presets
                             else style_codes(indices, 0, config.z_dim, pictures["bank"]))
                images = to_pixels(generate(generator, config, track, indices, codes))
                masks = [_mask(track.labels[i].cpu().numpy(), config) for i in indices]
                pairs = [np.concatenate(pair, axis=0) for pair in zip(masks, images, strict=True)]
                sheet.append(np.concatenate(pairs, axis=1))
        width = max(part.shape[1] for part in sheet)
        sheet = [np.pad(part, ((0, 0), (0, width - part.shape[1]), (0, 0))) for part in sheet]
        write_png(np.concatenate(sheet, axis=0), out / f"painted_{name}.png")
        written.append(f"painted_{name}.png")
        if pictures.get("style_rows"):
            file = f"styles_{name}.png"
            write_png(np.concatenate(pictures["style_rows"], axis=0), out / file)
            written.append(file)
    return written


def _number(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def markdown_report(report: dict) -> str:
    held = report["heldout"]
    real = report["real"]
    number = _number
    lines = [
        "# Evaluation report",
        "",
        f"Held-out layouts: {held['count']} per track (seeds {held['first_seed']}..{held['last_seed']}, disjoint "
        f"from training): `procedural` (the data set's layouts), `painted-grid` (the same layouts on the painter's "
        f"{held['painter_grid']} canvas, upsampled as the painter does), `compositions` (scenes painted the way "
        f"people paint, `landscape.painted`). One seeded random style per layout ({held['style_seed_rule']}).",
        f"Styles: the first {held['style_layouts']} procedural layouts under each kind of style; diversity over "
        f"{held['diversity_layouts']} compositions x {held['styles']} random styles.",
        f"Judge: segmenter `{report['segmenter']['path']}` ({report['segmenter']['info'].get('data', '')}, "
        f"{report['segmenter']['size'][0]}x{report['segmenter']['size'][1]}).",
        "",
        "## Procedural track",
        "",
        "| model | norm | ICPE | edges | encoder | random styles | ngf | size | G params | G GMACs | mIoU | pixel acc. "
        "| seg. feature FD | diversity L1 | diversity feat. |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in report["models"]:
        lines.append(
            f"| {m['name']} | {m['architecture']} | {'yes' if m['use_icpe'] else 'no'} | "
            f"{'yes' if m['use_instance_edges'] else 'no'} | {'yes' if m['use_vae'] else 'no'} | {m['random_styles']} "
            f"| {m['ngf']} | {m['size']} | {m['generator_params'] / 1e6:.2f} M | {m['generator_gmacs']:.2f} | "
            f"{number(m['miou'])} | {number(m['pixel_accuracy'])} | "
            f"{number(m['segmenter_feature_frechet_distance'], 2)} | {number(m['diversity_l1'])} | "
            f"{number(m['diversity_features'], 2)} |")
    lines.append(f"| real renders (ceiling) | | | | | | | | | | {number(real['miou'])} | "
                 f"{number(real['pixel_accuracy'])} | 0 | {number(real.get('diversity_l1'))} | "
                 f"{number(real.get('diversity_features'), 2)} |")
    lines += ["", "## Every track", "",
              "| model | track | mIoU | pixel acc. | seg. feature FD | FD / procedural FD | colour FD | ICPE off: mean "
              "(max) pixel change | ICPE off: mIoU | ICPE off: pixel acc. | ICPE off: FD | ICPE off: colour FD |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in report["models"]:
        base = m["segmenter_feature_frechet_distance"]
        for track, t in m["tracks"].items():
            off = t.get("icpe_off")
            lines.append(
                f"| {m['name']} | {track} | {number(t['miou'])} | {number(t['pixel_accuracy'])} | "
                f"{number(t['segmenter_feature_frechet_distance'], 2)} | "
                f"{number(t['segmenter_feature_frechet_distance'] / base if base else None, 2)} | "
                f"{number(t['colour_frechet_distance'], 3)} | " +
                (f"{off['mean_abs_pixel_change']:.2f} ({off['max_abs_pixel_change']}) | {number(off['miou'])} | "
                 f"{number(off['pixel_accuracy'])} | {number(off['segmenter_feature_frechet_distance'], 2)} | "
                 f"{number(off['colour_frechet_distance'], 3)} |"
                 if off else "- | - | - | - | - |"))
    classes = list(real["per_class_iou"])
    lines += ["", "## Frechet distance per class region", "",
              "Pictures where the class covers fewer than "
              f"{REGION_MIN_CELLS} of the segmenter's bottleneck cells are left out; '-': fewer than "
              f"{REGION_MIN_PICTURES} such pictures on one side. Highest = least real.", "",
              "| model | track | " + " | ".join(classes) + " |", "|---|---|" + "---|" * len(classes)]
    for m in report["models"]:
        for track, t in m["tracks"].items():
            regions = t["region_frechet_distance"]
            lines.append(f"| {m['name']} | {track} | " +
                         " | ".join(number(regions[c]["fd"], 2) for c in classes) + " |")
            if t.get("icpe_off"):
                lines.append(f"| {m['name']} | {track}, ICPE off | " +
                             " | ".join(number(t["icpe_off"]["region_frechet_distance"][c], 2) for c in classes) + " |")
    styled = [m for m in report["models"] if m.get("styles")]
    if styled:
        lines += ["", "## Styles", "",
                  "| model | style | seg. feature FD vs real renders (own random styles) | ... in the same style "
                  "| colour FD vs real renders (own random styles) | ... in the same style |",
                  "|---|---|---|---|---|---|"]
        for m in styled:
            for name, s in m["styles"].items():
                lines.append(f"| {m['name']} | {name} | {number(s['fd'], 2)} | {number(s['fd_same_style'], 2)} | "
                             f"{number(s['colour_fd'], 3)} | {number(s['colour_fd_same_style'], 3)} |")
    lines += [
        "",
        "- mIoU / pixel accuracy: the segmenter's prediction on each picture against the label map it was made "
        "from (mean IoU over the classes present in either).",
        "- seg. feature FD: Frechet distance between the segmenter's pooled bottleneck features of the pictures "
        "and of the real renders of the procedural held-out layouts (the same reference for every track). It is "
        "FID's formula on a feature extractor trained here, not an FID, and not comparable to published numbers; "
        "with few pictures it is biased upwards, so compare numbers of equal sample size only. Lower is better.",
        f"- colour FD: the same distance on colour features (square roots of each picture's joint RGB histogram, "
        f"{COLOUR_LEVELS} levels per channel): blind to the classes, it sees haze, tints and lost contrast.",
        "- ICPE off: the same pictures with a zero distance map (the painter's ICPE key); pixel change in grey "
        "levels (0..255), mean over all pixels and channels, and the largest.",
        "- diversity: mean pairwise distance between pictures of one layout under different random style "
        "codes (L1 of RGB in [0, 1]; L2 of segmenter features). The real row renders layouts under "
        "random landscape styles.",
        "- Styles: 'same style' compares preset pictures with real renders under the landscape preset of that "
        "name, random styles with the renders' own random styles; the row of real renders under another random "
        "style is the floor a perfect random-style sampler would reach with this many pictures.",
        "- G GMACs: multiply-adds of convolutions and linear layers for one picture; the CLADE class lookup "
        "is a gather and not counted.",
        "",
        f"Evaluated in {report['seconds']:.0f} s on {report['device']}.",
    ]
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def parse_model(text: str) -> tuple[str, str]:
    """'NAME=PATH' or 'PATH' (the name is then the file stem, or its folder's name for model.safetensors)."""
    if "=" in text and not Path(text).exists():
        name, path = text.split("=", 1)
        return name, path
    path = Path(text)
    return (path.parent.name if path.stem == "model" else path.stem), text


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description="Evaluate model files on held-out procedural and painted layouts.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", action="append", required=True, help="model file, or NAME=PATH; repeatable")
    p.add_argument("--segmenter", required=True, help="segmenter file from segmenter.py")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--count", type=int, default=500, help="held-out layouts per track")
    p.add_argument("--styles", type=int, default=4, help="style codes per layout for the diversity measure")
    p.add_argument("--diversity-layouts", type=int, default=32)
    p.add_argument("--style-layouts", type=int, default=64,
                   help="layouts drawn under every preset (0: no style comparison)")
    p.add_argument("--presets", default=None,
                   help="comma-separated presets to score in the style comparison (default: all; 'none': none)")
    p.add_argument("--tracks", default=",".join(TRACKS),
                   help=f"comma-separated tracks to score, of {', '.join(TRACKS)}, or 'none' (pictures use all)")
    p.add_argument("--cell", type=int, default=PAINTER_CELL,
                   help="pixels per side of a painted cell (8: the 32x32 canvas of a 256x256 model, 4: 64x64)")
    p.add_argument("--upsampling", choices=CANDIDATES, default="vote",
                   help="how painted grids reach the picture: the engine's class vote or smoothed vote, or the "
                        "Gaussian class vote (comparison only)")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--cache-dir", default="runs/cache")
    p.add_argument("--workers", type=int, default=0, help="processes for rendering the held-out set (0: all)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    args.tracks = [t for t in args.tracks.split(",") if t and t != "none"]
    if args.presets is not None:
        args.presets = [] if args.presets == "none" else [name for name in args.presets.split(",") if name]
    unknown = sorted(set(args.tracks) - set(TRACKS))
    if unknown:
        raise SystemExit(f"--tracks: unknown {unknown}; the tracks are {', '.join(TRACKS)}")
    args.diversity_layouts = min(args.diversity_layouts, args.count)
    args.style_layouts = min(args.style_layouts, args.count)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
                          else "cpu")
    began = time.time()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    models = [parse_model(m) for m in args.model]
    names = [n for n, _ in models]
    if len(set(names)) != len(names):
        raise SystemExit(f"model names must differ, got {names}; use NAME=PATH")

    judge = Judge(args.segmenter, device)
    class_names = judge.record["class_names"]
    configs = [read_model_config(path) for _, path in models]
    for (_, path), config in zip(models, configs, strict=True):
        if config.class_names != class_names:
            raise SystemExit(f"{path}: its classes {config.class_names} are not the segmenter's {class_names}")
    ignored = configs[0].label_nc if configs[0].contain_dontcare_label else None
    real_cache = heldout_cache(args, judge.width, judge.height, len(class_names), device)
    real, real_scores = evaluate_real(judge, real_cache, class_names, ignored, args)
    seeds = list(range(data.HELDOUT_SEED_BASE, data.HELDOUT_SEED_BASE + args.style_layouts))
    presets = sorted({name for config in configs if config.use_vae for name in config.style_presets
                      if name in landscape.STYLE_PRESETS and (args.presets is None or name in args.presets)})
    real_by_style = {}
    for name in presets:
        images = real_renders(seeds, name, judge, args.workers or os.cpu_count() or 1)
        real_by_style[name] = (judge(images)[1].cpu().numpy(), colour_features(images).numpy())

    results, pictures = [], []
    for name, path in models:
        result, picture = evaluate_model(name, path, judge, real_scores, real_by_style, args, device)
        results.append(result)
        pictures.append((name, picture))
        print(json.dumps({k: v for k, v in result.items() if k not in ("per_class_iou", "tracks")}), flush=True)
    figures = comparison_pictures(pictures, out, args)
    grid = painter_grid(judge.width, judge.height, args.cell)
    report = {
        "heldout": {"count": args.count, "first_seed": data.HELDOUT_SEED_BASE,
                    "last_seed": data.HELDOUT_SEED_BASE + args.count - 1, "tracks": list(TRACKS),
                    "painter_grid": f"{grid[0]}x{grid[1]}", "upsampling": args.upsampling, "styles": args.styles,
                    "diversity_layouts": args.diversity_layouts, "style_layouts": args.style_layouts,
                    "style_seed_rule": f"layout i, style k: clade/style.py sample_style(i * {STYLE_SEED_STRIDE} + k, "
                                       f"z_dim, the model's style bank or none)"},
        "segmenter": {"path": args.segmenter, "size": [judge.width, judge.height],
                      "info": judge.record.get("info", {})},
        "real": real,
        "models": results,
        "figures": figures,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "seconds": round(time.time() - began, 1),
    }
    write_atomic(out / "report.json", json.dumps(report, indent=2) + "\n")
    write_atomic(out / "report.md", markdown_report(report))
    return report


if __name__ == "__main__":
    main()
