"""Writes the fixtures that prove clade-paint renders public checkpoints as the official CLADE code does.

    python Training/make_official_fixtures.py OFFICIAL_CHECKOUT [--out DIR] [--ngf N] [--variants clade-icpe clade spade]

OFFICIAL_CHECKOUT is a checkout of the official CLADE repository (github tzt101/CLADE, CC BY-NC-SA 4.0). Its code
is imported and run from there, unmodified, on the CPU (its own `--gpu_ids -1`); nothing of it is copied here. The
python that runs this script needs, besides torch, numpy and pillow: opencv-python-headless (`cal_dist_masks.py`), dill,
dominate (`test.py`'s web page) and torchvision's transforms. Two runtime shims let the 2020 code run on a modern
stack without editing it: a torchvision whose compiled operators do not match the installed torch is imported as a
bare package (only its pure-Python transforms are used), and matplotlib, which `cal_dist_masks.py` imports only to
show pictures, is stubbed when it is missing.

For each variant of the official COCO-Stuff configuration (CLADE-ICPE, CLADE, SPADE; ngf from --ngf) it
1. builds the generator with the official `define_G` (its own initialisation), randomises the class banks, the
   instance-edge and ICPE convs, calibrates the batch-norm statistics on the first sample (one training-mode pass, so
   the activations stay lively) and scales `conv_img` so the picture spans the tanh range; saves it with the official
   `save_network` as `latest_net_G.pth`;
2. runs the official `test.py` on the repository's COCO-Stuff validation samples (`datasets/coco_stuff/val_label`,
   `val_inst`, with the `val_dist` maps made by the official `cal_dist_masks.cal_connectedComponents`): the
   pictures a person gets from the official code (`<variant>/test/<sample>.png`, truncating `tensor2im`);
3. runs the official generator on the same maps at 256x256 (labels and instances resized by Pillow's nearest rule as
   the loader does) with the official edge (`get_edges`) and ICPE rules applied at 256x256
   (`<variant>/at256/<sample>.png`);
4. converts the checkpoint with `Training/convert.py --dataset coco-stuff` (`<variant>.safetensors`).
The samples are copied beside them (`coco/val_label`, `coco/val_inst`) with their 256x256 versions (`coco/label256`,
`coco/inst256`, raw label values); the COCO-Stuff annotations are CC BY 4.0 (`coco/README.md`).
`manifest.json` lists what was written. Output is deterministic for a given checkout, torch and seed.
"""
from __future__ import annotations

import argparse
import contextlib
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

