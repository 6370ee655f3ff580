"""Random landscape layouts: label map, instance map, and the geometry the renderer shades with.

A layout is painted back to front like a stage set: sky, clouds, mountain ranges (each peak an object, snow
caps near the peaks), rolling hills, the ground plane (grass) with sea, lake or river, beaches and a path,
flower meadows, then trees (forests and single trees), bushes and rocks sorted by the row of their base, so
nearer objects cover farther ones. Sizes follow the ground plane's perspective: an object standing at row
``y`` is scaled by ``(y - horizon) / (height - horizon)``.

Everything is measured in units of the picture height, so a 512x256 picture is a wider view of the same
kind of scene, not a stretched one.
"""

from dataclasses import dataclass

import numpy as np

from .classes import BUSH, CLOUD, FLOWERS, GRASS, HILL, MOUNTAIN, PATH, ROCK, SAND, SNOW, TREE, WATER
from .noise import Sampler, fbm1d

# Object kinds stored in ObjectTable.kind.
DECIDUOUS, CONIFER = 0, 1

_MAX_FOREST_TREES = 140


@dataclass
class ObjectTable:
    """Per-object geometry, indexed by instance id (row 0 = no object). All float32 ``[n + 1]`` except
    ``cls`` and ``kind`` (int32).

    ``cx, cy``: centre (column, row) of the body (a tree's crown, a rock, a cloud; a mountain's peak);
    ``rx, ry``: half extents of the body; ``base``: row where the object stands (a mountain's foot);
    ``top``: topmost row; ``kind``: DECIDUOUS / CONIFER for trees, the range index for mountains;
    ``tone``: a random number in [-1, 1] that varies the object's colour.
    """

    cls: np.ndarray
    kind: np.ndarray
    cx: np.ndarray
    cy: np.ndarray
    rx: np.ndarray
    ry: np.ndarray
    base: np.ndarray
    top: np.ndarray
    tone: np.ndarray


@dataclass
class Layout:
    """A scene's layout.

    ``labels``: uint8 ``[H, W]`` class ids; ``instances``: int32 ``[H, W]`` object ids (0 = none; ids are
    unique across classes); ``depth``: float32 ``[H, W]`` distance from the viewer, 0 near .. 1 at the
    horizon and sky; ``owner``: int32 ``[H, W]``, the mountain id under every mountain and snow pixel (snow
    carries no instance of its own); ``horizon``: the horizon row; ``objects``: geometry per instance id;
    ``water``: ``"none"``, ``"lake"``, ``"sea"`` or ``"river"``.
    """

    labels: np.ndarray
    instances: np.ndarray
    depth: np.ndarray
    owner: np.ndarray
    horizon: int
    objects: ObjectTable
    water: str

    @property
    def height(self):
        return self.labels.shape[0]

    @property
    def width(self):
        return self.labels.shape[1]


