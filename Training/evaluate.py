"""Evaluate generators on held-out landscape layouts with the trained segmenter (the "real images" judge).

    python Training/evaluate.py --model runs/icpe/model.safetensors [--model NAME=PATH ...] \\
        --segmenter runs/segmenter.pt --out runs/eval

For each model, on a fixed held-out set of layouts (seeds from data.HELDOUT_SEED_BASE, disjoint from every
training cache) with seeded random style codes (clade/style.py, the same codes the Swift side draws):
- mIoU and pixel accuracy of the segmenter on the generated images against the input label map; the same
  on the real renders is the ceiling;
- the segmenter feature Frechet distance: the Frechet distance between Gaussians fitted to the segmenter's
  pooled bottleneck features of generated and of real renders of the same layouts (FID's formula on a
  feature extractor trained here; not comparable to published FIDs);
- style diversity: for each of some layouts, images under several random style codes; the mean pairwise L1
  distance of the pictures (RGB in [0, 1]) and the mean pairwise L2 distance of their segmenter features;
  the real reference renders the same layouts under random landscape styles;
- generator parameters and multiply-adds (convolutions and linear layers, one image at the model's size).
Writes report.json, report.md, comparison.png (layouts under every model) and styles_<model>.png.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import data  # noqa: E402
import segmenter as segmenter_module  # noqa: E402
from clade import modelfile  # noqa: E402
from clade.config import ModelConfig  # noqa: E402
from clade.networks import ConvEncoder, SPADEGenerator, make_semantic  # noqa: E402
from clade.style import random_style  # noqa: E402

STYLE_SEED_STRIDE = 1000
PICTURE_LAYOUTS = 4


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
                              for name, v in zip(class_names, iou.tolist())}}


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


def style_codes(layout_indices: list[int], style_index: int, z_dim: int) -> torch.Tensor:
    """Seeded style codes [B, z_dim]: layout i, style k uses seed i * STYLE_SEED_STRIDE + k."""
    return torch.from_numpy(np.stack([random_style(i * STYLE_SEED_STRIDE + style_index, z_dim)
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
    def __call__(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(predicted class map [N, h, w], pooled features [N, D]) at the segmenter's size."""
        logits, features = self.model.predict(self.resize(images.to(self.device).float()))
        return logits.argmax(1), features.float()


def heldout_cache(args, width: int, height: int, classes: int, device: torch.device) -> data.SampleCache:
    spec = data.CacheSpec(source="landscape", width=width, height=height, count=args.count, classes=classes,
                          seed=data.HELDOUT_SEED_BASE, paintify_fraction=0.0)
    return data.SampleCache(data.build_cache(spec, args.cache_dir, args.workers or None), device, flip=False)


def batches(count: int, size: int):
    for start in range(0, count, size):
        yield list(range(start, min(start + size, count)))


@torch.no_grad()
def generate(generator: SPADEGenerator, config: ModelConfig, cache: data.SampleCache, indices: list[int],
             style_index: int, device: torch.device) -> torch.Tensor:
    """Images [B, 3, H, W] in [-1, 1] for held-out layouts `indices` under seeded style `style_index`."""
    batch = cache.batch(torch.tensor(indices), torch.zeros(len(indices), dtype=torch.bool))
    seg = make_semantic(batch["labels"], batch["edges"], config)
    dist = batch["dist"] if config.use_icpe else None
    z = style_codes(indices, style_index, config.z_dim).to(device) if config.use_vae else None
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
        return generator(seg, dist, z).float()


