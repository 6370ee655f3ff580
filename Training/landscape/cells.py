"""Painted grids rendered into their cells: training pairs that teach exactly the mapping the app needs.

A person paints class cells on the app's coarse grid; the engine upsamples them with the app's class vote. Here
such a grid becomes a picture drawn by the procedural renderer inside the painted cells: every painted object is
replaced by a natural shape inscribed in its cells, and what the shape leaves free takes the class around it.

- trees: a column of tree cells holds one tree whose crown spans the column's width from its top cell down to
  its trunk, which stands on the column's bottom cell; a block holds a row of such trees side by side;
- mountains (with their snow cells): the stepped outline becomes a jagged ridge through the steps, the snow cap
  follows the painted snow rows with fingers reaching down the gullies;
- a lake (water that does not span the picture): a rounded pool whose shore lies inside the painted rectangle;
- rocks, bushes and clouds: a rock, a bush or a cloud of puffs filling the painted blob's box.

Stuff classes (sky, grass, hill, sand, path, flowers, and water spanning the picture) stay as painted. The
sample's label and instance maps are the painted grid upsampled (what the app feeds the generator); the picture
is the render of the refined layout.
"""

import numpy as np
from scipy import ndimage

from clade.conditioning import object_components, upsample_labels

from .classes import BUSH, CLOUD, FLOWERS, GRASS, HILL, MOUNTAIN, PATH, ROCK, SAND, SKY, SNOW, TREE, WATER
from .layout import CONIFER, DECIDUOUS, Layout, _blobs, _Canvas
from .noise import Sampler, fbm1d
from .render import render_layout
from .sample import Sample, _check_size
from .style import STYLE_PRESETS

_GROUND = (GRASS, FLOWERS, SAND, PATH, WATER)
_OBJECTS = (CLOUD, MOUNTAIN, ROCK, TREE, BUSH, SNOW)
_LAKE = -1  # stands for WATER in the object order when the water is a lake


def render_painted(grid, instances, width, height, seed, style, horizon=None):
    """The picture of a painted grid: a ``Sample`` whose ``labels`` and ``instances`` are the grid upsampled with
    the app's rule (int32 ``[gh, gw]`` grids -> uint8 / int32 ``[height, width]``) and whose ``image`` is the
    grid rendered into its cells under ``style`` (a ``Style`` or a preset name). ``seed`` places shapes and
    textures; ``horizon`` is the grid row where the ground starts (default: found from the ground classes)."""
    if isinstance(style, str):
        style = STYLE_PRESETS[style]
    labels, ids, layout = inscribed_layout(grid, instances, width, height, seed, horizon)
    image = render_layout(layout, style, int(seed))
    return Sample(image=image, labels=labels.astype(np.uint8), instances=ids.astype(np.int32), style=style,
                  seed=int(seed))


def inscribed_layout(grid, instances, width, height, seed, horizon=None):
    """``(labels, instances, layout)``: the painted grid upsampled with the app's rule (int32 ``[height,
    width]`` each) and the ``Layout`` the renderer draws, with every painted object replaced by a shape
    inscribed in its cells."""
    _check_size(width, height)
    grid, instances = np.asarray(grid), np.asarray(instances)
    labels, ids = upsample_labels(grid, instances, height, width)
    horizon_px = _horizon(labels) if horizon is None else int(round(horizon * height / grid.shape[0]))
    horizon_px = int(np.clip(horizon_px, 1, height - 1))
    return labels, ids, _refine(labels, ids, horizon_px, height / grid.shape[0], int(seed))


def _horizon(labels):
    """The row where the ground starts: the median over columns of the first ground-class row."""
    ground = np.isin(labels, _GROUND)
    first = np.where(ground.any(axis=0), ground.argmax(axis=0), labels.shape[0])
    return int(np.median(first)) if ground.any() else int(labels.shape[0] * 0.62)


def _background(labels, horizon):
    """For every pixel, the stuff class a shape leaves there: the nearest pixel's that is not an object (sky
    wherever that would put ground above the horizon)."""
    objects = np.isin(labels, _OBJECTS)
    above = np.arange(labels.shape[0])[:, None] < horizon
    if objects.all():
        return np.broadcast_to(np.where(above, SKY, GRASS), labels.shape).astype(labels.dtype)
    _, (iy, ix) = ndimage.distance_transform_edt(objects, return_indices=True)
    near = labels[iy, ix]
    return np.where(above & np.isin(near, _GROUND), SKY, near).astype(labels.dtype)