class _Canvas:
    """The maps being painted and the objects made so far."""

    def __init__(self, height, width, horizon):
        self.h, self.w, self.horizon = height, width, horizon
        self.labels = np.zeros((height, width), np.uint8)
        self.instances = np.zeros((height, width), np.int32)
        self.depth = np.ones((height, width), np.float32)
        self.owner = np.zeros((height, width), np.int32)
        self.rows = np.arange(height, dtype=np.float32)
        self.cols = np.arange(width, dtype=np.float32)
        self.objects = []

    def ground(self, y):
        """Perspective scale of the ground at row ``y``: 0 at the horizon, 1 at the bottom row."""
        return (np.asarray(y, np.float32) - self.horizon + 0.5) / (self.h - self.horizon)

    def ground_depth(self, y):
        g = np.maximum(self.ground(y), 0.0)
        return 0.1 / (g + 0.1)

    def new_object(self, cls, kind=0, cx=0.0, cy=0.0, rx=1.0, ry=1.0, base=0.0, top=0.0, tone=0.0):
        self.objects.append((cls, kind, cx, cy, rx, ry, base, top, tone))
        return len(self.objects)

    def box(self, y0, y1, x0, x1):
        """The clipped box ``[y0, y1) x [x0, x1)`` as (slices, row grid [h, 1], column grid [1, w]), or None."""
        ya, yb = max(int(np.floor(y0)), 0), min(int(np.ceil(y1)), self.h)
        xa, xb = max(int(np.floor(x0)), 0), min(int(np.ceil(x1)), self.w)
        if ya >= yb or xa >= xb:
            return None
        return (slice(ya, yb), slice(xa, xb)), self.rows[ya:yb, None], self.cols[None, xa:xb]

    def paint(self, where, mask, cls, inst=0, depth=None, only=None):
        """Sets class ``cls`` and instance ``inst`` on ``mask`` (bool, the box's shape) inside box ``where``.

        ``only``: a tuple of classes the paint may cover (None: any). ``depth``: a scalar or the box's shape.
        """
        if only is not None:
            mask = mask & np.isin(self.labels[where], only)
        self.labels[where][mask] = cls
        self.instances[where][mask] = inst
        if depth is not None:
            self.depth[where][mask] = (np.broadcast_to(depth, mask.shape)[mask] if np.ndim(depth) else depth)
        return mask

    def table(self):
        rows = [(0, 0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0)] + self.objects
        cols = list(zip(*rows, strict=True))
        ints = {0, 1}
        arrays = [np.array(c, np.int32 if i in ints else np.float32) for i, c in enumerate(cols)]
        return ObjectTable(*arrays)


def make_layout(seed, width=256, height=256):
    """The layout of scene ``seed`` at ``width x height`` (deterministic for the seed and size)."""
    rng = np.random.default_rng([seed, 0x1A7])
    noise = Sampler(np.random.default_rng([seed, 0x2B8]))
    h, w = height, width
    horizon = int(h * rng.uniform(0.3, 0.62))
    c = _Canvas(h, w, horizon)

    water = ("none", "lake", "sea", "river")[rng.choice(4, p=[0.35, 0.3, 0.2, 0.15])]
    has_mountains = rng.random() < (0.35 if water == "sea" else 0.68)

    _clouds(c, rng, noise)
    if has_mountains:
        _mountains(c, rng, noise)
    c.labels[horizon:] = GRASS
    c.instances[horizon:] = 0
    c.depth[horizon:] = c.ground_depth(c.rows[horizon:])[:, None]
    hill_chance = 0.55 if water == "sea" else (0.5 if has_mountains else 0.9)
    if rng.random() < hill_chance:
        _hills(c, rng, sea=water == "sea")
    if water == "sea":
        _sea(c, rng)
    elif water == "lake":
        _lake(c, rng)
    elif water == "river":
        _river(c, rng, WATER, sand=True)
    if water != "river" and rng.random() < 0.3:
        _river(c, rng, PATH, sand=False)
    if rng.random() < 0.6:
        _flowers(c, rng, noise)
    _objects(c, rng, noise, water)
    return Layout(labels=c.labels, instances=c.instances, depth=c.depth, owner=c.owner, horizon=horizon,
                  objects=c.table(), water=water)


