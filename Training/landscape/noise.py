"""Noise for layouts and textures: a fixed bank of periodic 2-D noise tiles and 1-D fractal profiles.

Making good 2-D noise per picture is the slow part of procedural rendering, so each process synthesises a
small bank of periodic tiles once (spectral synthesis with a fixed seed: the same bank in every process) and
every picture samples them at its own random offsets and scales. Pictures stay deterministic for a seed.
"""

import functools

import numpy as np

TILE = 512
MASK = TILE - 1
_BANK_SEED = 20240611

# name -> (spectral exponent beta, stretch of x frequencies, stretch of y frequencies, band-pass centre or 0).
# A larger stretch along an axis damps frequencies along it, so features grow long along that axis.
_SPECS = {
    "smooth": (4.0, 1.0, 1.0, 0.0),  # broad patches, a few across a tile
    "fbm": (2.6, 1.0, 1.0, 0.0),  # general fractal noise
    "fine": (1.2, 1.0, 1.0, 0.0),  # grain
    "vstreak": (2.2, 1.0, 7.0, 0.0),  # long vertical strokes: grass blades, gullies
    "hstreak": (2.2, 9.0, 1.0, 0.0),  # long horizontal strokes: ripples, cirrus
    "leaf": (1.0, 1.0, 1.0, 0.11),  # clumps of a few pixels: foliage
    "blades": (1.0, 1.0, 3.5, 0.2),  # short vertical strokes: grass blades
    "puff": (2.0, 1.0, 1.0, 0.03),  # cauliflower lumps: clouds, crowns
}


def _synthesise(rng, beta, stretch_x, stretch_y, band):
    white = rng.standard_normal((TILE, TILE))
    fy = np.fft.fftfreq(TILE)[:, None] * stretch_y
    fx = np.fft.rfftfreq(TILE)[None, :] * stretch_x
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    amp = f ** (-beta / 2.0)
    if band > 0:
        amp *= np.exp(-((np.log(f / band)) ** 2) / 0.5)
    amp[0, 0] = 0.0
    tile = np.fft.irfft2(np.fft.rfft2(white) * amp, s=(TILE, TILE))
    tile -= tile.mean()
    tile /= tile.std()
    return tile.astype(np.float32)


@functools.lru_cache(maxsize=1)
def bank():
    """The tile bank: name -> float32 ``[TILE, TILE]``, zero mean, unit variance, periodic in both axes."""
    rng = np.random.default_rng(_BANK_SEED)
    tiles = {name: _synthesise(rng, *spec) for name, spec in _SPECS.items()}
    # Ridged noise (sharp creases): cracks in rock, crevasses in snow.
    ridged = 1.0 - 2.0 * np.abs(tiles["fbm"]) / 2.5
    tiles["ridged"] = np.clip(ridged, -1.5, 1.0).astype(np.float32)
    # Sparse dots with a random value in (0, 1] each (0 = no dot): flowers, stars, blossoms.
    dots = np.zeros((TILE, TILE), np.float32)
    centres = rng.integers(0, TILE, size=(TILE * TILE // 22, 2))
    dots[centres[:, 0], centres[:, 1]] = rng.uniform(0.02, 1.0, len(centres)).astype(np.float32)
    tiles["dots"] = dots
    return tiles


class Sampler:
    """Samples the tile bank at per-picture random offsets, on flat pixel index sets.

    ``ys`` and ``xs`` are float32 pixel coordinates (rows, columns) of the pixels being shaded; every call
    picks a fresh offset from the picture's generator, so two uses of one tile are unrelated.
    """

    def __init__(self, rng):
        self.rng = rng
        self.tiles = bank()

    def offset(self):
        return self.rng.integers(0, TILE, size=2)

    def at(self, name, ys, xs, scale=1.0, scale_y=None, shear=0.0):
        """Nearest sample of tile ``name`` at ``(ys * scale_y, xs * scale + ys * shear)`` plus a random offset.

        ``scale`` below 1 magnifies the tile (bigger features). ``scale`` may be an array (per pixel), which
        is how ground textures shrink towards the horizon.
        """
        oy, ox = self.offset()
        sy = scale if scale_y is None else scale_y
        iy = (np.asarray(ys * sy, np.float32) + oy).astype(np.int32) & MASK
        ix = (np.asarray(xs * scale + ys * shear, np.float32) + ox).astype(np.int32) & MASK
        return self.tiles[name][iy, ix]

    def smooth_at(self, name, ys, xs, scale=1.0, scale_y=None):
        """Bilinear sample (for magnified tiles, where nearest sampling would show blocks)."""
        oy, ox = self.offset()
        sy = scale if scale_y is None else scale_y
        fy = np.asarray(ys * sy, np.float32) + oy
        fx = np.asarray(xs * scale, np.float32) + ox
        y0 = np.floor(fy)
        x0 = np.floor(fx)
        wy = fy - y0
        wx = fx - x0
        y0 = y0.astype(np.int32) & MASK
        x0 = x0.astype(np.int32) & MASK
        y1 = (y0 + 1) & MASK
        x1 = (x0 + 1) & MASK
        t = self.tiles[name]
        top = t[y0, x0] * (1 - wx) + t[y0, x1] * wx
        bottom = t[y1, x0] * (1 - wx) + t[y1, x1] * wx
        return top * (1 - wy) + bottom * wy


def fbm1d(rng, n, period, octaves=5, persistence=0.5, smooth=False):
    """A 1-D fractal profile of length ``n``: ``octaves`` layers of random knots, linear (ridges) or smooth.

    ``period`` is the knot spacing of the first octave in samples; each further octave halves the spacing
    and multiplies the amplitude by ``persistence``. Roughly zero mean, amplitude about 1.
    """
    x = np.arange(n, dtype=np.float64)
    out = np.zeros(n)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        knots = int(n / period) + 3
        values = rng.uniform(-1.0, 1.0, knots)
        pos = x / period + rng.uniform(0.0, 1.0)
        if smooth:
            i = np.floor(pos).astype(int)
            t = pos - i
            t = t * t * (3 - 2 * t)
            out += amp * (values[i] * (1 - t) + values[i + 1] * t)
        else:
            out += amp * np.interp(pos, np.arange(knots), values)
        total += amp
        amp *= persistence
        period = max(period / 2.0, 1.0)
    return out / total
