"""The evaluation judge: a compact U-Net segmentation network trained on real renders of the data set.

    python Training/segmenter.py --out runs/segmenter.pt --size 256x256 --steps 3000 --batch-size 32

It stands in for the DRN/UperNet segmenters of the published evaluations (no pretrained weights can be
downloaded here). Images are [N, 3, H, W] in [-1, 1]; logits are [N, classes, H, W]; `predict` also gives the
bottleneck [N, 8 * width, H / 8, W / 8], whose global (or per-region) average is the feature of the segmenter
feature Frechet distance.

Training data: a landscape cache without painted-grid layouts (the judge must see true label maps), seeds
below data.HELDOUT_SEED_BASE; the evaluation runs on held-out seeds from there on.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

import data

FORMAT = "clade-paint-segmenter-1"


def _double_conv(fin: int, fout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(fin, fout, 3, padding=1, bias=False), nn.BatchNorm2d(fout), nn.ReLU(inplace=True),
                         nn.Conv2d(fout, fout, 3, padding=1, bias=False), nn.BatchNorm2d(fout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """Four resolutions (widths w, 2w, 4w, 8w; three 2x2 max-pools) with skip connections; input sides must
    be multiples of 8."""

    def __init__(self, classes: int, width: int = 16):
        super().__init__()
        self.classes, self.width = classes, width
        w = width
        self.down = nn.ModuleList([_double_conv(3, w), _double_conv(w, 2 * w), _double_conv(2 * w, 4 * w),
                                   _double_conv(4 * w, 8 * w)])
        self.up = nn.ModuleList([_double_conv(8 * w + 4 * w, 4 * w), _double_conv(4 * w + 2 * w, 2 * w),
                                 _double_conv(2 * w + w, w)])
        self.head = nn.Conv2d(w, classes, 1)

    def encode(self, image: torch.Tensor) -> list[torch.Tensor]:
        """Feature maps of the four resolutions, finest first; the last is the bottleneck [N, 8w, H/8, W/8]."""
        if image.dim() != 4 or image.shape[1] != 3 or image.shape[2] % 8 or image.shape[3] % 8:
            raise ValueError(f"segmenter input must be [N, 3, H, W] with H, W multiples of 8, got {list(image.shape)}")
        skips = []
        x = image
        for i, block in enumerate(self.down):
            if i:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        return skips

    def predict(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(logits [N, classes, H, W], the bottleneck [N, 8w, H/8, W/8]) in one pass."""
        skips = self.encode(image)
        x = skips[-1]
        for block, skip in zip(self.up, reversed(skips[:-1]), strict=True):
            x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = block(torch.cat((x, skip), 1))
        return self.head(x), skips[-1]

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.predict(image)[0]


def save(path: str | os.PathLike, model: UNet, size: tuple[int, int], class_names: list[str], info: dict) -> None:
    """Writes the segmenter (weights + what it was trained on) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    torch.save({"format": FORMAT, "classes": model.classes, "width": model.width, "size": list(size),
                "class_names": class_names, "info": info,
                "state_dict": {k: v.cpu() for k, v in model.state_dict().items()}}, temporary)
    os.replace(temporary, path)


def load(path: str | os.PathLike, device: torch.device | str = "cpu") -> tuple[UNet, dict]:
    """(segmenter in eval mode, its record without the weights)."""
    record = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ValueError(f"{path}: not a clade-paint segmenter file (format {FORMAT})")
    model = UNet(record["classes"], record["width"])
    model.load_state_dict(record["state_dict"])
    return model.to(device).eval(), {k: v for k, v in record.items() if k != "state_dict"}


def train_segmenter(cache: data.SampleCache, classes: int, width: int, steps: int, batch_size: int, lr: float,
                    device: torch.device, seed: int = 0, time_budget: float = 0.0, log=print) -> tuple[UNet, dict]:
    """Cross-entropy training with Adam and a cosine learning-rate decay; bf16 autocast on CUDA. Stops after
    `steps` or `time_budget` seconds. Returns the model (eval mode) and a summary."""
    torch.manual_seed(seed)
    model = UNet(classes, width).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    stream = iter(data.BatchStream(cache, batch_size, seed=seed))
    cuda = device.type == "cuda"
    began = time.time()
    step, running = 0, None
    while step < steps and not (time_budget and time.time() - began >= time_budget):
        for group in optimizer.param_groups:
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        batch = next(stream)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=cuda):
            logits = model(batch["image"].to(device))
            loss = F.cross_entropy(logits.float(), batch["labels"].to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        step += 1
        running = loss.detach() if running is None else 0.95 * running + 0.05 * loss.detach()
        if step % 100 == 0 or step == steps:
            log(json.dumps({"step": step, "loss": round(float(running), 4),
                            "elapsed": round(time.time() - began, 1)}))
    summary = {"steps": step, "batch_size": batch_size, "seconds": round(time.time() - began, 1),
               "final_loss": round(float(running), 4) if running is not None else None}
    return model.eval(), summary


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description="Train the evaluation segmenter on real landscape renders.",
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--out", required=True, help="segmenter file (.pt)")
    p.add_argument("--size", default="256x256", help="WIDTHxHEIGHT (multiples of 8)")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--time-budget", type=float, default=0.0, help="seconds; stop early when spent")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--width", type=int, default=16, help="U-Net base width (bottleneck 8x)")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--cache-dir", default="runs/cache")
    p.add_argument("--cache-size", type=int, default=2000)
    p.add_argument("--data-seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=0, help="cache-building processes (0: all cores)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    import landscape

    width, height = (int(v) for v in args.size.lower().split("x"))
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
                          else "cpu")
    classes = len(landscape.CLASS_NAMES)
    spec = data.CacheSpec(source="landscape", width=width, height=height, count=args.cache_size, classes=classes,
                          seed=args.data_seed, paintify_fraction=0.0)
    data.check_training_seeds(spec)
    folder = data.build_cache(spec, args.cache_dir, args.workers or None)
    cache = data.SampleCache(folder, device)
    model, summary = train_segmenter(cache, classes, args.width, args.steps, args.batch_size, args.lr, device,
                                     args.seed, args.time_budget)
    summary.update(data=f"landscape renders, seeds {spec.seed}..{spec.seed + spec.count - 1}, flips",
                   device=str(device))
    save(args.out, model, (width, height), list(landscape.CLASS_NAMES), summary)
    print(json.dumps({"event": "saved", "path": args.out, **summary}))
    return summary


if __name__ == "__main__":
    main()
