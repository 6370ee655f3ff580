"""Renders a layout under a style: per-class textures, light from the style's sun, atmosphere, grading.

Each class has a shader that computes the colours of that class's pixels (flat index sets, so the work per
picture is about one pass over its pixels). Shaders read the object geometry of the layout, so shading
depends on the position inside an object: the lit and the shaded face of a mountain on either side of its
ridge, snow brighter towards the peak, round crowns and rocks lit from the sun's side, cloud bases darker,
water darker away from the shore and mirroring what stands behind it, hills lit by the slope of their crest.

Colours are float32 RGB in display space (about 0..1) until the final conversion to uint8.
"""

import functools

import numpy as np
from scipy import ndimage

from .classes import BUSH, CLOUD, FLOWERS, GRASS, HILL, MOUNTAIN, NUM_CLASSES, PATH, ROCK, SAND, SKY, SNOW, TREE, WATER
from .layout import CONIFER
from .noise import Sampler


def _c(*rgb):
    return np.array(rgb, np.float32)


# Albedo per season (spring, summer, autumn, winter).
_SEASON = {"spring": 0, "summer": 1, "autumn": 2, "winter": 3}
_GRASS = (_c(0.4, 0.64, 0.2), _c(0.29, 0.5, 0.15), _c(0.56, 0.5, 0.22), _c(0.55, 0.5, 0.36))
_HILL = (_c(0.44, 0.6, 0.24), _c(0.36, 0.48, 0.19), _c(0.62, 0.47, 0.23), _c(0.82, 0.84, 0.86))
_LEAVES = (_c(0.36, 0.6, 0.2), _c(0.17, 0.38, 0.13), None, _c(0.3, 0.26, 0.22))
_AUTUMN_LEAVES = (_c(0.82, 0.36, 0.07), _c(0.88, 0.62, 0.1), _c(0.62, 0.15, 0.05), _c(0.5, 0.48, 0.13),
                  _c(0.3, 0.38, 0.12))
_NEEDLES = _c(0.09, 0.24, 0.13)
_BUSH = (_c(0.3, 0.5, 0.17), _c(0.17, 0.33, 0.11), _c(0.55, 0.25, 0.09), _c(0.33, 0.27, 0.22))
_FLOWER_COLOURS = (
    (_c(1.0, 0.9, 0.2), _c(0.98, 0.98, 0.95), _c(0.7, 0.4, 0.95), _c(1.0, 0.55, 0.75), _c(0.35, 0.5, 1.0)),
    (_c(0.95, 0.15, 0.12), _c(1.0, 0.82, 0.1), _c(0.98, 0.98, 0.95), _c(0.62, 0.3, 0.9), _c(1.0, 0.45, 0.1)),
    (_c(0.6, 0.28, 0.62), _c(0.9, 0.55, 0.12), _c(0.72, 0.2, 0.3), _c(0.95, 0.8, 0.3), _c(0.5, 0.3, 0.55)),
    (_c(0.55, 0.44, 0.34), _c(0.86, 0.86, 0.86), _c(0.45, 0.32, 0.3), _c(0.7, 0.62, 0.5), _c(0.9, 0.9, 0.92)),
)
_SAND = (_c(0.86, 0.76, 0.55), _c(0.88, 0.77, 0.54), _c(0.8, 0.7, 0.52), _c(0.78, 0.75, 0.68))
_PATH = (_c(0.55, 0.42, 0.28), _c(0.6, 0.47, 0.31), _c(0.5, 0.38, 0.26), _c(0.58, 0.55, 0.52))
_ROCK = _c(0.52, 0.51, 0.5)
_MOUNTAIN_ROCK = _c(0.44, 0.4, 0.38)
_MOUNTAIN_GREEN = (_c(0.25, 0.38, 0.18), _c(0.2, 0.32, 0.15), _c(0.42, 0.34, 0.18), _c(0.52, 0.5, 0.5))
_SNOW = _c(0.97, 0.98, 1.0)
_FROST = _c(0.86, 0.89, 0.93)
_TRUNK = _c(0.26, 0.19, 0.13)
_WATER_DEEP = _c(0.02, 0.08, 0.13)
_WATER_SHALLOW = _c(0.2, 0.38, 0.34)
_LUMA = _c(0.3, 0.59, 0.11)
# Classes that always stand behind any water (their depth map values are not on the ground plane's scale).
_BACKDROP = np.isin(np.arange(NUM_CLASSES), (SKY, CLOUD, MOUNTAIN, SNOW, HILL))


