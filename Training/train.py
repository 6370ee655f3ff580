"""Train a CLADE / SPADE generator (with the optional style encoder) and export it as a model file.

    python Training/train.py --out runs/landscape --size 256x256 --ngf 32 --batch-size 16 --time-budget 420
    torchrun --nproc-per-node 8 Training/train.py ...            (DistributedDataParallel, one GPU per process)

Recipe (the training setup of the SPADE and CLADE papers): hinge GAN loss with a two-scale PatchGAN discriminator,
feature matching (weight 10 / num_D), KL 0.05 for the encoder, an optional L1 reconstruction term (the data is paired:
the encoder's code of the real image should reproduce it), Adam with the two time-scale rule (G/E 1e-4, D 4e-4,
betas (0, 0.9)). bf16 autocast on CUDA. Data: a sample cache built once with all cores (data.py), held on the
training device, so a step does no host work beyond drawing indices.

Recipe options: `--ema-decay` exports an exponential moving average of the generator (ema.py) with batch-norm
statistics recomputed for it; `--discriminator segmentation` replaces the PatchGAN and feature matching by the
OASIS segmentation discriminator with class-balanced cross entropy and LabelMix; `--icpe-drop` feeds a zero
distance map (the app's "ICPE off") for a share of batches; `--icpe-per-channel` gives ICPE one weight per
channel (not exportable: the model format holds the published single channel; its snapshots hold the generator
alone, clade/snapshot.py, which evaluate.py reads); `--painted` and `--paint-grid` set the share of painted-first
layouts and the grid of painted procedural ones (data.py); `--init-from` starts from the weights of a model file.

Outputs under --out (rank 0 only): `train.jsonl` (one JSON object per log line), `checkpoint.pt`,
`samples/step_NNNNNNN.png`, and the model file (`--export`, default `model.safetensors`).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel

import data
import losses
from clade import modelfile, snapshot
from clade.config import ModelConfig, block_names_for
from clade.discriminator import MultiscaleDiscriminator
from clade.networks import ConvEncoder, SPADEGenerator, reparameterize
from clade.palette import palette_file, read_palette
from clade.pictures import parse_size, write_png
from clade.segmentation_discriminator import SegmentationDiscriminator
from ema import GeneratorAverage

CHECKPOINT_NAME = "checkpoint.pt"
LOG_NAME = "train.jsonl"
SAMPLE_ROWS = 6


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    m = p.add_argument_group("model")
    m.add_argument("--norm", choices=("clade", "spade", "hybrid"), default="clade")
    m.add_argument("--block-norms", default="",
                   help="for --norm hybrid: comma-separated clade|spade per block (head_0, G_middle_0, ...)")
    m.add_argument("--ngf", type=int, default=32)
    m.add_argument("--size", type=parse_size, default=(256, 256), help="output WIDTHxHEIGHT")
    m.add_argument("--upsampling", choices=("normal", "more", "most"), default="normal")
    m.add_argument("--icpe", action=argparse.BooleanOptionalAction, default=None,
                   help="intra-class positional encoding (default: on when a block is CLADE)")
    m.add_argument("--edges", action=argparse.BooleanOptionalAction, default=True, help="instance-edge channel")
    m.add_argument("--vae", action=argparse.BooleanOptionalAction, default=True, help="style encoder")
    m.add_argument("--z-dim", type=int, default=256)
    m.add_argument("--param-free-norm", choices=("batch", "instance"), default="batch")
    m.add_argument("--icpe-per-channel", action="store_true",
                   help="ICPE with one weight per channel (an experiment: cannot be exported to a model file)")
    m.add_argument("--discriminator", choices=("patch", "segmentation"), default="patch",
                   help="two-scale PatchGAN with feature matching, or the OASIS (N+1)-class segmentation "
                        "discriminator with class-balanced cross entropy and LabelMix")
    m.add_argument("--ndf", type=int, default=64, help="discriminator width")
    m.add_argument("--num-d", type=int, default=2, help="PatchGAN scales")
    m.add_argument("--d-depth", type=int, default=0,
                   help="segmentation discriminator: resolution halvings (0: down to 8x8, at most 6)")

    o = p.add_argument_group("optimisation")
    o.add_argument("--batch-size", type=int, default=16, help="per process")
    o.add_argument("--lr-g", type=float, default=1e-4, help="generator and encoder learning rate")
    o.add_argument("--lr-d", type=float, default=4e-4)
    o.add_argument("--beta1", type=float, default=0.0)
    o.add_argument("--beta2", type=float, default=0.9)
    o.add_argument("--lambda-feat", type=float, default=10.0, help="feature matching weight")
    o.add_argument("--lambda-kld", type=float, default=0.05)
    o.add_argument("--lambda-l1", type=float, default=1.0, help="L1 reconstruction weight (0: off)")
    o.add_argument("--lambda-labelmix", type=float, default=10.0, help="segmentation discriminator: LabelMix weight")
    o.add_argument("--ema-decay", type=float, default=0.0,
                   help="export an exponential moving average of the generator with this decay (0: off; "
                        "e.g. 0.999), warm-up ramp min(decay, (1 + n) / (10 + n))")
    o.add_argument("--ema-bn-batches", type=int, default=20,
                   help="training batches over which the averaged generator's batch-norm statistics are "
                        "recomputed before each export")
    o.add_argument("--icpe-drop", type=float, default=0.0,
                   help="share of batches trained with a zero distance map (the app's ICPE off)")
    o.add_argument("--init-from", default="",
                   help="model file whose generator and encoder weights training starts from (same architecture)")
    o.add_argument("--d-warmup", type=int, default=0,
                   help="first steps that train the discriminator alone (a fresh one, e.g. with --init-from, "
                        "would otherwise steer trained weights by its first random verdicts)")

    d = p.add_argument_group("data")
    d.add_argument("--data", choices=("landscape", "folder"), default="landscape")
    d.add_argument("--data-root", default="", help="ADE20K-style folder: images/ and annotations/")
    d.add_argument("--data-split", default="", help="subfolder of images/ and annotations/, e.g. training")
    d.add_argument("--label-nc", type=int, default=0, help="folder data: number of classes")
    d.add_argument("--dontcare", action="store_true", help="folder data: one more class at index label_nc")
    d.add_argument("--label-shift", action="store_true",
                   help="folder data: ADE20K labels (0 = unknown -> dontcare, k -> k-1); implies --dontcare")
    d.add_argument("--class-names", default="", help="folder data: file with one class name per line")
    d.add_argument("--palette", default="", help="palette name stored in the model (default: landscape)")
    d.add_argument("--cache-dir", default="runs/cache")
    d.add_argument("--cache-size", type=int, default=0,
                   help="samples in the cache (0: 2000 landscape renders, or every image of a folder)")
    d.add_argument("--cache-device", choices=("auto", "cpu"), default="auto",
                   help="auto: keep the cache on the training device")
    d.add_argument("--paintify", type=float, default=0.3,
                   help="share of procedural layouts brought onto a painted grid (landscape; picture: the render)")
    d.add_argument("--painted", type=float, default=0.0,
                   help="share of painted-first layouts: compositions painted on the app's grid, rendered into "
                        "their cells (landscape)")
    d.add_argument("--paint-grid", choices=("random", "app"), default="random",
                   help="grid of the --paintify layouts: 16-64 columns at random, or the app's (size / 8)")
    d.add_argument("--data-seed", type=int, default=0, help="first landscape seed of the cache")
    d.add_argument("--workers", type=int, default=0, help="cache-building processes (0: all cores)")
    d.add_argument("--no-flip", action="store_true", help="no random horizontal flips")

    r = p.add_argument_group("run")
    r.add_argument("--out", required=True, help="output folder")
    r.add_argument("--prepare-only", action="store_true",
                   help="build the sample cache and stop (e.g. before starting several runs that share it)")
    r.add_argument("--time-budget", type=float, default=0.0, help="seconds of training, then save and export")
    r.add_argument("--max-steps", type=int, default=0, help="total steps (with --resume: including earlier)")
    r.add_argument("--resume", default="", help="checkpoint to continue from ('auto': OUT/checkpoint.pt if any)")
    r.add_argument("--checkpoint-every", type=int, default=1000)
    r.add_argument("--sample-every", type=int, default=500)
    r.add_argument("--log-every", type=int, default=50)
    r.add_argument("--export", default="model.safetensors", help="model file name under --out ('' for none)")
    r.add_argument("--snapshot-steps", default="",
                   help="comma-separated steps at which to also export OUT/snapshot_STEP.safetensors, so runs of "
                        "different speed can be compared at equal steps (--icpe-per-channel: "
                        "OUT/snapshot_STEP.generator.pt, the generator alone)")
    r.add_argument("--f16", action="store_true", help="export F16 tensors")
    r.add_argument("--style-presets", action="store_true",
                   help="store encoder codes of landscape STYLE_PRESETS renders in the model")
    r.add_argument("--presets-per-style", type=int, default=16, help="layouts rendered per style preset")
    r.add_argument("--training-data", default="", help="text for the model's training_data (default: generated)")
    r.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    r.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                   help="auto: bf16 autocast on CUDA, fp32 on CPU")
    r.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=True,
                   help="channels-last memory format on CUDA")
    r.add_argument("--threads", type=int, default=0, help="CPU threads for torch (0: default)")
    r.add_argument("--seed", type=int, default=0)
    return p


# ---------------------------------------------------------------------------------------------------------
# Setup


class Distributed:
    """Rank and world of this process: from torchrun's environment (RANK, WORLD_SIZE, LOCAL_RANK) or a
    single process."""

    def __init__(self):
        self.rank = int(os.environ.get("RANK", "0"))
        self.world_size = int(os.environ.get("WORLD_SIZE", "1"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def main(self) -> bool:
        return self.rank == 0

    def start(self, device: torch.device) -> None:
        if self.enabled:
            dist.init_process_group("nccl" if device.type == "cuda" else "gloo")

    def stop(self) -> None:
        if self.enabled:
            dist.destroy_process_group()


def choose_device(args, run: Distributed) -> torch.device:
    if args.device == "cpu" or (args.device == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise SystemExit("--device cuda: no CUDA device is available")
    torch.cuda.set_device(run.local_rank)
    return torch.device("cuda", run.local_rank)


def dataset_description(args) -> dict:
    """label_nc, dontcare, class names and palette of the training data."""
    if args.data == "landscape":
        import landscape
        from landscape.classes import PALETTE_NAME

        return {"label_nc": len(landscape.CLASS_NAMES), "dontcare": False,
                "class_names": list(landscape.CLASS_NAMES), "palette": args.palette or PALETTE_NAME}
    if not args.data_root:
        raise SystemExit("--data folder needs --data-root")
    if args.label_nc < 1:
        raise SystemExit("--data folder needs --label-nc (the number of classes, ADE20K: 150)")
    dontcare = args.dontcare or args.label_shift
    classes = args.label_nc + (1 if dontcare else 0)
    if args.class_names:
        names = [line.strip() for line in Path(args.class_names).read_text().splitlines() if line.strip()]
        if len(names) == args.label_nc and dontcare:
            names.append("dontcare")
        if len(names) != classes:
            raise SystemExit(f"{args.class_names}: {len(names)} class names, expected {classes}")
    else:
        names = [f"class_{i}" for i in range(args.label_nc)] + (["dontcare"] if dontcare else [])
    return {"label_nc": args.label_nc, "dontcare": dontcare, "class_names": names,
            "palette": args.palette or "landscape"}


def model_config(args, description: dict) -> ModelConfig:
    """The ModelConfig the options describe."""
    width, height = args.size
    blocks = block_names_for(args.upsampling)
    if args.norm == "hybrid":
        norms = [n.strip() for n in args.block_norms.split(",") if n.strip()]
        if len(norms) != len(blocks):
            raise SystemExit(f"--block-norms must give {len(blocks)} norms ({', '.join(blocks)}), got {norms}")
    else:
        norms = [args.norm] * len(blocks)
    icpe = ("clade" in norms) if args.icpe is None else args.icpe
    return ModelConfig.create(architecture=args.norm, block_norms=norms, label_nc=description["label_nc"],
                              ngf=args.ngf, width=width, height=height, num_upsampling_layers=args.upsampling,
                              contain_dontcare_label=description["dontcare"], use_instance_edges=args.edges,
                              use_icpe=icpe, param_free_norm=args.param_free_norm, use_vae=args.vae,
                              z_dim=args.z_dim, palette=description["palette"],
                              class_names=description["class_names"])


def cache_spec(args, config: ModelConfig) -> data.CacheSpec:
    ignored = config.label_nc if config.contain_dontcare_label else None
    common = dict(width=config.width, height=config.height, classes=config.class_count, ignored_class=ignored)
    if args.data == "landscape":
        if args.painted + args.paintify > 1:
            raise SystemExit(f"--painted {args.painted} and --paintify {args.paintify} add up to more than 1")
        return data.CacheSpec(source="landscape", count=args.cache_size or 2000, seed=args.data_seed,
                              paintify_fraction=args.paintify, painted_fraction=args.painted,
                              paint_grid=args.paint_grid, **common)
    root = str(Path(args.data_root).resolve())
    available = len(data.folder_pairs(root, args.data_split))
    return data.CacheSpec(source="folder", count=min(args.cache_size or available, available), root=root,
                          split=args.data_split,
                          label_shift=args.label_shift, **common)


def training_data_text(args, spec: data.CacheSpec, images_seen: int, steps: int) -> str:
    if args.training_data:
        return args.training_data
    if spec.source == "landscape":
        what = (f"procedural landscapes (Training/landscape), {spec.count} renders at {spec.width}x{spec.height}, "
                f"seeds {spec.seed}..{spec.seed + spec.count - 1}, {spec.paintify_fraction:.0%} painted-grid layouts"
                f"{' at the app grid' if spec.paint_grid == 'app' else ''}"
                f"{f', {spec.painted_fraction:.0%} painted-first layouts' if spec.painted_fraction else ''}")
    else:
        what = f"folder {Path(spec.root).name}{'/' + spec.split if spec.split else ''}, {spec.count} images"
    flips = "" if args.no_flip else ", random horizontal flips"
    recipe = [text for text, used in (
        (f"started from {Path(args.init_from).name}", args.init_from),
        ("OASIS segmentation discriminator", args.discriminator == "segmentation"),
        (f"ICPE off for {args.icpe_drop:.0%} of batches", args.icpe_drop),
        (f"generator weights averaged (decay {args.ema_decay:g})", args.ema_decay)) if used]
    return (f"{what}{flips}; {images_seen} images seen in {steps} steps of batch {args.batch_size}"
            + "".join(f"; {text}" for text in recipe))


# ---------------------------------------------------------------------------------------------------------
# The trainer


class Trainer:
    """Generator G, optional encoder E, discriminator D and their optimisers; one `step` per batch."""

    def __init__(self, args, config: ModelConfig, device: torch.device, run: Distributed):
        self.args, self.config, self.device, self.run = args, config, device, run
        cuda = device.type == "cuda"
        self.autocast_dtype = torch.bfloat16 if (args.precision == "bf16" or (args.precision == "auto" and cuda)) \
            else None
        if self.autocast_dtype is not None and not cuda:
            raise SystemExit("--precision bf16 is for CUDA; on the CPU train in fp32")
        self.memory_format = torch.channels_last if (cuda and args.channels_last) else torch.contiguous_format

        self.generator = self.new_generator()
        self.encoder = ConvEncoder(config, spectral=True) if config.use_vae else None
        if args.discriminator == "segmentation":
            depth = args.d_depth or min(6, int(math.log2(min(config.width, config.height))) - 3)
            self.discriminator = SegmentationDiscriminator(config.class_count, args.ndf, depth)
        else:
            self.discriminator = MultiscaleDiscriminator(config.semantic_nc + 3, args.ndf, args.num_d)
        if args.init_from:
            self.init_from(Path(args.init_from))
        # A plain (not synchronised) copy: it is only updated and run on the main process.
        self.ema = None
        if args.ema_decay > 0:
            average = self.new_generator()
            average.load_state_dict(self.generator.state_dict())
            self.ema = GeneratorAverage(average.to(device, memory_format=self.memory_format).eval(), args.ema_decay)
        # Batch statistics over all processes, as the reference's synchronized batch norm (CUDA only).
        if run.enabled and cuda and config.param_free_norm == "batch":
            self.generator = nn.SyncBatchNorm.convert_sync_batchnorm(self.generator)
        for module in self.modules():
            module.to(device, memory_format=self.memory_format)
        # Which batches train without the distance map: a host-side draw, so no step waits for the device.
        self.icpe_drops = random.Random(args.seed * 7919 + run.rank)

        g_params = list(self.generator.parameters()) + (list(self.encoder.parameters()) if self.encoder else [])
        # fused: one kernel per update on CUDA instead of a loop over parameter groups.
        adam = dict(betas=(args.beta1, args.beta2), fused=cuda)
        self.opt_g = torch.optim.Adam(g_params, lr=args.lr_g, **adam)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=args.lr_d, **adam)

        # The DDP wrappers are used for the passes whose gradients they must average; the G pass reads D
        # through the plain module so that D's frozen parameters take no part in DDP's bookkeeping.
        wrap = (lambda m: DistributedDataParallel(m, device_ids=[device.index] if cuda else None)) \
            if run.enabled else (lambda m: m)
        self.g = wrap(self.generator)
        self.e = wrap(self.encoder) if self.encoder else None
        self.d = wrap(self.discriminator)
        self.step_count = 0
        self.images_seen = 0

    def new_generator(self) -> SPADEGenerator:
        return SPADEGenerator(self.config, spectral=True, icpe_per_channel=self.args.icpe_per_channel)

    def modules(self) -> list[nn.Module]:
        return [m for m in (self.generator, self.encoder, self.discriminator) if m is not None]

    @property
    def drawing_generator(self) -> nn.Module:
        """The generator whose pictures are shown and exported: the average where there is one."""
        return self.ema.model if self.ema else self.generator

    def init_from(self, path: Path) -> None:
        """Starts the generator and encoder from the weights of a model file of the same architecture."""
        config, generator, encoder = modelfile.load(path)
        descriptive = ("training_data", "style_presets")
        ours, theirs = self.config.to_dict(), config.to_dict()
        changed = sorted(k for k in ours if k not in descriptive and ours[k] != theirs[k])
        if changed:
            raise SystemExit(f"{path}: the model's config differs from the options in {changed}")
        load_plain_weights(self.generator, generator.state_dict())
        if self.encoder is not None:
            load_plain_weights(self.encoder, encoder.state_dict())

    def autocast(self):
        if self.autocast_dtype is None:
            return nullcontext()
        return torch.autocast(self.device.type, dtype=self.autocast_dtype)

    def inputs(self, batch: dict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(semantic map [B, semantic_nc, H, W], real image [B, 3, H, W], distance map or None)."""
        seg = semantic_map(batch["labels"], batch["edges"], self.config).contiguous(memory_format=self.memory_format)
        real = batch["image"].contiguous(memory_format=self.memory_format)
        dist_map = batch["dist"] if self.config.use_icpe else None
        return seg, real, dist_map

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        """One G/E update and one D update on `batch` (see data.SampleCache.batch). Returns the losses as
        detached scalar tensors (no host synchronisation)."""
        args = self.args
        seg, real, dist_map = self.inputs(batch)
        if dist_map is not None and args.icpe_drop > 0 and self.icpe_drops.random() < args.icpe_drop:
            dist_map = torch.zeros_like(dist_map)
        segmentation = args.discriminator == "segmentation"
        labels = batch["labels"]
        balance = losses.class_balance(labels, self.config.class_count) if segmentation else None
        result = {}
        if self.step_count < args.d_warmup:
            with torch.no_grad(), self.autocast():
                z = reparameterize(*[t.float() for t in self.e(real)]) if self.e is not None else None
                fake = self.g(seg, dist_map, z)
        else:
            fake = self.generator_step(seg, real, dist_map, labels, balance, result)
        self.discriminator.requires_grad_(True)
        batch_size = seg.shape[0]
        with self.autocast():
            if segmentation:
                d_loss = self.segmentation_d_loss(real, fake.detach(), labels, balance, result)
            else:
                both = torch.cat((torch.cat((seg, fake.detach()), 1), torch.cat((seg, real), 1)), 0)
                predictions = self.d(both)
                fake_pred = [[t[:batch_size] for t in scale] for scale in predictions]
                real_pred = [[t[batch_size:] for t in scale] for scale in predictions]
                d_loss = losses.hinge_d_loss(real_pred, fake_pred)
                result["d_hinge"] = d_loss
        self.opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        self.opt_d.step()
        self.step_count += 1
        self.images_seen += batch_size * self.run.world_size
        return {k: v.detach().float() for k, v in result.items()}

    def generator_step(self, seg: torch.Tensor, real: torch.Tensor, dist_map: torch.Tensor | None,
                       labels: torch.Tensor, balance: torch.Tensor | None, result: dict) -> torch.Tensor:
        """One G/E update (the discriminator frozen); records the losses in `result`, updates the average and
        returns the generated images."""
        args = self.args
        self.discriminator.requires_grad_(False)
        with self.autocast():
            z = None
            if self.e is not None:
                mu, logvar = self.e(real)
                z = reparameterize(mu.float(), logvar.float())
            fake = self.g(seg, dist_map, z)
            if args.discriminator == "segmentation":
                # OASIS: the generator is rewarded when every pixel of its picture is segmented as its class.
                g_gan = losses.segmentation_loss(self.discriminator(fake), labels, balance)
                g_total = g_gan
                result.update(g_gan=g_gan)
            else:
                fake_pred = self.discriminator(torch.cat((seg, fake), 1))
                with torch.no_grad():
                    real_pred = self.discriminator(torch.cat((seg, real), 1))
                g_gan = losses.hinge_g_loss(fake_pred)
                g_feat = losses.feature_matching_loss(real_pred, fake_pred, args.lambda_feat)
                g_total = g_gan + g_feat
                result.update(g_gan=g_gan, g_feat=g_feat)
            if self.e is not None:
                g_kl = losses.kl_loss(mu, logvar, args.lambda_kld)
                g_total = g_total + g_kl
                result["g_kl"] = g_kl
            if args.lambda_l1 > 0:
                g_l1 = losses.reconstruction_loss(fake, real, args.lambda_l1)
                g_total = g_total + g_l1
                result["g_l1"] = g_l1
        self.opt_g.zero_grad(set_to_none=True)
        g_total.backward()
        self.opt_g.step()
        if self.ema:
            self.ema.update(self.generator)
        return fake

    def segmentation_d_loss(self, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor,
                            balance: torch.Tensor, result: dict) -> torch.Tensor:
        """OASIS's discriminator loss: real pixels are segmented as their classes (class-balanced), generated
        pixels as the fake class, and on a LabelMix of both the logits must be the same mix of the logits on
        each. One pass over fake, real and mixed images (DDP counts one forward per backward)."""
        mask = losses.labelmix_mask(labels, self.config.class_count)
        mixed = mask * real + (1 - mask) * fake
        fake_logits, real_logits, mixed_logits = self.d(torch.cat((fake, real, mixed), 0)).chunk(3)
        fake_target = torch.full_like(labels, self.discriminator.fake_class)
        d_seg = losses.segmentation_loss(real_logits, labels, balance) + losses.segmentation_loss(fake_logits,
                                                                                                  fake_target)
        d_labelmix = losses.labelmix_loss(mixed_logits, real_logits, fake_logits, mask, self.args.lambda_labelmix)
        result.update(d_seg=d_seg, d_labelmix=d_labelmix)
        return d_seg + d_labelmix

    @torch.no_grad()
    def recompute_average_statistics(self, stream) -> None:
        """Batch-norm statistics of the averaged generator, measured on training batches with the style codes
        the encoder gives them (as in training)."""
        def forward(model: nn.Module) -> None:
            seg, real, dist_map = self.inputs({k: v.to(self.device) for k, v in next(stream).items()})
            with self.autocast():
                z = None
                if self.encoder is not None:
                    mu, logvar = self.encoder(real)
                    z = reparameterize(mu.float(), logvar.float())
                model(seg, dist_map, z)

        encoder_training = self.encoder.training if self.encoder else False
        if self.encoder:
            self.encoder.eval()
        self.ema.recompute_batch_norm(forward, self.args.ema_bn_batches)
        if self.encoder:
            self.encoder.train(encoder_training)

    # Checkpoints ----------------------------------------------------------------------------------------

    def state(self) -> dict:
        return {
            "generator": self.generator.state_dict(),
            "generator_average": self.ema.state_dict() if self.ema else None,
            "encoder": self.encoder.state_dict() if self.encoder else None,
            "discriminator_kind": self.args.discriminator,
            "discriminator": self.discriminator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "step": self.step_count,
            "images_seen": self.images_seen,
            "config": self.config.to_dict(),
        }

    def save(self, path: Path, extra: dict) -> None:
        """Writes a checkpoint atomically (temporary file, then rename)."""
        temporary = path.with_name(path.name + ".tmp")
        torch.save({**self.state(), **extra}, temporary)
        os.replace(temporary, path)

    def load(self, path: Path) -> dict:
        """Restores models, optimisers and counters; returns the whole checkpoint."""
        state = torch.load(path, map_location=self.device, weights_only=False)
        # training_data and style_presets are written at export; the architecture must match.
        descriptive = ("training_data", "style_presets")
        ours = self.config.to_dict()
        changed = sorted(k for k, v in state["config"].items() if k not in descriptive and ours.get(k) != v)
        if changed:
            raise SystemExit(f"{path}: the checkpoint's model config differs from the options in {changed}")
        kind = state.get("discriminator_kind", "patch")
        if kind != self.args.discriminator:
            raise SystemExit(f"{path}: the checkpoint trained a {kind} discriminator, the options ask for "
                             f"{self.args.discriminator}")
        self.generator.load_state_dict(state["generator"])
        if self.encoder:
            self.encoder.load_state_dict(state["encoder"])
        self.discriminator.load_state_dict(state["discriminator"])
        if self.ema:
            if state.get("generator_average"):
                self.ema.load_state_dict(state["generator_average"])
            else:
                self.ema.model.load_state_dict(self.generator.state_dict())
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step_count, self.images_seen = state["step"], state["images_seen"]
        return state

    # Pictures and export --------------------------------------------------------------------------------

    @torch.no_grad()
    def sample_grid(self, batch: dict, colours: np.ndarray, path: Path) -> None:
        """PNG, one row per layout: coloured label map | real image | generated with the encoder's code of
        the real image (or the plain output without an encoder) | generated with a fixed random code. The
        averaged generator draws where there is one."""
        drawing = self.drawing_generator
        drawing_training = drawing.training
        drawing.eval()
        if self.encoder:
            self.encoder.eval()
        seg, real, dist_map = self.inputs(batch)
        with self.autocast():
            columns = [real]
            if self.encoder:
                mu, _ = self.encoder(real)
                columns.append(drawing(seg, dist_map, mu.float()))
                generator = torch.Generator(device=self.device).manual_seed(1234)
                z = torch.randn(real.shape[0], self.config.z_dim, device=self.device, generator=generator)
                columns.append(drawing(seg, dist_map, z))
            else:
                columns.append(drawing(seg, dist_map))
        drawing.train(drawing_training)
        if self.encoder:
            self.encoder.train()
        pictures = [colours[batch["labels"].cpu().numpy()]]
        pictures += [((c.float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).cpu().numpy()
                     for c in columns]
        rows = [np.concatenate([p[i] for p in pictures], axis=1) for i in range(real.shape[0])]
        write_png(np.concatenate(rows, axis=0), path)

    @torch.no_grad()
    def style_presets(self, per_style: int) -> dict[str, list[float]]:
        """For each landscape STYLE_PRESETS entry: the mean encoder code (mu) of renders of `per_style`
        held-out layouts in that style."""
        import landscape

        self.encoder.eval()
        width, height = self.config.width, self.config.height
        presets = {}
        for name, style in landscape.STYLE_PRESETS.items():
            seeds = [data.HELDOUT_SEED_BASE + 900_000 + i for i in range(per_style)]
            images = np.stack([landscape.render_with_style(seed, style, width, height).image for seed in seeds])
            real = torch.from_numpy(images).permute(0, 3, 1, 2).float().div(127.5).sub(1).to(self.device)
            with self.autocast():
                mu, _ = self.encoder(real.contiguous(memory_format=self.memory_format))
            presets[name] = [float(v) for v in mu.float().mean(0).cpu()]
        self.encoder.train()
        return presets


POWER_ITERATIONS = 50


def load_plain_weights(module: nn.Module, plain: dict[str, torch.Tensor]) -> None:
    """Loads the weights of a model file (spectral norm folded, see modelfile.fold_spectral_norm) into a
    training module whose convs carry spectral norm: each folded weight W becomes `weight_orig`, with power-
    iteration vectors converged on W, so the module's effective weight W / sigma(W) is W again (the folded
    W has sigma 1)."""
    state = {}
    for name, value in module.state_dict().items():
        base, _, leaf = name.rpartition(".")
        prefix = base + "." if base else ""
        if leaf == "weight_orig":
            state[name] = plain[prefix + "weight"]
        elif leaf in ("weight_u", "weight_v"):
            continue
        elif leaf == "num_batches_tracked":
            state[name] = torch.zeros_like(value)
        else:
            state[name] = plain[name]
        if leaf == "weight_orig":
            matrix = state[name].reshape(state[name].shape[0], -1).float()
            v = F.normalize(torch.ones(matrix.shape[1]), dim=0)
            for _ in range(POWER_ITERATIONS):
                u = F.normalize(matrix @ v, dim=0)
                v = F.normalize(matrix.t() @ u, dim=0)
            state[prefix + "weight_u"], state[prefix + "weight_v"] = u, v
    module.load_state_dict(state, strict=True)


def semantic_map(labels: torch.Tensor, edges: torch.Tensor, config: ModelConfig) -> torch.Tensor:
    """The generator's semantic input, float32 [B, semantic_nc, H, W] (one-hot classes, then the edge map
    [B, 1, H, W] when the model uses edges), as clade.networks.make_semantic builds it but without its range
    check, which reads the labels back to the host and so stalls the GPU every step. The cache's label
    maps are checked when it is built."""
    onehot = F.one_hot(labels, config.class_count).permute(0, 3, 1, 2).float()
    return torch.cat((onehot, edges), 1) if config.use_instance_edges else onehot


def class_colours(config: ModelConfig) -> np.ndarray:
    """uint8 [classes, 3]: the model's palette (Palettes/<palette>.gpl) where it covers every class, else
    evenly spread hues."""
    path = palette_file(config.palette)
    if os.path.isfile(path):
        _, entries = read_palette(path)
        if len(entries) >= config.class_count:
            return np.array([rgb for _, rgb in entries[:config.class_count]], dtype=np.uint8)
    hues = (np.arange(config.class_count) * 0.618034) % 1.0
    rgb = 0.5 + 0.5 * np.cos(2 * np.pi * (hues[:, None] + np.array([0.0, 1 / 3, 2 / 3])))
    return (rgb * 255).round().astype(np.uint8)


class LossWindow:
    """Sums of the step losses (on the device, read back only when a record is made) and the throughput since
    the last record. `origin` is the wall-clock time at which training time 0 lies (earlier sessions count)."""

    def __init__(self, device: torch.device, origin: float):
        self.device, self.origin = device, origin
        self.start = time.time()
        self.steps, self.images = 0, 0
        self.totals: dict[str, torch.Tensor] = {}

    def add(self, values: dict[str, torch.Tensor], images: int) -> None:
        self.steps += 1
        self.images += images
        for key, value in values.items():
            self.totals[key] = self.totals[key] + value if key in self.totals else value

    def record(self, trainer: Trainer) -> dict:
        """The log record of the window (mean losses, images/s, seconds/step); starts a new window. Raises
        SystemExit when a loss is not finite."""
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        now = time.time()
        record = {"step": trainer.step_count, "images_seen": trainer.images_seen,
                  "elapsed": round(now - self.origin, 2), "img_per_s": round(self.images / (now - self.start), 2),
                  "s_per_step": round((now - self.start) / self.steps, 4)}
        means = {k: float(v) / self.steps for k, v in self.totals.items()}
        if not all(math.isfinite(v) for v in means.values()):
            raise SystemExit(f"step {trainer.step_count}: a loss is not finite: {means}")
        record.update({k: round(v, 5) for k, v in means.items()})
        self.start, self.steps, self.images, self.totals = now, 0, 0, {}
        return record


class Log:
    """JSON-lines training log, appended so that a resumed run continues the same file; printed and
    written by rank 0 only (the other ranks' losses differ only by their share of the batch)."""

    def __init__(self, path: Path, enabled: bool):
        self.path, self.enabled = path, enabled

    def write(self, record: dict) -> None:
        if not self.enabled:
            return
        line = json.dumps(record)
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")


# ---------------------------------------------------------------------------------------------------------
# Main


def main(argv: list[str] | None = None) -> dict:
    """Runs training; returns a summary (steps, images seen, seconds, paths)."""
    args = build_parser().parse_args(argv)
    if args.time_budget <= 0 and args.max_steps <= 0 and not args.prepare_only:
        raise SystemExit("give --time-budget SECONDS and/or --max-steps N")
    if args.style_presets and not (args.vae and args.data == "landscape"):
        raise SystemExit("--style-presets needs the style encoder (--vae) and landscape data")
    if args.icpe_per_channel and (args.export or args.init_from):
        raise SystemExit("--icpe-per-channel models cannot be exported to or loaded from a model file (the format "
                         "holds one ICPE channel): give --export '' and no --init-from (--snapshot-steps writes "
                         "generator snapshots that evaluate.py reads)")
    if not 0.0 <= args.icpe_drop <= 1.0:
        raise SystemExit(f"--icpe-drop must lie in [0, 1], got {args.icpe_drop}")
    run = Distributed()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed + run.rank)
    out = Path(args.out)
    log = Log(out / LOG_NAME, run.main)
    started = time.time()

    description = dataset_description(args)
    config = model_config(args, description)
    spec = cache_spec(args, config)
    data.check_training_seeds(spec)
    if run.local_rank == 0:
        folder = data.build_cache(spec, args.cache_dir, args.workers or None,
                                  log=lambda text: print(text, flush=True))
    else:
        folder = data.wait_for_cache(spec, args.cache_dir)
    if args.prepare_only:
        return {"event": "prepared", "cache": str(folder), "seconds": round(time.time() - started, 2)}

    device = choose_device(args, run)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    run.start(device)
    try:
        return train(args, run, config, spec, folder, device, out, log, started)
    finally:
        run.stop()


