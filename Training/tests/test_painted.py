import numpy as np
import pytest

from clade.conditioning import upsample_labels
from landscape import COUNTABLE, NUM_CLASSES, layout_only
from landscape.classes import MOUNTAIN, SKY, SNOW, TREE
from landscape.painted import grid_of, painted_layout, painter_grid, upsampled


@pytest.fixture(scope="module")
def compositions():
    return [painted_layout(seed) for seed in range(80)]


def test_painter_grid_is_one_cell_per_8x8_pixels():
    assert painter_grid(256, 256) == (32, 32)
    assert painter_grid(512, 256) == (64, 32)
    assert painter_grid(256, 256, cell=4) == (64, 64)


def test_same_seed_same_composition():
    a, b = painted_layout(11), painted_layout(11)
    assert np.array_equal(a.labels, b.labels) and np.array_equal(a.instances, b.instances)
    assert a.objects == b.objects
    assert not np.array_equal(painted_layout(12).labels, a.labels)


def test_grid_shape_classes_and_instances(compositions):
    for p in compositions:
        assert p.labels.shape == p.instances.shape == (32, 32)
        assert p.labels.dtype == p.instances.dtype == np.int32
        assert 0 <= p.labels.min() and p.labels.max() < NUM_CLASSES
        assert (p.labels[0] == SKY).any(), "the top row shows sky"
        countable = np.isin(p.labels, sorted(COUNTABLE))
        assert not p.instances[~countable].any(), "instance ids only on countable classes"
    numbered = [p for p in compositions if p.instances.any()]
    plain = [p for p in compositions if not p.instances.any()]
    assert numbered and plain, "both ways of painting objects occur"


def test_snow_caps_sit_on_mountains_and_trees_are_columns(compositions):
    caps = 0
    for p in compositions:
        for before, obj in zip([None] + p.objects, p.objects, strict=False):
            if obj.kind == "cap":
                caps += 1
                # The top rows of the peak painted just before it.
                assert obj.cls == SNOW and before.cls == MOUNTAIN and before.kind == "range"
                assert obj.y0 == before.y0 and obj.y1 < before.y1 and before.x0 <= obj.x0 and obj.x1 <= before.x1
                assert obj.y1 - obj.y0 >= 2
            if obj.kind == "column":
                assert obj.cls == TREE and obj.x1 - obj.x0 <= 3 and obj.y1 - obj.y0 >= 1
    assert caps >= 5


def test_objects_cover_their_cells(compositions):
    for p in compositions:
        for obj in p.objects:
            box = p.labels[obj.y0:obj.y1, obj.x0:obj.x1]
            assert box.size and box.shape == (obj.y1 - obj.y0, obj.x1 - obj.x0)


def test_other_grid_sizes():
    p = painted_layout(3, grid_width=64, grid_height=32)
    assert p.labels.shape == (32, 64)
    for seed in range(40):
        assert painted_layout(seed, grid_width=4, grid_height=4).labels.shape == (4, 4)
    with pytest.raises(ValueError, match="at least 4x4"):
        painted_layout(3, grid_width=3, grid_height=32)


def test_grid_of_takes_the_majority_class():
    labels = np.zeros((16, 16), np.int32)
    labels[:, 10:] = 6  # grass on pixel columns 10..15
    instances = np.zeros((16, 16), np.int32)
    grid, igrid = grid_of(labels, instances, 4, 4)
    # Cell columns cover pixels 0-3, 4-7, 8-11, 12-15: the third has 2 of 4 columns grass (tie -> lower id).
    assert grid.tolist() == [[0, 0, 0, 6]] * 4
    assert not igrid.any()


def test_grid_of_keeps_objects_of_countable_classes():
    layout = layout_only(1_000_000_000)
    grid, igrid = grid_of(layout.labels, layout.instances, 32, 32)
    assert grid.shape == igrid.shape == (32, 32)
    countable = np.isin(grid, sorted(COUNTABLE))
    assert not igrid[~countable].any()
    with pytest.raises(ValueError, match="does not fit"):
        grid_of(layout.labels, layout.instances, 300, 32)


def test_upsampled_is_the_painters_class_vote():
    p = painted_layout(5)
    labels, instances = upsampled(p.labels, p.instances, 256, 256)
    expected = upsample_labels(p.labels, p.instances, 256, 256)
    assert np.array_equal(labels, expected[0]) and np.array_equal(instances, expected[1])
    assert labels.shape == (256, 256)
