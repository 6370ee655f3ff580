"""Writes the fixtures that prove clade-paint renders public checkpoints as the official CLADE code does.

    python Training/make_official_fixtures.py OFFICIAL_CHECKOUT [--out DIR] [--ngf N] [--samples NAME ...]
        [--runs coco:clade-icpe coco:clade ade20k:clade-icpe cityscapes:clade-icpe ...]

OFFICIAL_CHECKOUT is a checkout of the official CLADE repository (github tzt101/CLADE, CC BY-NC-SA 4.0). Its code
is imported and run from there, unmodified, on the CPU (its own `--gpu_ids -1`); nothing of it is copied here. The
python that runs this script needs, besides torch, numpy and pillow: opencv-python-headless (`cal_dist_masks.py`),
dill, dominate (`test.py`'s web page) and torchvision's transforms. Two runtime shims let the 2020 code run on a
modern stack without editing it: a torchvision whose compiled operators do not match the installed torch is imported
as a bare package (only its pure-Python transforms are used), and matplotlib, which `cal_dist_masks.py` imports only
to show pictures, is stubbed when it is missing.

Inputs: the repository's COCO-Stuff validation samples (`datasets/coco_stuff/val_label`, `val_inst`), and for the
ADE20K and Cityscapes configurations the same annotations remapped into those data sets' file formats. For each run
(a data set's official options and a variant: CLADE-ICPE, CLADE or SPADE, ngf from --ngf) it
1. builds the generator with the official `define_G` (its own initialisation), randomises the class banks and the
   instance-edge and ICPE convs, calibrates the batch-norm statistics on the first sample (one training-mode pass, so
   the activations stay lively) and scales `conv_img` so the picture spans the tanh range; saves it with the official
   `save_network` as `latest_net_G.pth`;
2. runs the official `test.py` on the data set's files (ICPE maps made by the official
   `cal_dist_masks.cal_connectedComponents` at the label files' size): `<run>/test/<sample>.png`, the pictures a
   person gets from the official code (truncating `tensor2im`);
3. for COCO-Stuff, runs the official generator on the maps already at 256x256 (`coco/label256`, `coco/inst256`,
   Pillow's nearest rule as the loader) with `get_edges` and `cal_connectedComponents` applied at 256x256:
   `<run>/at_size/<sample>.png`;
4. converts the checkpoint with `Training/convert.py --dataset ...` (`<run>.safetensors`).
`manifest.json` lists every model, input and picture; `README.md` the licences. Each run is seeded on its own, so
its output is the same whichever runs are made with it, for a given checkout, torch and Pillow.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import importlib.util
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable

import numpy as np
import torch
from PIL import Image

from clade.pictures import write_png

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "Tests", "CLADETests", "Fixtures", "official")
VARIANTS = {
    # name: (norm_mode, add_dist)
    "clade-icpe": ("clade", True),
    "clade": ("clade", False),
    "spade": ("spade", False),
}
SAMPLES = "datasets/coco_stuff"
SEED = 20260716
# Samples with people (raw label 0, which the official ICPE leaves out), unlabeled pixels (255) and three source sizes.
DEFAULT_SAMPLES = ("000000000139", "000000000785", "000000001268", "000000001503")
DEFAULT_RUNS = ("coco:clade-icpe", "coco:clade", "ade20k:clade-icpe", "cityscapes:clade-icpe")
ANNOTATION_NOTE = """# Fixtures from the official CLADE code

Written by `Training/make_official_fixtures.py` from a checkout of the official CLADE repository (github
tzt101/CLADE), whose code was run, not copied; `manifest.json` lists every model, input and official picture.