def _clouds(c, rng, noise):
    count = int(rng.integers(0, 8) * c.w / c.h * rng.uniform(0.5, 1.0) + 0.5)
    for _ in range(count):
        base = c.horizon * rng.uniform(0.12, 0.92)
        near = 1.0 - 0.65 * base / c.horizon  # clouds shrink and flatten towards the horizon
        width = c.h * rng.uniform(0.1, 0.45) * near
        flat = rng.uniform(0.2, 0.45) * (0.6 + 0.4 * near)
        cx = rng.uniform(-0.1, 1.1) * c.w
        puffs = int(rng.integers(4, 10))
        px = cx + rng.uniform(-0.5, 0.5, puffs) * width
        bell = np.sqrt(np.maximum(1.0 - ((px - cx) / (0.62 * width)) ** 2, 0.08))
        pr = width * flat * rng.uniform(0.45, 0.9, puffs) * bell + 1.0
        py = base - pr * rng.uniform(0.2, 0.75, puffs)
        top = float(np.min(py - pr))
        box = c.box(top - 2, base + 2, np.min(px - pr) - 2, np.max(px + pr) + 2)
        if box is None:
            continue
        where, ys, xs = box
        inside = np.zeros(np.broadcast(ys, xs).shape, np.float32) + 9.0
        for x0, y0, r in zip(px, py, pr, strict=True):
            inside = np.minimum(inside, ((xs - x0) ** 2 + (ys - y0) ** 2 * 1.4) / (r * r))
        ragged = noise.at("puff", ys, xs, scale=2.0)
        mask = (inside < 1.0 + 0.25 * ragged) & (ys < base + 1.5 * ragged)
        inst = c.new_object(CLOUD, cx=cx, cy=(top + base) / 2, rx=width / 2 + 1, ry=(base - top) / 2 + 1,
                            base=base, top=top, tone=rng.uniform(-1, 1))
        c.paint(where, mask, CLOUD, inst, depth=0.98)


def _mountains(c, rng, noise):
    ranges = 1 + int(rng.random() < 0.55)
    aspect = c.w / c.h
    for r in range(ranges):
        far = r == 0 and ranges == 2
        count = max(1, int(rng.uniform(1.5, 4.5) * aspect))
        top_span = (0.14, 0.42) if far or ranges == 1 else (0.06, 0.2)
        foot = c.horizon + c.h * rng.uniform(0.005, 0.03)
        peaks = []
        for k in range(count):
            px = (k + rng.uniform(0.1, 0.9)) / count * c.w * 1.2 - 0.1 * c.w
            height_above = min(c.h * rng.uniform(*top_span), c.horizon * 0.92)
            peaks.append((height_above, px))
        peaks.sort(reverse=True)  # tall peaks first: lower ones stand in front of them
        depth = 0.94 if far else (0.86 if ranges == 2 else 0.9)
        for height_above, px in peaks:
            _mountain(c, rng, noise, px, c.horizon - height_above, foot, depth + rng.uniform(-0.03, 0.02), r)


def _mountain(c, rng, noise, px, top, foot, depth, range_index):
    rise = foot - top
    slope_l, slope_r = rng.uniform(0.45, 1.25, 2)
    x0 = px - rise / slope_l - 0.05 * c.h
    x1 = px + rise / slope_r + 0.05 * c.h
    box = c.box(top - 0.04 * c.h, foot, x0, x1)
    if box is None:
        return
    where, ys, xs = box
    cols = xs[0]
    dx = cols - px
    jag = fbm1d(rng, len(cols), period=max(rise * 0.5, 4.0), octaves=6, persistence=0.55)
    jag = jag - np.interp(px, cols, jag)  # the peak stays where it is
    ridge = top + np.where(dx < 0, -dx * slope_l, dx * slope_r) + jag * rise * 0.22 * np.minimum(
        np.abs(dx) / (0.3 * rise + 1), 1.0)
    ridge = np.maximum(ridge, top)
    mask = ys >= ridge[None, :]
    inst = c.new_object(MOUNTAIN, kind=range_index, cx=px, cy=top, rx=(x1 - x0) / 2, ry=rise / 2,
                        base=foot, top=top, tone=rng.uniform(-1, 1))
    c.paint(where, mask, MOUNTAIN, inst, depth=depth)
    c.owner[where][mask] = inst
    if rise > 0.14 * c.h and rng.random() < 0.8:
        line = top + rise * rng.uniform(0.18, 0.5)
        # Snow reaches down in fingers along the gullies.
        fingers = noise.at("vstreak", ys, xs, 0.6) * 0.6 + noise.at("fbm", ys, xs, 1.2) * 0.4
        snow = mask & (ys < line + fingers * rise * 0.16)
        c.paint(where, snow, SNOW, 0)


