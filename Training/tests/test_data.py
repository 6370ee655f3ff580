import json

import numpy as np
import pytest
import torch
from PIL import Image

import data
from clade.conditioning import distance_map, edge_map

SIZE = 32


def write_folder(root, count=3, split="", label_max=4, seed=0):
    """An ADE20K-style folder: images/NAME.jpg (random RGB) and annotations/NAME.png (grey label maps with
    blobs of labels 0..label_max, left-right asymmetric so flips matter)."""
    rng = np.random.default_rng(seed)
    images = root / "images" / split
    labels = root / "annotations" / split
    images.mkdir(parents=True)
    labels.mkdir(parents=True)
    for i in range(count):
        label = np.zeros((SIZE, SIZE), np.uint8)
        for value in range(1, label_max + 1):
            y, x = rng.integers(0, SIZE - 8, 2)
            h, w = rng.integers(3, 10, 2)
            label[y:y + h, x:x + w] = value
        Image.fromarray(rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)).save(images / f"img_{i}.jpg")
        Image.fromarray(label, mode="L").save(labels / f"img_{i}.png")
    return root


def folder_spec(root, count=3, classes=5, label_shift=False, split=""):
    return data.CacheSpec(source="folder", width=SIZE, height=SIZE, count=count, classes=classes,
                          ignored_class=classes - 1 if label_shift else None, root=str(root), split=split,
                          label_shift=label_shift)


def test_folder_cache_holds_resized_samples_and_conditioning(tmp_path):
    root = write_folder(tmp_path / "ade", split="training")
    spec = folder_spec(root, split="training")
    folder = data.build_cache(spec, tmp_path / "cache", workers=1, log=lambda _: None)
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["count"] == 3 and meta["source"] == "folder"
    cache = data.SampleCache(folder, flip=False)
    raw = np.asarray(Image.open(root / "annotations" / "training" / "img_1.png")).astype(np.int32)
    np.testing.assert_array_equal(cache.labels[1].numpy(), raw)
    np.testing.assert_array_equal(cache.edges[1].numpy(), edge_map(raw, np.zeros_like(raw)))
    np.testing.assert_allclose(cache.dist[1, 0].float().numpy(), distance_map(raw, np.zeros_like(raw)), atol=1e-3)
    sample = cache[1]
    assert sample["image"].shape == (3, SIZE, SIZE) and sample["image"].dtype == torch.float32
    assert -1.0 <= float(sample["image"].min()) and float(sample["image"].max()) <= 1.0
    assert sample["labels"].shape == (SIZE, SIZE) and sample["labels"].dtype == torch.int64
    assert sample["edges"].shape == (1, SIZE, SIZE)
    assert sample["dist"].shape == (2, SIZE, SIZE)


def test_a_built_cache_is_reused_not_rebuilt(tmp_path):
    root = write_folder(tmp_path / "ade")
    spec = folder_spec(root)
    messages = []
    first = data.build_cache(spec, tmp_path / "cache", workers=1, log=messages.append)
    built = len(messages)
    second = data.build_cache(spec, tmp_path / "cache", workers=1, log=messages.append)
    assert first == second and len(messages) == built == 1
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.name]


def test_flip_mirrors_image_labels_edges_and_recomputes_the_distance_map(tmp_path):
    root = write_folder(tmp_path / "ade", count=2, label_max=4, seed=3)
    folder = data.build_cache(folder_spec(root, count=2), tmp_path / "cache", workers=1, log=lambda _: None)
    cache = data.SampleCache(folder)
    plain = cache.batch(torch.tensor([0, 1]), torch.tensor([False, False]))
    mirrored = cache.batch(torch.tensor([0, 1]), torch.tensor([True, False]))
    torch.testing.assert_close(mirrored["image"][0], plain["image"][0].flip(-1))
    torch.testing.assert_close(mirrored["image"][1], plain["image"][1])
    labels = plain["labels"][0].numpy()[:, ::-1].astype(np.int32)
    np.testing.assert_array_equal(mirrored["labels"][0].numpy(), labels)
    np.testing.assert_array_equal(mirrored["edges"][0, 0].numpy(), edge_map(labels, np.zeros_like(labels)))
    recomputed = distance_map(labels, np.zeros_like(labels))
    np.testing.assert_allclose(mirrored["dist"][0].numpy(), recomputed, atol=1e-3)
    # The mirrored layout's w channel is the negated mirror image of the original's, not its mirror image.
    assert np.abs(recomputed[1]).max() > 0.5
    assert not np.allclose(mirrored["dist"][0].numpy(), plain["dist"][0].flip(-1).numpy(), atol=1e-2)


