"""Layouts the way a person paints them in the app: class cells on the painter's coarse grid.

The painter's canvas has one cell per 8x8 pixels (32x32 cells for a 256x256 picture) and the engine upsamples
it with a bilinear class vote (``clade.conditioning.upsample_labels``, docs/conditioning.md section 1). People
paint simple compositions on it: a horizon, a mountain range drawn as stepped triangles with its snow cap as a
row or two of cells, clouds as blobs or bars, a lake as a rectangle or a round blob with a sand shore, trees as
columns or blocks of cells, bushes, rocks and flower beds as small blobs, a path as a band of cells.

Two sources of such grids:

``painted_layout(seed, grid_width=32, grid_height=32) -> PaintedLayout``
    A random composition, deterministic for the seed. ``labels`` and ``instances`` are int32 ``[gh, gw]``;
    ``objects`` lists every painted shape (class, instance, kind, cell box) so a renderer can draw into them.
    Instance ids: in half of the compositions each countable object (cloud, mountain, rock, tree, bush) gets
    its own id (a person pressing "new object"), in the other half every cell has id 0 (plain painting).
``grid_of(labels, instances, grid_width, grid_height) -> (labels, instances)``
    A full-size layout brought onto the painter's grid: each cell takes its most common class (and that
    class's most common object), what a person tracing the layout on the canvas would paint.
``painter_grid(width, height) -> (grid_width, grid_height)``
    The painter's default grid for a picture (Swift ``PainterState.defaultGrid``).
``upsampled(labels, instances, width, height) -> (labels, instances)``
    A grid upsampled to the picture exactly as the painter does it.

Seeds: evaluation draws its compositions from ``data.HELDOUT_SEED_BASE`` on, like the held-out landscape
layouts; training must stay below it.
"""

from dataclasses import dataclass

import numpy as np

from clade.conditioning import upsample_labels

from .classes import BUSH, CLOUD, COUNTABLE, FLOWERS, GRASS, HILL, MOUNTAIN, PATH, ROCK, SAND, SKY, SNOW, TREE, WATER

PAINTER_CELL = 8  # pixels per grid cell along each side (Swift PainterState.defaultGrid)


@dataclass(frozen=True)
class PaintedObject:
    """One painted shape: class ``cls``, instance id ``instance`` (0 = none), ``kind`` (how it was painted:
    ``range``, ``cap``, ``blob``, ``bar``, ``column``, ``block``, ``rectangle``, ``band``, ``shore``) and the
    cell box ``[y0, y1) x [x0, x1)`` it lies in (the cells it actually covers are ``labels == cls`` inside)."""

    cls: int
    instance: int
    kind: str
    y0: int
    y1: int
    x0: int
    x1: int


@dataclass
class PaintedLayout:
    """A painted composition: ``labels``, ``instances`` int32 ``[gh, gw]``, the ``horizon`` row (first ground
    row), the shapes in painting order (``objects``; later ones cover earlier ones) and the ``seed``."""

    labels: np.ndarray
    instances: np.ndarray
    horizon: int
    objects: list
    seed: int