def _hills(c, rng, sea):
    layers = 1 + int(rng.random() < 0.5)
    for k in range(layers):
        amp = c.h * rng.uniform(0.03, 0.13) * (1.0 - 0.4 * k)
        profile = fbm1d(rng, c.w, period=c.h * rng.uniform(0.3, 0.7), octaves=4, persistence=0.4, smooth=True)
        top = c.horizon - amp * (0.55 + 0.75 * profile)
        if sea:
            # A headland at one side only: the profile sinks to the sea horizon away from it.
            side = rng.uniform(-0.2, 0.5) * c.w
            start = side if rng.random() < 0.5 else c.w - side
            reach = c.w * rng.uniform(0.25, 0.6)
            fade = np.clip(1.0 - np.abs(c.cols - start) / reach, 0, 1)
            top = c.horizon - (c.horizon - top) * fade
            bottom = np.full(c.w, c.horizon, np.float32)
        else:
            drop = (c.h - c.horizon) * rng.uniform(0.02, 0.12) * (1 + k)
            bottom = c.horizon + drop * (0.7 + 0.5 * fbm1d(rng, c.w, c.h * 0.25, 3, smooth=True))
        box = c.box(np.min(top), np.max(bottom) + 1, 0, c.w)
        if box is None:
            continue
        where, ys, _ = box
        mask = (ys >= top[None, :]) & (ys < bottom[None, :])
        depth = c.ground_depth(bottom)[None, :] + np.zeros_like(ys)
        c.paint(where, mask, HILL, 0, depth=depth)


def _shore(c, rng, mean, spread):
    return mean + spread * fbm1d(rng, c.w, period=c.h * rng.uniform(0.2, 0.6), octaves=4, persistence=0.5,
                                 smooth=True)


def _sea(c, rng):
    ground = c.h - c.horizon
    shore = _shore(c, rng, c.horizon + ground * rng.uniform(0.2, 0.65), ground * 0.08)
    tilt = (c.cols - c.w / 2) / c.w * ground * rng.uniform(-0.4, 0.4)
    shore = np.maximum(shore + tilt, c.horizon + 2)
    where, ys, _ = c.box(c.horizon, c.h, 0, c.w)
    c.paint(where, ys < shore[None, :], WATER, 0, only=(GRASS,))
    beach_end = shore + ground * rng.uniform(0.06, 0.4) * (0.6 + 0.4 * np.abs(
        fbm1d(rng, c.w, c.h * 0.4, 3, smooth=True)))
    if rng.random() < 0.3:
        beach_end = np.full(c.w, float(c.h))
    c.paint(where, (ys >= shore[None, :]) & (ys < beach_end[None, :]), SAND, 0, only=(GRASS,))


def _lake(c, rng):
    ground = c.h - c.horizon
    far = c.horizon + ground * rng.uniform(0.03, 0.25)
    span = ground * rng.uniform(0.12, 0.45)
    centre = rng.uniform(0.2, 0.8) * c.w
    half = c.w * rng.uniform(0.35, 0.9)
    u = np.clip(1.0 - ((c.cols - centre) / half) ** 2, 0.0, 1.0)
    far_shore = far - 0.15 * span * np.sqrt(u) + _shore(c, rng, 0.0, ground * 0.015)
    near_shore = far + span * np.sqrt(u) + _shore(c, rng, 0.0, ground * 0.05)
    near_shore = np.where(u > 0, near_shore, far_shore)
    where, ys, _ = c.box(c.horizon, c.h, 0, c.w)
    water = (ys >= far_shore[None, :]) & (ys < near_shore[None, :])
    c.paint(where, water, WATER, 0, only=(GRASS, HILL))
    # Beaches along parts of the near shore, wider where closer to the viewer.
    beach = fbm1d(rng, c.w, c.h * 0.3, 3, smooth=True) + rng.uniform(-0.4, 0.5)
    width = np.where(beach > 0, (near_shore - c.horizon) * rng.uniform(0.1, 0.3) * np.minimum(beach * 3, 1), 0)
    c.paint(where, (ys >= near_shore[None, :]) & (ys < (near_shore + width)[None, :]), SAND, 0, only=(GRASS,))