import numpy as np
import torch
from PIL import Image

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
ANNOTATION_NOTE = """# COCO-Stuff sample annotations

`val_label/` and `val_inst/` are the COCO-Stuff validation label and instance maps that the official CLADE
repository (github tzt101/CLADE, `datasets/coco_stuff/`) ships as samples; `label256/` and `inst256/` are the same
maps resized to 256x256 by Pillow's nearest rule, as the official loader resizes them. The annotations are from
COCO-Stuff (github nightrome/cocostuff) and the COCO data set, licensed under the Creative Commons Attribution 4.0
License (CC BY 4.0). Written by `Training/make_official_fixtures.py`.
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
        import matplotlib.pyplot  # noqa: F401
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


def test_options(name: str, variant: str, ngf: int, dataroot: str, checkpoints: str, results: str):
    norm_mode, add_dist = VARIANTS[variant]
    arguments = ["--name", name, "--dataset_mode", "coco", "--dataroot", dataroot, "--checkpoints_dir", checkpoints,
                 "--results_dir", results, "--gpu_ids", "-1", "--norm_mode", norm_mode, "--ngf", str(ngf),
                 "--which_epoch", "latest", "--batchSize", "1"] + (["--add_dist"] if add_dist else [])
    from options.test_options import TestOptions
    with official_argv(arguments), contextlib.redirect_stdout(sys.stderr):
        return TestOptions().parse(), arguments


def prepare_dataroot(checkout: str, dataroot: str, names: list[str]) -> None:
    """The chosen COCO-Stuff validation samples as the official COCO loader reads them, with `val_dist` made by the
    official `cal_connectedComponents` on each raw label file at its own size."""
    from util.cal_dist_masks import cal_connectedComponents
    for folder, extension in (("val_label", ".png"), ("val_inst", ".png"), ("val_img", ".jpg")):
        os.makedirs(os.path.join(dataroot, folder))
        for name in names:
            shutil.copyfile(os.path.join(checkout, SAMPLES, folder, name + extension),
                            os.path.join(dataroot, folder, name + extension))
    os.makedirs(os.path.join(dataroot, "val_dist"))
    for name in names:
        label = np.array(Image.open(os.path.join(dataroot, "val_label", name + ".png")))
        h_offset, w_offset = cal_connectedComponents(label, "norm")
        np.save(os.path.join(dataroot, "val_dist", name + ".npy"), np.stack([h_offset, w_offset]))


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


def official_picture_at_256(model, opt, label256: np.ndarray, inst256: np.ndarray) -> np.ndarray:
    """The official generator's picture from 256x256 raw maps, with `get_edges` and `cal_connectedComponents` at
    256x256 and the official `tensor2im`."""
    from util import util
    from util.cal_dist_masks import cal_connectedComponents
    label = torch.from_numpy(label256.astype(np.float32))[None, None]
    label[label == 255] = opt.label_nc
    batch = {"label": label, "instance": torch.from_numpy(inst256.astype(np.int64))[None, None],
             "image": torch.zeros(1, 3, 256, 256), "path": ["at256"],
             "dist": torch.from_numpy(np.stack(cal_connectedComponents(label256, "norm")))[None] if opt.add_dist else 0}
    generated = model(batch, mode="inference")
    return util.tensor2im(generated[0])


def convert(checkpoint: str, output: str, ngf: int) -> None:
    """Training/convert.py in its own process (its `clade` and `data` modules would clash with the official ones)."""
    command = [sys.executable, os.path.join(HERE, "convert.py"), checkpoint, output, "--dataset", "coco-stuff",
               "--ngf", str(ngf), "--training-data", "official CLADE initialisation, randomised; fixture, not trained"]
    subprocess.run(command, check=True, stdout=sys.stderr)


def save_png(array: np.ndarray, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(array).save(path)


def make_variant(checkout: str, variant: str, ngf: int, work: str, out: str, names: list[str]) -> dict:
    from models.pix2pix_model import Pix2PixModel
    from util import util
    import data

    dataroot, checkpoints, results = (os.path.join(work, f) for f in ("coco", "checkpoints", "results"))
    opt, arguments = test_options(variant, variant, ngf, dataroot, checkpoints, results)
    os.makedirs(os.path.join(checkpoints, variant), exist_ok=True)
    loader = data.create_dataloader(opt)
    first = next(iter(loader))
    seed = SEED + sorted(VARIANTS).index(variant)
    util.save_network(make_generator(opt, first, seed), "G", "latest", opt)

    # The official test.py, as a person runs it.
    with official_argv(arguments), contextlib.redirect_stdout(sys.stderr):
        runpy.run_path(os.path.join(checkout, "test.py"), run_name="__main__")
    pictures = os.path.join(results, variant, "test_latest", "images", "synthesized_image")
    for name in names:
        os.makedirs(os.path.join(out, variant, "test"), exist_ok=True)
        shutil.copyfile(os.path.join(pictures, name + ".png"), os.path.join(out, variant, "test", name + ".png"))

    with contextlib.redirect_stdout(sys.stderr):
        model = Pix2PixModel(opt)
    model.eval()
    for name in names:
        label256 = np.array(Image.open(os.path.join(out, "coco", "label256", name + ".png")))
        inst256 = np.array(Image.open(os.path.join(out, "coco", "inst256", name + ".png")))
        save_png(official_picture_at_256(model, opt, label256, inst256), os.path.join(out, variant, "at256", name + ".png"))

    model_file = os.path.join(out, variant + ".safetensors")
    convert(os.path.join(checkpoints, variant, "latest_net_G.pth"), model_file, ngf)
    placeholders = {dataroot: "DATAROOT", checkpoints: "CHECKPOINTS", results: "RESULTS"}
    return {"variant": variant, "model": os.path.basename(model_file), "ngf": ngf, "seed": seed,
            "official_options": " ".join(placeholders.get(a, a) for a in arguments)}


def copy_samples(checkout: str, out: str, names: list[str]) -> None:
    """The raw samples and their 256x256 versions (Pillow nearest, as the loader's `transforms.Resize`)."""
    for folder, small in (("val_label", "label256"), ("val_inst", "inst256")):
        os.makedirs(os.path.join(out, "coco", folder), exist_ok=True)
        for name in names:
            source = os.path.join(checkout, SAMPLES, folder, name + ".png")
            shutil.copyfile(source, os.path.join(out, "coco", folder, name + ".png"))
            save_png(np.array(Image.open(source).resize((256, 256), Image.NEAREST)),
                     os.path.join(out, "coco", small, name + ".png"))
    with open(os.path.join(out, "coco", "README.md"), "w") as stream:
        stream.write(ANNOTATION_NOTE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", help="a checkout of the official CLADE repository (tzt101/CLADE)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="fixture folder (default: %(default)s)")
    parser.add_argument("--ngf", type=int, default=1, help="generator width; small keeps the files small")
    parser.add_argument("--samples", nargs="+", default=list(DEFAULT_SAMPLES),
                        help="names of samples in datasets/coco_stuff/val_label (default: %(default)s)")
    parser.add_argument("--variants", nargs="+", choices=sorted(VARIANTS), default=["clade-icpe", "clade"],
                        help="which official variants to write (SPADE's fixed 128-wide mlps on 184 channels make its "
                             "file about 15 MB, so it is left out by default)")
    args = parser.parse_args(argv)
    checkout = os.path.abspath(args.checkout)
    needed = ["test.py", "util/cal_dist_masks.py", "models/pix2pix_model.py"]
    needed += [f"{SAMPLES}/{folder}/{name}{extension}" for name in args.samples
               for folder, extension in (("val_label", ".png"), ("val_inst", ".png"), ("val_img", ".jpg"))]
    for needed in needed:
        if not os.path.exists(os.path.join(checkout, needed)):
            parser.error(f"{checkout}: no {needed}; give a checkout of the official CLADE repository")
    import_shims()
    sys.path.insert(0, checkout)
    torch.manual_seed(SEED)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clade-official-") as work:
        names = sorted(args.samples)
        prepare_dataroot(checkout, os.path.join(work, "coco"), names)
        copy_samples(checkout, out, names)
        variants = [make_variant(checkout, v, args.ngf, work, out, names) for v in args.variants]
    manifest = {"format": "clade-paint official fixtures 1", "samples": names, "variants": variants,
                "labels": "coco", "test": "official test.py pictures from coco/val_label, val_inst (+ val_dist made by "
                "cal_dist_masks)", "at256": "official generator, official edge and ICPE rules at 256x256 on "
                "coco/label256, inst256"}
    with open(os.path.join(out, "manifest.json"), "w") as stream:
        json.dump(manifest, stream, indent=1)
        stream.write("\n")
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
