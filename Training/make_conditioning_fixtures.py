"""Writes the conditioning fixtures that the Swift tests compare against bit for bit.

Usage: python Training/make_conditioning_fixtures.py [--out Tests/CLADETests/Fixtures]

Each ``conditioning-<case>.json`` holds a painted grid (class ids and instance ids, row-major), the output
size, the ignored (dontcare) class or null, the upsampling (``"upsampling": "smooth"`` in the
``conditioning-smooth-<case>.json`` files, none: the class vote) and the expected label map, instance map, edge map
(0/1) and
distance map (``[2, H, W]`` as float32 bit patterns, so the comparison is exact). ``conditioning-nearest.json``
holds PyTorch's own nearest-resize source indices and one resized tensor; ``conditioning-pillow-nearest.json``
Pillow's own nearest-resize source indices; ``conditioning-data-set-maps.json`` a data set's maps at their own size and
the twin's generator maps under the official conventions (section 6). Output is deterministic.
"""

import argparse
import json
import os
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from clade.conditioning import data_set_maps, distance_map, edge_map, upsample_labels
from clade.config import ModelConfig, official_conditioning
from landscape.painted import demo_painting

FORMAT = "clade-paint conditioning fixture 1"


def square_instances():
    """8x8 -> 32x32: sky, ground, two touching trees of one class with different instances, a rock."""
    labels = np.zeros((8, 8), dtype=np.int32)
    labels[3:, :] = 1
    labels[2:6, 1:3] = 2
    labels[2:6, 3:5] = 2
    labels[6:8, 5:7] = 3
    instances = np.zeros((8, 8), dtype=np.int32)
    instances[2:6, 1:3] = 1
    instances[2:6, 3:5] = 2
    return "square-instances", labels, instances, 32, 32, None


def wide_random():
    """4x8 -> 32x64 (2:1), random classes and instances."""
    rng = np.random.default_rng(20240601)
    labels = rng.integers(0, 5, (4, 8)).astype(np.int32)
    instances = rng.integers(0, 3, (4, 8)).astype(np.int32)
    return "wide-random", labels, instances, 32, 64, None


def diagonal_stroke():
    """8x8 -> 64x64: a one-cell diagonal stroke and a shorter crossing anti-diagonal of another class."""
    labels = np.full((8, 8), 1, dtype=np.int32)
    for i in range(8):
        labels[i, i] = 2
    for i in range(2, 6):
        labels[i, 7 - i] = 3
    return "diagonal-stroke", labels, np.zeros_like(labels), 64, 64, None


def dontcare():
    """8x8 -> 32x32 with class 4 as the dontcare class, which gets no distance encoding."""
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 4, (8, 8)).astype(np.int32)
    labels[0:3, 0:4] = 4
    labels[6, 6] = 4
    return "dontcare", labels, np.zeros_like(labels), 32, 32, 4


def full_size_islands():
    """A 12x16 map already at full size: background, single-pixel islands, diagonal pixel pairs."""
    labels = np.zeros((12, 16), dtype=np.int32)
    labels[6:, :] = 1
    for y, x, cls in ((2, 3, 2), (2, 12, 3), (8, 4, 2), (9, 5, 2), (10, 10, 3), (9, 11, 3), (3, 8, 1)):
        labels[y, x] = cls
    instances = np.zeros_like(labels)
    instances[10, 10] = 5
    return "full-size-islands", labels, instances, 12, 16, None


def odd_ratio():
    """5x7 -> 24x20: scale factors that are not integers (4.8 and about 2.86)."""
    rng = np.random.default_rng(99)
    labels = rng.integers(0, 3, (5, 7)).astype(np.int32)
    instances = rng.integers(0, 2, (5, 7)).astype(np.int32)
    return "odd-ratio", labels, instances, 24, 20, None


def painted_scene():
    """16x16 -> 128x128: the painted demo scene (snow cap, cloud bars, one-cell tree columns, rock, lake)."""
    labels, instances = demo_painting(16, 16)
    return "painted-scene", labels, instances, 128, 128, None


CASES = (square_instances, wide_random, diagonal_stroke, dontcare, full_size_islands, odd_ratio)
# The smooth upsampling (section 1b) of these, as conditioning-smooth-<case>.json.
SMOOTH_CASES = (square_instances, wide_random, diagonal_stroke, full_size_islands, odd_ratio, painted_scene)


def float_bits(array):
    return np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).ravel().tolist()


def conditioning_case(name, grid, grid_ids, height, width, ignored, upsampling="vote"):
    labels, instances = upsample_labels(grid, grid_ids, height, width, upsampling)
    smooth = {"upsampling": upsampling} if upsampling != "vote" else {}
    return {
        "format": FORMAT,
        "name": name if upsampling == "vote" else f"{upsampling}-{name}",
        **smooth,
        "grid": {
            "height": int(grid.shape[0]),
            "width": int(grid.shape[1]),
            "labels": grid.ravel().tolist(),
            "instances": grid_ids.ravel().tolist(),
        },
        "height": height,
        "width": width,
        "ignored_class": ignored,
        "labels": labels.ravel().tolist(),
        "instances": instances.ravel().tolist(),
        "edges": edge_map(labels, instances).astype(np.int32).ravel().tolist(),
        "distance_bits": float_bits(distance_map(labels, instances, ignored_class=ignored)),
    }


