"""The parts of make_official_fixtures.py that need no official checkout, and the committed fixtures' manifest."""
import json
import os

import numpy as np
from PIL import Image

from make_official_fixtures import DATA_SETS, DEFAULT_OUT, VARIANTS, ade20k_values, cityscapes_values

FIXTURES = os.path.normpath(DEFAULT_OUT)


def test_ade20k_values_keep_unknown_and_stay_in_range():
    coco = np.array([[0, 255, 1, 149], [150, 181, 7, 0]], dtype=np.uint8)
    values = ade20k_values(coco)
    assert values.dtype == np.uint8
    np.testing.assert_array_equal(values, [[0, 0, 2, 150], [1, 32, 8, 0]])


def test_cityscapes_values_number_things_by_label_id():
    coco = np.array([[0, 255, 22, 23]], dtype=np.uint8)
    instances = np.array([[3, 4, 5, 6]], dtype=np.uint8)
    label_ids, instance_ids = cityscapes_values(coco, instances)
    # 22 % 33 + 1 = 23 is stuff (below 24), 23 % 33 + 1 = 24 a thing: 24 * 1000 + its COCO instance value.
    np.testing.assert_array_equal(label_ids, [[0, 0, 23, 24]])
    np.testing.assert_array_equal(instance_ids, [[0, 0, 23, 24006]])
    assert instance_ids.dtype == np.uint16


def test_committed_manifest_names_existing_files_of_the_right_size():
    with open(os.path.join(FIXTURES, "manifest.json")) as stream:
        manifest = json.load(stream)
    assert manifest["runs"]
    for run in manifest["runs"]:
        assert run["data_set"] in DATA_SETS and run["variant"] in VARIANTS
        assert os.path.getsize(os.path.join(FIXTURES, run["model"])) < 600_000
        for picture in run["pictures"]:
            official = Image.open(os.path.join(FIXTURES, picture["official"]))
            labels = Image.open(os.path.join(FIXTURES, picture["labels"]))
            assert official.mode == "RGB" and labels.mode == "L"
            assert official.size == ((512, 256) if run["data_set"] == "cityscapes" else (256, 256))
            if picture["instances"]:
                assert Image.open(os.path.join(FIXTURES, picture["instances"])).size == labels.size
