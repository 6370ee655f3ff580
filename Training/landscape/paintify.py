"""Painted-grid augmentation: makes a rendered layout look like a mask a person painted in the app.

The app's canvas is a coarse grid of class cells that the engine upsamples with a bilinear class vote
(``clade.conditioning.upsample_labels``, docs/conditioning.md section 1). A model trained only on smooth
rendered layouts sees staircase boundaries, wobbly strokes and stray dabs for the first time when a person
paints; ``paintify`` shows it such masks during training. The picture stays the original render.
"""

import numpy as np

from clade.conditioning import upsample_labels

from .classes import COUNTABLE, NUM_CLASSES

_COUNTABLE = np.array([c in COUNTABLE for c in range(NUM_CLASSES)])


def _cell_index(size, cells):
    """For each of ``size`` pixels, the cell of ``cells`` it falls in."""
    return (np.arange(size) * cells) // size


def _nearest_grid(labels, instances, gh, gw):
    h, w = labels.shape
    rows = ((np.arange(gh) + 0.5) * h / gh).astype(np.int64)
    cols = ((np.arange(gw) + 0.5) * w / gw).astype(np.int64)
    return labels[np.ix_(rows, cols)].astype(np.int32), instances[np.ix_(rows, cols)].astype(np.int32)


def majority_grid(labels, instances, gh, gw):
    """Each cell takes its most common class, and the most common object of that class inside the cell."""
    h, w = labels.shape
    cell = (_cell_index(h, gh)[:, None] * gw + _cell_index(w, gw)[None, :]).ravel()
    lab = labels.ravel().astype(np.int64)
    counts = np.bincount(cell * NUM_CLASSES + lab, minlength=gh * gw * NUM_CLASSES).reshape(gh * gw, NUM_CLASSES)
    grid = counts.argmax(axis=1)
    ids = instances.ravel().astype(np.int64)
    chosen = lab == grid[cell]
    # Most common instance among the chosen class's pixels of the cell: sort by (cell, id), count runs.
    key = cell[chosen] * (int(ids.max()) + 1) + ids[chosen]
    values, counts = np.unique(key, return_counts=True)
    cells_of = values // (int(ids.max()) + 1)
    order = np.lexsort((-counts, cells_of))
    first = np.ones(len(order), bool)
    first[1:] = cells_of[order][1:] != cells_of[order][:-1]
    igrid = np.zeros(gh * gw, np.int64)
    igrid[cells_of[order][first]] = values[order][first] % (int(ids.max()) + 1)
    return grid.reshape(gh, gw).astype(np.int32), igrid.reshape(gh, gw).astype(np.int32)


def _jag(grid, igrid, rng, amount):
    """Boundary cells take a random neighbour's paint with probability ``amount``: wobbly strokes."""
    gh, gw = grid.shape
    dy = rng.integers(-1, 2, size=(gh, gw))
    dx = rng.integers(-1, 2, size=(gh, gw))
    ny = np.clip(np.arange(gh)[:, None] + dy, 0, gh - 1)
    nx = np.clip(np.arange(gw)[None, :] + dx, 0, gw - 1)
    take = rng.random((gh, gw)) < amount
    return np.where(take, grid[ny, nx], grid), np.where(take, igrid[ny, nx], igrid)


def _islands(grid, igrid, rng, count):
    """Stray dabs of 1-3 cells, painted with a class found a few cells away (a slipped brush)."""
    gh, gw = grid.shape
    grid, igrid = grid.copy(), igrid.copy()
    next_id = int(igrid.max()) + 1
    for _ in range(count):
        y, x = int(rng.integers(gh)), int(rng.integers(gw))
        sy = int(np.clip(y + rng.integers(-4, 5), 0, gh - 1))
        sx = int(np.clip(x + rng.integers(-4, 5), 0, gw - 1))
        cls = grid[sy, sx]
        inst = 0
        if _COUNTABLE[cls]:
            inst, next_id = next_id, next_id + 1
        size = int(rng.integers(1, 3))
        grid[y:y + size, x:x + size] = cls
        igrid[y:y + size, x:x + size] = inst
    return grid, igrid


def paintify(labels, instances, rng, cells=None):
    """A painted-looking version of a label map and instance map of the same ``[H, W]`` size.

    ``labels``: integer class ids ``[H, W]``; ``instances``: int32 ``[H, W]``; ``rng``: a numpy Generator;
    ``cells``: grid columns (default: 16..64 at random; rows follow the aspect ratio). Steps: reduce to the
    grid (majority or nearest cell sampling), wobble boundary cells, add stray dabs, and upsample with the
    app's rule (``clade.conditioning.upsample_labels``). Returns ``(labels uint8 [H, W], instances int32
    [H, W])``; instance ids stay on countable classes only (new dabs of a countable class are new objects).
    """
    labels = np.asarray(labels)
    instances = np.asarray(instances)
    if labels.ndim != 2 or labels.shape != instances.shape:
        raise ValueError(f"paintify needs label and instance maps of one [H, W] shape, got {labels.shape} "
                         f"and {instances.shape}")
    h, w = labels.shape
    gw = int(cells) if cells is not None else int(rng.integers(16, 65))
    gw = min(max(gw, 2), w)
    gh = min(max(2, int(round(gw * h / w))), h)
    if rng.random() < 0.5:
        grid, igrid = majority_grid(labels, instances, gh, gw)
    else:
        grid, igrid = _nearest_grid(labels, instances, gh, gw)
    grid, igrid = _jag(grid, igrid, rng, rng.uniform(0.0, 0.3))
    grid, igrid = _islands(grid, igrid, rng, int(rng.integers(0, 2 + gw // 8)))
    igrid = np.where(_COUNTABLE[grid], igrid, 0).astype(np.int32)
    out_labels, out_instances = upsample_labels(grid, igrid, h, w)
    return out_labels.astype(np.uint8), out_instances.astype(np.int32)