class _Refiner:
    """The canvas being refined and what every shape needs: randomness, noise, the cell size."""

    def __init__(self, labels, horizon, cell, seed):
        h, w = labels.shape
        self.rng = np.random.default_rng([seed, 0xCE11])
        self.noise = Sampler(np.random.default_rng([seed, 0xCE12]))
        self.cell = cell
        self.c = _Canvas(h, w, horizon)
        self.background = _background(labels, horizon)
        c = self.c
        c.labels[:] = labels
        c.depth[:] = np.where(c.rows[:, None] < horizon, 1.0, c.ground_depth(c.rows)[:, None])
        c.depth[labels == CLOUD] = 0.98
        c.depth[np.isin(labels, (MOUNTAIN, SNOW))] = 0.9
        c.depth[labels == HILL] = 0.88

    def clear(self, mask):
        """Gives the pixels of ``mask`` (a full-size bool map) their background class, no object."""
        c = self.c
        c.labels[mask] = self.background[mask]
        c.instances[mask] = 0
        c.owner[mask] = 0
        sky = mask & (c.labels == SKY)
        c.depth[sky] = 1.0

    def depth_at(self, base):
        """Depth of an object standing at row ``base`` (on the ground plane; just short of the backdrop)."""
        return min(float(self.c.ground_depth(base)), 0.97)


def _refine(labels, ids, horizon, cell, seed):
    """The render layout of an upsampled painted map: objects replaced by shapes inscribed in their cells."""
    r = _Refiner(labels, horizon, cell, seed)
    components, count = object_components(labels, ids)
    order = []
    snow_of = _snow_owners(labels, components)
    for number in range(count):
        mask = components == number
        cls = int(labels[mask][0])
        if cls == SNOW:
            continue
        ys, xs = np.nonzero(mask)
        box = (ys.min(), ys.max() + 1, xs.min(), xs.max() + 1)
        if cls == WATER:
            if box[2] == 0 and box[3] == labels.shape[1]:
                continue  # sea or river across the picture: stays as painted
            cls = _LAKE
        elif cls not in _OBJECTS:
            continue
        order.append((_RANK[cls], box[1], number, cls, mask, box))
    order.sort(key=lambda item: item[:3])
    lake = False
    for _, _, number, cls, mask, box in order:
        if cls == MOUNTAIN:
            _mountain(r, mask | snow_of.get(number, False), labels)
        elif cls == _LAKE:
            _lake(r, mask, box)
            lake = True
        else:
            _SHAPES[cls](r, mask, box)
    water = "lake" if lake else ("sea" if (labels == WATER).any(axis=0).all() else
                                 ("river" if (labels == WATER).any() else "none"))
    c = r.c
    return Layout(labels=c.labels, instances=c.instances, depth=c.depth, owner=c.owner, horizon=horizon,
                  objects=c.table(), water=water)


def _snow_owners(labels, components):
    """Snow components by the mountain component they touch most: {mountain number: snow mask}."""
    owners = {}
    mountain = labels == MOUNTAIN
    snow_numbers = np.unique(components[labels == SNOW])
    for number in snow_numbers:
        snow = components == number
        ring = ndimage.binary_dilation(snow, iterations=2) & mountain
        if not ring.any():
            continue
        touching, counts = np.unique(components[ring], return_counts=True)
        owner = int(touching[counts.argmax()])
        owners[owner] = owners.get(owner, False) | snow
    return owners


