import numpy as np
import pytest
from scipy import ndimage

from clade.conditioning import upsample_labels
from landscape.cells import inscribed_layout, render_painted
from landscape.classes import GRASS, MOUNTAIN, SAND, SKY, SNOW, TREE, WATER
from landscape.painted import painted_layout


def canvas(horizon=5):
    """A 16x16 grid: sky above row `horizon`, grass below."""
    grid = np.full((16, 16), SKY, np.int32)
    grid[horizon:] = GRASS
    return grid


def test_the_sample_is_the_painted_grid_upsampled_as_the_app_does():
    painting = painted_layout(3, 16, 16)
    sample = render_painted(painting.labels, painting.instances, 64, 64, 3, "noon", horizon=painting.horizon)
    labels, instances = upsample_labels(painting.labels, painting.instances, 64, 64)
    np.testing.assert_array_equal(sample.labels, labels)
    np.testing.assert_array_equal(sample.instances, instances)
    assert sample.image.shape == (64, 64, 3) and sample.image.dtype == np.uint8
    again = render_painted(painting.labels, painting.instances, 64, 64, 3, "noon", horizon=painting.horizon)
    np.testing.assert_array_equal(sample.image, again.image)


def test_a_column_of_tree_cells_holds_one_tree_from_its_top_cell_to_its_bottom_cell():
    grid = canvas()
    grid[3:11, 7] = TREE  # one cell wide, eight tall, standing on the ground
    labels, _, layout = inscribed_layout(grid, np.zeros_like(grid), 128, 128, 0, horizon=5)
    painted = labels == TREE
    tree = layout.labels == TREE
    rows = np.nonzero(painted.any(axis=1))[0]
    drawn = np.nonzero(tree.any(axis=1))[0]
    # The tree spans the column's height (crown from the top cell, trunk down to the bottom cell) ...
    assert drawn.min() <= rows.min() + 2 and drawn.max() >= rows.max() - 2
    # ... inside the painted cells (give or take the shape's ragged edge), as one object.
    assert not (tree & ~ndimage.binary_dilation(painted, iterations=3)).any()
    assert len(np.unique(layout.instances[tree])) == 1 and layout.objects.cls[1] == TREE
    # The crown fills most of the column's upper part; below it, beside the trunk, the ground shows.
    upper = painted & (np.arange(128)[:, None] < rows.min() + (rows.max() - rows.min()) * 0.6)
    assert (tree & upper).sum() > 0.6 * upper.sum()
    assert (layout.labels[painted & ~tree] == GRASS).any()


def test_a_block_of_tree_cells_holds_a_row_of_trees():
    grid = canvas()
    grid[3:7, 1:15] = TREE
    _, _, layout = inscribed_layout(grid, np.zeros_like(grid), 128, 128, 1, horizon=5)
    assert len(np.unique(layout.instances[layout.labels == TREE])) >= 3


def test_a_lake_rectangle_holds_water_with_its_shore_inside_the_rectangle():
    grid = canvas()
    grid[8:13, 3:12] = WATER
    labels, _, layout = inscribed_layout(grid, np.zeros_like(grid), 128, 128, 2, horizon=5)
    painted = labels == WATER
    water = layout.labels == WATER
    assert not (water & ~painted).any()
    assert water.sum() > 0.6 * painted.sum()
    # The rectangle's corners are land (grass or a beach): the shore lies inside the painted cells.
    ys, xs = np.nonzero(painted)
    for y, x in ((ys.min(), xs.min()), (ys.min(), xs.max()), (ys.max(), xs.min()), (ys.max(), xs.max())):
        assert layout.labels[y, x] in (GRASS, SAND)
    assert layout.water == "lake"


def test_a_stepped_mountain_gets_a_ridge_and_its_snow_rows_a_cap():
    grid = canvas(horizon=10)
    for row in range(3, 10):
        half = row - 2
        grid[row, 8 - half:8 + half] = MOUNTAIN
    grid[3:5][grid[3:5] == MOUNTAIN] = SNOW
    labels, _, layout = inscribed_layout(grid, np.zeros_like(grid), 128, 128, 3, horizon=10)
    mountain = np.isin(layout.labels, (MOUNTAIN, SNOW))
    painted = np.isin(labels, (MOUNTAIN, SNOW))
    assert abs(int(mountain.sum()) - int(painted.sum())) < 0.2 * painted.sum()
    snow = layout.labels == SNOW
    assert snow.any() and (np.nonzero(snow)[0].mean() < np.nonzero(layout.labels == MOUNTAIN)[0].mean())
    # Snow and rock belong to one mountain, whose shading reads its geometry through the owner map.
    owners = np.unique(layout.owner[mountain])
    assert len(owners) == 1 and owners[0] > 0 and layout.objects.cls[owners[0]] == MOUNTAIN


@pytest.mark.parametrize("seed", range(4))
def test_painted_compositions_render_without_surprises(seed):
    painting = painted_layout(seed, 16, 16)
    labels, _, layout = inscribed_layout(painting.labels, painting.instances, 64, 64, seed, painting.horizon)
    # Refinement moves boundaries by at most about a cell, so the classes agree on most pixels.
    assert (layout.labels == labels).mean() > 0.75
    assert layout.labels.dtype == np.uint8 and layout.instances.shape == labels.shape
