"""Training/convert.py (public checkpoints -> model files) and the public data sets' palettes."""
import os
import re

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file

from clade.config import ModelConfig
from clade.modelfile import load
from clade.networks import ConvEncoder, make_semantic
from convert import DATASETS, PALETTE_FOLDER, main, palette_names
from fixtures_models import (
    CONVERSIONS,
    network_inputs,
    public_checkpoint,
    random_layout,
    randomize_weights,
    style_image,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "CLADETests", "Fixtures")
SPADE_LAST = "G_middle_1"


def palette_lines(name):
    with open(os.path.join(PALETTE_FOLDER, f"{name}.gpl"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    comments = [line[1:].strip() for line in lines if line.startswith("#")]
    entries = [re.match(r"\s*(\d+)\s+(\d+)\s+(\d+)\s+(.+)$", line) for line in lines[1:]
               if line.strip() and not line.startswith(("#", "Name:", "Columns:"))]
    return lines, comments, [(tuple(int(g) for g in m.groups()[:3]), m.group(4)) for m in entries]


@pytest.mark.parametrize("dataset,count,index,name,source", [
    ("ade20k", 151, 0, "unknown", "open-mmlab/mmsegmentation mmseg/datasets/ade.py"),
    ("ade20k-outdoor", 151, 0, "unknown", "tzt101/CLADE data/ade20koutdoor_dataset.py"),
    ("cityscapes", 35, -1, "license plate", "mcordts/cityscapesScripts cityscapesscripts/helpers/labels.py"),
    ("coco-stuff", 183, -1, "unlabeled", "NVlabs/SPADE util/coco.py"),
])
def test_palette_counts_names_colours_and_conventions(dataset, count, index, name, source):
    lines, comments, entries = palette_lines(DATASETS[dataset].palette)
    assert lines[0] == "GIMP Palette" and lines[1] == f"Name: {DATASETS[dataset].palette}"
    assert len(entries) == count == DATASETS[dataset].label_nc + DATASETS[dataset].dontcare
    names = [n for _, n in entries]
    assert len(set(names)) == count and entries[index][1] == name
    assert len({c for c, _ in entries}) == count
    text = " ".join(comments)
    assert source in text and "index" in text.lower()
    assert palette_names(DATASETS[dataset].palette) == names
    keys = [c for c in comments if c.startswith("key:")]
    assert all(c.split(None, 2)[2] in names for c in keys) and len({c.split()[1] for c in keys}) == len(keys)


def test_palette_index_conventions_of_the_loaders():
    ade = [n for _, n in palette_lines("ade20k")[2]]
    # ADE20K file value k is class k (the loaders' shift never reaches the model): 0 = unknown, 1 = wall, 3 = sky,
    # 150 = flag.
    assert (ade[0], ade[1], ade[3], ade[150]) == ("unknown", "wall", "sky", "flag")
    assert [n for _, n in palette_lines("ade20k-outdoor")[2]] == ade
    coco = palette_lines("coco-stuff")[2]
    # COCO-Stuff label value k is class k: 0 = person, 156 = sky-other, 181 = wood; 255 becomes index 182.
    assert (coco[0][1], coco[156][1], coco[181][1]) == ("person", "sky-other", "wood")
    assert dict((n, c) for c, n in coco)["sky-other"] == (95, 219, 255)
    city = palette_lines("cityscapes")[2]
    # Cityscapes index = labelId: 7 road, 23 sky, 26 car, 33 bicycle.
    assert [city[i][1] for i in (7, 23, 26, 33)] == ["road", "sky", "car", "bicycle"]
    assert city[26][0] == (0, 0, 142) and city[23][0] == (70, 130, 180)


def layout_config(dataset, architecture="clade", icpe=False, size=None, ngf=2, vae=False):
    d = DATASETS[dataset]
    width, height = size or (d.width, d.height)
    norms = None
    if architecture == "hybrid":
        norms = ["spade"] * 3 + ["clade"] * 4
    return ModelConfig.create(architecture=architecture, block_norms=norms, label_nc=d.label_nc, ngf=ngf,
                              width=width, height=height, num_upsampling_layers=d.upsampling,
                              contain_dontcare_label=d.dontcare, use_instance_edges=d.edges, use_icpe=icpe,
                              use_vae=vae, z_dim=16)


def save_checkpoint(tmp_path, config, seed, prefix=""):
    original = public_checkpoint(config, seed)
    state = original.state_dict()
    assert any(k.endswith("weight_orig") for k in state) and any(k.endswith("num_batches_tracked") for k in state)
    path = tmp_path / "best_net_G.pth"
    torch.save({prefix + k: v for k, v in state.items()}, path)
    return original, str(path)


def outputs(model, config, seed, z=None):
    layout = random_layout(config, np.random.default_rng(seed))
    seg, dist = network_inputs(config, [layout])
    with torch.no_grad():
        return model(seg, dist, z)


LAYOUTS = [
    ("ade20k", "clade", False, None, 2),  # the real 256x256
    ("ade20k", "clade", True, (64, 64), 2),
    ("ade20k", "spade", False, (32, 32), 1),
    ("ade20k-outdoor", "clade", True, (64, 64), 2),
    ("coco-stuff", "clade", True, (64, 64), 2),
    ("coco-stuff", "clade", False, (64, 64), 2),
    ("coco-stuff", "spade", False, (32, 32), 1),
    ("coco-stuff", "hybrid", True, (64, 64), 1),
    ("cityscapes", "clade", False, None, 2),  # the real 512x256 'more'
    ("cityscapes", "clade", True, (128, 64), 2),
    ("cityscapes", "spade", False, (128, 64), 1),
]


@pytest.mark.parametrize("dataset,architecture,icpe,size,ngf", LAYOUTS,
                         ids=lambda v: v if isinstance(v, str) else None)
def test_conversion_matches_the_original_model(tmp_path, dataset, architecture, icpe, size, ngf):
    config = layout_config(dataset, architecture, icpe, size, ngf)
    original, checkpoint = save_checkpoint(tmp_path, config, seed=len(dataset) + ngf)
    out = tmp_path / "model.safetensors"
    argv = [checkpoint, str(out), "--dataset", dataset, "--ngf", str(ngf), "--arch", architecture,
            "--icpe" if icpe else "--no-icpe"] + (["--size", "%dx%d" % size] if size else [])
    assert main(argv) == 0
    converted_config, converted, encoder = load(out)
    assert encoder is None
    assert converted_config.palette == DATASETS[dataset].palette
    assert converted_config.class_names == palette_names(DATASETS[dataset].palette)
    assert (converted_config.block_norms, converted_config.use_instance_edges, converted_config.use_icpe,
            converted_config.num_upsampling_layers, converted_config.width, converted_config.height,
            converted_config.contain_dontcare_label) == \
        (config.block_norms, config.use_instance_edges, config.use_icpe, config.num_upsampling_layers,
         config.width, config.height, config.contain_dontcare_label)
    # The official loaders' conditioning rules; raw label 0 is row 0 in every data set (ADE20K's loader keeps raw
    # values).
    assert converted_config.conditioning == {"edges": "instance", "icpe_objects": "class", "icpe_ignored_class": 0,
                                             "icpe_map_size": "source"}
    with safe_open(out, framework="pt") as f:
        names = list(f.keys())
    assert not [n for n in names if n.endswith(("_orig", "_u", "_v", "num_batches_tracked"))]
    assert any(n.endswith("param_free_norm.running_var") for n in names)
    expected = outputs(original, config, 5)
    assert expected.std() > 0.1
    assert torch.allclose(outputs(converted, converted_config, 5), expected, atol=2e-5, rtol=0)


def test_vae_generator_with_its_encoder(tmp_path):
    config = layout_config("ade20k", icpe=True, size=(64, 64), vae=True)
    original, checkpoint = save_checkpoint(tmp_path, config, seed=3)
    torch.manual_seed(4)
    encoder = ConvEncoder(config, spectral=True)
    randomize_weights(encoder)
    encoder.train()(style_image((80, 64), np.random.default_rng(4)))  # power iterations: non-trivial u, v
    encoder.eval()
    torch.save(encoder.state_dict(), tmp_path / "best_net_E.pth")
    out = tmp_path / "vae.safetensors"
    argv = [checkpoint, str(out), "--dataset", "ade20k", "--size", "64x64"]
    assert main(argv) == 1 and not out.exists()
    assert main(argv + ["--encoder", str(tmp_path / "best_net_E.pth")]) == 0
    converted_config, converted, converted_encoder = load(out)
    assert converted_config.use_vae and converted_config.z_dim == 16
    image = style_image((80, 64), np.random.default_rng(9))
    with torch.no_grad():
        mu, _ = encoder(image)
        converted_mu, _ = converted_encoder(image)
    assert torch.allclose(converted_mu, mu, atol=1e-5)
    assert torch.allclose(outputs(converted, converted_config, 6, mu), outputs(original, config, 6, mu), atol=2e-5)
    # The fc size fixes the head: 64x64 'normal' is 2x2 cells, so 128x128 cannot fit.
    assert main([checkpoint, str(tmp_path / "x.safetensors"), "--dataset", "ade20k", "--size", "128x128",
                 "--encoder", str(tmp_path / "best_net_E.pth")]) == 1


def test_data_parallel_prefix_is_removed(tmp_path):
    config = layout_config("coco-stuff", size=(64, 64))
    original, checkpoint = save_checkpoint(tmp_path, config, seed=8, prefix="module.")
    out = tmp_path / "model.safetensors"
    assert main([checkpoint, str(out), "--dataset", "coco-stuff", "--size", "64x64"]) == 0
    converted_config, converted, _ = load(out)
    assert torch.allclose(outputs(converted, converted_config, 2), outputs(original, config, 2), atol=2e-5)


@pytest.mark.parametrize("options,message", [
    (["--dataset", "coco-stuff"], r"class banks have 151 rows, --dataset coco-stuff needs 183"),
    (["--dataset", "cityscapes"], r"class banks have 151 rows, --dataset cityscapes needs 35"),
    (["--dataset", "ade20k", "--icpe"], r"has no ICPE convs"),
    (["--dataset", "ade20k", "--ngf", "64"], r"gives ngf 2, --ngf says 64"),
    (["--dataset", "ade20k", "--arch", "spade"], r"\(clade\), --arch says spade"),
    (["--dataset", "ade20k", "--edges"], r"has no instance edges, --edges/--no-edges says with"),
    (["--dataset", "ade20k", "--upsampling", "most"], r"has no up_4 block"),
    (["--dataset", "ade20k", "--size", "100x100"], r"'width' must be a positive multiple of 2\^5"),
    (["--label-nc", "150"], r"without --dataset, give --label-nc, --palette and --size"),
    (["--label-nc", "150", "--dontcare", "--palette", "landscape", "--size", "64x64"],
     r"palette 'landscape' has \d+ colours, the model 151 classes"),
])
def test_mismatches_are_clear_errors(tmp_path, capsys, options, message):
    config = layout_config("ade20k", size=(64, 64))
    _, checkpoint = save_checkpoint(tmp_path, config, seed=1)
    out = tmp_path / "model.safetensors"
    assert main([checkpoint, str(out)] + options) == 1
    error = capsys.readouterr().err
    assert (re.search(message, error) and checkpoint in error) or "without --dataset" in error, error
    assert not out.exists() and os.listdir(tmp_path) == ["best_net_G.pth"]


def test_spade_semantic_channels_must_fit_the_data_set(tmp_path, capsys):
    config = layout_config("coco-stuff", "spade", size=(32, 32), ngf=1)
    _, checkpoint = save_checkpoint(tmp_path, config, seed=2)
    assert main([checkpoint, str(tmp_path / "m.safetensors"), "--dataset", "ade20k"]) == 1
    assert "reads 184 semantic channels, --dataset ade20k has 151 classes" in capsys.readouterr().err


def test_files_that_are_no_generator(tmp_path, capsys):
    garbage = tmp_path / "garbage_net_G.pth"
    garbage.write_bytes(b"not a checkpoint")
    assert main([str(garbage), str(tmp_path / "m.safetensors"), "--dataset", "ade20k"]) == 1
    assert "not a readable PyTorch checkpoint" in capsys.readouterr().err
    discriminator = tmp_path / "latest_net_D.pth"
    torch.save({"model0.0.weight": torch.zeros(1)}, discriminator)
    assert main([str(discriminator), str(tmp_path / "m.safetensors"), "--dataset", "ade20k"]) == 1
    assert "no tensor head_0.conv_0.weight" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.pth"), str(tmp_path / "m.safetensors"), "--dataset", "ade20k"]) == 1
    assert "no such checkpoint file" in capsys.readouterr().err


@pytest.mark.parametrize("spec", CONVERSIONS, ids=lambda s: s.name)
def test_committed_conversion_fixture(spec):
    """The Swift parity test compares the engine on the converted file with the original model's outputs."""
    config, model, _ = load(os.path.join(FIXTURES, f"{spec.name}.model.safetensors"))
    assert config.palette == DATASETS[spec.dataset].palette and config.class_count == len(config.class_names)
    io = load_file(os.path.join(FIXTURES, f"{spec.name}.io.safetensors"))
    original = public_checkpoint(spec.checkpoint_config(), spec.seed)
    seg = make_semantic(io["in.labels"][None], io["in.edges"][None], config)
    dist = io["in.dist"][None]
    with torch.no_grad():
        assert torch.allclose(original(seg, dist), io["out.image"][None], atol=1e-5)
        assert torch.allclose(model(seg, dist), io["out.image"][None], atol=2e-5)