def _tree(r, mask, box):
    """A column holds one tree, a wider block a row of trees, each crown spanning its share of the width from
    the top of the cells down to a trunk standing on their bottom row."""
    c = r.c
    y0, y1, x0, x1 = box
    r.clear(mask)
    height = y1 - y0
    count = max(1, int(round((x1 - x0) / max(height * 0.9, r.cell))))
    conifer_share = (0.0, 0.5, 1.0)[r.rng.integers(3)]
    region = ndimage.binary_dilation(mask, iterations=max(1, int(r.cell / 4)))
    for k in range(count):
        a = x0 + (x1 - x0) * k / count
        b = x0 + (x1 - x0) * (k + 1) / count
        top = y0 + r.rng.uniform(0.0, 0.12) * height * (count > 1)
        base = float(y1) - 0.5
        kind = CONIFER if r.rng.random() < conifer_share else DECIDUOUS
        where, ys, xs = c.box(top, y1, a - 1, b + 1)
        cx, half = (a + b) / 2, (b - a) / 2
        tall = base - top
        if kind == CONIFER:
            crown_bottom = base - tall * r.rng.uniform(0.06, 0.14)
            t = np.clip((ys - top) / max(crown_bottom - top, 1.0), 0.0, 1.0)
            tooth = 1.0 - (t * r.rng.uniform(4, 8)) % 1.0
            reach = half * (t ** 0.8) * (0.75 + 0.25 * tooth) + 0.4
            ragged = r.noise.at("leaf", ys, xs, scale=max(0.7, 6.0 / max(half, 1.0)))
            crown = (np.abs(xs - cx) < reach * (1.0 + 0.15 * ragged)) & (ys <= crown_bottom)
            rx, ry, cy = half, (crown_bottom - top) / 2, (top + crown_bottom) / 2
        else:
            crown_bottom = base - tall * r.rng.uniform(0.15, 0.28)
            ry, rx = (crown_bottom - top) / 2 + 0.5, half + 0.5
            cy = top + ry
            n = int(r.rng.integers(4, 8))
            px = cx + r.rng.uniform(-0.45, 0.45, n) * rx
            py = cy + r.rng.uniform(-0.4, 0.4, n) * ry
            pr = r.rng.uniform(0.5, 0.7, n)
            blob = _blobs(ys, xs, px, py, pr * rx + 0.6, pr * ry + 0.6)
            core = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2
            ragged = r.noise.at("leaf", ys, xs, scale=max(0.6, 8.0 / max(rx, 1.0)))
            crown = (np.minimum(blob, core * 1.15) < 1.0 + 0.2 * ragged)
        trunk_half = max(half * r.rng.uniform(0.1, 0.16), 0.6)
        trunk = (np.abs(xs - cx) < trunk_half) & (ys > cy) & (ys <= base)
        shape = (crown | trunk) & region[where]
        inst = c.new_object(TREE, kind, cx=cx, cy=cy, rx=rx, ry=ry, base=base, top=top,
                            tone=r.rng.uniform(-1, 1))
        c.paint(where, shape, TREE, inst, depth=r.depth_at(base))


def _bush(r, mask, box):
    """A bush of leafy lumps filling the painted blob's box."""
    c = r.c
    y0, y1, x0, x1 = box
    r.clear(mask)
    where, ys, xs = c.box(y0, y1, x0, x1)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    n = int(r.rng.integers(3, 6))
    px = cx + r.rng.uniform(-0.5, 0.5, n) * rx
    py = cy + r.rng.uniform(-0.2, 0.3, n) * ry
    pr = r.rng.uniform(0.45, 0.65, n)
    blob = _blobs(ys, xs, px, py, pr * rx + 0.6, pr * ry + 0.6)
    core = ((xs - cx) / (rx + 0.5)) ** 2 + ((ys - cy) / (ry + 0.5)) ** 2
    ragged = r.noise.at("leaf", ys, xs, scale=max(0.7, 6.0 / max(rx, 1.0)))
    shape = np.minimum(blob, core * 1.1) < 1.0 + 0.25 * ragged
    inst = c.new_object(BUSH, cx=cx, cy=cy, rx=rx, ry=ry, base=float(y1), top=float(y0), tone=r.rng.uniform(-1, 1))
    c.paint(where, shape, BUSH, inst, depth=r.depth_at(y1))