def test_batch_stream_gives_each_rank_its_own_samples(tmp_path):
    root = write_folder(tmp_path / "ade", count=8)
    folder = data.build_cache(folder_spec(root, count=8), tmp_path / "cache", workers=2, log=lambda _: None)
    cache = data.SampleCache(folder, flip=False)
    seen = []
    for rank in range(2):
        stream = iter(data.BatchStream(cache, batch_size=2, rank=rank, world_size=2, seed=5))
        batches = [next(stream) for _ in range(2)]
        seen.append({b["image"][i].numpy().tobytes() for b in batches for i in range(2)})
    assert len(seen[0]) == len(seen[1]) == 4 and not seen[0] & seen[1]


def test_ade_label_shift_maps_unknown_to_the_last_class(tmp_path):
    root = write_folder(tmp_path / "ade", count=1, label_max=4)
    path = root / "annotations" / "img_0.png"
    raw = np.asarray(Image.open(path)).astype(np.int32)
    shifted = data.read_label_map(path, SIZE, SIZE, classes=5, label_shift=True)
    np.testing.assert_array_equal(shifted, np.where(raw == 0, 4, raw - 1))
    spec = folder_spec(root, count=1, classes=5, label_shift=True)
    cache = data.SampleCache(data.build_cache(spec, tmp_path / "cache", workers=1, log=lambda _: None))
    # The unknown class is dontcare: no ICPE encoding there.
    unknown = cache.labels[0].numpy() == 4
    assert unknown.any() and not cache.dist[0, 0][:, torch.from_numpy(unknown)].any()


def test_label_values_outside_the_classes_name_the_file_and_pixel(tmp_path):
    root = write_folder(tmp_path / "ade", count=1, label_max=4)
    with pytest.raises(data.DataError, match=r"img_0\.png: pixel \(x \d+, y \d+\).*holds label 4, outside 0\.\.3"):
        data.read_label_map(root / "annotations" / "img_0.png", SIZE, SIZE, classes=4, label_shift=False)


def test_colour_annotations_are_rejected(tmp_path):
    root = write_folder(tmp_path / "ade", count=1)
    Image.new("RGB", (SIZE, SIZE), (10, 20, 30)).save(root / "annotations" / "img_0.png")
    with pytest.raises(data.DataError, match="single-channel"):
        data.read_label_map(root / "annotations" / "img_0.png", SIZE, SIZE, classes=5, label_shift=False)


def test_images_without_label_maps_are_named(tmp_path):
    root = write_folder(tmp_path / "ade", count=2)
    (root / "annotations" / "img_1.png").unlink()
    with pytest.raises(data.DataError, match=r"img_1\.png"):
        data.folder_pairs(root)


def test_a_failed_build_leaves_no_cache(tmp_path):
    root = write_folder(tmp_path / "ade", count=2, label_max=4)
    with pytest.raises(data.DataError):
        data.build_cache(folder_spec(root, count=2, classes=3), tmp_path / "cache", workers=1, log=lambda _: None)
    assert list((tmp_path / "cache").iterdir()) == []


def test_training_seeds_must_stay_below_the_heldout_seeds():
    spec = data.CacheSpec(source="landscape", width=SIZE, height=SIZE, count=10, classes=13,
                          seed=data.HELDOUT_SEED_BASE - 5)
    with pytest.raises(data.DataError, match="held-out"):
        data.check_training_seeds(spec)


def test_landscape_cache_flips_recompute_the_maps_of_objects_with_instances(tmp_path):
    spec = data.CacheSpec(source="landscape", width=SIZE, height=SIZE, count=3, classes=13, seed=7,
                          paintify_fraction=0.5)
    cache = data.SampleCache(data.build_cache(spec, tmp_path, workers=1, log=lambda _: None))
    for index in range(3):
        image, labels, instances = data.landscape_sample(7 + index, SIZE, SIZE, 0.5)
        mirrored = cache.batch(torch.tensor([index]), torch.tensor([True]))
        np.testing.assert_array_equal(mirrored["labels"][0].numpy(), labels[:, ::-1])
        torch.testing.assert_close(mirrored["image"][0], torch.from_numpy(image[:, ::-1].transpose(2, 0, 1).copy())
                                   .float() / 127.5 - 1)
        flipped_labels, flipped_instances = labels[:, ::-1].copy(), instances[:, ::-1].copy()
        np.testing.assert_array_equal(mirrored["edges"][0, 0].numpy(), edge_map(flipped_labels, flipped_instances))
        np.testing.assert_allclose(mirrored["dist"][0].numpy(), distance_map(flipped_labels, flipped_instances),
                                   atol=1e-3)