def evaluate_model(name: str, path: str, judge: Judge, real_features: torch.Tensor, args,
                   device: torch.device) -> tuple[dict, dict]:
    """Scores of one model file and its pictures (held-out cache, generated images) for the figures."""
    config, generator, _ = modelfile.load(path)
    generator = generator.to(device)
    cache = heldout_cache(args, config.width, config.height, config.class_count, device)
    ignored = config.label_nc if config.contain_dontcare_label else None
    confusion = torch.zeros(config.class_count, config.class_count, dtype=torch.int64)
    features = []
    began = time.time()
    for indices in batches(len(cache), args.batch_size):
        images = generate(generator, config, cache, indices, 0, device)
        prediction, feature = judge(images)
        target = cache.labels[torch.tensor(indices, device=cache.device)].long()
        confusion += confusion_matrix(prediction, resize_labels(target, judge), config.class_count, ignored)
        features.append(feature.cpu())
    seconds = time.time() - began
    scores = segmentation_scores(confusion, config.class_names)
    generated_features = torch.cat(features)
    diversity = {"diversity_l1": None, "diversity_features": None}
    pictures = {"cache": cache, "config": config, "generator": generator}
    if config.use_vae and args.styles > 1:
        layouts = list(range(min(args.diversity_layouts, len(cache))))
        l1, feats = [], []
        for index in layouts:
            images = torch.cat([generate(generator, config, cache, [index], k, device) for k in range(args.styles)])
            _, feature = judge(images)
            l1.append(mean_pairwise_distance((images + 1) / 2, "l1"))
            feats.append(mean_pairwise_distance(feature, "l2"))
        diversity = {"diversity_l1": round(float(np.mean(l1)), 4), "diversity_features": round(float(np.mean(feats)), 4)}
    result = {
        "name": name, "path": str(path),
        "architecture": config.architecture, "block_norms": config.block_norms, "use_icpe": config.use_icpe,
        "use_instance_edges": config.use_instance_edges, "use_vae": config.use_vae, "ngf": config.ngf,
        "size": f"{config.width}x{config.height}", "training_data": config.training_data,
        **generator_cost(config),
        "miou": round(scores["miou"], 4), "pixel_accuracy": round(scores["pixel_accuracy"], 4),
        "segmenter_feature_frechet_distance": round(frechet_distance(generated_features.numpy(),
                                                                     real_features.numpy()), 4),
        **diversity,
        "per_class_iou": scores["per_class_iou"],
        "generation_seconds": round(seconds, 2),
    }
    return result, pictures


def resize_labels(labels: torch.Tensor, judge: Judge) -> torch.Tensor:
    """Label maps [N, H, W] nearest-resized to the segmenter's size."""
    if tuple(labels.shape[-2:]) == (judge.height, judge.width):
        return labels
    return F.interpolate(labels[:, None].float(), size=(judge.height, judge.width), mode="nearest")[:, 0].long()


@torch.no_grad()
def evaluate_real(judge: Judge, cache: data.SampleCache, class_names: list[str], ignored: int | None,
                  args) -> tuple[dict, torch.Tensor]:
    """The ceiling: the segmenter on the real renders of the held-out layouts; also their features."""
    classes = len(class_names)
    confusion = torch.zeros(classes, classes, dtype=torch.int64)
    features = []
    for indices in batches(len(cache), args.batch_size):
        batch = cache.batch(torch.tensor(indices), torch.zeros(len(indices), dtype=torch.bool))
        prediction, feature = judge(batch["image"])
        confusion += confusion_matrix(prediction, resize_labels(batch["labels"], judge), classes, ignored)
        features.append(feature.cpu())
    scores = segmentation_scores(confusion, class_names)
    result = {"miou": round(scores["miou"], 4), "pixel_accuracy": round(scores["pixel_accuracy"], 4),
              "per_class_iou": scores["per_class_iou"]}
    features = torch.cat(features)
    if args.styles > 1:
        result.update(real_diversity(judge, args))
    return result, features