The label and instance maps are COCO-Stuff annotations: `coco/val_label/` and `coco/val_inst/` are validation samples
that the official repository ships (`datasets/coco_stuff/`); `coco/label256/` and `coco/inst256/` are the same maps
resized to 256x256 by Pillow's nearest rule, as the official loader resizes them; `ade20k/` and `cityscapes/` hold
the same annotations with their values remapped into those data sets' formats (not real ADE20K or Cityscapes
annotations). The annotations are from COCO-Stuff (github nightrome/cocostuff) and the COCO data set, licensed under
the Creative Commons Attribution 4.0 License (CC BY 4.0); so are these files derived from them.

The models are generators of the official configurations with the official initialisation and randomised weights
(not trained), converted by `Training/convert.py`; the pictures are what the official code draws with them.
"""


def import_shims() -> None:
    """Lets the official code import on this stack without changing it (see the module doc)."""
    try:
        import torchvision  # noqa: F401
    except Exception:  # a torchvision built for another torch fails while registering its compiled operators
        for name in [n for n in sys.modules if n == "torchvision" or n.startswith("torchvision.")]:
            del sys.modules[name]
        spec = importlib.util.find_spec("torchvision")
        if spec is None:
            raise SystemExit("make_official_fixtures: install torchvision (its transforms are used by the official "
                             "loaders)") from None
        package = types.ModuleType("torchvision")
        package.__path__ = list(spec.submodule_search_locations)
        sys.modules["torchvision"] = package
    try:
        import matplotlib.pyplot
    except ImportError:
        matplotlib = types.ModuleType("matplotlib")
        matplotlib.pyplot = types.ModuleType("matplotlib.pyplot")
        sys.modules["matplotlib"] = matplotlib
        sys.modules["matplotlib.pyplot"] = matplotlib.pyplot
    for module, package in (("cv2", "opencv-python-headless"), ("dominate", "dominate"), ("dill", "dill")):
        if importlib.util.find_spec(module) is None:
            raise SystemExit(f"make_official_fixtures: the official code needs {module}: pip install {package}")


@contextlib.contextmanager
def official_argv(arguments: list[str]):
    """Runs the body with `sys.argv` as the official scripts read it."""
    saved = sys.argv
    sys.argv = ["test.py"] + arguments
    try:
        yield
    finally:
        sys.argv = saved


def test_options(data_set: "DataSet", variant: str, ngf: int, dataroot: str, checkpoints: str, results: str):
    norm_mode, add_dist = VARIANTS[variant]
    arguments = ["--name", f"{data_set.name}-{variant}", "--dataset_mode", data_set.mode, "--dataroot", dataroot,
                 "--checkpoints_dir", checkpoints, "--results_dir", results, "--gpu_ids", "-1",
                 "--norm_mode", norm_mode, "--ngf", str(ngf), "--which_epoch", "latest", "--batchSize", "1"]
    arguments += ["--add_dist"] if add_dist else []
    from options.test_options import TestOptions
    with official_argv(arguments), contextlib.redirect_stdout(sys.stderr):
        return TestOptions().parse(), arguments


def distance_file(label_path: str, npy_path: str) -> None:
    """The official ICPE map of a raw label file at its own size, saved as `cal_dist_masks.py` saves it."""
    from util.cal_dist_masks import cal_connectedComponents
    h_offset, w_offset = cal_connectedComponents(np.array(Image.open(label_path)), "norm")
    os.makedirs(os.path.dirname(npy_path), exist_ok=True)
    np.save(npy_path, np.stack([h_offset, w_offset]))


def copy_file(source: str, target: str) -> None:
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(source, target)


def save_png(array: np.ndarray, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_png(array, path)


def coco_files(checkout: str, name: str, out: str) -> tuple[str, str]:
    """The repository's COCO-Stuff sample `name` copied into the fixtures: (labels, instances), relative to `out`."""
    for folder in ("val_label", "val_inst"):
        copy_file(os.path.join(checkout, SAMPLES, folder, name + ".png"),
                  os.path.join(out, "coco", folder, name + ".png"))
    return f"coco/val_label/{name}.png", f"coco/val_inst/{name}.png"