def _river(c, rng, cls, sand):
    """A band that winds from the distance towards the viewer (a river, or a path when ``cls`` is PATH)."""
    start = c.horizon + (c.h - c.horizon) * (rng.uniform(0.0, 0.1) if cls == WATER else rng.uniform(0.1, 0.5))
    where, ys, _ = c.box(start, c.h, 0, c.w)
    rows = ys[:, 0]
    g = c.ground(rows)
    dist = 1.0 / (g + 0.05)  # distance along the ground: the meander is regular there, not on the screen
    wander = fbm1d(rng, 256, period=40, octaves=3, smooth=True)
    t = np.clip((dist - dist.min()) / (np.ptp(dist) + 1e-6) * 255, 0, 255)
    lateral = np.interp(t, np.arange(256), wander) * c.h * rng.uniform(0.4, 1.2)
    centre = rng.uniform(0.25, 0.75) * c.w + lateral * g + (rng.uniform(-0.4, 0.4) * c.w) * (1 - g)
    half = g * c.h * (rng.uniform(0.07, 0.2) if cls == WATER else rng.uniform(0.03, 0.07)) + 0.6
    offset = np.abs(c.cols[None, :] - centre[:, None])
    band = offset < half[:, None]
    c.paint(where, band, cls, 0, only=(GRASS, HILL) if cls == WATER else (GRASS, SAND))
    if sand and rng.random() < 0.7:
        bank = (offset >= half[:, None]) & (offset < (half * rng.uniform(1.15, 1.5))[:, None])
        side = np.sign(c.cols[None, :] - centre[:, None]) == (1 if rng.random() < 0.5 else -1)
        c.paint(where, bank & side, SAND, 0, only=(GRASS,))


def _flowers(c, rng, noise):
    where, ys, xs = c.box(c.horizon + 1, c.h, 0, c.w)
    g = c.ground(ys)
    z = 1.0 / (g + 0.03)
    # Meadow patches laid out on the ground plane, so they flatten and shrink towards the horizon.
    depth_coord, lateral = np.broadcast_arrays(z * 6.0, (xs - c.w / 2) / c.h * z * 6.0)
    field = noise.smooth_at("smooth", depth_coord, lateral)
    threshold = rng.uniform(0.25, 1.3)
    mask = (field > threshold) & (g > 0.06)
    c.paint(where, mask, FLOWERS, 0, only=(GRASS,))


def _on_land(labels, y, x, allowed):
    yi, xi = int(y), int(x)
    if not (0 <= yi < labels.shape[0] and 0 <= xi < labels.shape[1]):
        return yi >= labels.shape[0] and 0 <= xi < labels.shape[1] and labels[-1, xi] in allowed
    return labels[yi, xi] in allowed