def train(args, run: Distributed, config: ModelConfig, spec: data.CacheSpec, folder: Path, device: torch.device,
          out: Path, log: Log, started: float) -> dict:
    cache = data.SampleCache(folder, device if args.cache_device == "auto" else "cpu", flip=not args.no_flip)
    trainer = Trainer(args, config, device, run)
    if run.main:
        (out / "samples").mkdir(parents=True, exist_ok=True)

    checkpoint_path = out / CHECKPOINT_NAME
    resume = Path(args.resume) if args.resume not in ("", "auto") else None
    if args.resume == "auto" and checkpoint_path.is_file():
        resume = checkpoint_path
    earlier_seconds = 0.0
    if resume is not None:
        state = trainer.load(resume)
        earlier_seconds = state.get("train_seconds", 0.0)
        log.write({"event": "resume", "from": str(resume), "step": trainer.step_count,
                   "images_seen": trainer.images_seen})

    steps_per_epoch = len(cache) // (args.batch_size * run.world_size)
    stream = iter(data.BatchStream(cache, args.batch_size, run.rank, run.world_size, args.seed,
                                   epoch=trainer.step_count // steps_per_epoch))
    fixed = cache.batch(torch.arange(min(SAMPLE_ROWS, len(cache))), torch.zeros(min(SAMPLE_ROWS, len(cache)),
                                                                                 dtype=torch.bool))
    fixed = {k: v.to(device) for k, v in fixed.items()}
    colours = class_colours(config)
    parameters = {name: sum(p.numel() for p in m.parameters()) for name, m in
                  (("generator", trainer.generator), ("encoder", trainer.encoder),
                   ("discriminator", trainer.discriminator)) if m is not None}
    log.write({"event": "start", "config": config.to_dict(), "parameters": parameters, "device": str(device),
               "world_size": run.world_size, "cache": str(folder), "cache_samples": len(cache),
               "setup_seconds": round(time.time() - started, 2),
               "options": vars(args)})

    snapshot_steps = {int(s) for s in args.snapshot_steps.split(",") if s.strip()}
    loop_start = time.time()
    window = LossWindow(device, loop_start - earlier_seconds)
    session_steps = 0
    while True:
        if args.max_steps and trainer.step_count >= args.max_steps:
            break
        if args.time_budget and out_of_time(loop_start, args.time_budget, run, session_steps):
            break
        batch = next(stream)
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
        window.add(trainer.step(batch), args.batch_size * run.world_size)
        session_steps += 1
        step = trainer.step_count
        if step % args.log_every == 0:
            log.write(window.record(trainer))
        if run.main and args.sample_every and step % args.sample_every == 0:
            trainer.sample_grid(fixed, colours, out / "samples" / f"step_{step:07d}.png")
        if run.main and args.checkpoint_every and step % args.checkpoint_every == 0:
            trainer.save(checkpoint_path, {"train_seconds": earlier_seconds + time.time() - loop_start})
        if run.main and step in snapshot_steps:
            config.training_data = training_data_text(args, spec, trainer.images_seen, step)
            if trainer.ema:
                trainer.recompute_average_statistics(stream)
            if args.icpe_per_channel:
                snapshot.save(out / f"snapshot_{step:07d}{snapshot.SUFFIX}", config, trainer.drawing_generator,
                              icpe_per_channel=True)
            else:
                modelfile.export(out / f"snapshot_{step:07d}.safetensors", config, trainer.drawing_generator,
                                 trainer.encoder, torch.float16 if args.f16 else torch.float32)
            log.write({"event": "snapshot", "step": step, "images_seen": trainer.images_seen})
    if window.steps:
        log.write(window.record(trainer))

    train_seconds = earlier_seconds + time.time() - loop_start
    summary = {"event": "end", "step": trainer.step_count, "images_seen": trainer.images_seen,
               "train_seconds": round(train_seconds, 2), "session_steps": session_steps}
    if run.main:
        if trainer.ema:
            trainer.recompute_average_statistics(stream)
        trainer.save(checkpoint_path, {"train_seconds": train_seconds})
        trainer.sample_grid(fixed, colours, out / "samples" / f"step_{trainer.step_count:07d}.png")
        if args.export:
            if args.style_presets:
                config.style_presets = trainer.style_presets(args.presets_per_style)
            config.training_data = training_data_text(args, spec, trainer.images_seen, trainer.step_count)
            export_path = out / args.export
            modelfile.export(export_path, config, trainer.drawing_generator, trainer.encoder,
                             torch.float16 if args.f16 else torch.float32)
            summary["model"] = str(export_path)
        summary["total_seconds"] = round(time.time() - started, 2)
        log.write(summary)
    return summary


def out_of_time(loop_start: float, budget: float, run: Distributed, session_steps: int) -> bool:
    """Whether the training time is spent. Under DDP the ranks agree (rank 0's clock decides) every 10
    steps, so they all stop after the same step."""
    over = time.time() - loop_start >= budget
    if not run.enabled:
        return over
    if session_steps % 10:
        return False
    flag = torch.tensor([1.0 if over else 0.0], device="cuda" if dist.get_backend() == "nccl" else "cpu")
    dist.broadcast(flag, src=0)
    return bool(flag.item())


if __name__ == "__main__":
    main()