def _rock(r, mask, box):
    """A rock with an uneven outline filling the painted blob's box, flat where it sits."""
    c = r.c
    y0, y1, x0, x1 = box
    r.clear(mask)
    where, ys, xs = c.box(y0, y1, x0, x1)
    cx, cy = (x0 + x1) / 2, y0 + (y1 - y0) * 0.55
    rx, ry = (x1 - x0) / 2 + 0.3, (y1 - y0) * 0.55 + 0.3
    angle = np.arctan2((ys - cy) / ry, (xs - cx) / rx)
    radius = 1.0
    for harmonic in (2, 3, 5):
        radius = radius + r.rng.uniform(0.03, 0.1) / harmonic * 2 * np.cos(harmonic * angle + r.rng.uniform(0, 6.3))
    shape = np.sqrt(((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2) < radius
    inst = c.new_object(ROCK, cx=cx, cy=cy, rx=rx, ry=ry, base=float(y1), top=float(y0), tone=r.rng.uniform(-1, 1))
    c.paint(where, shape, ROCK, inst, depth=r.depth_at(y1))


def _cloud(r, mask, box):
    """A cloud of round puffs on a flat base filling the painted cells' box."""
    c = r.c
    y0, y1, x0, x1 = box
    r.clear(mask)
    where, ys, xs = c.box(y0, y1, x0, x1)
    width, height = x1 - x0, y1 - y0
    n = max(3, int(width / max(height, 1.0) * 2.5))
    px = x0 + (np.arange(n) + r.rng.uniform(0.2, 0.8, n)) * width / n
    bell = np.sqrt(np.maximum(1.0 - ((px - (x0 + x1) / 2) / (0.6 * width)) ** 2, 0.15))
    pr = np.maximum(height * r.rng.uniform(0.5, 0.75, n) * bell, min(width / n, height) * 0.6)
    py = y1 - pr * r.rng.uniform(0.75, 0.95, n)
    inside = np.full(np.broadcast(ys, xs).shape, 9.0, np.float32)
    for px0, py0, pr0 in zip(px, py, pr, strict=True):
        inside = np.minimum(inside, ((xs - px0) ** 2 + (ys - py0) ** 2 * 1.3) / (pr0 * pr0))
    ragged = r.noise.at("puff", ys, xs, scale=2.0)
    shape = (inside < 1.0 + 0.25 * ragged) & (ys < y1 - 0.5 + ragged)
    inst = c.new_object(CLOUD, cx=(x0 + x1) / 2, cy=(y0 + y1) / 2, rx=width / 2 + 1, ry=height / 2 + 1,
                        base=float(y1), top=float(y0), tone=r.rng.uniform(-1, 1))
    c.paint(where, shape, CLOUD, inst, depth=0.98)


def _mountain(r, body, labels):
    """A mountain through the painted steps: the ridge is the stepped top outline smoothed and made jagged,
    the foot stays on the painted bottom, snow follows the painted snow rows with fingers into the gullies."""
    c = r.c
    cols = np.nonzero(body.any(axis=0))[0]
    x0, x1 = int(cols.min()), int(cols.max()) + 1
    span = body[:, x0:x1]
    top = np.where(span.any(axis=0), span.argmax(axis=0), c.h).astype(np.float64)
    foot = float(c.h - np.argmax(span[::-1].any(axis=1)))
    smooth = ndimage.uniform_filter1d(top, size=max(3, int(r.cell * 1.5)), mode="nearest")
    ridge = np.minimum(smooth, top + r.cell * 0.5) + fbm1d(r.rng, x1 - x0, period=max(r.cell, 4.0), octaves=4,
                                                           persistence=0.55) * r.cell * 0.45
    peak = int(np.argmin(ridge))
    snow_rows = labels[:, x0:x1] == SNOW
    snow = snow_rows & body[:, x0:x1]
    snow_line = np.where(snow.any(axis=0), c.h - np.argmax(snow[::-1], axis=0), -1).astype(np.float64)
    r.clear(body)
    where, ys, xs = c.box(0, foot, x0, x1)
    shape = ys >= ridge[None, :]
    shape &= body[where] | ndimage.binary_dilation(body, iterations=max(1, int(r.cell / 3)))[where]
    rise = foot - float(ridge.min())
    inst = c.new_object(MOUNTAIN, 0, cx=float(x0 + peak), cy=float(ridge.min()), rx=(x1 - x0) / 2, ry=rise / 2,
                        base=foot, top=float(ridge.min()), tone=r.rng.uniform(-1, 1))
    c.paint(where, shape, MOUNTAIN, inst, depth=0.9 + r.rng.uniform(-0.03, 0.02))
    c.owner[where][shape] = inst
    if (snow_line > 0).any():
        fingers = r.noise.at("vstreak", ys, xs, 0.6) * 0.6 + r.noise.at("fbm", ys, xs, 1.2) * 0.4
        line = np.where(snow_line > 0, snow_line, -1.0)[None, :]
        cap = shape & (line > 0) & (ys < line + fingers * r.cell * 0.8)
        c.paint(where, cap, SNOW, 0)


def _lake(r, mask, box):
    """A pool whose shore lies inside the painted rectangle (rounded corners, a wavy edge), sometimes with a
    beach along its near side inside the painted cells."""
    c = r.c
    y0, y1, x0, x1 = box
    r.clear(mask)
    where, ys, xs = c.box(y0, y1, x0, x1)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    power = r.rng.uniform(2.5, 5.0)
    edge = np.abs((xs - cx) / rx) ** power + np.abs((ys - cy) / ry) ** power
    wave = r.noise.smooth_at("smooth", ys, xs, scale=2.0 / max(r.cell, 1.0)) * 0.15
    inside = mask[where]
    pool = (edge < 0.95 + wave) & inside
    c.paint(where, pool, WATER, 0, depth=c.ground_depth(ys) + 0 * xs)
    if r.rng.random() < 0.45:
        beach = (edge >= 0.95 + wave) & (edge < 1.6 + wave) & (ys > cy) & inside
        c.paint(where, beach, SAND, 0)


_SHAPES = {TREE: _tree, BUSH: _bush, ROCK: _rock, CLOUD: _cloud}
# Painting order: far things first (clouds, mountains, lakes on the ground), then standing objects by base row.
_RANK = {CLOUD: 0, MOUNTAIN: 1, _LAKE: 2, ROCK: 3, BUSH: 3, TREE: 3}