def prepare_coco(checkout: str, dataroot: str, out: str, names: list[str]) -> list[dict]:
    """The COCO-Stuff samples as the official COCO loader reads them (`val_label`, `val_inst`, `val_img`, and `val_dist`
    made by the official `cal_connectedComponents`), plus their 256x256 versions for the picture-size track."""
    cases = []
    for name in names:
        labels, instances = coco_files(checkout, name, out)
        copy_file(os.path.join(out, labels), os.path.join(dataroot, "val_label", name + ".png"))
        copy_file(os.path.join(out, instances), os.path.join(dataroot, "val_inst", name + ".png"))
        copy_file(os.path.join(checkout, SAMPLES, "val_img", name + ".jpg"),
                  os.path.join(dataroot, "val_img", name + ".jpg"))
        distance_file(os.path.join(out, labels), os.path.join(dataroot, "val_dist", name + ".npy"))
        small = {}
        for key, path, folder in (("labels", labels, "label256"), ("instances", instances, "inst256")):
            small[key] = f"coco/{folder}/{name}.png"
            save_png(np.array(Image.open(os.path.join(out, path)).resize((256, 256), Image.NEAREST)),
                     os.path.join(out, small[key]))
        cases.append({"name": name, "picture": name, "labels": labels, "instances": instances, "at_size": small})
    return cases


def ade20k_values(coco: np.ndarray) -> np.ndarray:
    """ADE20K-style annotation values made from a COCO-Stuff label map: person and unlabeled become 0 (unknown, which
    the official ICPE leaves out), the other classes spread over 1 to 150."""
    return np.where((coco == 0) | (coco == 255), 0, coco.astype(np.int64) % 150 + 1).astype(np.uint8)


def prepare_ade20k(checkout: str, dataroot: str, out: str, names: list[str]) -> list[dict]:
    """ADE20K-format files (`annotations/validation/ADE_val_*.png`, `images/`, `distances/`) made from the COCO-Stuff
    samples, for the official ADE20K loader (no instance maps)."""
    cases = []
    for index, name in enumerate(names, start=1):
        stem = f"ADE_val_{index:08d}"
        labels = f"ade20k/annotations/{stem}.png"
        coco = np.array(Image.open(os.path.join(checkout, SAMPLES, "val_label", name + ".png")))
        save_png(ade20k_values(coco), os.path.join(out, labels))
        copy_file(os.path.join(out, labels), os.path.join(dataroot, "annotations", "validation", stem + ".png"))
        copy_file(os.path.join(checkout, SAMPLES, "val_img", name + ".jpg"),
                  os.path.join(dataroot, "images", "validation", stem + ".jpg"))
        distance_file(os.path.join(out, labels), os.path.join(dataroot, "distances", "validation", stem + ".npy"))
        cases.append({"name": stem, "picture": stem, "labels": labels, "instances": None})
    return cases