def _objects(c, rng, noise, water):
    """Trees (forests and single ones), bushes and rocks, painted from the farthest base to the nearest."""
    ground_labels = c.labels.copy()
    h, w, hor = c.h, c.w, c.horizon
    items = []  # (base row, kind, x, size, extra)
    aspect = w / h
    land = (GRASS, HILL, FLOWERS)
    if rng.random() < 0.6:
        conifer_share = (0.0, 0.5, 1.0)[rng.integers(3)]
        g0 = rng.uniform(0.0, 0.3)
        g1 = g0 + rng.uniform(0.05, 0.35)
        xa, xb = sorted(rng.uniform(-0.2, 1.2, 2) * w)
        if xb - xa < 0.3 * w:
            xa, xb = xa - 0.2 * w, xb + 0.2 * w
        size = rng.uniform(0.8, 1.3)
        g = g0
        while g < g1 and len(items) < _MAX_FOREST_TREES:
            y = hor + g * (h - hor)
            crown = max(h * 0.08 * size * g * 2.0, 1.5)
            x = xa + rng.uniform(0, 1) * crown
            while x < xb and len(items) < _MAX_FOREST_TREES:
                if _on_land(ground_labels, y, x, land):
                    kind = CONIFER if rng.random() < conifer_share else DECIDUOUS
                    items.append((y + rng.uniform(-0.3, 0.3) * crown, "tree", x, crown / 0.4 * 0.5, kind))
                x += crown * rng.uniform(0.45, 0.9)
            g += max(crown * 0.35, 1.0) / (h - hor)
    for _ in range(int(rng.integers(0, 6) * aspect)):
        g = rng.uniform(0.1, 1.15)
        y, x = hor + g * (h - hor), rng.uniform(-0.05, 1.05) * w
        if _on_land(ground_labels, y, x, land):
            kind = CONIFER if rng.random() < 0.4 else DECIDUOUS
            items.append((y, "tree", x, h * 0.5 * g * rng.uniform(0.6, 1.3), kind))
    for _ in range(int(rng.integers(0, 10) * aspect)):
        g = rng.uniform(0.08, 1.1)
        y, x = hor + g * (h - hor), rng.uniform(0, 1) * w
        if _on_land(ground_labels, y, x, land + (SAND, PATH)):
            items.append((y, "bush", x, h * 0.12 * g * rng.uniform(0.6, 1.5), 0))
    for _ in range(int(rng.integers(0, 9) * aspect)):
        g = rng.uniform(0.06, 1.1)
        y, x = hor + g * (h - hor), rng.uniform(0, 1) * w
        if _on_land(ground_labels, y, x, land + (SAND, PATH, WATER)):
            items.append((y, "rock", x, h * 0.09 * g * rng.uniform(0.5, 1.6), 0))
    items.sort(key=lambda item: item[0])
    for y, what, x, size, kind in items:
        depth = float(c.ground_depth(y))
        if what == "tree":
            if kind == CONIFER:
                _conifer(c, rng, noise, x, y, size, depth)
            else:
                _deciduous(c, rng, noise, x, y, size, depth)
        elif what == "bush":
            _bush(c, rng, noise, x, y, size, depth)
        else:
            _rock(c, rng, noise, x, y, size, depth)


def _blobs(ys, xs, px, py, rx, ry):
    """Smallest normalised squared distance to a set of ellipses, on a box's grids."""
    best = np.full(np.broadcast(ys, xs).shape, 9.0, np.float32)
    for x0, y0, ax, ay in zip(px, py, rx, ry, strict=True):
        best = np.minimum(best, ((xs - x0) / ax) ** 2 + ((ys - y0) / ay) ** 2)
    return best


def _deciduous(c, rng, noise, x, base, height, depth):
    height = max(height, 3.0)
    crown_h = height * rng.uniform(0.55, 0.78)
    crown_w = crown_h * rng.uniform(0.75, 1.25)
    trunk_h = height - crown_h * 0.8
    cy = base - trunk_h - crown_h / 2
    rx, ry = crown_w / 2, crown_h / 2
    box = c.box(cy - ry * 1.3, base + 1, x - rx * 1.3, x + rx * 1.3)
    if box is None:
        return
    where, ys, xs = box
    k = int(rng.integers(4, 8))
    px = x + rng.uniform(-0.5, 0.5, k) * rx
    py = cy + rng.uniform(-0.45, 0.5, k) * ry
    pr = rng.uniform(0.42, 0.62, k)
    crown = _blobs(ys, xs, px, py, pr * rx + 0.6, pr * ry + 0.6)
    ragged = noise.at("leaf", ys, xs, scale=max(0.6, 8.0 / max(rx, 1.0)))
    mask = crown < 1.0 + 0.22 * ragged
    trunk_w = max(crown_w * rng.uniform(0.025, 0.045), 0.6)
    lean = rng.uniform(-0.15, 0.15)
    trunk = (np.abs(xs - x - lean * (base - ys)) < trunk_w * (1.0 + 0.6 * (ys - cy) / height)) & (ys > cy) & (
        ys <= base)
    inst = c.new_object(TREE, DECIDUOUS, cx=x, cy=cy, rx=rx, ry=ry, base=base, top=cy - ry,
                        tone=rng.uniform(-1, 1))
    c.paint(where, mask | trunk, TREE, inst, depth=depth)