@functools.lru_cache(maxsize=4)
def _grid(height, width):
    ys, xs = np.mgrid[0:height, 0:width]
    return ys.ravel().astype(np.float32), xs.ravel().astype(np.float32)


def _smoothstep(a, b, x):
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    return t * t * (3 - 2 * t)


class _Shading:
    """What every shader needs: the layout, the light, flat coordinates, noise, and the colours so far."""

    def __init__(self, layout, style, seed):
        self.layout, self.style, self.seed = layout, style, seed
        self.light = style.lighting()
        self.h, self.w = layout.labels.shape
        self.horizon = layout.horizon
        self.season = _SEASON[style.season]
        self.labels = layout.labels.ravel()
        self.instances = layout.instances.ravel()
        self.depth = layout.depth.ravel()
        self.ys, self.xs = _grid(self.h, self.w)
        self.obj = layout.objects
        self.colour = np.zeros((self.h * self.w, 3), np.float32)
        self.sun_x = self.light.sun_x * self.w
        self.sun_y = self.horizon * (1.0 - self.light.sun_row)
        v = style.vegetation
        self.green_shift = 1.0 + v * _c(-0.14, 0.03, 0.16)

    def noise(self, cls):
        """A noise sampler of its own per class, so one class's texture placement does not depend on the
        style-dependent work of another."""
        return Sampler(np.random.default_rng([self.seed, 0x3C9, cls]))

    def ground(self, ys):
        return np.clip((ys - self.horizon + 0.5) / (self.h - self.horizon), 0.004, 1.5)

    def lit(self, albedo, ndotl, ambient_occlusion=1.0):
        """``albedo [n, 3]`` (or [3]) under ambient light and the sun at cosine ``ndotl [n]``."""
        sun = np.maximum(np.asarray(ndotl, np.float32), 0.0)[..., None] * self.light.sun
        ambient = np.asarray(ambient_occlusion, np.float32)[..., None] * self.light.ambient
        return albedo * (ambient + sun)

    def sky_colour(self, ys, xs):
        t = np.clip(ys / max(self.horizon, 1), 0.0, 1.0)
        blend = (t ** 2.2)[:, None]
        col = self.light.zenith * (1 - blend) + self.light.horizon * blend
        d = np.sqrt((xs - self.sun_x) ** 2 + ((ys - self.sun_y) * 1.3) ** 2) / self.h
        glow = self.light.glow * (0.45 * np.exp(-d / 0.35) + 0.7 * np.exp(-d / 0.07))
        return col + glow[:, None] * self.light.sun / max(float(self.light.sun.max()), 0.2) * 0.8