def nearest_case():
    """PyTorch's F.interpolate(mode="nearest") itself, not the twin, is the source of truth here.

    (26, 22), (14, 46) and (21, 69) are pairs where its float32 rule differs from the exact floor(dst * in / out).
    """
    pairs = [(256, 8), (256, 16), (512, 32), (8, 256), (3, 7), (7, 3), (5, 13), (13, 5), (17, 58), (29, 7),
             (10, 6), (6, 10), (100, 33), (1, 4), (4, 1), (9, 9), (26, 22), (14, 46), (21, 69)]
    indices = []
    for in_size, out_size in pairs:
        row = torch.arange(in_size, dtype=torch.float32).view(1, 1, 1, in_size)
        source = F.interpolate(row, size=(1, out_size), mode="nearest").view(-1).long().tolist()
        indices.append({"in": in_size, "out": out_size, "source": source})
    generator = torch.Generator().manual_seed(5)
    tensor = torch.randn((2, 5, 7), generator=generator)
    resized = F.interpolate(tensor[None], size=(12, 3), mode="nearest")[0]
    return {
        "format": FORMAT,
        "name": "nearest",
        "indices": indices,
        "tensor": {"shape": [2, 5, 7], "bits": float_bits(tensor.numpy())},
        "height": 12,
        "width": 3,
        "resized_bits": float_bits(resized.numpy()),
    }


def pillow_nearest_case():
    """Pillow's Image.resize(NEAREST) itself is the source of truth: the source index of every output index for
    the COCO-Stuff sample sizes to 256, Cityscapes' 2048 -> 512 and 1024 -> 256, and a few odd pairs."""
    pairs = [(640, 256), (426, 256), (425, 256), (427, 256), (315, 256), (240, 256), (320, 256), (612, 256),
             (2048, 512), (1024, 256), (3, 7), (7, 3), (13, 5), (100, 33), (256, 256), (17, 1000)]
    indices = []
    for in_size, out_size in pairs:
        row = Image.fromarray(np.arange(in_size, dtype=np.int32)[None, :])
        source = np.array(row.resize((out_size, 1), Image.NEAREST))[0].tolist()
        indices.append({"in": in_size, "out": out_size, "source": source})
    return {"format": FORMAT, "name": "pillow-nearest", "indices": indices}


def data_set_maps_case():
    """Source maps 27x41 (blobs of 5 classes, class 0 the skipped one, instance values shared across classes as in
    COCO-Stuff) to 16x24 under the official conventions, with the distance map from the source and at picture size."""
    rng = np.random.default_rng(31)
    coarse = rng.integers(0, 5, (5, 7)).astype(np.int32)
    labels = coarse[np.arange(27) * 5 // 27][:, np.arange(41) * 7 // 41]
    instances = np.where(labels >= 3, labels // 2, 9).astype(np.int32)
    instances[:, 20:] += 1  # splits objects of one class in two
    official = official_conditioning(0)
    result = {"format": FORMAT, "name": "data-set-maps", "source": {
        "height": 27, "width": 41, "labels": labels.ravel().tolist(), "instances": instances.ravel().tolist()},
        "height": 16, "width": 24, "ignored_class": 0}
    for size in ("source", "picture"):
        config = ModelConfig.create(label_nc=5, ngf=1, width=32, use_instance_edges=True, use_icpe=True,
                                    conditioning={**official, "icpe_map_size": size})
        picture, edges, distances = data_set_maps(labels, instances, config, 16, 24)
        result["labels"] = picture.ravel().tolist()
        result["edges"] = edges.astype(np.int32).ravel().tolist()
        result[f"distance_bits_{size}"] = float_bits(distances)
    return result


def write_json(path, content):
    """Writes through a temporary file and a rename, so a failed run leaves no partial fixture."""
    folder = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as stream:
            json.dump(content, stream, separators=(",", ":"))
            stream.write("\n")
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def write_fixtures(out):
    """Writes every fixture into ``out`` and returns the paths written."""
    os.makedirs(out, exist_ok=True)
    written = []
    for make in CASES:
        case = conditioning_case(*make())
        path = os.path.join(out, f"conditioning-{case['name']}.json")
        write_json(path, case)
        written.append(path)
    for make in SMOOTH_CASES:
        case = conditioning_case(*make(), upsampling="smooth")
        path = os.path.join(out, f"conditioning-{case['name']}.json")
        write_json(path, case)
        written.append(path)
    for name, case in (("nearest", nearest_case()), ("pillow-nearest", pillow_nearest_case()),
                       ("data-set-maps", data_set_maps_case())):
        path = os.path.join(out, f"conditioning-{name}.json")
        write_json(path, case)
        written.append(path)
    return written


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "Tests", "CLADETests", "Fixtures")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=default_out, help="folder for the JSON files")
    for path in write_fixtures(parser.parse_args().out):
        print(os.path.relpath(path))


if __name__ == "__main__":
    main()
