"""Samples of the data set: a seed gives a layout, a style and a picture, the same on every machine."""

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

from .layout import make_layout
from .render import render_layout
from .style import STYLE_PRESETS, Style, random_style

SIZES = ((256, 256), (512, 256))


@dataclass
class Sample:
    """One rendered sample.

    ``image``: uint8 ``[H, W, 3]`` RGB; ``labels``: uint8 ``[H, W]`` class ids; ``instances``: int32
    ``[H, W]`` object ids (0 = none, only on countable classes); ``style``: the ``Style`` it was rendered
    with (``style.name`` reads like ``"sunset/autumn/clear"``); ``seed``: the scene seed.
    """

    image: np.ndarray
    labels: np.ndarray
    instances: np.ndarray
    style: Style
    seed: int


def _check_size(width, height):
    if width < 32 or height < 32:
        raise ValueError(f"picture size must be at least 32x32, got {width}x{height}")


def layout_only(seed, width=256, height=256):
    """The layout of scene ``seed`` without rendering (about a third of the cost of a sample).

    Returns a ``Layout`` (``labels``, ``instances`` as in ``Sample``, plus the geometry used for shading).
    """
    _check_size(width, height)
    return make_layout(int(seed), width, height)


def sample_style(seed):
    """The random style that ``render_sample(seed)`` uses."""
    return random_style(np.random.default_rng([int(seed), 0x57E]))


def render_with_style(seed, style, width=256, height=256):
    """Scene ``seed`` rendered under ``style``: a ``Style`` or the name of a preset in ``STYLE_PRESETS``.

    The layout and texture placement depend on the seed only, so one seed under several styles shows the same
    scene at another time of day, season or weather.
    """
    if isinstance(style, str):
        if style not in STYLE_PRESETS:
            raise ValueError(f"unknown style preset {style!r}; known: {sorted(STYLE_PRESETS)}")
        style = STYLE_PRESETS[style]
    _check_size(width, height)
    layout = make_layout(int(seed), width, height)
    image = render_layout(layout, style, int(seed))
    return Sample(image=image, labels=layout.labels, instances=layout.instances, style=style, seed=int(seed))


def render_sample(seed, width=256, height=256):
    """Scene ``seed`` under its own random style."""
    return render_with_style(seed, sample_style(seed), width, height)


def _render_task(args):
    return render_sample(*args)


def render_many(seeds, width=256, height=256, workers=None):
    """``render_sample`` for every seed, in order, on ``workers`` processes (default: all cores).

    Returns a list of ``Sample``. With one worker it renders in this process.
    """
    seeds = [int(s) for s in seeds]
    workers = workers or os.cpu_count() or 1
    tasks = [(s, width, height) for s in seeds]
    if workers <= 1 or len(seeds) < 2:
        return [_render_task(t) for t in tasks]
    chunk = max(1, min(64, len(seeds) // (workers * 4)))
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return pool.map(_render_task, tasks, chunksize=chunk)