def _conifer(c, rng, noise, x, base, height, depth):
    height = max(height * 1.15, 3.5)
    width = height * rng.uniform(0.28, 0.42)
    top = base - height
    crown_bottom = base - height * rng.uniform(0.04, 0.12)
    box = c.box(top, base + 1, x - width, x + width)
    if box is None:
        return
    where, ys, xs = box
    t = np.clip((ys - top) / (crown_bottom - top), 0.0, 1.0)
    tiers = rng.uniform(4, 8)
    tooth = 1.0 - (t * tiers) % 1.0
    half = width / 2 * (t ** 0.85) * (0.72 + 0.28 * tooth) + 0.35
    ragged = noise.at("leaf", ys, xs, scale=max(0.7, 6.0 / max(width, 1.0)))
    mask = (np.abs(xs - x) < half * (1.0 + 0.2 * ragged)) & (ys <= crown_bottom)
    trunk = (np.abs(xs - x) < max(width * 0.05, 0.6)) & (ys > crown_bottom - 1) & (ys <= base)
    inst = c.new_object(TREE, CONIFER, cx=x, cy=(top + crown_bottom) / 2, rx=width / 2,
                        ry=(crown_bottom - top) / 2, base=base, top=top, tone=rng.uniform(-1, 1))
    c.paint(where, mask | trunk, TREE, inst, depth=depth)


def _bush(c, rng, noise, x, base, width, depth):
    width = max(width, 2.0)
    height = width * rng.uniform(0.45, 0.75)
    cy = base - height * 0.5
    box = c.box(base - height * 1.3, base + 1, x - width * 0.8, x + width * 0.8)
    if box is None:
        return
    where, ys, xs = box
    k = int(rng.integers(3, 6))
    px = x + rng.uniform(-0.45, 0.45, k) * width
    py = cy + rng.uniform(-0.25, 0.25, k) * height
    pr = rng.uniform(0.3, 0.45, k)
    blob = _blobs(ys, xs, px, py, pr * width + 0.6, pr * width * 0.8 + 0.6)
    ragged = noise.at("leaf", ys, xs, scale=max(0.7, 6.0 / width))
    mask = (blob < 1.0 + 0.25 * ragged) & (ys <= base)
    inst = c.new_object(BUSH, cx=x, cy=cy, rx=width / 2, ry=height / 2, base=base, top=base - height,
                        tone=rng.uniform(-1, 1))
    c.paint(where, mask, BUSH, inst, depth=depth)


def _rock(c, rng, noise, x, base, width, depth):
    width = max(width, 2.0)
    rx = width / 2
    ry = rx * rng.uniform(0.45, 0.85)
    cy = base - ry * rng.uniform(0.5, 0.85)
    box = c.box(cy - ry * 1.4, base + 1, x - rx * 1.4, x + rx * 1.4)
    if box is None:
        return
    where, ys, xs = box
    angle = np.arctan2((ys - cy) / ry, (xs - x) / rx)
    radius = 1.0
    for harmonic in (2, 3, 5):
        radius = radius + rng.uniform(0.03, 0.12) / harmonic * 2 * np.cos(harmonic * angle + rng.uniform(0, 6.3))
    dist = np.sqrt(((xs - x) / rx) ** 2 + ((ys - cy) / ry) ** 2)
    mask = (dist < radius) & (ys <= base)
    inst = c.new_object(ROCK, cx=x, cy=cy, rx=rx, ry=ry, base=base, top=cy - ry, tone=rng.uniform(-1, 1))
    c.paint(where, mask, ROCK, inst, depth=depth)
