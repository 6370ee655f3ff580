import numpy as np
import pytest

from clade.palette import read_palette
from landscape import (
    CLASS_NAMES,
    COUNTABLE,
    NUM_CLASSES,
    PALETTE,
    STYLE_PRESETS,
    Style,
    layout_only,
    paintify,
    render_many,
    render_sample,
    render_with_style,
)
from landscape.classes import CLOUD, GRASS, MOUNTAIN, ROCK, SKY, SNOW, TREE, WATER, palette_path, palette_text
from landscape.layout import Layout, ObjectTable
from landscape.render import render_layout
from landscape.style import SEASONS, TIMES, WEATHERS


@pytest.fixture(scope="module")
def layouts():
    return [layout_only(seed) for seed in range(60)]


def test_same_seed_same_sample():
    a, b = render_sample(7), render_sample(7)
    assert np.array_equal(a.image, b.image)
    assert np.array_equal(a.labels, b.labels)
    assert np.array_equal(a.instances, b.instances)
    assert a.style == b.style


def test_other_seed_other_sample():
    a, b = render_sample(1), render_sample(2)
    assert not np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.image, b.image)


def test_sample_shapes_and_types():
    s = render_sample(3)
    assert s.image.shape == (256, 256, 3) and s.image.dtype == np.uint8
    assert s.labels.shape == (256, 256) and s.labels.dtype == np.uint8
    assert s.instances.shape == (256, 256) and s.instances.dtype == np.int32
    assert s.labels.max() < NUM_CLASSES
    assert s.style.name.count("/") == 2


def test_wide_size():
    s = render_sample(4, width=512, height=256)
    assert s.image.shape == (256, 512, 3)
    assert s.labels.shape == s.instances.shape == (256, 512)
    assert len(np.unique(s.labels)) >= 4


def test_layout_only_matches_render(layouts):
    s = render_sample(5)
    assert np.array_equal(layouts[5].labels, s.labels)
    assert np.array_equal(layouts[5].instances, s.instances)


def test_every_class_appears(layouts):
    seen = set()
    for layout in layouts:
        seen.update(np.unique(layout.labels).tolist())
    assert seen == set(range(NUM_CLASSES)), sorted(set(range(NUM_CLASSES)) - seen)


def test_instances_only_on_countable_classes(layouts):
    countable = np.array([c in COUNTABLE for c in range(NUM_CLASSES)])
    for layout in layouts:
        on = layout.instances > 0
        assert countable[layout.labels[on]].all()
        assert (layout.instances[countable[layout.labels]] > 0).all()


def test_each_instance_has_one_class(layouts):
    for layout in layouts:
        ids = layout.instances.ravel()
        labels = layout.labels.ravel()
        for i in np.unique(ids[ids > 0]):
            assert len(np.unique(labels[ids == i])) == 1


def test_layouts_vary(layouts):
    horizons = [layout.horizon for layout in layouts]
    assert max(horizons) - min(horizons) > 40
    assert {layout.water for layout in layouts} == {"none", "lake", "sea", "river"}
    trees = [len(np.unique(layout.instances[layout.labels == TREE])) for layout in layouts]
    assert max(trees) > 20  # forests
    assert sum(t > 0 for t in trees) > 20
    for cls in (CLOUD, MOUNTAIN, ROCK):
        assert any(len(np.unique(layout.instances[layout.labels == cls])) > 1 for layout in layouts)


def test_sky_on_top_and_snow_on_mountains(layouts):
    for layout in layouts:
        assert (layout.labels[0] == SKY).mean() > 0.3 or (layout.labels[0] == TREE).any()
        snow = layout.labels == SNOW
        assert (layout.owner[snow] > 0).all()


def test_palette_file_matches_classes():
    name, entries = read_palette(palette_path())
    assert name == "landscape"
    assert [n for n, _ in entries] == list(CLASS_NAMES)
    assert np.array_equal(np.array([rgb for _, rgb in entries], np.uint8), PALETTE)
    assert len({rgb for _, rgb in entries}) == NUM_CLASSES
    with open(palette_path(), encoding="utf-8") as f:
        assert f.read() == palette_text()


def test_styles_change_the_picture_not_the_layout():
    pictures = {name: render_with_style(11, name) for name in ("noon", "sunset", "winter", "fog")}
    base = pictures["noon"]
    for name, s in pictures.items():
        assert np.array_equal(s.labels, base.labels)
        if name != "noon":
            diff = np.abs(s.image.astype(int) - base.image.astype(int)).mean()
            assert diff > 12, (name, diff)


