"""Training data: a cache of samples with their conditioning maps, built once with all cores and reused.

A cache is a folder of .npy arrays (N samples of H x W) plus meta.json:
- `image.npy`  uint8 [N, 3, H, W]  RGB
- `labels.npy` uint8 or int16 [N, H, W] class ids
- `edges.npy`  uint8 [N, H, W] instance edge map (0/1, docs/conditioning.md section 2)
- `dist.npy`   float16 [N, 2, 2, H, W] ICPE distance maps: [orientation, channel]; orientation 0 is the
  sample as stored, 1 its horizontal mirror image, each computed from its own label/instance maps
  (section 3), so a flipped sample gets a recomputed map, never a flipped one. float16 keeps the cache
  small; the network reads these maps in bf16 under autocast anyway.

Sources: the procedural landscape renderer (Training/landscape) and ADE20K-style folders
(`images/` + `annotations/` single-channel label PNGs with the same file stems). A landscape cache mixes three
kinds of sample, drawn per seed: painted-first layouts (`painted_fraction`: a composition painted on the app's
grid, landscape.painted, rendered into its cells by landscape.cells), procedural layouts brought onto a painted
grid (`paintify_fraction`, on the app's grid or a random one by `paint_grid`; the picture stays the render of
the smooth layout), and procedural layouts as rendered.

A batch (see `SampleCache.batch`) is a dict of tensors on the cache's device:
`image` float [B, 3, H, W] in [-1, 1], `labels` int64 [B, H, W], `edges` float [B, 1, H, W],
`dist` float [B, 2, H, W].
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset, DistributedSampler

from clade.conditioning import distance_map, edge_map

CACHE_VERSION = 1
# Held-out evaluation layouts use seeds from here on; training caches must stay below.
HELDOUT_SEED_BASE = 1_000_000_000
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
_ROWS_PER_TASK = 8


class DataError(ValueError):
    """Bad input data; the message names the file and the problem."""


def code_digest() -> str:
    """8 hex digits of a hash over the sources that produce cached samples (the landscape renderer and the
    conditioning maps), so a cache built by older code is never reused."""
    training = Path(__file__).resolve().parent
    files = sorted((training / "landscape").glob("*.py")) + [training / "clade" / "conditioning.py"]
    digest = hashlib.sha1()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:8]


@dataclass(frozen=True)
class CacheSpec:
    """What a cache holds. `source` is `landscape` or `folder`; `root`, `split` and `label_shift` describe a
    folder source; `seed`, `paintify_fraction`, `painted_fraction` and `paint_grid` (`random` or `app`) a
    landscape source. `classes` is the class-bank size (label_nc + dontcare) and `ignored_class` the dontcare
    index that gets no ICPE encoding (or None)."""

    source: str
    width: int
    height: int
    count: int
    classes: int
    ignored_class: int | None = None
    seed: int = 0
    paintify_fraction: float = 0.0
    painted_fraction: float = 0.0
    paint_grid: str = "random"
    root: str = ""
    split: str = ""
    label_shift: bool = False

    def folder_name(self) -> str:
        """A readable name that changes whenever the content would, the code that makes it included."""
        size = f"{self.width}x{self.height}"
        if self.source == "landscape":
            painted = (f"-painted{self.painted_fraction:g}-grid{self.paint_grid}"
                       if self.painted_fraction or self.paint_grid != "random" else "")
            return (f"landscape-{size}-n{self.count}-seed{self.seed}-paint{self.paintify_fraction:g}{painted}"
                    f"-{code_digest()}-v{CACHE_VERSION}")
        # hashlib, not hash(): the name must agree across processes (hash() is salted per process).
        key = json.dumps([str(Path(self.root).resolve()), self.split, self.label_shift, self.classes])
        digest = hashlib.sha1(key.encode()).hexdigest()[:10]
        return f"folder-{Path(self.root).name}-{size}-n{self.count}-{digest}-{code_digest()}-v{CACHE_VERSION}"

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# ---------------------------------------------------------------------------------------------------------
# Producing one sample


def conditioning_rows(labels: np.ndarray, instances: np.ndarray, ignored_class: int | None):
    """Edge map uint8 [H, W] and distance maps float16 [2 orientations, 2, H, W] of one sample."""
    edges = edge_map(labels, instances).astype(np.uint8)
    dist = np.stack([distance_map(labels, instances, ignored_class),
                     distance_map(labels[:, ::-1], instances[:, ::-1], ignored_class)])
    return edges, dist.astype(np.float16)


def landscape_sample(seed: int, width: int, height: int, paintify_fraction: float, painted_fraction: float = 0.0,
                     paint_grid: str = "random"):
    """One landscape sample: (image uint8 [H, W, 3], labels, instances). For a `painted_fraction` share of the
    seeds a painted-first layout (a composition painted on the app's grid, rendered into its cells); for a
    `paintify_fraction` share the procedural layout replaced by its painted-grid version (landscape.paintify,
    on the app's grid when `paint_grid` is `app`); else the procedural layout as rendered."""
    import landscape
    from landscape.cells import render_painted
    from landscape.painted import painted_layout, painter_grid

    rng = np.random.default_rng([seed, 0x9A17])
    draw = rng.random()
    if draw < painted_fraction:
        grid_width, grid_height = painter_grid(width, height)
        painting = painted_layout(seed, grid_width, grid_height)
        sample = render_painted(painting.labels, painting.instances, width, height, seed,
                                landscape.sample_style(seed), horizon=painting.horizon)
        return np.asarray(sample.image), np.asarray(sample.labels), np.asarray(sample.instances)
    sample = landscape.render_sample(seed, width, height)
    labels, instances = np.asarray(sample.labels), np.asarray(sample.instances)
    if draw < painted_fraction + paintify_fraction:
        cells = painter_grid(width, height)[0] if paint_grid == "app" else None
        labels, instances = landscape.paintify(labels, instances, rng, cells=cells)
    return np.asarray(sample.image), np.asarray(labels), np.asarray(instances)


def folder_pairs(root: str | os.PathLike, split: str = "") -> list[tuple[Path, Path]]:
    """(image, label map) file pairs of an ADE20K-style folder: `root/images[/split]/NAME.jpg|png...` with
    `root/annotations[/split]/NAME.png`, sorted by name. Raises DataError naming unmatched files."""
    root = Path(root)
    images_dir, labels_dir = root / "images", root / "annotations"
    if split:
        images_dir, labels_dir = images_dir / split, labels_dir / split
    for folder in (images_dir, labels_dir):
        if not folder.is_dir():
            raise DataError(f"{folder}: folder not found (expected images/ and annotations/ under {root})")
    images = {p.stem: p for p in images_dir.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS}
    labels = {p.stem: p for p in labels_dir.iterdir() if p.suffix.lower() == ".png"}
    missing = sorted(set(images) - set(labels))
    if missing:
        raise DataError(f"{labels_dir}: no label PNG for {len(missing)} image(s), e.g. {missing[0]}.png")
    if not images:
        raise DataError(f"{images_dir}: no images ({', '.join(IMAGE_EXTENSIONS)})")
    return [(images[stem], labels[stem]) for stem in sorted(images)]


def read_label_map(path: Path, width: int, height: int, classes: int, label_shift: bool) -> np.ndarray:
    """A single-channel (grey or palette-index) label PNG, nearest-resized to height x width, as int32.
    With `label_shift` (ADE20K) 0 = unknown becomes the last class `classes - 1` and k becomes k - 1.
    Raises DataError naming the file, the first bad pixel and its value."""
    with Image.open(path) as picture:
        if picture.mode not in ("L", "P", "I", "I;16"):
            raise DataError(f"{path}: label maps must be single-channel index PNGs, got mode {picture.mode}")
        if picture.size != (width, height):
            labels = np.asarray(picture.resize((width, height), Image.NEAREST)).astype(np.int32)
        else:
            labels = np.asarray(picture).astype(np.int32)
    # With the shift the raw values are 0..classes-1 as well (0 = unknown), so one check covers both.
    bad = np.argwhere((labels < 0) | (labels >= classes))
    if bad.size:
        y, x = bad[0]
        raise DataError(f"{path}: pixel (x {x}, y {y}) of the map resized to {width}x{height} holds label "
                        f"{labels[y, x]}, outside 0..{classes - 1}")
    if label_shift:
        labels = np.where(labels == 0, classes, labels) - 1
    return labels


def folder_sample(image_path: Path, label_path: Path, spec: CacheSpec):
    """One sample of a folder source: (image uint8 [H, W, 3], labels int32, instances all 0)."""
    with Image.open(image_path) as picture:
        image = np.asarray(picture.convert("RGB").resize((spec.width, spec.height), Image.BICUBIC))
    labels = read_label_map(label_path, spec.width, spec.height, spec.classes, spec.label_shift)
    return image, labels, np.zeros_like(labels)


def _fill_rows(task) -> int:
    """Worker: produces samples [start, stop) and writes them into the cache arrays in `folder`."""
    folder, spec_dict, start, stop = task
    spec = CacheSpec(**spec_dict)
    pairs = folder_pairs(spec.root, spec.split) if spec.source == "folder" else None
    arrays = {name: np.load(Path(folder) / f"{name}.npy", mmap_mode="r+")
              for name in ("image", "labels", "edges", "dist")}
    for i in range(start, stop):
        if pairs is None:
            image, labels, instances = landscape_sample(spec.seed + i, spec.width, spec.height,
                                                        spec.paintify_fraction, spec.painted_fraction,
                                                        spec.paint_grid)
        else:
            image, labels, instances = folder_sample(*pairs[i], spec)
        if image.shape != (spec.height, spec.width, 3) or labels.shape != (spec.height, spec.width):
            raise DataError(f"sample {i}: image {image.shape} / labels {labels.shape} are not "
                            f"{spec.height}x{spec.width}")
        if labels.min() < 0 or labels.max() >= spec.classes:
            raise DataError(f"sample {i}: class ids {labels.min()}..{labels.max()} outside 0..{spec.classes - 1}")
        edges, dist = conditioning_rows(labels, instances, spec.ignored_class)
        arrays["image"][i] = image.transpose(2, 0, 1)
        arrays["labels"][i] = labels
        arrays["edges"][i] = edges
        arrays["dist"][i] = dist
    for array in arrays.values():
        array.flush()
    return stop - start


# ---------------------------------------------------------------------------------------------------------
# Building and loading


def check_training_seeds(spec: CacheSpec) -> None:
    """Raises DataError when a landscape training cache would use held-out evaluation seeds."""
    if spec.source == "landscape" and spec.seed + spec.count > HELDOUT_SEED_BASE:
        raise DataError(f"training seeds {spec.seed}..{spec.seed + spec.count - 1} overlap the held-out "
                        f"evaluation seeds (from {HELDOUT_SEED_BASE})")


def build_cache(spec: CacheSpec, cache_dir: str | os.PathLike, workers: int | None = None,
                log=print) -> Path:
    """Returns the cache folder for `spec` under `cache_dir`, building it first if it is not there.

    Samples are produced by `workers` processes (all cores by default) that write straight into memory-mapped
    .npy files of a temporary folder, renamed into place when complete, so an interrupted build leaves no
    partial cache."""
    if spec.source == "landscape" and spec.seed < HELDOUT_SEED_BASE < spec.seed + spec.count:
        raise DataError(f"seeds {spec.seed}..{spec.seed + spec.count - 1} mix training seeds and held-out "
                        f"evaluation seeds (from {HELDOUT_SEED_BASE})")
    if spec.source == "folder":
        available = len(folder_pairs(spec.root, spec.split))
        if spec.count > available:
            raise DataError(f"{spec.root}: {spec.count} samples asked for, the folder has {available}")
    if spec.classes > np.iinfo(np.int16).max:
        raise DataError(f"{spec.classes} classes do not fit the cache's int16 label maps")
    cache_dir = Path(cache_dir)
    final = cache_dir / spec.folder_name()
    if (final / "meta.json").is_file():
        return final
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}-", dir=cache_dir))
    try:
        n, h, w = spec.count, spec.height, spec.width
        label_dtype = np.uint8 if spec.classes <= 256 else np.int16
        for name, dtype, shape in (("image", np.uint8, (n, 3, h, w)), ("labels", label_dtype, (n, h, w)),
                                   ("edges", np.uint8, (n, h, w)), ("dist", np.float16, (n, 2, 2, h, w))):
            np.lib.format.open_memmap(temporary / f"{name}.npy", mode="w+", dtype=dtype, shape=shape).flush()
        tasks = [(str(temporary), spec.to_dict(), start, min(start + _ROWS_PER_TASK, n))
                 for start in range(0, n, _ROWS_PER_TASK)]
        workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
        began = time.time()
        done = 0
        if workers == 1:
            for task in tasks:
                done += _fill_rows(task)
        else:
            # fork: workers inherit the imported modules and need only numpy (no CUDA state is used).
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                next_report = n // 10
                for rows in pool.imap_unordered(_fill_rows, tasks):
                    done += rows
                    if done >= next_report:
                        log(f"cache {final.name}: {done}/{n} samples, {done / (time.time() - began):.1f}/s")
                        next_report += max(1, n // 10)
        (temporary / "meta.json").write_text(json.dumps({"version": CACHE_VERSION, **spec.to_dict(),
                                                         "build_seconds": round(time.time() - began, 2)}))
        try:
            os.rename(temporary, final)
        except OSError:
            # Another process finished the same cache first; theirs is complete.
            if not (final / "meta.json").is_file():
                raise
            shutil.rmtree(temporary)
        log(f"cache {final.name}: {n} samples built in {time.time() - began:.1f} s with {workers} workers")
        return final
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def wait_for_cache(spec: CacheSpec, cache_dir: str | os.PathLike, timeout: float = 3600.0) -> Path:
    """For ranks that do not build: waits until another process has built the cache for `spec`."""
    final = Path(cache_dir) / spec.folder_name()
    deadline = time.time() + timeout
    while not (final / "meta.json").is_file():
        if time.time() > deadline:
            raise TimeoutError(f"{final}: the cache did not appear within {timeout:.0f} s")
        time.sleep(1.0)
    return final


class SampleCache(Dataset):
    """A built cache held in memory as tensors on `device` (the GPU when training there, so a batch is a
    gather plus a flip with no host work). Indexing gives one sample (with a random flip) as a dict of
    [3, H, W] / [H, W] / [1, H, W] / [2, H, W] tensors; `batch` gives many at once."""

    def __init__(self, folder: str | os.PathLike, device: torch.device | str = "cpu", flip: bool = True):
        folder = Path(folder)
        meta_path = folder / "meta.json"
        if not meta_path.is_file():
            raise DataError(f"{folder}: not a sample cache (no meta.json)")
        self.meta = json.loads(meta_path.read_text())
        if self.meta.get("version") != CACHE_VERSION:
            raise DataError(f"{meta_path}: cache version {self.meta.get('version')}, expected {CACHE_VERSION}")
        self.folder = folder
        self.device = torch.device(device)
        self.flip = flip

        def load(name: str) -> torch.Tensor:
            return torch.from_numpy(np.load(folder / f"{name}.npy")).to(self.device)

        self.images = load("image")
        self.labels = load("labels")
        self.edges = load("edges")
        self.dist = load("dist")
        self.width, self.height = self.meta["width"], self.meta["height"]

    def __len__(self) -> int:
        return self.images.shape[0]

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        flips = torch.rand(1) < 0.5 if self.flip else torch.zeros(1, dtype=torch.bool)
        batch = self.batch(torch.tensor([index]), flips)
        return {name: value[0] for name, value in batch.items()}

    def batch(self, indices: torch.Tensor, flips: torch.Tensor) -> dict[str, torch.Tensor]:
        """Samples `indices` [B] (int64), mirrored left-right where `flips` [B] (bool) is set: image, label
        and edge maps are flipped, the distance map is the one computed for the mirrored layout."""
        indices, flips = indices.to(self.device), flips.to(self.device)
        mirror = flips.view(-1, 1, 1, 1)
        images = self.images[indices]
        images = torch.where(mirror, images.flip(-1), images)
        labels = self.labels[indices]
        labels = torch.where(mirror[:, 0], labels.flip(-1), labels)
        edges = self.edges[indices]
        edges = torch.where(mirror[:, 0], edges.flip(-1), edges)
        dist = self.dist[indices, flips.long()]
        return {
            "image": images.float().div_(127.5).sub_(1.0),
            "labels": labels.long(),
            "edges": edges.unsqueeze(1).float(),
            "dist": dist.float(),
        }


class BatchStream:
    """Endless batches from a SampleCache. Each epoch, a DistributedSampler shuffles the indices and gives
    this rank its share (all of them in a single process); every sample is flipped with probability 1/2
    when the cache allows flips. Incomplete batches at an epoch's end are dropped."""

    def __init__(self, cache: SampleCache, batch_size: int, rank: int = 0, world_size: int = 1, seed: int = 0,
                 epoch: int = 0):
        if len(cache) < batch_size * world_size:
            raise DataError(f"{cache.folder}: {len(cache)} samples cannot fill one batch of {batch_size} "
                            f"on each of {world_size} process(es)")
        self.cache = cache
        self.batch_size = batch_size
        self.sampler = DistributedSampler(cache, num_replicas=world_size, rank=rank, shuffle=True, seed=seed,
                                          drop_last=True)
        self.seed, self.rank = seed, rank
        self.epoch = epoch

    def __iter__(self):
        device = self.cache.device
        while True:
            self.sampler.set_epoch(self.epoch)
            # One host-to-device copy of the epoch's order and flips; batches are then slices on the device.
            order = torch.tensor(list(self.sampler), dtype=torch.int64)
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + self.epoch * 7919 + self.rank)
            flips = torch.rand(len(order), generator=generator) < 0.5
            if not self.cache.flip:
                flips.zero_()
            order, flips = order.to(device), flips.to(device)
            for start in range(0, len(order) - self.batch_size + 1, self.batch_size):
                stop = start + self.batch_size
                yield self.cache.batch(order[start:stop], flips[start:stop])
            self.epoch += 1
