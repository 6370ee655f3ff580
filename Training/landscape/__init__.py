"""The procedural landscape data set: layouts, instance ids and rendered pictures (numpy only).

No labelled landscape photographs can be downloaded here, so the project makes its own: a seed gives a
random scene layout (sky, clouds, mountain ranges with snow caps, hills, sea / lake / river with beaches,
paths, flower meadows, forests and single trees, bushes, rocks, grass), and a random global style (time of
day, season, weather, colour grading) under which every class is rendered with its own textures and with
shading that depends on the position inside each object. Everything is deterministic for a seed.

API (stable; the training and evaluation code use it):

``render_sample(seed, width=256, height=256) -> Sample``
    Scene ``seed`` under its own random style. ``Sample`` fields: ``image`` uint8 ``[H, W, 3]`` RGB,
    ``labels`` uint8 ``[H, W]`` class ids, ``instances`` int32 ``[H, W]`` object ids (0 = none; nonzero only
    on the countable classes cloud, mountain, rock, tree, bush; ids are unique across classes),
    ``style`` (a ``Style``; ``style.name`` reads ``"sunset/autumn/clear"``, ``style.to_dict()`` gives all
    parameters), ``seed``.
``render_with_style(seed, style, width=256, height=256) -> Sample``
    The same scene (layout and texture placement) under another ``Style`` or a preset name.
``STYLE_PRESETS``
    Named styles: noon, sunset, dawn, dusk, winter, autumn, spring, overcast, fog.
``layout_only(seed, width=256, height=256) -> Layout``
    The layout of ``render_sample(seed)`` without rendering: ``labels``, ``instances`` as above.
``render_many(seeds, width=256, height=256, workers=None) -> [Sample]``
    ``render_sample`` for many seeds on a process pool, in seed order (for a cache at training start).
``paintify(labels, instances, rng, cells=None) -> (labels, instances)``
    Makes a layout look painted in the app (coarse grid, wobbly strokes, stray dabs, upsampled with the
    app's rule); for training robustness on painted masks. The picture stays the render.
``landscape.painted``
    Layouts as a person paints them on the painter's grid: ``painted_layout(seed)`` (random compositions of
    cells), ``grid_of`` (a layout brought onto the grid), ``painter_grid``, ``upsampled`` (the painter's rule).
``landscape.cells``
    ``render_painted(grid, instances, width, height, seed, style, horizon=None) -> Sample``: a painted grid
    rendered into its cells (trees filling their columns, mountains through their steps with snow along the
    painted rows, lakes inside their rectangles); ``labels`` / ``instances`` are the grid upsampled as the app
    does. For training pairs that teach the mapping the app needs.
``RENDERER_VERSION``
    Changes whenever a seed renders differently; put it in the key of any cache of renders.
``CLASS_NAMES``, ``NUM_CLASSES``, ``COUNTABLE``, ``PALETTE``, ``colourize(labels)``
    Class order = class id = line order of ``Palettes/landscape.gpl``.

Sizes: 256x256 and 512x256 (width x height) are the data set's sizes; any size from 32x32 works.
"""

from .classes import CLASS_NAMES, COUNTABLE, NUM_CLASSES, PALETTE, colourize
from .layout import Layout
from .paintify import paintify
from .sample import RENDERER_VERSION, Sample, layout_only, render_many, render_sample, render_with_style, sample_style
from .style import SEASONS, STYLE_PRESETS, TIMES, WEATHERS, Style, random_style

__all__ = [
    "CLASS_NAMES",
    "COUNTABLE",
    "NUM_CLASSES",
    "PALETTE",
    "RENDERER_VERSION",
    "SEASONS",
    "STYLE_PRESETS",
    "TIMES",
    "WEATHERS",
    "Layout",
    "Sample",
    "Style",
    "colourize",
    "layout_only",
    "paintify",
    "random_style",
    "render_many",
    "render_sample",
    "render_with_style",
    "sample_style",
]