def test_presets_cover_the_named_choices():
    assert {"noon", "sunset", "winter", "overcast", "dawn", "autumn", "fog"} <= set(STYLE_PRESETS)
    styles = list(STYLE_PRESETS.values())
    assert {s.time for s in styles} == set(TIMES)
    assert {s.season for s in styles} == set(SEASONS)
    assert {s.weather for s in styles} == set(WEATHERS)
    with pytest.raises(ValueError, match="unknown style preset"):
        render_with_style(0, "midnight")
    with pytest.raises(ValueError, match=r"Style\.season"):
        Style(season="monsoon")


def test_style_round_trips_through_dict():
    s = render_sample(12).style
    assert Style.from_dict(s.to_dict()) == s


def test_sun_lights_the_sun_side_of_a_mountain():
    # Light from the left, then from the right: the left face of each mountain is brighter in the first.
    def faces(sun_x):
        style = Style("noon", "summer", "clear", sun_x=sun_x, sun_height=0.5)
        for seed in range(40):
            layout = layout_only(seed)
            if (layout.labels == MOUNTAIN).sum() > 2000:
                break
        s = render_with_style(seed, style)
        grey = s.image.astype(float).mean(axis=2)
        o = layout.objects
        left, right = [], []
        for i in np.unique(layout.instances[layout.labels == MOUNTAIN]):
            ys, xs = np.nonzero((layout.instances == i) & (layout.labels == MOUNTAIN))
            left += list(grey[ys[xs < o.cx[i] - 3], xs[xs < o.cx[i] - 3]])
            right += list(grey[ys[xs > o.cx[i] + 3], xs[xs > o.cx[i] + 3]])
        return np.mean(left) - np.mean(right)

    assert faces(-0.2) > 5
    assert faces(1.2) < -5


def _lake_layout():
    """A hand-made scene: sky, grass from row 100, and a rectangular lake in rows 150..249."""
    labels = np.full((256, 256), GRASS, np.uint8)
    labels[:100] = SKY
    labels[150:250, 20:236] = WATER
    rows = np.arange(256, dtype=np.float32)[:, None]
    depth = np.where(rows < 100, 1.0, 0.1 / ((rows - 100 + 0.5) / 156 + 0.1)) * np.ones((1, 256))
    empty = [np.zeros(1, np.int32)] * 2 + [np.zeros(1, np.float32)] * 7
    return Layout(labels=labels, instances=np.zeros((256, 256), np.int32), depth=depth.astype(np.float32),
                  owner=np.zeros((256, 256), np.int32), horizon=100, objects=ObjectTable(*empty), water="lake")


def test_water_darker_away_from_shore():
    from scipy import ndimage

    layout = _lake_layout()
    style = Style("noon", "summer", "overcast", sun_x=0.5, sun_height=0.7, vignette=0.0, grain=0.0)
    grey = render_layout(layout, style, 0).astype(float).mean(axis=2)
    water = layout.labels == WATER
    dist = ndimage.distance_transform_edt(water)
    # Same rows (same reflection and Fresnel term), shore columns against the open middle.
    band = np.zeros_like(water)
    band[170:230] = True
    near = grey[water & band & (dist <= 2)]
    far = grey[water & band & (dist >= 10)]
    assert near.mean() > far.mean() + 4, (near.mean(), far.mean())


def test_paintify_keeps_shape_and_classes(layouts):
    rng = np.random.default_rng(0)
    countable = np.array([c in COUNTABLE for c in range(NUM_CLASSES)])
    for layout in layouts[:12]:
        labels, instances = paintify(layout.labels, layout.instances, rng)
        assert labels.shape == layout.labels.shape and labels.dtype == np.uint8
        assert instances.shape == layout.instances.shape and instances.dtype == np.int32
        assert set(np.unique(labels)) <= set(np.unique(layout.labels))
        assert countable[labels[instances > 0]].all()
        assert (instances[countable[labels]] > 0).all()
        assert (labels == layout.labels).mean() > 0.75


def test_paintify_is_the_app_upsampling_of_a_grid():
    from clade.conditioning import upsample_labels

    layout = layout_only(3)
    labels, instances = paintify(layout.labels, layout.instances, np.random.default_rng(1), cells=16)
    # Pixels near cell centres take their own cell's paint, so they give back the 16x16 grid.
    grid, igrid = labels[8::16, 8::16], instances[8::16, 8::16]
    up_labels, up_instances = upsample_labels(grid, igrid, 256, 256)
    assert np.array_equal(up_labels, labels)
    assert np.array_equal(up_instances, instances)
    assert not np.array_equal(labels, layout.labels)


def test_paintify_rejects_mismatched_maps():
    with pytest.raises(ValueError, match="one \\[H, W\\] shape"):
        paintify(np.zeros((8, 8), np.uint8), np.zeros((8, 9), np.int32), np.random.default_rng(0))


def test_render_many_in_order():
    many = render_many([21, 22, 23], workers=1)
    assert [s.seed for s in many] == [21, 22, 23]
    assert np.array_equal(many[1].image, render_sample(22).image)