def _sky(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(SKY)
    col = s.sky_colour(ys, xs)
    light = s.light
    t = np.clip(ys / max(s.horizon, 1), 0.0, 1.0)
    body = n.at("smooth", ys, xs, scale=0.5, scale_y=1.4)
    if light.overcast > 0:
        # A grey ceiling: broad soft lumps, darker overhead.
        col = col * (1.0 + (0.07 * body - 0.08 * (1 - t))[:, None] * light.overcast)
    wisps = n.at("hstreak", ys, xs, 0.6) * 0.6 + 0.4 * n.at("fbm", ys, xs, 0.7)
    veil = s.style.cloud_veil * np.clip(wisps * 0.45 - 0.15 + 0.25 * body, 0.0, 1.0)
    veil_col = s.light.horizon * 0.6 + s.light.sun * 0.5 + 0.1
    col = col * (1 - veil[:, None] * 0.5) + veil_col * (veil[:, None] * 0.5)
    d = np.sqrt((xs - s.sun_x) ** 2 + (ys - s.sun_y) ** 2) / s.h
    if light.overcast < 1 and s.light.sun_row > -0.02:
        disc = _smoothstep(0.034, 0.026, d) * (1.0 - 0.7 * light.overcast)
        col = col * (1 - disc[:, None]) + _c(1.0, 0.97, 0.88) * 1.3 * disc[:, None]
    if light.stars > 0:
        stars = n.at("dots", ys, xs) * (1 - t) ** 1.5 * light.stars
        col = col + (stars * (stars > 0.5))[:, None] * 0.9
    return col


def _cloud(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(CLOUD)
    inst = s.instances[idx]
    o = s.obj
    v = np.clip((ys - o.top[inst]) / (o.base[inst] - o.top[inst] + 1), 0.0, 1.0)
    hx = np.clip((xs - o.cx[inst]) / o.rx[inst], -1.0, 1.0)
    scale = np.clip(10.0 / o.ry[inst], 0.6, 3.0)
    puff = n.at("puff", ys, xs, scale=scale) * 0.7 + n.at("fbm", ys, xs, 2.0) * 0.3
    lx, ly, _ = s.light.light
    low_sun = 1.0 - np.clip(s.light.sun_row / 0.35, 0.0, 1.0)
    # Light from above for a high sun; a low sun lights the sides and the undersides turn warm.
    facing = lx * hx * 0.7 + (ly * (1 - low_sun) + 0.25) * (0.55 - v) * 1.6 + 0.35 * puff
    grey = 0.93 - 0.18 * s.light.overcast - 0.05 * o.tone[inst]
    albedo = grey[:, None] * _c(1.0, 1.0, 1.0)
    col = s.lit(albedo, 0.45 + 0.55 * facing, 0.85 + 0.25 * (1 - v) - 0.25 * v * v)
    col = col + (low_sun * v * v * 0.5 * s.light.glow)[:, None] * s.light.sun
    # Thin edges and wisps let the sky through.
    body = ndimage.uniform_filter((s.layout.labels == CLOUD).astype(np.float32), size=5).ravel()[idx]
    alpha = np.clip((body - 0.3) * 2.2, 0.0, 1.0) * np.clip(0.8 + 0.45 * puff, 0.25, 1.0)
    sky = s.sky_colour(ys, xs)
    return sky * (1 - alpha[:, None]) + col * alpha[:, None]


def _faces(s, inst, ys, xs, n):
    """Which face of its mountain a pixel is on (-1 left of the ridge, +1 right), and the pixel's height
    within the mountain (0 at the peak, 1 at the foot)."""
    o = s.obj
    rise = o.base[inst] - o.top[inst] + 1
    v = np.clip((ys - o.top[inst]) / rise, 0.0, 1.0)
    wander = n.at("smooth", ys, o.cx[inst], scale=2.5) * rise * 0.18 * v
    side = np.where(xs >= o.cx[inst] + wander, 1.0, -1.0)
    return side, v


def _mountain_normal(s, side, v, gully):
    lx, ly, lz = s.light.light
    return side * lx * 0.62 + ly * 0.45 + lz * 0.55 + 0.3 * gully - 0.1 * v


def _mountain(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(MOUNTAIN)
    inst = s.instances[idx]
    side, v = _faces(s, inst, ys, xs, n)
    # Gullies run down and away from the ridge on either face.
    gully = n.at("vstreak", ys, xs, scale=1.2) * 0.5 + n.at("vstreak", ys, xs + side * ys * 0.8, 2.0) * 0.5
    strata = n.at("ridged", ys, xs, scale=2.0) * 0.5 + n.at("fine", ys, xs) * 0.5
    ndotl = _mountain_normal(s, side, v, gully * 0.6)
    tone = s.obj.tone[inst]
    rock = _MOUNTAIN_ROCK * (1 + 0.08 * tone[:, None] * _c(1.0, 0.5, -0.5))
    green_amount = _smoothstep(0.35, 0.95, v + 0.2 * n.at("fbm", ys, xs, 1.5)) * 0.8
    green = _MOUNTAIN_GREEN[s.season] * s.green_shift
    albedo = rock * (1 - green_amount[:, None]) + green * green_amount[:, None]
    albedo = albedo * (1 + 0.12 * strata)[:, None]
    col = s.lit(albedo, ndotl, 0.8 + 0.2 * (1 - v))
    # Haze gathers in the valleys at a mountain's foot.
    valley = (0.3 * v * v)[:, None]
    return col * (1 - valley) + s.light.fog * valley


def _snow(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(SNOW)
    inst = s.layout.owner.ravel()[idx]
    side, v = _faces(s, inst, ys, xs, s.noise(MOUNTAIN))
    gully = n.at("vstreak", ys, xs, scale=1.2) * 0.6
    crevasse = np.clip(n.at("ridged", ys, xs, 1.5) - 0.6, 0.0, 1.0)
    ndotl = _mountain_normal(s, side, v, gully * 0.5)
    albedo = _SNOW * (1.0 - 0.25 * crevasse - 0.2 * v)[:, None]
    col = s.lit(albedo, ndotl, 1.05 - 0.2 * v)
    return col


def _hill(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(HILL)
    hills = s.layout.labels == HILL
    crest = np.where(hills.any(axis=0), hills.argmax(axis=0), s.horizon).astype(np.float32)
    slope = np.gradient(ndimage.uniform_filter1d(crest, size=9, mode="nearest"))
    xi = xs.astype(np.int32)
    below = ys - crest[xi]
    lx, ly, lz = s.light.light
    ndotl = ly * 0.75 + lz * 0.35 + np.clip(slope[xi], -1.5, 1.5) * lx * 0.5
    # Patchwork of fields and hedges on the ground plane, less visible with distance.
    g = s.ground(ys)
    z = 1.0 / (g + 0.05)
    fields = n.at("smooth", z * 3.0, (xs - s.w / 2) / s.h * z * 3.0)
    patch = np.floor(fields * 1.6) / 1.6
    texture = n.at("fbm", ys, xs, 2.0) * 0.5 + n.at("fine", ys, xs) * 0.5
    albedo = _HILL[s.season] * s.green_shift * (1 + 0.1 * patch + 0.07 * texture)[:, None]
    if s.season == 2:
        albedo = albedo * (1 + 0.12 * patch[:, None] * _c(0.4, 0.1, -0.6))
    crest_light = 1.0 + 0.12 * np.exp(-below / 4.0)
    return s.lit(albedo, ndotl * crest_light, 0.95)


def _grass_colour(s, ys, xs, n):
    g = s.ground(ys)
    # Blades at two sizes blended by distance (a per-row zoom would fan the strokes out like furrows).
    near = np.clip(g, 0.0, 1.0)
    blades = n.at("blades", ys, xs) * (1 - near) + n.at("blades", ys, xs, scale=0.65) * near
    fine = n.at("fine", ys, xs)
    z = 1.0 / (g + 0.05)
    patches = n.smooth_at("smooth", z * 4.0, (xs - s.w / 2) / s.h * z * 4.0)
    detail = np.clip(1.3 - 1.1 * (1 - g), 0.25, 1.0)
    albedo = _GRASS[s.season] * s.green_shift
    variation = 1 + 0.13 * patches[:, None] * _c(0.6, 1.0, 0.2) + 0.04 * fine[:, None]
    albedo = albedo * variation
    if s.season == 3:
        frost = np.clip(0.1 + 0.6 * patches + 0.2 * blades, 0, 1)[:, None] * 0.5
        albedo = albedo * (1 - frost) + _FROST * frost
    _, ly, lz = s.light.light
    ndotl = ly * 0.85 + lz * 0.3 + 0.22 * blades * detail
    return s.lit(albedo, ndotl, 0.85 + 0.15 * blades * detail), g


def _grass(s, idx):
    return _grass_colour(s, s.ys[idx], s.xs[idx], s.noise(GRASS))[0]


def _flowers(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(FLOWERS)
    col, g = _grass_colour(s, ys, xs, n)
    near = np.clip(g, 0.0, 1.0)
    heads = n.at("leaf", ys, xs, scale=1.8) * (1 - near) + n.at("leaf", ys, xs, scale=0.9) * near
    spread = n.at("fine", ys, xs)
    patch = n.smooth_at("smooth", ys, xs, scale=1.2)
    palette = np.stack(_FLOWER_COLOURS[s.season])
    pick = (np.floor((patch * 0.5 + 0.5) * 3.0) + (spread > 0.9)).astype(np.int32) % len(palette)
    density = (0.55, 0.6, 0.85, 1.0)[s.season]
    bloom = np.clip((heads - density) * 2.5, 0.0, 1.0)[:, None]
    flower = s.lit(palette[pick], s.light.light[1] * 0.8 + 0.3 + 0.2 * spread, 1.0)
    return col * (1 - bloom) * (1 - 0.15 * bloom) + flower * bloom


def _sand(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(SAND)
    g = s.ground(ys)
    zoom = 1.0 / (0.2 + 1.3 * g)
    warp = n.smooth_at("fbm", ys, xs, scale=0.8)
    ripple = np.sin((ys * zoom * 0.9 + xs * zoom * 0.15 + 4.0 * warp) * 1.7)
    grain = n.at("fine", ys, xs, scale=1.0)
    albedo = _SAND[s.season] * (1 + 0.05 * grain + 0.06 * n.smooth_at("smooth", ys, xs, 2.0))[:, None]
    wet = s.wetness[idx] if s.wetness is not None else 0.0
    albedo = albedo * (1 - 0.4 * np.asarray(wet)[..., None])
    lx, ly, lz = s.light.light
    detail = np.clip(g * 1.5, 0.2, 1.0)
    ndotl = ly * 0.8 + lz * 0.3 + 0.18 * ripple * detail * (0.4 + 0.6 * abs(lx))
    return s.lit(albedo, ndotl, 0.95)


def _path(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(PATH)
    g = s.ground(ys)
    zoom = 1.0 / (0.25 + 1.3 * g)
    dirt = n.at("fbm", ys, xs, scale=zoom * 1.5) * 0.6 + n.at("fine", ys, xs, scale=zoom) * 0.4
    pebbles = np.clip(n.at("leaf", ys, xs, scale=zoom * 2.0) - 1.2, 0.0, 1.0)
    albedo = _PATH[s.season] * (1 + 0.12 * dirt + 0.4 * pebbles)[:, None]
    _, ly, lz = s.light.light
    return s.lit(albedo, ly * 0.85 + lz * 0.3 + 0.1 * dirt, 0.9)


def _rock(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(ROCK)
    inst = s.instances[idx]
    o = s.obj
    rx, ry = o.rx[inst], o.ry[inst]
    scale = np.clip(14.0 / rx, 0.5, 3.0)
    facet = n.at("smooth", ys, xs, scale=scale * 3.0)
    nx = (xs - o.cx[inst]) / rx + 0.35 * facet
    ny = -(ys - o.cy[inst]) / ry + 0.35 * n.at("smooth", ys, xs, scale=scale * 3.0)
    nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0.05, 1.0))
    lx, ly, lz = s.light.light
    ndotl = (nx * lx + ny * ly + nz * lz) / np.sqrt(nx * nx + ny * ny + nz * nz)
    cracks = np.clip(n.at("ridged", ys, xs, scale=scale) - 0.75, 0.0, 1.0)
    grain = n.at("fine", ys, xs)
    tone = o.tone[inst][:, None]
    albedo = _ROCK * (1 + 0.2 * tone * _c(1.0, 0.95, 0.85)) * (1 + 0.1 * grain - 0.8 * cracks)[:, None]
    if s.season in (0, 1):
        moss = np.clip(ny * 0.6 + n.at("fbm", ys, xs, scale) * 0.5 - 0.3, 0.0, 0.6)[:, None]
        albedo = albedo * (1 - moss) + _c(0.25, 0.35, 0.12) * moss
    elif s.season == 3:
        cap = np.clip((ny - 0.25 + 0.3 * facet) * 4.0, 0.0, 1.0)[:, None]
        albedo = albedo * (1 - cap) + _SNOW * cap
    occlusion = 0.55 + 0.45 * np.clip(0.5 + ny, 0.0, 1.0)
    return s.lit(albedo, ndotl, occlusion)


def _foliage(s, ys, xs, inst, n, detail):
    """Round crowns lit from the sun's side, with leaf clumps that catch light or fall into shade.

    ``detail`` scales the leaf texture (larger for smaller plants). Returns the sun cosine, the ambient
    occlusion, the clump field and the crown-relative position (nx right, ny up, both about -1..1).
    """
    o = s.obj
    rx = o.rx[inst]
    nx = (xs - o.cx[inst]) / rx
    ny = -(ys - o.cy[inst]) / o.ry[inst]
    nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0.08, 1.0))
    clumps = n.at("puff", ys, xs, scale=np.clip(40.0 / rx, 0.4, 4.0)) * 0.7 + n.at(
        "leaf", ys, xs, scale=detail) * 0.3
    lx, ly, lz = s.light.light
    bump = 0.35 * np.clip(clumps, -1.5, 1.5)
    ndotl = (nx * lx + ny * ly + nz * lz) / np.sqrt(nx * nx + ny * ny + nz * nz) + bump
    ndotl = (ndotl + 0.2) / 1.2
    occlusion = (0.55 + 0.25 * np.clip(clumps * 0.5 + 0.5, 0, 1)) * (0.7 + 0.3 * np.clip(ny + 0.5, 0, 1))
    return ndotl, occlusion, clumps, nx, ny


def _tree(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(TREE)
    inst = s.instances[idx]
    o = s.obj
    leaf_scale = np.clip(12.0 / o.rx[inst], 1.0, 2.5)
    ndotl, occlusion, clumps, nx, ny = _foliage(s, ys, xs, inst, n, leaf_scale)
    conifer = (o.kind[inst] == CONIFER)[:, None]
    tone = o.tone[inst]
    if s.season == 2:
        pick = ((tone * 0.5 + 0.5) * len(_AUTUMN_LEAVES)).astype(np.int32).clip(0, len(_AUTUMN_LEAVES) - 1)
        leaves = np.stack(_AUTUMN_LEAVES)[pick]
    else:
        leaves = np.broadcast_to(_LEAVES[s.season] * s.green_shift, (len(idx), 3))
    leaves = leaves * (1 + 0.12 * tone[:, None] * _c(0.6, 1.0, 0.4))
    albedo = np.where(conifer, _NEEDLES * (1 + 0.1 * tone[:, None]), leaves)
    col = s.lit(albedo, ndotl, occlusion)
    if s.season == 3:
        # Bare crowns show the backdrop through their twigs; conifers carry snow on their tiers.
        nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0.0, 1.0))
        mesh = n.at("leaf", ys, xs, scale=2.0) * 0.5 + n.at("fine", ys, xs) * 0.5
        gaps = (1.0 - np.clip(0.3 + 0.45 * nz + 0.4 * mesh, 0.0, 1.0))[:, None] * ~conifer
        backdrop = np.where((ys < s.horizon)[:, None], s.sky_colour(ys, xs), s.light.fog * 0.85)
        col = col * (1 - gaps) + backdrop * gaps
        snow = (np.clip((ny * 0.3 + clumps * 0.6 - 0.25) * 3.0, 0.0, 1.0) * 0.75)[:, None] * conifer
        col = col * (1 - snow) + s.lit(_SNOW, ndotl + 0.2, 1.0) * snow
    trunk = ys > o.cy[inst] + o.ry[inst] * 0.92
    if trunk.any():
        side = np.sign(xs[trunk] - o.cx[inst][trunk] + 0.01)
        lx, _, lz = s.light.light
        bark = 1 + 0.2 * n.at("vstreak", ys[trunk], xs[trunk], 3.0)
        col[trunk] = s.lit(_TRUNK * bark[:, None], side * lx * 0.6 + lz * 0.5 + 0.1, 0.7)
    return col


def _bush(s, idx):
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(BUSH)
    inst = s.instances[idx]
    leaf_scale = np.clip(10.0 / s.obj.rx[inst], 1.0, 3.0)
    ndotl, occlusion, _, _, _ = _foliage(s, ys, xs, inst, n, leaf_scale)
    albedo = _BUSH[s.season] * s.green_shift * (1 + 0.15 * s.obj.tone[inst][:, None])
    if s.season == 2:
        albedo = albedo * (1 + 0.25 * s.obj.tone[inst][:, None] * _c(0.3, 0.6, 0.0))
    col = s.lit(albedo, ndotl, occlusion)
    if s.season == 0:
        blossom = np.clip((n.at("leaf", ys, xs, leaf_scale * 2.5) - 1.0) * 2.0, 0, 1)[:, None]
        petals = np.where(s.obj.tone[inst][:, None] > 0, _c(1.0, 0.95, 0.97), _c(1.0, 0.68, 0.8))
        col = col * (1 - blossom) + s.lit(petals, ndotl + 0.2, 1.0) * blossom
    return col


def _water(s, idx):
    """Water mirrors what stands behind its far shore, with ripples, darker away from the shore."""
    ys, xs = s.ys[idx], s.xs[idx]
    n = s.noise(WATER)
    h, w = s.h, s.w
    mask = s.layout.labels == WATER
    rows = np.arange(h, dtype=np.int32)[:, None]
    starts = mask & ~np.vstack([np.zeros((1, w), bool), mask[:-1]])
    shore_row = np.maximum.accumulate(np.where(starts, rows, 0), axis=0).ravel()[idx]
    g = s.ground(ys)
    zoom = 1.0 / (0.06 + 1.2 * g)
    ripple = n.at("hstreak", ys, xs, scale=zoom * 0.8, scale_y=zoom * 2.2)
    calm = 0.5 if s.season == 3 else 1.0
    my = 2 * shore_row - ys - 1 + ripple * 1.5 * calm
    mx = np.clip(xs + ripple * 3.0 * g * calm, 0, w - 1)
    mirrored = np.clip(my, 0, h - 1).astype(np.int32) * w + mx.astype(np.int32)
    # Only what stands behind the water mirrors in it; nearer things (a tree on the near bank) do not.
    start = shore_row * w + xs.astype(np.int32)
    mirrored_labels = s.labels[mirrored]
    behind = (my >= 0) & (mirrored_labels != WATER) & (
        _BACKDROP[mirrored_labels] | (s.depth[mirrored] >= s.depth[start] - 0.01))
    reflection = np.where(behind[:, None], s.colour[mirrored], s.sky_colour(np.maximum(2.0 * s.horizon - ys, 0.0),
                                                                           xs))
    # Distance to the shore at half resolution: the shading is smooth, the exact transform is not needed.
    dist = 2.0 * ndimage.distance_transform_edt(mask[::2, ::2]).repeat(2, 0).repeat(2, 1)[:h, :w].ravel()[idx]
    deep = 1.0 - np.exp(-dist / (2.0 + 30.0 * g))
    body = _WATER_SHALLOW * (1 - deep[:, None]) + _WATER_DEEP * deep[:, None]
    if s.season == 3:
        body = body * 0.8 + 0.05
    body = s.lit(body, s.light.light[1] * 0.8 + 0.2, 1.0)
    fresnel = (0.22 + 0.68 * (1 - np.clip(g, 0, 1)) ** 2.5)[:, None]
    col = body * (1 - fresnel) + reflection * 0.9 * fresnel
    col = col * (1 + 0.12 * calm * ripple)[:, None]
    light = s.light
    if light.overcast < 1 and light.sun_row > -0.05:
        column = np.exp(-np.abs(xs - s.sun_x) / (0.03 * w + 40.0 * g))
        glitter = np.clip(ripple - 0.7, 0.0, 1.0) * column * (1 - light.overcast) * light.glow
        col = col + glitter[:, None] * light.sun * 1.5
    if s.layout.water == "sea":
        foam = np.clip(1.0 - dist / (1.0 + 4.0 * g), 0, 1) * np.clip(0.6 + n.at("fbm", ys, xs, 2.0), 0, 1)
        col = col * (1 - foam[:, None]) + s.lit(_c(0.92, 0.94, 0.95), light.light[1] + 0.3, 1.0) * foam[:, None]
    return col


_SHADERS = ((SKY, _sky), (CLOUD, _cloud), (MOUNTAIN, _mountain), (SNOW, _snow), (HILL, _hill), (GRASS, _grass),
            (FLOWERS, _flowers), (SAND, _sand), (PATH, _path), (ROCK, _rock), (BUSH, _bush), (TREE, _tree))
_CAST_SHADOW_ON = (GRASS, FLOWERS, SAND, PATH, HILL)


def _cast_shadows(s):
    """Darkens the ground under trees, bushes and rocks, stretched away from the sun: [H, W] factor."""
    light = s.light
    if light.shadow <= 0.02:
        return None
    shade = np.zeros((s.h, s.w), np.float32)
    o = s.obj
    lx, ly, _ = light.light
    length = 0.6 + 1.8 * (1 - ly)
    present = np.unique(s.instances)
    for i in present[present > 0]:
        if o.cls[i] not in (TREE, BUSH, ROCK):
            continue
        rx = float(o.rx[i]) * (1.0 + abs(lx) * length)
        cx = float(o.cx[i]) - lx * float(o.rx[i]) * length
        g = float(np.clip((o.base[i] - s.horizon) / (s.h - s.horizon), 0.05, 1.5))
        ry = max(float(o.rx[i]) * 0.35 * (0.4 + g), 0.8)
        cy = float(o.base[i]) + ry * 0.3
        ya, yb = max(int(cy - ry), 0), min(int(cy + ry) + 1, s.h)
        xa, xb = max(int(cx - rx), 0), min(int(cx + rx) + 1, s.w)
        if ya >= yb or xa >= xb:
            continue
        yy = (np.arange(ya, yb, dtype=np.float32)[:, None] - cy) / ry
        xx = (np.arange(xa, xb, dtype=np.float32)[None, :] - cx) / rx
        np.maximum(shade[ya:yb, xa:xb], np.clip(1.0 - yy * yy - xx * xx, 0.0, 1.0) ** 0.5,
                   out=shade[ya:yb, xa:xb])
    on_ground = np.isin(s.layout.labels, _CAST_SHADOW_ON)
    return 1.0 - light.shadow * 1.2 * (shade * on_ground).ravel()


def _atmosphere(s, mask):
    """Aerial perspective on the pixels of ``mask`` (bool, flat): farther pixels fade into the fog colour,
    which glows towards the sun."""
    light = s.light
    if s.fog_amount is None:
        d = s.layout.depth
        s.fog_amount = 1.0 - np.exp(-light.fog_density * d * np.sqrt(d))
        cols = np.arange(s.w, dtype=np.float32)
        towards_sun = np.exp(-np.abs(cols - s.sun_x) / (0.5 * s.w)) * light.glow * 0.35
        s.fog_colour = light.fog + towards_sun[:, None] * light.sun
    amount = (s.fog_amount * mask.reshape(s.h, s.w))[:, :, None]
    image = s.colour.reshape(s.h, s.w, 3)
    image += (s.fog_colour[None] - image) * amount


def _soften_boundaries(s):
    """Blends pixels on class or object boundaries with their 3x3 neighbourhood, as a lens would."""
    labels, ids = s.layout.labels, s.layout.instances
    edge = np.zeros((s.h, s.w), bool)
    for a, b in ((np.s_[:, 1:], np.s_[:, :-1]), (np.s_[1:, :], np.s_[:-1, :])):
        step = (labels[a] != labels[b]) | (ids[a] != ids[b])
        edge[a] |= step
        edge[b] |= step
    where = np.flatnonzero(edge)
    image = s.colour.reshape(s.h, s.w, 3)
    blurred = ndimage.uniform_filter(image, size=(3, 3, 1)).reshape(-1, 3)
    s.colour[where] = 0.4 * s.colour[where] + 0.6 * blurred[where]


@functools.lru_cache(maxsize=4)
def _vignette_falloff(height, width):
    ys, xs = _grid(height, width)
    return ((((xs / width - 0.5) ** 2 + (ys / height - 0.5) ** 2) * 2.0) ** 1.5).astype(np.float32)


def _grade(s):
    """Colour grading: sun bloom, exposure, white balance, saturation, contrast, vignette, grain, shoulder."""
    st = s.style
    col = s.colour
    if s.light.glow * float(s.light.sun.max()) > 0.05:
        d = np.sqrt((s.xs - s.sun_x) ** 2 + (s.ys - s.sun_y) ** 2) * (1.0 / (0.3 * s.h))
        col += (s.light.glow * 0.18 * np.exp(-d))[:, None] * s.light.sun
    col *= st.exposure * _c(1 + 0.1 * st.warmth - 0.03 * st.tint, 1 + 0.02 * st.warmth + 0.05 * st.tint,
                            1 - 0.12 * st.warmth - 0.03 * st.tint)
    luma = (col @ _LUMA)[:, None]
    # Saturation around the luma, then contrast around mid grey, in one pass.
    col -= luma
    col *= st.saturation * st.contrast
    col += (luma - 0.45) * st.contrast + 0.45
    col *= (1.0 - st.vignette * _vignette_falloff(s.h, s.w))[:, None]
    if st.grain > 0.002:
        col += (st.grain * s.noise(NUM_CLASSES).at("fine", s.ys, s.xs))[:, None]
    np.clip(col, 0.0, None, out=col)
    # Soft shoulder instead of a hard clip, so bright skies and snow keep a little detail.
    bright = col > 0.8
    col[bright] = 1.0 - 0.2 * np.exp(-(col[bright] - 0.8) / 0.2)


def render_layout(layout, style, seed):
    """The picture of ``layout`` under ``style``: uint8 ``[H, W, 3]``. ``seed`` places the textures."""
    s = _Shading(layout, style, seed)
    order = np.argsort(s.labels, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(s.labels, minlength=NUM_CLASSES))])
    index = {c: order[bounds[c]:bounds[c + 1]] for c in range(NUM_CLASSES)}
    water = index[WATER]
    s.wetness = s.fog_amount = s.fog_colour = None
    if len(water) and len(index[SAND]):
        near = ndimage.distance_transform_cdt(s.layout.labels != WATER, metric="chessboard").ravel()
        s.wetness = np.exp(-near / (1.0 + 6.0 * s.ground(s.ys))) * 0.8
    for cls, shader in _SHADERS:
        if len(index[cls]):
            s.colour[index[cls]] = shader(s, index[cls])
    shadow = _cast_shadows(s)
    if shadow is not None:
        s.colour *= shadow[:, None]
    _atmosphere(s, (s.labels != SKY) & (s.labels != WATER))
    if len(water):
        s.colour[water] = _water(s, water)
        _atmosphere(s, s.labels == WATER)
    _soften_boundaries(s)
    _grade(s)
    return (s.colour.reshape(s.h, s.w, 3) * 255.0 + 0.5).astype(np.uint8)