def real_diversity(judge: Judge, args) -> dict:
    """Style diversity of the renderer itself: the held-out layouts rendered under `args.styles` random
    landscape styles, at the segmenter's size."""
    import landscape
    from landscape.style import random_style as random_landscape_style

    l1, feats = [], []
    for index in range(args.diversity_layouts):
        seed = data.HELDOUT_SEED_BASE + index
        renders = []
        for k in range(args.styles):
            style = random_landscape_style(np.random.default_rng([seed, k]))
            renders.append(landscape.render_with_style(seed, style, judge.width, judge.height).image)
        images = torch.from_numpy(np.stack(renders)).permute(0, 3, 1, 2).float().div(127.5).sub(1)
        _, feature = judge(images)
        l1.append(mean_pairwise_distance((images + 1) / 2, "l1"))
        feats.append(mean_pairwise_distance(feature, "l2"))
    return {"diversity_l1": round(float(np.mean(l1)), 4), "diversity_features": round(float(np.mean(feats)), 4)}


# ---------------------------------------------------------------------------------------------------------
# Pictures and reports


def to_pixels(images: torch.Tensor) -> np.ndarray:
    """[N, 3, H, W] in [-1, 1] -> uint8 [N, H, W, 3]."""
    return ((images.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()


def save_png(pixels: np.ndarray, path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp.png")
    Image.fromarray(pixels).save(temporary)
    os.replace(temporary, path)


def _fit(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    if pixels.shape[:2] == (height, width):
        return pixels
    return np.asarray(Image.fromarray(pixels).resize((width, height), Image.BILINEAR))


@torch.no_grad()
def comparison_pictures(models: list[tuple[str, dict]], judge: Judge, out: Path, args, device) -> list[str]:
    """comparison.png: per held-out layout, the label map, the real render and every model's picture (style 0);
    styles_<name>.png: per layout, the model's pictures under `args.styles` style codes."""
    import landscape
    from landscape.classes import PALETTE_NAME

    written = []
    count = min(PICTURE_LAYOUTS, args.count)
    rows = []
    for index in range(count):
        row = []
        for position, (name, pictures) in enumerate(models):
            cache, config, generator = pictures["cache"], pictures["config"], pictures["generator"]
            if position == 0:
                labels = cache.labels[index].cpu().numpy()
                row.append(landscape.colourize(labels) if config.palette == PALETTE_NAME
                           else np.stack([labels * 17 % 256] * 3, -1).astype(np.uint8))
                row.append(to_pixels(cache.images[index:index + 1].float().div(127.5).sub(1))[0])
                height, width = row[0].shape[:2]
            row.append(_fit(to_pixels(generate(generator, config, cache, [index], 0, device))[0], height, width))
        rows.append(np.concatenate(row, axis=1))
    save_png(np.concatenate(rows, axis=0), out / "comparison.png")
    written.append("comparison.png")
    for name, pictures in models:
        cache, config, generator = pictures["cache"], pictures["config"], pictures["generator"]
        if not config.use_vae:
            continue
        grid = [np.concatenate(list(to_pixels(torch.cat([generate(generator, config, cache, [index], k, device)
                                                          for k in range(max(args.styles, 1))]))), axis=1)
                for index in range(count)]
        file = f"styles_{name}.png"
        save_png(np.concatenate(grid, axis=0), out / file)
        written.append(file)
    return written


def markdown_report(report: dict) -> str:
    held = report["heldout"]
    lines = [
        "# Evaluation report",
        "",
        f"Held-out set: {held['count']} landscape layouts (seeds {held['first_seed']}..{held['last_seed']}, "
        f"disjoint from training), one seeded random style code per layout; style diversity over "
        f"{held['diversity_layouts']} layouts x {held['styles']} style codes.",
        f"Judge: segmenter `{report['segmenter']['path']}` ({report['segmenter']['info'].get('data', '')}, "
        f"{report['segmenter']['size'][0]}x{report['segmenter']['size'][1]}).",
        "",
        "| model | norm | ICPE | edges | encoder | ngf | size | G params | G GMACs | mIoU | pixel acc. "
        "| seg. feature FD | diversity L1 | diversity feat. |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    real = report["real"]

    def number(value, digits=3):
        return "-" if value is None else f"{value:.{digits}f}"

    for m in report["models"]:
        lines.append(
            f"| {m['name']} | {m['architecture']} | {'yes' if m['use_icpe'] else 'no'} | "
            f"{'yes' if m['use_instance_edges'] else 'no'} | {'yes' if m['use_vae'] else 'no'} | {m['ngf']} | "
            f"{m['size']} | {m['generator_params'] / 1e6:.2f} M | {m['generator_gmacs']:.2f} | "
            f"{number(m['miou'])} | {number(m['pixel_accuracy'])} | "
            f"{number(m['segmenter_feature_frechet_distance'], 2)} | {number(m['diversity_l1'])} | "
            f"{number(m['diversity_features'], 2)} |")
    lines.append(f"| real renders (ceiling) | | | | | | | | | {number(real['miou'])} | "
                 f"{number(real['pixel_accuracy'])} | 0 | {number(real.get('diversity_l1'))} | "
                 f"{number(real.get('diversity_features'), 2)} |")
    lines += [
        "",
        "- mIoU / pixel accuracy: the segmenter's prediction on each picture against the layout it was made from "
        "(mean IoU over the classes present in either).",
        "- seg. feature FD: Frechet distance between the segmenter's pooled bottleneck features of generated "
        "pictures and of the real renders of the same layouts. It is FID's formula on a feature extractor "
        "trained here, not an FID, and not comparable to published numbers. Lower is better.",
        "- diversity: mean pairwise distance between pictures of one layout under different random style "
        "codes (L1 of RGB in [0, 1]; L2 of segmenter features). The real row renders the layouts under "
        "random landscape styles.",
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
    p = argparse.ArgumentParser(description="Evaluate model files on held-out landscape layouts.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", action="append", required=True, help="model file, or NAME=PATH; repeatable")
    p.add_argument("--segmenter", required=True, help="segmenter file from segmenter.py")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--count", type=int, default=500, help="held-out layouts")
    p.add_argument("--styles", type=int, default=4, help="style codes per layout for the diversity measure")
    p.add_argument("--diversity-layouts", type=int, default=32)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--cache-dir", default="runs/cache")
    p.add_argument("--workers", type=int, default=0, help="processes for rendering the held-out set (0: all)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=0)
    args = p.parse_args(argv)
    args.diversity_layouts = min(args.diversity_layouts, args.count)
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
    first_config = modelfile.read_config(models[0][1])
    if first_config.class_names != class_names:
        raise SystemExit(f"{models[0][1]}: its classes {first_config.class_names} are not the segmenter's "
                         f"{class_names}")
    ignored = first_config.label_nc if first_config.contain_dontcare_label else None
    real_cache = heldout_cache(args, judge.width, judge.height, len(class_names), device)
    real, real_features = evaluate_real(judge, real_cache, class_names, ignored, args)

    results, pictures = [], []
    for name, path in models:
        config = modelfile.read_config(path)
        if config.class_names != class_names:
            raise SystemExit(f"{path}: its classes {config.class_names} are not the segmenter's {class_names}")
        result, picture = evaluate_model(name, path, judge, real_features, args, device)
        results.append(result)
        pictures.append((name, picture))
        print(json.dumps({k: v for k, v in result.items() if k != "per_class_iou"}), flush=True)
    figures = comparison_pictures(pictures, judge, out, args, device)
    report = {
        "heldout": {"count": args.count, "first_seed": data.HELDOUT_SEED_BASE,
                    "last_seed": data.HELDOUT_SEED_BASE + args.count - 1, "styles": args.styles,
                    "diversity_layouts": args.diversity_layouts, "style_seed_rule":
                    f"layout i, style k: clade/style.py random_style(i * {STYLE_SEED_STRIDE} + k, z_dim)"},
        "segmenter": {"path": args.segmenter, "size": [judge.width, judge.height],
                      "info": judge.record.get("info", {})},
        "real": real,
        "models": results,
        "figures": figures,
        "device": str(device),
        "seconds": round(time.time() - began, 1),
    }
    write_atomic(out / "report.json", json.dumps(report, indent=2) + "\n")
    write_atomic(out / "report.md", markdown_report(report))
    return report


if __name__ == "__main__":
    main()