def painter_grid(width, height, cell=PAINTER_CELL):
    """The painter's grid for a ``width x height`` picture: one cell per ``cell x cell`` pixels (default 8x8, the
    grid the bundled model was trained with)."""
    return max(1, width // cell), max(1, height // cell)


def upsampled(labels, instances, width, height):
    """A painted grid at picture size by the class vote, as the training data was made (int32 ``[height, width]``)."""
    return upsample_labels(labels, instances, height, width)


def grid_of(labels, instances, grid_width, grid_height):
    """A ``[H, W]`` layout on a ``grid_height x grid_width`` grid by a majority vote per cell.

    Returns ``(labels, instances)`` int32 ``[grid_height, grid_width]``; instance ids stay on countable classes.
    """
    from .paintify import majority_grid

    labels, instances = np.asarray(labels), np.asarray(instances)
    if labels.ndim != 2 or labels.shape != instances.shape:
        raise ValueError(f"grid_of needs label and instance maps of one [H, W] shape, got {labels.shape} and "
                         f"{instances.shape}")
    if not (1 <= grid_width <= labels.shape[1] and 1 <= grid_height <= labels.shape[0]):
        raise ValueError(f"a {grid_width}x{grid_height} grid does not fit a {labels.shape[1]}x{labels.shape[0]} "
                         f"layout")
    grid, igrid = majority_grid(labels, instances, grid_height, grid_width)
    countable = np.isin(grid, sorted(COUNTABLE))
    return grid.astype(np.int32), np.where(countable, igrid, 0).astype(np.int32)


def demo_painting(grid_width, grid_height):
    """A scene as a person paints it on a ``grid_width x grid_height`` canvas, with the thin structures an upsampling
    must keep: a stepped mountain whose snow cap starts with a one-cell row, a cloud of two one-cell bars, a round
    lake, a 2x2 rock, one-cell tree columns (each its own object) beside a block of trees. int32
    ``(labels, instances)``; the figure of docs/upsampling.png and the smooth-upsampling fixtures use it."""
    h, w = grid_height, grid_width
    rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
    labels = np.full((h, w), SKY, np.int32)
    instances = np.zeros((h, w), np.int32)
    horizon = round(0.56 * h)
    labels[horizon:] = GRASS
    # A mountain drawn as a stepped triangle standing on the horizon: one cell wider per row on each side.
    peak_row, peak_col = round(0.16 * h), round(0.60 * w)
    mountain = (rows >= peak_row) & (rows < horizon) & (np.abs(cols - peak_col) <= (rows - peak_row))
    labels[mountain] = MOUNTAIN
    cap_rows = max(2, round(0.09 * h))
    labels[mountain & (rows < peak_row + cap_rows)] = SNOW
    # A cloud bar, a lake blob, a rock.
    labels[(rows == round(0.08 * h)) & (cols >= round(0.12 * w)) & (cols < round(0.30 * w))] = CLOUD
    labels[(rows == round(0.08 * h) + 1) & (cols >= round(0.16 * w)) & (cols < round(0.34 * w))] = CLOUD
    lake = ((rows - 0.76 * h) / (0.10 * h)) ** 2 + ((cols - 0.30 * w) / (0.20 * w)) ** 2 <= 1.0
    labels[lake] = WATER
    labels[(rows >= round(0.64 * h)) & (rows < round(0.64 * h) + 2) & (cols >= round(0.62 * w))
           & (cols < round(0.62 * w) + 2)] = ROCK
    # Forest: one-cell tree columns every other cell, then a block of trees; each tree its own object.
    top, bottom = horizon - round(0.06 * h), horizon + round(0.06 * h)
    for number, col in enumerate(range(round(0.74 * w), round(0.86 * w), 2), start=1):
        labels[top:bottom, col] = TREE
        instances[top:bottom, col] = number
    labels[top + 1:bottom, round(0.88 * w):round(0.97 * w)] = TREE
    instances[top + 1:bottom, round(0.88 * w):round(0.97 * w)] = 100
    return labels, instances


class _Grid:
    """The cells being painted, with the brush operations a person uses."""

    def __init__(self, height, width, rng, numbered):
        self.h, self.w = height, width
        self.rng = rng
        self.labels = np.full((height, width), SKY, np.int32)
        self.instances = np.zeros((height, width), np.int32)
        self.numbered = numbered
        self.next_id = 1
        self.objects = []
        self.rows = np.arange(height)[:, None]
        self.cols = np.arange(width)[None, :]

    def paint(self, mask, cls, kind, only=None):
        """Paints ``cls`` on the cells of ``mask`` (restricted to classes ``only`` when given); returns the mask."""
        if only is not None:
            mask = mask & np.isin(self.labels, only)
        if not mask.any():
            return mask
        instance = 0
        if self.numbered and cls in COUNTABLE:
            instance, self.next_id = self.next_id, self.next_id + 1
        self.labels[mask] = cls
        self.instances[mask] = instance
        ys, xs = np.nonzero(mask)
        self.objects.append(PaintedObject(int(cls), instance, kind, int(ys.min()), int(ys.max()) + 1,
                                          int(xs.min()), int(xs.max()) + 1))
        return mask

    def rectangle(self, y0, y1, x0, x1):
        return (self.rows >= y0) & (self.rows < y1) & (self.cols >= x0) & (self.cols < x1)

    def blob(self, cy, cx, ry, rx):
        """The cells of a filled ellipse (a round brush dabbed or dragged into a blob)."""
        return ((self.rows - cy) / max(ry, 0.5)) ** 2 + ((self.cols - cx) / max(rx, 0.5)) ** 2 <= 1.0

    def rect_or_blob(self, cy, cx, ry, rx):
        if self.rng.random() < 0.5:
            return self.rectangle(int(round(cy - ry)), int(round(cy + ry)) + 1, int(round(cx - rx)),
                                  int(round(cx + rx)) + 1), "rectangle"
        return self.blob(cy, cx, ry, rx), "blob"


def painted_layout(seed, grid_width=32, grid_height=32):
    """A random composition on a ``grid_width x grid_height`` grid, deterministic for ``seed``."""
    if grid_width < 4 or grid_height < 4:
        raise ValueError(f"painted layouts need a grid of at least 4x4 cells, got {grid_width}x{grid_height}")
    rng = np.random.default_rng([int(seed), 0x9A1D])
    h, w = grid_height, grid_width
    g = _Grid(h, w, rng, numbered=rng.random() < 0.5)
    horizon = int(round(h * rng.uniform(0.35, 0.62)))
    water = ("none", "lake", "sea", "river")[rng.choice(4, p=[0.3, 0.4, 0.15, 0.15])]

    _clouds(g, rng, horizon)
    if rng.random() < (0.35 if water == "sea" else 0.6):
        _mountains(g, rng, horizon)
    g.labels[horizon:] = GRASS
    g.instances[horizon:] = 0
    if water != "sea" and rng.random() < 0.4:
        _hills(g, rng, horizon)
    if water == "lake":
        _lake(g, rng, horizon)
    elif water == "sea":
        _sea(g, rng, horizon)
    elif water == "river":
        _band(g, rng, horizon, WATER, (2, 5))
    if water != "river" and rng.random() < 0.35:
        _band(g, rng, horizon, PATH, (1, 3))
    if rng.random() < 0.4:
        _beds(g, rng, horizon, FLOWERS, int(rng.integers(1, 4)))
    _trees(g, rng, horizon)
    _beds(g, rng, horizon, BUSH, int(rng.integers(0, 4)))
    _beds(g, rng, horizon, ROCK, int(rng.integers(0, 4)))
    return PaintedLayout(labels=g.labels, instances=g.instances, horizon=horizon, objects=g.objects, seed=int(seed))


def _clouds(g, rng, horizon):
    for _ in range(int(rng.integers(0, 4))):
        cy = rng.uniform(1, max(horizon * 0.6, 1.5))
        cx = rng.uniform(0, g.w)
        ry, rx = rng.uniform(0.6, 2.2), rng.uniform(2, 6)
        if rng.random() < 0.4:
            # A bar: one or two rows of cells dragged across.
            rows = int(rng.integers(1, 3))
            mask, kind = g.rectangle(int(cy), int(cy) + rows, int(cx - rx), int(cx + rx) + 1), "bar"
        else:
            mask, kind = g.blob(cy, cx, ry, rx), "blob"
        g.paint(mask & (g.rows < horizon), CLOUD, kind)


def _mountains(g, rng, horizon):
    """Peaks drawn as stepped triangles standing on the horizon, snow as the top rows of cells."""
    count = int(rng.integers(1, 4))
    for _ in range(count):
        height = rng.uniform(0.25, 0.85) * horizon
        px = rng.uniform(-0.1, 1.1) * g.w
        slope = rng.uniform(0.5, 1.4)  # cells of rise per cell across
        top = horizon - height
        rise = horizon - g.rows - 0.5
        mask = (g.rows < horizon) & (g.rows >= top) & (np.abs(g.cols - px) <= (g.rows - top + 0.5) / slope)
        mask = g.paint(mask, MOUNTAIN, "range")
        if mask.any() and height >= 4 and rng.random() < 0.7:
            first = int(np.nonzero(mask.any(axis=1))[0][0])
            cap_rows = int(rng.integers(2, max(3, int(height * 0.45)) + 1))
            g.paint(mask & (g.rows < first + cap_rows) & (rise > 0), SNOW, "cap", only=(MOUNTAIN,))


def _hills(g, rng, horizon):
    """A hill: a rounded bump of cells on the horizon line."""
    cx, rx = rng.uniform(0, g.w), rng.uniform(0.15, 0.6) * g.w
    ry = rng.uniform(1.5, 4)
    mask = g.blob(horizon, cx, ry, rx) & (g.rows <= horizon + int(ry / 2))
    g.paint(mask, HILL, "blob", only=(SKY, CLOUD, GRASS))


def _lake(g, rng, horizon):
    ground = g.h - horizon
    top = horizon + int(rng.integers(0, max(1, ground // 3)))
    rows = int(rng.integers(2, max(3, ground // 2 + 1)))
    cx, half = rng.uniform(0.25, 0.75) * g.w, rng.uniform(0.1, 0.4) * g.w
    if rng.random() < 0.5:
        mask, kind = g.rectangle(top, top + rows, int(cx - half), int(cx + half) + 1), "rectangle"
    else:
        mask, kind = g.blob(top + rows / 2 - 0.5, cx, rows / 2, half), "blob"
    mask = g.paint(mask, WATER, kind, only=(GRASS,))
    if mask.any() and rng.random() < 0.5:
        # A sand shore: the row of cells under the water.
        below = np.zeros_like(mask)
        below[1:] = mask[:-1]
        g.paint(below & ~mask, SAND, "shore", only=(GRASS,))


def _sea(g, rng, horizon):
    shore = horizon + int(rng.integers(1, max(2, (g.h - horizon) // 2)))
    g.paint(g.rectangle(horizon, shore, 0, g.w), WATER, "rectangle")
    g.paint(g.rectangle(shore, shore + int(rng.integers(1, 4)), 0, g.w), SAND, "shore", only=(GRASS,))


def _band(g, rng, horizon, cls, widths):
    """A river or path: a band of cells from the bottom edge towards the horizon, narrowing with distance."""
    start, end = rng.uniform(0.2, 0.8) * g.w, rng.uniform(0.3, 0.7) * g.w
    near = rng.uniform(*widths)
    t = np.clip((g.rows - horizon) / max(g.h - horizon - 1, 1), 0, 1)
    centre = end + (start - end) * t
    half = 0.5 + near / 2 * t
    first = horizon + int(rng.integers(0, max(1, (g.h - horizon) // 3)))
    mask = (g.rows >= first) & (np.abs(g.cols - centre) < half)
    g.paint(mask, cls, "band", only=(GRASS, HILL, FLOWERS, SAND))


def _beds(g, rng, horizon, cls, count):
    """Bushes, rocks or flower beds: small blobs or rectangles on the ground."""
    for _ in range(count):
        cy = rng.uniform(horizon + 0.5, g.h - 0.5)
        near = (cy - horizon) / max(g.h - horizon, 1)  # nearer objects are painted bigger
        size = (1 if cls != FLOWERS else 2) + near * (3 if cls != FLOWERS else 5)
        ry, rx = max(0.5, size * rng.uniform(0.3, 0.6)), size * rng.uniform(0.5, 1.0)
        mask, kind = g.rect_or_blob(cy, rng.uniform(0, g.w), ry, rx)
        g.paint(mask & (g.rows >= horizon), cls, kind, only=(GRASS, HILL, SAND, FLOWERS, PATH))


def _trees(g, rng, horizon):
    """Trees as columns of cells (one to three wide) standing on the ground, single or in rows, or a forest
    painted as a block of tree cells on the horizon."""
    if rng.random() < 0.35:
        top = horizon - int(rng.integers(1, 4))
        bottom = horizon + int(rng.integers(1, 4))
        x0 = int(rng.integers(0, max(1, g.w - 4)))
        x1 = min(g.w, x0 + int(rng.integers(5, max(6, g.w // 2))))
        g.paint(g.rectangle(top, bottom, x0, x1), TREE, "block", only=(SKY, CLOUD, MOUNTAIN, SNOW, HILL, GRASS))
    columns = int(rng.integers(0, 8))
    in_row = rng.random() < 0.5
    base_row = rng.uniform(horizon + 1, g.h)
    x = rng.uniform(0, g.w)
    for _ in range(columns):
        base = base_row if in_row else rng.uniform(horizon + 1, g.h)
        near = (base - horizon) / max(g.h - horizon, 1)
        width = int(rng.integers(1, 3)) + int(near > 0.6 and rng.random() < 0.5)
        height = max(2, int(round((2 + near * 8) * rng.uniform(0.7, 1.3))))
        x = (x + rng.uniform(width + 0.5, 5)) % g.w if in_row else rng.uniform(0, g.w)
        x0 = int(x)
        mask = g.rectangle(int(base) - height + 1, int(base) + 1, x0, x0 + width)
        g.paint(mask, TREE, "column", only=(SKY, CLOUD, MOUNTAIN, SNOW, HILL, GRASS, FLOWERS, SAND, PATH))
