"""What the painter's draft costs in quality: the bundled model at full size against its draft.

    python Training/preview_quality.py --model Models/landscape.safetensors \\
        --segmenter docs/training-run/segmenter.pt [--count 100] [--reduction N] [--out runs/preview-quality.json] \\
        [--sheet docs/drafts.png]

The draft is drawn as the painter draws it: its sides are the picture's divided by the first of DRAFT_REDUCTIONS
(4, then 2) for which the generator draws that size (64x64 for the bundled model's 256x256); `--reduction N`
measures another reduction instead. On the held-out landscape layouts of evaluate.py (seeds from
data.HELDOUT_SEED_BASE, style code 0 of each layout), the PyTorch twin draws every layout twice with the same style
code: at the model's size, and as the draft: the layout's label and instance maps brought to the draft's size by the
painter's class vote (docs/conditioning.md section 1, the rule RenderRequest applies to the painted grid), edge and
distance maps computed there, the fc map average-pooled (SPADEGenerator.forward); the draft is then upscaled
bilinearly to full size as the painter's preview does (align_corners=False, no antialiasing). (The landscape
renderer is not used at the draft's size: its layouts depend on the raster size, so it would draw another layout.)
Reported:
- PSNR (per picture, RGB in [0, 1], then the mean) and mean absolute error of the upscaled draft against the
  full render; for scale, the same for the full render itself brought to the draft's resolution and back (area
  downsampling, bilinear upsampling): the part of the difference that is resolution alone;
- the segmenter's mIoU and pixel accuracy against the layout (evaluate.py's judge and metrics) for the full
  renders, the upscaled drafts and the resampled full renders.
Prints a Markdown table and one JSON line; --out also writes the JSON to a file. --sheet writes a PNG of the first
SHEET_LAYOUTS layouts: the layout, the full render and the upscaled drafts at the painter's reductions (and the
measured one).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

import data
import evaluate
import landscape
from clade import conditioning, modelfile
from clade.config import ModelConfig
from clade.networks import SPADEGenerator, make_semantic
from clade.pictures import sheet_of, write_png

# How much smaller than the picture the painter draws its draft, in its order of preference: Swift
# PaintModel.draftReductions (keep the two lists equal).
DRAFT_REDUCTIONS = [4, 2]
SHEET_LAYOUTS = 4


def reduction_problem(config: ModelConfig, reduction: int) -> str | None:
    """Why the generator cannot draw the model's picture with both sides divided by `reduction`, or None when it
    can (the painter's test, PaintModel.draftSize: the sides divide, and the size rule accepts the result)."""
    width, height = config.width, config.height
    if width % reduction or height % reduction:
        return f"the model's {width}x{height} does not divide by {reduction}"
    return config.size_problem(width // reduction, height // reduction)


def painter_reduction(config: ModelConfig) -> int | None:
    """The reduction of the painter's draft of a picture at the model's size: the first of DRAFT_REDUCTIONS that
    the generator draws (for a model with a style encoder, the first in its `reduction_factors`); None where the
    painter draws no draft."""
    return next((reduction for reduction in DRAFT_REDUCTIONS if reduction_problem(config, reduction) is None), None)


def reduction_argument(text: str) -> int:
    """The --reduction option's value: an integer of 2 or more (argparse type)."""
    try:
        reduction = int(text)
    except ValueError:
        reduction = 0
    if reduction < 2:
        raise argparse.ArgumentTypeError(f"a reduction is an integer of 2 or more (the draft's sides are the "
                                         f"picture's divided by it), got {text!r}")
    return reduction


def draft_inputs(config: ModelConfig, seeds: list[int], factor: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(seg [B, semantic_nc, H / f, W / f], dist [B, 2, H / f, W / f]) of the landscape layouts `seeds` (rendered
    at the model's size) brought to 1/`factor` of it by the class vote, with edge and distance maps at that size."""
    height, width = config.height // factor, config.width // factor
    ignored = config.label_nc if config.contain_dontcare_label else None
    labels, edges, dist = [], [], []
    for seed in seeds:
        _, full_labels, full_instances = data.landscape_sample(seed, config.width, config.height, 0.0)
        small_labels, small_instances = conditioning.upsample_labels(full_labels, full_instances, height, width)
        labels.append(torch.from_numpy(small_labels.astype("int64")))
        edges.append(torch.from_numpy(conditioning.edge_map(small_labels, small_instances))[None])
        dist.append(torch.from_numpy(conditioning.distance_map(small_labels, small_instances, ignored)))
    return make_semantic(torch.stack(labels), torch.stack(edges), config), torch.stack(dist)


@torch.no_grad()
def draw_draft(generator: SPADEGenerator, config: ModelConfig, indices: list[int], factor: int) -> torch.Tensor:
    """The drafts [B, 3, H / f, W / f] of held-out layouts `indices` under style code 0 (evaluate.style_codes)."""
    seg, dist = draft_inputs(config, [data.HELDOUT_SEED_BASE + i for i in indices], factor)
    z = evaluate.style_codes(indices, 0, config.z_dim) if config.use_vae else None
    return generator(seg, dist if config.use_icpe else None, z)


def upscale(images: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Images [N, 3, h, w] resized bilinearly to [N, 3, height, width] as the Swift preview does
    (CLADE resizeBilinear: align_corners=False, no antialiasing)."""
    return F.interpolate(images, size=(height, width), mode="bilinear", align_corners=False)


def resolution_only(images: torch.Tensor, factor: int) -> torch.Tensor:
    """Images [N, 3, H, W] area-downsampled by `factor` and upscaled back: what the draft's resolution alone
    would lose from the full render."""
    small = F.avg_pool2d(images, factor)
    return upscale(small, images.shape[-2], images.shape[-1])


def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-picture PSNR in dB [N] of images [N, 3, H, W] in [-1, 1], measured on RGB in [0, 1] (peak 1);
    identical pictures give inf."""
    mse = ((a.clamp(-1, 1) - b.clamp(-1, 1)) / 2).pow(2).flatten(1).mean(1).double()
    return 10 * torch.log10(1 / mse)


def mean_abs_error(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-picture mean absolute difference [N] of images [N, 3, H, W] in [-1, 1], on RGB in [0, 1]."""
    return ((a.clamp(-1, 1) - b.clamp(-1, 1)) / 2).abs().flatten(1).mean(1).double()


def markdown_table(report: dict) -> str:
    full, draft, resampled = report["full"], report["draft"], report["resolution_only"]
    lines = [
        f"| {report['count']} held-out layouts, {report['size']} | full render | draft {report['draft_size']} "
        f"upscaled | full render at {report['draft_size']} and back |",
        "|---|---|---|---|",
        f"| PSNR against the full render (mean) | - | {draft['psnr_db']:.2f} dB | {resampled['psnr_db']:.2f} dB |",
        f"| mean abs. error against the full render (RGB 0-255) | - | {draft['mae'] * 255:.2f} | "
        f"{resampled['mae'] * 255:.2f} |",
        f"| segmenter mIoU against the layout | {full['miou']:.4f} | {draft['miou']:.4f} | "
        f"{resampled['miou']:.4f} |",
        f"| segmenter pixel accuracy | {full['pixel_accuracy']:.4f} | {draft['pixel_accuracy']:.4f} | "
        f"{resampled['pixel_accuracy']:.4f} |",
    ]
    return "\n".join(lines) + "\n"


@torch.no_grad()
def draft_sheet(generator: SPADEGenerator, config: ModelConfig, track: evaluate.Track, indices: list[int],
                reductions: list[int], painter: int | None) -> Image.Image:
    """One row per held-out layout `indices`: its label map, the full render and, for each of `reductions`, the
    draft upscaled to full size as the painter shows it (style code 0 throughout)."""
    codes = evaluate.style_codes(indices, 0, config.z_dim) if config.use_vae else None
    columns = [(f"full render {config.width}x{config.height}", evaluate.generate(generator, config, track,
                                                                              indices, codes))]
    for reduction in reductions:
        name = f"draft {config.width // reduction}x{config.height // reduction}, upscaled"
        if reduction == painter:
            name += " (the painter's)"
        columns.append((name, upscale(draw_draft(generator, config, indices, reduction), config.height,
                                      config.width)))
    pixels = [(name, evaluate.to_pixels(images)) for name, images in columns]
    rows = []
    for row, index in enumerate(indices):
        layout = landscape.colourize(track.labels[index].cpu().numpy())
        rows.append([(f"layout {data.HELDOUT_SEED_BASE + index}", Image.fromarray(layout))]
                    + [(name, Image.fromarray(images[row])) for name, images in pixels])
    return sheet_of(rows)


def in_256_colours(image: Image.Image) -> Image.Image:
    """`image` with a palette of 256 colours (median cut, Floyd-Steinberg dithered): its PNG about half the size of
    the RGB one, each pixel off by about 1 % on average, well below the differences a draft sheet shows (without the
    dithering smooth skies would show bands)."""
    palette = image.quantize(256, method=Image.Quantize.MEDIANCUT)
    return image.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)


@torch.no_grad()
def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description="Quality of the painter's draft against the full render.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", required=True, help="model file (the bundled Models/landscape.safetensors)")
    p.add_argument("--segmenter", required=True, help="segmenter file from segmenter.py")
    p.add_argument("--count", type=int, default=100, help="held-out layouts")
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--cache-dir", default="runs/cache")
    p.add_argument("--workers", type=int, default=0, help="processes for rendering the held-out set (0: all)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--reduction", type=reduction_argument,
                   help="draw the draft with the picture's sides divided by this (default: the painter's choice, "
                        f"the first of {DRAFT_REDUCTIONS} that the model draws)")
    p.add_argument("--out", help="also write the JSON report here")
    p.add_argument("--sheet", help=f"also write a PNG of the first {SHEET_LAYOUTS} layouts: layout, full render, "
                                   "upscaled drafts at the painter's reductions and the measured one")
    args = p.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device("cpu")
    began = time.time()

    config, generator, _ = modelfile.load(args.model)
    painter = painter_reduction(config)
    reduction = args.reduction or painter
    if reduction is None:
        raise SystemExit(f"{args.model}: a {config.width}x{config.height} model with a {config.sw}x{config.sh} head "
                         f"map has no draft (the painter draws one with the sides divided by the first of "
                         f"{DRAFT_REDUCTIONS} that the model draws)")
    problem = reduction_problem(config, reduction)
    if problem is not None:
        raise SystemExit(f"{args.model}: --reduction {reduction}: {problem}")
    judge = evaluate.Judge(args.segmenter, device)
    if config.class_names != judge.record["class_names"]:
        raise SystemExit(f"{args.model}: its classes {config.class_names} are not the segmenter's "
                         f"{judge.record['class_names']}")
    generator = generator.to(device).eval()
    width, height = config.width, config.height
    full_cache = evaluate.heldout_cache(args, width, height, config.class_count, device)
    ignored = config.label_nc if config.contain_dontcare_label else None
    classes = config.class_count
    confusions = {kind: torch.zeros(classes, classes, dtype=torch.int64) for kind in ("full", "draft", "resampled")}
    differences = {kind: {"psnr": [], "mae": []} for kind in ("draft", "resampled")}
    full_track = evaluate.procedural_track(full_cache)
    for indices in evaluate.batches(len(full_cache), args.batch_size):
        codes = evaluate.style_codes(indices, 0, config.z_dim) if config.use_vae else None
        full = evaluate.generate(generator, config, full_track, indices, codes)
        draft = upscale(draw_draft(generator, config, indices, reduction), height, width)
        pictures = {"full": full, "draft": draft, "resampled": resolution_only(full, reduction)}
        target = evaluate.resize_labels(full_cache.labels[torch.tensor(indices)].long(), judge)
        for kind, images in pictures.items():
            prediction, _, _ = judge(images)
            confusions[kind] += evaluate.confusion_matrix(prediction, target, classes, ignored)
            if kind != "full":
                differences[kind]["psnr"].append(psnr(images, full))
                differences[kind]["mae"].append(mean_abs_error(images, full))

    def scores(kind: str) -> dict:
        result = evaluate.segmentation_scores(confusions[kind], config.class_names)
        figures = {"miou": round(result["miou"], 4), "pixel_accuracy": round(result["pixel_accuracy"], 4)}
        if kind in differences:
            figures["psnr_db"] = round(float(torch.cat(differences[kind]["psnr"]).mean()), 3)
            figures["mae"] = round(float(torch.cat(differences[kind]["mae"]).mean()), 5)
        return figures

    report = {
        "model": str(args.model), "segmenter": str(args.segmenter), "count": len(full_cache),
        "first_seed": data.HELDOUT_SEED_BASE, "style": "evaluate.style_codes(layout, 0)",
        "size": f"{width}x{height}", "reduction": reduction, "painter_reduction": painter,
        "draft_size": f"{width // reduction}x{height // reduction}",
        "full": scores("full"), "draft": scores("draft"), "resolution_only": scores("resampled"),
        "seconds": round(time.time() - began, 1),
    }
    print(markdown_table(report), end="")
    print(json.dumps(report), flush=True)
    if args.out:
        evaluate.write_atomic(Path(args.out), json.dumps(report, indent=2) + "\n")
    if args.sheet:
        reductions = sorted({r for r in DRAFT_REDUCTIONS if reduction_problem(config, r) is None} | {reduction})
        indices = list(range(min(SHEET_LAYOUTS, len(full_cache))))
        sheet = draft_sheet(generator, config, full_track, indices, reductions, painter)
        write_png(in_256_colours(sheet), args.sheet, optimize=True)
    return report


if __name__ == "__main__":
    main()