def cityscapes_values(coco: np.ndarray, coco_instances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cityscapes-style labelIds and instanceIds made from a COCO-Stuff sample: person and unlabeled become labelId 0
    (unlabeled, left out of ICPE), the other classes spread over 1 to 33; pixels of the 'thing' ids 24 to 33 get
    instance ids labelId * 1000 + the COCO instance value, the others their labelId, as in Cityscapes."""
    label_ids = np.where((coco == 0) | (coco == 255), 0, coco.astype(np.int64) % 33 + 1)
    instance_ids = np.where(label_ids >= 24, label_ids * 1000 + coco_instances, label_ids)
    return label_ids.astype(np.uint8), instance_ids.astype(np.uint16)


def prepare_cityscapes(checkout: str, dataroot: str, out: str, names: list[str]) -> list[dict]:
    """Cityscapes-format files (`gtFine/val/<city>/*_labelIds.png`, `*_instanceIds.png` 16-bit, `*_distance.npy`,
    `leftImg8bit/`) made from the COCO-Stuff samples, for the official Cityscapes loader (512x256, 'more')."""
    cases = []
    for index, name in enumerate(names, start=1):
        stem = f"fixture_000000_{index:06d}"
        coco = np.array(Image.open(os.path.join(checkout, SAMPLES, "val_label", name + ".png")))
        coco_instances = np.array(Image.open(os.path.join(checkout, SAMPLES, "val_inst", name + ".png")))
        label_ids, instance_ids = cityscapes_values(coco, coco_instances)
        labels, instances = f"cityscapes/{stem}_gtFine_labelIds.png", f"cityscapes/{stem}_gtFine_instanceIds.png"
        save_png(label_ids, os.path.join(out, labels))
        save_png(instance_ids, os.path.join(out, instances))
        city = os.path.join(dataroot, "gtFine", "val", "fixture")
        copy_file(os.path.join(out, labels), os.path.join(city, os.path.basename(labels)))
        copy_file(os.path.join(out, instances), os.path.join(city, os.path.basename(instances)))
        distance_file(os.path.join(out, labels), os.path.join(city, f"{stem}_gtFine_distance.npy"))
        image = os.path.join(dataroot, "leftImg8bit", "val", "fixture", f"{stem}_leftImg8bit.png")
        save_png(np.array(Image.open(os.path.join(checkout, SAMPLES, "val_img", name + ".jpg")).convert("RGB")), image)
        cases.append({"name": stem, "picture": f"{stem}_leftImg8bit", "labels": labels, "instances": instances})
    return cases


@dataclasses.dataclass(frozen=True)
class DataSet:
    """One official data-set configuration: its `--dataset_mode`, `convert.py --dataset` and `render --labels` names."""
    name: str
    mode: str
    convert_name: str
    prepare: Callable[[str, str, str, list[str]], list[dict]]


DATA_SETS = {
    "coco": DataSet("coco", "coco", "coco-stuff", prepare_coco),
    "ade20k": DataSet("ade20k", "ade20k", "ade20k", prepare_ade20k),
    "cityscapes": DataSet("cityscapes", "cityscapes", "cityscapes", prepare_cityscapes),
}


def semantics_of(opt, batch):
    """The official `Pix2PixModel.preprocess_input` (one-hot labels + `get_edges` channel) without loading a model."""
    from models.pix2pix_model import Pix2PixModel
    host = types.SimpleNamespace(opt=opt, FloatTensor=torch.FloatTensor, ByteTensor=torch.BoolTensor,
                                 use_gpu=lambda: False)
    host.get_edges = lambda t: Pix2PixModel.get_edges(host, t)
    return Pix2PixModel.preprocess_input(host, dict(batch))


def make_generator(opt, batch, seed: int) -> torch.nn.Module:
    """The official generator with randomised banks and edge / ICPE convs and batch-norm statistics calibrated on
    `batch`, so that every part of the conditioning shows in the picture."""
    from models import networks
    with contextlib.redirect_stdout(sys.stderr):
        net = networks.define_G(opt)
    generator = torch.Generator().manual_seed(seed)

    def normal_(tensor, mean, std):
        with torch.no_grad():
            tensor.copy_(torch.randn(tensor.shape, generator=generator) * std + mean)

    for module in net.modules():
        kind = type(module).__name__
        if kind == "ClassAffine":
            normal_(module.weight, 1.0, 0.5)
            normal_(module.bias, 0.0, 0.5)
            if module.add_dist:
                for conv in (module.dist_conv_w, module.dist_conv_b):
                    normal_(conv.weight, 0.0, 1.0)
                    normal_(conv.bias, 0.0, 0.2)
        elif kind == "SPADELight" and hasattr(module, "inst_conv"):
            normal_(module.inst_conv.weight, 0.0, 1.0)
            normal_(module.inst_conv.bias, 0.0, 0.2)
        elif "BatchNorm" in kind:
            module.momentum = 1.0  # one training pass sets the running statistics to that batch's
    semantics, _, dist = semantics_of(opt, batch)
    net.train()
    with torch.no_grad():
        net(semantics, input_dist=dist)
    net.eval()
    # Scale conv_img so its output (before tanh) has a standard deviation of 1: pictures with structure, not grey.
    captured = {}
    handle = net.conv_img.register_forward_hook(lambda _m, _i, output: captured.update(out=output))
    with torch.no_grad():
        net(semantics, input_dist=dist)
        handle.remove()
        scale = 1.0 / float(captured["out"].std())
        net.conv_img.weight.mul_(scale)
        net.conv_img.bias.mul_(scale)
    return net


def official_picture_at_size(model, opt, labels: np.ndarray, instances: np.ndarray) -> np.ndarray:
    """The official generator's picture from raw maps already at the model's size, with `get_edges` and
    `cal_connectedComponents` applied at that size and the official `tensor2im`."""
    from util import util
    from util.cal_dist_masks import cal_connectedComponents
    label = torch.from_numpy(labels.astype(np.float32))[None, None]
    label[label == 255] = opt.label_nc
    batch = {"label": label, "instance": torch.from_numpy(instances.astype(np.int64))[None, None],
             "image": torch.zeros(1, 3, *labels.shape), "path": ["at_size"],
             "dist": torch.from_numpy(np.stack(cal_connectedComponents(labels, "norm")))[None] if opt.add_dist else 0}
    generated = model(batch, mode="inference")
    return util.tensor2im(generated[0])


def convert(checkpoint: str, output: str, data_set: DataSet, ngf: int) -> None:
    """Training/convert.py in its own process (its `clade` and `data` modules would clash with the official ones)."""
    command = [sys.executable, os.path.join(HERE, "convert.py"), checkpoint, output, "--dataset", data_set.convert_name,
               "--ngf", str(ngf), "--training-data", "official CLADE initialisation, randomised; fixture, not trained"]
    subprocess.run(command, check=True, stdout=sys.stderr)


def make_variant(checkout: str, data_set: DataSet, variant: str, ngf: int, work: str, out: str,
                 cases: list[dict]) -> dict:
    """One generator of `data_set`'s configuration: saved, run through `test.py` (and the picture-size track where the
    cases have one), converted. Returns its manifest entry."""
    from models.pix2pix_model import Pix2PixModel
    from util import util

    import data

    key = f"{data_set.name}-{variant}"
    dataroot = os.path.join(work, data_set.name)
    checkpoints, results = os.path.join(work, "checkpoints"), os.path.join(work, "results")
    opt, arguments = test_options(data_set, variant, ngf, dataroot, checkpoints, results)
    os.makedirs(os.path.join(checkpoints, key), exist_ok=True)
    with contextlib.redirect_stdout(sys.stderr):
        first = next(iter(data.create_dataloader(opt)))
    seed = SEED + sorted(VARIANTS).index(variant) + 10 * sorted(DATA_SETS).index(data_set.name)
    torch.manual_seed(seed)  # the official initialisation draws from the global generator: each run on its own
    util.save_network(make_generator(opt, first, seed), "G", "latest", opt)

    # The official test.py, as a person runs it.
    with official_argv(arguments), contextlib.redirect_stdout(sys.stderr):
        runpy.run_path(os.path.join(checkout, "test.py"), run_name="__main__")
    pictures = os.path.join(results, key, "test_latest", "images", "synthesized_image")
    entries = []
    for case in cases:
        official = f"{key}/test/{case['name']}.png"
        copy_file(os.path.join(pictures, case["picture"] + ".png"), os.path.join(out, official))
        entries.append({"track": "test", "labels": case["labels"], "instances": case["instances"],
                        "official": official})

    with contextlib.redirect_stdout(sys.stderr):
        model = Pix2PixModel(opt)
    model.eval()
    for case in (c for c in cases if "at_size" in c):
        official = f"{key}/at_size/{case['name']}.png"
        labels = np.array(Image.open(os.path.join(out, case["at_size"]["labels"])))
        instances = np.array(Image.open(os.path.join(out, case["at_size"]["instances"])))
        save_png(official_picture_at_size(model, opt, labels, instances), os.path.join(out, official))
        entries.append({"track": "at_size", "labels": case["at_size"]["labels"],
                        "instances": case["at_size"]["instances"], "official": official})

    model_file = key + ".safetensors"
    convert(os.path.join(checkpoints, key, "latest_net_G.pth"), os.path.join(out, model_file), data_set, ngf)
    placeholders = {dataroot: "DATAROOT", checkpoints: "CHECKPOINTS", results: "RESULTS"}
    return {"data_set": data_set.name, "variant": variant, "model": model_file, "labels": data_set.name, "ngf": ngf,
            "seed": seed, "official_options": " ".join(placeholders.get(a, a) for a in arguments), "pictures": entries}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", help="a checkout of the official CLADE repository (tzt101/CLADE)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="fixture folder (default: %(default)s)")
    parser.add_argument("--ngf", type=int, default=1, help="generator width; small keeps the files small")
    parser.add_argument("--samples", nargs="+", default=list(DEFAULT_SAMPLES),
                        help="COCO-Stuff samples in datasets/coco_stuff/val_label (default: %(default)s); the "
                             "ADE20K and Cityscapes files are made from the first two")
    parser.add_argument("--runs", nargs="+", default=list(DEFAULT_RUNS), metavar="DATASET:VARIANT",
                        help="data sets (coco, ade20k, cityscapes) and variants (clade-icpe, clade, spade) to write "
                             "(default: %(default)s; SPADE's fixed 128-wide mlps on 184 COCO channels make its file "
                             "about 15 MB, so it is left out)")
    args = parser.parse_args(argv)
    runs = []
    for run in args.runs:
        data_set, _, variant = run.partition(":")
        if data_set not in DATA_SETS or variant not in VARIANTS:
            parser.error(f"--runs {run}: expected DATASET:VARIANT with DATASET in {sorted(DATA_SETS)} and VARIANT in "
                         f"{sorted(VARIANTS)}")
        runs.append((DATA_SETS[data_set], variant))
    checkout = os.path.abspath(args.checkout)
    needed = ["test.py", "util/cal_dist_masks.py", "models/pix2pix_model.py"]
    needed += [f"{SAMPLES}/{folder}/{name}{extension}" for name in args.samples
               for folder, extension in (("val_label", ".png"), ("val_inst", ".png"), ("val_img", ".jpg"))]
    for path in needed:
        if not os.path.exists(os.path.join(checkout, path)):
            parser.error(f"{checkout}: no {path}; give a checkout of the official CLADE repository")
    import_shims()
    sys.path.insert(0, checkout)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    names = sorted(args.samples)
    entries = []
    with tempfile.TemporaryDirectory(prefix="clade-official-") as work:
        cases = {}
        for data_set in dict.fromkeys(d for d, _ in runs):
            chosen = names if data_set.name == "coco" else names[:2]
            cases[data_set.name] = data_set.prepare(checkout, os.path.join(work, data_set.name), out, chosen)
        for data_set, variant in runs:
            entries.append(make_variant(checkout, data_set, variant, args.ngf, work, out, cases[data_set.name]))
    with open(os.path.join(out, "README.md"), "w") as stream:
        stream.write(ANNOTATION_NOTE)
    manifest = {"format": "clade-paint official fixtures 2", "runs": entries,
                "tracks": {"test": "the official test.py pictures from the raw data-set files at their own size (ICPE "
                                   "maps made by util/cal_dist_masks.py)",
                           "at_size": "the official generator from the raw maps at the model's size, with get_edges "
                                      "and cal_connectedComponents applied at that size"}}
    with open(os.path.join(out, "manifest.json"), "w") as stream:
        json.dump(manifest, stream, indent=1)
        stream.write("\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
